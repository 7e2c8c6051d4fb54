//! Jobs: a user message to an agent that a client polls for the reply. Stored in the `jobs`
//! table, so a poll works after a restart; a job completes when its agent's reply is stored
//! (seen on the bus, or found in storage on read) and times out per `timeoutMs`. Errors are
//! family E (`{"success":false,"error":"…"}`), successes raw.

use std::collections::HashMap;
use std::time::Duration;

use actix_web::{HttpResponse, web};
use agentd_core::model::Job;
use agentd_core::time::to_millis;
use agentd_core::{ErrorCode, parse_uuid};
use agentd_messaging::jobs::{JobDetails, JobRequest, STATUSES};
use agentd_storage::prelude::*;
use chrono::Utc;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::openapi::schemas as doc;
use crate::routes::support::messaging::{
    bad_request, fail, internal, messaging, object, resource, text,
};
use crate::state::AppState;

/// Longest prompt accepted.
pub const MAX_CONTENT_LENGTH: usize = 50_000;
/// Largest metadata accepted, in JSON characters.
pub const MAX_METADATA_SIZE: usize = 10_000;
/// Timeout default and bounds, in ms.
pub const TIMEOUT_MS: (u64, u64, u64) = (30_000, 1_000, 300_000);
/// Advertised job capacity (`/jobs/health`).
pub const MAX_JOBS: i64 = 10_000;

/// Registers the job routes (`/jobs/health` before `/jobs/{id}`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/health").get(get_jobs_health))
        .service(resource("").get(list_jobs).post(create_job))
        .service(resource("/{jobId}").get(get_job));
}

/// `POST /jobs`: `201 {jobId, status, createdAt, expiresAt}`.
#[utoipa::path(
    post, path = "/api/messaging/jobs", tag = "messaging", request_body(content = doc::Json, description = "`{content, agentId?, userId?, metadata?, timeoutMs?}`"),
    responses(
        (status = 201, description = "`{jobId,status,createdAt,expiresAt}` (raw)", body = doc::Json),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
        (status = 404, description = "No such agent", body = doc::MsgError),
    )
)]
pub async fn create_job(
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let o = object(&body)?;
    let user = text(&o, "userId").ok_or_else(|| bad_request("userId is required"))?;
    let user = parse_uuid(user).ok_or_else(|| bad_request("Invalid userId format"))?;
    let content = text(&o, "content").ok_or_else(|| bad_request("content is required"))?;
    if content.chars().count() > MAX_CONTENT_LENGTH {
        return Err(bad_request(format!(
            "Content exceeds maximum length of {MAX_CONTENT_LENGTH} characters"
        )));
    }
    let metadata = match o.get("metadata") {
        None | Some(Value::Null) => None,
        Some(m @ Value::Object(_)) if m.to_string().len() <= MAX_METADATA_SIZE => Some(m.clone()),
        Some(Value::Object(_)) => {
            return Err(bad_request(format!(
                "Metadata exceeds maximum size of {MAX_METADATA_SIZE} characters"
            )));
        }
        Some(_) => return Err(bad_request("metadata must be an object")),
    };
    let timeout_ms = match o.get("timeoutMs") {
        None | Some(Value::Null) => TIMEOUT_MS.0,
        Some(v) => v
            .as_u64()
            .filter(|ms| (TIMEOUT_MS.1..=TIMEOUT_MS.2).contains(ms))
            .ok_or_else(|| {
                bad_request(format!(
                    "timeoutMs must be between {} and {}",
                    TIMEOUT_MS.1, TIMEOUT_MS.2
                ))
            })?,
    };
    let agent = match o.get("agentId").filter(|v| !v.is_null()) {
        None => None,
        Some(v) => Some(
            v.as_str()
                .and_then(parse_uuid)
                .ok_or_else(|| bad_request("Invalid agentId format"))?,
        ),
    };
    let request = JobRequest {
        user,
        content: content.to_owned(),
        agent,
        metadata,
        timeout: Duration::from_millis(timeout_ms),
    };
    let job = state
        .messaging()
        .create_job(request)
        .await
        .map_err(|e| messaging(e, "Job not found"))?;
    Ok(HttpResponse::Created().json(json!({
        "jobId": job.id.to_string(),
        "status": job.status,
        "createdAt": to_millis(job.created_at),
        "expiresAt": to_millis(job.expires_at),
    })))
}

/// `JobDetails`: the job plus the user, prompt and metadata of its user message.
fn details(d: &JobDetails) -> Value {
    let (job, msg) = (&d.job, d.user_message.as_ref());
    let mut v = json!({
        "jobId": job.id.to_string(),
        "status": job.status,
        "agentId": job.agent_id.to_string(),
        "userId": msg.map(|m| m.author_id.to_string()),
        "prompt": msg.map(|m| m.content.clone()),
        "createdAt": to_millis(job.created_at),
        "expiresAt": to_millis(job.expires_at),
        "metadata": msg.and_then(|m| m.metadata.clone()).unwrap_or_else(|| json!({})),
    });
    if let Value::Object(o) = &mut v {
        if let Some(r) = &job.result {
            o.insert("result".into(), r.clone());
        }
        if let Some(e) = &job.error {
            o.insert("error".into(), e.clone().into());
        }
    }
    v
}

/// `GET /jobs/:jobId`: `JobDetails`, 404 "Job not found".
#[utoipa::path(
    get, path = "/api/messaging/jobs/{jobId}", tag = "messaging", params(("jobId" = uuid::Uuid, Path, description = "Job id")),
    responses(
        (status = 200, description = "The job with its result (raw)", body = doc::Json),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
        (status = 404, description = "Job not found", body = doc::MsgError),
    )
)]
pub async fn get_job(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = parse_uuid(&path).ok_or_else(|| fail(ErrorCode::NotFound, "Job not found"))?;
    let job = state
        .messaging()
        .job_details(id)
        .await
        .map_err(|e| messaging(e, "Job not found"))?;
    Ok(HttpResponse::Ok().json(details(&job)))
}

/// `GET /jobs?limit&status`: `{jobs, total, filtered}`, newest first.
#[utoipa::path(
    get, path = "/api/messaging/jobs", tag = "messaging", params(("limit" = Option<String>, Query, description = "Page size"), ("status" = Option<String>, Query, description = "pending, processing, completed, failed or timeout")),
    responses(
        (status = 200, description = "`{jobs,total,filtered}`, newest first (raw)", body = doc::Json),
        (status = 400, description = "Invalid id or body", body = doc::MsgError),
    )
)]
pub async fn list_jobs(
    state: web::Data<AppState>,
    q: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, ApiError> {
    let limit = match q.get("limit") {
        None => 50,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|l| *l > 0)
            .ok_or_else(|| bad_request("Invalid limit"))?,
    };
    let status = q.get("status").map(String::as_str);
    if status.is_some_and(|s| !STATUSES.contains(&s)) {
        return Err(bad_request("Invalid status"));
    }
    let all = state
        .messaging()
        .recent_jobs(500)
        .await
        .map_err(|e| messaging(e, "Job not found"))?;
    let total = all.len();
    let jobs: Vec<Job> = all
        .into_iter()
        .filter(|j| status.is_none_or(|s| s == j.status))
        .collect();
    let filtered = jobs.len();
    let page = state
        .messaging()
        .with_details(jobs.into_iter().take(limit).collect())
        .await
        .map_err(|e| messaging(e, "Job not found"))?;
    let out: Vec<Value> = page.iter().map(details).collect();
    Ok(HttpResponse::Ok().json(json!({"jobs": out, "total": total, "filtered": filtered})))
}

/// `GET /jobs/health`: counts per status and success/failure/timeout rates.
#[utoipa::path(
    get, path = "/api/messaging/jobs/health", tag = "messaging",
    responses(
        (status = 200, description = "Counts per status and rates (raw)", body = doc::Json),
    )
)]
pub async fn get_jobs_health(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let db = state.db();
    let counts = db.count_jobs_by_status().await.map_err(internal)?;
    let count = |s: &str| counts.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    let mut by_status = serde_json::Map::new();
    for s in STATUSES {
        by_status.insert(s.into(), count(s).into());
    }
    let recent = db.list_jobs(500).await.map_err(internal)?;
    let times: Vec<f64> = recent
        .iter()
        .filter_map(|j| j.result.as_ref()?.get("processingTimeMs")?.as_f64())
        .collect();
    let avg = if times.is_empty() {
        0.0
    } else {
        times.iter().sum::<f64>() / times.len() as f64
    };
    let rate = |n: i64| {
        if total == 0 {
            0.0
        } else {
            n as f64 / total as f64
        }
    };
    Ok(HttpResponse::Ok().json(json!({
        "healthy": true,
        "timestamp": to_millis(Utc::now()),
        "totalJobs": total,
        "statusCounts": by_status,
        "metrics": {
            "averageProcessingTimeMs": avg,
            "successRate": rate(count("completed")),
            "failureRate": rate(count("failed")),
            "timeoutRate": rate(count("timeout")),
        },
        "maxJobs": MAX_JOBS,
    })))
}
