//! Engine.IO v4 and Socket.IO v5 over actix-ws: long-polling, websocket and the
//! upgrade between them, heartbeats, acks, rooms and broadcasts.
//!
//! No maintained crate serves Socket.IO inside actix-web, so this layer is ours. It is a
//! protocol layer only: the application (in agentd, `http-api`) decides who may connect and
//! what events mean, through [`SocketApp`].
//!
//! ```ignore
//! let io = SocketIoServer::new(ServerOptions::default(), MyApp);
//! App::new().configure(|cfg| agentd_socketio::configure(cfg, io.clone()));
//! // later, from a bus subscriber:
//! io.to(channel_id).emit("messageBroadcast", &payload)?;
//! ```
//!
//! Scope and limits:
//! - Only the default namespace `/` is served, as in elizaOS; a CONNECT to another one gets a
//!   CONNECT_ERROR "Invalid namespace".
//! - Binary payloads are not supported: Engine.IO `b...` packets, websocket binary frames
//!   and Socket.IO BINARY_EVENT/BINARY_ACK close the connection as a parse error. The
//!   elizaOS clients send JSON only.
//! - Acknowledgements are supported for client emits (the server replies through
//!   [`AckSender`]); the server does not request acks from clients.
//! - A packet or polling body larger than `maxPayload` closes the connection (413 on
//!   polling, close code 1009 on websocket).
//! - Each session has a bounded outbound queue; a client that does not keep up is
//!   disconnected ([`DisconnectReason::SlowClient`]) rather than slowing anyone else.
//! - Sessions live in one process: with several instances, polling needs sticky sessions
//!   and room broadcasts must be relayed over the bus by the application.

mod engine;
mod reason;
mod server;
mod sio;

pub use engine::frame::Frame;
pub use reason::DisconnectReason;
pub use server::{SocketIoServer, configure};
pub use sio::app::{HandshakeRequest, SocketApp, SocketIdentity};
pub use sio::rooms::{Broadcast, Room};
pub use sio::socket::{AckSender, EmitError, Socket};

#[cfg(feature = "test-util")]
pub mod testing;

/// The wire codecs, public so they can be fuzzed and reused by tests.
pub mod codec {
    pub use crate::engine::frame::join_frames;
    pub use crate::engine::packet::{
        EnginePacket, EnginePacketError, RECORD_SEPARATOR, decode_payload, encode_payload,
    };
    pub use crate::sio::packet::{DEFAULT_NAMESPACE, SioPacket, SioPacketError, encode_event_raw};
}

/// Engine.IO and Socket.IO server options, with the values elizaOS and `socket.io-client`
/// expect by default; tests shorten the timers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerOptions {
    /// Milliseconds between server pings. Default 25000.
    pub ping_interval_ms: u64,
    /// Milliseconds the client has to answer a ping before it is dropped. Default 20000.
    pub ping_timeout_ms: u64,
    /// Milliseconds a new session has to send its Socket.IO CONNECT. Default 10000.
    pub connect_timeout_ms: u64,
    /// Largest packet or polling body accepted, in bytes; a bigger one closes the
    /// connection. Default 1000000 (`maxHttpBufferSize`).
    pub max_payload: usize,
    /// Packets that may wait for one client before it is disconnected as too slow.
    /// Default 1024.
    pub outbound_queue: usize,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            ping_interval_ms: 25_000,
            ping_timeout_ms: 20_000,
            connect_timeout_ms: 10_000,
            max_payload: 1_000_000,
            outbound_queue: 1024,
        }
    }
}
