//! Entities: the people (and other agents) an agent knows, by their channel author id.

use crate::error::NotFoundExt;
use crate::error::Record;
use crate::pool::with_write_conn;
use crate::schema::entities;
use crate::types::{Id, Json, Ts};
use crate::{Db, StorageError};
use agentd_core::agent_data::Entity;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

/// Entity operations.
pub trait EntityStore {
    /// Stores the entity unless one with its id exists; returns the stored one either way.
    /// The stored one may belong to another agent (entity ids are global in elizaOS's
    /// schema); callers compare `agent_id` before relying on the row's lifetime.
    fn ensure_entity(
        &self,
        entity: &Entity,
    ) -> impl Future<Output = Result<Entity, StorageError>> + Send;
}

/// One `entities` row.
#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = entities)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct EntityRow {
    id: Id,
    agent_id: Id,
    created_at: Ts,
    names: Json,
    metadata: Json,
}

impl EntityStore for Db {
    async fn ensure_entity(&self, entity: &Entity) -> Result<Entity, StorageError> {
        let row = EntityRow {
            id: Id(entity.id),
            agent_id: Id(entity.agent_id),
            created_at: Ts(entity.created_at),
            names: Json(serde_json::Value::from(entity.names.clone())),
            metadata: Json(entity.metadata.clone()),
        };
        with_write_conn!(self, |c| {
            diesel::insert_into(entities::table)
                .values(&row)
                .on_conflict_do_nothing()
                .execute(c)
                .await?;
            let r: EntityRow = entities::table
                .find(Id(entity.id))
                .select(EntityRow::as_select())
                .first(c)
                .await
                .or_not_found(Record::Entity)?;
            Ok(Entity {
                id: r.id.0,
                agent_id: r.agent_id.0,
                names: r
                    .names
                    .0
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|n| n.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default(),
                metadata: r.metadata.0,
                created_at: r.created_at.0,
            })
        })
    }
}
