//! Memories: an agent's own copy of messages and documents (`/api/memory/...`).

use crate::error::NotFoundExt;
use crate::error::Record;
use crate::pool::{with_conn, with_write_conn};
use crate::schema::memories;
use crate::types::{Id, Json, Ts, truncate_micros};
use crate::{Db, StorageError};
use agentd_core::agent_data::Memory;
use agentd_core::time::Timestamp;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

/// Which memories to read: one agent, one kind, optionally one room, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryQuery {
    /// The agent.
    pub agent_id: Uuid,
    /// The kind (`messages`, `documents`, ...).
    pub kind: String,
    /// Only this room.
    pub room_id: Option<Uuid>,
    /// Only memories created strictly before this instant.
    pub before: Option<Timestamp>,
    /// Page size, clamped to `1..=MAX_PAGE_LIMIT`.
    pub limit: i64,
}

/// Memory operations.
pub trait MemoryStore {
    /// Stores a memory unless one with its id exists; returns whether it was written, so a
    /// message seen twice is remembered once.
    fn create_memory(
        &self,
        memory: &Memory,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;
    /// The memory with this id, or `NotFound`.
    fn get_memory(&self, id: Uuid) -> impl Future<Output = Result<Memory, StorageError>> + Send;
    /// One page of memories, newest first.
    fn list_memories(
        &self,
        query: &MemoryQuery,
    ) -> impl Future<Output = Result<Vec<Memory>, StorageError>> + Send;
    /// Replaces content, metadata, links and `unique`; `NotFound` if absent.
    fn update_memory(
        &self,
        memory: &Memory,
    ) -> impl Future<Output = Result<Memory, StorageError>> + Send;
    /// Deletes one memory of an agent; `NotFound` if the agent has no such memory.
    fn delete_memory(
        &self,
        agent_id: Uuid,
        id: Uuid,
    ) -> impl Future<Output = Result<(), StorageError>> + Send;
    /// Deletes every memory of an agent; returns how many.
    fn delete_agent_memories(
        &self,
        agent_id: Uuid,
    ) -> impl Future<Output = Result<u64, StorageError>> + Send;
    /// Deletes an agent's memories of the given kinds in one room; returns how many.
    fn delete_room_memories(
        &self,
        agent_id: Uuid,
        room_id: Uuid,
        kinds: &[&str],
    ) -> impl Future<Output = Result<u64, StorageError>> + Send;
    /// Deletes the memories of one kind in a world, for every agent; returns how many.
    fn delete_world_memories(
        &self,
        world_id: Uuid,
        kind: &str,
    ) -> impl Future<Output = Result<u64, StorageError>> + Send;
}

/// One `memories` row.
#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = memories)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct MemoryRow {
    id: Id,
    kind: String,
    created_at: Ts,
    content: Json,
    entity_id: Option<Id>,
    agent_id: Id,
    room_id: Option<Id>,
    world_id: Option<Id>,
    is_unique: bool,
    metadata: Json,
}

impl From<&Memory> for MemoryRow {
    fn from(m: &Memory) -> Self {
        MemoryRow {
            id: Id(m.id),
            kind: m.kind.clone(),
            created_at: Ts(truncate_micros(m.created_at)),
            content: Json(m.content.clone()),
            entity_id: m.entity_id.map(Id),
            agent_id: Id(m.agent_id),
            room_id: m.room_id.map(Id),
            world_id: m.world_id.map(Id),
            is_unique: m.unique,
            metadata: Json(m.metadata.clone()),
        }
    }
}

impl From<MemoryRow> for Memory {
    fn from(r: MemoryRow) -> Self {
        Memory {
            id: r.id.0,
            kind: r.kind,
            created_at: r.created_at.0,
            content: r.content.0,
            entity_id: r.entity_id.map(|i| i.0),
            agent_id: r.agent_id.0,
            room_id: r.room_id.map(|i| i.0),
            world_id: r.world_id.map(|i| i.0),
            unique: r.is_unique,
            metadata: r.metadata.0,
        }
    }
}

impl MemoryStore for Db {
    async fn create_memory(&self, memory: &Memory) -> Result<bool, StorageError> {
        let row = MemoryRow::from(memory);
        with_write_conn!(self, |c| {
            let n = diesel::insert_into(memories::table)
                .values(&row)
                .on_conflict_do_nothing()
                .execute(c)
                .await?;
            Ok(n > 0)
        })
    }

    async fn get_memory(&self, id: Uuid) -> Result<Memory, StorageError> {
        with_conn!(self, |c| {
            let r: MemoryRow = memories::table
                .find(Id(id))
                .select(MemoryRow::as_select())
                .first(c)
                .await
                .or_not_found(Record::Memory)?;
            Ok(r.into())
        })
    }

    async fn list_memories(&self, query: &MemoryQuery) -> Result<Vec<Memory>, StorageError> {
        let limit = query.limit.clamp(1, crate::MAX_PAGE_LIMIT);
        with_conn!(self, |c| {
            let mut q = memories::table
                .filter(memories::agent_id.eq(Id(query.agent_id)))
                .filter(memories::kind.eq(query.kind.clone()))
                .select(MemoryRow::as_select())
                .order((memories::created_at.desc(), memories::id.desc()))
                .limit(limit)
                .into_boxed();
            if let Some(r) = query.room_id {
                q = q.filter(memories::room_id.eq(Id(r)));
            }
            if let Some(t) = query.before {
                q = q.filter(memories::created_at.lt(Ts(truncate_micros(t))));
            }
            let rows: Vec<MemoryRow> = q.load(c).await?;
            Ok(rows.into_iter().map(Into::into).collect())
        })
    }

    async fn update_memory(&self, memory: &Memory) -> Result<Memory, StorageError> {
        let row = MemoryRow::from(memory);
        with_write_conn!(self, |c| {
            let r: MemoryRow = diesel::update(memories::table.find(Id(memory.id)))
                .set((
                    memories::content.eq(row.content),
                    memories::metadata.eq(row.metadata),
                    memories::entity_id.eq(row.entity_id),
                    memories::room_id.eq(row.room_id),
                    memories::world_id.eq(row.world_id),
                    memories::is_unique.eq(row.is_unique),
                ))
                .returning(MemoryRow::as_returning())
                .get_result(c)
                .await
                .or_not_found(Record::Memory)?;
            Ok(r.into())
        })
    }

    async fn delete_memory(&self, agent_id: Uuid, id: Uuid) -> Result<(), StorageError> {
        with_write_conn!(self, |c| {
            let n = diesel::delete(
                memories::table
                    .find(Id(id))
                    .filter(memories::agent_id.eq(Id(agent_id))),
            )
            .execute(c)
            .await?;
            if n == 0 {
                return Err(StorageError::NotFound(Record::Memory));
            }
            Ok(())
        })
    }

    async fn delete_agent_memories(&self, agent_id: Uuid) -> Result<u64, StorageError> {
        with_write_conn!(self, |c| {
            let n = diesel::delete(memories::table.filter(memories::agent_id.eq(Id(agent_id))))
                .execute(c)
                .await?;
            Ok(n as u64)
        })
    }

    async fn delete_room_memories(
        &self,
        agent_id: Uuid,
        room_id: Uuid,
        kinds: &[&str],
    ) -> Result<u64, StorageError> {
        let kinds: Vec<String> = kinds.iter().map(|k| (*k).to_owned()).collect();
        with_write_conn!(self, |c| {
            let n = diesel::delete(
                memories::table
                    .filter(memories::agent_id.eq(Id(agent_id)))
                    .filter(memories::room_id.eq(Id(room_id)))
                    .filter(memories::kind.eq_any(kinds)),
            )
            .execute(c)
            .await?;
            Ok(n as u64)
        })
    }

    async fn delete_world_memories(&self, world_id: Uuid, kind: &str) -> Result<u64, StorageError> {
        let kind = kind.to_owned();
        with_write_conn!(self, |c| {
            let n = diesel::delete(
                memories::table
                    .filter(memories::world_id.eq(Id(world_id)))
                    .filter(memories::kind.eq(kind)),
            )
            .execute(c)
            .await?;
            Ok(n as u64)
        })
    }
}
