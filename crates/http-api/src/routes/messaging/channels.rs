//! Channels, DMs and participants, with the `/central-channels` aliases.
//! Message routes of a channel live in `messages.rs`.

use actix_web::{HttpResponse, web};
use agentd_core::model::Channel;
use agentd_core::parse_uuid;
use agentd_messaging::{ChannelUpdate, NewChannel};
use agentd_storage::prelude::*;
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::render;
use crate::error::ApiError;
use crate::openapi::schemas as doc;
use crate::routes::support::messaging::{
    alias_server_id, bad_request, created, messaging, object, ok, opt_uuid, path_id, resource,
    storage, text,
};
use crate::state::AppState;

/// elizaOS `ChannelType` values.
const CHANNEL_TYPES: &[&str] = &[
    "SELF",
    "DM",
    "GROUP",
    "VOICE_DM",
    "VOICE_GROUP",
    "FEED",
    "THREAD",
    "WORLD",
    "FORUM",
    "API",
];

/// Registers `/dm-channel`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/dm-channel").get(get_dm_channel));
}

/// Registers the routes of one channel, relative to a `/channels` or `/central-channels`
/// scope.
pub fn configure_channel(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("").post(create_channel))
        .service(resource("/{channelId}/details").get(get_channel_details))
        .service(resource("/{channelId}/participants").get(list_channel_participants))
        .service(
            resource("/{channelId}/agents")
                .get(list_channel_agents)
                .post(add_channel_agent),
        )
        .service(resource("/{channelId}/agents/{agentId}").delete(remove_channel_agent))
        .service(
            resource("/{channelId}")
                .patch(update_channel)
                .delete(delete_channel),
        );
}

/// A list of UUIDs, or `None` if it is not an array of UUID strings.
fn uuid_list(v: &Value) -> Option<Vec<Uuid>> {
    v.as_array()?
        .iter()
        .map(|x| x.as_str().and_then(parse_uuid))
        .collect()
}

fn channel_id(raw: &str) -> Result<Uuid, ApiError> {
    path_id(raw, "Invalid channelId")
}

/// `POST /channels`: `{name, message_server_id, participantCentralUserIds?, type?, metadata?}`
/// → `201 data:Channel`.
#[utoipa::path(
    post, path = "/api/messaging/channels", tag = "messaging", request_body(content = doc::Json, description = "`{name, message_server_id, participantCentralUserIds?, type?, metadata?}`"),
    responses(
        (status = 201, description = "The channel", body = doc::Success<doc::Channel>),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
    )
)]
pub async fn create_channel(
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let mut o = object(&body)?;
    alias_server_id(&mut o);
    let server = opt_uuid(&o, "message_server_id")
        .map_err(|()| bad_request("Invalid message_server_id format"))?;
    // Absent participants mean none (the api-client's `createChannel` sends none; elizaOS
    // 1.7.2 rejects it); present ones must be an array of UUIDs.
    let participants = match o.get("participantCentralUserIds") {
        None | Some(Value::Null) => Some(Vec::new()),
        Some(v) => uuid_list(v),
    };
    let (Some(name), Some(server), Some(participants)) = (text(&o, "name"), server, participants)
    else {
        return Err(bad_request(
            "Invalid payload. Required: name, message_server_id, participantCentralUserIds (array of UUIDs)",
        ));
    };
    let kind = text(&o, "type").unwrap_or("GROUP");
    if !CHANNEL_TYPES.contains(&kind) {
        return Err(bad_request("Invalid channel type"));
    }
    let mut channel = Channel::new(Uuid::new_v4(), server, name, kind, Utc::now());
    channel.source_type = text(&o, "sourceType").map(str::to_owned);
    channel.source_id = text(&o, "sourceId").map(str::to_owned);
    channel.topic = text(&o, "topic").map(str::to_owned);
    channel.metadata = o.get("metadata").filter(|m| m.is_object()).cloned();
    let stored = state
        .messaging()
        .create_channel(NewChannel {
            channel,
            participants,
        })
        .await
        .map_err(|e| messaging(e, "Server not found"))?;
    Ok(created(render::channel(&stored)))
}

/// Query of `GET /dm-channel`.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct DmQuery {
    current_user_id: Option<String>,
    target_user_id: Option<String>,
    dm_server_id: Option<String>,
}

/// `GET /dm-channel`: the DM channel of two users, created on first use.
#[utoipa::path(
    get, path = "/api/messaging/dm-channel", tag = "messaging", params(DmQuery),
    responses(
        (status = 200, description = "The DM channel of the two users, created on first use", body = doc::Success<doc::Channel>),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
    )
)]
pub async fn get_dm_channel(
    state: web::Data<AppState>,
    q: web::Query<DmQuery>,
) -> Result<HttpResponse, ApiError> {
    let me = q.current_user_id.as_deref().and_then(parse_uuid);
    let other = q.target_user_id.as_deref().and_then(parse_uuid);
    let (Some(me), Some(other)) = (me, other) else {
        return Err(bad_request("Missing targetUserId or currentUserId"));
    };
    if me == other {
        return Err(bad_request("Cannot create DM channel with oneself"));
    }
    let server = q.dm_server_id.as_deref().and_then(parse_uuid);
    let channel = state
        .messaging()
        .dm_channel(me, other, server)
        .await
        .map_err(|e| messaging(e, "Channel not found"))?;
    Ok(ok(render::channel(&channel)))
}

/// `GET /channels/:id/details`: `data:Channel`.
#[utoipa::path(
    get, path = "/api/messaging/channels/{channelId}/details", tag = "messaging", params(("channelId" = uuid::Uuid, Path, description = "Channel id")),
    responses(
        (status = 200, description = "The channel", body = doc::Success<doc::Channel>),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
        (status = 404, description = "No such channel", body = doc::MsgError),
    )
)]
pub async fn get_channel_details(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = channel_id(&path)?;
    let c = state
        .db()
        .get_channel(id)
        .await
        .map_err(|e| storage(e, "Channel not found"))?;
    Ok(ok(render::channel(&c)))
}

async fn participants(state: &AppState, id: Uuid) -> Result<Vec<String>, ApiError> {
    let ids = state
        .db()
        .list_channel_participants(id)
        .await
        .map_err(|e| storage(e, "Channel not found"))?;
    Ok(ids.iter().map(Uuid::to_string).collect())
}

/// `GET /channels/:id/participants`: `data:[entityId]`.
#[utoipa::path(
    get, path = "/api/messaging/channels/{channelId}/participants", tag = "messaging", params(("channelId" = uuid::Uuid, Path, description = "Channel id")),
    responses(
        (status = 200, description = "Participant entity ids", body = doc::Success<Vec<String>>),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
    )
)]
pub async fn list_channel_participants(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = channel_id(&path)?;
    Ok(ok(json!(participants(&state, id).await?)))
}

/// `GET /channels/:id/agents`: `data:{channelId, participants}` (all participants, as 1.7.2).
#[utoipa::path(
    get, path = "/api/messaging/channels/{channelId}/agents", tag = "messaging", params(("channelId" = uuid::Uuid, Path, description = "Channel id")),
    responses(
        (status = 200, description = "`{channelId,participants}`", body = doc::Success<doc::Json>),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
    )
)]
pub async fn list_channel_agents(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = channel_id(&path)?;
    let p = participants(&state, id).await?;
    Ok(ok(json!({"channelId": id.to_string(), "participants": p})))
}

/// `POST /channels/:id/agents {agentId}`: `201 data:{channelId, agentId, message}`.
#[utoipa::path(
    post, path = "/api/messaging/channels/{channelId}/agents", tag = "messaging", params(("channelId" = uuid::Uuid, Path, description = "Channel id")), request_body(content = doc::Json, description = "`{agentId}`"),
    responses(
        (status = 201, description = "`{channelId,agentId,message}`", body = doc::Success<doc::Json>),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
        (status = 404, description = "No such channel", body = doc::MsgError),
    )
)]
pub async fn add_channel_agent(
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = channel_id(&path)?;
    let o = object(&body)?;
    let agent = text(&o, "agentId")
        .and_then(parse_uuid)
        .ok_or_else(|| bad_request("Invalid agentId format"))?;
    state
        .messaging()
        .add_participant(id, agent)
        .await
        .map_err(|e| messaging(e, "Channel not found"))?;
    Ok(created(json!({
        "channelId": id.to_string(),
        "agentId": agent.to_string(),
        "message": "Agent added to channel successfully",
    })))
}

/// `DELETE /channels/:id/agents/:agentId`: `200 data:{channelId, agentId, message}`.
#[utoipa::path(
    delete, path = "/api/messaging/channels/{channelId}/agents/{agentId}", tag = "messaging", params(("channelId" = uuid::Uuid, Path, description = "Channel id"), ("agentId" = uuid::Uuid, Path, description = "Agent id")),
    responses(
        (status = 200, description = "`{channelId,agentId,message}`", body = doc::Success<doc::Json>),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
        (status = 404, description = "No such channel or participant", body = doc::MsgError),
    )
)]
pub async fn remove_channel_agent(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (c, a) = path.into_inner();
    let id = channel_id(&c)?;
    let agent = path_id(&a, "Invalid agentId format")?;
    state
        .messaging()
        .remove_participant(id, agent)
        .await
        .map_err(|e| messaging(e, "Channel not found"))?;
    Ok(ok(json!({
        "channelId": id.to_string(),
        "agentId": agent.to_string(),
        "message": "Agent removed from channel successfully",
    })))
}

/// `PATCH /channels/:id {name?, participantCentralUserIds?, metadata?}`: metadata and
/// participants are replaced; `200 data:Channel`; bus channel lifecycle event.
#[utoipa::path(
    patch, path = "/api/messaging/channels/{channelId}", tag = "messaging", params(("channelId" = uuid::Uuid, Path, description = "Channel id")), request_body(content = doc::Json, description = "`{name?, participantCentralUserIds?, metadata?}`"),
    responses(
        (status = 200, description = "The channel", body = doc::Success<doc::Channel>),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
        (status = 404, description = "No such channel", body = doc::MsgError),
    )
)]
pub async fn update_channel(
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = channel_id(&path)?;
    let o: Map<String, Value> = object(&body)?;
    let new_participants =
        match o.get("participantCentralUserIds") {
            None | Some(Value::Null) => None,
            Some(v) => Some(uuid_list(v).ok_or_else(|| {
                bad_request("participantCentralUserIds must be an array of UUIDs")
            })?),
        };
    if o.get("name").is_some_and(|n| !n.is_string()) {
        return Err(bad_request("name must be a string"));
    }
    let update = ChannelUpdate {
        name: text(&o, "name").map(str::to_owned),
        metadata: o.get("metadata").map(|m| m.is_object().then(|| m.clone())),
        participants: new_participants,
    };
    let updated = state
        .messaging()
        .update_channel(id, update)
        .await
        .map_err(|e| messaging(e, "Channel not found"))?;
    Ok(ok(render::channel(&updated)))
}

/// `DELETE /channels/:id`: `204`; messages and participants go with it; bus
/// `channel_cleared` and the channel lifecycle event.
#[utoipa::path(
    delete, path = "/api/messaging/channels/{channelId}", tag = "messaging", params(("channelId" = uuid::Uuid, Path, description = "Channel id")),
    responses(
        (status = 204, description = "Deleted with its messages and participants"),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
        (status = 404, description = "No such channel", body = doc::MsgError),
    )
)]
pub async fn delete_channel(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = channel_id(&path)?;
    state
        .messaging()
        .delete_channel(id)
        .await
        .map_err(|e| messaging(e, "Channel not found"))?;
    Ok(HttpResponse::NoContent().finish())
}
