//! `GET|POST|DELETE /api/server/logs` over the same buffer as `log_stream`.
//! Unlike 1.7.2 the agent filters work, because records carry the agent fields.

use std::collections::HashMap;

use actix_web::{HttpResponse, Resource, web};
use serde_json::json;

use crate::openapi::schemas as doc;
use crate::state::AppState;
use agentd_realtime::logs::{LEVEL_NAMES, level_number};

/// Default and largest page of `/logs`.
const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 1000;
/// Default look-back of `/logs`: one hour.
const DEFAULT_SINCE_MS: i64 = 60 * 60 * 1000;

/// The `/logs` resource, to mount inside the `/server` scope.
pub fn logs_resource() -> Resource {
    web::resource("/logs")
        .route(web::get().to(get_logs))
        .route(web::post().to(get_logs))
        .route(web::delete().to(delete_logs))
        .default_service(web::to(crate::routes::fallback::api_not_found))
}

/// `GET|POST /api/server/logs`: query `since` (ms), `level` (exact name or `all`),
/// `agentName`, `agentId`, `limit`. A bad value falls back to its default (as 1.7.2 does
/// for `parseInt` failures), never to an error. The POST body is ignored.
#[utoipa::path(
    method(get, post), path = "/api/server/logs", tag = "system", params(("since" = Option<String>, Query, description = "Only entries after this time (ms)"), ("level" = Option<String>, Query, description = "A level name or `all`"), ("agentName" = Option<String>, Query, description = "Only this agent"), ("agentId" = Option<String>, Query, description = "Only this agent"), ("limit" = Option<String>, Query, description = "At most this many")),
    responses(
        (status = 200, description = "`{logs:[{time,level,msg,agentName?,agentId?}],count,total,requestedLevel,levels}`; bad values fall back to defaults; a POST body is ignored", body = doc::Json),
    )
)]
pub async fn get_logs(
    state: web::Data<AppState>,
    query: web::Query<HashMap<String, String>>,
) -> HttpResponse {
    let q = |key: &str| query.get(key).map(String::as_str).filter(|v| !v.is_empty());
    let now = chrono::Utc::now().timestamp_millis();
    let since = q("since")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(now - DEFAULT_SINCE_MS);
    let level = q("level").unwrap_or("all");
    let agent_name = q("agentName");
    let agent_id = q("agentId");
    let limit = q("limit")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(DEFAULT_LIMIT)
        .clamp(1, MAX_LIMIT);
    let records = state.realtime().logs().snapshot();
    let total = records.len();
    let wanted_level = (level != "all").then(|| level_number(level));
    let mut logs: Vec<_> = records
        .into_iter()
        .filter(|r| r.time >= since)
        .filter(|r| wanted_level.is_none_or(|l| r.level == l))
        .filter(|r| agent_name.is_none_or(|n| n == "all" || r.agent_name.as_deref() == Some(n)))
        .filter(|r| agent_id.is_none_or(|i| i == "all" || r.agent_id.as_deref() == Some(i)))
        .collect();
    let skip = logs.len().saturating_sub(limit);
    let logs = logs.split_off(skip);
    HttpResponse::Ok().json(json!({
        "logs": logs,
        "count": logs.len(),
        "total": total,
        "requestedLevel": level,
        "agentName": agent_name.unwrap_or("all"),
        "agentId": agent_id.unwrap_or("all"),
        "levels": LEVEL_NAMES,
    }))
}

/// `DELETE /api/server/logs`: empties the buffer.
#[utoipa::path(
    delete, path = "/api/server/logs", tag = "system",
    responses(
        (status = 200, description = "`{status:\"success\",message}`: the log buffer is empty", body = doc::Json),
    )
)]
pub async fn delete_logs(state: web::Data<AppState>) -> HttpResponse {
    state.realtime().logs().clear();
    HttpResponse::Ok().json(json!({"status": "success", "message": "Logs cleared successfully"}))
}
