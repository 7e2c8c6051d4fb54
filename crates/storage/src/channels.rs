//! Channels (group chats and DMs inside a message server) and their participants.

use crate::error::NotFoundExt;
use crate::error::Record;
use crate::pool::{with_conn, with_write_conn};
use crate::schema::{channel_participants, channels};
use crate::types::{Id, Json, Ts, now};
use crate::{Db, StorageError};
use agentd_core::model::Channel;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::{AsyncConnection, RunQueryDsl};
use uuid::Uuid;

/// The `type` of a direct-message channel (elizaOS `ChannelType.DM`).
pub const DM_CHANNEL_KIND: &str = "DM";

/// Channel operations.
pub trait ChannelStore {
    /// Stores a new channel (its `last_seq` starts at 0 whatever the argument says) with its
    /// participants, in one transaction. `Duplicate(Channel)` if the id is taken, `MissingReference(MessageServer)` if the server does
    /// not exist.
    fn create_channel(
        &self,
        channel: &Channel,
        participants: &[Uuid],
    ) -> impl Future<Output = Result<Channel, StorageError>> + Send;
    /// The channel with this id, or `NotFound`.
    fn get_channel(&self, id: Uuid) -> impl Future<Output = Result<Channel, StorageError>> + Send;
    /// The channels of a message server, oldest first.
    fn list_channels(
        &self,
        server_id: Uuid,
    ) -> impl Future<Output = Result<Vec<Channel>, StorageError>> + Send;
    /// Replaces name, kind, source, topic and metadata; `updated_at` becomes now. The
    /// server, `last_seq` and `created_at` are kept. With `participants`, the channel's
    /// participants become exactly that list, in the same transaction. `NotFound` if absent.
    fn update_channel(
        &self,
        channel: &Channel,
        participants: Option<&[Uuid]>,
    ) -> impl Future<Output = Result<Channel, StorageError>> + Send;
    /// Deletes the channel with its messages, participants, sessions and cursors.
    /// `NotFound` if absent.
    fn delete_channel(&self, id: Uuid) -> impl Future<Output = Result<(), StorageError>> + Send;
    /// Adds participants; ones already present are not an error. `NotFound` if the channel
    /// does not exist.
    fn add_channel_participants(
        &self,
        channel_id: Uuid,
        entity_ids: &[Uuid],
    ) -> impl Future<Output = Result<(), StorageError>> + Send;
    /// Removes participants; returns how many were present.
    fn remove_channel_participants(
        &self,
        channel_id: Uuid,
        entity_ids: &[Uuid],
    ) -> impl Future<Output = Result<u64, StorageError>> + Send;
    /// The participants' entity ids, in id order.
    fn list_channel_participants(
        &self,
        channel_id: Uuid,
    ) -> impl Future<Output = Result<Vec<Uuid>, StorageError>> + Send;
    /// The channel's revision, or `None` if there is no such channel. It changes with every
    /// committed change to the channel's messages or their delivery states, whoever makes
    /// it (database triggers keep it): a page rendered at one revision is current for as
    /// long as the revision is.
    fn channel_revision(
        &self,
        id: Uuid,
    ) -> impl Future<Output = Result<Option<i64>, StorageError>> + Send;
    /// The oldest DM channel of the server in which both entities participate, if any.
    fn find_dm_channel(
        &self,
        server_id: Uuid,
        a: Uuid,
        b: Uuid,
    ) -> impl Future<Output = Result<Option<Channel>, StorageError>> + Send;
}

/// One `channels` row.
#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = channels)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
struct ChannelRow {
    id: Id,
    message_server_id: Id,
    name: String,
    kind: String,
    source_type: Option<String>,
    source_id: Option<String>,
    topic: Option<String>,
    metadata: Option<Json>,
    last_seq: i64,
    created_at: Ts,
    updated_at: Ts,
}

/// The mutable columns of `channels`; `None` writes NULL.
#[derive(AsChangeset)]
#[diesel(table_name = channels, treat_none_as_null = true)]
struct ChannelChanges {
    name: String,
    kind: String,
    source_type: Option<String>,
    source_id: Option<String>,
    topic: Option<String>,
    metadata: Option<Json>,
    updated_at: Ts,
}

impl From<&Channel> for ChannelRow {
    fn from(c: &Channel) -> Self {
        ChannelRow {
            id: Id(c.id),
            message_server_id: Id(c.message_server_id),
            name: c.name.clone(),
            kind: c.kind.clone(),
            source_type: c.source_type.clone(),
            source_id: c.source_id.clone(),
            topic: c.topic.clone(),
            metadata: c.metadata.clone().map(Json),
            last_seq: 0,
            created_at: Ts(c.created_at),
            updated_at: Ts(c.updated_at),
        }
    }
}

impl From<ChannelRow> for Channel {
    fn from(r: ChannelRow) -> Self {
        Channel {
            id: r.id.0,
            message_server_id: r.message_server_id.0,
            name: r.name,
            kind: r.kind,
            source_type: r.source_type,
            source_id: r.source_id,
            topic: r.topic,
            metadata: r.metadata.map(|j| j.0),
            last_seq: r.last_seq,
            created_at: r.created_at.0,
            updated_at: r.updated_at.0,
        }
    }
}

/// A foreign-key failure on a table whose only foreign key is the channel means the
/// channel does not exist.
fn missing_channel(e: DieselError) -> StorageError {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
            StorageError::NotFound(Record::Channel)
        }
        other => other.into(),
    }
}

impl ChannelStore for Db {
    async fn create_channel(
        &self,
        channel: &Channel,
        participants: &[Uuid],
    ) -> Result<Channel, StorageError> {
        let row = ChannelRow::from(channel);
        with_write_conn!(self, |c| {
            c.transaction::<_, StorageError, _>(async |c| {
                let r: ChannelRow = diesel::insert_into(channels::table)
                    .values(&row)
                    .returning(ChannelRow::as_returning())
                    .get_result(c)
                    .await
                    .map_err(|e| {
                        StorageError::from(e).naming(Record::Channel, Record::MessageServer)
                    })?;
                for p in participants {
                    diesel::insert_into(channel_participants::table)
                        .values((
                            channel_participants::channel_id.eq(Id(channel.id)),
                            channel_participants::entity_id.eq(Id(*p)),
                        ))
                        .on_conflict_do_nothing()
                        .execute(c)
                        .await?;
                }
                Ok(r.into())
            })
            .await
        })
    }

    async fn get_channel(&self, id: Uuid) -> Result<Channel, StorageError> {
        with_conn!(self, |c| {
            let r: ChannelRow = channels::table
                .find(Id(id))
                .select(ChannelRow::as_select())
                .first(c)
                .await
                .or_not_found(Record::Channel)?;
            Ok(r.into())
        })
    }

    async fn channel_revision(&self, id: Uuid) -> Result<Option<i64>, StorageError> {
        with_conn!(self, |c| {
            Ok(channels::table
                .find(Id(id))
                .select(channels::revision)
                .first(c)
                .await
                .optional()?)
        })
    }

    async fn list_channels(&self, server_id: Uuid) -> Result<Vec<Channel>, StorageError> {
        with_conn!(self, |c| {
            let rows: Vec<ChannelRow> = channels::table
                .filter(channels::message_server_id.eq(Id(server_id)))
                .order((channels::created_at.asc(), channels::id.asc()))
                .select(ChannelRow::as_select())
                .load(c)
                .await?;
            Ok(rows.into_iter().map(Into::into).collect())
        })
    }

    async fn update_channel(
        &self,
        channel: &Channel,
        participants: Option<&[Uuid]>,
    ) -> Result<Channel, StorageError> {
        let changes = ChannelChanges {
            name: channel.name.clone(),
            kind: channel.kind.clone(),
            source_type: channel.source_type.clone(),
            source_id: channel.source_id.clone(),
            topic: channel.topic.clone(),
            metadata: channel.metadata.clone().map(Json),
            updated_at: Ts(now()),
        };
        let wanted: Option<Vec<Id>> = participants.map(|p| p.iter().copied().map(Id).collect());
        with_write_conn!(self, |c| {
            c.transaction::<_, StorageError, _>(async |c| {
                let r: ChannelRow = diesel::update(channels::table.find(Id(channel.id)))
                    .set(&changes)
                    .returning(ChannelRow::as_returning())
                    .get_result(c)
                    .await
                    .or_not_found(Record::Channel)?;
                if let Some(wanted) = &wanted {
                    diesel::delete(
                        channel_participants::table
                            .filter(channel_participants::channel_id.eq(Id(channel.id)))
                            .filter(channel_participants::entity_id.ne_all(wanted)),
                    )
                    .execute(c)
                    .await?;
                    for p in wanted {
                        diesel::insert_into(channel_participants::table)
                            .values((
                                channel_participants::channel_id.eq(Id(channel.id)),
                                channel_participants::entity_id.eq(*p),
                            ))
                            .on_conflict_do_nothing()
                            .execute(c)
                            .await?;
                    }
                }
                Ok(r.into())
            })
            .await
        })
    }

    async fn delete_channel(&self, id: Uuid) -> Result<(), StorageError> {
        with_write_conn!(self, |c| {
            let n = diesel::delete(channels::table.find(Id(id)))
                .execute(c)
                .await?;
            if n == 0 {
                return Err(StorageError::NotFound(Record::Channel));
            }
            Ok(())
        })
    }

    async fn add_channel_participants(
        &self,
        channel_id: Uuid,
        entity_ids: &[Uuid],
    ) -> Result<(), StorageError> {
        with_write_conn!(self, |c| {
            c.transaction::<_, StorageError, _>(async |c| {
                for p in entity_ids {
                    diesel::insert_into(channel_participants::table)
                        .values((
                            channel_participants::channel_id.eq(Id(channel_id)),
                            channel_participants::entity_id.eq(Id(*p)),
                        ))
                        .on_conflict_do_nothing()
                        .execute(c)
                        .await
                        .map_err(missing_channel)?;
                }
                Ok(())
            })
            .await
        })
    }

    async fn remove_channel_participants(
        &self,
        channel_id: Uuid,
        entity_ids: &[Uuid],
    ) -> Result<u64, StorageError> {
        let ids: Vec<Id> = entity_ids.iter().copied().map(Id).collect();
        with_write_conn!(self, |c| {
            let n = diesel::delete(
                channel_participants::table
                    .filter(channel_participants::channel_id.eq(Id(channel_id)))
                    .filter(channel_participants::entity_id.eq_any(&ids)),
            )
            .execute(c)
            .await?;
            Ok(n as u64)
        })
    }

    async fn list_channel_participants(&self, channel_id: Uuid) -> Result<Vec<Uuid>, StorageError> {
        with_conn!(self, |c| {
            let ids: Vec<Id> = channel_participants::table
                .filter(channel_participants::channel_id.eq(Id(channel_id)))
                .order(channel_participants::entity_id.asc())
                .select(channel_participants::entity_id)
                .load(c)
                .await?;
            Ok(ids.into_iter().map(|i| i.0).collect())
        })
    }

    async fn find_dm_channel(
        &self,
        server_id: Uuid,
        a: Uuid,
        b: Uuid,
    ) -> Result<Option<Channel>, StorageError> {
        with_conn!(self, |c| {
            let with_a = channel_participants::table
                .filter(channel_participants::entity_id.eq(Id(a)))
                .select(channel_participants::channel_id);
            let with_b = channel_participants::table
                .filter(channel_participants::entity_id.eq(Id(b)))
                .select(channel_participants::channel_id);
            let r: Option<ChannelRow> = channels::table
                .filter(channels::message_server_id.eq(Id(server_id)))
                .filter(channels::kind.eq(DM_CHANNEL_KIND))
                .filter(channels::id.eq_any(with_a))
                .filter(channels::id.eq_any(with_b))
                .order((channels::created_at.asc(), channels::id.asc()))
                .select(ChannelRow::as_select())
                .first(c)
                .await
                .optional()?;
            Ok(r.map(Into::into))
        })
    }
}
