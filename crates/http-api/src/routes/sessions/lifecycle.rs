//! Session lifecycle routes: health, list, create, get, delete, renew, heartbeat and the
//! timeout update. Every change is written to the row before it is answered, so another
//! instance (or this one after a restart) sees the same session.

use actix_web::{HttpResponse, web};
use agentd_core::model::Session;
use agentd_core::{ErrorCode, parse_uuid};
use agentd_messaging::sessions::SessionRequest;
use agentd_sessions::lifecycle::{self, RenewRefused};
use agentd_sessions::{TimeoutConfig, agent_config, merge, validate_patch};
use agentd_storage::prelude::*;
use agentd_wire::envelope::SessionError;
use agentd_wire::sessions::{
    CreateSession, InvalidUuid, MissingFields, RenewalRefused, SessionCreated, SessionDeleted,
    SessionInfo, SessionList, SessionsHealth, TimeoutConfigInput,
};
use chrono::Utc;
use uuid::Uuid;

use crate::error::ApiError;
use crate::routes::support::sessions::{
    body, fail, info, invalid, load, metadata, not_found, opaque, save, storage, to_value,
};
use crate::state::AppState;

/// The agent's session configuration from its character settings (defaults if unreadable).
async fn agent_base(state: &AppState, agent_id: Uuid) -> TimeoutConfig {
    let limits = &state.settings().sessions;
    match state.db().get_agent(agent_id).await {
        Ok(a) => agent_config(limits, &a.settings),
        Err(_) => TimeoutConfig::from_limits(limits),
    }
}

/// `GET /sessions/health`: `{status, activeSessions, timestamp, expiringSoon, uptime}`.
#[utoipa::path(
    get, path = "/api/messaging/sessions/health", tag = "sessions",
    responses(
        (status = 200, description = "Live sessions and those near expiry", body = SessionsHealth),
    )
)]
pub async fn health(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let now = Utc::now();
    let all = state
        .db()
        .list_sessions()
        .await
        .map_err(|e| opaque(ErrorCode::ServiceUnavailable, e))?;
    let live: Vec<&Session> = all
        .iter()
        .filter(|s| !lifecycle::is_expired(s, now))
        .collect();
    let soon = live
        .iter()
        .filter(|s| lifecycle::is_near_expiration(s, now))
        .count();
    let uptime = state.started_at().elapsed().as_secs_f64();
    Ok(HttpResponse::Ok().json(SessionsHealth::new(live.len(), soon, now, uptime)))
}

/// `GET /sessions`: live sessions and counts (expired rows await the sweeper).
#[utoipa::path(
    get, path = "/api/messaging/sessions", tag = "sessions",
    responses(
        (status = 200, description = "The live sessions and the counts", body = SessionList),
    )
)]
pub async fn list_sessions(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let now = Utc::now();
    let all = state
        .db()
        .list_sessions()
        .await
        .map_err(|e| opaque(ErrorCode::ServiceUnavailable, e))?;
    let live: Vec<SessionInfo> = all
        .iter()
        .filter(|s| !lifecycle::is_expired(s, now))
        .map(|s| info(s, now))
        .collect();
    Ok(HttpResponse::Ok().json(SessionList::new(live, all.len())))
}

/// A required UUID field of the create body, present (see [`CreateSession::missing`]).
fn uuid_field(raw: Option<&str>, key: &str) -> Result<Uuid, ApiError> {
    let raw = raw.unwrap_or_default();
    parse_uuid(raw).ok_or_else(|| {
        invalid(format!("Invalid UUID format for field '{key}'"))
            .with_details(to_value(&InvalidUuid::new(raw)))
    })
}

/// `POST /sessions`: a DM channel with only the agent as participant, then the session row.
/// The answer carries a `sessionToken` (agentd extension; only its hash is stored).
#[utoipa::path(
    post, path = "/api/messaging/sessions", tag = "sessions", request_body = CreateSession,
    responses(
        (status = 201, description = "The session and its token", body = SessionCreated),
        (status = 400, description = "Invalid id or body", body = SessionError),
        (status = 404, description = "No such agent", body = SessionError),
    )
)]
pub async fn create_session(
    state: web::Data<AppState>,
    bytes: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: CreateSession = body(&bytes, CreateSession::field_message)?;
    let missing = b.missing();
    if !missing.is_empty() {
        let details = MissingFields {
            missing_fields: missing.iter().map(|f| (*f).to_owned()).collect(),
        };
        return Err(
            invalid(format!("Missing required fields: {}", missing.join(", ")))
                .with_details(to_value(&details)),
        );
    }
    let agent_id = uuid_field(b.agent_id.as_deref(), "agentId")?;
    let user_id = uuid_field(b.user_id.as_deref(), "userId")?;
    let meta = metadata(b.metadata)?;
    if !state.agents().is_running(agent_id) {
        return Err(fail(
            ErrorCode::AgentNotFound,
            format!("Agent with ID '{agent_id}' not found"),
        ));
    }
    let limits = &state.settings().sessions;
    let requested = b.timeout_config.unwrap_or_default().to_object();
    let config = merge(limits, &agent_base(&state, agent_id).await, &requested);
    let request = SessionRequest {
        agent: agent_id,
        user: user_id,
        metadata: meta,
        config,
    };
    let (s, session_token) = state
        .messaging()
        .open_session(request)
        .await
        .map_err(|e| opaque(ErrorCode::SessionCreationFailed, e))?;
    Ok(HttpResponse::Created().json(SessionCreated::new(&s, session_token)))
}

/// `GET /sessions/:id`: `SessionInfo`; 404 unknown, 410 expired (then deleted).
#[utoipa::path(
    get, path = "/api/messaging/sessions/{sessionId}", tag = "sessions", params(("sessionId" = uuid::Uuid, Path, description = "Session id")),
    responses(
        (status = 200, description = "SessionInfo", body = SessionInfo),
        (status = 400, description = "Invalid id or body", body = SessionError),
        (status = 404, description = "No such session", body = SessionError),
        (status = 410, description = "Expired (then deleted)", body = SessionError),
    )
)]
pub async fn get_session(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let now = Utc::now();
    let s = load(&state, &path, now).await?;
    Ok(HttpResponse::Ok().json(info(&s, now)))
}

/// `DELETE /sessions/:id`: removes the row; the channel and its history stay.
#[utoipa::path(
    delete, path = "/api/messaging/sessions/{sessionId}", tag = "sessions", params(("sessionId" = uuid::Uuid, Path, description = "Session id")),
    responses(
        (status = 200, description = "Deleted; the channel and its history stay", body = SessionDeleted),
        (status = 400, description = "Invalid id or body", body = SessionError),
        (status = 404, description = "No such session", body = SessionError),
    )
)]
pub async fn delete_session(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_uuid(&path).ok_or_else(|| not_found(&path))?;
    state
        .db()
        .delete_session(id)
        .await
        .map_err(|e| storage(e, &path))?;
    Ok(HttpResponse::Ok().json(SessionDeleted::new(id)))
}

/// `POST /sessions/:id/renew`: 400 `SESSION_RENEWAL_FAILED` past the max duration (or
/// without auto-renew).
#[utoipa::path(
    post, path = "/api/messaging/sessions/{sessionId}/renew", tag = "sessions", params(("sessionId" = uuid::Uuid, Path, description = "Session id")),
    responses(
        (status = 200, description = "SessionInfo with the new expiry", body = SessionInfo),
        (status = 400, description = "Past the maximum duration or no auto-renew (SESSION_RENEWAL_FAILED)", body = SessionError),
        (status = 404, description = "No such session", body = SessionError),
        (status = 410, description = "Expired (then deleted)", body = SessionError),
    )
)]
pub async fn renew_session(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let now = Utc::now();
    let mut s = load(&state, &path, now).await?;
    if let Err(why) = lifecycle::renew(&mut s, now) {
        let reason = match why {
            RenewRefused::MaxDuration => "Maximum duration reached",
            RenewRefused::AutoRenewOff => "Auto-renew is disabled",
        };
        return Err(fail(
            ErrorCode::SessionRenewalFailed,
            format!("Cannot renew session '{}': {reason}", s.id),
        )
        .with_details(to_value(&RenewalRefused::new(&s, now))));
    }
    let s = save(&state, &s).await?;
    Ok(HttpResponse::Ok().json(info(&s, now)))
}

/// `POST /sessions/:id/heartbeat`: records activity; repeating it is harmless.
#[utoipa::path(
    post, path = "/api/messaging/sessions/{sessionId}/heartbeat", tag = "sessions", params(("sessionId" = uuid::Uuid, Path, description = "Session id")),
    responses(
        (status = 200, description = "SessionInfo", body = SessionInfo),
        (status = 400, description = "Invalid id or body", body = SessionError),
        (status = 404, description = "No such session", body = SessionError),
        (status = 410, description = "Expired (then deleted)", body = SessionError),
    )
)]
pub async fn heartbeat_session(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let now = Utc::now();
    let mut s = load(&state, &path, now).await?;
    lifecycle::heartbeat(&mut s, now);
    let s = save(&state, &s).await?;
    Ok(HttpResponse::Ok().json(info(&s, now)))
}

/// `PATCH /sessions/:id/timeout`: the body merged over the agent's configuration (not the
/// session's: omitted fields revert), then the expiry recomputed.
#[utoipa::path(
    patch, path = "/api/messaging/sessions/{sessionId}/timeout", tag = "sessions", params(("sessionId" = uuid::Uuid, Path, description = "Session id")), request_body = TimeoutConfigInput,
    responses(
        (status = 200, description = "SessionInfo with the new expiry", body = SessionInfo),
        (status = 400, description = "Invalid id or body", body = SessionError),
        (status = 404, description = "No such session", body = SessionError),
        (status = 410, description = "Expired (then deleted)", body = SessionError),
    )
)]
pub async fn update_timeout(
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let format = || invalid("Invalid timeout configuration: Invalid timeout configuration format");
    let o = agentd_wire::parse::<TimeoutConfigInput>(&body)
        .map_err(|_| format())?
        .to_object();
    let limits = &state.settings().sessions;
    validate_patch(limits, &o)
        .map_err(|e| invalid(format!("Invalid timeout configuration: {e}")))?;
    let now = Utc::now();
    let mut s = load(&state, &path, now).await?;
    let config = merge(limits, &agent_base(&state, s.agent_id).await, &o);
    lifecycle::set_config(&mut s, &config);
    lifecycle::refresh_expiry(&mut s, now);
    let s = save(&state, &s).await?;
    Ok(HttpResponse::Ok().json(info(&s, now)))
}
