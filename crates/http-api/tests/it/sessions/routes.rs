//! Every session route: success shapes and family-D errors.

use std::time::Duration;

use agentd_http_api::ApiSettings;
use agentd_storage::Backend;
use agentd_storage::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::{create, family_d, spawn};
use crate::both;
use crate::messaging::app::{echo_agent, spawn_on};

async fn create_get_list_delete(b: Backend) {
    let Some(app) = spawn(b, ApiSettings::default()).await else {
        return;
    };
    let (agent, s) = create(
        &app,
        json!({"metadata": {"plan": "pro"}, "timeoutConfig": {"timeoutMinutes": 2, "maxDurationMinutes": 9999}}),
    )
    .await;
    assert_eq!(
        s["timeoutConfig"],
        json!({"timeoutMinutes": 5, "autoRenew": true, "maxDurationMinutes": 2880, "warningThresholdMinutes": 5})
    );
    assert_eq!(s["agentId"], agent.to_string());
    assert_eq!(s["metadata"], json!({"plan": "pro"}));
    assert!(s["sessionToken"].as_str().is_some_and(|t| t.len() == 64));
    for k in ["sessionId", "channelId", "userId", "createdAt", "expiresAt"] {
        assert!(s[k].is_string(), "{k}");
    }
    let id = s["sessionId"].as_str().unwrap();
    // The channel is a DM with only the agent, marked as a session.
    let cid: Uuid = s["channelId"].as_str().unwrap().parse().unwrap();
    let c = app.db().get_channel(cid).await.unwrap();
    assert_eq!(c.name, format!("session-{id}"));
    assert_eq!(c.metadata.as_ref().unwrap()["sessionId"], id);
    assert_eq!(c.metadata.as_ref().unwrap()["plan"], "pro");
    assert_eq!(
        app.db().list_channel_participants(cid).await.unwrap(),
        vec![agent]
    );

    let r = app.get(&format!("/sessions/{id}")).await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(r.body["renewalCount"], 0);
    assert!(r.body["timeRemaining"].as_i64().unwrap() > 0);
    assert_eq!(
        r.body["isNearExpiration"], true,
        "5-minute timeout, 5-minute warning"
    );
    assert!(r.body["lastActivity"].is_string());

    let r = app.get("/sessions").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["total"], 1);
    assert_eq!(
        r.body["stats"],
        json!({"totalSessions": 1, "activeSessions": 1, "expiredSessions": 0})
    );
    assert_eq!(r.body["sessions"][0]["sessionId"], id);

    let r = app.get("/sessions/health").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        (r.body["status"].as_str(), r.body["activeSessions"].as_i64()),
        (Some("healthy"), Some(1))
    );
    assert_eq!(r.body["expiringSoon"], 1);
    assert!(r.body["uptime"].is_number() && r.body["timestamp"].is_string());

    let r = app.delete(&format!("/sessions/{id}")).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body,
        json!({"success": true, "message": format!("Session {id} deleted successfully")})
    );
    family_d(
        &app.delete(&format!("/sessions/{id}")).await,
        404,
        "SESSION_NOT_FOUND",
    );
    let r = app.get(&format!("/sessions/{id}")).await;
    family_d(&r, 404, "SESSION_NOT_FOUND");
    assert_eq!(
        r.body["error"]["message"],
        format!("Session with ID '{id}' not found")
    );
    // The channel outlives the session.
    assert!(app.db().get_channel(cid).await.is_ok());
    family_d(
        &app.get("/sessions/not-a-uuid").await,
        404,
        "SESSION_NOT_FOUND",
    );
    app.stop().await;
}
both!(create_get_list_delete);

async fn create_errors(b: Backend) {
    let Some(app) = spawn(b, ApiSettings::default()).await else {
        return;
    };
    let r = app
        .post("/sessions", json!({"userId": Uuid::new_v4()}))
        .await;
    family_d(&r, 400, "VALIDATION_ERROR");
    assert_eq!(
        r.body["error"]["message"],
        "Missing required fields: agentId"
    );
    assert_eq!(
        r.body["error"]["details"]["missingFields"],
        json!(["agentId"])
    );
    let r = app
        .post(
            "/sessions",
            json!({"agentId": "nope", "userId": Uuid::new_v4()}),
        )
        .await;
    family_d(&r, 400, "VALIDATION_ERROR");
    assert_eq!(
        r.body["error"]["message"],
        "Invalid UUID format for field 'agentId'"
    );
    assert_eq!(
        r.body["error"]["details"],
        json!({"providedValue": "nope", "expectedFormat": "UUID v4"})
    );
    let agent = app.agent("a").await;
    let big = "x".repeat(10_300);
    let r = app
        .post(
            "/sessions",
            json!({"agentId": agent, "userId": Uuid::new_v4(), "metadata": {"b": big}}),
        )
        .await;
    family_d(&r, 400, "VALIDATION_ERROR");
    let r = app
        .post(
            "/sessions",
            json!({"agentId": Uuid::new_v4(), "userId": Uuid::new_v4()}),
        )
        .await;
    family_d(&r, 404, "AGENT_NOT_FOUND");
    family_d(
        &app.post("/sessions", json!([1])).await,
        400,
        "VALIDATION_ERROR",
    );
    assert_eq!(app.db().list_sessions().await.unwrap().len(), 0);
    app.stop().await;
}
both!(create_errors);

async fn expired_is_410_then_gone_and_survives_restart(b: Backend) {
    let Some(app) = spawn(b, ApiSettings::default()).await else {
        return;
    };
    let (_, s) = create(&app, json!({})).await;
    let (_, s2) = create(&app, json!({})).await;
    let id: Uuid = s["sessionId"].as_str().unwrap().parse().unwrap();
    let id2 = s2["sessionId"].as_str().unwrap();
    // A restart: a new server (and pool) over the same database.
    let t = app.stop().await;
    let app = spawn_on(t);
    assert_eq!(app.get(&format!("/sessions/{id2}")).await.status, 200);
    // Expiry comes from stored times.
    let mut row = app.db().get_session(id).await.unwrap();
    row.expires_at = chrono::Utc::now() - chrono::Duration::seconds(1);
    app.db().update_session(&row).await.unwrap();
    let r = app.get("/sessions").await;
    assert_eq!(r.body["stats"]["expiredSessions"], 1);
    for path in ["", "/messages", "/renew", "/heartbeat"] {
        let r = if path == "/renew" || path == "/heartbeat" {
            app.post(&format!("/sessions/{id}{path}"), json!({})).await
        } else {
            app.get(&format!("/sessions/{id}{path}")).await
        };
        if path.is_empty() {
            family_d(&r, 410, "SESSION_EXPIRED");
            assert!(
                r.body["error"]["message"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("Session '{id}' expired at "))
            );
        } else {
            family_d(&r, 404, "SESSION_NOT_FOUND");
        }
    }
    app.stop().await;
}
both!(expired_is_410_then_gone_and_survives_restart);

async fn renew_heartbeat_and_timeout(b: Backend) {
    let Some(app) = spawn(b, ApiSettings::default()).await else {
        return;
    };
    let (_, s) = create(&app, json!({"timeoutConfig": {"timeoutMinutes": 30}})).await;
    let id = s["sessionId"].as_str().unwrap();
    let r = app.post(&format!("/sessions/{id}/renew"), json!({})).await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(r.body["renewalCount"], 1);
    assert_eq!(r.body["isNearExpiration"], false);
    // Heartbeats are idempotent: no renewal counted, no failure.
    let h1 = app
        .post(&format!("/sessions/{id}/heartbeat"), json!({}))
        .await;
    let h2 = app
        .post(&format!("/sessions/{id}/heartbeat"), json!({}))
        .await;
    assert_eq!((h1.status, h2.status), (200, 200));
    assert_eq!(
        (
            h1.body["renewalCount"].as_i64(),
            h2.body["renewalCount"].as_i64()
        ),
        (Some(1), Some(1))
    );
    assert!(h2.body["expiresAt"].as_str() >= h1.body["expiresAt"].as_str());

    let r = app
        .patch(
            &format!("/sessions/{id}/timeout"),
            json!({"timeoutMinutes": "60", "autoRenew": false}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(
        r.body["timeoutConfig"],
        json!({"timeoutMinutes": 60, "autoRenew": false, "maxDurationMinutes": 720, "warningThresholdMinutes": 5})
    );
    let r = app
        .patch(
            &format!("/sessions/{id}/timeout"),
            json!({"timeoutMinutes": 2}),
        )
        .await;
    family_d(&r, 400, "VALIDATION_ERROR");
    assert_eq!(
        r.body["error"]["message"],
        "Invalid timeout configuration: Timeout must be between 5 and 1440 minutes"
    );
    let r = app
        .patch(
            &format!("/sessions/{id}/timeout"),
            json!({"autoRenew": "yes"}),
        )
        .await;
    assert_eq!(
        r.body["error"]["message"],
        "Invalid timeout configuration: Invalid timeout configuration format"
    );
    family_d(
        &app.patch(&format!("/sessions/{}/timeout", Uuid::new_v4()), json!({}))
            .await,
        404,
        "SESSION_NOT_FOUND",
    );
    // autoRenew off: renewal refused.
    family_d(
        &app.post(&format!("/sessions/{id}/renew"), json!({})).await,
        400,
        "SESSION_RENEWAL_FAILED",
    );

    // Past the max duration: refused with details.
    let r = app
        .patch(
            &format!("/sessions/{id}/timeout"),
            json!({"autoRenew": true}),
        )
        .await;
    assert_eq!(r.status, 200);
    let sid: Uuid = id.parse().unwrap();
    let t = app.stop().await;
    t.exec(&format!(
        "UPDATE sessions SET created_at = '2020-01-01T00:00:00Z', max_duration_minutes = 60 WHERE id = '{sid}'"
    ))
    .await;
    let app = spawn_on(t);
    let r = app.post(&format!("/sessions/{id}/renew"), json!({})).await;
    family_d(&r, 400, "SESSION_RENEWAL_FAILED");
    assert_eq!(
        r.body["error"]["message"],
        format!("Cannot renew session '{id}': Maximum duration reached")
    );
    assert_eq!(r.body["error"]["details"]["maxDuration"], 3_600_000);
    assert!(
        r.body["error"]["details"]["timeSinceCreation"]
            .as_i64()
            .unwrap()
            > 3_600_000
    );
    app.stop().await;
}
both!(renew_heartbeat_and_timeout);

async fn messages_send_and_list(b: Backend) {
    let Some(app) = spawn(b, ApiSettings::default()).await else {
        return;
    };
    let (agent, s) = create(&app, json!({"timeoutConfig": {"timeoutMinutes": 30}})).await;
    echo_agent(&app, agent, Duration::from_millis(20));
    let id = s["sessionId"].as_str().unwrap();
    let p = format!("/sessions/{id}/messages");
    let r = app
        .post(
            &p,
            json!({"content": "hello", "transport": "http", "metadata": {"m": 1}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    assert_eq!(r.body["success"], true);
    assert_eq!(r.body["agentResponse"]["text"], "echo: hello");
    assert_eq!(r.body["data"]["agentResponse"]["text"], "echo: hello");
    assert_eq!(r.body["sessionStatus"]["wasRenewed"], true);
    assert_eq!(r.body["sessionStatus"]["renewalCount"], 1);
    assert_eq!(r.body["userMessage"]["source_type"], "user");
    assert_eq!(r.body["userMessage"]["metadata"]["sessionId"], id);
    assert_eq!(r.body["userMessage"]["metadata"]["m"], 1);
    assert_eq!(r.body["userMessage"]["raw_message"]["content"], "hello");
    // websocket (default): 201 at once, sessionStatus and data.
    let r = app.post(&p, json!({"content": "again"})).await;
    assert_eq!(r.status, 201, "{}", r.raw);
    assert!(r.body.get("agentResponse").is_none());
    assert_eq!(r.body["data"]["sessionStatus"]["renewalCount"], 2);
    // sse
    let r = app
        .post(&p, json!({"content": "streamed", "transport": "sse"}))
        .await;
    assert_eq!(r.status, 200);
    assert!(
        r.raw.contains("event: user_message") && r.raw.contains("event: done"),
        "{}",
        r.raw
    );

    tokio::time::sleep(Duration::from_millis(200)).await;
    let r = app.get(&p).await;
    assert_eq!(r.status, 200, "{}", r.raw);
    let msgs = r.body["messages"].as_array().unwrap();
    assert_eq!(msgs.len(), 6);
    assert_eq!(r.body["hasMore"], false);
    assert_eq!(msgs[0]["isAgent"], true);
    assert_eq!(msgs[0]["metadata"]["thought"], "t");
    assert_eq!(msgs[5]["content"], "hello");
    assert_eq!(msgs[5]["isAgent"], false);
    let newest = r.body["cursors"]["after"].as_i64().unwrap();
    let oldest = r.body["cursors"]["before"].as_i64().unwrap();
    assert!(newest >= oldest);
    let r = app.get(&format!("{p}?limit=2")).await;
    assert_eq!(
        (
            r.body["messages"].as_array().unwrap().len(),
            &r.body["hasMore"]
        ),
        (2, &json!(true))
    );
    let r = app.get(&format!("{p}?before={oldest}")).await;
    assert_eq!(r.body["messages"], json!([]));
    assert!(r.body.get("cursors").is_none());
    let r = app.get(&format!("{p}?before=yesterday")).await;
    family_d(&r, 400, "VALIDATION_ERROR");
    assert_eq!(
        r.body["error"]["message"],
        "Invalid pagination parameter 'before': Must be a valid timestamp"
    );

    // Validation: transport, type, session, empty, length, metadata; nothing stored.
    let before = app.get(&p).await.body["messages"].as_array().unwrap().len();
    family_d(
        &app.post(&p, json!({"content": "x", "transport": "pigeon"}))
            .await,
        400,
        "VALIDATION_ERROR",
    );
    family_d(
        &app.post(&p, json!({"content": 5})).await,
        400,
        "VALIDATION_ERROR",
    );
    family_d(
        &app.post(
            &format!("/sessions/{}/messages", Uuid::new_v4()),
            json!({"content": "x"}),
        )
        .await,
        404,
        "SESSION_NOT_FOUND",
    );
    family_d(
        &app.post(&p, json!({"content": "  "})).await,
        400,
        "VALIDATION_ERROR",
    );
    family_d(
        &app.post(&p, json!({"content": "x".repeat(4001)})).await,
        400,
        "VALIDATION_ERROR",
    );
    family_d(
        &app.post(
            &p,
            json!({"content": "x", "metadata": {"b": "y".repeat(10_300)}}),
        )
        .await,
        400,
        "VALIDATION_ERROR",
    );
    family_d(
        &app.post(&p, json!({"content": "x", "attachments": [{"url": 1}]}))
            .await,
        400,
        "VALIDATION_ERROR",
    );
    assert_eq!(
        app.get(&p).await.body["messages"].as_array().unwrap().len(),
        before
    );
    app.stop().await;
}
both!(messages_send_and_list);
