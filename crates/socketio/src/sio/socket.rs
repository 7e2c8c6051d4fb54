//! A connected Socket.IO socket: the handle the application emits, acks and joins with,
//! and the task that feeds it the client's packets in order.

use std::any::Any;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};
use thiserror::Error;
use tokio::sync::{Notify, mpsc};

use crate::engine::frame::Frame;
use crate::engine::session::{EngineSession, QueueError};
use crate::reason::DisconnectReason;
use crate::server::ServerInner;
use crate::sio::app::{HandshakeRequest, SocketIdentity};
use crate::sio::packet::{DEFAULT_NAMESPACE, SioPacket};
use crate::sio::rooms::{Broadcast, Room};

/// Why an emit did not reach the client's queue.
#[derive(Debug, Error)]
pub enum EmitError {
    /// The socket is disconnected.
    #[error("socket is disconnected")]
    Closed,
    /// The client's queue was full; the socket has been disconnected as a slow client.
    #[error("client queue full; socket disconnected")]
    SlowClient,
    /// The data could not be serialised to JSON.
    #[error("cannot serialise event data: {0}")]
    Serialize(#[source] serde_json::Error),
}

impl From<QueueError> for EmitError {
    fn from(err: QueueError) -> Self {
        match err {
            QueueError::Closed => EmitError::Closed,
            QueueError::Full => EmitError::SlowClient,
        }
    }
}

/// A handle on one connected socket; cheap to clone, `Send + Sync`, usable from any task.
/// Emitting never waits: it queues or, if the client's queue is full, disconnects it.
#[derive(Clone)]
pub struct Socket {
    inner: Arc<SocketInner>,
}

struct SocketInner {
    id: Arc<str>,
    session: Arc<EngineSession>,
    identity: SocketIdentity,
    server: Weak<ServerInner>,
    rooms: Mutex<HashSet<Room>>,
    /// Set by [`Socket::disconnect`]; the socket task then ends the socket.
    kicked: AtomicBool,
    kick: Notify,
}

impl std::fmt::Debug for Socket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Socket")
            .field("id", &self.inner.id)
            .field("identity", &self.inner.identity)
            .finish()
    }
}

impl Socket {
    /// The Socket.IO socket id (what `socket.id` shows on the client).
    pub fn id(&self) -> &str {
        &self.inner.id
    }

    pub(crate) fn id_arc(&self) -> Arc<str> {
        self.inner.id.clone()
    }

    /// The identity the handshake returned.
    pub fn identity(&self) -> &SocketIdentity {
        &self.inner.identity
    }

    /// The entity id from the handshake, if any.
    pub fn entity_id(&self) -> Option<uuid::Uuid> {
        self.inner.identity.entity_id
    }

    /// The application data attached at handshake, if it has type `T`.
    pub fn data<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.inner.identity.data.as_ref()?.downcast_ref::<T>()
    }

    /// Whether the socket is still connected.
    pub fn connected(&self) -> bool {
        !self.inner.session.is_closed() && !self.inner.kicked.load(Ordering::Acquire)
    }

    /// Emits `event` with one JSON argument to this client.
    pub fn emit<T: Serialize + ?Sized>(&self, event: &str, data: &T) -> Result<(), EmitError> {
        let frame = Frame::event(event, data).map_err(EmitError::Serialize)?;
        self.send_engine(frame)
    }

    /// Emits `event` with any number of arguments (zero included).
    pub fn emit_args(&self, event: &str, args: &[Value]) -> Result<(), EmitError> {
        let frame = Frame::event_args(event, args).map_err(EmitError::Serialize)?;
        self.send_engine(frame)
    }

    /// Sends a packet encoded once for many sockets ([`Frame::event`]); the socket's queue
    /// shares the frame's buffer, nothing is copied or allocated.
    pub fn emit_frame(&self, frame: &Frame) -> Result<(), EmitError> {
        self.send_engine(frame.clone())
    }

    pub(crate) fn send_engine(&self, packet: Frame) -> Result<(), EmitError> {
        if self.inner.kicked.load(Ordering::Acquire) {
            return Err(EmitError::Closed);
        }
        Ok(self.inner.session.send(packet)?)
    }

    /// Adds the socket to a room; it leaves all rooms by itself on disconnect.
    pub fn join(&self, room: impl Into<Room>) {
        let room = room.into();
        if !self.connected() {
            return;
        }
        if let Some(server) = self.inner.server.upgrade() {
            self.rooms_lock().insert(room.clone());
            server.rooms.join(room.clone(), self);
            // A disconnect that raced with this join has already emptied the rooms.
            if !self.connected() {
                self.leave(room);
            }
        }
    }

    /// Removes the socket from a room.
    pub fn leave(&self, room: impl Into<Room>) {
        let room = room.into();
        self.rooms_lock().remove(&room);
        if let Some(server) = self.inner.server.upgrade() {
            server.rooms.leave(&room, &self.inner.id);
        }
    }

    /// The rooms the socket is in.
    pub fn rooms(&self) -> Vec<Room> {
        self.rooms_lock().iter().cloned().collect()
    }

    /// Addresses a broadcast to `room`, skipping this socket (Socket.IO's
    /// `socket.to(room).emit(...)`).
    pub fn to(&self, room: impl Into<Room>) -> Option<Broadcast> {
        let server = self.inner.server.upgrade()?;
        Some(
            crate::server::SocketIoServer::from_inner(server)
                .to(room)
                .except(&self.inner.id),
        )
    }

    /// Disconnects the client from the server side: it gets a DISCONNECT packet (its
    /// `disconnect` event says "io server disconnect" and it does not reconnect). The
    /// client then closes the connection itself, as with Socket.IO; closing it at once
    /// would race the client's handling of the DISCONNECT ("transport close" instead).
    pub fn disconnect(&self) {
        if self.inner.kicked.swap(true, Ordering::AcqRel) {
            return;
        }
        let packet = SioPacket::Disconnect {
            nsp: DEFAULT_NAMESPACE.to_owned(),
        };
        // A full queue closes the session anyway; the reason then says so.
        let _ = self.inner.session.send_sio(&packet);
        self.inner.kick.notify_one();
    }

    fn leave_all(&self) {
        let rooms: Vec<Room> = self.rooms_lock().drain().collect();
        if let Some(server) = self.inner.server.upgrade() {
            for room in rooms {
                server.rooms.leave(&room, &self.inner.id);
            }
        }
    }

    fn rooms_lock(&self) -> std::sync::MutexGuard<'_, HashSet<Room>> {
        self.inner
            .rooms
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// The reply to one client event that asked for an acknowledgement; send it at most once.
#[derive(Debug)]
#[must_use = "the client waits for this acknowledgement"]
pub struct AckSender {
    socket: Socket,
    id: u64,
}

impl AckSender {
    /// Replies with one JSON argument (what `emitWithAck` resolves to).
    pub fn send<T: Serialize + ?Sized>(self, data: &T) -> Result<(), EmitError> {
        let value = serde_json::to_value(data).map_err(EmitError::Serialize)?;
        self.send_args(vec![value])
    }

    /// Replies with any number of arguments.
    pub fn send_args(self, args: Vec<Value>) -> Result<(), EmitError> {
        let packet = SioPacket::Ack {
            nsp: DEFAULT_NAMESPACE.to_owned(),
            id: self.id,
            args,
        };
        Ok(self.socket.inner.session.send_sio(&packet)?)
    }
}

/// Everything the socket task needs from the HTTP request that opened the session.
pub(crate) struct HandshakeInfo {
    pub(crate) headers: actix_web::http::header::HeaderMap,
    pub(crate) query: String,
    pub(crate) peer: Option<std::net::SocketAddr>,
}

/// Runs the Socket.IO side of one Engine.IO session: waits for CONNECT, asks the
/// application, then feeds it events in order until the session closes.
pub(crate) async fn run_socket(
    server: Arc<ServerInner>,
    session: Arc<EngineSession>,
    mut inbound: mpsc::Receiver<SioPacket>,
    info: HandshakeInfo,
) {
    let connect_timeout = Duration::from_millis(server.options.connect_timeout_ms);
    let deadline = tokio::time::Instant::now() + connect_timeout;
    let identity = loop {
        let packet = tokio::select! {
            packet = inbound.recv() => packet,
            () = tokio::time::sleep_until(deadline) => {
                session.close(DisconnectReason::ConnectTimeout);
                return;
            }
            _ = session.closed() => return,
        };
        match packet {
            None => return,
            Some(SioPacket::Connect { nsp, auth }) if nsp == DEFAULT_NAMESPACE => {
                let request = HandshakeRequest {
                    auth: auth.unwrap_or(Value::Null),
                    headers: info.headers.clone(),
                    query: info.query.clone(),
                    peer: info.peer,
                };
                match server.app.handshake(request).await {
                    Ok(identity) => break identity,
                    Err(message) => {
                        let _ = session.send_sio(&SioPacket::ConnectError {
                            nsp,
                            data: json!({ "message": message }),
                        });
                    }
                }
            }
            Some(SioPacket::Connect { nsp, .. }) => {
                let _ = session.send_sio(&SioPacket::ConnectError {
                    nsp,
                    data: json!({ "message": "Invalid namespace" }),
                });
            }
            // Anything before CONNECT has no socket to go to.
            Some(_) => {}
        }
    };

    let id: Arc<str> = uuid::Uuid::new_v4().simple().to_string().into();
    let socket = Socket {
        inner: Arc::new(SocketInner {
            id: id.clone(),
            session: session.clone(),
            identity,
            server: Arc::downgrade(&server),
            rooms: Mutex::new(HashSet::new()),
            kicked: AtomicBool::new(false),
            kick: Notify::new(),
        }),
    };
    server.insert_socket(socket.clone());
    let connected = SioPacket::Connect {
        nsp: DEFAULT_NAMESPACE.to_owned(),
        auth: Some(json!({ "sid": &*id })),
    };
    if session.send_sio(&connected).is_ok() {
        server.app.on_connect(socket.clone()).await;
    }

    let reason = loop {
        let packet = tokio::select! {
            packet = inbound.recv() => packet,
            reason = session.closed() => break reason,
            () = socket.inner.kick.notified() => break DisconnectReason::ServerNamespaceDisconnect,
        };
        match packet {
            None => {
                break session
                    .close_reason()
                    .unwrap_or(DisconnectReason::TransportClose);
            }
            Some(SioPacket::Event {
                nsp,
                id,
                event,
                args,
            }) if nsp == DEFAULT_NAMESPACE => {
                let ack = id.map(|id| AckSender {
                    socket: socket.clone(),
                    id,
                });
                server.app.on_event(socket.clone(), event, args, ack).await;
            }
            Some(SioPacket::Disconnect { nsp }) if nsp == DEFAULT_NAMESPACE => {
                session.close(DisconnectReason::ClientNamespaceDisconnect);
            }
            // Acks of server emits are not requested by this server; other namespaces and
            // repeated CONNECTs are ignored.
            Some(_) => {}
        }
    };

    socket.leave_all();
    server.remove_socket(&id);
    server.app.on_disconnect(socket, reason).await;
    if reason == DisconnectReason::ServerNamespaceDisconnect {
        // Let the client close the connection; force it if it does not in time.
        let deadline = tokio::time::Instant::now() + connect_timeout;
        loop {
            tokio::select! {
                packet = inbound.recv() => if packet.is_none() { break },
                () = tokio::time::sleep_until(deadline) => break,
                _ = session.closed() => break,
            }
        }
        session.close(DisconnectReason::ServerNamespaceDisconnect);
    }
}
