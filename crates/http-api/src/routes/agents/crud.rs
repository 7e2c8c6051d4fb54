//! Agent CRUD: list, get, create (from `characterJson`, `agent` or `characterPath`),
//! update, delete.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use agentd_core::ErrorCode;
use agentd_core::character::{agent_to_character, character_to_agent, merge_settings};
use agentd_storage::{AgentStore, StorageError};
use chrono::Utc;
use serde_json::{Value, json};

use super::{ok, path_id, render_agent, status};
use crate::error::ApiError;
use crate::openapi::schemas as doc;
use crate::state::AppState;

/// `GET /api/agents`: every agent, running ones first, then by name.
#[utoipa::path(
    get, path = "/api/agents", tag = "agents",
    responses(
        (status = 200, description = "Every agent, running first", body = doc::Success<doc::AgentList>),
    )
)]
pub async fn list_agents(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let manager = state.agent_manager();
    let mut agents: Vec<(bool, Value)> = state
        .db()
        .list_agents()
        .await?
        .into_iter()
        .map(|a| {
            let running = manager.is_running(a.id);
            let bio = match &a.bio {
                Value::Array(v) => v.first().cloned().unwrap_or(Value::Null),
                other => other.clone(),
            };
            let item = json!({
                "id": a.id, "name": a.name, "characterName": a.name,
                "bio": bio, "status": status(running),
            });
            (running, item)
        })
        .collect();
    agents.sort_by(|(ra, a), (rb, b)| {
        rb.cmp(ra)
            .then_with(|| a["name"].as_str().cmp(&b["name"].as_str()))
    });
    let agents: Vec<Value> = agents.into_iter().map(|(_, v)| v).collect();
    Ok(ok(StatusCode::OK, json!({ "agents": agents })))
}

/// `GET /api/agents/:agentId`: the stored row and its status (running or not).
#[utoipa::path(
    get, path = "/api/agents/{agentId}", tag = "agents", params(("agentId" = uuid::Uuid, Path, description = "Agent id")),
    responses(
        (status = 200, description = "The agent, secrets masked", body = doc::Success<doc::Agent>),
        (status = 400, description = "Invalid id or request", body = doc::StdError),
        (status = 404, description = "No such agent", body = doc::StdError),
    )
)]
pub async fn get_agent(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path, "agent")?;
    let agent = state.db().get_agent(id).await.map_err(agent_not_found)?;
    let running = state.agent_manager().is_running(id);
    Ok(ok(StatusCode::OK, render_agent(&agent, running)))
}

fn agent_not_found(e: StorageError) -> ApiError {
    match e {
        StorageError::NotFound(_) => ApiError::new(ErrorCode::NotFound, "Agent not found"),
        other => other.into(),
    }
}

fn create_error(message: String) -> ApiError {
    ApiError::new(ErrorCode::CreateError, message.clone()).with_details(message)
}

/// `POST /api/agents`: validates the character strictly and stores it (not started).
/// An agent with the same id is returned as it is (still 201), as in elizaOS. Nothing
/// from the process environment is copied into the agent.
#[utoipa::path(
    post, path = "/api/agents", tag = "agents", request_body(content = doc::Json, description = "`{characterJson}`, `{agent}` (a character) or `{characterPath}` (a file under <data>/characters)"),
    responses(
        (status = 201, description = "`{id, character}` (an existing id is returned as is)", body = doc::Success<doc::Json>),
        (status = 400, description = "No or invalid character (CREATE_ERROR)", body = doc::StdError),
    )
)]
pub async fn create_agent(
    state: web::Data<AppState>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let character = if let Some(c) = body.get("characterJson").or_else(|| body.get("agent")) {
        c.clone()
    } else if let Some(p) = body.get("characterPath") {
        let dir = state.settings().characters_dir.clone();
        super::character_path::load(dir, p).await?
    } else {
        return Err(create_error("No character configuration provided".into()));
    };
    let agent =
        character_to_agent(&character, Utc::now()).map_err(|e| create_error(e.to_string()))?;
    agentd_runtime::provider_for(&agent.settings).map_err(create_error)?;
    state
        .agent_manager()
        .plugin_registry()
        .resolve(&agent.plugins)
        .map_err(create_error)?;
    let stored = match state.db().create_agent(&agent).await {
        Ok(a) => a,
        Err(StorageError::Duplicate(_)) => state.db().get_agent(agent.id).await?,
        Err(e) => return Err(e.into()),
    };
    Ok(ok(
        StatusCode::CREATED,
        json!({"id": stored.id, "character": agent_to_character(&stored)}),
    ))
}

/// Fields a PATCH may not change (identity and server-managed state).
const READ_ONLY: &[&str] = &[
    "id",
    "status",
    "enabled",
    "createdAt",
    "updatedAt",
    "server_id",
];

/// `PATCH /api/agents/:agentId`: applies a partial character (`settings` deep-merged,
/// `null` deleting keys, masked secrets kept), validates the result as a character, and
/// restarts a running agent so it uses the new character.
#[utoipa::path(
    patch, path = "/api/agents/{agentId}", tag = "agents", params(("agentId" = uuid::Uuid, Path, description = "Agent id")), request_body(content = doc::Json, description = "A partial character; `settings` deep-merged, `null` deletes a key"),
    responses(
        (status = 200, description = "The updated agent (restarted when running)", body = doc::Success<doc::Agent>),
        (status = 400, description = "Invalid id or request", body = doc::StdError),
        (status = 404, description = "No such agent", body = doc::StdError),
    )
)]
pub async fn update_agent(
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path, "agent")?;
    let patch = body
        .as_object()
        .ok_or_else(|| ApiError::new(ErrorCode::BadRequest, "Update must be a JSON object"))?;
    let current = state.db().get_agent(id).await.map_err(agent_not_found)?;
    let mut character = character_with_secrets(&current);
    for (k, v) in patch {
        if READ_ONLY.contains(&k.as_str()) {
            continue;
        }
        // Top-level `secrets` are stored under `settings.secrets`; a PATCH's values win.
        let settings_patch = match k.as_str() {
            "settings" => Some(v.clone()),
            "secrets" if v.is_object() => Some(json!({ "secrets": v })),
            _ => None,
        };
        if let Some(p) = settings_patch {
            let slot = character
                .as_object_mut()
                .map(|o| o.entry("settings").or_insert_with(|| json!({})));
            if let Some(slot) = slot {
                merge_settings(slot, &p);
            }
        } else if let Some(o) = character.as_object_mut() {
            o.insert(k.clone(), v.clone());
        }
    }
    character["id"] = id.to_string().into();
    let mut updated = character_to_agent(&character, current.created_at)
        .map_err(|e| ApiError::new(ErrorCode::BadRequest, e.to_string()))?;
    agentd_runtime::provider_for(&updated.settings)
        .map_err(|e| ApiError::new(ErrorCode::BadRequest, e))?;
    state
        .agent_manager()
        .plugin_registry()
        .resolve(&updated.plugins)
        .map_err(|e| ApiError::new(ErrorCode::BadRequest, e))?;
    updated.enabled = current.enabled;
    updated.server_id = current.server_id;
    let stored = state.db().update_agent(&updated).await?;
    let manager = state.agent_manager();
    let running = manager.is_running(id);
    if running {
        manager.stop(id).await.map_err(restart_error)?;
        manager.start(id).await.map_err(restart_error)?;
    }
    let stored = if running {
        state.db().get_agent(id).await?
    } else {
        stored
    };
    Ok(ok(StatusCode::OK, render_agent(&stored, running)))
}

fn restart_error(e: agentd_runtime::ManagerError) -> ApiError {
    match e {
        // The update is stored, but a plugin refused to start with it: say which and why.
        agentd_runtime::ManagerError::PluginInit { .. } => {
            ApiError::new(ErrorCode::UpdateError, e.to_string())
        }
        other => ApiError::opaque(ErrorCode::UpdateError, other),
    }
}

/// The stored character with real secret values, as the starting point of a PATCH.
fn character_with_secrets(a: &agentd_core::model::Agent) -> Value {
    let mut c = agent_to_character(a);
    c["settings"] = a.settings.clone();
    c
}

/// `DELETE /api/agents/:agentId`: stops the agent, then deletes it and everything it
/// owns in one transaction. 204.
#[utoipa::path(
    delete, path = "/api/agents/{agentId}", tag = "agents", params(("agentId" = uuid::Uuid, Path, description = "Agent id")),
    responses(
        (status = 204, description = "Stopped and deleted with everything it owns"),
        (status = 400, description = "Invalid id or request", body = doc::StdError),
        (status = 404, description = "No such agent", body = doc::StdError),
    )
)]
pub async fn delete_agent(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path, "agent")?;
    state.db().get_agent(id).await.map_err(agent_not_found)?;
    state
        .agent_manager()
        .stop(id)
        .await
        .map_err(|e| ApiError::opaque(ErrorCode::DeleteError, e))?;
    match state.db().delete_agent(id).await {
        Ok(()) | Err(StorageError::NotFound(_)) => Ok(HttpResponse::NoContent().finish()),
        Err(e) => Err(ApiError::opaque(ErrorCode::DeleteError, e)),
    }
}
