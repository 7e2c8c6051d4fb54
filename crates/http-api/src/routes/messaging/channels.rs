//! Channels, DMs and participants, with the `/central-channels` aliases.
//! Message routes of a channel live in `messages.rs`.

use actix_web::{HttpResponse, web};
use agentd_core::model::Channel;
use agentd_core::parse_uuid;
use agentd_messaging::{ChannelUpdate, NewChannel};
use agentd_storage::prelude::*;
use agentd_wire::Success;
use agentd_wire::envelope::MsgError;
use agentd_wire::filled;
use agentd_wire::messaging::channels::{self as wire, CHANNEL_TYPES, DmQuery};
use agentd_wire::messaging::{self as msg, AgentRef};
use chrono::Utc;
use uuid::Uuid;

use crate::error::ApiError;
use crate::routes::support::messaging::{
    bad_request, body, created, messaging, ok, path_id, resource, server_of, storage,
};
use crate::state::AppState;

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

fn channel_id(raw: &str) -> Result<Uuid, ApiError> {
    path_id(raw, "Invalid channelId")
}

/// `POST /channels`: `{name, message_server_id, participantCentralUserIds?, type?, metadata?}`
/// → `201 data:Channel`.
#[utoipa::path(
    post, path = "/api/messaging/channels", tag = "messaging", request_body(content = wire::CreateChannel, description = "`{name, message_server_id, participantCentralUserIds?, type?, metadata?}`"),
    responses(
        (status = 201, description = "The channel", body = Success<msg::Channel>),
        (status = 400, description = "Invalid id or body", body = MsgError),
    )
)]
pub async fn create_channel(
    state: web::Data<AppState>,
    bytes: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    const INVALID: &str = "Invalid payload. Required: name, message_server_id, participantCentralUserIds (array of UUIDs)";
    let b: wire::CreateChannel = body(
        &bytes,
        &[("participantCentralUserIds", INVALID), ("name", INVALID)],
    )?;
    let server = server_of(b.message_server_id, b.server_id);
    // Absent participants mean none (the api-client's `createChannel` sends none; elizaOS
    // 1.7.2 rejects it).
    let (Some(name), Some(server)) = (filled(&b.name), server) else {
        return Err(bad_request(INVALID));
    };
    let kind = filled(&b.kind).unwrap_or("GROUP");
    if !CHANNEL_TYPES.contains(&kind) {
        return Err(bad_request("Invalid channel type"));
    }
    let mut channel = Channel::new(Uuid::new_v4(), server, name, kind, Utc::now());
    channel.source_type = filled(&b.source_type).map(str::to_owned);
    channel.source_id = filled(&b.source_id).map(str::to_owned);
    channel.topic = filled(&b.topic).map(str::to_owned);
    channel.metadata = b.metadata.filter(serde_json::Value::is_object);
    let stored = state
        .messaging()
        .create_channel(NewChannel {
            channel,
            participants: b.participant_central_user_ids.unwrap_or_default(),
        })
        .await
        .map_err(|e| messaging(e, "Server not found"))?;
    Ok(created(msg::Channel::from(&stored)))
}

/// `GET /dm-channel`: the DM channel of two users, created on first use.
#[utoipa::path(
    get, path = "/api/messaging/dm-channel", tag = "messaging", params(DmQuery),
    responses(
        (status = 200, description = "The DM channel of the two users, created on first use", body = Success<msg::Channel>),
        (status = 400, description = "Invalid id or body", body = MsgError),
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
    Ok(ok(msg::Channel::from(&channel)))
}

/// `GET /channels/:id/details`: `data:Channel`.
#[utoipa::path(
    get, path = "/api/messaging/channels/{channelId}/details", tag = "messaging", params(("channelId" = uuid::Uuid, Path, description = "Channel id")),
    responses(
        (status = 200, description = "The channel", body = Success<msg::Channel>),
        (status = 400, description = "Invalid id or body", body = MsgError),
        (status = 404, description = "No such channel", body = MsgError),
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
    let participants = participants(&state, id).await?;
    Ok(ok(msg::Channel::from(&c).with_participants(&participants)))
}

async fn participants(state: &AppState, id: Uuid) -> Result<Vec<Uuid>, ApiError> {
    state
        .db()
        .list_channel_participants(id)
        .await
        .map_err(|e| storage(e, "Channel not found"))
}

/// `GET /channels/:id/participants`: `data:[entityId]`.
#[utoipa::path(
    get, path = "/api/messaging/channels/{channelId}/participants", tag = "messaging", params(("channelId" = uuid::Uuid, Path, description = "Channel id")),
    responses(
        (status = 200, description = "Participant entity ids", body = Success<Vec<uuid::Uuid>>),
        (status = 400, description = "Invalid id or body", body = MsgError),
    )
)]
pub async fn list_channel_participants(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = channel_id(&path)?;
    Ok(ok(participants(&state, id).await?))
}

/// `GET /channels/:id/agents`: `data:{channelId, participants}` (all participants, as 1.7.2).
#[utoipa::path(
    get, path = "/api/messaging/channels/{channelId}/agents", tag = "messaging", params(("channelId" = uuid::Uuid, Path, description = "Channel id")),
    responses(
        (status = 200, description = "`{channelId,participants}`", body = Success<wire::ChannelAgents>),
        (status = 400, description = "Invalid id or body", body = MsgError),
    )
)]
pub async fn list_channel_agents(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = channel_id(&path)?;
    Ok(ok(wire::ChannelAgents {
        channel_id: id,
        participants: participants(&state, id).await?,
    }))
}

/// `POST /channels/:id/agents {agentId}`: `201 data:{channelId, agentId, message}`.
#[utoipa::path(
    post, path = "/api/messaging/channels/{channelId}/agents", tag = "messaging", params(("channelId" = uuid::Uuid, Path, description = "Channel id")), request_body(content = AgentRef, description = "`{agentId}`"),
    responses(
        (status = 201, description = "`{channelId,agentId,message}`", body = Success<wire::ChannelAgentChange>),
        (status = 400, description = "Invalid id or body", body = MsgError),
        (status = 404, description = "No such channel", body = MsgError),
    )
)]
pub async fn add_channel_agent(
    state: web::Data<AppState>,
    path: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = channel_id(&path)?;
    let b: AgentRef = body(&bytes, &[])?;
    let agent = b
        .agent_id
        .ok_or_else(|| bad_request("Invalid agentId format"))?;
    state
        .messaging()
        .add_participant(id, agent)
        .await
        .map_err(|e| messaging(e, "Channel not found"))?;
    Ok(created(wire::ChannelAgentChange {
        channel_id: id,
        agent_id: agent,
        message: "Agent added to channel successfully".into(),
    }))
}

/// `DELETE /channels/:id/agents/:agentId`: `200 data:{channelId, agentId, message}`.
#[utoipa::path(
    delete, path = "/api/messaging/channels/{channelId}/agents/{agentId}", tag = "messaging", params(("channelId" = uuid::Uuid, Path, description = "Channel id"), ("agentId" = uuid::Uuid, Path, description = "Agent id")),
    responses(
        (status = 200, description = "`{channelId,agentId,message}`", body = Success<wire::ChannelAgentChange>),
        (status = 400, description = "Invalid id or body", body = MsgError),
        (status = 404, description = "No such channel or participant", body = MsgError),
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
    Ok(ok(wire::ChannelAgentChange {
        channel_id: id,
        agent_id: agent,
        message: "Agent removed from channel successfully".into(),
    }))
}

/// `PATCH /channels/:id {name?, participantCentralUserIds?, metadata?}`: metadata and
/// participants are replaced; `200 data:Channel`; bus channel lifecycle event.
#[utoipa::path(
    patch, path = "/api/messaging/channels/{channelId}", tag = "messaging", params(("channelId" = uuid::Uuid, Path, description = "Channel id")), request_body(content = wire::UpdateChannel, description = "`{name?, participantCentralUserIds?, metadata?}`"),
    responses(
        (status = 200, description = "The channel", body = Success<msg::Channel>),
        (status = 400, description = "Invalid id or body", body = MsgError),
        (status = 404, description = "No such channel", body = MsgError),
    )
)]
pub async fn update_channel(
    state: web::Data<AppState>,
    path: web::Path<String>,
    bytes: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = channel_id(&path)?;
    let mut b: wire::UpdateChannel = body(
        &bytes,
        &[
            (
                "participantCentralUserIds",
                "participantCentralUserIds must be an array of UUIDs",
            ),
            ("name", "name must be a string"),
        ],
    )?;
    let update = ChannelUpdate {
        name: filled(&b.name).map(str::to_owned),
        metadata: b.metadata_change(),
        participants: b.participant_central_user_ids,
    };
    let updated = state
        .messaging()
        .update_channel(id, update)
        .await
        .map_err(|e| messaging(e, "Channel not found"))?;
    Ok(ok(msg::Channel::from(&updated)))
}

/// `DELETE /channels/:id`: `204`; messages and participants go with it; bus
/// `channel_cleared` and the channel lifecycle event.
#[utoipa::path(
    delete, path = "/api/messaging/channels/{channelId}", tag = "messaging", params(("channelId" = uuid::Uuid, Path, description = "Channel id")),
    responses(
        (status = 204, description = "Deleted with its messages and participants"),
        (status = 400, description = "Invalid id or body", body = MsgError),
        (status = 404, description = "No such channel", body = MsgError),
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
