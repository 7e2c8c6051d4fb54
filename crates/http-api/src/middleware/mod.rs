//! The middleware stack, one module per concern.
//!
//! Each middleware answers its own rejections as complete responses (never as `Err`), so the
//! outer layers (request span, security headers, CORS) still see and decorate them. None of
//! them may hold a clone of the `HttpRequest` across `next.call`: routing needs it unshared.

pub mod api_key;
pub mod body_limit;
pub mod content_type;
pub mod cors;
pub mod headers;
pub mod normalize_path;
pub mod rate_limit;
pub mod request_span;

use actix_web::{HttpRequest, web};

use crate::state::AppState;

/// The app state, registered by `create_app` on every app.
pub(crate) fn state_of(req: &HttpRequest) -> Option<web::Data<AppState>> {
    req.app_data::<web::Data<AppState>>().cloned()
}
