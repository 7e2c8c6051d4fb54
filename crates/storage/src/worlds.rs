//! Worlds: an agent's mirror of a message server (`/api/agents/:id/worlds`).

use crate::error::NotFoundExt;
use crate::error::Record;
use crate::pool::{with_conn, with_write_conn};
use crate::schema::worlds;
use crate::types::{Id, Json, Ts};
use crate::{Db, StorageError};
use agentd_core::agent_data::World;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

/// World operations.
pub trait WorldStore {
    /// Stores a new world; `Duplicate(World)` if the id is taken, `MissingReference(Agent)` if the agent does not
    /// exist.
    fn create_world(
        &self,
        world: &World,
    ) -> impl Future<Output = Result<World, StorageError>> + Send;
    /// Stores the world unless one with its id exists; returns the stored one either way,
    /// so concurrent handlers of one message agree on one row.
    fn ensure_world(
        &self,
        world: &World,
    ) -> impl Future<Output = Result<World, StorageError>> + Send;
    /// The world with this id, or `NotFound`.
    fn get_world(&self, id: Uuid) -> impl Future<Output = Result<World, StorageError>> + Send;
    /// Replaces name, metadata and message server; `NotFound` if absent.
    fn update_world(
        &self,
        world: &World,
    ) -> impl Future<Output = Result<World, StorageError>> + Send;
    /// At most `limit` worlds of one agent (or of every agent), oldest first.
    fn list_worlds(
        &self,
        agent_id: Option<Uuid>,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<World>, StorageError>> + Send;
}

/// One `worlds` row.
#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = worlds)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct WorldRow {
    id: Id,
    agent_id: Id,
    name: String,
    metadata: Option<Json>,
    message_server_id: Option<Id>,
    created_at: Ts,
}

impl From<&World> for WorldRow {
    fn from(w: &World) -> Self {
        WorldRow {
            id: Id(w.id),
            agent_id: Id(w.agent_id),
            name: w.name.clone(),
            metadata: w.metadata.clone().map(Json),
            message_server_id: w.message_server_id.map(Id),
            created_at: Ts(w.created_at),
        }
    }
}

impl From<WorldRow> for World {
    fn from(r: WorldRow) -> Self {
        World {
            id: r.id.0,
            agent_id: r.agent_id.0,
            name: r.name,
            metadata: r.metadata.map(|j| j.0),
            message_server_id: r.message_server_id.map(|i| i.0),
            created_at: r.created_at.0,
        }
    }
}

impl WorldStore for Db {
    async fn create_world(&self, world: &World) -> Result<World, StorageError> {
        let row = WorldRow::from(world);
        with_write_conn!(self, |c| {
            let r: WorldRow = diesel::insert_into(worlds::table)
                .values(&row)
                .returning(WorldRow::as_returning())
                .get_result(c)
                .await
                .map_err(|e| StorageError::from(e).naming(Record::World, Record::Agent))?;
            Ok(r.into())
        })
    }

    async fn ensure_world(&self, world: &World) -> Result<World, StorageError> {
        let row = WorldRow::from(world);
        with_write_conn!(self, |c| {
            diesel::insert_into(worlds::table)
                .values(&row)
                .on_conflict_do_nothing()
                .execute(c)
                .await?;
            let r: WorldRow = worlds::table
                .find(Id(world.id))
                .select(WorldRow::as_select())
                .first(c)
                .await
                .or_not_found(Record::World)?;
            Ok(r.into())
        })
    }

    async fn get_world(&self, id: Uuid) -> Result<World, StorageError> {
        with_conn!(self, |c| {
            let r: WorldRow = worlds::table
                .find(Id(id))
                .select(WorldRow::as_select())
                .first(c)
                .await
                .or_not_found(Record::World)?;
            Ok(r.into())
        })
    }

    async fn update_world(&self, world: &World) -> Result<World, StorageError> {
        let row = WorldRow::from(world);
        with_write_conn!(self, |c| {
            let r: WorldRow = diesel::update(worlds::table.find(Id(world.id)))
                .set((
                    worlds::name.eq(row.name),
                    worlds::metadata.eq(row.metadata),
                    worlds::message_server_id.eq(row.message_server_id),
                ))
                .returning(WorldRow::as_returning())
                .get_result(c)
                .await
                .or_not_found(Record::World)?;
            Ok(r.into())
        })
    }

    async fn list_worlds(
        &self,
        agent_id: Option<Uuid>,
        limit: i64,
    ) -> Result<Vec<World>, StorageError> {
        let limit = limit.clamp(1, crate::MAX_PAGE_LIMIT);
        with_conn!(self, |c| {
            let mut q = worlds::table
                .select(WorldRow::as_select())
                .order((worlds::created_at.asc(), worlds::id.asc()))
                .limit(limit)
                .into_boxed();
            if let Some(a) = agent_id {
                q = q.filter(worlds::agent_id.eq(Id(a)));
            }
            let rows: Vec<WorldRow> = q.load(c).await?;
            Ok(rows.into_iter().map(Into::into).collect())
        })
    }
}
