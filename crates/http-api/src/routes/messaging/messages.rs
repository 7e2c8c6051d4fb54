//! Channel messages: history pages from the `(channel_id, seq)` index, posting with transports
//! (validated before anything is stored), deleting and clearing.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use agentd_core::parse_uuid;
use agentd_core::time::parse_millis_or_iso;
use agentd_messaging::{Destination, NewChannel, Post};
use agentd_storage::prelude::*;
use agentd_storage::{MessagePage, NewMessage};
use agentd_wire::Success;
use agentd_wire::envelope::MsgError;
use agentd_wire::filled;
use agentd_wire::messaging::HistoryItem;
use agentd_wire::messaging::messages::{self as wire, PostAnswer};
use chrono::Utc;
use serde_json::Value;
use uuid::Uuid;

use super::transports::{self, Transport};
use crate::error::ApiError;
use crate::routes::support::messaging::{
    bad_request, body, messaging, path_id, resource, server_of, storage,
};
use crate::state::AppState;

/// Default page size of `GET /channels/:id/messages`.
pub const DEFAULT_LIMIT: i64 = 50;
/// Largest page size; larger requests are capped (elizaOS has no cap).
pub const MAX_LIMIT: i64 = 200;
/// Longest idempotency key accepted.
const MAX_KEY_LEN: usize = 200;

/// Registers the message routes, relative to a channel-prefix scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/{channelId}/messages")
            .get(list_messages)
            .post(post_message)
            .delete(clear_messages),
    )
    .service(resource("/{channelId}/messages/{messageId}").delete(delete_message));
}

/// The idempotency key: the `Idempotency-Key` header, else body `messageId`, else body
/// `client_message_id`.
pub(super) fn idempotency_key(
    req: &HttpRequest,
    message_id: &Option<String>,
    client_message_id: &Option<String>,
) -> Result<Option<String>, ApiError> {
    let header = req
        .headers()
        .get("idempotency-key")
        .map(|v| {
            v.to_str()
                .map_err(|_| bad_request("Invalid Idempotency-Key header"))
        })
        .transpose()?;
    let key = header
        .or_else(|| filled(message_id))
        .or_else(|| filled(client_message_id));
    match key {
        Some(k) if k.len() > MAX_KEY_LEN => Err(bad_request("Idempotency key is too long")),
        k => Ok(k.map(str::to_owned)),
    }
}

fn parse_i64(q: &HashMap<String, String>, key: &str) -> Result<Option<i64>, ApiError> {
    q.get(key)
        .map(|v| {
            v.trim()
                .parse::<i64>()
                .map_err(|_| bad_request(format!("Invalid {key}")))
        })
        .transpose()
}

fn parse_time(
    q: &HashMap<String, String>,
    key: &str,
) -> Result<Option<chrono::DateTime<Utc>>, ApiError> {
    q.get(key)
        .map(|v| parse_millis_or_iso(v).ok_or_else(|| bad_request(format!("Invalid {key}"))))
        .transpose()
}

/// `GET /channels/:id/messages?limit&before&after&before_seq&after_seq`: `data:{messages}`,
/// newest first; `before`/`after` accept epoch ms or ISO 8601.
#[utoipa::path(
    get, path = "/api/messaging/channels/{channelId}/messages", tag = "messaging", params(("channelId" = uuid::Uuid, Path, description = "Channel id"), ("limit" = Option<String>, Query, description = "Page size (at most 200)"), ("before" = Option<String>, Query, description = "Older than (ms or ISO)"), ("after" = Option<String>, Query, description = "Newer than (ms or ISO)"), ("before_seq" = Option<String>, Query, description = "Below this seq"), ("after_seq" = Option<String>, Query, description = "Above this seq")),
    responses(
        (status = 200, description = "Newest first", body = Success<wire::MessagePage>),
        (status = 400, description = "Invalid id or body", body = MsgError),
    )
)]
pub async fn list_messages(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let channel_id = path_id(&path, "Invalid channelId")?;
    let limit = parse_i64(&q, "limit")?.unwrap_or(DEFAULT_LIMIT);
    if limit < 1 {
        return Err(bad_request("Invalid limit"));
    }
    let page = MessagePage {
        channel_id,
        before_seq: parse_i64(&q, "before_seq")?,
        after_seq: parse_i64(&q, "after_seq")?,
        before: parse_time(&q, "before")?,
        after: parse_time(&q, "after")?,
        limit: limit.min(MAX_LIMIT),
    };
    let newest = page.before_seq.is_none()
        && page.after_seq.is_none()
        && page.before.is_none()
        && page.after.is_none();
    let revision = if newest {
        state
            .db()
            .channel_revision(channel_id)
            .await
            .map_err(|e| storage(e, "Channel not found"))?
    } else {
        None
    };
    // No revision (a cursor page, or no such channel): rendered every time, as before.
    let Some(revision) = revision else {
        return Ok(json_body(render_page(&state, &page).await?));
    };
    let cache = state.history_cache();
    let body = match cache.get(channel_id, page.limit, revision) {
        Some(body) => body,
        None => {
            let body = render_page(&state, &page).await?;
            cache.put(channel_id, page.limit, revision, body.clone());
            body
        }
    };
    Ok(json_body(body))
}

/// A `200` JSON response of already serialised bytes.
fn json_body(body: web::Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(actix_web::http::header::ContentType::json())
        .body(body)
}

/// The serialised `{success, data:{messages}}` of a history page, read from storage.
async fn render_page(state: &AppState, page: &MessagePage) -> Result<web::Bytes, ApiError> {
    let messages = state
        .db()
        .list_messages(page)
        .await
        .map_err(|e| storage(e, "Channel not found"))?;
    let ids: Vec<Uuid> = messages.iter().map(|m| m.id).collect();
    let deliveries = state
        .db()
        .list_deliveries(&ids)
        .await
        .map_err(|e| storage(e, "Channel not found"))?;
    let root = agentd_media::MediaRoot::new(state.settings().media.root.clone());
    let page = history_page(&messages, &deliveries, &root);
    serde_json::to_vec(&page)
        .map(web::Bytes::from)
        .map_err(|e| ApiError::internal(e.to_string()))
}

/// The body of a history page: each message with its delivery states.
pub fn history_page(
    messages: &[agentd_core::model::Message],
    deliveries: &[agentd_storage::Delivery],
    root: &agentd_media::MediaRoot,
) -> Success<wire::MessagePage> {
    let rewrite = |a: &Value| agentd_media::attachments(a, root);
    let messages = messages
        .iter()
        .map(|m| {
            let mut item = HistoryItem::new(m, &rewrite);
            for d in deliveries.iter().filter(|d| d.message_id == m.id) {
                item.deliver(d.agent_id, d.state, d.reason.as_deref());
            }
            item
        })
        .collect();
    Success::new(wire::MessagePage { messages })
}

/// Whether the metadata asks for a DM channel.
fn wants_dm(meta: Option<&Value>) -> bool {
    let m = |k: &str| meta.and_then(|m| m.get(k));
    m("isDm").and_then(Value::as_bool).unwrap_or(false)
        || m("channelType").and_then(Value::as_str) == Some("DM")
        || m("channel_type").and_then(Value::as_str) == Some("DM")
}

/// The metadata UUID field `key`, if present and valid.
fn meta_uuid(meta: Option<&Value>, key: &str) -> Option<Uuid> {
    meta?.get(key)?.as_str().and_then(parse_uuid)
}

/// `POST /channels/:id/messages`: validates everything (transport, fields, target agent)
/// before storing; auto-creates a missing channel; answers per transport.
#[utoipa::path(
    post, path = "/api/messaging/channels/{channelId}/messages", tag = "messaging", params(("channelId" = uuid::Uuid, Path, description = "Channel id")), request_body(content = wire::PostMessage),
    responses(
        (status = 201, description = "websocket and http transports: the stored message and, for http, the reply", body = PostAnswer),
        (status = 200, description = "`transport:sse`: a text/event-stream of the agent's reply"),
        (status = 400, description = "Invalid id or body", body = MsgError),
        (status = 404, description = "No such target agent", body = MsgError),
    )
)]
pub async fn post_message(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let channel_id = path_id(&path, "Invalid channelId format")?;
    let b: wire::PostMessage = body(
        &bytes,
        &[
            ("transport", transports::INVALID_TRANSPORT),
            ("mode", transports::INVALID_TRANSPORT),
            ("timeoutMs", transports::INVALID_TIMEOUT),
        ],
    )?;
    let transport = Transport::from_body(b.transport.as_deref().or(b.mode.as_deref()))?;
    let server = server_of(b.message_server_id, b.server_id);
    let (Some(author), Some(content), Some(server)) = (b.author_id, filled(&b.content), server)
    else {
        return Err(bad_request(
            "Missing required fields: author_id, content, message_server_id",
        ));
    };
    let metadata = b.metadata.filter(Value::is_object);
    let key = idempotency_key(&req, &b.message_id, &b.client_message_id)?;
    let timeout = transports::timeout_from(b.timeout_ms)?;

    let meta = metadata.as_ref().and_then(Value::as_object);
    let dm = wants_dm(metadata.as_ref());
    let target_hint = meta_uuid(metadata.as_ref(), "targetAgentId");
    // The channel this post creates when it does not exist yet: the author, the DM's
    // other party and the named target agent are its participants.
    let mut new_channel =
        NewChannel::auto(channel_id, server, author, dm, meta, "gui_auto_creation");
    if dm
        && let Some(u) = meta_uuid(metadata.as_ref(), "targetUserId")
            .or_else(|| meta_uuid(metadata.as_ref(), "recipientId"))
    {
        new_channel.participants.push(u);
    }
    new_channel.participants.extend(target_hint);

    let mut m = NewMessage::text(channel_id, author, content);
    if let Some(id) = b.message_id.as_deref().and_then(parse_uuid) {
        m.id = id;
    }
    m.raw_message = b.raw_message.filter(|v| !v.is_null());
    m.in_reply_to_root_message_id = b.in_reply_to_message_id;
    m.source_type = Some(filled(&b.source_type).unwrap_or("eliza_gui").to_owned());
    m.metadata = metadata;
    m.client_message_id = key;

    let post = Post {
        destination: Destination::CreateIfMissing(new_channel),
        needs_recipient: true,
        target_hint,
        ..Post::new(m)
    };
    transports::respond(&state, transport, post, timeout).await
}

/// `DELETE /channels/:id/messages/:messageId`: `204`; bus `message_deleted`.
#[utoipa::path(
    delete, path = "/api/messaging/channels/{channelId}/messages/{messageId}", tag = "messaging", params(("channelId" = uuid::Uuid, Path, description = "Channel id"), ("messageId" = uuid::Uuid, Path, description = "Message id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Invalid id or body", body = MsgError),
        (status = 404, description = "No such message", body = MsgError),
    )
)]
pub async fn delete_message(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (c, m) = path.into_inner();
    let channel_id = path_id(&c, "Invalid channelId")?;
    let message_id = path_id(&m, "Invalid messageId")?;
    state
        .messaging()
        .delete_message(channel_id, message_id)
        .await
        .map_err(|e| messaging(e, "Message not found"))?;
    Ok(HttpResponse::NoContent().finish())
}

/// `DELETE /channels/:id/messages`: deletes every message of the channel (not only the
/// newest 1000); `204`; bus `channel_cleared`.
#[utoipa::path(
    delete, path = "/api/messaging/channels/{channelId}/messages", tag = "messaging", params(("channelId" = uuid::Uuid, Path, description = "Channel id")),
    responses(
        (status = 204, description = "Every message of the channel is deleted"),
        (status = 400, description = "Invalid id or body", body = MsgError),
        (status = 404, description = "No such channel", body = MsgError),
    )
)]
pub async fn clear_messages(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let channel_id = path_id(&path, "Invalid channelId")?;
    state
        .messaging()
        .clear_channel(channel_id)
        .await
        .map_err(|e| messaging(e, "Channel not found"))?;
    Ok(HttpResponse::NoContent().finish())
}
