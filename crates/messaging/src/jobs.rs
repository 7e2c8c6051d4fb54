//! A job's life: a user message to an agent, in a channel of its own, whose reply a
//! client polls for. Stored in the `jobs` table, so a poll works after a restart. A job
//! completes when its agent's reply is stored, fails when the agent errs on or ignores
//! the message, and times out at `expires_at`; [`Messaging::job`] brings a job up to
//! date from storage, from any instance, any number of times.

use std::time::Duration;

use agentd_bus::{BusEvent, EventKind, Filter, Received};
use agentd_core::DEFAULT_SERVER_ID;
use agentd_core::model::{Channel, DeliveryState, Job};
use agentd_core::time::to_millis;
use agentd_storage::prelude::*;
use agentd_storage::{JobOutcome, NewMessage, StorageError};
use chrono::Utc;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::channels::NewChannel;
use crate::post::{Destination, Post};
use crate::{Messaging, MessagingError};

/// Job statuses (elizaOS `JobStatus`).
pub const STATUSES: [&str; 5] = ["pending", "processing", "completed", "failed", "timeout"];

/// A job to create.
#[derive(Debug, Clone)]
pub struct JobRequest {
    /// The user asking.
    pub user: Uuid,
    /// The prompt.
    pub content: String,
    /// The agent to ask; `None` means the first agent running here.
    pub agent: Option<Uuid>,
    /// Metadata kept on the user message.
    pub metadata: Option<Value>,
    /// How long the agent has to answer.
    pub timeout: Duration,
}

/// A job with the user message it asked.
#[derive(Debug, Clone)]
pub struct JobDetails {
    /// The job.
    pub job: Job,
    /// Its user message, if it still exists.
    pub user_message: Option<agentd_core::model::Message>,
}

impl Messaging {
    /// Creates a job: checks the agent (before anything is written), creates the job's
    /// channel with the agent, posts the prompt, stores the job and watches for its end.
    pub async fn create_job(&self, req: JobRequest) -> Result<Job, MessagingError> {
        let agent = self.job_agent(req.agent).await?;
        let now = Utc::now();
        let job_id = Uuid::new_v4();
        let mut channel = Channel::new(
            Uuid::new_v4(),
            DEFAULT_SERVER_ID,
            format!("job-{job_id}"),
            "DM",
            now,
        );
        channel.source_type = Some("job".to_owned());
        channel.metadata = Some(json!({"jobId": job_id.to_string(), "isDm": true}));
        let (channel, participants) = self
            .ensure_channel(NewChannel {
                channel,
                participants: vec![agent],
            })
            .await?;
        // Listen before posting, so the reply cannot pass unseen.
        let sub = self.bus.subscribe_to(
            Filter::channel(channel.id).and_kinds(&[EventKind::NewMessage, EventKind::Delivery]),
        );
        let mut m = NewMessage::text(channel.id, req.user, req.content);
        m.source_type = Some("job_request".to_owned());
        m.metadata = req.metadata;
        let posted = self
            .post(Post {
                destination: Destination::Known {
                    channel,
                    participants,
                },
                ..Post::new(m)
            })
            .await?;
        let timeout_ms = i64::try_from(req.timeout.as_millis()).unwrap_or(i64::MAX);
        let job = Job {
            id: job_id,
            agent_id: agent,
            channel_id: posted.channel.id,
            user_message_id: posted.message.id,
            status: "processing".to_owned(),
            result: None,
            error: None,
            created_at: now,
            updated_at: now,
            expires_at: now + chrono::Duration::milliseconds(timeout_ms),
        };
        let job = self.db.create_job(&job).await.map_err(|e| match e {
            StorageError::MissingReference(_) => MessagingError::AgentNotFound(agent),
            other => other.into(),
        })?;
        tokio::spawn(self.clone().watch_job(job.id, agent, sub, req.timeout));
        Ok(job)
    }

    /// The agent of a job: the given one if it runs here and is stored, else the first
    /// running agent.
    async fn job_agent(&self, given: Option<Uuid>) -> Result<Uuid, MessagingError> {
        if let Some(id) = given {
            if !self.agents.is_running(id) || self.db.get_agent(id).await.is_err() {
                return Err(MessagingError::AgentNotFound(id));
            }
            return Ok(id);
        }
        let agents = self.db.list_agents().await?;
        agents
            .iter()
            .map(|a| a.id)
            .find(|id| self.agents.is_running(*id))
            .ok_or(MessagingError::NoAgentAvailable)
    }

    /// Brings the job up to date on every event that may end it, until it ends or times
    /// out.
    async fn watch_job(
        self,
        id: Uuid,
        agent: Uuid,
        mut sub: agentd_bus::Subscription,
        timeout: Duration,
    ) {
        let _ = tokio::time::timeout(timeout, async {
            loop {
                match sub.recv().await {
                    Received::Event(BusEvent::NewMessage { author_id, .. })
                        if author_id == agent => {}
                    Received::Event(BusEvent::DeliveryChanged { agent_id, .. })
                        if agent_id == agent => {}
                    Received::Lagged(_) => {}
                    Received::Closed => return,
                    Received::Event(_) => continue,
                }
                if let Ok(j) = self.job(id).await
                    && !is_open(&j)
                {
                    return;
                }
            }
        })
        .await;
        if let Err(e) = self.job(id).await {
            tracing::warn!(job.id = %id, error = %e, "job not brought up to date");
        }
    }

    /// The job, brought up to date: completed if its agent's reply is stored, failed if
    /// the agent ended its delivery otherwise, timed out once past `expires_at`.
    pub async fn job(&self, id: Uuid) -> Result<Job, MessagingError> {
        let job = self.db.get_job(id).await?;
        if !is_open(&job) {
            return Ok(job);
        }
        let outcome = if let Some(reply) = self
            .db
            .find_reply(job.agent_id, job.user_message_id)
            .await?
        {
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
            Some(("completed", Some(result), None))
        } else if let Some(failure) = self.failure(&job).await? {
            Some(("failed", None, Some(failure)))
        } else if Utc::now() >= job.expires_at {
            let error = "Job timed out waiting for agent response".to_owned();
            Some(("timeout", None, Some(error)))
        } else {
            None
        };
        let Some((status, result, error)) = outcome else {
            return Ok(job);
        };
        let outcome = JobOutcome {
            id,
            status: status.to_owned(),
            result,
            error,
        };
        Ok(self.db.update_job(&outcome).await?)
    }

    /// Why the job's agent ended without a reply, if it did.
    async fn failure(&self, job: &Job) -> Result<Option<String>, MessagingError> {
        let deliveries = self.db.list_deliveries(&[job.user_message_id]).await?;
        Ok(deliveries
            .into_iter()
            .find(|d| d.agent_id == job.agent_id)
            .and_then(|d| match d.state {
                DeliveryState::Errored => Some(format!(
                    "Agent failed: {}",
                    d.reason.as_deref().unwrap_or("error")
                )),
                DeliveryState::Ignored => Some(format!(
                    "Agent did not reply: {}",
                    d.reason.as_deref().unwrap_or("ignored")
                )),
                _ => None,
            }))
    }

    /// A job brought up to date, with its user message.
    pub async fn job_details(&self, id: Uuid) -> Result<JobDetails, MessagingError> {
        let job = self.job(id).await?;
        self.details(job).await
    }

    async fn details(&self, job: Job) -> Result<JobDetails, MessagingError> {
        let user_message = match self.db.get_message(job.user_message_id).await {
            Ok(m) => Some(m),
            Err(StorageError::NotFound(_)) => None,
            Err(e) => return Err(e.into()),
        };
        Ok(JobDetails { job, user_message })
    }

    /// The newest `scan` jobs, each brought up to date, newest first.
    pub async fn recent_jobs(&self, scan: i64) -> Result<Vec<Job>, MessagingError> {
        let mut out = Vec::new();
        for j in self.db.list_jobs(scan).await? {
            out.push(self.job(j.id).await?);
        }
        Ok(out)
    }

    /// [`Messaging::job_details`] of each job.
    pub async fn with_details(&self, jobs: Vec<Job>) -> Result<Vec<JobDetails>, MessagingError> {
        let mut out = Vec::with_capacity(jobs.len());
        for j in jobs {
            out.push(self.details(j).await?);
        }
        Ok(out)
    }
}

/// Whether the job may still change.
fn is_open(job: &Job) -> bool {
    job.status == "processing" || job.status == "pending"
}
