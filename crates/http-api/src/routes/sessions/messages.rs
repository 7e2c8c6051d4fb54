//! Session messages: sending through the messaging transports (the session renewed on
//! success) and reading the channel history as `SimplifiedMessage`s.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use agentd_core::ErrorCode;
use agentd_core::model::Message;
use agentd_core::time::{parse_millis_or_iso, to_iso, to_millis};
use agentd_messaging::{Destination, Post};
use agentd_sessions::lifecycle;
use agentd_storage::prelude::*;
use agentd_storage::{MessagePage, NewMessage};
use chrono::Utc;
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::openapi::schemas as doc;
use crate::routes::messaging::transports::{self, Transport};
use crate::routes::support::sessions::{invalid, load, metadata, object, opaque, save, storage};
use crate::state::AppState;

/// Longest message content, in characters.
pub const MAX_CONTENT_CHARS: usize = 4000;
/// Default and largest history page.
const LIMITS: (i64, i64) = (50, 100);

/// Checks `attachments`: absent, or an array of `{type, url, name?}` with string fields.
fn attachments(o: &Map<String, Value>) -> Result<Option<Value>, ApiError> {
    let bad = || invalid("Invalid content: Attachments must be an array of {type, url, name?}");
    match o.get("attachments") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => {
            let ok = items.iter().all(|a| {
                a.get("type").is_some_and(Value::is_string)
                    && a.get("url").is_some_and(Value::is_string)
                    && a.get("name").is_none_or(|n| n.is_string() || n.is_null())
            });
            if ok {
                Ok(Some(Value::Array(items.clone())))
            } else {
                Err(bad())
            }
        }
        Some(_) => Err(bad()),
    }
}

/// `POST /sessions/:id/messages`: validates (transport, content type, session, content
/// rules, metadata), renews the session, stores the message as the user and answers per
/// transport. `websocket`/`http` bodies add `sessionStatus` and mirror themselves in `data`.
#[utoipa::path(
    post, path = "/api/messaging/sessions/{sessionId}/messages", tag = "sessions", operation_id = "send_session_message", params(("sessionId" = uuid::Uuid, Path, description = "Session id")), request_body(content = doc::Json, description = "`{content, attachments?, metadata?, transport?}`"),
    responses(
        (status = 201, description = "The stored message (websocket/http transports add `sessionStatus` and mirror the body in `data`)", body = doc::Json),
        (status = 200, description = "`transport:sse`: a text/event-stream of the agent's reply"),
        (status = 400, description = "Invalid id or body", body = doc::SessionError),
        (status = 404, description = "No such session", body = doc::SessionError),
        (status = 410, description = "Expired (then deleted)", body = doc::SessionError),
    )
)]
pub async fn send_message(
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let o = object(&body)?;
    let transport = match o.get("transport").or_else(|| o.get("mode")) {
        None => Ok(Transport::Websocket),
        Some(v) => Transport::from_body(Some(v.as_str().unwrap_or("?"))),
    }
    .map_err(|e| invalid(format!("Invalid content: {}", e.message())))?;
    let Some(content) = o.get("content").and_then(Value::as_str) else {
        return Err(invalid("Invalid content: Content must be a string"));
    };
    let now = Utc::now();
    let mut s = load(&state, &path, now).await?;
    if content.trim().is_empty() {
        return Err(invalid("Invalid content: Content cannot be empty"));
    }
    if content.chars().count() > MAX_CONTENT_CHARS {
        return Err(invalid(format!(
            "Invalid content: Content exceeds maximum length of {MAX_CONTENT_CHARS} characters"
        )));
    }
    let files = attachments(&o)?;
    let extra_meta = metadata(&o)?.unwrap_or_default();
    let timeout_ms = match o.get("timeoutMs") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_u64().unwrap_or(0)),
    };
    let timeout =
        transports::timeout_from(timeout_ms).map_err(|e| invalid(e.message().to_owned()))?;

    let db = state.db();
    let channel = db
        .get_channel(s.channel_id)
        .await
        .map_err(|e| opaque(ErrorCode::MessageSendFailed, e))?;
    let was_renewed = lifecycle::renew(&mut s, now).is_ok();
    let s = save(&state, &s).await?;

    let mut meta = match &channel.metadata {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    meta.insert("sessionId".into(), s.id.to_string().into());
    meta.extend(extra_meta);
    let mut m = NewMessage::text(channel.id, s.user_id, content);
    m.raw_message = Some(json!({"content": content, "attachments": files}));
    m.source_type = Some("user".to_owned());
    m.metadata = Some(Value::Object(meta));

    let participants = db
        .list_channel_participants(channel.id)
        .await
        .map_err(|e| opaque(ErrorCode::MessageSendFailed, e))?;
    let post = Post {
        destination: Destination::Known {
            channel,
            participants,
        },
        target_hint: Some(s.agent_id),
        ..Post::new(m)
    };
    let status = json!({
        "expiresAt": to_iso(s.expires_at),
        "renewalCount": s.renewal_count,
        "wasRenewed": was_renewed,
        "isNearExpiration": lifecycle::is_near_expiration(&s, now),
    });
    transports::respond_with(&state, transport, post, timeout, Some(status))
        .await
        .map_err(|e| opaque(ErrorCode::MessageSendFailed, e))
}

/// `SimplifiedMessage` = `{id, content, authorId, isAgent, createdAt, metadata}`, with the
/// reply's `thought` and `actions` folded into `metadata`.
fn simplified(m: &Message) -> Value {
    let mut meta = match &m.metadata {
        Some(Value::Object(o)) => o.clone(),
        _ => Map::new(),
    };
    for key in ["thought", "actions"] {
        if let Some(v) = m.raw_message.as_ref().and_then(|r| r.get(key)) {
            meta.insert(key.into(), v.clone());
        }
    }
    json!({
        "id": m.id.to_string(),
        "content": m.content,
        "authorId": m.author_id.to_string(),
        "isAgent": m.source_type.as_deref() == Some("agent_response"),
        "createdAt": to_iso(m.created_at),
        "metadata": meta,
    })
}

/// A `before`/`after` cursor: epoch ms (or ISO 8601, which the web UI sends).
fn cursor(
    q: &HashMap<String, String>,
    key: &str,
) -> Result<Option<chrono::DateTime<Utc>>, ApiError> {
    q.get(key)
        .map(|v| {
            parse_millis_or_iso(v).ok_or_else(|| {
                invalid(format!(
                    "Invalid pagination parameter '{key}': Must be a valid timestamp"
                ))
            })
        })
        .transpose()
}

/// `GET /sessions/:id/messages?limit&before&after`: newest first, `hasMore` when the page
/// is full, `cursors` (oldest and newest ms) when it is not empty.
#[utoipa::path(
    get, path = "/api/messaging/sessions/{sessionId}/messages", tag = "sessions", operation_id = "list_session_messages", params(("sessionId" = uuid::Uuid, Path, description = "Session id"), ("limit" = Option<String>, Query, description = "Page size"), ("before" = Option<String>, Query, description = "Older than (ms)"), ("after" = Option<String>, Query, description = "Newer than (ms)")),
    responses(
        (status = 200, description = "`{messages,hasMore,cursors?}`, newest first", body = doc::Json),
        (status = 400, description = "Invalid id or body", body = doc::SessionError),
        (status = 404, description = "No such session", body = doc::SessionError),
        (status = 410, description = "Expired (then deleted)", body = doc::SessionError),
    )
)]
pub async fn list_messages(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let limit = q
        .get("limit")
        .and_then(|l| l.trim().parse::<i64>().ok())
        .unwrap_or(LIMITS.0)
        .clamp(1, LIMITS.1);
    let before = cursor(&q, "before")?;
    let after = cursor(&q, "after")?;
    let now = Utc::now();
    let s = load(&state, &path, now).await?;
    let page = MessagePage {
        before,
        after,
        ..MessagePage::latest(s.channel_id, limit)
    };
    let messages = state
        .db()
        .list_messages(&page)
        .await
        .map_err(|e| storage(e, &path))?;
    let mut body = json!({
        "messages": messages.iter().map(simplified).collect::<Vec<_>>(),
        "hasMore": i64::try_from(messages.len()).unwrap_or(i64::MAX) == limit,
    });
    let oldest = messages.iter().map(|m| m.created_at).min();
    let newest = messages.iter().map(|m| m.created_at).max();
    if let (Some(o), Some(n), Value::Object(b)) = (oldest, newest, &mut body) {
        b.insert(
            "cursors".into(),
            json!({"before": to_millis(o), "after": to_millis(n)}),
        );
    }
    Ok(HttpResponse::Ok().json(body))
}
