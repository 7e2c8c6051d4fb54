//! `/api/messaging/jobs`: a user message to an agent that a client polls for the reply.
//! Successes are raw bodies (no `success` wrapper), times are epoch ms; errors are the
//! family-E [`crate::envelope::MsgError`].

use std::collections::HashMap;
use std::time::Duration;

use agentd_core::model::{Job, Message};
use agentd_core::parse_uuid;
use agentd_core::time::{Timestamp, to_millis};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{BodyError, Object};

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

/// `POST /jobs`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateJob {
    /// The prompt (required, at most 50000 characters).
    #[serde(default)]
    pub content: Option<String>,
    /// The agent to ask; by default one running on the server.
    #[serde(default)]
    pub agent_id: Option<String>,
    /// The user (required).
    #[serde(default)]
    pub user_id: Option<String>,
    /// Free-form metadata, at most 10000 characters serialized.
    #[serde(default)]
    pub metadata: Option<Object>,
    /// How long to wait for the reply, 1000 to 300000 ms (default 30000).
    #[serde(default)]
    pub timeout_ms: Option<u64>,
}

/// A checked [`CreateJob`].
#[derive(Debug, Clone, PartialEq)]
pub struct JobInput {
    /// The user.
    pub user: Uuid,
    /// The prompt.
    pub content: String,
    /// The agent, when named.
    pub agent: Option<Uuid>,
    /// The metadata (an object), when given.
    pub metadata: Option<Value>,
    /// How long to wait for the reply.
    pub timeout: Duration,
}

/// The message of a `timeoutMs` out of bounds.
fn timeout_message() -> String {
    format!(
        "timeoutMs must be between {} and {}",
        TIMEOUT_MS.1, TIMEOUT_MS.2
    )
}

impl CreateJob {
    /// The message of a field that does not fit: the one the check of that field gives.
    pub fn field_message(e: &BodyError) -> Option<String> {
        let field = e.field()?;
        let root = &field[..field.find(['.', '[']).unwrap_or(field.len())];
        Some(match root {
            "userId" => "userId is required".to_owned(),
            "content" => "content is required".to_owned(),
            "agentId" => "Invalid agentId format".to_owned(),
            "metadata" => "metadata must be an object".to_owned(),
            "timeoutMs" => timeout_message(),
            _ => return None,
        })
    }

    /// Checks the body, in the order elizaOS does: the user, the content, the metadata,
    /// the timeout, the agent. The error is the client's message.
    pub fn check(self) -> Result<JobInput, String> {
        let user = self
            .user_id
            .filter(|u| !u.is_empty())
            .ok_or("userId is required")?;
        let user = parse_uuid(&user).ok_or("Invalid userId format")?;
        let content = self
            .content
            .filter(|c| !c.is_empty())
            .ok_or("content is required")?;
        if content.chars().count() > MAX_CONTENT_LENGTH {
            return Err(format!(
                "Content exceeds maximum length of {MAX_CONTENT_LENGTH} characters"
            ));
        }
        let metadata = self.metadata.map(Value::Object);
        if metadata
            .as_ref()
            .is_some_and(|m| m.to_string().len() > MAX_METADATA_SIZE)
        {
            return Err(format!(
                "Metadata exceeds maximum size of {MAX_METADATA_SIZE} characters"
            ));
        }
        let timeout_ms = self.timeout_ms.unwrap_or(TIMEOUT_MS.0);
        if !(TIMEOUT_MS.1..=TIMEOUT_MS.2).contains(&timeout_ms) {
            return Err(timeout_message());
        }
        let agent = self
            .agent_id
            .map(|a| parse_uuid(&a).ok_or("Invalid agentId format"))
            .transpose()?;
        Ok(JobInput {
            user,
            content,
            agent,
            metadata,
            timeout: Duration::from_millis(timeout_ms),
        })
    }
}

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

/// `GET /jobs/health`: counts per status and rates.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobsHealth {
    /// Always `true`.
    pub healthy: bool,
    /// Epoch ms.
    pub timestamp: i64,
    /// Every stored job.
    pub total_jobs: i64,
    /// Stored jobs per status.
    pub status_counts: StatusCounts,
    /// Rates over every stored job, and the mean processing time of recent ones.
    pub metrics: JobMetrics,
    /// Advertised capacity.
    pub max_jobs: i64,
}

/// Stored jobs per status.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatusCounts {
    /// Waiting to be sent.
    pub pending: i64,
    /// Waiting for the reply.
    pub processing: i64,
    /// Answered.
    pub completed: i64,
    /// Failed.
    pub failed: i64,
    /// Not answered in time.
    pub timeout: i64,
}

/// The rates of `/jobs/health`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobMetrics {
    /// Mean `processingTimeMs` of the recent completed jobs (0 when none).
    pub average_processing_time_ms: f64,
    /// Completed / total (0 without jobs).
    pub success_rate: f64,
    /// Failed / total.
    pub failure_rate: f64,
    /// Timed out / total.
    pub timeout_rate: f64,
}

impl JobsHealth {
    /// The report from the stored counts per status and the recent jobs.
    pub fn new(counts: &[(String, i64)], recent: &[Job], now: Timestamp) -> Self {
        let count = |s: &str| counts.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
        let total: i64 = counts.iter().map(|(_, n)| n).sum();
        let times: Vec<f64> = recent
            .iter()
            .filter_map(|j| j.result.as_ref()?.get("processingTimeMs")?.as_f64())
            .collect();
        let average = if times.is_empty() {
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
        JobsHealth {
            healthy: true,
            timestamp: to_millis(now),
            total_jobs: total,
            status_counts: StatusCounts {
                pending: count("pending"),
                processing: count("processing"),
                completed: count("completed"),
                failed: count("failed"),
                timeout: count("timeout"),
            },
            metrics: JobMetrics {
                average_processing_time_ms: average,
                success_rate: rate(count("completed")),
                failure_rate: rate(count("failed")),
                timeout_rate: rate(count("timeout")),
            },
            max_jobs: MAX_JOBS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(body: &str) -> Result<JobInput, String> {
        crate::parse::<CreateJob>(body.as_bytes())
            .map_err(|e| CreateJob::field_message(&e).unwrap_or_default())?
            .check()
    }

    #[test]
    fn create_checks_keep_the_elizaos_order_and_messages() {
        let user = "6f1c2a3b-0000-4000-8000-000000000001";
        assert_eq!(
            check(r#"{"content":"x"}"#).unwrap_err(),
            "userId is required"
        );
        assert_eq!(
            check(r#"{"userId":"u","content":"x"}"#).unwrap_err(),
            "Invalid userId format"
        );
        assert_eq!(
            check(&format!(r#"{{"userId":"{user}"}}"#)).unwrap_err(),
            "content is required"
        );
        assert_eq!(
            check(&format!(
                r#"{{"userId":"{user}","content":"x","timeoutMs":10}}"#
            ))
            .unwrap_err(),
            "timeoutMs must be between 1000 and 300000"
        );
        assert_eq!(
            check(&format!(
                r#"{{"userId":"{user}","content":"x","timeoutMs":-1}}"#
            ))
            .unwrap_err(),
            "timeoutMs must be between 1000 and 300000"
        );
        assert_eq!(
            check(&format!(
                r#"{{"userId":"{user}","content":"x","metadata":3}}"#
            ))
            .unwrap_err(),
            "metadata must be an object"
        );
        let ok = check(&format!(r#"{{"userId":"{user}","content":"x"}}"#)).unwrap();
        assert_eq!(ok.timeout, Duration::from_millis(30_000));
        assert_eq!(ok.agent, None);
    }

    #[test]
    fn health_rates_are_shares_of_all_jobs() {
        let counts = vec![("completed".to_owned(), 1), ("timeout".to_owned(), 1)];
        let h = JobsHealth::new(&counts, &[], chrono::Utc::now());
        assert_eq!(h.total_jobs, 2);
        assert_eq!(h.metrics.success_rate, 0.5);
        assert_eq!(h.metrics.average_processing_time_ms, 0.0);
        assert_eq!(h.status_counts.pending, 0);
    }
}
