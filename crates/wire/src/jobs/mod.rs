//! `/api/messaging/jobs`: a user message to an agent that a client polls for the reply.
//! Successes are raw bodies (no `success` wrapper), times are epoch ms; errors are the
//! family-E [`crate::envelope::MsgError`].

mod create;
mod health;

pub use create::{CreateJob, JobInput};
pub use health::{JobMetrics, JobsHealth, StatusCounts};

use std::collections::HashMap;

use agentd_core::model::{Job, Message};
use agentd_core::time::to_millis;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::Object;

/// Longest prompt accepted.
pub const MAX_CONTENT_LENGTH: usize = 50_000;
/// Largest metadata accepted, in JSON characters.
pub const MAX_METADATA_SIZE: usize = 10_000;
/// Timeout default and bounds, in ms.
pub const TIMEOUT_MS: (u64, u64, u64) = (30_000, 1_000, 300_000);
/// Advertised job capacity (`/jobs/health`).
pub const MAX_JOBS: i64 = 10_000;
/// Default page of `GET /jobs`.
pub const DEFAULT_LIMIT: usize = 50;

/// `201` of `POST /jobs`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobCreated {
    /// Job id.
    pub job_id: Uuid,
    /// `pending`, `processing`, `completed`, `failed` or `timeout`.
    pub status: String,
    /// Epoch ms.
    pub created_at: i64,
    /// Epoch ms: when the job times out.
    pub expires_at: i64,
}

impl From<&Job> for JobCreated {
    fn from(job: &Job) -> Self {
        JobCreated {
            job_id: job.id,
            status: job.status.clone(),
            created_at: to_millis(job.created_at),
            expires_at: to_millis(job.expires_at),
        }
    }
}

/// `JobDetails`: the job plus the user, prompt and metadata of its user message.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobDetails {
    /// Job id.
    pub job_id: Uuid,
    /// `pending`, `processing`, `completed`, `failed` or `timeout`.
    pub status: String,
    /// The agent asked.
    pub agent_id: Uuid,
    /// The user; `null` when the user message is gone.
    pub user_id: Option<Uuid>,
    /// The prompt; `null` when the user message is gone.
    pub prompt: Option<String>,
    /// Epoch ms.
    pub created_at: i64,
    /// Epoch ms.
    pub expires_at: i64,
    /// The user message's metadata (`{}` when none).
    pub metadata: Value,
    /// Once completed: the reply (`message`, `processingTimeMs`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<Value>,
    /// Once failed or timed out: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl JobDetails {
    /// The details of `job` and its user message, if still stored.
    pub fn new(job: &Job, user_message: Option<&Message>) -> Self {
        JobDetails {
            job_id: job.id,
            status: job.status.clone(),
            agent_id: job.agent_id,
            user_id: user_message.map(|m| m.author_id),
            prompt: user_message.map(|m| m.content.clone()),
            created_at: to_millis(job.created_at),
            expires_at: to_millis(job.expires_at),
            metadata: user_message
                .and_then(|m| m.metadata.clone())
                .unwrap_or_else(|| Value::Object(Object::new())),
            result: job.result.clone(),
            error: job.error.clone(),
        }
    }
}

/// `GET /jobs` query (a repeated key is its last value).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(from = "HashMap<String, String>")]
#[into_params(parameter_in = Query)]
pub struct JobsQuery {
    /// Page size, a positive integer (default 50).
    pub limit: Option<String>,
    /// Only this status: pending, processing, completed, failed or timeout.
    pub status: Option<String>,
}

impl From<HashMap<String, String>> for JobsQuery {
    fn from(mut q: HashMap<String, String>) -> Self {
        JobsQuery {
            limit: q.remove("limit"),
            status: q.remove("status"),
        }
    }
}

impl JobsQuery {
    /// The page size, or the message for one that is not a positive integer.
    pub fn limit(&self) -> Result<usize, &'static str> {
        match &self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(l) => l
                .parse::<usize>()
                .ok()
                .filter(|l| *l > 0)
                .ok_or("Invalid limit"),
        }
    }
}

/// `GET /jobs`: newest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobList {
    /// The page.
    pub jobs: Vec<JobDetails>,
    /// Recent jobs considered (at most 500).
    pub total: usize,
    /// Of those, the ones with the asked status.
    pub filtered: usize,
}
