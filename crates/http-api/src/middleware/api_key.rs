//! API-key check for `/api`: when a key is configured, every request but `OPTIONS`
//! must carry it in `X-API-KEY`, except a session's own routes with that session's
//! `X-Session-Token`.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;

use crate::auth::{keys_match, unauthorized};

/// Rejects `/api` requests without the right `X-API-KEY` when a key is configured.
pub async fn require_api_key(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let Some(state) = super::state_of(req.request()) else {
        // No state means no settings: fail closed.
        return Ok(req.into_response(unauthorized()).map_into_right_body());
    };
    if let Some(token) = &state.settings().auth_token
        && req.method() != Method::OPTIONS
    {
        let ok = req
            .headers()
            .get("x-api-key")
            .is_some_and(|v| keys_match(v.as_bytes(), token.expose().as_bytes()));
        // A session's own token opens that session's routes only.
        if !ok && !crate::auth::session::token_grants(req.request(), &state).await {
            return Ok(req.into_response(unauthorized()).map_into_right_body());
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}
