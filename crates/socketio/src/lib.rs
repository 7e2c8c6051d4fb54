//! Engine.IO v4 and Socket.IO v5 over actix-ws (spec 5): long-polling, websocket and the
//! upgrade between them, heartbeats, acks, rooms per channel and bus fan-out.
//!
//! No maintained crate serves Socket.IO inside actix-web (stack notes, section 5), so this
//! layer is ours. So far it holds the server options the open packet advertises.

/// Engine.IO server options, with the values elizaOS and `socket.io-client` expect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerOptions {
    /// Milliseconds between server pings.
    pub ping_interval_ms: u64,
    /// Milliseconds the client has to answer a ping.
    pub ping_timeout_ms: u64,
    /// Largest packet accepted, in bytes; a bigger one closes the connection.
    pub max_payload: usize,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            ping_interval_ms: 25_000,
            ping_timeout_ms: 20_000,
            max_payload: 1_000_000,
        }
    }
}
