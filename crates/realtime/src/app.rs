//! The agentd [`SocketApp`]: handshake (the elizaOS checks, with the fixes listed in
//! docs/REALTIME.md), welcome events and the dispatch of client events.

use std::sync::Arc;

use actix_web::http::header::{self, HeaderMap};
use agentd_core::ids::parse_uuid;
use agentd_socketio::{
    AckSender, DisconnectReason, HandshakeRequest, Socket, SocketApp, SocketIdentity,
};
use chrono::Utc;
use futures_util::future::BoxFuture;
use serde_json::{Value, json};

use super::Core;
use super::cursor::SocketState;
use super::{join, logs, send};
use agentd_core::access::{CorsOrigins, keys_match};

/// Refusal when the key is missing or wrong (the elizaOS wording).
pub(crate) const BAD_KEY: &str = "Invalid or missing API Key";
/// Refusal when `auth.entityId` is not a UUID (the elizaOS wording, verified).
pub(crate) const BAD_ENTITY: &str = "Valid entityId required";
/// Refusal for a browser page whose origin the CORS configuration does not allow.
pub(crate) const BAD_ORIGIN: &str = "Origin not allowed";

/// The Socket.IO application of agentd.
pub(crate) struct AgentdApp {
    core: Arc<Core>,
}

impl AgentdApp {
    pub(crate) fn new(core: Arc<Core>) -> Self {
        AgentdApp { core }
    }

    fn check(&self, request: &HandshakeRequest) -> Result<SocketIdentity, &'static str> {
        if !origin_allowed(&self.core.settings.cors_origins, &request.headers) {
            return Err(BAD_ORIGIN);
        }
        let key_ok = match &self.core.settings.auth_token {
            None => false,
            Some(token) => {
                let presented = request
                    .auth
                    .get("apiKey")
                    .and_then(Value::as_str)
                    .map(str::as_bytes)
                    .or_else(|| request.headers.get("x-api-key").map(|v| v.as_bytes()));
                let ok = presented.is_some_and(|p| keys_match(p, token.expose().as_bytes()));
                if !ok {
                    return Err(BAD_KEY);
                }
                true
            }
        };
        let entity = request
            .auth
            .get("entityId")
            .and_then(Value::as_str)
            .and_then(parse_uuid)
            .ok_or(BAD_ENTITY)?;
        Ok(SocketIdentity::new(Some(entity)).with_data(SocketState::new(key_ok)))
    }
}

/// Whether the handshake's `Origin` may connect. Non-browser clients send none and are
/// judged by the key alone; a browser page must be same-origin or allowed by `CORS_ORIGIN`,
/// so another site cannot ride a user's network position (no cookies are involved).
fn origin_allowed(origins: &CorsOrigins, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let origin = origin.trim_end_matches('/').to_ascii_lowercase();
    match origins {
        CorsOrigins::Any => true,
        CorsOrigins::List(list) => list.contains(&origin),
        CorsOrigins::SameOrigin => {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .map(str::to_ascii_lowercase);
            let origin_host = origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"));
            matches!((host, origin_host), (Some(h), Some(o)) if h == o)
        }
    }
}

impl SocketApp for AgentdApp {
    fn handshake(
        &self,
        request: HandshakeRequest,
    ) -> BoxFuture<'_, Result<SocketIdentity, String>> {
        let result = self.check(&request).map_err(|e| {
            tracing::info!(peer = ?request.peer, reason = e, "socket.io handshake refused");
            e.to_owned()
        });
        Box::pin(async move { result })
    }

    fn on_connect(&self, socket: Socket) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let _ = socket.emit(
                "authenticated",
                &json!({"entityId": socket.entity_id(), "timestamp": Utc::now().timestamp_millis()}),
            );
            let _ = socket.emit(
                "connection_established",
                &json!({"message": "Connected to Eliza Socket.IO server", "socketId": socket.id()}),
            );
        })
    }

    fn on_event(
        &self,
        socket: Socket,
        event: String,
        args: Vec<Value>,
        ack: Option<AckSender>,
    ) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            // elizaOS never acks; answer an ack request anyway so a client never hangs.
            if let Some(ack) = ack {
                let _ = ack.send(&json!({"received": true}));
            }
            let first = args.into_iter().next().unwrap_or(Value::Null);
            let core = &self.core;
            match event.as_str() {
                "message" => {
                    let (Some(kind), Some(payload)) = (first.get("type"), first.get("payload"))
                    else {
                        return;
                    };
                    let kind = kind.as_f64();
                    if kind == Some(1.0) {
                        join::handle(core, &socket, payload).await;
                    } else if kind == Some(2.0) {
                        send::handle(core, &socket, payload).await;
                    } else {
                        tracing::debug!(socket.id = socket.id(), "unknown socket message type");
                    }
                }
                "1" => join::handle(core, &socket, &first).await,
                "2" => send::handle(core, &socket, &first).await,
                "subscribe_logs" => logs::stream::subscribe(core, &socket),
                "unsubscribe_logs" => logs::stream::unsubscribe(core, &socket),
                "update_log_filters" => logs::stream::update_filters(core, &socket, &first),
                _ => {}
            }
        })
    }

    fn on_disconnect(&self, socket: Socket, reason: DisconnectReason) -> BoxFuture<'_, ()> {
        let _ = reason;
        logs::stream::drop_socket(&self.core, &socket);
        Box::pin(async {})
    }
}

/// The per-socket state attached at handshake; every agentd socket has one.
pub(crate) fn state(socket: &Socket) -> Option<&SocketState> {
    socket.data::<SocketState>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    fn headers(origin: &str, host: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ORIGIN, HeaderValue::from_str(origin).unwrap());
        h.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        h
    }

    #[test]
    fn origin_rules_follow_cors_settings() {
        let same = CorsOrigins::SameOrigin;
        assert!(origin_allowed(&same, &HeaderMap::new()));
        assert!(origin_allowed(
            &same,
            &headers("http://localhost:3000", "localhost:3000")
        ));
        assert!(!origin_allowed(
            &same,
            &headers("http://evil.test", "localhost:3000")
        ));
        assert!(origin_allowed(
            &CorsOrigins::Any,
            &headers("http://evil.test", "x")
        ));
        let list = CorsOrigins::List(vec!["http://ui.test".into()]);
        assert!(origin_allowed(&list, &headers("http://UI.test", "x")));
        assert!(!origin_allowed(&list, &headers("http://other.test", "x")));
    }
}
