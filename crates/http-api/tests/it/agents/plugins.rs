//! Plugin routes and panels, without elizaOS's `?agentId` interception.

use serde_json::json;
use uuid::Uuid;

use super::{assert_error, spawn};

#[actix_web::test]
async fn plugin_routes_panels_params_and_wildcards() {
    let app = spawn().await;
    let r = app
        .post("/api/agents", json!({"characterJson": {"name": "Ada", "bio": "b", "plugins": ["@elizaos/plugin-sql", "time", "example"]}}))
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    let id = r.body["data"]["id"].as_str().unwrap().to_owned();
    app.post(&format!("/api/agents/{id}/start"), json!({}))
        .await;

    let r = app.get(&format!("/api/agents/{id}/panels")).await;
    assert_eq!(r.status, 200, "{}", r.raw);
    let path = format!("/api/agents/{id}/plugins/example/panel?agentId={id}");
    assert_eq!(r.body["data"], json!([{"name": "Example", "path": path}]));
    let r = app.get(&path).await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.raw.contains(&id));

    let r = app
        .get(&format!("/api/agents/{id}/plugins/example/items/42?x=1"))
        .await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(r.body, json!({"params": {"id": "42"}, "query": {"x": "1"}}));
    let r = app
        .post(
            &format!("/api/agents/{id}/plugins/example/files/a/b.txt"),
            json!({"k": 1}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(
        r.body,
        json!({"path": "/example/files/a/b.txt", "body": {"k": 1}})
    );

    for (method, p) in [
        ("GET", "example/files/a"),
        ("GET", "example/nope"),
        ("GET", "other/panel"),
    ] {
        let r = app.get(&format!("/api/agents/{id}/plugins/{p}")).await;
        assert_eq!(r.status, 404, "{method} {p}");
        assert_eq!(r.body["error"]["code"], 404);
    }
    let raw = app
        .send(
            app.client
                .post(app.url(&format!("/api/agents/{id}/plugins/example/files/x")))
                .insert_header(("content-type", "application/json")),
            None,
        )
        .await;
    assert_eq!(raw.status, 200, "an empty body is null: {}", raw.raw);
    assert_eq!(raw.body["body"], json!(null));

    let stopped = app.create("Bob").await;
    assert_error(
        &app.get(&format!("/api/agents/{stopped}/plugins/example/panel"))
            .await,
        404,
        "AGENT_NOT_FOUND",
    );
    assert_error(
        &app.get(&format!("/api/agents/{stopped}/panels")).await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &app.get("/api/agents/x/plugins/example/panel").await,
        400,
        "INVALID_ID",
    );
    // A stray agentId on another route is not intercepted.
    let r = app
        .get(&format!("/api/agents?agentId={}", Uuid::new_v4()))
        .await;
    assert_eq!(r.status, 200);
    app.stop().await;
}

#[actix_web::test]
async fn unknown_plugins_are_refused_by_name() {
    let app = spawn().await;
    let r = app
        .post(
            "/api/agents",
            json!({"characterJson": {"name": "Ada", "bio": "b", "plugins": ["@acme/plugin-nope"]}}),
        )
        .await;
    assert_error(&r, 400, "CREATE_ERROR");
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("\"@acme/plugin-nope\"")
    );
    let id = app.create("Bob").await;
    let r = app
        .patch(&format!("/api/agents/{id}"), json!({"plugins": ["nope"]}))
        .await;
    assert_error(&r, 400, "BAD_REQUEST");
    app.stop().await;
}

#[actix_web::test]
async fn a_failing_plugin_init_is_a_clear_start_error() {
    let app = spawn().await;
    let character = |name: &str, greeting: serde_json::Value| {
        json!({"characterJson": {"name": name, "bio": "b", "plugins": ["example"],
            "settings": {"EXAMPLE_GREETING": greeting}}})
    };
    let ok = app
        .post("/api/agents", character("Ada", json!("<b>Hi</b>")))
        .await;
    let ok = ok.body["data"]["id"].as_str().unwrap().to_owned();
    let r = app
        .post(&format!("/api/agents/{ok}/start"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.raw);

    let bad = app.post("/api/agents", character("Bob", json!(42))).await;
    assert_eq!(bad.status, 201, "{}", bad.raw);
    let bad = bad.body["data"]["id"].as_str().unwrap().to_owned();
    let r = app
        .post(&format!("/api/agents/{bad}/start"), json!({}))
        .await;
    assert_error(&r, 500, "START_ERROR");
    let message = r.body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("\"example\"") && message.contains("EXAMPLE_GREETING"),
        "{message}"
    );
    let r = app.get(&format!("/api/agents/{bad}")).await;
    assert_eq!(r.body["data"]["status"], "inactive", "{}", r.raw);

    // The other agent still runs; its init read the greeting, escaped in the panel.
    let r = app
        .get(&format!("/api/agents/{ok}/plugins/example/panel"))
        .await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert!(
        r.raw.contains("&lt;b&gt;Hi&lt;/b&gt; from agent"),
        "{}",
        r.raw
    );
    app.stop().await;
}
