//! Message routes: posting (validated before storing), idempotency, pages, deletes.

use agentd_bus::{Bus, BusEvent, Received};
use agentd_core::DEFAULT_SERVER_ID;
use agentd_storage::prelude::*;
use agentd_storage::{Backend, NewMessage};
use chrono::Duration;
use serde_json::{Value, json};
use uuid::Uuid;

use super::app::{family_b, spawn};
use crate::both;

fn post_body(author: Uuid, content: &str) -> Value {
    json!({"author_id": author, "content": content, "message_server_id": DEFAULT_SERVER_ID})
}

async fn posting_validates_before_storing(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let user = Uuid::new_v4();
    let lonely = app.channel(&[user]).await;
    let path = format!("/channels/{lonely}/messages");
    family_b(
        &app.post(&path, post_body(user, "hi")).await,
        400,
        "No agent found in channel participants",
    );
    let mut bad = post_body(user, "hi");
    bad["transport"] = json!("pigeon");
    family_b(
        &app.post(&path, bad).await,
        400,
        "Invalid transport. Must be one of: http, sse, websocket",
    );
    family_b(
        &app.post(
            &path,
            json!({"author_id": user, "message_server_id": DEFAULT_SERVER_ID}),
        )
        .await,
        400,
        "Missing required fields: author_id, content, message_server_id",
    );
    family_b(
        &app.post(&path, json!({"author_id": "x", "content": "c"}))
            .await,
        400,
        "Invalid author_id format",
    );
    family_b(
        &app.post("/channels/nope/messages", post_body(user, "hi"))
            .await,
        400,
        "Invalid channelId format",
    );
    assert_eq!(
        app.t.count("central_messages", "1=1").await,
        0,
        "nothing stored"
    );

    // An agent participates but none runs here: stored, and the response says so.
    let agent = Uuid::new_v4();
    let c = app.channel(&[user, agent]).await;
    let mut sub = app.bus.subscribe();
    let r = app
        .post(&format!("/channels/{c}/messages"), post_body(user, "hello"))
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    assert_eq!(r.body["success"], true);
    assert!(r.body.get("data").is_none());
    assert_eq!(r.body["processing"], "none");
    let m = &r.body["userMessage"];
    assert_eq!(
        (m["seq"].as_i64(), m["content"].as_str()),
        (Some(1), Some("hello"))
    );
    assert_eq!(m["channel_id"], c.to_string());
    assert_eq!(m["message_server_id"], DEFAULT_SERVER_ID.to_string());
    assert_eq!(m["source_type"], "eliza_gui");
    assert!(m["created_at"].is_i64());
    let id: Uuid = m["id"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        sub.recv().await,
        Received::Event(BusEvent::NewMessage {
            channel_id: c,
            seq: 1,
            message_id: id,
            author_id: user
        })
    );
    app.agents.mark_running(agent);
    let r = app
        .post(&format!("/channels/{c}/messages"), post_body(user, "again"))
        .await;
    assert_eq!(
        (
            r.body["processing"].as_str(),
            r.body["userMessage"]["seq"].as_i64()
        ),
        (Some("queued"), Some(2))
    );

    // Auto-created channel: a DM with the target user, found through metadata.
    let fresh = Uuid::new_v4();
    let mut dm = post_body(user, "dm");
    dm["metadata"] = json!({"isDm": true, "targetUserId": agent});
    let r = app.post(&format!("/channels/{fresh}/messages"), dm).await;
    assert_eq!(r.status, 201, "{}", r.raw);
    let ch = app.get(&format!("/channels/{fresh}/details")).await.body["data"].clone();
    assert_eq!(
        (ch["type"].as_str(), ch["sourceType"].as_str()),
        (Some("DM"), Some("auto_created"))
    );
    assert_eq!(ch["metadata"]["created_by"], "gui_auto_creation");
    let mut unknown = post_body(user, "x");
    unknown["message_server_id"] = json!(Uuid::new_v4());
    unknown["metadata"] = json!({"targetAgentId": agent});
    let r = app
        .post(&format!("/channels/{}/messages", Uuid::new_v4()), unknown)
        .await;
    assert_eq!(r.status, 404, "{}", r.raw);
    app.stop().await;
}
both!(posting_validates_before_storing);

async fn idempotent_posts(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let (user, agent) = (Uuid::new_v4(), Uuid::new_v4());
    let c = app.channel(&[user, agent]).await;
    let path = format!("/channels/{c}/messages");
    let key = [("Idempotency-Key", "k-1")];
    let first = app.post_with(&path, post_body(user, "once"), &key).await;
    let again = app.post_with(&path, post_body(user, "once"), &key).await;
    assert_eq!((first.status, again.status), (201, 201));
    assert_eq!(
        first.body["userMessage"]["id"],
        again.body["userMessage"]["id"]
    );
    assert_eq!(again.body["userMessage"]["seq"], 1);
    let r = app
        .post_with(&path, post_body(user, "different"), &key)
        .await;
    family_b(&r, 409, "Idempotency key reused with a different body");
    assert_eq!(r.body["details"], "IDEMPOTENCY_CONFLICT");
    // Body keys feed the same storage key.
    let mut body = post_body(user, "b");
    body["client_message_id"] = json!("k-2");
    let one = app.post(&path, body.clone()).await;
    let two = app.post(&path, body).await;
    assert_eq!(one.body["userMessage"]["id"], two.body["userMessage"]["id"]);
    assert_eq!(app.t.count("central_messages", "1=1").await, 2);
    app.stop().await;
}
both!(idempotent_posts);

async fn history_pages(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let user = Uuid::new_v4();
    let c = app.channel(&[user]).await;
    // Whole milliseconds, as the `before`/`after` cursors below are.
    let t0 = chrono::DateTime::from_timestamp_millis(
        (chrono::Utc::now() - Duration::hours(1)).timestamp_millis(),
    )
    .unwrap();
    for i in 0..260 {
        let mut m = NewMessage::text(c, user, format!("m{i}"));
        m.created_at = Some(t0 + Duration::seconds(i));
        m.raw_message = Some(json!({"thought": "th", "actions": ["A"]}));
        m.metadata = Some(json!({"x": 1}));
        app.db().create_message(&m).await.unwrap();
    }
    let seqs = |v: &Value| -> Vec<i64> {
        v["data"]["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["seq"].as_i64().unwrap())
            .collect()
    };
    let base = format!("/channels/{c}/messages");
    let r = app.get(&base).await;
    assert_eq!(seqs(&r.body), (211..=260).rev().collect::<Vec<_>>());
    let item = &r.body["data"]["messages"][0];
    assert_eq!(
        item["metadata"],
        json!({"x": 1, "thought": "th", "actions": ["A"]})
    );
    assert!(item["created_at"].is_i64() && item["createdAt"].is_string());
    assert_eq!(
        seqs(&app.get(&format!("{base}?limit=1000")).await.body).len(),
        200
    );
    let iso = agentd_core::time::to_iso(t0 + Duration::seconds(10));
    let ms = agentd_core::time::to_millis(t0 + Duration::seconds(10));
    for before in [iso.clone(), ms.to_string()] {
        let r = app.get(&format!("{base}?limit=3&before={before}")).await;
        assert_eq!(seqs(&r.body), vec![10, 9, 8], "before={before}");
    }
    // `after` alone reads forward from the cursor (catch-up never skips), newest first.
    let r = app.get(&format!("{base}?limit=2&after={iso}")).await;
    assert_eq!(seqs(&r.body), vec![13, 12]);
    assert_eq!(
        seqs(&app.get(&format!("{base}?before_seq=5")).await.body),
        vec![4, 3, 2, 1]
    );
    assert_eq!(
        seqs(&app.get(&format!("{base}?after_seq=255&limit=2")).await.body),
        vec![257, 256]
    );
    family_b(
        &app.get(&format!("{base}?before=yesterday")).await,
        400,
        "Invalid before",
    );
    family_b(
        &app.get(&format!("{base}?limit=x")).await,
        400,
        "Invalid limit",
    );
    family_b(
        &app.get("/channels/x/messages").await,
        400,
        "Invalid channelId",
    );
    app.stop().await;
}
both!(history_pages);

async fn delete_and_clear(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let user = Uuid::new_v4();
    let c = app.channel(&[user]).await;
    let mut ids = Vec::new();
    for i in 0..1100 {
        let m = NewMessage::text(c, user, format!("m{i}"));
        ids.push(app.db().create_message(&m).await.unwrap().message.id);
    }
    let mut sub = app.bus.subscribe();
    let r = app
        .delete(&format!("/channels/{c}/messages/{}", ids[0]))
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(
        sub.recv().await,
        Received::Event(BusEvent::MessageDeleted {
            channel_id: c,
            seq: 1,
            message_id: ids[0]
        })
    );
    family_b(
        &app.delete(&format!("/channels/{c}/messages/{}", ids[0]))
            .await,
        404,
        "Message not found",
    );
    family_b(
        &app.delete(&format!("/channels/{c}/messages/nope")).await,
        400,
        "Invalid messageId",
    );
    let r = app.delete(&format!("/central-channels/{c}/messages")).await;
    assert_eq!(r.status, 204);
    assert_eq!(
        sub.recv().await,
        Received::Event(BusEvent::ChannelCleared { channel_id: c })
    );
    assert_eq!(
        app.t.count("central_messages", "1=1").await,
        0,
        "the whole channel, not 1000"
    );
    family_b(
        &app.delete(&format!("/channels/{}/messages", Uuid::new_v4()))
            .await,
        404,
        "Channel not found",
    );
    // seq continues after a clear.
    let m = app
        .db()
        .create_message(&NewMessage::text(c, user, "after"))
        .await
        .unwrap();
    assert_eq!(m.message.seq, 1101);
    app.stop().await;
}
both!(delete_and_clear);
