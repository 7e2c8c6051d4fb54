//! Messaging sessions, stored so they survive restarts and span instances.

use crate::error::NotFoundExt;
use crate::error::Record;
use crate::pool::{with_conn, with_write_conn};
use crate::schema::sessions;
use crate::types::{Id, Json, Ts};
use crate::{Db, StorageError};
use agentd_core::model::Session;
use agentd_core::time::Timestamp;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

/// Session operations.
pub trait SessionStore {
    /// Stores a new session; `Duplicate(Session)` if the id is taken, `MissingReference` if the agent or channel is
    /// missing.
    fn create_session(
        &self,
        session: &Session,
    ) -> impl Future<Output = Result<Session, StorageError>> + Send;
    /// The session with this id, or `NotFound` (expired ones included: the caller decides).
    fn get_session(&self, id: Uuid) -> impl Future<Output = Result<Session, StorageError>> + Send;
    /// Every session, newest first.
    fn list_sessions(&self) -> impl Future<Output = Result<Vec<Session>, StorageError>> + Send;
    /// Replaces the mutable fields (metadata, timeouts, activity, expiry, renewals, token);
    /// ids and `created_at` are kept. `NotFound` if absent.
    fn update_session(
        &self,
        session: &Session,
    ) -> impl Future<Output = Result<Session, StorageError>> + Send;
    /// Deletes a session (its channel stays); `NotFound` if absent.
    fn delete_session(&self, id: Uuid) -> impl Future<Output = Result<(), StorageError>> + Send;
    /// Deletes the sessions that expired before `cutoff`; returns how many.
    fn delete_expired_sessions(
        &self,
        cutoff: Timestamp,
    ) -> impl Future<Output = Result<u64, StorageError>> + Send;
    /// Deletes the channels (with their message history) of the sessions that expired
    /// before `cutoff`, and so the sessions themselves; returns how many channels. Only for
    /// operators who opted in: history is otherwise kept.
    fn delete_expired_session_channels(
        &self,
        cutoff: Timestamp,
    ) -> impl Future<Output = Result<u64, StorageError>> + Send;
}

/// One `sessions` row.
#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct SessionRow {
    id: Id,
    agent_id: Id,
    channel_id: Id,
    user_id: Id,
    metadata: Json,
    timeout_minutes: i32,
    auto_renew: bool,
    max_duration_minutes: i32,
    warning_threshold_minutes: i32,
    created_at: Ts,
    last_activity: Ts,
    expires_at: Ts,
    renewal_count: i32,
    token_hash: Option<String>,
}

/// The mutable columns of `sessions`; `None` writes NULL.
#[derive(AsChangeset)]
#[diesel(table_name = sessions, treat_none_as_null = true)]
struct SessionChanges {
    metadata: Json,
    timeout_minutes: i32,
    auto_renew: bool,
    max_duration_minutes: i32,
    warning_threshold_minutes: i32,
    last_activity: Ts,
    expires_at: Ts,
    renewal_count: i32,
    token_hash: Option<String>,
}

impl From<&Session> for SessionRow {
    fn from(s: &Session) -> Self {
        SessionRow {
            id: Id(s.id),
            agent_id: Id(s.agent_id),
            channel_id: Id(s.channel_id),
            user_id: Id(s.user_id),
            metadata: Json(s.metadata.clone()),
            timeout_minutes: s.timeout_minutes,
            auto_renew: s.auto_renew,
            max_duration_minutes: s.max_duration_minutes,
            warning_threshold_minutes: s.warning_threshold_minutes,
            created_at: Ts(s.created_at),
            last_activity: Ts(s.last_activity),
            expires_at: Ts(s.expires_at),
            renewal_count: s.renewal_count,
            token_hash: s.token_hash.clone(),
        }
    }
}

impl From<SessionRow> for Session {
    fn from(r: SessionRow) -> Self {
        Session {
            id: r.id.0,
            agent_id: r.agent_id.0,
            channel_id: r.channel_id.0,
            user_id: r.user_id.0,
            metadata: r.metadata.0,
            timeout_minutes: r.timeout_minutes,
            auto_renew: r.auto_renew,
            max_duration_minutes: r.max_duration_minutes,
            warning_threshold_minutes: r.warning_threshold_minutes,
            created_at: r.created_at.0,
            last_activity: r.last_activity.0,
            expires_at: r.expires_at.0,
            renewal_count: r.renewal_count,
            token_hash: r.token_hash,
        }
    }
}

impl SessionStore for Db {
    async fn create_session(&self, session: &Session) -> Result<Session, StorageError> {
        let row = SessionRow::from(session);
        with_write_conn!(self, |c| {
            let r: SessionRow = diesel::insert_into(sessions::table)
                .values(&row)
                .returning(SessionRow::as_returning())
                .get_result(c)
                .await
                .map_err(|e| StorageError::from(e).naming(Record::Session, Record::Row))?;
            Ok(r.into())
        })
    }

    async fn get_session(&self, id: Uuid) -> Result<Session, StorageError> {
        with_conn!(self, |c| {
            let r: SessionRow = sessions::table
                .find(Id(id))
                .select(SessionRow::as_select())
                .first(c)
                .await
                .or_not_found(Record::Session)?;
            Ok(r.into())
        })
    }

    async fn list_sessions(&self) -> Result<Vec<Session>, StorageError> {
        with_conn!(self, |c| {
            let rows: Vec<SessionRow> = sessions::table
                .order((sessions::created_at.desc(), sessions::id.desc()))
                .select(SessionRow::as_select())
                .load(c)
                .await?;
            Ok(rows.into_iter().map(Into::into).collect())
        })
    }

    async fn update_session(&self, session: &Session) -> Result<Session, StorageError> {
        let changes = SessionChanges {
            metadata: Json(session.metadata.clone()),
            timeout_minutes: session.timeout_minutes,
            auto_renew: session.auto_renew,
            max_duration_minutes: session.max_duration_minutes,
            warning_threshold_minutes: session.warning_threshold_minutes,
            last_activity: Ts(session.last_activity),
            expires_at: Ts(session.expires_at),
            renewal_count: session.renewal_count,
            token_hash: session.token_hash.clone(),
        };
        with_write_conn!(self, |c| {
            let r: SessionRow = diesel::update(sessions::table.find(Id(session.id)))
                .set(&changes)
                .returning(SessionRow::as_returning())
                .get_result(c)
                .await
                .or_not_found(Record::Session)?;
            Ok(r.into())
        })
    }

    async fn delete_session(&self, id: Uuid) -> Result<(), StorageError> {
        with_write_conn!(self, |c| {
            let n = diesel::delete(sessions::table.find(Id(id)))
                .execute(c)
                .await?;
            if n == 0 {
                return Err(StorageError::NotFound(Record::Session));
            }
            Ok(())
        })
    }

    async fn delete_expired_sessions(&self, cutoff: Timestamp) -> Result<u64, StorageError> {
        with_write_conn!(self, |c| {
            let n = diesel::delete(sessions::table.filter(sessions::expires_at.lt(Ts(cutoff))))
                .execute(c)
                .await?;
            Ok(n as u64)
        })
    }

    async fn delete_expired_session_channels(
        &self,
        cutoff: Timestamp,
    ) -> Result<u64, StorageError> {
        with_write_conn!(self, |c| {
            let expired = sessions::table
                .filter(sessions::expires_at.lt(Ts(cutoff)))
                .select(sessions::channel_id);
            // Sessions, messages and participants go with their channel (FK cascades).
            let n = diesel::delete(
                crate::schema::channels::table.filter(crate::schema::channels::id.eq_any(expired)),
            )
            .execute(c)
            .await?;
            Ok(n as u64)
        })
    }
}
