//! Message servers (the top-level containers of channels) and which agents belong to each.

use crate::error::NotFoundExt;
use crate::error::Record;
use crate::pool::{with_conn, with_write_conn};
use crate::schema::{message_server_agents, message_servers};
use crate::types::{Id, Json, Ts, now};
use crate::{Db, StorageError};
use agentd_core::DEFAULT_SERVER_ID;
use agentd_core::model::MessageServer;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

/// Name of the message server that always exists.
pub const DEFAULT_SERVER_NAME: &str = "Default Server";
/// `source_type` of the default message server, as elizaOS writes it.
pub const DEFAULT_SERVER_SOURCE_TYPE: &str = "eliza_default";

/// Message-server operations.
pub trait ServerStore {
    /// Stores a new message server; `Duplicate(MessageServer)` if the id is taken.
    fn create_message_server(
        &self,
        server: &MessageServer,
    ) -> impl Future<Output = Result<MessageServer, StorageError>> + Send;
    /// The message server with this id, or `NotFound`.
    fn get_message_server(
        &self,
        id: Uuid,
    ) -> impl Future<Output = Result<MessageServer, StorageError>> + Send;
    /// Every message server, oldest first.
    fn list_message_servers(
        &self,
    ) -> impl Future<Output = Result<Vec<MessageServer>, StorageError>> + Send;
    /// Links an agent to a server; linking twice is not an error. `MissingReference` if either
    /// does not exist.
    fn add_agent_to_server(
        &self,
        server_id: Uuid,
        agent_id: Uuid,
    ) -> impl Future<Output = Result<(), StorageError>> + Send;
    /// Unlinks an agent from a server; returns whether a link existed.
    fn remove_agent_from_server(
        &self,
        server_id: Uuid,
        agent_id: Uuid,
    ) -> impl Future<Output = Result<bool, StorageError>> + Send;
    /// The ids of the agents linked to a server, in id order.
    fn list_server_agents(
        &self,
        server_id: Uuid,
    ) -> impl Future<Output = Result<Vec<Uuid>, StorageError>> + Send;
    /// The ids of the servers an agent is linked to, in id order.
    fn list_agent_servers(
        &self,
        agent_id: Uuid,
    ) -> impl Future<Output = Result<Vec<Uuid>, StorageError>> + Send;
}

/// One `message_servers` row.
#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = message_servers)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct ServerRow {
    id: Id,
    name: String,
    source_type: String,
    source_id: Option<String>,
    metadata: Option<Json>,
    created_at: Ts,
    updated_at: Ts,
}

impl From<&MessageServer> for ServerRow {
    fn from(s: &MessageServer) -> Self {
        ServerRow {
            id: Id(s.id),
            name: s.name.clone(),
            source_type: s.source_type.clone(),
            source_id: s.source_id.clone(),
            metadata: s.metadata.clone().map(Json),
            created_at: Ts(s.created_at),
            updated_at: Ts(s.updated_at),
        }
    }
}

impl From<ServerRow> for MessageServer {
    fn from(r: ServerRow) -> Self {
        MessageServer {
            id: r.id.0,
            name: r.name,
            source_type: r.source_type,
            source_id: r.source_id,
            metadata: r.metadata.map(|j| j.0),
            created_at: r.created_at.0,
            updated_at: r.updated_at.0,
        }
    }
}

impl Db {
    /// Inserts the default message server ([`DEFAULT_SERVER_ID`], "Default Server",
    /// `eliza_default`) unless it exists; safe to call any number of times.
    pub async fn ensure_default_server(&self) -> Result<(), StorageError> {
        let t = now();
        let row = ServerRow {
            id: Id(DEFAULT_SERVER_ID),
            name: DEFAULT_SERVER_NAME.to_owned(),
            source_type: DEFAULT_SERVER_SOURCE_TYPE.to_owned(),
            source_id: None,
            metadata: None,
            created_at: Ts(t),
            updated_at: Ts(t),
        };
        with_write_conn!(self, |c| {
            diesel::insert_into(message_servers::table)
                .values(&row)
                .on_conflict(message_servers::id)
                .do_nothing()
                .execute(c)
                .await?;
            Ok(())
        })
    }
}

impl ServerStore for Db {
    async fn create_message_server(
        &self,
        server: &MessageServer,
    ) -> Result<MessageServer, StorageError> {
        let row = ServerRow::from(server);
        with_write_conn!(self, |c| {
            let r: ServerRow = diesel::insert_into(message_servers::table)
                .values(&row)
                .returning(ServerRow::as_returning())
                .get_result(c)
                .await
                .map_err(|e| StorageError::from(e).naming(Record::MessageServer, Record::Row))?;
            Ok(r.into())
        })
    }

    async fn get_message_server(&self, id: Uuid) -> Result<MessageServer, StorageError> {
        with_conn!(self, |c| {
            let r: ServerRow = message_servers::table
                .find(Id(id))
                .select(ServerRow::as_select())
                .first(c)
                .await
                .or_not_found(Record::MessageServer)?;
            Ok(r.into())
        })
    }

    async fn list_message_servers(&self) -> Result<Vec<MessageServer>, StorageError> {
        with_conn!(self, |c| {
            let rows: Vec<ServerRow> = message_servers::table
                .order((message_servers::created_at.asc(), message_servers::id.asc()))
                .select(ServerRow::as_select())
                .load(c)
                .await?;
            Ok(rows.into_iter().map(Into::into).collect())
        })
    }

    async fn add_agent_to_server(
        &self,
        server_id: Uuid,
        agent_id: Uuid,
    ) -> Result<(), StorageError> {
        with_write_conn!(self, |c| {
            diesel::insert_into(message_server_agents::table)
                .values((
                    message_server_agents::message_server_id.eq(Id(server_id)),
                    message_server_agents::agent_id.eq(Id(agent_id)),
                ))
                .on_conflict_do_nothing()
                .execute(c)
                .await?;
            Ok(())
        })
    }

    async fn remove_agent_from_server(
        &self,
        server_id: Uuid,
        agent_id: Uuid,
    ) -> Result<bool, StorageError> {
        with_write_conn!(self, |c| {
            let n = diesel::delete(
                message_server_agents::table
                    .filter(message_server_agents::message_server_id.eq(Id(server_id)))
                    .filter(message_server_agents::agent_id.eq(Id(agent_id))),
            )
            .execute(c)
            .await?;
            Ok(n > 0)
        })
    }

    async fn list_server_agents(&self, server_id: Uuid) -> Result<Vec<Uuid>, StorageError> {
        with_conn!(self, |c| {
            let ids: Vec<Id> = message_server_agents::table
                .filter(message_server_agents::message_server_id.eq(Id(server_id)))
                .order(message_server_agents::agent_id.asc())
                .select(message_server_agents::agent_id)
                .load(c)
                .await?;
            Ok(ids.into_iter().map(|i| i.0).collect())
        })
    }

    async fn list_agent_servers(&self, agent_id: Uuid) -> Result<Vec<Uuid>, StorageError> {
        with_conn!(self, |c| {
            let ids: Vec<Id> = message_server_agents::table
                .filter(message_server_agents::agent_id.eq(Id(agent_id)))
                .order(message_server_agents::message_server_id.asc())
                .select(message_server_agents::message_server_id)
                .load(c)
                .await?;
            Ok(ids.into_iter().map(|i| i.0).collect())
        })
    }
}
