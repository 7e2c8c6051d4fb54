//! Delivery state per message and agent (`dispatched` → `replied`/`errored`/`ignored`).

use crate::pool::{with_conn, with_write_conn};
use crate::schema::message_deliveries as md;
use crate::types::Id;
use crate::{Db, StorageError};
use agentd_core::model::DeliveryState;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use uuid::Uuid;

/// One delivery record: where `message_id` stands with `agent_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    /// The message.
    pub message_id: Uuid,
    /// The agent.
    pub agent_id: Uuid,
    /// Its state.
    pub state: DeliveryState,
}

/// Delivery operations.
pub trait DeliveryStore {
    /// Records a state. `Dispatched` is written only where nothing is recorded yet (it never
    /// replaces a terminal state a fast agent already wrote); terminal states overwrite.
    /// `Conflict` if the message does not exist.
    fn set_delivery(
        &self,
        delivery: &Delivery,
    ) -> impl Future<Output = Result<(), StorageError>> + Send;
    /// The records of these messages, in (message, agent) order; one query.
    fn list_deliveries(
        &self,
        message_ids: &[Uuid],
    ) -> impl Future<Output = Result<Vec<Delivery>, StorageError>> + Send;
}

/// Writes `d` on `c`; shared with the reply path of `create_message` (same transaction).
macro_rules! upsert_delivery {
    ($c:expr, $d:expr) => {{
        use crate::schema::message_deliveries as md;
        use crate::types::{Id, Ts, now};
        use diesel::upsert::excluded;
        let d: &$crate::deliveries::Delivery = $d;
        let insert = diesel::insert_into(md::table).values((
            md::message_id.eq(Id(d.message_id)),
            md::agent_id.eq(Id(d.agent_id)),
            md::state.eq(d.state.as_str()),
            md::updated_at.eq(Ts(now())),
        ));
        if d.state.is_terminal() {
            insert
                .on_conflict((md::message_id, md::agent_id))
                .do_update()
                .set((
                    md::state.eq(excluded(md::state)),
                    md::updated_at.eq(excluded(md::updated_at)),
                ))
                .execute($c)
                .await
        } else {
            insert.on_conflict_do_nothing().execute($c).await
        }
    }};
}
pub(crate) use upsert_delivery;

impl DeliveryStore for Db {
    async fn set_delivery(&self, d: &Delivery) -> Result<(), StorageError> {
        with_write_conn!(self, |c| {
            upsert_delivery!(c, d)?;
            Ok(())
        })
    }

    async fn list_deliveries(&self, ids: &[Uuid]) -> Result<Vec<Delivery>, StorageError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Id> = ids.iter().copied().map(Id).collect();
        let rows: Vec<(Id, Id, String)> = with_conn!(self, |c| {
            md::table
                .filter(md::message_id.eq_any(&ids))
                .order((md::message_id.asc(), md::agent_id.asc()))
                .select((md::message_id, md::agent_id, md::state))
                .load(c)
                .await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|(m, a, s)| {
                Some(Delivery {
                    message_id: m.0,
                    agent_id: a.0,
                    state: DeliveryState::parse(&s)?,
                })
            })
            .collect())
    }
}
