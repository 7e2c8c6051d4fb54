//! Jobs: a user message to an agent that a client polls for the reply. Stored in the `jobs`
//! table, so a poll works after a restart; a job completes when its agent's reply is stored
//! (seen on the bus, or found in storage on read) and times out per `timeoutMs`. Errors are
//! family E (`{"success":false,"error":"…"}`), successes raw.

use actix_web::{HttpResponse, web};
use agentd_core::model::Job;
use agentd_core::{ErrorCode, parse_uuid};
use agentd_messaging::jobs::{JobRequest, STATUSES};
use agentd_storage::prelude::*;
use agentd_wire::BodyError;
use agentd_wire::envelope::MsgError;
use agentd_wire::jobs::{CreateJob, JobCreated, JobDetails, JobList, JobsHealth, JobsQuery};
use chrono::Utc;

use crate::error::ApiError;
use crate::routes::support::messaging::{bad_request, fail, internal, messaging, resource};
use crate::state::AppState;

/// Recent jobs that `GET /jobs` and `/jobs/health` look at.
const RECENT: i64 = 500;

/// Parses the create body: a field that does not fit gets its check's message, with the
/// serde message in `details`.
fn create_body(bytes: &[u8]) -> Result<CreateJob, ApiError> {
    agentd_wire::parse(bytes).map_err(|e| match &e {
        BodyError::Syntax(m) => bad_request("Invalid JSON body").with_details(m.clone()),
        BodyError::NotObject => bad_request("Request body must be a JSON object"),
        BodyError::Field { .. } => {
            let message =
                CreateJob::field_message(&e).unwrap_or_else(|| "Invalid JSON body".into());
            bad_request(message).with_details(e.to_string())
        }
    })
}

/// Registers the job routes (`/jobs/health` before `/jobs/{id}`).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/health").get(get_jobs_health))
        .service(resource("").get(list_jobs).post(create_job))
        .service(resource("/{jobId}").get(get_job));
}

/// `POST /jobs`: `201 {jobId, status, createdAt, expiresAt}`.
#[utoipa::path(
    post, path = "/api/messaging/jobs", tag = "messaging", request_body = CreateJob,
    responses(
        (status = 201, description = "The job (raw)", body = JobCreated),
        (status = 400, description = "Invalid id or body", body = MsgError),
        (status = 404, description = "No such agent", body = MsgError),
    )
)]
pub async fn create_job(
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let input = create_body(&body)?.check().map_err(bad_request)?;
    let request = JobRequest {
        user: input.user,
        content: input.content,
        agent: input.agent,
        metadata: input.metadata,
        timeout: input.timeout,
    };
    let job = state
        .messaging()
        .create_job(request)
        .await
        .map_err(|e| messaging(e, "Job not found"))?;
    Ok(HttpResponse::Created().json(JobCreated::from(&job)))
}

/// `GET /jobs/:jobId`: `JobDetails`, 404 "Job not found".
#[utoipa::path(
    get, path = "/api/messaging/jobs/{jobId}", tag = "messaging", params(("jobId" = uuid::Uuid, Path, description = "Job id")),
    responses(
        (status = 200, description = "The job with its result (raw)", body = JobDetails),
        (status = 400, description = "Invalid id or body", body = MsgError),
        (status = 404, description = "Job not found", body = MsgError),
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
    Ok(HttpResponse::Ok().json(JobDetails::new(&job.job, job.user_message.as_ref())))
}

/// `GET /jobs?limit&status`: `{jobs, total, filtered}`, newest first.
#[utoipa::path(
    get, path = "/api/messaging/jobs", tag = "messaging", params(JobsQuery),
    responses(
        (status = 200, description = "Newest first (raw)", body = JobList),
        (status = 400, description = "Invalid id or body", body = MsgError),
    )
)]
pub async fn list_jobs(
    state: web::Data<AppState>,
    q: web::Query<JobsQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = q.limit().map_err(bad_request)?;
    let status = q.status.as_deref();
    if status.is_some_and(|s| !STATUSES.contains(&s)) {
        return Err(bad_request("Invalid status"));
    }
    let all = state
        .messaging()
        .recent_jobs(RECENT)
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
    let jobs = page
        .iter()
        .map(|d| JobDetails::new(&d.job, d.user_message.as_ref()))
        .collect();
    Ok(HttpResponse::Ok().json(JobList {
        jobs,
        total,
        filtered,
    }))
}

/// `GET /jobs/health`: counts per status and success/failure/timeout rates.
#[utoipa::path(
    get, path = "/api/messaging/jobs/health", tag = "messaging",
    responses(
        (status = 200, description = "Counts per status and rates (raw)", body = JobsHealth),
    )
)]
pub async fn get_jobs_health(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let db = state.db();
    let counts = db.count_jobs_by_status().await.map_err(internal)?;
    let recent = db.list_jobs(RECENT).await.map_err(internal)?;
    Ok(HttpResponse::Ok().json(JobsHealth::new(&counts, &recent, Utc::now())))
}
