//! Exact JSON shapes of the skeleton's routes and the family-H 404.

use agentd_http_api::{ApiSettings, Environment};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::spawn_app;

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

fn is_iso(v: &Value) -> bool {
    v.as_str()
        .and_then(agentd_core::time::parse_millis_or_iso)
        .is_some()
        && v.as_str().unwrap().ends_with('Z')
}

#[actix_web::test]
async fn healthz_is_ok_with_iso_timestamp() {
    let app = spawn_app(ApiSettings::default()).await;
    let r = app.get("/healthz").await;
    assert_eq!(r.status, 200);
    assert_eq!(keys(&r.body), ["status", "timestamp"]);
    assert_eq!(r.body["status"], "ok");
    assert!(is_iso(&r.body["timestamp"]));
    app.stop().await;
}

#[actix_web::test]
async fn health_is_503_degraded_without_agents_and_200_with_one() {
    let app = spawn_app(ApiSettings::default()).await;
    let r = app.get("/health").await;
    assert_eq!(r.status, 503);
    assert_eq!(
        keys(&r.body),
        [
            "agentCount",
            "dependencies",
            "status",
            "timestamp",
            "version"
        ]
    );
    assert_eq!(r.body["status"], "DEGRADED");
    assert_eq!(r.body["dependencies"], json!({"agents": "no_agents"}));
    assert_eq!(r.body["agentCount"], 0);
    assert_eq!(r.body["version"], agentd_http_api::VERSION);

    app.agents.mark_running(Uuid::new_v4());
    let r = app.get("/health").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["status"], "OK");
    assert_eq!(r.body["dependencies"], json!({"agents": "healthy"}));
    assert_eq!(r.body["agentCount"], 1);
    app.stop().await;
}

#[actix_web::test]
async fn server_routes_have_the_spec_shapes() {
    let app = spawn_app(ApiSettings::default()).await;
    let ping = app.get("/api/server/ping").await;
    assert_eq!(ping.status, 200);
    assert_eq!(keys(&ping.body), ["pong", "timestamp"]);
    assert_eq!(ping.body["pong"], true);
    assert!(ping.body["timestamp"].as_i64().unwrap() > 1_600_000_000_000);

    let hello = app.get("/api/server/hello").await;
    assert_eq!(hello.body, json!({"message": "Hello World!"}));

    let status = app.get("/api/server/status").await;
    assert_eq!(keys(&status.body), ["agentCount", "status", "timestamp"]);
    assert_eq!(status.body["status"], "ok");
    assert_eq!(status.body["agentCount"], 0);
    assert!(is_iso(&status.body["timestamp"]));

    let health = app.get("/api/server/health").await;
    assert_eq!(health.status, 503);
    assert_eq!(
        keys(&health.body),
        ["dependencies", "status", "timestamp", "version"]
    );
    assert_eq!(
        health.body["status"], "OK",
        "stays OK even on 503, as in 1.7.2"
    );
    app.agents.mark_running(Uuid::new_v4());
    assert_eq!(app.get("/api/server/health").await.status, 200);
    app.stop().await;
}

#[actix_web::test]
async fn system_routes_have_the_spec_shapes() {
    let app = spawn_app(ApiSettings::default()).await;
    let v = app.get("/api/system/version").await;
    assert_eq!(v.status, 200);
    assert_eq!(
        keys(&v.body),
        ["environment", "source", "timestamp", "uptime", "version"]
    );
    assert_eq!(v.body["version"], agentd_http_api::VERSION);
    assert_eq!(v.body["source"], "server");
    assert_eq!(v.body["environment"], "development");
    assert!(v.body["uptime"].as_f64().unwrap() >= 0.0);
    assert!(is_iso(&v.body["timestamp"]));

    let c = app.get("/api/system/config").await;
    assert_eq!(
        c.body,
        json!({"success": true, "data": {"requiresAuth": false}})
    );
    app.stop().await;

    let prod = spawn_app(ApiSettings {
        environment: Environment::Production,
        ..ApiSettings::default()
    })
    .await;
    let v = prod.get("/api/system/version").await;
    assert_eq!(v.body["environment"], "production");
    prod.stop().await;
}

#[actix_web::test]
async fn unknown_api_paths_and_methods_get_family_h() {
    let app = spawn_app(ApiSettings::default()).await;
    let expected =
        json!({"success": false, "error": {"message": "API endpoint not found", "code": 404}});
    for path in [
        "/api",
        "/api/",
        "/api/nope",
        "/api/server/nope",
        "/api/agents/x/y/z",
    ] {
        let r = app.get(path).await;
        assert_eq!((r.status, &r.body), (404, &expected), "{path}");
    }
    for req in [
        app.client.post(app.url("/api/server/ping")),
        app.client.delete(app.url("/api/system/version")),
        app.client.put(app.url("/api/whatever")),
    ] {
        let r = app.send(req, None).await;
        assert_eq!((r.status, &r.body), (404, &expected));
    }
    app.stop().await;
}

#[actix_web::test]
async fn trailing_slashes_are_tolerated() {
    let app = spawn_app(ApiSettings::default()).await;
    assert_eq!(app.get("/healthz/").await.status, 200);
    let r = app.get("/api/server/hello/").await;
    assert_eq!(r.body, json!({"message": "Hello World!"}));
    let r = app.get("//api//server///hello").await;
    assert_eq!(r.body, json!({"message": "Hello World!"}));
    // The query string survives the rewrite: an invalid limit is still seen and refused.
    let r = app
        .get(&format!(
            "/api//messaging/channels/{}/messages/?limit=0",
            uuid::Uuid::new_v4()
        ))
        .await;
    assert_eq!((r.status, &r.body["error"]), (400, &json!("Invalid limit")));
    app.stop().await;
}
