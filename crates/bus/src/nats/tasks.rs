//! The NATS bus's background tasks: receiving, publishing and watching the connection.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use async_nats::connection::State;
use futures_util::StreamExt;
use tokio::sync::mpsc;

use super::{Outgoing, Shared};
use crate::Received;
use crate::wire::{self, WireMessage};

/// Waits until the server has processed everything this connection sent before: a request
/// nobody answers comes back as "no responders" only after the server read all that came
/// before it. (`Client::flush` only writes the socket; it proves nothing about the server.)
pub(crate) async fn round_trip(client: &async_nats::Client, timeout: Duration) -> bool {
    use async_nats::RequestErrorKind;
    // Outside every bus prefix, so no instance ever receives it.
    let subject = format!("_AGENTD_BARRIER.{}", uuid::Uuid::new_v4().simple());
    let request = client.request(subject, Vec::new().into());
    match tokio::time::timeout(timeout, request).await {
        Ok(Ok(_)) => true,
        Ok(Err(e)) => e.kind() == RequestErrorKind::NoResponders,
        Err(_) => false,
    }
}

/// Counts one event that did not reach the other instances. The first drop after the
/// last announcement is a warning; the rest of the burst is summed up when announced.
pub(crate) fn count_drop(shared: &Shared, why: &str) {
    shared.stats.dropped.fetch_add(1, Ordering::Relaxed);
    if shared.unannounced.fetch_add(1, Ordering::Relaxed) == 0 {
        tracing::warn!(
            reason = why,
            "bus events are not reaching other instances (NATS); they will be told to \
             recover from storage once NATS is back"
        );
    }
}

/// NATS → local subscribers: other instances' events, and their drop notices as lags.
pub(crate) async fn receive(shared: Arc<Shared>, mut subscriber: async_nats::Subscriber) {
    while let Some(message) = subscriber.next().await {
        match wire::decode(&message.payload) {
            Ok(WireMessage::Event { origin, .. } | WireMessage::Dropped { origin, .. })
                if origin == shared.origin => {}
            Ok(WireMessage::Event { event, .. }) => {
                shared.stats.received.fetch_add(1, Ordering::Relaxed);
                let _ = shared.ring.send(Received::Event(event));
            }
            Ok(WireMessage::Dropped { origin, count }) => {
                tracing::warn!(
                    %origin, count,
                    "another instance could not publish bus events; recovering from storage"
                );
                let _ = shared.ring.send(Received::Lagged(count));
            }
            Err(e) => {
                let n = shared.stats.undecodable.fetch_add(1, Ordering::Relaxed);
                // Every one while rare, then one in a thousand: a foreign publisher on our
                // prefix must not flood the log.
                if n < 10 || n.is_multiple_of(1000) {
                    tracing::warn!(subject = %message.subject, code = e.code(), error = %e,
                        "ignoring a NATS message on the bus prefix");
                }
            }
        }
    }
    tracing::warn!("the NATS subscription ended; no more events from other instances");
}

/// Outbox → NATS, each publish bounded by the timeout. After a timeout the connection is
/// taken as down: events are dropped (and counted) without waiting until it is back.
pub(crate) async fn publish(
    shared: Arc<Shared>,
    client: async_nats::Client,
    mut outbox: mpsc::Receiver<Outgoing>,
) {
    let mut shedding = false;
    while let Some(item) = outbox.recv().await {
        if shedding {
            if client.connection_state() == State::Connected {
                shedding = false;
                announce(&shared, &client).await;
            } else if let Outgoing::Event { .. } = item {
                count_drop(&shared, "NATS is disconnected");
                continue;
            }
        }
        match item {
            Outgoing::Event { subject, payload } => {
                match send(&shared, &client, subject, payload).await {
                    Ok(()) => {
                        shared.stats.published.fetch_add(1, Ordering::Relaxed);
                        // Drops are announced as soon as events flow again (a burst beyond
                        // the outbox, or an Announce that found the outbox full). While
                        // disconnected a publish only fills the client's buffer: wait.
                        if shared.unannounced.load(Ordering::Relaxed) > 0
                            && client.connection_state() == State::Connected
                        {
                            announce(&shared, &client).await;
                        }
                    }
                    Err(why) => {
                        shedding = client.connection_state() != State::Connected;
                        count_drop(&shared, &why);
                    }
                }
            }
            Outgoing::Announce => announce(&shared, &client).await,
            Outgoing::Flush(done) => {
                if round_trip(&client, shared.publish_timeout).await {
                    let _ = done.send(());
                }
            }
        }
    }
}

/// One bounded publish.
async fn send(
    shared: &Shared,
    client: &async_nats::Client,
    subject: String,
    payload: Vec<u8>,
) -> Result<(), String> {
    match tokio::time::timeout(
        shared.publish_timeout,
        client.publish(subject, payload.into()),
    )
    .await
    {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("NATS publish failed: {e}")),
        Err(_) => Err(format!(
            "NATS publish timed out after {:?}",
            shared.publish_timeout
        )),
    }
}

/// Tells the other instances how many events they missed from this one, if any.
async fn announce(shared: &Shared, client: &async_nats::Client) {
    let count = shared.unannounced.swap(0, Ordering::Relaxed);
    if count == 0 {
        return;
    }
    let payload = wire::encode_dropped(shared.origin, count);
    let subject = wire::dropped_subject(&shared.prefix);
    match send(shared, client, subject, payload).await {
        Ok(()) => tracing::warn!(
            count,
            "NATS is back; told the other instances to recover {count} dropped bus events \
             from storage"
        ),
        Err(why) => {
            // Not announced: keep the count for the next attempt.
            shared.unannounced.fetch_add(count, Ordering::Relaxed);
            tracing::warn!(count, reason = %why, "cannot announce dropped bus events yet");
        }
    }
}

/// Connection events: logs them, and after a reconnect (or a slow-consumer drop) tells
/// local subscribers to recover what other instances published meanwhile.
pub(crate) async fn monitor(
    shared: Arc<Shared>,
    client: async_nats::Client,
    outbox: mpsc::Sender<Outgoing>,
    mut events: mpsc::UnboundedReceiver<async_nats::Event>,
) {
    use async_nats::Event;
    let mut down = false;
    while let Some(event) = events.recv().await {
        match event {
            Event::Disconnected => {
                down = true;
                tracing::warn!(
                    "NATS connection lost; reconnecting. Events still reach this instance's \
                     subscribers; other instances get them once NATS is back"
                );
            }
            Event::Connected if down => {
                down = false;
                tracing::info!("NATS connection re-established");
                // The re-subscription is written before this request: once it is answered,
                // the server has it, so recovering from storage now misses nothing.
                let _ = round_trip(&client, Duration::from_secs(5)).await;
                let _ = shared.ring.send(Received::Lagged(0));
                let _ = outbox.try_send(Outgoing::Announce);
            }
            Event::Connected => {}
            Event::SlowConsumer(_) => {
                tracing::warn!(
                    "this instance fell behind NATS and missed bus events; recovering from storage"
                );
                let _ = shared.ring.send(Received::Lagged(0));
            }
            Event::LameDuckMode => {
                tracing::info!("the NATS server is shutting down (lame duck); will move")
            }
            Event::Draining | Event::Closed => tracing::info!(%event, "NATS connection closing"),
            Event::ServerError(e) => tracing::warn!(error = %e, "NATS server error"),
            // While reconnecting, every failed attempt is one: the outage was logged once.
            Event::ClientError(e) if down => tracing::debug!(error = %e, "NATS client error"),
            Event::ClientError(e) => tracing::warn!(error = %e, "NATS client error"),
        }
    }
}
