//! Helpers shared by the handlers: the resource builder with Express-like 404s and the
//! family-A (standard envelope) helpers here; the messaging (family B) and sessions
//! (family D) helpers in their submodules.

pub mod messaging;
pub mod sessions;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, Resource, web};
use agentd_core::model::Agent;
use agentd_core::{ErrorCode, parse_uuid};
use agentd_storage::AgentStore;
use uuid::Uuid;

use crate::error::ApiError;
use crate::routes::fallback;
use crate::state::AppState;

/// A resource whose unrouted methods answer the family-H 404, as Express does.
pub fn resource(path: &str) -> Resource {
    web::resource(path).default_service(web::to(fallback::api_not_found))
}

/// Parses a path id, or 400 `INVALID_ID` with `"Invalid <what> ID format"`.
pub fn path_id(raw: &str, what: &str) -> Result<Uuid, ApiError> {
    parse_uuid(raw)
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidId, format!("Invalid {what} ID format")))
}

/// An optional body id: absent is `None`, present must be a UUID (400 `INVALID_ID`).
pub fn optional_id(raw: Option<&str>, what: &str) -> Result<Option<Uuid>, ApiError> {
    raw.map(|s| path_id(s, what)).transpose()
}

/// The agent, if it runs here; else 404 `NOT_FOUND` (as in elizaOS, "agent not found" means
/// not running, for every route but CRUD and start).
pub async fn running_agent(state: &AppState, raw_id: &str) -> Result<Agent, ApiError> {
    let id = path_id(raw_id, "agent")?;
    if !state.agent_manager().is_running(id) {
        return Err(ApiError::new(ErrorCode::NotFound, "Agent not found"));
    }
    Ok(state.db().get_agent(id).await?)
}

/// `{"success":true,"data":…}` with `status`, from a wire shape.
pub fn success<T: serde::Serialize>(status: StatusCode, data: T) -> HttpResponse {
    HttpResponse::build(status).json(agentd_wire::Success::new(data))
}

/// Reads a family-A request body into `T` (an empty body is `{}`); one that does not fit is
/// [`invalid_body`].
pub fn body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    agentd_wire::parse(bytes).map_err(invalid_body)
}

/// The 400 `INVALID_JSON` of a family-A body that does not fit its struct; what is wrong
/// (with the field's path) is in `details`.
pub fn invalid_body(e: agentd_wire::BodyError) -> ApiError {
    ApiError::new(ErrorCode::InvalidJson, "Invalid JSON body").with_details(e.to_string())
}
