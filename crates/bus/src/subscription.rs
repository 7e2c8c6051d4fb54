//! Subscriptions: a filtered stream of [`Received`] items, whatever the bus behind it.

use crate::{BusEvent, EventKind, Received};
use futures_util::stream::{BoxStream, Stream, StreamExt};
use tokio::sync::broadcast;
use uuid::Uuid;

/// Which events a subscriber wants. The default matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only events about this channel (events without a channel never match).
    pub channel_id: Option<Uuid>,
    /// Only events of these kinds; empty means every kind.
    pub kinds: Vec<EventKind>,
}

impl Filter {
    /// Every event about one channel.
    pub fn channel(channel_id: Uuid) -> Self {
        Filter {
            channel_id: Some(channel_id),
            kinds: Vec::new(),
        }
    }

    /// Every event of the given kinds.
    pub fn kinds(kinds: &[EventKind]) -> Self {
        Filter {
            channel_id: None,
            kinds: kinds.to_vec(),
        }
    }

    /// Narrows to these kinds as well.
    pub fn and_kinds(mut self, kinds: &[EventKind]) -> Self {
        self.kinds = kinds.to_vec();
        self
    }

    /// Whether `event` passes.
    pub fn matches(&self, event: &BusEvent) -> bool {
        if let Some(c) = self.channel_id
            && event.channel_id() != Some(c)
        {
            return false;
        }
        self.kinds.is_empty() || self.kinds.contains(&event.kind())
    }
}

/// Where a subscription's items come from.
enum Source {
    /// The in-process broadcast ring.
    Local(broadcast::Receiver<BusEvent>),
    /// Any other implementation's stream (NATS, tests).
    Stream(BoxStream<'static, Received>),
}

/// A stream of bus events for one subscriber, already filtered.
pub struct Subscription {
    source: Source,
    filter: Filter,
}

impl Subscription {
    /// A subscription over the local broadcast ring.
    pub(crate) fn local(rx: broadcast::Receiver<BusEvent>) -> Self {
        Subscription {
            source: Source::Local(rx),
            filter: Filter::default(),
        }
    }

    /// A subscription over another bus implementation's stream; the stream ending means
    /// [`Received::Closed`].
    pub fn from_stream(stream: impl Stream<Item = Received> + Send + 'static) -> Self {
        Subscription {
            source: Source::Stream(stream.boxed()),
            filter: Filter::default(),
        }
    }

    /// The same subscription, narrowed to what `filter` matches.
    pub fn with_filter(mut self, filter: Filter) -> Self {
        self.filter = filter;
        self
    }

    /// Waits for the next matching event, a lag notice, or the end of the bus.
    pub async fn recv(&mut self) -> Received {
        loop {
            let item = match &mut self.source {
                Source::Local(rx) => {
                    use broadcast::error::RecvError;
                    match rx.recv().await {
                        Ok(event) => Received::Event(event),
                        Err(RecvError::Lagged(n)) => Received::Lagged(n),
                        Err(RecvError::Closed) => Received::Closed,
                    }
                }
                Source::Stream(s) => s.next().await.unwrap_or(Received::Closed),
            };
            match &item {
                Received::Event(e) if !self.filter.matches(e) => continue,
                _ => return item,
            }
        }
    }

    /// The subscription as an async stream; it ends after yielding [`Received::Closed`].
    pub fn into_stream(self) -> impl Stream<Item = Received> + Send + 'static {
        futures_util::stream::unfold(Some(self), |sub| async move {
            let mut sub = sub?;
            let item = sub.recv().await;
            let next = if item == Received::Closed {
                None
            } else {
                Some(sub)
            };
            Some((item, next))
        })
    }
}
