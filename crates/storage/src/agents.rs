//! Agents: the stored characters, and the cascade that deletes everything one owns.

use crate::error::NotFoundExt;
use crate::error::Record;
use crate::pool::{with_conn, with_write_conn};
use crate::schema::{agents, channel_participants};
use crate::types::{Id, Json, Ts, now};
use crate::{Db, StorageError};
use agentd_core::model::Agent;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use uuid::Uuid;

/// Agent operations.
pub trait AgentStore {
    /// Stores a new agent; `Duplicate(Agent)` if the id is taken.
    fn create_agent(
        &self,
        agent: &Agent,
    ) -> impl Future<Output = Result<Agent, StorageError>> + Send;
    /// The agent with this id, or `NotFound`.
    fn get_agent(&self, id: Uuid) -> impl Future<Output = Result<Agent, StorageError>> + Send;
    /// Every agent, oldest first.
    fn list_agents(&self) -> impl Future<Output = Result<Vec<Agent>, StorageError>> + Send;
    /// The agents to start at boot, oldest first.
    fn list_enabled_agents(&self) -> impl Future<Output = Result<Vec<Agent>, StorageError>> + Send;
    /// Replaces every field but `id` and `created_at`; `updated_at` becomes now.
    /// Returns the stored agent, or `NotFound`.
    fn update_agent(
        &self,
        agent: &Agent,
    ) -> impl Future<Output = Result<Agent, StorageError>> + Send;
    /// Marks the agent enabled or not; returns it, or `NotFound`.
    fn set_agent_enabled(
        &self,
        id: Uuid,
        enabled: bool,
    ) -> impl Future<Output = Result<Agent, StorageError>> + Send;
    /// Deletes the agent and, in the same transaction, everything it owns (entities, rooms,
    /// memories, participants, cache, server links, sessions, jobs, cursors, channel
    /// memberships). `NotFound` if there is no such agent.
    fn delete_agent(&self, id: Uuid) -> impl Future<Output = Result<(), StorageError>> + Send;
}

/// One `agents` row.
#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = agents)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct AgentRow {
    id: Id,
    enabled: bool,
    server_id: Option<Id>,
    created_at: Ts,
    updated_at: Ts,
    name: String,
    username: Option<String>,
    system: Option<String>,
    bio: Json,
    message_examples: Json,
    post_examples: Json,
    topics: Json,
    adjectives: Json,
    knowledge: Json,
    plugins: Json,
    settings: Json,
    style: Json,
}

/// Every mutable column of `agents`; `None` writes NULL.
#[derive(AsChangeset)]
#[diesel(table_name = agents, treat_none_as_null = true)]
struct AgentChanges {
    enabled: bool,
    server_id: Option<Id>,
    updated_at: Ts,
    name: String,
    username: Option<String>,
    system: Option<String>,
    bio: Json,
    message_examples: Json,
    post_examples: Json,
    topics: Json,
    adjectives: Json,
    knowledge: Json,
    plugins: Json,
    settings: Json,
    style: Json,
}

impl From<&Agent> for AgentRow {
    fn from(a: &Agent) -> Self {
        AgentRow {
            id: Id(a.id),
            enabled: a.enabled,
            server_id: a.server_id.map(Id),
            created_at: Ts(a.created_at),
            updated_at: Ts(a.updated_at),
            name: a.name.clone(),
            username: a.username.clone(),
            system: a.system.clone(),
            bio: Json(a.bio.clone()),
            message_examples: Json(a.message_examples.clone()),
            post_examples: Json(a.post_examples.clone()),
            topics: Json(a.topics.clone()),
            adjectives: Json(a.adjectives.clone()),
            knowledge: Json(a.knowledge.clone()),
            plugins: Json(a.plugins.clone()),
            settings: Json(a.settings.clone()),
            style: Json(a.style.clone()),
        }
    }
}

impl From<AgentRow> for Agent {
    fn from(r: AgentRow) -> Self {
        Agent {
            id: r.id.0,
            enabled: r.enabled,
            server_id: r.server_id.map(|i| i.0),
            name: r.name,
            username: r.username,
            system: r.system,
            bio: r.bio.0,
            message_examples: r.message_examples.0,
            post_examples: r.post_examples.0,
            topics: r.topics.0,
            adjectives: r.adjectives.0,
            knowledge: r.knowledge.0,
            plugins: r.plugins.0,
            settings: r.settings.0,
            style: r.style.0,
            created_at: r.created_at.0,
            updated_at: r.updated_at.0,
        }
    }
}

impl AgentChanges {
    fn from_agent(a: &Agent) -> Self {
        let r = AgentRow::from(a);
        AgentChanges {
            enabled: r.enabled,
            server_id: r.server_id,
            updated_at: Ts(now()),
            name: r.name,
            username: r.username,
            system: r.system,
            bio: r.bio,
            message_examples: r.message_examples,
            post_examples: r.post_examples,
            topics: r.topics,
            adjectives: r.adjectives,
            knowledge: r.knowledge,
            plugins: r.plugins,
            settings: r.settings,
            style: r.style,
        }
    }
}

impl AgentStore for Db {
    async fn create_agent(&self, agent: &Agent) -> Result<Agent, StorageError> {
        let row = AgentRow::from(agent);
        with_write_conn!(self, |c| {
            let r: AgentRow = diesel::insert_into(agents::table)
                .values(&row)
                .returning(AgentRow::as_returning())
                .get_result(c)
                .await
                .map_err(|e| StorageError::from(e).naming(Record::Agent, Record::Row))?;
            Ok(r.into())
        })
    }

    async fn get_agent(&self, id: Uuid) -> Result<Agent, StorageError> {
        with_conn!(self, |c| {
            let r: AgentRow = agents::table
                .find(Id(id))
                .select(AgentRow::as_select())
                .first(c)
                .await
                .or_not_found(Record::Agent)?;
            Ok(r.into())
        })
    }

    async fn list_agents(&self) -> Result<Vec<Agent>, StorageError> {
        with_conn!(self, |c| {
            let rows: Vec<AgentRow> = agents::table
                .order((agents::created_at.asc(), agents::id.asc()))
                .select(AgentRow::as_select())
                .load(c)
                .await?;
            Ok(rows.into_iter().map(Into::into).collect())
        })
    }

    async fn list_enabled_agents(&self) -> Result<Vec<Agent>, StorageError> {
        with_conn!(self, |c| {
            let rows: Vec<AgentRow> = agents::table
                .filter(agents::enabled.eq(true))
                .order((agents::created_at.asc(), agents::id.asc()))
                .select(AgentRow::as_select())
                .load(c)
                .await?;
            Ok(rows.into_iter().map(Into::into).collect())
        })
    }

    async fn update_agent(&self, agent: &Agent) -> Result<Agent, StorageError> {
        let changes = AgentChanges::from_agent(agent);
        with_write_conn!(self, |c| {
            let r: AgentRow = diesel::update(agents::table.find(Id(agent.id)))
                .set(&changes)
                .returning(AgentRow::as_returning())
                .get_result(c)
                .await
                .or_not_found(Record::Agent)?;
            Ok(r.into())
        })
    }

    async fn set_agent_enabled(&self, id: Uuid, enabled: bool) -> Result<Agent, StorageError> {
        with_write_conn!(self, |c| {
            let r: AgentRow = diesel::update(agents::table.find(Id(id)))
                .set((
                    agents::enabled.eq(enabled),
                    agents::updated_at.eq(Ts(now())),
                ))
                .returning(AgentRow::as_returning())
                .get_result(c)
                .await
                .or_not_found(Record::Agent)?;
            Ok(r.into())
        })
    }

    async fn delete_agent(&self, id: Uuid) -> Result<(), StorageError> {
        with_write_conn!(self, |c| {
            c.transaction::<_, StorageError, _>(async |c| {
                // The write that matters comes first (SQLite takes the write lock here);
                // the foreign keys cascade to every table the agent owns.
                let n = diesel::delete(agents::table.find(Id(id)))
                    .execute(c)
                    .await?;
                if n == 0 {
                    return Err(StorageError::NotFound(Record::Agent));
                }
                // Channel membership is keyed by entity id, not a foreign key.
                diesel::delete(channel_participants::table)
                    .filter(channel_participants::entity_id.eq(Id(id)))
                    .execute(c)
                    .await?;
                Ok(())
            })
            .await
        })
    }
}
