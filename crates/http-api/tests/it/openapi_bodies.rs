//! Every documented response schema matches what the handler answers: one request per
//! documented operation against a real server (SQLite and PostgreSQL), each answer validated
//! against the schema the document gives for its status. Every object schema that lists its
//! properties is closed first (`additionalProperties: false`), so an undocumented key fails
//! the same way a missing required one does; a status the document does not list fails too.

use std::collections::BTreeMap;
use std::time::Duration;

use agentd_core::DEFAULT_SERVER_ID;
use agentd_storage::Backend;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::messaging::app::{App, spawn};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Closes every object schema that lists properties and says nothing about others.
fn close(schema: &mut Value) {
    match schema {
        Value::Object(o) => {
            if o.contains_key("properties") && !o.contains_key("additionalProperties") {
                o.insert("additionalProperties".into(), Value::Bool(false));
            }
            o.values_mut().for_each(close);
        }
        Value::Array(a) => a.iter_mut().for_each(close),
        _ => {}
    }
}

/// The ids the requests use, by path parameter name.
struct Fixtures(BTreeMap<&'static str, String>);

impl Fixtures {
    fn path(&self, template: &str) -> Result<String, String> {
        let mut out = template.to_owned();
        while let Some(start) = out.find('{') {
            let end = out[start..]
                .find('}')
                .map(|e| start + e)
                .unwrap_or(out.len() - 1);
            let name = &out[start + 1..end];
            let value = self
                .0
                .get(name)
                .ok_or_else(|| format!("{template}: no fixture for path parameter {{{name}}}"))?
                .clone();
            out.replace_range(start..=end, &value);
        }
        Ok(out)
    }
}

/// The order requests run in: reads first, then writes, then what removes a fixture.
fn phase(method: &str, template: &str) -> u8 {
    let ends_fixture = (method == "delete"
        && (template == "/api/agents/{agentId}"
            || ["/{channelId}", "/{sessionId}", "/{messageServerId}"]
                .iter()
                .any(|end| template.ends_with(end))))
        || (method, template) == ("post", "/api/agents/{agentId}/stop");
    match method {
        _ if ends_fixture => 3,
        "get" => 0,
        "delete" => 2,
        _ => 1,
    }
}

/// The request body of an operation (`{}` when it needs none).
fn body(method: &str, template: &str, f: &Fixtures) -> Value {
    let id = |k: &str| f.0[k].clone();
    let (agent, user, channel) = (id("agentId"), id("userId"), id("channelId"));
    let server = DEFAULT_SERVER_ID.to_string();
    let agent_message = json!({"channel_id": channel, "message_server_id": server,
        "author_id": agent, "content": "from the agent", "source_type": "agent_response",
        "raw_message": {"text": "from the agent"}});
    match (method, template) {
        ("post", "/api/agents") => json!({"characterJson": {"name": "Schema Second"}}),
        ("patch", "/api/agents/{agentId}") => json!({"system": "You check schemas."}),
        ("post", "/api/agents/{agentId}/worlds") => json!({"name": "Another world"}),
        ("patch", "/api/agents/{agentId}/worlds/{worldId}") => json!({"name": "Renamed"}),
        ("post", "/api/messaging/message-servers") => json!({"name": "s", "sourceType": "t"}),
        ("post", "/api/messaging/message-servers/{serverId}/agents")
        | ("post", "/api/messaging/channels/{channelId}/agents")
        | ("post", "/api/messaging/channels/{channelId}/generate-title") => {
            json!({"agentId": agent})
        }
        ("post", "/api/messaging/channels") => {
            json!({"name": "n", "message_server_id": server, "participantCentralUserIds": [user]})
        }
        ("patch", "/api/messaging/channels/{channelId}") => json!({"name": "renamed"}),
        ("post", "/api/messaging/channels/{channelId}/messages") => {
            json!({"author_id": user, "content": "hello", "message_server_id": server,
                   "transport": "http", "timeoutMs": 20000})
        }
        ("post", "/api/messaging/submit" | "/api/messaging/action") => agent_message,
        ("patch", "/api/messaging/action/{id}") => json!({"content": "edited"}),
        ("post", "/api/messaging/ingest-external") => json!({"channel_id": channel,
            "message_server_id": server, "author_id": user, "content": "from outside"}),
        ("post", "/api/messaging/complete") => {
            json!({"channel_id": channel, "message_server_id": server})
        }
        ("post", "/api/messaging/jobs") => {
            json!({"userId": user, "agentId": agent, "content": "a job", "timeoutMs": 20000})
        }
        ("post", "/api/messaging/sessions") => json!({"agentId": agent, "userId": user}),
        ("post", "/api/messaging/sessions/{sessionId}/messages") => json!({"content": "hi"}),
        ("patch", "/api/messaging/sessions/{sessionId}/timeout") => {
            json!({"timeoutMinutes": 30})
        }
        ("post", "/api/memory/{agentId}/rooms") => json!({"name": "a room"}),
        ("post", "/api/memory/groups/{messageServerId}") => {
            json!({"name": "a group", "agentIds": [agent]})
        }
        ("patch", "/api/memory/{agentId}/memories/{memoryId}") => {
            json!({"content": {"text": "edited memory"}})
        }
        (
            "post",
            "/api/audio/{agentId}/speech/generate"
            | "/api/audio/{agentId}/audio-messages/synthesize"
            | "/api/audio/{agentId}/speech/conversation",
        ) => json!({"text": "say this"}),
        ("post", "/api/system/env/local") => json!({"content": {"A": "b"}}),
        _ => json!({}),
    }
}

/// `POST`, `PUT` or `PATCH`: sends a body.
fn writes(method: &str) -> bool {
    matches!(method, "post" | "put" | "patch")
}

async fn send(app: &App, method: &str, path: &str, body: Option<&Value>) -> (u16, String, String) {
    let m = actix_web::http::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    let req = app
        .client
        .request(m, format!("http://{}{path}", app.addr))
        .timeout(Duration::from_secs(60));
    let mut res = match body {
        Some(b) => req.send_json(b).await.unwrap(),
        None => req.send().await.unwrap(),
    };
    let bytes = res.body().limit(10 << 20).await.unwrap();
    let kind = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (
        res.status().as_u16(),
        kind,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

/// The ids of a running agent with a channel, a conversation, a session, a job, a world and
/// a room, made through the API.
async fn fixtures(app: &App) -> Fixtures {
    let agent = app.started_agent("Schema", json!({})).await;
    let user = Uuid::new_v4();
    let channel = app.channel(&[user, agent]).await;
    let posted = app
        .post(
            &format!("/channels/{channel}/messages"),
            json!({"author_id": user, "content": "hello", "message_server_id": DEFAULT_SERVER_ID,
                   "transport": "http", "timeoutMs": 20000}),
        )
        .await;
    assert_eq!(posted.status, 201, "{}", posted.raw);
    let message = posted.body["userMessage"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let api = |p: &str| format!("http://{}{p}", app.addr);
    let post = |p: String, b: Value| {
        let req = app.client.post(api(&p));
        async move {
            let mut r = req.send_json(&b).await.unwrap();
            let v: Value = r.json().limit(1 << 20).await.unwrap_or(Value::Null);
            v
        }
    };
    let get = |p: String| {
        let req = app.client.get(api(&p));
        async move {
            let mut r = req.send().await.unwrap();
            let v: Value = r.json().limit(1 << 20).await.unwrap_or(Value::Null);
            v
        }
    };
    let session = post(
        "/api/messaging/sessions".into(),
        json!({"agentId": agent, "userId": user}),
    )
    .await["sessionId"]
        .as_str()
        .unwrap()
        .to_owned();
    let job = post(
        "/api/messaging/jobs".into(),
        json!({"agentId": agent, "userId": user, "content": "a job"}),
    )
    .await["jobId"]
        .as_str()
        .unwrap()
        .to_owned();
    let world = post(
        format!("/api/agents/{agent}/worlds"),
        json!({"name": "A world"}),
    )
    .await["data"]["world"]["id"]
        .as_str()
        .map_or_else(|| Uuid::new_v4().to_string(), str::to_owned);
    let room = post(
        format!("/api/memory/{agent}/rooms"),
        json!({"name": "A room"}),
    )
    .await["data"]["id"]
        .as_str()
        .map_or_else(|| Uuid::new_v4().to_string(), str::to_owned);
    let memories = get(format!("/api/memory/{agent}/memories")).await;
    let memory = memories["data"]["memories"][0]["id"]
        .as_str()
        .map_or_else(|| Uuid::new_v4().to_string(), str::to_owned);
    let logs = get(format!("/api/agents/{agent}/logs")).await;
    let log = logs["data"][0]["id"]
        .as_str()
        .map_or_else(|| Uuid::new_v4().to_string(), str::to_owned);
    let runs = get(format!("/api/agents/{agent}/runs")).await;
    let run = runs["data"]["runs"][0]["runId"]
        .as_str()
        .map_or_else(|| Uuid::new_v4().to_string(), str::to_owned);
    let server = DEFAULT_SERVER_ID.to_string();
    Fixtures(BTreeMap::from([
        ("agentId", agent.to_string()),
        ("userId", user.to_string()),
        ("channelId", channel.to_string()),
        ("messageId", message.clone()),
        ("id", message),
        ("serverId", server.clone()),
        ("messageServerId", server),
        ("sessionId", session),
        ("jobId", job),
        ("worldId", world),
        ("roomId", room),
        ("memoryId", memory),
        ("logId", log),
        ("runId", run),
        ("filename", "missing.png".to_owned()),
        ("route", "no-such-plugin-route".to_owned()),
    ]))
}

async fn every_documented_response_matches_its_schema(backend: Backend) {
    let Some(app) = spawn(backend).await else {
        return;
    };
    let mut doc = serde_json::to_value(agentd_http_api::openapi::document()).unwrap();
    close(&mut doc);
    let components = doc["components"].clone();
    let f = fixtures(&app).await;

    let mut ops: Vec<(String, String, Value)> = Vec::new();
    for (template, item) in doc["paths"].as_object().unwrap() {
        for m in METHODS {
            if let Some(op) = item.get(m) {
                ops.push((m.to_owned(), template.clone(), op.clone()));
            }
        }
    }
    ops.sort_by_key(|(m, t, _)| phase(m, t));

    let mut failures = Vec::new();
    let mut checked = 0;
    for (method, template, op) in &ops {
        let path = match f.path(template) {
            Ok(p) => p,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let b = writes(method).then(|| body(method, template, &f));
        let (status, kind, raw) = send(&app, method, &path, b.as_ref()).await;
        let what = format!("{} {template} -> {status}", method.to_uppercase());
        let Some(response) = op["responses"].get(status.to_string()) else {
            failures.push(format!("{what}: status not documented ({raw:.300})"));
            continue;
        };
        let Some(schema) = response["content"]["application/json"].get("schema") else {
            if kind.starts_with("application/json") && !raw.is_empty() {
                failures.push(format!(
                    "{what}: answers JSON the document does not describe"
                ));
            }
            continue;
        };
        if !kind.starts_with("application/json") {
            failures.push(format!("{what}: documented as JSON, answered {kind:?}"));
            continue;
        }
        let mut root = schema.clone();
        if let Value::Object(o) = &mut root {
            o.insert("components".into(), components.clone());
        }
        let validator = match jsonschema::validator_for(&root) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!(
                    "{what}: the documented schema does not compile: {e}"
                ));
                continue;
            }
        };
        let instance: Value = serde_json::from_str(&raw).unwrap_or(Value::Null);
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("at {:?}: {e}", e.instance_path().to_string()))
            .take(5)
            .collect();
        if errors.is_empty() {
            checked += 1;
        } else {
            failures.push(format!(
                "{what}:\n      {}\n      body: {raw:.400}",
                errors.join("\n      ")
            ));
        }
    }
    app.stop().await;
    assert!(
        failures.is_empty(),
        "{} of {} operations do not answer what the document says:\n  {}",
        failures.len(),
        ops.len(),
        failures.join("\n  ")
    );
    assert!(checked > 60, "only {checked} JSON answers were checked");
}
#[actix_web::test]
async fn every_documented_response_matches_its_schema_on_sqlite() {
    every_documented_response_matches_its_schema(Backend::Sqlite).await;
}

#[actix_web::test]
async fn every_documented_response_matches_its_schema_on_postgres() {
    every_documented_response_matches_its_schema(Backend::Postgres).await;
}
