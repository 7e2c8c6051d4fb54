//! Why a socket went away, in Socket.IO's own words where it has them.

/// Why a socket (and its Engine.IO session) was disconnected; given to
/// [`SocketApp::on_disconnect`](crate::SocketApp::on_disconnect) so the application can log
/// it and clean up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DisconnectReason {
    /// The client closed the connection (close packet, websocket close, socket dropped).
    TransportClose,
    /// The transport failed (overlapping polls, write error).
    TransportError,
    /// The client did not answer a ping within `pingTimeout`.
    PingTimeout,
    /// The client sent something that is not a valid (text) packet.
    ParseError,
    /// The client sent a packet bigger than `maxPayload`.
    PayloadTooLarge,
    /// The client disconnected its socket (`socket.disconnect()` on the client).
    ClientNamespaceDisconnect,
    /// The server disconnected the socket ([`Socket::disconnect`](crate::Socket::disconnect)).
    ServerNamespaceDisconnect,
    /// The client's outbound queue was full: it reads slower than we write.
    SlowClient,
    /// The client did not complete the Socket.IO CONNECT within `connectTimeout`.
    ConnectTimeout,
    /// The server is shutting down.
    ServerShuttingDown,
}

impl DisconnectReason {
    /// The reason as Socket.IO's server names it (for logs), with our own names for the
    /// cases Socket.IO does not have.
    pub fn as_str(self) -> &'static str {
        match self {
            DisconnectReason::TransportClose => "transport close",
            DisconnectReason::TransportError => "transport error",
            DisconnectReason::PingTimeout => "ping timeout",
            DisconnectReason::ParseError => "parse error",
            DisconnectReason::PayloadTooLarge => "payload too large",
            DisconnectReason::ClientNamespaceDisconnect => "client namespace disconnect",
            DisconnectReason::ServerNamespaceDisconnect => "server namespace disconnect",
            DisconnectReason::SlowClient => "slow client",
            DisconnectReason::ConnectTimeout => "connect timeout",
            DisconnectReason::ServerShuttingDown => "server shutting down",
        }
    }
}

impl std::fmt::Display for DisconnectReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
