//! API-key check for `/api` (spec 7.1): when a key is configured, every request but `OPTIONS`
//! must carry it in `X-API-KEY`, except a session's own routes with that session's
//! `X-Session-Token`.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};
use serde_json::json;
use subtle::ConstantTimeEq;

/// Compares a presented key with the configured one in time that depends only on the
/// configured key's length, so response timing does not reveal how much of a guess matched.
pub fn keys_match(presented: &[u8], expected: &[u8]) -> bool {
    let mut padded = vec![0u8; expected.len()];
    let n = presented.len().min(expected.len());
    padded[..n].copy_from_slice(&presented[..n]);
    let same_len = (presented.len() as u64).ct_eq(&(expected.len() as u64));
    (same_len & padded.as_slice().ct_eq(expected)).into()
}

/// The family-F 401 body of elizaOS; it says nothing about the configured key.
pub fn unauthorized() -> HttpResponse {
    HttpResponse::Unauthorized().json(json!({
        "error": "API key required",
        "message": "Missing or invalid X-API-KEY header",
    }))
}

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
        // A session's own token opens that session's routes only (issue 6).
        if !ok && !crate::routes::sessions::auth::token_grants(req.request(), &state).await {
            return Ok(req.into_response(unauthorized()).map_into_right_body());
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

#[cfg(test)]
mod tests {
    use super::keys_match;

    #[test]
    fn only_the_exact_key_matches() {
        assert!(keys_match(b"s3cret", b"s3cret"));
        assert!(!keys_match(b"s3cre", b"s3cret"));
        assert!(!keys_match(b"s3crett", b"s3cret"));
        assert!(!keys_match(b"s3creT", b"s3cret"));
        assert!(!keys_match(b"", b"s3cret"));
        assert!(!keys_match(b"s3cret\0", b"s3cret"));
    }
}
