//! The bus is a signal, storage is the truth: a subscriber that lags behind a small bus
//! notices it and reads the gap from storage by seq, missing nothing and seeing nothing twice.

use agentd_bus::{Bus, BusEvent, EventKind, Filter, LocalBus, Received, SeqTracker};
use agentd_storage::prelude::*;
use agentd_storage::testing::TestDb;
use agentd_storage::{Backend, MessagePage, NewMessage};
use uuid::Uuid;

use super::app::spawn;
use crate::both;

async fn lagging_subscriber_recovers_from_storage(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let user = Uuid::new_v4();
    let c = app.channel(&[user]).await;
    let t: &TestDb = &app.t;
    let bus = LocalBus::new(4);
    let mut sub = bus.subscribe_to(Filter::channel(c).and_kinds(&[EventKind::NewMessage]));
    for i in 0..20 {
        let m = t
            .create_message(&NewMessage::text(c, user, format!("m{i}")))
            .await
            .unwrap();
        bus.publish(BusEvent::NewMessage {
            channel_id: c,
            seq: m.message.seq,
            message_id: m.message.id,
            author_id: user,
        });
    }
    let mut tracker = SeqTracker::new();
    tracker.start(c, 0);
    let mut seen = Vec::new();
    let mut lagged = false;
    while tracker.last(c) < Some(20) {
        match sub.recv().await {
            Received::Event(BusEvent::NewMessage { seq, .. }) => {
                if let Some(gap) = tracker.observe(c, seq) {
                    let page = MessagePage {
                        after_seq: Some(gap.from - 1),
                        ..MessagePage::latest(c, gap.to - gap.from + 1)
                    };
                    let mut got: Vec<i64> = t
                        .list_messages(&page)
                        .await
                        .unwrap()
                        .iter()
                        .map(|m| m.seq)
                        .collect();
                    got.sort_unstable();
                    seen.extend(got);
                }
                seen.push(seq);
            }
            Received::Lagged(_) => {
                lagged = true;
                // Catch up to the channel's head from storage, then continue with the bus.
                let from = tracker.last(c).unwrap_or(0);
                let page = MessagePage {
                    after_seq: Some(from),
                    ..MessagePage::latest(c, 500)
                };
                let mut got: Vec<i64> = t
                    .list_messages(&page)
                    .await
                    .unwrap()
                    .iter()
                    .map(|m| m.seq)
                    .collect();
                got.sort_unstable();
                for s in got {
                    tracker.observe(c, s);
                    seen.push(s);
                }
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(lagged, "a bus of 4 must overflow with 20 events");
    assert_eq!(seen, (1..=20).collect::<Vec<_>>());
    app.stop().await;
}
both!(lagging_subscriber_recovers_from_storage);
