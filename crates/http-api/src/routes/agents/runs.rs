//! Runs (`/api/agents/:agentId/runs`): one run per message an agent answered, summarised
//! from its `run_event` and `useModel` logs (bounded reads).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use agentd_core::agent_data::LogEntry;
use agentd_core::time::to_millis;
use agentd_core::{ErrorCode, parse_uuid};
use agentd_storage::{LogQuery, LogStore, MAX_PAGE_LIMIT};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{ok, path_id, running_agent};
use crate::error::ApiError;
use crate::openapi::schemas as doc;
use crate::state::AppState;

/// Runs listed when the client does not give `limit` (elizaOS's default and cap).
const DEFAULT_RUNS: usize = 20;
const MAX_RUNS: usize = 100;

/// Query of `GET /runs` and `GET /runs/:runId`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct RunsQuery {
    room_id: Option<String>,
    status: Option<String>,
    limit: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

fn bad(message: &str) -> ApiError {
    ApiError::new(ErrorCode::BadRequest, message.to_owned())
}

fn number(v: &Option<String>, what: &str) -> Result<Option<i64>, ApiError> {
    v.as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .map_err(|_| bad(&format!("{what} must be a number")))
        })
        .transpose()
}

/// The newest run and model logs of the agent (optionally one room).
async fn run_logs(
    state: &AppState,
    agent: Uuid,
    room: Option<Uuid>,
) -> Result<Vec<LogEntry>, ApiError> {
    let mut out = Vec::new();
    for kind in ["run_event", "useModel"] {
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

fn run_id(l: &LogEntry) -> Option<String> {
    l.body
        .get("runId")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// The summary of one run from its logs (any order).
fn summarise(id: &str, logs: &[&LogEntry]) -> Value {
    let status_of = |l: &&LogEntry| {
        l.body
            .get("status")
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let start = logs
        .iter()
        .filter(|l| l.kind == "run_event" && status_of(l).as_deref() == Some("started"))
        .min_by_key(|l| l.created_at);
    let end = logs
        .iter()
        .filter(|l| l.kind == "run_event" && status_of(l).is_some_and(|s| s != "started"))
        .max_by_key(|l| l.created_at);
    let started = start.map(|l| to_millis(l.created_at));
    let ended = end.map(|l| to_millis(l.created_at));
    let status = end.and_then(status_of).unwrap_or_else(|| "started".into());
    let first = start.or(end).map(|l| &l.body);
    let field = |k: &str| first.and_then(|b| b.get(k)).cloned().unwrap_or(Value::Null);
    json!({
        "runId": id, "status": status, "startedAt": started, "endedAt": ended,
        "durationMs": started.zip(ended).map(|(s, e)| e - s),
        "messageId": field("messageId"), "roomId": field("roomId"), "entityId": field("entityId"),
        "metadata": {"source": field("source")},
        "counts": {
            "actions": 0,
            "modelCalls": logs.iter().filter(|l| l.kind == "useModel").count(),
            "errors": logs.iter().filter(|l| status_of(l).as_deref() == Some("error")).count(),
            "evaluators": 0,
        },
    })
}

fn group(logs: &[LogEntry]) -> Vec<(String, Vec<&LogEntry>)> {
    let mut by_run: HashMap<String, Vec<&LogEntry>> = HashMap::new();
    for l in logs {
        if let Some(id) = run_id(l) {
            by_run.entry(id).or_default().push(l);
        }
    }
    let mut runs: Vec<(String, Vec<&LogEntry>)> = by_run.into_iter().collect();
    runs.sort_by_key(|(_, ls)| std::cmp::Reverse(ls.iter().map(|l| l.created_at).min()));
    runs
}

fn room_filter(q: &RunsQuery) -> Result<Option<Uuid>, ApiError> {
    q.room_id
        .as_deref()
        .map(|r| {
            parse_uuid(r)
                .ok_or_else(|| ApiError::new(ErrorCode::InvalidId, "Invalid room ID format"))
        })
        .transpose()
}

/// `GET /api/agents/:agentId/runs`: `{runs, total, hasMore}`, newest first.
#[utoipa::path(
    get, path = "/api/agents/{agentId}/runs", tag = "agents", params(("agentId" = uuid::Uuid, Path, description = "Agent id"), RunsQuery),
    responses(
        (status = 200, description = "`{runs,total,hasMore}`, newest first", body = doc::Success<doc::Json>),
        (status = 400, description = "Invalid id or request", body = doc::StdError),
        (status = 404, description = "Agent not running", body = doc::StdError),
    )
)]
pub async fn list_runs(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<RunsQuery>,
) -> Result<HttpResponse, ApiError> {
    let agent = running_agent(&state, &path).await?;
    let limit = number(&query.limit, "limit")?
        .map_or(DEFAULT_RUNS, |n| n.clamp(1, MAX_RUNS as i64) as usize);
    let (from, to) = (number(&query.from, "from")?, number(&query.to, "to")?);
    let status = query.status.clone().filter(|s| s != "all");
    let logs = run_logs(&state, agent.id, room_filter(&query)?).await?;
    let runs: Vec<Value> = group(&logs)
        .iter()
        .map(|(id, ls)| summarise(id, ls))
        .filter(|r| status.as_deref().is_none_or(|s| r["status"] == s))
        .filter(|r| {
            let t = r["startedAt"].as_i64().unwrap_or(0);
            from.is_none_or(|f| t >= f) && to.is_none_or(|x| t <= x)
        })
        .collect();
    let total = runs.len();
    let runs: Vec<Value> = runs.into_iter().take(limit).collect();
    Ok(ok(
        StatusCode::OK,
        json!({"runs": runs, "total": total, "hasMore": total > limit}),
    ))
}

/// `GET /api/agents/:agentId/runs/:runId`: `{summary, events}`, events in time order.
#[utoipa::path(
    get, path = "/api/agents/{agentId}/runs/{runId}", tag = "agents", params(("agentId" = uuid::Uuid, Path, description = "Agent id"), ("runId" = uuid::Uuid, Path, description = "Run id"), RunsQuery),
    responses(
        (status = 200, description = "`{summary,events}`, events in time order", body = doc::Success<doc::Json>),
        (status = 400, description = "Invalid id or request", body = doc::StdError),
        (status = 404, description = "Agent not running or no such run", body = doc::StdError),
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
    let logs = run_logs(&state, agent.id, room_filter(&query)?).await?;
    let mut mine: Vec<&LogEntry> = logs
        .iter()
        .filter(|l| run_id(l).as_deref() == Some(&run))
        .collect();
    if mine.is_empty() {
        return Err(ApiError::new(ErrorCode::NotFound, "Run not found"));
    }
    mine.sort_by_key(|l| l.created_at);
    let events: Vec<Value> = mine
        .iter()
        .map(|l| {
            let kind = match (
                l.kind.as_str(),
                l.body.get("status").and_then(Value::as_str),
            ) {
                ("useModel", _) => "MODEL_USED",
                (_, Some("started")) => "RUN_STARTED",
                _ => "RUN_ENDED",
            };
            json!({"type": kind, "timestamp": to_millis(l.created_at), "data": l.body})
        })
        .collect();
    Ok(ok(
        StatusCode::OK,
        json!({"summary": summarise(&run, &mine), "events": events}),
    ))
}
