//! Credentials, shared by the API-key middleware, the session routes, plugin routes and
//! the Socket.IO handshake: the constant-time key check, the elizaOS 401 body, and a
//! session's own token.

pub mod session;

use actix_web::HttpResponse;
use serde_json::json;

pub use agentd_core::access::keys_match;

/// The family-F 401 body of elizaOS; it says nothing about the configured key.
pub fn unauthorized() -> HttpResponse {
    HttpResponse::Unauthorized().json(json!({
        "error": "API key required",
        "message": "Missing or invalid X-API-KEY header",
    }))
}
