//! The in-process bus on a tokio broadcast channel: the default for a single instance.

use crate::{Bus, BusEvent, Subscription};
use tokio::sync::broadcast;

/// Events a subscriber may fall behind by before it starts losing them (and is told so).
pub const DEFAULT_CAPACITY: usize = 4096;

/// In-process bus: publishing is a non-blocking push into a bounded ring buffer.
#[derive(Debug, Clone)]
pub struct LocalBus {
    sender: broadcast::Sender<BusEvent>,
}

impl LocalBus {
    /// A bus whose subscribers may lag by up to `capacity` events.
    pub fn new(capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity.max(1));
        LocalBus { sender }
    }
}

impl Default for LocalBus {
    fn default() -> Self {
        LocalBus::new(DEFAULT_CAPACITY)
    }
}

impl Bus for LocalBus {
    fn publish(&self, event: BusEvent) {
        // No subscriber is not an error: nobody is listening to this event.
        let _ = self.sender.send(event);
    }

    fn subscribe(&self) -> Subscription {
        Subscription::local(self.sender.subscribe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Received;
    use uuid::Uuid;

    fn cleared(channel_id: Uuid) -> BusEvent {
        BusEvent::ChannelCleared { channel_id }
    }

    #[tokio::test]
    async fn every_subscriber_sees_every_event_in_order() {
        let bus = LocalBus::default();
        let mut a = bus.subscribe();
        let mut b = bus.subscribe();
        let ids: Vec<Uuid> = (0..3).map(|_| Uuid::new_v4()).collect();
        for id in &ids {
            bus.publish(cleared(*id));
        }
        for id in &ids {
            assert_eq!(a.recv().await, Received::Event(cleared(*id)));
            assert_eq!(b.recv().await, Received::Event(cleared(*id)));
        }
    }

    #[tokio::test]
    async fn a_slow_subscriber_lags_without_blocking_others() {
        let bus = LocalBus::new(4);
        let mut slow = bus.subscribe();
        let mut fast = bus.subscribe();
        for _ in 0..10 {
            bus.publish(cleared(Uuid::new_v4()));
            assert!(matches!(fast.recv().await, Received::Event(_)));
        }
        assert_eq!(slow.recv().await, Received::Lagged(6));
        assert!(matches!(slow.recv().await, Received::Event(_)));
    }

    #[tokio::test]
    async fn filtered_subscribers_see_only_their_channel_or_kind() {
        use crate::{EventKind, Filter};
        use futures_util::StreamExt;
        let bus = LocalBus::default();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let mut by_channel = bus.subscribe_to(Filter::channel(a));
        let by_kind = bus.subscribe_to(Filter::kinds(&[EventKind::MessageComplete]));
        bus.publish(cleared(b));
        bus.publish(cleared(a));
        let done = BusEvent::MessageComplete {
            channel_id: b,
            server_id: Uuid::nil(),
        };
        bus.publish(done.clone());
        assert_eq!(by_channel.recv().await, Received::Event(cleared(a)));
        let mut stream = Box::pin(by_kind.into_stream());
        assert_eq!(stream.next().await, Some(Received::Event(done)));
    }

    #[tokio::test]
    async fn a_filtered_subscriber_is_told_about_lag() {
        use crate::Filter;
        let bus = LocalBus::new(2);
        let c = Uuid::new_v4();
        let mut sub = bus.subscribe_to(Filter::channel(c));
        for _ in 0..5 {
            bus.publish(cleared(Uuid::new_v4()));
        }
        assert_eq!(sub.recv().await, Received::Lagged(3));
    }

    #[tokio::test]
    async fn a_stream_subscription_ends_when_its_source_does() {
        let items = vec![Received::Event(cleared(Uuid::new_v4()))];
        let mut sub = Subscription::from_stream(futures_util::stream::iter(items.clone()));
        assert_eq!(sub.recv().await, items[0]);
        assert_eq!(sub.recv().await, Received::Closed);
    }

    #[tokio::test]
    async fn publishing_without_subscribers_is_fine() {
        LocalBus::default().publish(cleared(Uuid::new_v4()));
    }
}
