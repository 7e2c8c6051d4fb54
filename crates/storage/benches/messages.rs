//! criterion micro-benchmarks of the storage hot path: `create_message` on SQLite,
//! the one write every posted message and every agent reply makes (seq assignment and insert
//! in one transaction), and the 50-message page read of `GET /channels/:id/messages`.
//!
//! `cargo bench -p agentd-storage --bench messages`; results are recorded in
//! docs/BENCHMARKS.md.

use std::fmt::Debug;

use agentd_core::DEFAULT_SERVER_ID;
use agentd_core::model::Channel;
use agentd_storage::prelude::*;
use agentd_storage::testing::TestDb;
use agentd_storage::types::now;
use agentd_storage::{MessagePage, NewMessage};
use criterion::{Criterion, criterion_group, criterion_main};
use uuid::Uuid;

/// Unwraps a set-up step; a benchmark that cannot set up has nothing to measure.
fn must<T, E: Debug>(r: Result<T, E>, what: &str) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("{what}: {e:?}"),
    }
}

/// A stored group channel in the default server.
async fn channel(t: &TestDb) -> Uuid {
    let at = now();
    let c = Channel {
        id: Uuid::new_v4(),
        message_server_id: DEFAULT_SERVER_ID,
        name: "bench".into(),
        kind: "GROUP".into(),
        source_type: Some("eliza_gui".into()),
        source_id: None,
        topic: None,
        metadata: None,
        last_seq: 0,
        created_at: at,
        updated_at: at,
    };
    must(t.create_channel(&c, &[]).await, "create channel").id
}

/// A message like the web UI posts: text, a raw message and a little metadata.
fn message(channel: Uuid, author: Uuid) -> NewMessage {
    NewMessage {
        source_type: Some("eliza_gui".into()),
        raw_message: Some(serde_json::json!({"text": "hello from the benchmark"})),
        metadata: Some(serde_json::json!({"user_display_name": "bench"})),
        ..NewMessage::text(channel, author, "hello from the benchmark")
    }
}

fn storage(c: &mut Criterion) {
    let rt = must(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build(),
        "tokio runtime",
    );
    let t = rt.block_on(TestDb::sqlite());
    let ch = rt.block_on(channel(&t));
    let author = Uuid::new_v4();

    c.bench_function("sqlite/create_message", |b| {
        b.iter(|| {
            must(
                rt.block_on(t.create_message(&message(ch, author))),
                "insert",
            )
        })
    });
    // The channel now holds every message the insert benchmark wrote (thousands): the page
    // read goes through the (channel_id, seq) index from the newest end.
    let page = MessagePage::latest(ch, 50);
    c.bench_function("sqlite/list_messages_latest_50", |b| {
        b.iter(|| must(rt.block_on(t.list_messages(&page)), "page"))
    });
}

criterion_group!(benches, storage);
criterion_main!(benches);
