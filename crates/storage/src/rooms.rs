//! Rooms: an agent's mirror of a channel (`/api/memory/:agentId/rooms`, groups).

use crate::error::NotFoundExt;
use crate::error::Record;
use crate::pool::{with_conn, with_write_conn};
use crate::schema::rooms;
use crate::types::{Id, Json, Ts};
use crate::{Db, StorageError};
use agentd_core::agent_data::Room;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

/// Room operations.
pub trait RoomStore {
    /// Stores a new room; `Duplicate(Room)` if the id is taken, `MissingReference(Agent)` if the agent does not
    /// exist.
    fn create_room(&self, room: &Room) -> impl Future<Output = Result<Room, StorageError>> + Send;
    /// Stores the room unless one with its id exists; returns the stored one either way.
    fn ensure_room(&self, room: &Room) -> impl Future<Output = Result<Room, StorageError>> + Send;
    /// The room with this id, or `NotFound`.
    fn get_room(&self, id: Uuid) -> impl Future<Output = Result<Room, StorageError>> + Send;
    /// At most `limit` rooms of an agent, oldest first.
    fn list_rooms(
        &self,
        agent_id: Uuid,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<Room>, StorageError>> + Send;
    /// Deletes every room of a world (with their memories, by cascade); returns how many.
    fn delete_world_rooms(
        &self,
        world_id: Uuid,
    ) -> impl Future<Output = Result<u64, StorageError>> + Send;
}

/// One `rooms` row.
#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = rooms)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct RoomRow {
    id: Id,
    agent_id: Option<Id>,
    source: String,
    kind: String,
    message_server_id: Option<Id>,
    world_id: Option<Id>,
    name: Option<String>,
    metadata: Option<Json>,
    channel_id: Option<Id>,
    created_at: Ts,
}

impl From<&Room> for RoomRow {
    fn from(r: &Room) -> Self {
        RoomRow {
            id: Id(r.id),
            agent_id: r.agent_id.map(Id),
            source: r.source.clone(),
            kind: r.kind.clone(),
            message_server_id: r.message_server_id.map(Id),
            world_id: r.world_id.map(Id),
            name: r.name.clone(),
            metadata: r.metadata.clone().map(Json),
            channel_id: r.channel_id.map(Id),
            created_at: Ts(r.created_at),
        }
    }
}

impl From<RoomRow> for Room {
    fn from(r: RoomRow) -> Self {
        Room {
            id: r.id.0,
            agent_id: r.agent_id.map(|i| i.0),
            source: r.source,
            kind: r.kind,
            message_server_id: r.message_server_id.map(|i| i.0),
            world_id: r.world_id.map(|i| i.0),
            name: r.name,
            metadata: r.metadata.map(|j| j.0),
            channel_id: r.channel_id.map(|i| i.0),
            created_at: r.created_at.0,
        }
    }
}

impl RoomStore for Db {
    async fn create_room(&self, room: &Room) -> Result<Room, StorageError> {
        let row = RoomRow::from(room);
        with_write_conn!(self, |c| {
            let r: RoomRow = diesel::insert_into(rooms::table)
                .values(&row)
                .returning(RoomRow::as_returning())
                .get_result(c)
                .await
                .map_err(|e| StorageError::from(e).naming(Record::Room, Record::Agent))?;
            Ok(r.into())
        })
    }

    async fn ensure_room(&self, room: &Room) -> Result<Room, StorageError> {
        let row = RoomRow::from(room);
        with_write_conn!(self, |c| {
            diesel::insert_into(rooms::table)
                .values(&row)
                .on_conflict_do_nothing()
                .execute(c)
                .await?;
            let r: RoomRow = rooms::table
                .find(Id(room.id))
                .select(RoomRow::as_select())
                .first(c)
                .await
                .or_not_found(Record::Room)?;
            Ok(r.into())
        })
    }

    async fn get_room(&self, id: Uuid) -> Result<Room, StorageError> {
        with_conn!(self, |c| {
            let r: RoomRow = rooms::table
                .find(Id(id))
                .select(RoomRow::as_select())
                .first(c)
                .await
                .or_not_found(Record::Room)?;
            Ok(r.into())
        })
    }

    async fn list_rooms(&self, agent_id: Uuid, limit: i64) -> Result<Vec<Room>, StorageError> {
        let limit = limit.clamp(1, crate::MAX_PAGE_LIMIT);
        with_conn!(self, |c| {
            let rows: Vec<RoomRow> = rooms::table
                .filter(rooms::agent_id.eq(Id(agent_id)))
                .select(RoomRow::as_select())
                .order((rooms::created_at.asc(), rooms::id.asc()))
                .limit(limit)
                .load(c)
                .await?;
            Ok(rows.into_iter().map(Into::into).collect())
        })
    }

    async fn delete_world_rooms(&self, world_id: Uuid) -> Result<u64, StorageError> {
        with_write_conn!(self, |c| {
            let n = diesel::delete(rooms::table.filter(rooms::world_id.eq(Id(world_id))))
                .execute(c)
                .await?;
            Ok(n as u64)
        })
    }
}
