//! The message bus: typed events published after a storage commit, delivered to every
//! subscriber in this process (and, with the NATS implementation to come, on every instance).
//!
//! The bus is a signal, storage is the truth (design section 4): events are small, may be
//! dropped for a subscriber that falls behind, and every message event carries the
//! channel's `seq` so a subscriber that sees a gap (or a [`Received::Lagged`]) re-reads
//! the missing range from storage.

mod event;
mod local;

pub use event::{BusEvent, EventKind};
pub use local::LocalBus;

/// What a subscriber gets from [`Subscription::recv`].
#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    /// The next event.
    Event(BusEvent),
    /// This many events were dropped because the subscriber fell behind; recover from storage.
    Lagged(u64),
    /// The bus is gone; no more events will come.
    Closed,
}

/// Publishes events to every subscriber; implemented in-process and, later, over NATS.
pub trait Bus: Send + Sync + 'static {
    /// Publishes an event. Never blocks on subscribers: a slow one lags, the others do not wait.
    fn publish(&self, event: BusEvent);
    /// A new subscription that sees every event published from now on.
    fn subscribe(&self) -> Subscription;
}

/// A stream of bus events for one subscriber.
pub struct Subscription {
    inner: tokio::sync::broadcast::Receiver<BusEvent>,
}

impl Subscription {
    /// Waits for the next event, a lag notice, or the end of the bus.
    pub async fn recv(&mut self) -> Received {
        use tokio::sync::broadcast::error::RecvError;
        match self.inner.recv().await {
            Ok(event) => Received::Event(event),
            Err(RecvError::Lagged(n)) => Received::Lagged(n),
            Err(RecvError::Closed) => Received::Closed,
        }
    }
}
