//! Channel messages (spec 3.5): history pages from the `(channel_id, seq)` index, posting
//! with transports (validated before anything is stored), deleting and clearing.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use agentd_bus::BusEvent;
use agentd_core::model::Channel;
use agentd_core::model::DeliveryState;
use agentd_core::time::parse_millis_or_iso;
use agentd_core::{ErrorCode, parse_uuid};
use agentd_storage::prelude::*;
use agentd_storage::{CreatedMessage, Delivery, MessagePage, NewMessage, StorageError};
use chrono::Utc;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::render;
use super::support::{
    alias_server_id, bad_request, fail, object, opt_uuid, path_id, resource, storage, text,
};
use super::transports::{self, Transport};
use crate::error::ApiError;
use crate::openapi::schemas as doc;
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

/// Stores a message through the one storage operation and, unless it was a replay, after
/// the commit: records it `dispatched` to `dispatch_to` (the running agents that will get
/// it), publishes those delivery changes, then `new_message` with its seq; a reply also
/// publishes the answered message's `replied` (recorded by the storage in the same
/// transaction as the reply).
pub(super) async fn store(
    state: &AppState,
    m: &NewMessage,
    dispatch_to: &[Uuid],
) -> Result<CreatedMessage, ApiError> {
    let created = state.db().create_message(m).await.map_err(|e| match e {
        StorageError::Conflict("already exists") => {
            fail(ErrorCode::Conflict, "A message with this id already exists")
        }
        StorageError::Conflict(_) => bad_request("in_reply_to_message_id names no message"),
        other => storage(other, "Channel not found"),
    })?;
    if created.replayed {
        return Ok(created);
    }
    let msg = &created.message;
    let bus = state.bus();
    for agent in dispatch_to.iter().copied().filter(|a| *a != msg.author_id) {
        let d = Delivery {
            message_id: msg.id,
            agent_id: agent,
            state: DeliveryState::Dispatched,
        };
        if let Err(e) = state.db().set_delivery(&d).await {
            tracing::warn!(message.id = %msg.id, agent.id = %agent, error = %e, "delivery state not recorded");
            continue;
        }
        bus.publish(BusEvent::DeliveryChanged {
            channel_id: msg.channel_id,
            message_id: msg.id,
            agent_id: agent,
            state: DeliveryState::Dispatched,
        });
    }
    bus.publish(BusEvent::NewMessage {
        channel_id: msg.channel_id,
        seq: msg.seq,
        message_id: msg.id,
        author_id: msg.author_id,
    });
    if let Some(answered) = msg.in_reply_to {
        bus.publish(BusEvent::DeliveryChanged {
            channel_id: msg.channel_id,
            message_id: answered,
            agent_id: msg.author_id,
            state: DeliveryState::Replied,
        });
    }
    Ok(created)
}

/// The participants of a channel other than `author` that run here: who gets a message.
pub(super) async fn running_participants(
    state: &AppState,
    channel_id: Uuid,
    author: Uuid,
) -> Result<Vec<Uuid>, ApiError> {
    let p = state
        .db()
        .list_channel_participants(channel_id)
        .await
        .map_err(|e| storage(e, "Channel not found"))?;
    Ok(p.into_iter()
        .filter(|a| *a != author && state.agents().is_running(*a))
        .collect())
}

/// The idempotency key: the `Idempotency-Key` header, else body `messageId`, else body
/// `client_message_id`.
pub(super) fn idempotency_key(
    req: &HttpRequest,
    o: &Map<String, Value>,
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
        .or_else(|| text(o, "messageId"))
        .or_else(|| text(o, "client_message_id"));
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
        (status = 200, description = "`{messages:[Message]}`, newest first", body = doc::Success<doc::Json>),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
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
    let body = render::history_page(&messages, &deliveries, &root);
    serde_json::to_vec(&body)
        .map(web::Bytes::from)
        .map_err(|e| ApiError::internal(e.to_string()))
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
/// before storing; auto-creates a missing channel; answers per transport (spec 3.12).
#[utoipa::path(
    post, path = "/api/messaging/channels/{channelId}/messages", tag = "messaging", params(("channelId" = uuid::Uuid, Path, description = "Channel id")), request_body(content = doc::Json, description = "`{author_id, content, message_server_id|server_id, transport?|mode?, idempotency_key?, metadata?, raw_message?, ...}` (spec 3.12)"),
    responses(
        (status = 201, description = "`{success:true,userMessage,agentResponse?}` (websocket/http transports; no `data` key)", body = doc::Json),
        (status = 200, description = "`transport:sse`: a text/event-stream of the agent's reply"),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
        (status = 404, description = "No such target agent", body = doc::MsgError),
    )
)]
pub async fn post_message(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let channel_id = path_id(&path, "Invalid channelId format")?;
    let mut o = object(&body)?;
    alias_server_id(&mut o);
    let transport = Transport::from_body(&o)?;
    let author = opt_uuid(&o, "author_id").map_err(|()| bad_request("Invalid author_id format"))?;
    let server = opt_uuid(&o, "message_server_id")
        .map_err(|()| bad_request("Invalid message_server_id format"))?;
    let content = text(&o, "content");
    let (Some(author), Some(content), Some(server)) = (author, content, server) else {
        return Err(bad_request(
            "Missing required fields: author_id, content, message_server_id",
        ));
    };
    let reply_to = opt_uuid(&o, "in_reply_to_message_id")
        .map_err(|()| bad_request("Invalid in_reply_to_message_id format"))?;
    let metadata = o.get("metadata").filter(|m| m.is_object()).cloned();
    let key = idempotency_key(&req, &o)?;
    let timeout = transports::timeout_from(&o)?;
    let db = state.db();

    // Where the message goes: the channel, or the one we are about to create.
    let existing = match db.get_channel(channel_id).await {
        Ok(c) => Some(c),
        Err(StorageError::NotFound(_)) => None,
        Err(e) => return Err(storage(e, "Channel not found")),
    };
    let meta = metadata.as_ref();
    let target_hint = meta_uuid(meta, "targetAgentId");
    let mut participants = match &existing {
        Some(c) => db
            .list_channel_participants(c.id)
            .await
            .map_err(|e| storage(e, "Channel not found"))?,
        None => {
            let mut p = vec![author];
            if wants_dm(meta)
                && let Some(u) =
                    meta_uuid(meta, "targetUserId").or_else(|| meta_uuid(meta, "recipientId"))
            {
                p.push(u);
            }
            p.extend(target_hint);
            p
        }
    };
    let target = participants
        .iter()
        .copied()
        .find(|p| *p != author)
        .or(target_hint);
    let Some(target) = target else {
        return Err(bad_request("No agent found in channel participants"));
    };
    let channel = match existing {
        Some(c) => c,
        None => {
            db.get_message_server(server).await.map_err(|e| match e {
                StorageError::NotFound(_) => fail(
                    ErrorCode::NotFound,
                    format!("Server {server} does not exist"),
                ),
                other => storage(other, "Server not found"),
            })?;
            participants.dedup();
            let c = auto_channel(channel_id, server, author, meta);
            super::channels::create_stored(&state, &c, &participants).await?
        }
    };
    let running: Vec<Uuid> = participants
        .iter()
        .copied()
        .filter(|p| *p != author && state.agents().is_running(*p))
        .collect();

    let mut m = NewMessage::text(channel.id, author, content);
    if let Some(id) = text(&o, "messageId").and_then(parse_uuid) {
        m.id = id;
    }
    m.raw_message = o.get("raw_message").filter(|v| !v.is_null()).cloned();
    m.in_reply_to_root_message_id = reply_to;
    m.source_type = Some(text(&o, "source_type").unwrap_or("eliza_gui").to_owned());
    m.metadata = metadata.clone();
    m.client_message_id = key;

    let ctx = transports::Posted {
        channel,
        author,
        target,
        running,
        timeout,
    };
    transports::respond(&state, transport, ctx, m).await
}

/// The channel `POST /channels/:id/messages` creates when it does not exist (spec 3.5 step 2).
fn auto_channel(id: Uuid, server: Uuid, author: Uuid, meta: Option<&Value>) -> Channel {
    let dm = wants_dm(meta);
    let short: String = id.to_string().chars().take(8).collect();
    let now = Utc::now();
    let mut md = Map::new();
    md.insert("created_by".into(), "gui_auto_creation".into());
    md.insert("created_for_user".into(), author.to_string().into());
    md.insert("created_at".into(), agentd_core::time::to_iso(now).into());
    md.insert(
        "channel_type".into(),
        if dm { "DM" } else { "GROUP" }.into(),
    );
    if let Some(Value::Object(extra)) = meta {
        md.extend(extra.clone());
    }
    Channel {
        id,
        message_server_id: server,
        name: if dm {
            format!("DM {short}")
        } else {
            format!("Chat {short}")
        },
        kind: if dm { "DM" } else { "GROUP" }.to_owned(),
        source_type: Some("auto_created".to_owned()),
        source_id: None,
        topic: None,
        metadata: Some(Value::Object(md)),
        last_seq: 0,
        created_at: now,
        updated_at: now,
    }
}

/// `DELETE /channels/:id/messages/:messageId`: `204`; bus `message_deleted`.
#[utoipa::path(
    delete, path = "/api/messaging/channels/{channelId}/messages/{messageId}", tag = "messaging", params(("channelId" = uuid::Uuid, Path, description = "Channel id"), ("messageId" = uuid::Uuid, Path, description = "Message id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
        (status = 404, description = "No such message", body = doc::MsgError),
    )
)]
pub async fn delete_message(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (c, m) = path.into_inner();
    let channel_id = path_id(&c, "Invalid channelId")?;
    let message_id = path_id(&m, "Invalid messageId")?;
    let seq = state
        .db()
        .delete_message(channel_id, message_id)
        .await
        .map_err(|e| storage(e, "Message not found"))?;
    state.bus().publish(BusEvent::MessageDeleted {
        channel_id,
        seq,
        message_id,
    });
    Ok(HttpResponse::NoContent().finish())
}

/// `DELETE /channels/:id/messages`: deletes every message of the channel (not only the
/// newest 1000); `204`; bus `channel_cleared`.
#[utoipa::path(
    delete, path = "/api/messaging/channels/{channelId}/messages", tag = "messaging", params(("channelId" = uuid::Uuid, Path, description = "Channel id")),
    responses(
        (status = 204, description = "Every message of the channel is deleted"),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
    )
)]
pub async fn clear_messages(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let channel_id = path_id(&path, "Invalid channelId")?;
    let db = state.db();
    db.get_channel(channel_id)
        .await
        .map_err(|e| storage(e, "Channel not found"))?;
    db.clear_channel(channel_id)
        .await
        .map_err(|e| storage(e, "Channel not found"))?;
    state.bus().publish(BusEvent::ChannelCleared { channel_id });
    Ok(HttpResponse::NoContent().finish())
}
