//! The message bus: typed events published after a storage commit, delivered to every
//! subscriber in this process (and, with the NATS implementation to come, on every instance).
//!
//! The bus is a signal, storage is the truth (design section 4): events are small, may be
//! dropped for a subscriber that falls behind, and every message event carries the
//! channel's `seq` so a subscriber that sees a gap (or a [`Received::Lagged`]) re-reads
//! the missing range from storage ([`SeqTracker`] detects gaps per channel).
//!
//! Callers see only [`Bus`], [`Filter`] and [`Subscription`]; a NATS implementation builds
//! a `Subscription` from its own stream with [`Subscription::from_stream`], so callers do
//! not change when the transport does.

mod event;
mod local;
mod subscription;
mod tracker;

pub use event::{BusEvent, EventKind};
pub use local::LocalBus;
pub use subscription::{Filter, Subscription};
pub use tracker::{Gap, SeqTracker};

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
    /// A new subscription that sees only the events `filter` matches (by channel and/or
    /// kind). Lag notices always pass: a filtered subscriber must know it missed events.
    /// A NATS bus overrides this to subscribe to narrower subjects.
    fn subscribe_to(&self, filter: Filter) -> Subscription {
        self.subscribe().with_filter(filter)
    }
}
