//! The per-session token as a credential: a request for one session's own routes carrying
//! that session's `X-Session-Token` passes the API-key check, so a public chat widget can
//! use one session without the server key. Nothing else is opened: not the session list,
//! not `health`, not another session, and not any path that only looks similar.

use actix_web::HttpRequest;
use agentd_sessions::token;
use agentd_storage::prelude::*;
use uuid::Uuid;

use crate::state::AppState;

/// The header carrying a session token.
pub const HEADER: &str = "x-session-token";

/// The session id of a path that is exactly `/api/messaging/sessions/<id>` or one of its
/// sub-routes, with the id in canonical lowercase form; anything else is `None`.
pub fn session_of_path(path: &str) -> Option<Uuid> {
    let rest = path.strip_prefix("/api/messaging/sessions/")?;
    let (id, tail) = match rest.split_once('/') {
        Some((id, tail)) => (id, Some(tail)),
        None => (rest, None),
    };
    if !matches!(
        tail,
        None | Some("messages" | "renew" | "heartbeat" | "timeout")
    ) {
        return None;
    }
    let u = agentd_core::parse_uuid(id)?;
    (u.hyphenated().to_string() == id).then_some(u)
}

/// Whether the request carries the valid token of the session its path names.
pub async fn token_grants(req: &HttpRequest, state: &AppState) -> bool {
    let Some(presented) = req.headers().get(HEADER).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some(id) = session_of_path(req.path()) else {
        return false;
    };
    match state.db().get_session(id).await {
        Ok(s) => s
            .token_hash
            .as_deref()
            .is_some_and(|h| token::verify(presented, h)),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::session_of_path;

    #[test]
    fn only_a_sessions_own_routes_match() {
        let id = "6f1c3e2a-1b2c-4d3e-8f9a-0b1c2d3e4f5a";
        let base = format!("/api/messaging/sessions/{id}");
        for ok in ["", "/messages", "/renew", "/heartbeat", "/timeout"] {
            assert!(session_of_path(&format!("{base}{ok}")).is_some(), "{ok}");
        }
        for bad in [
            "/api/messaging/sessions".to_owned(),
            "/api/messaging/sessions/".to_owned(),
            "/api/messaging/sessions/health".to_owned(),
            format!("{base}/"),
            format!("{base}/messages/"),
            format!("{base}/other"),
            format!("{base}/messages/x"),
            format!("{base}/../../agents"),
            base.to_uppercase(),
            format!("/api/messaging/channels/{id}/messages"),
            format!("/api/messaging/sessions/{id}x"),
        ] {
            assert!(session_of_path(&bad).is_none(), "{bad}");
        }
    }
}
