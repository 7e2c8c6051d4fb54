//! `/api/messaging/sessions`: sessions stored as rows, with timeouts, renewal and
//! heartbeats computed by `agentd-sessions`. Successes are raw JSON (family C); errors are
//! family D, never with a `stack`. Registered at full `/messaging/sessions` paths before
//! the messaging routes.

pub mod lifecycle;
pub mod messages;

use actix_web::web;

use crate::routes::fallback;

/// A resource at `path` whose unrouted methods fall through to the family-H 404.
fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(fallback::api_not_found))
}

/// Registers every session route, relative to the `/sessions` scope; `health` precedes
/// `{sessionId}`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/health").get(lifecycle::health))
        .service(
            resource("")
                .get(lifecycle::list_sessions)
                .post(lifecycle::create_session),
        )
        .service(
            resource("/{sessionId}")
                .get(lifecycle::get_session)
                .delete(lifecycle::delete_session),
        )
        .service(
            resource("/{sessionId}/messages")
                .get(messages::list_messages)
                .post(messages::send_message),
        )
        .service(resource("/{sessionId}/renew").post(lifecycle::renew_session))
        .service(resource("/{sessionId}/heartbeat").post(lifecycle::heartbeat_session))
        .service(resource("/{sessionId}/timeout").patch(lifecycle::update_timeout));
}
