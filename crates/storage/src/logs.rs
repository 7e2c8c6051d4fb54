//! Agent logs (`/api/agents/:id/logs`): scoped to an agent through its rooms, since the
//! elizaOS `logs` table has no agent column.

use crate::error::Record;
use crate::pool::{with_conn, with_write_conn};
use crate::schema::{logs, rooms};
use crate::types::{Id, Json, Ts, truncate_micros};
use crate::{Db, StorageError};
use agentd_core::agent_data::LogEntry;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

/// Which logs to read: one agent's, newest first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LogQuery {
    /// The agent (logs of its rooms).
    pub agent_id: Uuid,
    /// Only this room.
    pub room_id: Option<Uuid>,
    /// Only this kind.
    pub kind: Option<String>,
    /// Leave out these kinds.
    pub exclude_kinds: Vec<String>,
    /// Page size, clamped to `1..=MAX_PAGE_LIMIT`.
    pub limit: i64,
    /// How many to skip.
    pub offset: i64,
}

/// Log operations.
pub trait LogStore {
    /// Stores a log entry; `MissingReference` if its entity or room does not exist.
    fn create_log(&self, entry: &LogEntry)
    -> impl Future<Output = Result<(), StorageError>> + Send;
    /// One page of an agent's logs, newest first.
    fn list_logs(
        &self,
        query: &LogQuery,
    ) -> impl Future<Output = Result<Vec<LogEntry>, StorageError>> + Send;
    /// Deletes one of an agent's logs; `NotFound` if the agent has no such log.
    fn delete_log(
        &self,
        agent_id: Uuid,
        id: Uuid,
    ) -> impl Future<Output = Result<(), StorageError>> + Send;
}

/// One `logs` row.
#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = logs)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct LogRow {
    id: Id,
    created_at: Ts,
    entity_id: Id,
    body: Json,
    kind: String,
    room_id: Id,
}

impl LogStore for Db {
    async fn create_log(&self, e: &LogEntry) -> Result<(), StorageError> {
        let row = LogRow {
            id: Id(e.id),
            created_at: Ts(truncate_micros(e.created_at)),
            entity_id: Id(e.entity_id),
            body: Json(e.body.clone()),
            kind: e.kind.clone(),
            room_id: Id(e.room_id),
        };
        with_write_conn!(self, |c| {
            diesel::insert_into(logs::table)
                .values(&row)
                .execute(c)
                .await?;
            Ok(())
        })
    }

    async fn list_logs(&self, query: &LogQuery) -> Result<Vec<LogEntry>, StorageError> {
        let limit = query.limit.clamp(1, crate::MAX_PAGE_LIMIT);
        with_conn!(self, |c| {
            let agent_rooms = rooms::table
                .filter(rooms::agent_id.eq(Id(query.agent_id)))
                .select(rooms::id);
            let mut q = logs::table
                .filter(logs::room_id.eq_any(agent_rooms))
                .select(LogRow::as_select())
                .order((logs::created_at.desc(), logs::id.desc()))
                .limit(limit)
                .offset(query.offset.max(0))
                .into_boxed();
            if let Some(r) = query.room_id {
                q = q.filter(logs::room_id.eq(Id(r)));
            }
            if let Some(k) = &query.kind {
                q = q.filter(logs::kind.eq(k.clone()));
            }
            if !query.exclude_kinds.is_empty() {
                q = q.filter(logs::kind.ne_all(query.exclude_kinds.clone()));
            }
            let rows: Vec<LogRow> = q.load(c).await?;
            Ok(rows
                .into_iter()
                .map(|r| LogEntry {
                    id: r.id.0,
                    entity_id: r.entity_id.0,
                    room_id: r.room_id.0,
                    body: r.body.0,
                    kind: r.kind,
                    created_at: r.created_at.0,
                })
                .collect())
        })
    }

    async fn delete_log(&self, agent_id: Uuid, id: Uuid) -> Result<(), StorageError> {
        with_write_conn!(self, |c| {
            let agent_rooms = rooms::table
                .filter(rooms::agent_id.eq(Id(agent_id)))
                .select(rooms::id);
            let n = diesel::delete(
                logs::table
                    .find(Id(id))
                    .filter(logs::room_id.eq_any(agent_rooms)),
            )
            .execute(c)
            .await?;
            if n == 0 {
                return Err(StorageError::NotFound(Record::Log));
            }
            Ok(())
        })
    }
}
