//! Jobs (spec 3.7): a user message to an agent that a client polls for the reply. Stored
//! in the `jobs` table, so a poll works after a restart; a job completes when its agent's
//! reply is stored (seen on the bus, or found in storage on read) and times out per
//! `timeoutMs`. Errors are family E (`{"success":false,"error":"…"}`), successes raw.

use std::collections::HashMap;
use std::time::Duration;

use actix_web::{HttpResponse, web};
use agentd_bus::{BusEvent, EventKind, Filter, Received};
use agentd_core::model::{Channel, DeliveryState, Job};
use agentd_core::time::to_millis;
use agentd_core::{DEFAULT_SERVER_ID, ErrorCode, parse_uuid};
use agentd_storage::prelude::*;
use agentd_storage::{Delivery, JobOutcome, NewMessage, StorageError};
use chrono::Utc;
use serde_json::{Value, json};
use uuid::Uuid;

use super::support::{bad_request, fail, internal, object, resource, storage, text};
use crate::error::ApiError;
use crate::openapi::schemas as doc;
use crate::state::AppState;

/// Longest prompt accepted.
pub const MAX_CONTENT_LENGTH: usize = 50_000;
/// Largest metadata accepted, in JSON characters.
pub const MAX_METADATA_SIZE: usize = 10_000;
/// Timeout default and bounds, in ms.
pub const TIMEOUT_MS: (u64, u64, u64) = (30_000, 1_000, 300_000);
/// Advertised job capacity (`/jobs/health`).
pub const MAX_JOBS: i64 = 10_000;
/// Job statuses (elizaOS `JobStatus`).
const STATUSES: [&str; 5] = ["pending", "processing", "completed", "failed", "timeout"];

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
    let agent = pick_agent(&state, o.get("agentId")).await?;

    let db = state.db();
    let now = Utc::now();
    let job_id = Uuid::new_v4();
    let channel = Channel {
        id: Uuid::new_v4(),
        message_server_id: DEFAULT_SERVER_ID,
        name: format!("job-{job_id}"),
        kind: "DM".to_owned(),
        source_type: Some("job".to_owned()),
        source_id: None,
        topic: None,
        metadata: Some(json!({"jobId": job_id.to_string(), "isDm": true})),
        last_seq: 0,
        created_at: now,
        updated_at: now,
    };
    let channel = super::channels::create_stored(&state, &channel, &[agent]).await?;
    let mut m = NewMessage::text(channel.id, user, content);
    m.source_type = Some("job_request".to_owned());
    m.metadata = metadata;
    let msg = db
        .create_message(&m)
        .await
        .map_err(|e| storage(e, "Channel not found"))?
        .message;
    let expires = now + chrono::Duration::milliseconds(timeout_ms as i64);
    let job = Job {
        id: job_id,
        agent_id: agent,
        channel_id: channel.id,
        user_message_id: msg.id,
        status: "processing".to_owned(),
        result: None,
        error: None,
        created_at: now,
        updated_at: now,
        expires_at: expires,
    };
    let job = db.create_job(&job).await.map_err(|e| match e {
        StorageError::Conflict(_) => fail(ErrorCode::NotFound, format!("Agent {agent} not found")),
        other => storage(other, "Job not found"),
    })?;
    // Listen before publishing, so the reply cannot pass unseen.
    let mut sub = state
        .bus()
        .subscribe_to(Filter::channel(channel.id).and_kinds(&[EventKind::NewMessage]));
    let dispatched = Delivery {
        message_id: msg.id,
        agent_id: agent,
        state: DeliveryState::Dispatched,
    };
    if db.set_delivery(&dispatched).await.is_ok() {
        state.bus().publish(BusEvent::DeliveryChanged {
            channel_id: msg.channel_id,
            message_id: msg.id,
            agent_id: agent,
            state: DeliveryState::Dispatched,
        });
    }
    state.bus().publish(BusEvent::NewMessage {
        channel_id: msg.channel_id,
        seq: msg.seq,
        message_id: msg.id,
        author_id: msg.author_id,
    });
    let watcher = state.get_ref().clone();
    let wait = Duration::from_millis(timeout_ms);
    actix_web::rt::spawn(async move {
        let _ = tokio::time::timeout(wait, async {
            loop {
                match sub.recv().await {
                    Received::Event(BusEvent::NewMessage { author_id, .. })
                        if author_id == agent => {}
                    Received::Lagged(_) => {}
                    Received::Closed => return,
                    Received::Event(_) => continue,
                }
                if let Ok(j) = resolve(&watcher, job_id).await
                    && j.status != "processing"
                {
                    return;
                }
            }
        })
        .await;
        let _ = resolve(&watcher, job_id).await;
    });
    Ok(HttpResponse::Created().json(json!({
        "jobId": job.id.to_string(),
        "status": job.status,
        "createdAt": to_millis(job.created_at),
        "expiresAt": to_millis(job.expires_at),
    })))
}

/// The agent for a job: the given one if it runs here, else the first running agent.
async fn pick_agent(state: &AppState, given: Option<&Value>) -> Result<Uuid, ApiError> {
    if let Some(v) = given.filter(|v| !v.is_null()) {
        let id = v
            .as_str()
            .and_then(parse_uuid)
            .ok_or_else(|| bad_request("Invalid agentId format"))?;
        // Running here and stored (the job row refers to it): checked before anything is
        // written, so a rejected job leaves no channel or message behind.
        if !state.agents().is_running(id) || state.db().get_agent(id).await.is_err() {
            return Err(fail(ErrorCode::NotFound, format!("Agent {id} not found")));
        }
        return Ok(id);
    }
    let agents = state.db().list_agents().await.map_err(internal)?;
    agents
        .iter()
        .map(|a| a.id)
        .find(|id| state.agents().is_running(*id))
        .ok_or_else(|| fail(ErrorCode::NotFound, "No agents available on server"))
}

/// Brings a processing job up to date: completed if its agent's reply is stored, timed
/// out once past `expires_at`. Safe to run from any instance, any number of times.
async fn resolve(state: &AppState, id: Uuid) -> Result<Job, StorageError> {
    let db = state.db();
    let job = db.get_job(id).await?;
    if job.status != "processing" && job.status != "pending" {
        return Ok(job);
    }
    if let Some(reply) = db.find_reply(job.agent_id, job.user_message_id).await? {
        let ms = (reply.created_at - job.created_at)
            .num_milliseconds()
            .max(0);
        let result = json!({
            "message": {
                "id": reply.id.to_string(),
                "content": reply.content,
                "authorId": reply.author_id.to_string(),
                "createdAt": to_millis(reply.created_at),
                "metadata": reply.metadata.clone().unwrap_or_else(|| json!({})),
                "seq": reply.seq,
            },
            "processingTimeMs": ms,
        });
        let outcome = JobOutcome {
            id,
            status: "completed".to_owned(),
            result: Some(result),
            error: None,
        };
        return db.update_job(&outcome).await;
    }
    if Utc::now() >= job.expires_at {
        let outcome = JobOutcome {
            id,
            status: "timeout".to_owned(),
            result: None,
            error: Some("Job timed out waiting for agent response".to_owned()),
        };
        return db.update_job(&outcome).await;
    }
    Ok(job)
}

/// `JobDetails`: the job plus the user, prompt and metadata of its user message.
async fn details(state: &AppState, job: &Job) -> Value {
    let msg = state.db().get_message(job.user_message_id).await.ok();
    let mut v = json!({
        "jobId": job.id.to_string(),
        "status": job.status,
        "agentId": job.agent_id.to_string(),
        "userId": msg.as_ref().map(|m| m.author_id.to_string()),
        "prompt": msg.as_ref().map(|m| m.content.clone()),
        "createdAt": to_millis(job.created_at),
        "expiresAt": to_millis(job.expires_at),
        "metadata": msg.and_then(|m| m.metadata).unwrap_or_else(|| json!({})),
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
    let job = resolve(&state, id)
        .await
        .map_err(|e| storage(e, "Job not found"))?;
    Ok(HttpResponse::Ok().json(details(&state, &job).await))
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
    let all = state.db().list_jobs(500).await.map_err(internal)?;
    let total = all.len();
    let mut jobs = Vec::new();
    for j in &all {
        let j = resolve(&state, j.id).await.map_err(internal)?;
        if status.is_none_or(|s| s == j.status) {
            jobs.push(j);
        }
    }
    let filtered = jobs.len();
    let mut out = Vec::new();
    for j in jobs.iter().take(limit) {
        out.push(details(&state, j).await);
    }
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
