//! The agent-facing core routes: `/submit`, `/action`, `PATCH /action/:id`, `/ingest-external`
//! and `/complete` (absent from 1.7.2, re-added: the UI waits for `messageComplete`). Every
//! stored message is published as `new_message` after commit, so Socket.IO clients and jobs see
//! agent replies that arrive through `/submit` too.

use actix_web::{HttpRequest, HttpResponse, web};
use agentd_core::model::Message;
use agentd_core::{ErrorCode, parse_uuid};
use agentd_messaging::Post;
use agentd_storage::prelude::*;
use agentd_storage::{MessageUpdate, NewMessage};
use agentd_wire::Success;
use agentd_wire::envelope::MsgError;
use agentd_wire::filled;
use agentd_wire::messaging::CentralMessage;
use agentd_wire::messaging::core::{self as wire, Completed};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::messages::idempotency_key;
use crate::error::ApiError;
use crate::routes::support::messaging::{
    bad_request, body, created, fail, messaging, ok, path_id, resource, server_of, storage,
};
use crate::state::AppState;

/// Registers the core routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/submit").post(submit_message))
        .service(resource("/action").post(submit_action))
        .service(resource("/action/{id}").patch(update_action))
        .service(
            resource("/messages/{messageId}")
                .get(get_message)
                .patch(update_message),
        )
        .service(resource("/ingest-external").post(ingest_external))
        .service(resource("/complete").post(complete_message));
}

/// A required UUID field, or the family-B 400 of elizaOS 1.7.2.
fn required_uuid(v: Option<&str>, key: &str) -> Result<Uuid, ApiError> {
    v.and_then(parse_uuid)
        .ok_or_else(|| bad_request(format!("Invalid {key} format")))
}

/// Posts to a channel that must exist (the agent-facing routes never create one).
async fn post_existing(state: &AppState, m: NewMessage) -> Result<Message, ApiError> {
    let posted = state.messaging().post(Post::new(m)).await;
    Ok(posted
        .map_err(|e| messaging(e, "Channel not found"))?
        .message)
}

/// Shared by `/submit` and `/action`: validates, stores, publishes, `201 data:CentralMessage`.
async fn submit(
    state: &AppState,
    req: &HttpRequest,
    bytes: &[u8],
) -> Result<HttpResponse, ApiError> {
    let mut b: wire::Submit = body(bytes, &[])?;
    if let Some(channel) = b.client_form_channel() {
        let channel = required_uuid(Some(channel), "channelId")?;
        let stored = state
            .db()
            .get_channel(channel)
            .await
            .map_err(|e| storage(e, "Channel not found"))?;
        b.adopt_client_form(stored.message_server_id);
    }
    let missing = b.missing();
    if !missing.is_empty() {
        return Err(bad_request(format!(
            "Missing required fields: {}",
            missing.join(", ")
        )));
    }
    if filled(&b.message_server_id).is_none() {
        tracing::warn!("deprecated body field server_id used; send message_server_id");
    }
    let channel_id = required_uuid(filled(&b.channel_id), "channel_id")?;
    required_uuid(b.server(), "message_server_id")?;
    let author = required_uuid(filled(&b.author_id), "author_id")?;
    let reply_to = b
        .in_reply_to_message_id
        .as_deref()
        .map(|s| required_uuid(Some(s), "in_reply_to_message_id"))
        .transpose()?;
    let id = b
        .message_id
        .as_deref()
        .map(|s| required_uuid(Some(s), "messageId"))
        .transpose()?;
    let source_type = filled(&b.source_type).unwrap_or_default().to_owned();

    let mut m = NewMessage::text(channel_id, author, filled(&b.content).unwrap_or_default());
    if let Some(id) = id {
        m.id = id;
    }
    m.client_message_id = idempotency_key(req, &b.message_id, &b.client_message_id)?;
    m.raw_message = b.raw_message;
    m.in_reply_to_root_message_id = reply_to;
    // An agent's reply links to the message it answers: one reply per agent and message,
    // and how the http/sse transports and jobs find it.
    if source_type == "agent_response" {
        m.in_reply_to = reply_to;
    }
    m.source_type = Some(source_type);
    m.metadata = b.metadata.filter(Value::is_object);
    let stored = post_existing(state, m).await?;
    Ok(created(CentralMessage::from(&stored)))
}

/// `POST /submit`: an agent's message (its reply, usually).
#[utoipa::path(
    post, path = "/api/messaging/submit", tag = "messaging", request_body(content = wire::Submit, description = "An agent's message"),
    responses(
        (status = 201, description = "The stored message", body = Success<CentralMessage>),
        (status = 400, description = "Invalid id or body", body = MsgError),
    )
)]
pub async fn submit_message(
    state: web::Data<AppState>,
    req: HttpRequest,
    bytes: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    submit(&state, &req, &bytes).await
}

/// `POST /action`: an agent's action notice (same contract as `/submit`).
#[utoipa::path(
    post, path = "/api/messaging/action", tag = "messaging", request_body(content = wire::Submit, description = "Same as /submit"),
    responses(
        (status = 201, description = "The stored action message", body = Success<CentralMessage>),
        (status = 400, description = "Invalid id or body", body = MsgError),
    )
)]
pub async fn submit_action(
    state: web::Data<AppState>,
    req: HttpRequest,
    bytes: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    submit(&state, &req, &bytes).await
}

/// `PATCH /action/:id`: updates an action message; `200 data:CentralMessage`; publishes
/// `MessageUpdated` so sockets get `messageBroadcast` with `updatedAt` and `rawMessage`.
#[utoipa::path(
    patch, path = "/api/messaging/action/{id}", tag = "messaging", params(("id" = uuid::Uuid, Path, description = "Message id")), request_body(content = wire::UpdateAction),
    responses(
        (status = 200, description = "The updated message", body = Success<CentralMessage>),
        (status = 400, description = "Invalid id or body", body = MsgError),
        (status = 404, description = "No such message", body = MsgError),
    )
)]
pub async fn update_action(
    state: web::Data<AppState>,
    path: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    edit(&state, &path, &bytes).await
}

/// `PATCH /messages/:id {content}` (`@elizaos/api-client`'s `updateMessage`): the same
/// change as `PATCH /action/:id`; `200 data:CentralMessage`.
#[utoipa::path(
    patch, path = "/api/messaging/messages/{messageId}", tag = "messaging", params(("messageId" = uuid::Uuid, Path, description = "Message id")), request_body(content = wire::UpdateAction),
    responses(
        (status = 200, description = "The updated message", body = Success<CentralMessage>),
        (status = 400, description = "Invalid id or body", body = MsgError),
        (status = 404, description = "No such message", body = MsgError),
    )
)]
pub async fn update_message(
    state: web::Data<AppState>,
    path: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    edit(&state, &path, &bytes).await
}

/// `GET /messages/:id` (`@elizaos/api-client`'s `getMessage`): `200 data:CentralMessage`.
#[utoipa::path(
    get, path = "/api/messaging/messages/{messageId}", tag = "messaging", params(("messageId" = uuid::Uuid, Path, description = "Message id")),
    responses(
        (status = 200, description = "The message", body = Success<CentralMessage>),
        (status = 400, description = "Invalid id", body = MsgError),
        (status = 404, description = "No such message", body = MsgError),
    )
)]
pub async fn get_message(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path, "Invalid message id")?;
    let m = state
        .messaging()
        .message(id)
        .await
        .map_err(|e| messaging(e, "Message not found"))?;
    Ok(ok(CentralMessage::from(&m)))
}

/// Shared by the two edit routes: validates, edits, renders.
async fn edit(state: &AppState, raw_id: &str, bytes: &[u8]) -> Result<HttpResponse, ApiError> {
    let id = path_id(raw_id, "Invalid message id")?;
    let b: wire::UpdateAction = body(bytes, &[])?;
    let update = MessageUpdate {
        content: filled(&b.content).map(str::to_owned),
        raw_message: b.raw_message.filter(|v| !v.is_null()),
        source_type: filled(&b.source_type).map(str::to_owned),
        in_reply_to_root_message_id: b.in_reply_to_message_id,
        metadata: b.metadata.filter(Value::is_object),
        author_id: b.author_id,
    };
    let updated = state
        .messaging()
        .edit_message(id, &update)
        .await
        .map_err(|e| messaging(e, "Message not found"))?;
    Ok(ok(CentralMessage::from(&updated)))
}

/// `POST /ingest-external`: a message from an outside platform; `202 {success, message,
/// data:{messageId}}`; published on the bus so agents see it.
#[utoipa::path(
    post, path = "/api/messaging/ingest-external", tag = "messaging", request_body(content = wire::Ingest, description = "A message from an outside platform"),
    responses(
        (status = 202, description = "Stored and published", body = wire::Ingested),
        (status = 400, description = "Invalid id or body", body = MsgError),
    )
)]
pub async fn ingest_external(
    state: web::Data<AppState>,
    req: HttpRequest,
    bytes: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let invalid = || bad_request("Invalid external message payload");
    let b: wire::Ingest = body(&bytes, &[]).map_err(|_| invalid())?;
    let (Some(channel_id), Some(_), Some(author), Some(content)) = (
        b.channel_id,
        server_of(b.message_server_id, b.server_id),
        b.author_id,
        filled(&b.content),
    ) else {
        return Err(invalid());
    };
    let mut m = NewMessage::text(channel_id, author, content);
    m.raw_message = b.raw_message.filter(|v| !v.is_null());
    m.source_id = filled(&b.source_id).map(str::to_owned);
    m.source_type = filled(&b.source_type).map(str::to_owned);
    m.in_reply_to_root_message_id = b.in_reply_to_message_id;
    let mut meta = match b.metadata {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    if let Some(name) = filled(&b.author_display_name) {
        meta.insert("author_display_name".into(), name.into());
    }
    m.metadata = (!meta.is_empty()).then_some(Value::Object(meta));
    m.client_message_id = idempotency_key(&req, &b.message_id, &b.client_message_id)?;
    let stored = post_existing(&state, m).await?;
    Ok(HttpResponse::Accepted().json(wire::Ingested {
        success: true,
        message: "Message ingested and published to bus".into(),
        data: wire::IngestedMessage {
            message_id: stored.id,
            seq: stored.seq,
        },
    }))
}

/// `POST /complete {channel_id, message_server_id|server_id}`: publishes `message_complete`;
/// `200 {"success":true,"message":"Completion event emitted"}`.
#[utoipa::path(
    post, path = "/api/messaging/complete", tag = "messaging", request_body(content = wire::Complete),
    responses(
        (status = 200, description = "The completion event is published", body = Completed),
        (status = 404, description = "No such message", body = MsgError),
        (status = 400, description = "Invalid id or body", body = MsgError),
    )
)]
pub async fn complete_message(
    state: web::Data<AppState>,
    bytes: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: wire::Complete = body(&bytes, &[])?;
    if let Some(message) = b.message_id {
        if b.status == Some(wire::CompletionStatus::Failed) {
            tracing::warn!(%message, error = b.error.as_deref().unwrap_or(""), "an agent reports a failed turn");
        }
        state
            .messaging()
            .complete_message(message)
            .await
            .map_err(|e| messaging(e, "Message not found"))?;
        return Ok(HttpResponse::Ok().json(Completed::new()));
    }
    let server = filled(&b.message_server_id).or_else(|| filled(&b.server_id));
    let (Some(channel_id), Some(server_id)) = (
        filled(&b.channel_id).and_then(parse_uuid),
        server.and_then(parse_uuid),
    ) else {
        return Err(fail(
            ErrorCode::BadRequest,
            "Missing or invalid fields: channel_id, message_server_id",
        ));
    };
    state.messaging().complete(channel_id, server_id);
    Ok(HttpResponse::Ok().json(Completed::new()))
}
