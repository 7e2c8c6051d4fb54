//! Session messages: sending through the messaging transports (the session renewed on
//! success) and reading the channel history as `SimplifiedMessage`s.

use actix_web::{HttpResponse, web};
use agentd_core::ErrorCode;
use agentd_messaging::{Destination, Post};
use agentd_sessions::lifecycle;
use agentd_storage::prelude::*;
use agentd_storage::{MessagePage, NewMessage};
use agentd_wire::envelope::SessionError;
use agentd_wire::messaging::messages::PostAnswer;
use agentd_wire::sessions::{
    SendSessionMessage, SessionMessages, SessionMessagesQuery, SessionStatus,
};
use chrono::Utc;
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::routes::messaging::transports::{self, Transport};
use crate::routes::support::sessions::{body, invalid, load, metadata, opaque, save, storage};
use crate::state::AppState;

/// `POST /sessions/:id/messages`: validates (transport, content type, session, content
/// rules, metadata), renews the session, stores the message as the user and answers per
/// transport. `websocket`/`http` bodies add `sessionStatus` and mirror themselves in `data`.
#[utoipa::path(
    post, path = "/api/messaging/sessions/{sessionId}/messages", tag = "sessions", operation_id = "send_session_message", params(("sessionId" = uuid::Uuid, Path, description = "Session id")), request_body = SendSessionMessage,
    responses(
        (status = 201, description = "The stored message (websocket/http transports add `sessionStatus` and mirror the body in `data`)", body = PostAnswer),
        (status = 200, description = "`transport:sse`: a text/event-stream of the agent's reply"),
        (status = 400, description = "Invalid id or body", body = SessionError),
        (status = 404, description = "No such session", body = SessionError),
        (status = 410, description = "Expired (then deleted)", body = SessionError),
    )
)]
pub async fn send_message(
    state: web::Data<AppState>,
    path: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: SendSessionMessage = body(&bytes, SendSessionMessage::field_message)?;
    let transport = Transport::from_body(b.transport.as_deref().or(b.mode.as_deref()))
        .map_err(|e| invalid(format!("Invalid content: {}", e.message())))?;
    let content = b.content().map_err(invalid)?;
    let now = Utc::now();
    let mut s = load(&state, &path, now).await?;
    SendSessionMessage::check_content(content).map_err(invalid)?;
    let extra_meta = metadata(b.metadata.clone())?;
    let timeout =
        transports::timeout_from(b.timeout_ms).map_err(|e| invalid(e.message().to_owned()))?;

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
    m.raw_message = Some(b.raw_message(content));
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
    let status = SessionStatus::new(&s, was_renewed, lifecycle::is_near_expiration(&s, now));
    transports::respond_with(&state, transport, post, timeout, Some(status))
        .await
        .map_err(|e| opaque(ErrorCode::MessageSendFailed, e))
}

/// `GET /sessions/:id/messages?limit&before&after`: newest first, `hasMore` when the page
/// is full, `cursors` (oldest and newest ms) when it is not empty.
#[utoipa::path(
    get, path = "/api/messaging/sessions/{sessionId}/messages", tag = "sessions", operation_id = "list_session_messages", params(("sessionId" = uuid::Uuid, Path, description = "Session id"), SessionMessagesQuery),
    responses(
        (status = 200, description = "The page, newest first", body = SessionMessages),
        (status = 400, description = "Invalid id or body", body = SessionError),
        (status = 404, description = "No such session", body = SessionError),
        (status = 410, description = "Expired (then deleted)", body = SessionError),
    )
)]
pub async fn list_messages(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<SessionMessagesQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = q.page().map_err(invalid)?;
    let now = Utc::now();
    let s = load(&state, &path, now).await?;
    let query = MessagePage {
        before: page.before,
        after: page.after,
        ..MessagePage::latest(s.channel_id, page.limit)
    };
    let messages = state
        .db()
        .list_messages(&query)
        .await
        .map_err(|e| storage(e, &path))?;
    Ok(HttpResponse::Ok().json(SessionMessages::new(&messages, page.limit)))
}
