//! Ownership: with an API key configured, sessions need it, or the session's own
//! `X-Session-Token`, which opens that session and nothing else.

use agentd_http_api::ApiSettings;
use agentd_storage::Backend;
use agentd_storage::SessionStore;
use serde_json::{Value, json};
use uuid::Uuid;

use super::spawn;
use crate::both;
use crate::messaging::app::{App, Res};

async fn call(app: &App, method: &str, path: &str, headers: &[(&str, &str)]) -> Res {
    let url = app.url(path);
    let mut req = match method {
        "GET" => app.client.get(url),
        "DELETE" => app.client.delete(url),
        "PATCH" => app.client.patch(url),
        _ => app.client.post(url),
    };
    for (k, v) in headers {
        req = req.insert_header((*k, *v));
    }
    let mut res = req.send_json(&json!({"content": "hi"})).await.unwrap();
    let bytes = res.body().await.unwrap();
    Res {
        status: res.status().as_u16(),
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        raw: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn session_token_opens_only_its_session(b: Backend) {
    let settings = ApiSettings {
        auth_token: Some(agentd_http_api::Secret::new("k")),
        ..ApiSettings::default()
    };
    let Some(app) = spawn(b, settings).await else {
        return;
    };
    let key = [("x-api-key", "k")];
    let mk = |agent: Uuid| json!({"agentId": agent, "userId": Uuid::new_v4()});
    let a = app.agent("a").await;
    let s1 = app.post_with("/sessions", mk(a), &key).await;
    let s2 = app.post_with("/sessions", mk(a), &key).await;
    assert_eq!((s1.status, s2.status), (201, 201), "{}", s1.raw);
    let (id1, tok1) = (
        s1.body["sessionId"].as_str().unwrap(),
        s1.body["sessionToken"].as_str().unwrap(),
    );
    let id2 = s2.body["sessionId"].as_str().unwrap();
    let cid1 = s1.body["channelId"].as_str().unwrap();

    // Without key or token: 401 everywhere.
    assert_eq!(
        call(&app, "GET", &format!("/sessions/{id1}"), &[])
            .await
            .status,
        401
    );
    // The token opens its own session's routes.
    let t = [("x-session-token", tok1)];
    assert_eq!(
        call(&app, "GET", &format!("/sessions/{id1}"), &t)
            .await
            .status,
        200
    );
    assert_eq!(
        call(&app, "POST", &format!("/sessions/{id1}/heartbeat"), &t)
            .await
            .status,
        200
    );
    assert_eq!(
        call(&app, "GET", &format!("/sessions/{id1}/messages"), &t)
            .await
            .status,
        200
    );
    assert_eq!(
        call(&app, "POST", &format!("/sessions/{id1}/messages"), &t)
            .await
            .status,
        201
    );
    // ...and nothing else.
    for (m, p) in [
        ("GET", format!("/sessions/{id2}")),
        ("POST", format!("/sessions/{id2}/messages")),
        ("GET", "/sessions".to_owned()),
        ("GET", "/sessions/health".to_owned()),
        ("POST", "/sessions".to_owned()),
        ("GET", format!("/channels/{cid1}/messages")),
        ("GET", format!("/sessions/{}", id1.to_uppercase())),
        (
            "GET",
            format!("/sessions/{id1}/../../channels/{cid1}/messages"),
        ),
        (
            "GET",
            format!("/sessions/{id1}/messages%2F..%2F..%2Fchannels"),
        ),
    ] {
        let r = call(&app, m, &p, &t).await;
        assert_eq!(r.status, 401, "{m} {p}: {}", r.raw);
    }
    // A wrong token for the right session, or the right one for no such session.
    assert_eq!(
        call(
            &app,
            "GET",
            &format!("/sessions/{id1}"),
            &[("x-session-token", "nope")]
        )
        .await
        .status,
        401
    );
    assert_eq!(
        call(&app, "GET", &format!("/sessions/{}", Uuid::new_v4()), &t)
            .await
            .status,
        401
    );
    // The key still works for everything.
    assert_eq!(
        call(&app, "GET", &format!("/sessions/{id2}"), &key)
            .await
            .status,
        200
    );
    assert_eq!(call(&app, "GET", "/sessions", &key).await.status, 200);
    // Only a hash is stored.
    let row = app.db().get_session(id1.parse().unwrap()).await;
    assert_ne!(row.unwrap().token_hash.as_deref(), Some(tok1));
    app.stop().await;
}
both!(session_token_opens_only_its_session);
