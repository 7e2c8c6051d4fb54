//! Sessions API against a real server on both backends: every route's success and family-D
//! error shapes, expiry from stored times, restart survival, and the per-session token.

mod auth;
mod routes;

use agentd_http_api::ApiSettings;
use agentd_storage::Backend;
use agentd_storage::testing::TestDb;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::messaging::app::{App, Res, spawn_with};

/// A server with these settings; `None` when PostgreSQL is skipped.
pub async fn spawn(b: Backend, settings: ApiSettings) -> Option<App> {
    let t = TestDb::open(b, true).await?;
    Some(spawn_with(t, settings))
}

/// Creates a session for a new running agent; returns (agent, response body).
pub async fn create(app: &App, extra: Value) -> (Uuid, Value) {
    let agent = app.agent("eliza").await;
    let mut body = json!({"agentId": agent, "userId": Uuid::new_v4()});
    if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
        b.extend(e);
    }
    let r = app.post("/sessions", body).await;
    assert_eq!(r.status, 201, "{}", r.raw);
    (agent, r.body)
}

/// A family-D error: `{"error":{code, message, timestamp, details?}}`, never a stack.
pub fn family_d(r: &Res, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", r.raw);
    let e = &r.body["error"];
    assert_eq!(e["code"], code, "{}", r.raw);
    assert!(e["message"].is_string(), "{}", r.raw);
    assert!(e["timestamp"].is_string(), "{}", r.raw);
    assert!(e.get("stack").is_none(), "{}", r.raw);
    assert!(r.body.get("success").is_none(), "{}", r.raw);
}
