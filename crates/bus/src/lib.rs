//! The message bus: typed events published after a storage commit, delivered to every
//! subscriber in this process ([`LocalBus`]) or on every instance of a deployment
//! (`NatsBus`, feature `nats`).
//!
//! The bus is a signal, storage is the truth: events are small, may be dropped for a subscriber
//! that falls behind, and every message event carries the channel's `seq` so a subscriber that
//! sees a gap (or a [`Received::Lagged`]) re-reads the missing range from storage
//! ([`SeqTracker`] detects gaps per channel).
//!
//! Callers see only [`Bus`], [`Filter`] and [`Subscription`]; the NATS implementation builds
//! its `Subscription` from its own stream with [`Subscription::from_stream`], so callers do
//! not change when the transport does. Between instances events travel in the versioned
//! form of [`wire`].

mod error;
mod event;
mod local;
#[cfg(feature = "nats")]
mod nats;
mod subscription;
#[cfg(feature = "test-util")]
pub mod testing;
mod tracker;
pub mod wire;

pub use error::BusError;
pub use event::{BusEvent, EventKind};
pub use local::LocalBus;
#[cfg(feature = "nats")]
pub use nats::{DEFAULT_PREFIX, NatsBus, NatsConfig, NatsStats, parse_servers, redact};
pub use subscription::{Filter, Subscription};
pub use tracker::{Gap, SeqTracker};

/// What a subscriber gets from [`Subscription::recv`].
#[derive(Debug, Clone, PartialEq)]
pub enum Received {
    /// The next event.
    Event(BusEvent),
    /// This many events were dropped because the subscriber fell behind; recover from storage.
    /// `0` when the number is unknown: the NATS connection was interrupted, or the instance
    /// fell behind NATS, so events from other instances may be missing.
    Lagged(u64),
    /// The bus is gone; no more events will come.
    Closed,
}

/// Publishes events to every subscriber; implemented in-process and over NATS.
pub trait Bus: Send + Sync + 'static {
    /// Publishes an event. Never blocks on subscribers: a slow one lags, the others do not wait.
    fn publish(&self, event: BusEvent);
    /// A new subscription that sees every event published from now on.
    fn subscribe(&self) -> Subscription;
    /// A new subscription that sees only the events `filter` matches (by channel and/or
    /// kind). Lag notices always pass: a filtered subscriber must know it missed events.
    /// The NATS bus filters in-process too: it receives every event once per instance.
    fn subscribe_to(&self, filter: Filter) -> Subscription {
        self.subscribe().with_filter(filter)
    }
}
