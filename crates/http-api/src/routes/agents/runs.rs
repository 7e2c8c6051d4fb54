//! Runs (`/api/agents/:agentId/runs`): one run per message an agent answered, summarised
//! from its `run_event` and `useModel` logs (bounded reads); the summaries are built in
//! `agentd_wire::agents::runs`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use agentd_core::agent_data::LogEntry;
use agentd_core::{ErrorCode, parse_uuid};
use agentd_storage::{LogQuery, LogStore, MAX_PAGE_LIMIT};
use agentd_wire::agents::runs::{RUN_LOG_KINDS, RunDetail, RunFilter, RunList};
use agentd_wire::envelope::StdError;
use serde::Deserialize;
use uuid::Uuid;

use super::{path_id, running_agent, success};
use crate::error::ApiError;
use crate::state::AppState;

/// Query of `GET /runs` and `GET /runs/:runId`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct RunsQuery {
    /// Only runs of this room.
    room_id: Option<String>,
    /// Only runs with this status (`all`: every status).
    status: Option<String>,
    /// Page size (default 20, at most 100).
    limit: Option<String>,
    /// Only runs started at or after this (ms).
    from: Option<String>,
    /// Only runs started at or before this (ms).
    to: Option<String>,
}

fn number(v: &Option<String>, what: &str) -> Result<Option<i64>, ApiError> {
    v.as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse().map_err(|_| {
                ApiError::new(ErrorCode::BadRequest, format!("{what} must be a number"))
            })
        })
        .transpose()
}

/// The newest run and model logs of the agent (optionally one room).
async fn run_logs(
    state: &AppState,
    agent: Uuid,
    query: &RunsQuery,
) -> Result<Vec<LogEntry>, ApiError> {
    let room = query
        .room_id
        .as_deref()
        .map(|r| {
            parse_uuid(r)
                .ok_or_else(|| ApiError::new(ErrorCode::InvalidId, "Invalid room ID format"))
        })
        .transpose()?;
    let mut out = Vec::new();
    for kind in RUN_LOG_KINDS {
        let q = LogQuery {
            agent_id: agent,
            room_id: room,
            kind: Some(kind.into()),
            limit: MAX_PAGE_LIMIT,
            ..LogQuery::default()
        };
        out.extend(state.db().list_logs(&q).await?);
    }
    Ok(out)
}

/// `GET /api/agents/:agentId/runs`: `{runs, total, hasMore}`, newest first.
#[utoipa::path(
    get, path = "/api/agents/{agentId}/runs", tag = "agents", params(("agentId" = uuid::Uuid, Path, description = "Agent id"), RunsQuery),
    responses(
        (status = 200, description = "`{runs,total,hasMore}`, newest first", body = agentd_wire::Success<RunList>),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 404, description = "Agent not running", body = StdError),
    )
)]
pub async fn list_runs(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<RunsQuery>,
) -> Result<HttpResponse, ApiError> {
    let agent = running_agent(&state, &path).await?;
    let filter = RunFilter {
        limit: number(&query.limit, "limit")?,
        from: number(&query.from, "from")?,
        to: number(&query.to, "to")?,
        status: query.status.clone(),
    };
    let logs = run_logs(&state, agent.id, &query).await?;
    Ok(success(StatusCode::OK, RunList::new(&logs, &filter)))
}

/// `GET /api/agents/:agentId/runs/:runId`: `{summary, events}`, events in time order.
#[utoipa::path(
    get, path = "/api/agents/{agentId}/runs/{runId}", tag = "agents", params(("agentId" = uuid::Uuid, Path, description = "Agent id"), ("runId" = uuid::Uuid, Path, description = "Run id"), RunsQuery),
    responses(
        (status = 200, description = "`{summary,events}`, events in time order", body = agentd_wire::Success<RunDetail>),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 404, description = "Agent not running or no such run", body = StdError),
    )
)]
pub async fn get_run(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<RunsQuery>,
) -> Result<HttpResponse, ApiError> {
    let (agent_raw, run_raw) = path.into_inner();
    let agent = running_agent(&state, &agent_raw).await?;
    let run = path_id(&run_raw, "run")?.to_string();
    let logs = run_logs(&state, agent.id, &query).await?;
    let detail = RunDetail::new(&run, &logs)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "Run not found"))?;
    Ok(success(StatusCode::OK, detail))
}
