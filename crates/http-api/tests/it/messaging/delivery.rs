//! Delivery states end to end: a message handed to a running agent (a real runtime, the
//! ELIZA provider or an OpenAI-compatible protocol double) ends as exactly one of
//! `replied`, `ignored` with a reason, or `errored` with a code, whichever entry point it
//! came in through; REST shows the state, the bus announces every change.

use std::time::Duration;

use agentd_bus::{Bus, BusEvent, EventKind, Filter, Received};
use agentd_core::DEFAULT_SERVER_ID;
use agentd_core::model::DeliveryState;
use agentd_storage::Backend;
use agentd_storage::prelude::*;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use uuid::Uuid;

use super::app::{App, spawn};
use crate::both;

/// How long an agent may take to settle a message in these tests.
const SETTLE: Duration = Duration::from_secs(20);

/// The terminal state (and reason) of `message` with `agent`, read from the channel's
/// history as a client reads it, once the agent has settled it.
async fn settled(app: &App, channel: Uuid, message: Uuid, agent: Uuid) -> (String, Value) {
    let deadline = tokio::time::Instant::now() + SETTLE;
    loop {
        let r = app.get(&format!("/channels/{channel}/messages")).await;
        assert_eq!(r.status, 200, "{}", r.raw);
        let item = r.body["data"]["messages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["id"] == message.to_string())
            .cloned()
            .unwrap_or(Value::Null);
        let state = item["delivery"][agent.to_string()]
            .as_str()
            .unwrap_or("")
            .to_owned();
        if !state.is_empty() && state != "dispatched" {
            return (state, item["deliveryReasons"][agent.to_string()].clone());
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "message {message} not settled by {agent}: {}",
            r.raw
        );
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A started ELIZA agent and a DM channel of it with a new user.
async fn dm(app: &App) -> (Uuid, Uuid, Uuid) {
    let agent = app.started_agent("Eliza", json!({})).await;
    let user = Uuid::new_v4();
    let channel = app.channel(&[user, agent]).await;
    (agent, user, channel)
}

async fn rest_post_is_replied(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let (agent, user, channel) = dm(&app).await;
    let r = app
        .post(
            &format!("/channels/{channel}/messages"),
            json!({"author_id": user, "content": "I feel sad", "message_server_id": DEFAULT_SERVER_ID}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    assert_eq!(
        r.body["userMessage"]["delivery"][agent.to_string()],
        "dispatched"
    );
    let id = r.body["userMessage"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(settled(&app, channel, id, agent).await.0, "replied");
    app.stop().await;
}
both!(rest_post_is_replied);

async fn submit_is_replied(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let (agent, user, channel) = dm(&app).await;
    let r = app
        .post(
            "/submit",
            json!({"channel_id": channel, "server_id": DEFAULT_SERVER_ID, "author_id": user,
                   "content": "hello", "source_type": "user", "raw_message": {"text": "hello"}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    let id = r.body["data"]["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(settled(&app, channel, id, agent).await.0, "replied");
    app.stop().await;
}
both!(submit_is_replied);

async fn external_ingest_is_replied(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let (agent, user, channel) = dm(&app).await;
    let r = app
        .post(
            "/ingest-external",
            json!({"channel_id": channel, "server_id": DEFAULT_SERVER_ID, "author_id": user,
                   "content": "hello from outside", "source_type": "discord"}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.raw);
    let id = r.body["data"]["messageId"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(settled(&app, channel, id, agent).await.0, "replied");
    app.stop().await;
}
both!(external_ingest_is_replied);

async fn session_message_is_replied(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let agent = app.started_agent("Eliza", json!({})).await;
    let user = Uuid::new_v4();
    let r = app
        .post("/sessions", json!({"agentId": agent, "userId": user}))
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    let (session, channel) = (
        r.body["sessionId"].as_str().unwrap().to_owned(),
        r.body["channelId"].as_str().unwrap().parse().unwrap(),
    );
    let r = app
        .post(
            &format!("/sessions/{session}/messages"),
            json!({"content": "hello"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    let id = r.body["userMessage"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(settled(&app, channel, id, agent).await.0, "replied");
    app.stop().await;
}
both!(session_message_is_replied);

async fn job_is_replied(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let agent = app.started_agent("Eliza", json!({})).await;
    let r = app
        .post(
            "/jobs",
            json!({"agentId": agent, "userId": Uuid::new_v4(), "content": "hello"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    let job: Uuid = r.body["jobId"].as_str().unwrap().parse().unwrap();
    let stored = app.db().get_job(job).await.unwrap();
    let state = settled(&app, stored.channel_id, stored.user_message_id, agent).await;
    assert_eq!(state.0, "replied");
    let r = app.get(&format!("/jobs/{job}")).await;
    assert_eq!(r.body["status"], "completed", "{}", r.raw);
    app.stop().await;
}
both!(job_is_replied);

async fn unaddressed_group_message_is_ignored(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let agent = app.started_agent("Eliza", json!({})).await;
    let (u1, u2) = (Uuid::new_v4(), Uuid::new_v4());
    let channel = app.channel(&[u1, u2, agent]).await;
    let r = app
        .post(
            &format!("/channels/{channel}/messages"),
            json!({"author_id": u1, "content": "lunch at noon?", "message_server_id": DEFAULT_SERVER_ID}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    let id = r.body["userMessage"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let (state, reason) = settled(&app, channel, id, agent).await;
    assert_eq!(
        (state.as_str(), reason),
        ("ignored", json!("not_addressed"))
    );
    app.stop().await;
}
both!(unaddressed_group_message_is_ignored);

/// An OpenAI-compatible endpoint that answers every request with `status` and an error
/// body, or never answers when `status` is `None`. Returns its base URL.
pub async fn model_double(status: Option<u16>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = [0u8; 8192];
                let _ = s.read(&mut buf).await;
                let Some(status) = status else {
                    // A hung endpoint: hold the connection, say nothing.
                    let _ = s.read(&mut buf).await;
                    std::future::pending::<()>().await;
                    return;
                };
                let body = r#"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}"#;
                let res = format!(
                    "HTTP/1.1 {status} Error\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = s.write_all(res.as_bytes()).await;
            });
        }
    });
    url
}

pub fn openai_settings(url: &str) -> Value {
    json!({"modelProvider": "openai", "OPENAI_BASE_URL": url,
           "secrets": {"OPENAI_API_KEY": "sk-test-not-a-real-key"}})
}

async fn failing_model_is_errored_with_a_code(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let url = model_double(Some(401)).await;
    let agent = app.started_agent("Ada", openai_settings(&url)).await;
    let user = Uuid::new_v4();
    let channel = app.channel(&[user, agent]).await;
    let mut sub = app
        .bus
        .subscribe_to(Filter::channel(channel).and_kinds(&[EventKind::Delivery]));
    let r = app
        .post(
            &format!("/channels/{channel}/messages"),
            json!({"author_id": user, "content": "hi", "message_server_id": DEFAULT_SERVER_ID,
                   "transport": "http"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    assert_eq!(r.body["processing"], "errored", "{}", r.raw);
    assert_eq!(r.body["agentResponse"], Value::Null);
    let id: Uuid = r.body["userMessage"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let (state, reason) = settled(&app, channel, id, agent).await;
    assert_eq!((state.as_str(), reason), ("errored", json!("MODEL_ERROR")));
    let mut states = Vec::new();
    while states.len() < 2 {
        match tokio::time::timeout(SETTLE, sub.recv()).await.unwrap() {
            Received::Event(BusEvent::DeliveryChanged {
                message_id,
                agent_id,
                state,
                reason,
                ..
            }) if message_id == id && agent_id == agent => states.push((state, reason)),
            Received::Event(_) => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        states,
        [
            (DeliveryState::Dispatched, None),
            (DeliveryState::Errored, Some("MODEL_ERROR".to_owned()))
        ]
    );
    let history = app.get(&format!("/channels/{channel}/messages")).await;
    assert!(
        !history.raw.contains("sk-test-not-a-real-key"),
        "the key never reaches a client"
    );
    app.stop().await;
}
both!(failing_model_is_errored_with_a_code);

async fn stopping_an_agent_settles_what_it_holds(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let url = model_double(None).await;
    let agent = app.started_agent("Ada", openai_settings(&url)).await;
    let user = Uuid::new_v4();
    let channel = app.channel(&[user, agent]).await;
    let r = app
        .post(
            &format!("/channels/{channel}/messages"),
            json!({"author_id": user, "content": "hi", "message_server_id": DEFAULT_SERVER_ID}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    let id: Uuid = r.body["userMessage"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let stop = format!("http://{}/api/agents/{agent}/stop", app.addr);
    let res = app.client.post(stop).send_json(&json!({})).await.unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    let (state, reason) = settled(&app, channel, id, agent).await;
    assert_eq!(
        (state.as_str(), reason),
        ("ignored", json!("agent_stopped"))
    );
    app.stop().await;
}
both!(stopping_an_agent_settles_what_it_holds);

/// Two clients posting the first message to the same new channel id at once: both are
/// stored in one channel with seq 1 and 2, neither is a 404 or a 500. The channel is the
/// first creator's (the other post finds it, as a later post would).
async fn concurrent_first_posts_to_a_new_channel(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let agent = app.agent("eliza").await;
    for _ in 0..5 {
        let channel = Uuid::new_v4();
        let path = format!("/channels/{channel}/messages");
        let post = |author: Uuid| {
            app.post(
                &path,
                json!({"author_id": author, "content": "first", "message_server_id": DEFAULT_SERVER_ID,
                       "metadata": {"targetAgentId": agent}}),
            )
        };
        let (u1, u2) = (Uuid::new_v4(), Uuid::new_v4());
        let (r1, r2) = tokio::join!(post(u1), post(u2));
        assert_eq!(r1.status, 201, "{}", r1.raw);
        assert_eq!(r2.status, 201, "{}", r2.raw);
        let participants = app.db().list_channel_participants(channel).await.unwrap();
        assert!(participants.contains(&agent), "{participants:?}");
        assert!(
            participants.contains(&u1) || participants.contains(&u2),
            "{participants:?}"
        );
        let page = app.get(&path).await;
        let mut seqs: Vec<i64> = page.body["data"]["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["seq"].as_i64().unwrap())
            .collect();
        seqs.sort();
        assert_eq!(seqs, [1, 2], "{}", page.raw);
    }
    app.stop().await;
}
both!(concurrent_first_posts_to_a_new_channel);
