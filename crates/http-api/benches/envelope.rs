//! criterion micro-benchmark of the history envelope: rendering a 50-message page
//! of `GET /api/messaging/channels/:id/messages` (each item merged with its raw message's
//! thought and actions, ms timestamps, the delivery map) into the family-B envelope, and
//! serialising it to the bytes actix-web sends.
//!
//! `cargo bench -p agentd-http-api --bench envelope`; results in docs/BENCHMARKS.md.

use std::hint::black_box;

use agentd_core::model::{DeliveryState, Message};
use agentd_http_api::routes::messaging::messages::history_page;
use agentd_media::MediaRoot;
use agentd_storage::Delivery;
use chrono::Utc;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use uuid::Uuid;

/// A page as a two-member channel holds it: user messages, each answered by the agent.
fn page() -> (Vec<Message>, Uuid) {
    let (channel, user, agent) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let messages = (0..50_i64)
        .map(|i| {
            let reply = i % 2 == 1;
            let at = Utc::now();
            Message {
                id: Uuid::new_v4(),
                channel_id: channel,
                seq: 1000 - i,
                author_id: if reply { agent } else { user },
                content: format!("message {i}: how do you feel about benchmarks today?"),
                raw_message: Some(if reply {
                    json!({"thought": "the user asks about feelings", "actions": ["REPLY"]})
                } else {
                    json!({"text": "how do you feel about benchmarks today?"})
                }),
                in_reply_to_root_message_id: None,
                source_type: Some(if reply { "agent_response" } else { "eliza_gui" }.into()),
                source_id: None,
                metadata: Some(json!({"user_display_name": "bench", "agentName": "Eliza"})),
                client_message_id: None,
                in_reply_to: None,
                created_at: at,
                updated_at: at,
            }
        })
        .collect();
    (messages, agent)
}

/// What the handler does after the two queries: `history_page`, serialised.
fn render_page(messages: &[Message], deliveries: &[Delivery], root: &MediaRoot) -> Vec<u8> {
    serde_json::to_vec(&history_page(messages, deliveries, root)).unwrap_or_default()
}

/// The agent's `replied` state on every user message of the page.
fn deliveries(messages: &[Message], agent: Uuid) -> Vec<Delivery> {
    messages
        .iter()
        .filter(|m| m.author_id != agent)
        .map(|m| Delivery::new(m.id, agent, DeliveryState::Replied))
        .collect()
}

fn envelope(c: &mut Criterion) {
    let (messages, agent) = page();
    let deliveries = deliveries(&messages, agent);
    let root = MediaRoot::new("/tmp/agentd-bench-media");
    let bytes = render_page(&messages, &deliveries, &root).len();
    c.bench_function(&format!("envelope/history_page_50 ({bytes} bytes)"), |b| {
        b.iter(|| render_page(black_box(&messages), &deliveries, &root))
    });
}

criterion_group!(benches, envelope);
criterion_main!(benches);
