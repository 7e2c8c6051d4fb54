//! Plugin routes at their bare path without the elizaOS faults: `/api` plugin routes always
//! need the key, a `?agentId=` never intercepts a core route, and outside `/api` only public
//! GET routes skip the key.

use serde_json::json;
use uuid::Uuid;

use super::{App, assert_error, spawn, spawn_with_key};
use crate::helpers::Reply;

/// Creates and starts an agent with the `example` plugin.
async fn started(app: &App, name: &str) -> String {
    let r = app
        .post(
            "/api/agents",
            json!({"characterJson": {"name": name, "bio": "b", "plugins": ["example"]}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    let id = r.body["data"]["id"].as_str().unwrap().to_owned();
    let r = app
        .post(&format!("/api/agents/{id}/start"), json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.raw);
    id
}

/// A request without the helper's key.
async fn keyless(app: &App, method: &str, path: &str) -> Reply {
    let req = match method {
        "POST" => app.client.post(app.url(path)),
        _ => app.client.get(app.url(path)),
    };
    let mut res = req.send().await.unwrap();
    let bytes = res.body().await.unwrap();
    Reply {
        status: res.status().as_u16(),
        headers: res.headers().clone(),
        body: serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
        raw: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

#[actix_web::test]
async fn bare_paths_keep_the_key_except_public_gets_outside_api() {
    let app = spawn_with_key(Some("k3y")).await;
    let id = started(&app, "Ada").await;

    // Under /api, with the key: params, query, wildcards; the single agent is the default.
    let r = app.get("/api/example/items/7?x=1").await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(r.body, json!({"params": {"id": "7"}, "query": {"x": "1"}}));
    let r = app.post("/api/example/files/a/b", json!({"k": 2})).await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(
        r.body,
        json!({"path": "/example/files/a/b", "body": {"k": 2}})
    );
    // Under /api even the public panel needs the key.
    assert_eq!(keyless(&app, "GET", "/api/example/panel").await.status, 401);
    assert_eq!(
        keyless(&app, "GET", "/api/example/items/7").await.status,
        401
    );

    // Outside /api: the public GET panel is open, everything else needs the key.
    let r = keyless(&app, "GET", "/example/panel").await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert!(r.raw.contains(&id));
    assert_eq!(keyless(&app, "GET", "/example/items/7").await.status, 401);
    assert_eq!(keyless(&app, "POST", "/example/files/x").await.status, 401);
    let r = app.get("/example/items/7").await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(r.body["params"]["id"], "7");

    // Unmatched paths keep their 404s.
    let r = app.get("/api/example/nope").await;
    assert_eq!(
        (r.status, r.body["error"]["code"].clone()),
        (404, json!(404))
    );
    assert_eq!(keyless(&app, "GET", "/nope").await.status, 404);
    app.stop().await;
}

#[actix_web::test]
async fn agent_id_selects_only_on_plugin_paths() {
    let app = spawn().await;
    let ada = started(&app, "Ada").await;
    let r = app.get("/example/panel").await;
    assert!(
        r.raw.contains(&ada),
        "the single running agent is the default"
    );
    let bob = started(&app, "Bob").await;

    // Two agents serve the route: no silent pick by start order.
    assert_error(&app.get("/api/example/panel").await, 400, "BAD_REQUEST");
    for (path, who) in [
        (format!("/api/example/panel?agentId={bob}"), &bob),
        (format!("/example/panel?agentId={ada}"), &ada),
    ] {
        let r = app.get(&path).await;
        assert_eq!(r.status, 200, "{path}: {}", r.raw);
        assert!(r.raw.contains(who.as_str()), "{path}");
    }
    assert_error(
        &app.get("/api/example/panel?agentId=nope").await,
        400,
        "INVALID_AGENT_ID",
    );
    let stopped = app.create("Cy").await;
    assert_error(
        &app.get(&format!("/api/example/panel?agentId={stopped}"))
            .await,
        404,
        "AGENT_NOT_FOUND",
    );
    assert_eq!(app.get("/example/panel?agentId=nope").await.status, 404);

    // Core routes are never intercepted by a stray agentId.
    for q in ["nope".to_owned(), Uuid::new_v4().to_string()] {
        let r = app.get(&format!("/api/agents?agentId={q}")).await;
        assert_eq!(r.status, 200, "{q}: {}", r.raw);
        let r = app.get(&format!("/api/server/ping?agentId={q}")).await;
        assert_ne!(r.status / 100, 4, "{q}: {}", r.raw);
    }
    app.stop().await;
}
