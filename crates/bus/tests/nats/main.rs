//! The NATS bus against a real NATS server (`AGENTD_TEST_NATS_URL`), several buses in one
//! process standing for several instances; each test has its own subject prefix.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] fns: a failed set-up should panic loudly"
)]

mod outage;

use std::time::Duration;

use agentd_bus::testing::{nats_url, unique_prefix};
use agentd_bus::{Bus, BusEvent, EventKind, Filter, NatsBus, NatsConfig, Received, Subscription};
use uuid::Uuid;

/// A bus on the test server under `prefix`, or `None` when NATS tests are skipped.
async fn bus(prefix: &str) -> Option<NatsBus> {
    init_logs();
    let url = nats_url()?;
    Some(
        NatsBus::connect(NatsConfig::new(url).with_prefix(prefix))
            .await
            .unwrap(),
    )
}

/// The bus's logs on the test's output (`RUST_LOG=agentd_bus=info` to see them).
fn init_logs() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
}

fn cleared(channel_id: Uuid) -> BusEvent {
    BusEvent::ChannelCleared { channel_id }
}

fn new_message(channel_id: Uuid, seq: i64) -> BusEvent {
    BusEvent::NewMessage {
        channel_id,
        seq,
        message_id: Uuid::new_v4(),
        author_id: Uuid::new_v4(),
    }
}

/// The next item, failing after 5 s.
async fn next(sub: &mut Subscription) -> Received {
    tokio::time::timeout(Duration::from_secs(5), sub.recv())
        .await
        .expect("no bus event within 5 s")
}

/// Publishes a marker on `from` and reads `sub` up to it: everything before the marker.
async fn drain_until_marker(from: &NatsBus, sub: &mut Subscription) -> Vec<Received> {
    let marker = cleared(Uuid::new_v4());
    from.publish(marker.clone());
    read_until(sub, &marker).await
}

/// Reads `sub` up to `marker`: everything before it.
async fn read_until(sub: &mut Subscription, marker: &BusEvent) -> Vec<Received> {
    let mut seen = Vec::new();
    loop {
        match next(sub).await {
            Received::Event(e) if e == *marker => return seen,
            other => seen.push(other),
        }
    }
}

#[tokio::test]
async fn events_published_on_one_instance_reach_the_others_exactly_once() {
    let prefix = unique_prefix();
    let Some(a) = bus(&prefix).await else { return };
    let b = bus(&prefix).await.unwrap();
    let mut on_a = a.subscribe();
    let mut on_b = b.subscribe();
    let channel = Uuid::new_v4();
    let sent: Vec<BusEvent> = (1..=50).map(|seq| new_message(channel, seq)).collect();
    for e in &sent {
        a.publish(e.clone());
    }
    for e in &sent {
        assert_eq!(next(&mut on_b).await, Received::Event(e.clone()), "on b");
    }
    // The publisher's own subscribers got each event once, directly...
    for e in &sent {
        assert_eq!(next(&mut on_a).await, Received::Event(e.clone()), "on a");
    }
    // ...and no echo from NATS: once A's events are flushed to the server, a marker from B
    // arrives after anything the server could still send A, and nothing came before it.
    assert!(a.flush(Duration::from_secs(5)).await);
    assert_eq!(drain_until_marker(&b, &mut on_a).await, vec![]);
    assert_eq!(
        a.stats()
            .received
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
    assert_eq!(
        a.stats()
            .published
            .load(std::sync::atomic::Ordering::Relaxed),
        50
    );
}

#[tokio::test]
async fn every_instance_sees_every_instances_events_once() {
    let prefix = unique_prefix();
    let Some(first) = bus(&prefix).await else {
        return;
    };
    let buses = [
        first,
        bus(&prefix).await.unwrap(),
        bus(&prefix).await.unwrap(),
    ];
    let mut subs: Vec<Subscription> = buses.iter().map(|b| b.subscribe()).collect();
    let events: Vec<BusEvent> = buses.iter().map(|_| cleared(Uuid::new_v4())).collect();
    for (b, e) in buses.iter().zip(&events) {
        b.publish(e.clone());
        assert!(b.flush(Duration::from_secs(5)).await);
    }
    for (i, sub) in subs.iter_mut().enumerate() {
        let mut got = Vec::new();
        for _ in 0..events.len() {
            got.push(next(sub).await);
        }
        for e in &events {
            let n = got
                .iter()
                .filter(|r| **r == Received::Event(e.clone()))
                .count();
            assert_eq!(n, 1, "instance {i} saw {e:?} {n} times");
        }
    }
    // Nothing more: a marker from instance 0, sent after everyone got everything, is next.
    let marker = cleared(Uuid::new_v4());
    buses[0].publish(marker.clone());
    for (i, sub) in subs.iter_mut().enumerate() {
        assert_eq!(read_until(sub, &marker).await, vec![], "instance {i}");
    }
}

#[tokio::test]
async fn filtered_subscribers_get_only_their_channel_or_kind_from_other_instances() {
    let prefix = unique_prefix();
    let Some(a) = bus(&prefix).await else { return };
    let b = bus(&prefix).await.unwrap();
    let (mine, other) = (Uuid::new_v4(), Uuid::new_v4());
    let mut by_channel = b.subscribe_to(Filter::channel(mine));
    let mut by_kind = b.subscribe_to(Filter::kinds(&[EventKind::MessageComplete]));
    let done = BusEvent::MessageComplete {
        channel_id: other,
        server_id: Uuid::new_v4(),
    };
    a.publish(cleared(other));
    a.publish(new_message(mine, 1));
    a.publish(done.clone());
    a.publish(cleared(mine));
    assert!(matches!(
        next(&mut by_channel).await,
        Received::Event(BusEvent::NewMessage { channel_id, .. }) if channel_id == mine
    ));
    assert_eq!(next(&mut by_channel).await, Received::Event(cleared(mine)));
    assert_eq!(next(&mut by_kind).await, Received::Event(done));
}

#[tokio::test]
async fn a_burst_beyond_the_outbox_is_dropped_counted_and_announced() {
    let prefix = unique_prefix();
    let Some(url) = nats_url() else { return };
    let mut config = NatsConfig::new(url).with_prefix(&prefix);
    config.outbox = 4;
    let a = NatsBus::connect(config).await.unwrap();
    let b = bus(&prefix).await.unwrap();
    let mut on_b = b.subscribe();
    // Published without yielding: the publishing task cannot drain the outbox meanwhile.
    for _ in 0..100 {
        a.publish(cleared(Uuid::new_v4()));
    }
    let dropped = a.stats().dropped.load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(dropped, 96, "only the outbox's worth is queued");
    // B gets the 4 queued events and, once events flow, how many it missed.
    let (mut events, mut lagged) = (0, None);
    while events < 4 || lagged.is_none() {
        match next(&mut on_b).await {
            Received::Event(_) => events += 1,
            Received::Lagged(n) => lagged = Some(n),
            Received::Closed => panic!("bus closed"),
        }
    }
    assert_eq!(lagged, Some(dropped), "B is told how many it missed");
    assert_eq!(drain_until_marker(&a, &mut on_b).await, vec![]);
}

#[tokio::test]
async fn deployments_with_different_prefixes_do_not_hear_each_other() {
    let Some(a) = bus(&unique_prefix()).await else {
        return;
    };
    let b = bus(&unique_prefix()).await.unwrap();
    let mut on_b = b.subscribe();
    a.publish(cleared(Uuid::new_v4()));
    assert!(a.flush(Duration::from_secs(5)).await);
    // B's own marker is the first thing B sees.
    assert_eq!(drain_until_marker(&b, &mut on_b).await, vec![]);
}

#[tokio::test]
async fn subjects_name_kind_and_channel_and_foreign_messages_are_ignored() {
    let prefix = unique_prefix();
    let Some(url) = nats_url() else { return };
    let b = bus(&prefix).await.unwrap();
    let mut on_b = b.subscribe();
    let watcher = async_nats::connect(url.as_str()).await.unwrap();
    let channel = Uuid::new_v4();
    let mut watch = watcher
        .subscribe(format!("{prefix}.new_message.{channel}"))
        .await
        .unwrap();
    watcher.flush().await.unwrap();
    // Garbage on the bus's prefix (a foreign publisher, another version) is counted and
    // dropped; it never reaches a subscriber.
    watcher
        .publish(format!("{prefix}.new_message.x"), "not json".into())
        .await
        .unwrap();
    watcher.flush().await.unwrap();
    let a = bus(&prefix).await.unwrap();
    let event = new_message(channel, 1);
    a.publish(event.clone());
    use futures_util::StreamExt;
    let raw = tokio::time::timeout(Duration::from_secs(5), watch.next())
        .await
        .unwrap()
        .unwrap();
    let decoded = agentd_bus::wire::decode(&raw.payload).unwrap();
    assert_eq!(
        decoded,
        agentd_bus::wire::WireMessage::Event {
            origin: a.origin(),
            event: event.clone()
        }
    );
    assert_eq!(next(&mut on_b).await, Received::Event(event));
    assert_eq!(
        b.stats()
            .undecodable
            .load(std::sync::atomic::Ordering::Relaxed),
        1
    );
}
