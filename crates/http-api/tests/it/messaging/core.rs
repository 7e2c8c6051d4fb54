//! Core routes: `/submit`, `/action`, `PATCH /action/:id`, `/ingest-external`, `/complete`.

use agentd_bus::{Bus, BusEvent, Received};
use agentd_core::DEFAULT_SERVER_ID;
use agentd_storage::Backend;
use serde_json::{Value, json};
use uuid::Uuid;

use super::app::{family_b, spawn};
use crate::both;

fn submission(channel: Uuid, author: Uuid) -> Value {
    json!({"channel_id": channel, "message_server_id": DEFAULT_SERVER_ID, "author_id": author,
           "content": "reply", "source_type": "agent_response", "raw_message": {"thought": "t"},
           "metadata": {"agentName": "A"}})
}

async fn submit_and_action(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let (user, agent) = (Uuid::new_v4(), Uuid::new_v4());
    let c = app.channel(&[user, agent]).await;
    let mut sub = app.bus.subscribe();
    let mut body = submission(c, agent);
    let id = Uuid::new_v4();
    body["messageId"] = json!(id);
    let r = app.post("/submit", body.clone()).await;
    assert_eq!(r.status, 201, "{}", r.raw);
    let m = &r.body["data"];
    assert_eq!(m["id"], id.to_string());
    assert_eq!(
        (m["channelId"].as_str(), m["authorId"].as_str()),
        (Some(&*c.to_string()), Some(&*agent.to_string()))
    );
    assert_eq!(
        (m["seq"].as_i64(), m["sourceType"].as_str()),
        (Some(1), Some("agent_response"))
    );
    assert_eq!(m["rawMessage"], json!({"thought": "t"}));
    assert!(m["createdAt"].as_str().unwrap().ends_with('Z'));
    assert!(matches!(
        sub.recv().await,
        Received::Event(BusEvent::NewMessage { seq: 1, .. })
    ));
    // messageId is the idempotency key: a retry returns the stored message.
    let again = app.post("/submit", body).await;
    assert_eq!(
        (again.status, again.body["data"]["seq"].as_i64()),
        (201, Some(1))
    );

    let r = app.post("/submit", json!({"channel_id": c})).await;
    family_b(
        &r,
        400,
        "Missing required fields: message_server_id, author_id, content, source_type, raw_message",
    );
    let mut bad = submission(c, agent);
    bad["in_reply_to_message_id"] = json!("x");
    family_b(
        &app.post("/submit", bad).await,
        400,
        "Invalid in_reply_to_message_id format",
    );
    let mut bad = submission(c, agent);
    bad["messageId"] = json!("x");
    family_b(
        &app.post("/action", bad).await,
        400,
        "Invalid messageId format",
    );
    let mut dangling = submission(c, agent);
    dangling["in_reply_to_message_id"] = json!(Uuid::new_v4());
    family_b(
        &app.post("/submit", dangling).await,
        400,
        "in_reply_to_message_id names no message",
    );
    family_b(
        &app.post("/submit", submission(Uuid::new_v4(), agent)).await,
        404,
        "Channel not found",
    );

    let mut action = submission(c, agent);
    action["source_type"] = json!("agent_action");
    let r = app.post("/action", action).await;
    assert_eq!(r.status, 201, "{}", r.raw);
    let aid = r.body["data"]["id"].as_str().unwrap().to_owned();
    let mut sub = app.bus.subscribe();
    let r = app
        .patch(
            &format!("/action/{aid}"),
            json!({"content": "done", "metadata": {"s": 1}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(
        (
            r.body["data"]["content"].as_str(),
            &r.body["data"]["metadata"]
        ),
        (Some("done"), &json!({"s": 1}))
    );
    assert_eq!(r.body["data"]["seq"], 2);
    assert_eq!(
        sub.recv().await,
        Received::Event(BusEvent::MessageUpdated {
            channel_id: c,
            seq: 2,
            message_id: aid.parse().unwrap(),
        })
    );
    family_b(
        &app.patch("/action/x", json!({})).await,
        400,
        "Invalid message id",
    );
    family_b(
        &app.patch(&format!("/action/{}", Uuid::new_v4()), json!({}))
            .await,
        404,
        "Message not found",
    );
    app.stop().await;
}
both!(submit_and_action);

async fn ingest_and_complete(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let user = Uuid::new_v4();
    let c = app.channel(&[user]).await;
    let mut sub = app.bus.subscribe();
    let r = app
        .post(
            "/ingest-external",
            json!({"channel_id": c, "server_id": DEFAULT_SERVER_ID,
              "author_id": user, "content": "from discord", "author_display_name": "Bob"}),
        )
        .await;
    assert_eq!(r.status, 202, "{}", r.raw);
    assert_eq!(r.body["message"], "Message ingested and published to bus");
    let id: Uuid = r.body["data"]["messageId"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        sub.recv().await,
        Received::Event(BusEvent::NewMessage {
            channel_id: c,
            seq: 1,
            message_id: id,
            author_id: user
        })
    );
    family_b(
        &app.post("/ingest-external", json!({"channel_id": c})).await,
        400,
        "Invalid external message payload",
    );
    family_b(
        &app.post(
            "/ingest-external",
            json!({"channel_id": "c", "message_server_id": "s", "author_id": "a", "content": "x"}),
        )
        .await,
        400,
        "Invalid external message payload",
    );

    let r = app
        .post(
            "/complete",
            json!({"channel_id": c, "message_server_id": DEFAULT_SERVER_ID}),
        )
        .await;
    assert_eq!(
        r.body,
        json!({"success": true, "message": "Completion event emitted", "data": {"success": true}})
    );
    assert_eq!(
        sub.recv().await,
        Received::Event(BusEvent::MessageComplete {
            channel_id: c,
            server_id: DEFAULT_SERVER_ID
        })
    );
    let r = app.post("/complete", json!({"channel_id": c})).await;
    family_b(
        &r,
        400,
        "Missing or invalid fields: channel_id, message_server_id",
    );
    let r = app.post("/complete", json!([1])).await;
    family_b(&r, 400, "Request body must be a JSON object");
    app.stop().await;
}
both!(ingest_and_complete);

/// The bodies `@elizaos/api-client` builds: `submitMessage {agentId, channelId, content}`,
/// `completeMessage {messageId, status}`, `getMessage` and `updateMessage`.
async fn api_client_forms(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let (user, agent) = (Uuid::new_v4(), Uuid::new_v4());
    let c = app.channel(&[user, agent]).await;
    let mut sub = app.bus.subscribe();

    let r = app
        .post(
            "/submit",
            json!({"agentId": agent, "channelId": c, "content": "from the agent"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    let m = &r.body["data"];
    assert_eq!(
        (m["authorId"].as_str(), m["channelId"].as_str()),
        (Some(&*agent.to_string()), Some(&*c.to_string()))
    );
    assert_eq!(
        (m["sourceType"].as_str(), &m["rawMessage"]),
        (Some("agent_response"), &json!({"text": "from the agent"}))
    );
    let id = m["id"].as_str().unwrap().to_owned();
    assert!(matches!(
        sub.recv().await,
        Received::Event(BusEvent::NewMessage { seq: 1, .. })
    ));
    family_b(
        &app.post(
            "/submit",
            json!({"agentId": agent, "channelId": Uuid::new_v4(), "content": "x"}),
        )
        .await,
        404,
        "Channel not found",
    );

    let r = app
        .post("/complete", json!({"messageId": id, "status": "completed"}))
        .await;
    assert_eq!(r.body["data"], json!({"success": true}), "{}", r.raw);
    assert_eq!(
        sub.recv().await,
        Received::Event(BusEvent::MessageComplete {
            channel_id: c,
            server_id: DEFAULT_SERVER_ID
        })
    );
    let missing = Uuid::new_v4();
    family_b(
        &app.post("/complete", json!({"messageId": missing})).await,
        404,
        "Message not found",
    );

    let r = app.get(&format!("/messages/{id}")).await;
    assert_eq!(
        (r.status, r.body["data"]["content"].as_str()),
        (200, Some("from the agent"))
    );
    let r = app
        .patch(&format!("/messages/{id}"), json!({"content": "edited"}))
        .await;
    assert_eq!(
        (r.status, r.body["data"]["content"].as_str()),
        (200, Some("edited")),
        "{}",
        r.raw
    );
    family_b(
        &app.get(&format!("/messages/{missing}")).await,
        404,
        "Message not found",
    );
    app.stop().await;
}
both!(api_client_forms);
