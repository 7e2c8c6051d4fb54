//! Content-Type check for bodies under `/api`.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError};
use agentd_core::ErrorCode;

use crate::error::ApiError;

/// The body types the API parses.
const ACCEPTED: [&str; 3] = [
    "application/json",
    "multipart/form-data",
    "application/x-www-form-urlencoded",
];

/// The declared body length, if the request has a valid `Content-Length`.
pub(crate) fn content_length(req: &ServiceRequest) -> Option<u64> {
    req.headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Whether the method carries a body we check.
pub(crate) fn has_body_method(method: &Method) -> bool {
    matches!(*method, Method::POST | Method::PUT | Method::PATCH)
}

/// POST/PUT/PATCH with a non-zero `Content-Length` must declare JSON, multipart or a form,
/// else 400 `INVALID_CONTENT_TYPE`, before any handler reads the body.
pub async fn check_content_type(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if has_body_method(req.method()) && content_length(&req).is_some_and(|n| n > 0) {
        let declared = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if !ACCEPTED.iter().any(|t| declared.contains(t)) {
            let err = ApiError::new(
                ErrorCode::InvalidContentType,
                "Content-Type must be application/json, multipart/form-data or application/x-www-form-urlencoded",
            );
            return Ok(req
                .into_response(err.error_response())
                .map_into_right_body());
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}
