//! What the application plugs in: the handshake check and the event handler.

use std::any::Any;
use std::net::SocketAddr;
use std::sync::Arc;

use actix_web::http::header::HeaderMap;
use futures_util::future::BoxFuture;
use serde_json::Value;
use uuid::Uuid;

use crate::reason::DisconnectReason;
use crate::sio::socket::{AckSender, Socket};

/// What a client presented when it asked to connect, for the application to accept or
/// refuse (the API key and `entityId` checks live in the application, not here).
#[derive(Debug, Clone)]
pub struct HandshakeRequest {
    /// The client's `auth` option; `Value::Null` when it sent none.
    pub auth: Value,
    /// Headers of the HTTP request that opened the Engine.IO session (the first poll or
    /// the websocket upgrade), e.g. `x-api-key` and `origin`.
    pub headers: HeaderMap,
    /// The query string of that request, raw.
    pub query: String,
    /// The TCP peer, when known.
    pub peer: Option<SocketAddr>,
}

/// Who a connected socket is, as decided by the handshake; read-only for the socket's life.
#[derive(Clone, Default)]
pub struct SocketIdentity {
    /// The entity the socket acts for (elizaOS `auth.entityId`), if the application has one.
    pub entity_id: Option<Uuid>,
    /// Anything else the application wants attached to the socket (use interior
    /// mutability inside it for per-socket state); read back with [`Socket::data`].
    pub data: Option<Arc<dyn Any + Send + Sync>>,
}

impl SocketIdentity {
    /// An identity for `entity_id` with no extra data.
    pub fn new(entity_id: Option<Uuid>) -> Self {
        SocketIdentity {
            entity_id,
            data: None,
        }
    }

    /// Attaches application data, typed, to the identity.
    #[must_use]
    pub fn with_data<T: Any + Send + Sync>(mut self, data: T) -> Self {
        self.data = Some(Arc::new(data));
        self
    }
}

impl std::fmt::Debug for SocketIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SocketIdentity")
            .field("entity_id", &self.entity_id)
            .field("data", &self.data.as_ref().map(|_| ".."))
            .finish()
    }
}

/// The application behind the Socket.IO server: the protocol layer calls it and knows
/// nothing of elizaOS events, so messaging semantics stay in `http-api`.
///
/// Calls for one socket are made in order, one at a time (`on_connect`, then each
/// `on_event` as the client sent them, then `on_disconnect`), so an application can rely
/// on message order per socket. A slow call delays only its own socket.
pub trait SocketApp: Send + Sync + 'static {
    /// Accepts or refuses a Socket.IO CONNECT. `Err(message)` is sent to the client as a
    /// CONNECT_ERROR with `{"message": message}` (the client's `connect_error`).
    fn handshake(&self, request: HandshakeRequest)
    -> BoxFuture<'_, Result<SocketIdentity, String>>;

    /// Called once the client has been told it is connected; emit welcome events here.
    fn on_connect(&self, socket: Socket) -> BoxFuture<'_, ()> {
        let _ = socket;
        Box::pin(async {})
    }

    /// Called for every event the client emits; `ack` is present when the client waits
    /// for a reply (`emitWithAck` or a callback argument).
    fn on_event(
        &self,
        socket: Socket,
        event: String,
        args: Vec<Value>,
        ack: Option<AckSender>,
    ) -> BoxFuture<'_, ()>;

    /// Called once when the socket is gone; it has already left all its rooms.
    fn on_disconnect(&self, socket: Socket, reason: DisconnectReason) -> BoxFuture<'_, ()> {
        let _ = (socket, reason);
        Box::pin(async {})
    }
}
