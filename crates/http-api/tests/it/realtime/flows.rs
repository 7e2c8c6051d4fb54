//! Connect, join, send, broadcast, ack, agent replies, resume and the handshake rules.

use agentd_bus::{Bus, BusEvent, Received};
use agentd_core::DEFAULT_SERVER_ID;
use agentd_http_api::ApiSettings;
use agentd_storage::testing::TestDb;
use agentd_storage::{MessageStore, NewMessage};
use serde_json::json;
use uuid::Uuid;

use super::{Ids, RtServer, node_available, run_node};

const KEY: &str = "rt-test-key";

fn with_key() -> ApiSettings {
    ApiSettings {
        auth_token: Some(agentd_http_api::Secret::new(KEY)),
        ..ApiSettings::default()
    }
}

async fn chat(db: TestDb, transports: &str) {
    let server = RtServer::start(ApiSettings::default(), db).await;
    run_node("chat", &server.url, transports, Ids::new().config()).await;
    server.stop().await;
}

#[actix_web::test]
async fn chat_default_transports() {
    if node_available("chat_default_transports") {
        chat(TestDb::sqlite().await, "default").await;
    }
}

#[actix_web::test]
async fn chat_websocket_only() {
    if node_available("chat_websocket_only") {
        chat(TestDb::sqlite().await, "websocket").await;
    }
}

#[actix_web::test]
async fn chat_polling_only() {
    if node_available("chat_polling_only") {
        chat(TestDb::sqlite().await, "polling").await;
    }
}

#[actix_web::test]
async fn chat_on_postgres() {
    if let Some(db) = TestDb::postgres().await
        && node_available("chat_on_postgres")
    {
        chat(db, "default").await;
    }
}

/// Replies to every user message in `channel` the way an agent runtime does: stream a
/// chunk, store the reply through storage, publish it, then signal completion.
fn spawn_fake_agent(server: &RtServer, agent: Uuid, channel: Uuid) {
    let bus = server.bus.clone();
    let db = server.db.db().clone();
    let mut sub = bus.subscribe();
    actix_web::rt::spawn(async move {
        loop {
            let (seq_channel, author, message_id) = match sub.recv().await {
                Received::Event(BusEvent::NewMessage {
                    channel_id,
                    author_id,
                    message_id,
                    ..
                }) => (channel_id, author_id, message_id),
                Received::Closed => return,
                _ => continue,
            };
            if seq_channel != channel || author == agent {
                continue;
            }
            let Ok(m) = db.get_message(message_id).await else {
                continue;
            };
            let reply_id = Uuid::new_v4();
            bus.publish(BusEvent::MessageStreamChunk {
                channel_id: channel,
                message_id: reply_id,
                agent_id: agent,
                index: 0,
                chunk: "echo".into(),
            });
            let reply = NewMessage {
                id: reply_id,
                raw_message: Some(json!({"text": "x", "thought": "", "actions": ["REPLY"]})),
                source_type: Some("agent_response".into()),
                metadata: Some(json!({"agentName": "Eliza"})),
                in_reply_to: Some(m.id),
                ..NewMessage::text(channel, agent, format!("echo: {}", m.content))
            };
            if let Ok(created) = db.create_message(&reply).await {
                bus.publish(BusEvent::NewMessage {
                    channel_id: channel,
                    seq: created.message.seq,
                    message_id: created.message.id,
                    author_id: agent,
                });
            }
            bus.publish(BusEvent::MessageComplete {
                channel_id: channel,
                server_id: DEFAULT_SERVER_ID,
            });
        }
    });
}

#[actix_web::test]
async fn agent_reply_arrives_with_input_control() {
    if !node_available("agent_reply_arrives_with_input_control") {
        return;
    }
    let server = RtServer::start(ApiSettings::default(), TestDb::sqlite().await).await;
    let mut ids = Ids::new();
    let agent = Uuid::new_v4();
    server.agents.mark_running(agent);
    ids.channel = server.channel(&[ids.e1, agent]).await;
    spawn_fake_agent(&server, agent, ids.channel);
    let mut config = ids.config();
    config["agent"] = json!(agent);
    run_node("agent_reply", &server.url, "default", config).await;
    server.stop().await;
}

async fn resume(db: TestDb, transports: &str) {
    let server = RtServer::start(ApiSettings::default(), db).await;
    run_node("resume", &server.url, transports, Ids::new().config()).await;
    server.stop().await;
}

#[actix_web::test]
async fn resume_with_last_seq_gets_exactly_the_missed_200() {
    if node_available("resume_with_last_seq_gets_exactly_the_missed_200") {
        resume(TestDb::sqlite().await, "default").await;
    }
}

#[actix_web::test]
async fn resume_websocket_only() {
    if node_available("resume_websocket_only") {
        resume(TestDb::sqlite().await, "websocket").await;
    }
}

#[actix_web::test]
async fn resume_on_postgres() {
    if let Some(db) = TestDb::postgres().await
        && node_available("resume_on_postgres")
    {
        resume(db, "websocket").await;
    }
}

#[actix_web::test]
async fn resume_while_messages_keep_arriving() {
    if !node_available("resume_while_messages_keep_arriving") {
        return;
    }
    let server = RtServer::start(ApiSettings::default(), TestDb::sqlite().await).await;
    let mut ids = Ids::new();
    ids.channel = server.channel(&[ids.e2]).await;
    let total = 400;
    let (db, bus, channel, author) = (
        server.db.db().clone(),
        server.bus.clone(),
        ids.channel,
        ids.e2,
    );
    actix_web::rt::spawn(async move {
        for i in 0..total {
            let m = db
                .create_message(&NewMessage::text(channel, author, format!("m{i}")))
                .await
                .unwrap()
                .message;
            bus.publish(BusEvent::NewMessage {
                channel_id: channel,
                seq: m.seq,
                message_id: m.id,
                author_id: author,
            });
            actix_web::rt::time::sleep(std::time::Duration::from_millis(3)).await;
        }
    });
    let mut config = ids.config();
    config["total"] = json!(total);
    run_node("resume_busy", &server.url, "websocket", config).await;
    server.stop().await;
}

/// A relay that falls behind the bus (tiny capacity, burst of writes) recovers the
/// missed messages from storage: the client still gets every one, in order.
#[actix_web::test]
async fn relay_recovers_from_bus_lag_through_storage() {
    if !node_available("relay_recovers_from_bus_lag_through_storage") {
        return;
    }
    let server = RtServer::start_with_bus(ApiSettings::default(), TestDb::sqlite().await, 4).await;
    let mut ids = Ids::new();
    ids.channel = server.channel(&[ids.e2]).await;
    let total = 300;
    let (db, bus, channel, author) = (
        server.db.db().clone(),
        server.bus.clone(),
        ids.channel,
        ids.e2,
    );
    let (url, mut config) = (server.url.clone(), ids.config());
    config["total"] = json!(total);
    let io = server.state.realtime().io().clone();
    let writer = actix_web::rt::spawn(async move {
        // Wait for the client to join (the channel's room fills), then burst.
        while io.to(channel).sockets().is_empty() {
            actix_web::rt::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let mut messages = Vec::new();
        for i in 0..total {
            let m = db
                .create_message(&NewMessage::text(channel, author, format!("m{i}")))
                .await
                .unwrap()
                .message;
            messages.push(m);
        }
        for m in messages {
            bus.publish(BusEvent::NewMessage {
                channel_id: channel,
                seq: m.seq,
                message_id: m.id,
                author_id: author,
            });
        }
    });
    run_node("live_only", &url, "websocket", config).await;
    writer.await.unwrap();
    server.stop().await;
}

#[actix_web::test]
async fn bus_events_reach_the_channel_room() {
    if !node_available("bus_events_reach_the_channel_room") {
        return;
    }
    let server = RtServer::start(ApiSettings::default(), TestDb::sqlite().await).await;
    let mut ids = Ids::new();
    ids.channel = server.channel(&[ids.e2]).await;
    let (db, bus, channel, author) = (
        server.db.db().clone(),
        server.bus.clone(),
        ids.channel,
        ids.e2,
    );
    let io = server.state.realtime().io().clone();
    let publisher = actix_web::rt::spawn(async move {
        while io.to(channel).sockets().is_empty() {
            actix_web::rt::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let m = db
            .create_message(&NewMessage {
                source_type: Some("eliza_gui".into()),
                metadata: Some(json!({"user_display_name": "Rest User"})),
                ..NewMessage::text(channel, author, "from rest")
            })
            .await
            .unwrap()
            .message;
        bus.publish(BusEvent::NewMessage {
            channel_id: channel,
            seq: m.seq,
            message_id: m.id,
            author_id: author,
        });
        // An edit (PATCH /action/:id) is broadcast again with updatedAt and rawMessage;
        // attachment paths in the media directory arrive as /media URLs.
        let media = std::path::absolute("./.agentd/media").unwrap();
        let file = format!("{}/generated/{}/f.png", media.to_str().unwrap(), author);
        let update = agentd_storage::MessageUpdate {
            content: Some("edited".into()),
            raw_message: Some(json!({"attachments": [{"url": file}], "actions": ["X"]})),
            ..Default::default()
        };
        let edited = db.update_message(m.id, &update).await.unwrap();
        bus.publish(BusEvent::MessageUpdated {
            channel_id: channel,
            seq: edited.seq,
            message_id: m.id,
        });
        bus.publish(BusEvent::MessageDeleted {
            channel_id: channel,
            seq: edited.seq,
            message_id: m.id,
        });
        bus.publish(BusEvent::ChannelChanged {
            channel_id: channel,
            deleted: false,
        });
        bus.publish(BusEvent::MessageStreamError {
            channel_id: channel,
            message_id: m.id,
            agent_id: author,
            code: "MODEL_TIMEOUT".into(),
        });
        bus.publish(BusEvent::DeliveryChanged {
            channel_id: channel,
            message_id: m.id,
            agent_id: author,
            state: agentd_core::model::DeliveryState::Errored,
            reason: Some("MODEL_TIMEOUT".into()),
        });
        bus.publish(BusEvent::ChannelCleared {
            channel_id: channel,
        });
        bus.publish(BusEvent::ChannelChanged {
            channel_id: channel,
            deleted: true,
        });
    });
    let mut config = ids.config();
    config["agent"] = json!(ids.e2);
    run_node("events", &server.url, "default", config).await;
    publisher.await.unwrap();
    server.stop().await;
}

async fn bad_handshake(settings: ApiSettings, transports: &str) {
    let key = settings.auth_token.is_some();
    let server = RtServer::start(settings, TestDb::sqlite().await).await;
    let mut config = Ids::new().config();
    if key {
        config["apiKey"] = json!(KEY);
    }
    run_node("bad_handshake", &server.url, transports, config).await;
    server.stop().await;
}

#[actix_web::test]
async fn bad_handshake_is_refused_without_key() {
    if node_available("bad_handshake_is_refused_without_key") {
        bad_handshake(ApiSettings::default(), "default").await;
        bad_handshake(ApiSettings::default(), "websocket").await;
    }
}

#[actix_web::test]
async fn bad_handshake_is_refused_with_key() {
    if node_available("bad_handshake_is_refused_with_key") {
        bad_handshake(with_key(), "default").await;
        bad_handshake(with_key(), "websocket").await;
    }
}

#[actix_web::test]
async fn auth_on_requires_membership_and_ignores_claimed_sender() {
    if !node_available("auth_on_requires_membership_and_ignores_claimed_sender") {
        return;
    }
    let server = RtServer::start(with_key(), TestDb::sqlite().await).await;
    let mut ids = Ids::new();
    ids.channel = server.channel(&[ids.e1, ids.e3]).await;
    let mut config = ids.config();
    config["apiKey"] = json!(KEY);
    run_node("auth_rules", &server.url, "default", config).await;
    server.stop().await;
}

/// The fan-out benchmark (`tests/node/fanout.mjs`) against an in-process server (numbers
/// from a debug build are pessimistic; see docs/REALTIME.md). Run with
/// `FANOUT_CLIENTS=1000 cargo nextest run -p agentd-http-api --run-ignored only fanout --no-capture`;
/// `FANOUT_PROCS=P` spreads the receivers over P node processes (docs/BENCHMARKS.md).
#[actix_web::test]
#[ignore = "benchmark, not a test"]
async fn fanout_benchmark() {
    if !node_available("fanout_benchmark") {
        return;
    }
    let server = RtServer::start(ApiSettings::default(), TestDb::sqlite().await).await;
    let clients = std::env::var("FANOUT_CLIENTS").unwrap_or_else(|_| "100".into());
    let messages = std::env::var("FANOUT_MESSAGES").unwrap_or_else(|_| "50".into());
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node");
    let url = server.url.clone();
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("node")
            .args(["fanout.mjs", &url, &clients, &messages])
            .current_dir(dir)
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    println!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success());
    server.stop().await;
}
