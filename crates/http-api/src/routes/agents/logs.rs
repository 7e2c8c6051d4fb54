//! Logs of a running agent.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use agentd_core::{ErrorCode, parse_uuid};
use agentd_storage::{LogQuery, LogStore};
use agentd_wire::agents::LogItem;
use agentd_wire::envelope::StdError;

use super::{path_id, running_agent, success};
use crate::error::ApiError;
use crate::state::AppState;

/// Logs returned when the client does not give `count` (elizaOS's default).
const DEFAULT_COUNT: i64 = 10;

fn bad_query(message: &str) -> ApiError {
    ApiError::new(ErrorCode::BadRequest, message.to_owned())
}

/// `GET /api/agents/:agentId/logs`: `roomId`, `type`, `count` (default 10, at most 500),
/// `offset`, `excludeTypes` (repeatable; also drops logs whose `body.modelType` contains
/// the value, case-insensitive). Newest first.
#[utoipa::path(
    get, path = "/api/agents/{agentId}/logs", tag = "agents", params(("agentId" = uuid::Uuid, Path, description = "Agent id"), ("roomId" = Option<String>, Query, description = "Only this room"), ("type" = Option<String>, Query, description = "Only this log type"), ("count" = Option<String>, Query, description = "Page size (default 10, at most 500)"), ("offset" = Option<String>, Query, description = "Skip this many"), ("excludeTypes" = Option<String>, Query, description = "Drop these types (repeatable, comma-separated)")),
    responses(
        (status = 200, description = "`[{id,createdAt,entityId,body,type,roomId}]`, newest first", body = agentd_wire::Success<Vec<LogItem>>),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 404, description = "Agent not running", body = StdError),
    )
)]
pub async fn list_logs(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let agent = running_agent(&state, &path).await?;
    let mut q = LogQuery {
        agent_id: agent.id,
        limit: DEFAULT_COUNT,
        ..LogQuery::default()
    };
    for (k, v) in query.into_inner() {
        match k.as_str() {
            "roomId" => {
                q.room_id = Some(parse_uuid(&v).ok_or_else(|| {
                    ApiError::new(ErrorCode::InvalidId, "Invalid room ID format")
                })?);
            }
            "type" if !v.is_empty() => q.kind = Some(v),
            "count" | "limit" => {
                q.limit = v.parse().map_err(|_| bad_query("count must be a number"))?;
            }
            "offset" => {
                q.offset = v
                    .parse()
                    .map_err(|_| bad_query("offset must be a number"))?
            }
            "excludeTypes" | "excludeTypes[]" => q
                .exclude_kinds
                .extend(v.split(',').filter(|s| !s.is_empty()).map(String::from)),
            _ => {}
        }
    }
    let logs = state
        .db()
        .list_logs(&q)
        .await
        .map_err(|e| ApiError::opaque(ErrorCode::DbError, e))?;
    Ok(success(
        StatusCode::OK,
        LogItem::list(logs, &q.exclude_kinds),
    ))
}

/// `DELETE /api/agents/:agentId/logs/:logId`: 204; 404 if the agent has no such log.
#[utoipa::path(
    delete, path = "/api/agents/{agentId}/logs/{logId}", tag = "agents", params(("agentId" = uuid::Uuid, Path, description = "Agent id"), ("logId" = uuid::Uuid, Path, description = "Log id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 404, description = "Agent not running or no such log", body = StdError),
    )
)]
pub async fn delete_log(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (agent_raw, log_raw) = path.into_inner();
    let agent = running_agent(&state, &agent_raw).await?;
    let log_id = path_id(&log_raw, "log")?;
    state
        .db()
        .delete_log(agent.id, log_id)
        .await
        .map_err(|e| match e {
            agentd_storage::StorageError::NotFound(_) => {
                ApiError::new(ErrorCode::NotFound, "Log not found")
            }
            other => other.into(),
        })?;
    Ok(HttpResponse::NoContent().finish())
}
