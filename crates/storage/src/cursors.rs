//! Agent processing cursors: the last `seq` each agent has handled in each channel, so a
//! restarted (or moved) agent catches up from where it stopped, losing nothing.

use crate::pool::{with_conn, with_write_conn};
use crate::schema::agent_channel_cursors;
use crate::types::{Id, Ts, now};
use crate::{Db, StorageError};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use uuid::Uuid;

/// Cursor operations.
pub trait CursorStore {
    /// The last `seq` an agent has processed in a channel; 0 if none.
    fn get_agent_cursor(
        &self,
        agent_id: Uuid,
        channel_id: Uuid,
    ) -> impl Future<Output = Result<i64, StorageError>> + Send;
    /// Moves an agent's cursor forward to `seq`; a lower `seq` leaves it unchanged.
    fn advance_agent_cursor(
        &self,
        agent_id: Uuid,
        channel_id: Uuid,
        seq: i64,
    ) -> impl Future<Output = Result<(), StorageError>> + Send;
}

impl CursorStore for Db {
    async fn get_agent_cursor(
        &self,
        agent_id: Uuid,
        channel_id: Uuid,
    ) -> Result<i64, StorageError> {
        with_conn!(self, |c| {
            let seq: Option<i64> = agent_channel_cursors::table
                .find((Id(agent_id), Id(channel_id)))
                .select(agent_channel_cursors::last_seq)
                .first(c)
                .await
                .optional()?;
            Ok(seq.unwrap_or(0))
        })
    }

    async fn advance_agent_cursor(
        &self,
        agent_id: Uuid,
        channel_id: Uuid,
        seq: i64,
    ) -> Result<(), StorageError> {
        let t = Ts(now());
        with_write_conn!(self, |c| {
            c.transaction::<_, StorageError, _>(async |c| {
                let moved = diesel::update(
                    agent_channel_cursors::table
                        .find((Id(agent_id), Id(channel_id)))
                        .filter(agent_channel_cursors::last_seq.lt(seq)),
                )
                .set((
                    agent_channel_cursors::last_seq.eq(seq),
                    agent_channel_cursors::updated_at.eq(t),
                ))
                .execute(c)
                .await?;
                if moved == 0 {
                    diesel::insert_into(agent_channel_cursors::table)
                        .values((
                            agent_channel_cursors::agent_id.eq(Id(agent_id)),
                            agent_channel_cursors::channel_id.eq(Id(channel_id)),
                            agent_channel_cursors::last_seq.eq(seq),
                            agent_channel_cursors::updated_at.eq(t),
                        ))
                        .on_conflict_do_nothing()
                        .execute(c)
                        .await?;
                }
                Ok(())
            })
            .await
        })
    }
}
