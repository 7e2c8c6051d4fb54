//! Channel membership seen from the member: which channels an agent must watch.

use crate::pool::with_conn;
use crate::schema::channel_participants;
use crate::types::Id;
use crate::{Db, StorageError};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

/// Membership operations keyed by the member.
pub trait ParticipantStore {
    /// At most `limit` channels the entity participates in, in id order: an agent reads
    /// these at start to catch up from its cursors.
    fn list_entity_channels(
        &self,
        entity_id: Uuid,
        limit: i64,
    ) -> impl Future<Output = Result<Vec<Uuid>, StorageError>> + Send;
}

impl ParticipantStore for Db {
    async fn list_entity_channels(
        &self,
        entity_id: Uuid,
        limit: i64,
    ) -> Result<Vec<Uuid>, StorageError> {
        with_conn!(self, |c| {
            let ids: Vec<Id> = channel_participants::table
                .filter(channel_participants::entity_id.eq(Id(entity_id)))
                .select(channel_participants::channel_id)
                .order(channel_participants::channel_id.asc())
                .limit(limit.max(1))
                .load(c)
                .await?;
            Ok(ids.into_iter().map(|i| i.0).collect())
        })
    }
}
