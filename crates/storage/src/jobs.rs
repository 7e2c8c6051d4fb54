//! Message jobs: a user message waiting for an agent's reply, pollable from any instance.

use crate::error::NotFoundExt;
use crate::error::Record;
use crate::pool::{with_conn, with_write_conn};
use crate::schema::jobs;
use crate::types::{Id, Json, Ts, now};
use crate::{Db, StorageError};
use agentd_core::model::Job;
use agentd_core::time::Timestamp;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use serde_json::Value;
use uuid::Uuid;

/// A job's new state, written by [`JobStore::update_job`].
#[derive(Debug, Clone, PartialEq)]
pub struct JobOutcome {
    /// The job.
    pub id: Uuid,
    /// The new status.
    pub status: String,
    /// The result, if any (NULL otherwise).
    pub result: Option<Value>,
    /// The error, if any (NULL otherwise).
    pub error: Option<String>,
}

/// Job operations.
pub trait JobStore {
    /// Stores a new job; `Duplicate(Job)` if the id is taken, `MissingReference(Agent)` if the agent (or
    /// the channel) is missing.
    fn create_job(&self, job: &Job) -> impl Future<Output = Result<Job, StorageError>> + Send;
    /// The job with this id, or `NotFound`.
    fn get_job(&self, id: Uuid) -> impl Future<Output = Result<Job, StorageError>> + Send;
    /// The newest `limit` jobs (clamped to 1..=500), newest first.
    fn list_jobs(&self, limit: i64) -> impl Future<Output = Result<Vec<Job>, StorageError>> + Send;
    /// The jobs waiting on a user message (normally one), oldest first: how the reply
    /// finds the job it completes.
    fn find_jobs_for_message(
        &self,
        user_message_id: Uuid,
    ) -> impl Future<Output = Result<Vec<Job>, StorageError>> + Send;
    /// Sets status, result and error; `updated_at` becomes now. `NotFound` if absent.
    fn update_job(
        &self,
        outcome: &JobOutcome,
    ) -> impl Future<Output = Result<Job, StorageError>> + Send;
    /// How many jobs there are per status (statuses without jobs are absent).
    fn count_jobs_by_status(
        &self,
    ) -> impl Future<Output = Result<Vec<(String, i64)>, StorageError>> + Send;
    /// Deletes the jobs that expired before `cutoff`; returns how many.
    fn delete_expired_jobs(
        &self,
        cutoff: Timestamp,
    ) -> impl Future<Output = Result<u64, StorageError>> + Send;
}

/// One `jobs` row.
#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = jobs)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct JobRow {
    id: Id,
    agent_id: Id,
    channel_id: Id,
    user_message_id: Id,
    status: String,
    result: Option<Json>,
    error: Option<String>,
    created_at: Ts,
    updated_at: Ts,
    expires_at: Ts,
}

impl From<&Job> for JobRow {
    fn from(j: &Job) -> Self {
        JobRow {
            id: Id(j.id),
            agent_id: Id(j.agent_id),
            channel_id: Id(j.channel_id),
            user_message_id: Id(j.user_message_id),
            status: j.status.clone(),
            result: j.result.clone().map(Json),
            error: j.error.clone(),
            created_at: Ts(j.created_at),
            updated_at: Ts(j.updated_at),
            expires_at: Ts(j.expires_at),
        }
    }
}

impl From<JobRow> for Job {
    fn from(r: JobRow) -> Self {
        Job {
            id: r.id.0,
            agent_id: r.agent_id.0,
            channel_id: r.channel_id.0,
            user_message_id: r.user_message_id.0,
            status: r.status,
            result: r.result.map(|j| j.0),
            error: r.error,
            created_at: r.created_at.0,
            updated_at: r.updated_at.0,
            expires_at: r.expires_at.0,
        }
    }
}

impl JobStore for Db {
    async fn create_job(&self, job: &Job) -> Result<Job, StorageError> {
        let row = JobRow::from(job);
        with_write_conn!(self, |c| {
            let r: JobRow = diesel::insert_into(jobs::table)
                .values(&row)
                .returning(JobRow::as_returning())
                .get_result(c)
                .await
                .map_err(|e| StorageError::from(e).naming(Record::Job, Record::Agent))?;
            Ok(r.into())
        })
    }

    async fn get_job(&self, id: Uuid) -> Result<Job, StorageError> {
        with_conn!(self, |c| {
            let r: JobRow = jobs::table
                .find(Id(id))
                .select(JobRow::as_select())
                .first(c)
                .await
                .or_not_found(Record::Job)?;
            Ok(r.into())
        })
    }

    async fn list_jobs(&self, limit: i64) -> Result<Vec<Job>, StorageError> {
        with_conn!(self, |c| {
            let rows: Vec<JobRow> = jobs::table
                .order((jobs::created_at.desc(), jobs::id.desc()))
                .limit(limit.clamp(1, 500))
                .select(JobRow::as_select())
                .load(c)
                .await?;
            Ok(rows.into_iter().map(Into::into).collect())
        })
    }

    async fn find_jobs_for_message(&self, user_message_id: Uuid) -> Result<Vec<Job>, StorageError> {
        with_conn!(self, |c| {
            let rows: Vec<JobRow> = jobs::table
                .filter(jobs::user_message_id.eq(Id(user_message_id)))
                .order((jobs::created_at.asc(), jobs::id.asc()))
                .select(JobRow::as_select())
                .load(c)
                .await?;
            Ok(rows.into_iter().map(Into::into).collect())
        })
    }

    async fn update_job(&self, outcome: &JobOutcome) -> Result<Job, StorageError> {
        let result = outcome.result.clone().map(Json);
        with_write_conn!(self, |c| {
            let r: JobRow = diesel::update(jobs::table.find(Id(outcome.id)))
                .set((
                    jobs::status.eq(&outcome.status),
                    jobs::result.eq(&result),
                    jobs::error.eq(&outcome.error),
                    jobs::updated_at.eq(Ts(now())),
                ))
                .returning(JobRow::as_returning())
                .get_result(c)
                .await
                .or_not_found(Record::Job)?;
            Ok(r.into())
        })
    }

    async fn count_jobs_by_status(&self) -> Result<Vec<(String, i64)>, StorageError> {
        with_conn!(self, |c| {
            let rows: Vec<(String, i64)> = jobs::table
                .group_by(jobs::status)
                .select((jobs::status, diesel::dsl::count_star()))
                .order(jobs::status.asc())
                .load(c)
                .await?;
            Ok(rows)
        })
    }

    async fn delete_expired_jobs(&self, cutoff: Timestamp) -> Result<u64, StorageError> {
        with_write_conn!(self, |c| {
            let n = diesel::delete(jobs::table.filter(jobs::expires_at.lt(Ts(cutoff))))
                .execute(c)
                .await?;
            Ok(n as u64)
        })
    }
}
