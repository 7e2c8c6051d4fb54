//! The bus error type, with stable codes for logs and start-up messages.

/// Why a bus could not be built or a message could not be read. Publishing itself never
/// fails: the bus is a signal, and a lost signal is recovered from storage.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// A setting is unusable (bad subject prefix, bad server URL); the text says which.
    #[error("{0}")]
    Config(String),
    /// The message broker could not be reached or refused the connection at start-up.
    #[error("cannot connect to NATS at {url}: {reason}")]
    Connect {
        /// The server list, credentials removed.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// A message from the broker is not a bus message this version understands.
    #[error("undecodable bus message: {0}")]
    Decode(String),
}

impl BusError {
    /// The stable code of this error (logs and start-up messages carry it).
    pub fn code(&self) -> &'static str {
        match self {
            BusError::Config(_) => "BUS_CONFIG",
            BusError::Connect { .. } => "BUS_CONNECT",
            BusError::Decode(_) => "BUS_DECODE",
        }
    }
}
