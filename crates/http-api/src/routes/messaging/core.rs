//! The agent-facing core routes: `/submit`, `/action`, `PATCH /action/:id`, `/ingest-external`
//! and `/complete` (absent from 1.7.2, re-added: the UI waits for `messageComplete`). Every
//! stored message is published as `new_message` after commit, so Socket.IO clients and jobs see
//! agent replies that arrive through `/submit` too.

use actix_web::{HttpRequest, HttpResponse, web};
use agentd_core::model::Message;
use agentd_core::{ErrorCode, parse_uuid};
use agentd_messaging::Post;
use agentd_storage::{MessageUpdate, NewMessage};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::messages::idempotency_key;
use super::render;
use crate::error::ApiError;
use crate::openapi::schemas as doc;
use crate::routes::support::messaging::{
    alias_server_id, bad_request, created, fail, messaging, object, ok, opt_uuid, path_id,
    resource, text,
};
use crate::state::AppState;

/// Registers the core routes.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/submit").post(submit_message))
        .service(resource("/action").post(submit_action))
        .service(resource("/action/{id}").patch(update_action))
        .service(resource("/ingest-external").post(ingest_external))
        .service(resource("/complete").post(complete_message));
}

/// JavaScript truthiness, as 1.7.2 checks `raw_message`.
fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(_) => true,
    }
}

/// The required UUID field `key`, or the family-B 400 of 1.7.2.
fn required_uuid(o: &Map<String, Value>, key: &str) -> Result<Uuid, ApiError> {
    text(o, key)
        .and_then(parse_uuid)
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
    body: &[u8],
) -> Result<HttpResponse, ApiError> {
    let mut o = object(body)?;
    alias_server_id(&mut o);
    let required = [
        "channel_id",
        "message_server_id",
        "author_id",
        "content",
        "source_type",
    ];
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|k| text(&o, k).is_none())
        .chain((!truthy(o.get("raw_message"))).then_some("raw_message"))
        .collect();
    if !missing.is_empty() {
        return Err(bad_request(format!(
            "Missing required fields: {}",
            missing.join(", ")
        )));
    }
    let channel_id = required_uuid(&o, "channel_id")?;
    required_uuid(&o, "message_server_id")?;
    let author = required_uuid(&o, "author_id")?;
    let reply_to = opt_uuid(&o, "in_reply_to_message_id")
        .map_err(|()| bad_request("Invalid in_reply_to_message_id format"))?;
    let id = opt_uuid(&o, "messageId").map_err(|()| bad_request("Invalid messageId format"))?;
    let source_type = text(&o, "source_type").unwrap_or_default().to_owned();

    let mut m = NewMessage::text(channel_id, author, text(&o, "content").unwrap_or_default());
    if let Some(id) = id {
        m.id = id;
    }
    m.raw_message = o.get("raw_message").cloned();
    m.in_reply_to_root_message_id = reply_to;
    // An agent's reply links to the message it answers: one reply per agent and message,
    // and how the http/sse transports and jobs find it.
    if source_type == "agent_response" {
        m.in_reply_to = reply_to;
    }
    m.source_type = Some(source_type);
    m.metadata = o.get("metadata").filter(|v| v.is_object()).cloned();
    m.client_message_id = idempotency_key(req, &o)?;
    let stored = post_existing(state, m).await?;
    Ok(created(render::central_message(&stored)))
}

/// `POST /submit`: an agent's message (its reply, usually).
#[utoipa::path(
    post, path = "/api/messaging/submit", tag = "messaging", request_body(content = doc::Json, description = "An agent's message: `{channel_id, server_id, author_id, content, in_reply_to_message_id?, source_type?, raw_message?, metadata?}`"),
    responses(
        (status = 201, description = "The stored message", body = doc::Success<doc::Message>),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
    )
)]
pub async fn submit_message(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    submit(&state, &req, &body).await
}

/// `POST /action`: an agent's action notice (same contract as `/submit`).
#[utoipa::path(
    post, path = "/api/messaging/action", tag = "messaging", request_body(content = doc::Json, description = "Same as /submit"),
    responses(
        (status = 201, description = "The stored action message", body = doc::Success<doc::Message>),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
    )
)]
pub async fn submit_action(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    submit(&state, &req, &body).await
}

/// `PATCH /action/:id`: updates an action message; `200 data:CentralMessage`; publishes
/// `MessageUpdated` so sockets get `messageBroadcast` with `updatedAt` and `rawMessage`.
#[utoipa::path(
    patch, path = "/api/messaging/action/{id}", tag = "messaging", params(("id" = uuid::Uuid, Path, description = "Message id")), request_body(content = doc::Json, description = "`{content?, raw_message?, metadata?}`"),
    responses(
        (status = 200, description = "The updated message", body = doc::Success<doc::Message>),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
        (status = 404, description = "No such message", body = doc::MsgError),
    )
)]
pub async fn update_action(
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path, "Invalid message id")?;
    let o = object(&body)?;
    let bad = |k: &str| bad_request(format!("Invalid {k} format"));
    let update = MessageUpdate {
        content: text(&o, "content").map(str::to_owned),
        raw_message: o.get("raw_message").filter(|v| !v.is_null()).cloned(),
        source_type: text(&o, "source_type").map(str::to_owned),
        in_reply_to_root_message_id: opt_uuid(&o, "in_reply_to_message_id")
            .map_err(|()| bad("in_reply_to_message_id"))?,
        metadata: o.get("metadata").filter(|v| v.is_object()).cloned(),
        author_id: opt_uuid(&o, "author_id").map_err(|()| bad("author_id"))?,
    };
    let updated = state
        .messaging()
        .edit_message(id, &update)
        .await
        .map_err(|e| messaging(e, "Message not found"))?;
    Ok(ok(render::central_message(&updated)))
}

/// `POST /ingest-external`: a message from an outside platform; `202 {success, message,
/// data:{messageId}}`; published on the bus so agents see it.
#[utoipa::path(
    post, path = "/api/messaging/ingest-external", tag = "messaging", request_body(content = doc::Json, description = "A message from an outside platform: `{channel_id, server_id, author_id, content, ...}`"),
    responses(
        (status = 202, description = "`{success:true,message,data:{messageId}}`", body = doc::Json),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
    )
)]
pub async fn ingest_external(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let mut o = object(&body)?;
    alias_server_id(&mut o);
    let invalid = || bad_request("Invalid external message payload");
    let channel_id = required_uuid(&o, "channel_id").map_err(|_| invalid())?;
    required_uuid(&o, "message_server_id").map_err(|_| invalid())?;
    let author = required_uuid(&o, "author_id").map_err(|_| invalid())?;
    let content = text(&o, "content").ok_or_else(invalid)?;
    let reply_to = opt_uuid(&o, "in_reply_to_message_id").map_err(|()| invalid())?;
    let mut m = NewMessage::text(channel_id, author, content);
    m.raw_message = o.get("raw_message").filter(|v| !v.is_null()).cloned();
    m.source_id = text(&o, "source_id").map(str::to_owned);
    m.source_type = text(&o, "source_type").map(str::to_owned);
    m.in_reply_to_root_message_id = reply_to;
    let mut meta = match o.get("metadata") {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    if let Some(name) = text(&o, "author_display_name") {
        meta.insert("author_display_name".into(), name.into());
    }
    m.metadata = (!meta.is_empty()).then_some(Value::Object(meta));
    m.client_message_id = idempotency_key(&req, &o)?;
    let stored = post_existing(&state, m).await?;
    Ok(HttpResponse::Accepted().json(json!({
        "success": true,
        "message": "Message ingested and published to bus",
        "data": {"messageId": stored.id.to_string(), "seq": stored.seq},
    })))
}

/// `POST /complete {channel_id, message_server_id|server_id}`: publishes `message_complete`;
/// `200 {"success":true,"message":"Completion event emitted"}`.
#[utoipa::path(
    post, path = "/api/messaging/complete", tag = "messaging", request_body(content = doc::Json, description = "`{channel_id, server_id|message_server_id}`"),
    responses(
        (status = 200, description = "`{success:true,message:\"Completion event emitted\"}`", body = doc::Json),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
    )
)]
pub async fn complete_message(
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let mut o = object(&body)?;
    alias_server_id(&mut o);
    let (Some(channel_id), Some(server_id)) = (
        text(&o, "channel_id").and_then(parse_uuid),
        text(&o, "message_server_id").and_then(parse_uuid),
    ) else {
        return Err(fail(
            ErrorCode::BadRequest,
            "Missing or invalid fields: channel_id, message_server_id",
        ));
    };
    state.messaging().complete(channel_id, server_id);
    Ok(HttpResponse::Ok().json(json!({"success": true, "message": "Completion event emitted"})))
}
