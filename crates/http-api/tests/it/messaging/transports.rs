//! Transports: `http` waits for the agent's stored reply; `sse` streams it; both time out.

use std::time::Duration;

use agentd_core::DEFAULT_SERVER_ID;
use agentd_storage::Backend;
use agentd_storage::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::app::{echo_agent, spawn};
use crate::both;

async fn http_transport_returns_the_one_reply(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let user = Uuid::new_v4();
    let agent = app.agent("eliza").await;
    echo_agent(&app, agent, Duration::from_millis(50));
    let c = app.channel(&[user, agent]).await;
    let body = json!({"author_id": user, "content": "hello", "message_server_id": DEFAULT_SERVER_ID,
                      "transport": "http"});
    let r = app
        .post(&format!("/channels/{c}/messages"), body.clone())
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    assert_eq!(r.body["processing"], "replied");
    assert_eq!(r.body["userMessage"]["seq"], 1);
    let reply = &r.body["agentResponse"];
    assert_eq!(reply["text"], "echo: hello");
    assert_eq!(
        (reply["thought"].as_str(), &reply["actions"]),
        (Some("t"), &json!(["REPLY"]))
    );
    assert_eq!(reply["seq"], 2);
    // Exactly one reply, stored with the next seq; a legacy `mode: sync` retry with the
    // same key returns the same pair.
    let page = agentd_storage::MessagePage::latest(c, 10);
    assert_eq!(app.db().list_messages(&page).await.unwrap().len(), 2);
    let mut retry = body;
    retry.as_object_mut().unwrap().remove("transport");
    retry["mode"] = json!("sync");
    retry["client_message_id"] = json!("k");
    let r = app
        .post(&format!("/channels/{c}/messages"), retry.clone())
        .await;
    let r2 = app.post(&format!("/channels/{c}/messages"), retry).await;
    assert_eq!(
        r.body["agentResponse"]["messageId"],
        r2.body["agentResponse"]["messageId"]
    );
    assert_eq!(app.db().list_messages(&page).await.unwrap().len(), 4);
    app.stop().await;
}
both!(http_transport_returns_the_one_reply);

async fn http_and_sse_time_out(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let user = Uuid::new_v4();
    let silent = app.agent("silent").await;
    let c = app.channel(&[user, silent]).await;
    let mut body = json!({"author_id": user, "content": "hi", "message_server_id": DEFAULT_SERVER_ID,
                          "transport": "http", "timeoutMs": 1000});
    let r = app
        .post(&format!("/channels/{c}/messages"), body.clone())
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    assert_eq!(
        (r.body["processing"].as_str(), &r.body["agentResponse"]),
        (Some("timeout"), &json!(null))
    );
    body["transport"] = json!("sse");
    let r = app
        .post(&format!("/channels/{c}/messages"), body.clone())
        .await;
    assert_eq!(r.status, 200);
    assert!(
        r.raw.starts_with("event: user_message\ndata: {"),
        "{}",
        r.raw
    );
    assert!(
        r.raw.ends_with(
            "event: error\ndata: {\"error\":\"Timed out waiting for the agent's reply\"}\n\n"
        ),
        "{}",
        r.raw
    );
    body["timeoutMs"] = json!(5);
    let r = app.post(&format!("/channels/{c}/messages"), body).await;
    assert_eq!(r.status, 400);
    app.stop().await;
}
both!(http_and_sse_time_out);

async fn sse_streams_chunks_and_done(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let user = Uuid::new_v4();
    let agent = app.agent("eliza").await;
    echo_agent(&app, agent, Duration::from_millis(20));
    let c = app.channel(&[user, agent]).await;
    let body = json!({"author_id": user, "content": "hey", "message_server_id": DEFAULT_SERVER_ID,
                      "mode": "stream"});
    let r = app.post(&format!("/channels/{c}/messages"), body).await;
    assert_eq!(r.status, 200);
    let events: Vec<&str> = r
        .raw
        .lines()
        .filter_map(|l| l.strip_prefix("event: "))
        .collect();
    assert_eq!(events, ["user_message", "chunk", "done"], "{}", r.raw);
    let done = r.raw.split("event: done\ndata: ").nth(1).unwrap().trim();
    let done: serde_json::Value = serde_json::from_str(done).unwrap();
    assert_eq!(
        (done["text"].as_str(), done["seq"].as_i64()),
        (Some("echo: hey"), Some(2))
    );
    assert!(
        r.raw.contains("\"chunk\":\"echo\",\"index\":0"),
        "{}",
        r.raw
    );
    app.stop().await;
}
both!(sse_streams_chunks_and_done);

async fn delivery_state_is_readable_and_published(b: Backend) {
    use agentd_bus::{Bus, BusEvent, EventKind, Filter, Received};
    use agentd_core::model::DeliveryState;
    let Some(app) = spawn(b).await else { return };
    let user = Uuid::new_v4();
    let agent = app.agent("eliza").await;
    let silent = app.agent("silent").await;
    echo_agent(&app, agent, Duration::from_millis(10));
    let c = app.channel(&[user, agent, silent]).await;
    let mut sub = app.bus.subscribe_to(Filter::kinds(&[EventKind::Delivery]));
    let body = json!({"author_id": user, "content": "hi", "message_server_id": DEFAULT_SERVER_ID,
                      "transport": "http"});
    let r = app.post(&format!("/channels/{c}/messages"), body).await;
    assert_eq!(r.status, 201, "{}", r.raw);
    let id: Uuid = r.body["userMessage"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        r.body["userMessage"]["delivery"],
        json!({agent.to_string(): "dispatched", silent.to_string(): "dispatched"})
    );
    // The user message's changes (the echo's reply, handed to `silent` in turn, has its own).
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let got = tokio::time::timeout(Duration::from_secs(10), sub.recv()).await;
        match got.unwrap() {
            Received::Event(BusEvent::DeliveryChanged {
                message_id,
                agent_id,
                state,
                ..
            }) if message_id == id => seen.push((agent_id, state)),
            Received::Event(BusEvent::DeliveryChanged { .. }) => {}
            other => panic!("{other:?}"),
        }
    }
    assert!(seen.contains(&(agent, DeliveryState::Replied)), "{seen:?}");
    assert!(
        seen.contains(&(silent, DeliveryState::Dispatched)),
        "{seen:?}"
    );
    let r = app.get(&format!("/channels/{c}/messages")).await;
    let msgs = r.body["data"]["messages"].as_array().unwrap();
    assert_eq!(msgs[1]["id"], id.to_string());
    assert_eq!(
        msgs[1]["delivery"],
        json!({agent.to_string(): "replied", silent.to_string(): "dispatched"})
    );
    // The reply is a message like any other: handed to the other running agent.
    assert_eq!(
        msgs[0]["delivery"],
        json!({silent.to_string(): "dispatched"})
    );
    app.stop().await;
}
both!(delivery_state_is_readable_and_published);
