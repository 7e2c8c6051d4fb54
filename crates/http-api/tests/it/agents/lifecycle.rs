//! Start, stop, worlds, panels and logs.

use serde_json::json;
use uuid::Uuid;

use super::{assert_error, keys, spawn};

#[actix_web::test]
async fn start_and_stop_are_idempotent() {
    let app = spawn().await;
    let id = app.create("Ada").await;
    let other = app.running("Bob").await;
    for _ in 0..2 {
        let r = app
            .post(&format!("/api/agents/{id}/start"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{}", r.raw);
        assert_eq!(
            r.body["data"],
            json!({"id": id, "name": "Ada", "status": "active"})
        );
    }
    assert_eq!(
        app.get(&format!("/api/agents/{id}")).await.body["data"]["enabled"],
        true
    );
    let r = app.post(&format!("/api/agents/{id}/stop"), json!({})).await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(r.body["data"], json!({"message": "Agent stopped"}));
    assert_error(
        &app.post(&format!("/api/agents/{id}/stop"), json!({})).await,
        404,
        "NOT_FOUND",
    );
    assert_eq!(
        app.get(&format!("/api/agents/{id}")).await.body["data"]["enabled"],
        false
    );
    assert!(app.state.agent_manager().is_running(other));
    assert_error(
        &app.post(&format!("/api/agents/{}/start", Uuid::new_v4()), json!({}))
            .await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &app.post("/api/agents/bad/start", json!({})).await,
        400,
        "INVALID_ID",
    );
    assert_error(
        &app.post("/api/agents/bad/stop", json!({})).await,
        400,
        "INVALID_ID",
    );
    let r = app.get("/api/agents/x/start").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body["error"]["code"], 404);
    app.stop().await;
}

#[actix_web::test]
async fn worlds_are_listed_created_and_updated() {
    let app = spawn().await;
    let r = app.get("/api/agents/worlds").await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(r.body["data"], json!({"worlds": []}));
    let id = app.running("Ada").await;
    let r = app
        .post(
            &format!("/api/agents/{id}/worlds"),
            json!({"name": "W", "metadata": {"a": 1}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    let world = &r.body["data"]["world"];
    assert_eq!(
        keys(world),
        ["agentId", "id", "messageServerId", "metadata", "name"]
    );
    let wid = world["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.get("/api/agents/worlds").await.body["data"]["worlds"][0]["id"],
        wid
    );
    let r = app
        .patch(
            &format!("/api/agents/{id}/worlds/{wid}"),
            json!({"name": "W2", "metadata": {"b": 2}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(r.body["data"]["world"]["name"], "W2");
    assert_eq!(r.body["data"]["world"]["metadata"], json!({"a": 1, "b": 2}));
    // `updateAgentWorldSettings` sends `{settings}` and reads `{worldId, settings}`.
    let r = app
        .patch(
            &format!("/api/agents/{id}/worlds/{wid}"),
            json!({"settings": {"theme": "dark"}}),
        )
        .await;
    assert_eq!(
        (&r.body["data"]["worldId"], &r.body["data"]["settings"]),
        (&json!(wid), &json!({"theme": "dark"})),
        "{}",
        r.raw
    );
    assert_error(
        &app.post(&format!("/api/agents/{id}/worlds"), json!({}))
            .await,
        400,
        "BAD_REQUEST",
    );
    assert_error(
        &app.patch(
            &format!("/api/agents/{id}/worlds/{}", Uuid::new_v4()),
            json!({}),
        )
        .await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &app.patch(&format!("/api/agents/{id}/worlds/x"), json!({}))
            .await,
        400,
        "INVALID_ID",
    );
    let stopped = app.create("Bob").await;
    assert_error(
        &app.post(
            &format!("/api/agents/{stopped}/worlds"),
            json!({"name": "W"}),
        )
        .await,
        404,
        "NOT_FOUND",
    );
    app.stop().await;
}

#[actix_web::test]
async fn panels_and_logs() {
    let app = spawn().await;
    let id = app.running("Eliza").await;
    let r = app.get(&format!("/api/agents/{id}/panels")).await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(r.body["data"], json!([]));
    let stopped = app.create("Bob").await;
    assert_error(
        &app.get(&format!("/api/agents/{stopped}/panels")).await,
        404,
        "NOT_FOUND",
    );
    assert_error(&app.get("/api/agents/x/panels").await, 400, "INVALID_ID");

    app.conversation(id, "hello").await;
    let r = app.get(&format!("/api/agents/{id}/logs")).await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(r.body["data"].as_array().unwrap().len(), 3, "{}", r.raw);
    let r = app
        .get(&format!("/api/agents/{id}/logs?type=useModel"))
        .await;
    let logs = r.body["data"].as_array().unwrap();
    assert_eq!(logs.len(), 1);
    assert_eq!(
        keys(&logs[0]),
        ["body", "createdAt", "entityId", "id", "roomId", "type"]
    );
    assert_eq!(logs[0]["type"], "useModel");
    assert!(logs[0]["createdAt"].as_str().unwrap().ends_with('Z'));
    let log_id = logs[0]["id"].as_str().unwrap().to_owned();
    for (q, n) in [
        ("type=run_event", 2),
        ("excludeTypes=useModel", 2),
        ("excludeTypes=text_large", 2),
        ("excludeTypes=useModel&excludeTypes=run_event", 0),
        ("count=1", 1),
        ("offset=2", 1),
    ] {
        let r = app.get(&format!("/api/agents/{id}/logs?{q}")).await;
        assert_eq!(r.body["data"].as_array().unwrap().len(), n, "{q}");
    }
    assert_error(
        &app.get(&format!("/api/agents/{id}/logs?count=x")).await,
        400,
        "BAD_REQUEST",
    );
    assert_error(
        &app.get(&format!("/api/agents/{id}/logs?roomId=x")).await,
        400,
        "INVALID_ID",
    );
    assert_error(
        &app.get(&format!("/api/agents/{stopped}/logs")).await,
        404,
        "NOT_FOUND",
    );
    let r = app.delete(&format!("/api/agents/{id}/logs/{log_id}")).await;
    assert_eq!(r.status, 204, "{}", r.raw);
    assert_error(
        &app.delete(&format!("/api/agents/{id}/logs/{log_id}")).await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &app.delete(&format!("/api/agents/{id}/logs/x")).await,
        400,
        "INVALID_ID",
    );
    app.stop().await;
}

#[actix_web::test]
async fn runs_summarise_each_answered_message() {
    let app = spawn().await;
    let id = app.running("Eliza").await;
    let (channel, user) = app.conversation(id, "hello").await;
    let r = app.get(&format!("/api/agents/{id}/runs")).await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(keys(&r.body["data"]), ["hasMore", "runs", "total"]);
    assert_eq!(r.body["data"]["total"], 1);
    assert_eq!(r.body["data"]["hasMore"], false);
    let run = &r.body["data"]["runs"][0];
    assert_eq!(
        keys(run),
        [
            "counts",
            "durationMs",
            "endedAt",
            "entityId",
            "messageId",
            "metadata",
            "roomId",
            "runId",
            "startedAt",
            "status"
        ]
    );
    assert_eq!(run["status"], "completed");
    assert_eq!(run["entityId"], user.to_string());
    assert_eq!(run["counts"]["modelCalls"], 1);
    let room = agentd_core::create_unique_uuid(id, &channel.to_string());
    let queries = [
        ("status=completed".to_owned(), 1),
        ("status=error".to_owned(), 0),
        ("status=all".to_owned(), 1),
        ("from=9999999999999".to_owned(), 0),
        (format!("roomId={room}"), 1),
        (format!("roomId={}", Uuid::new_v4()), 0),
    ];
    for (q, n) in queries {
        let r = app.get(&format!("/api/agents/{id}/runs?{q}")).await;
        assert_eq!(r.body["data"]["runs"].as_array().unwrap().len(), n, "{q}");
    }
    let run_id = run["runId"].as_str().unwrap().to_owned();
    let r = app.get(&format!("/api/agents/{id}/runs/{run_id}")).await;
    assert_eq!(r.status, 200, "{}", r.raw);
    let types: Vec<&str> = r.body["data"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["RUN_STARTED", "MODEL_USED", "RUN_ENDED"]);
    assert_eq!(r.body["data"]["summary"]["runId"], run_id);
    assert_error(
        &app.get(&format!("/api/agents/{id}/runs/{}", Uuid::new_v4()))
            .await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &app.get(&format!("/api/agents/{id}/runs/x")).await,
        400,
        "INVALID_ID",
    );
    assert_error(
        &app.get(&format!("/api/agents/{id}/runs?limit=x")).await,
        400,
        "BAD_REQUEST",
    );
    assert_error(
        &app.get(&format!("/api/agents/{id}/runs?roomId=x")).await,
        400,
        "INVALID_ID",
    );
    let stopped = app.create("Bob").await;
    assert_error(
        &app.get(&format!("/api/agents/{stopped}/runs")).await,
        404,
        "NOT_FOUND",
    );
    app.stop().await;
}
