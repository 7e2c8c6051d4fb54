//! Delivery state per message and agent (`dispatched` → `replied`/`errored`/`ignored`).

use crate::error::Record;
use crate::pool::{with_conn, with_write_conn};
use crate::schema::message_deliveries as md;
use crate::types::Id;
use crate::{Db, StorageError};
use agentd_core::model::DeliveryState;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use uuid::Uuid;

/// One delivery record: where `message_id` stands with `agent_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The message.
    pub message_id: Uuid,
    /// The agent.
    pub agent_id: Uuid,
    /// Its state.
    pub state: DeliveryState,
    /// Why it ended so: the reason of `ignored`, the error code of `errored`.
    pub reason: Option<String>,
}

impl Delivery {
    /// A record without a reason.
    pub fn new(message_id: Uuid, agent_id: Uuid, state: DeliveryState) -> Self {
        Delivery {
            message_id,
            agent_id,
            state,
            reason: None,
        }
    }
}

/// Delivery operations.
pub trait DeliveryStore {
    /// Records a state. `Dispatched` is written only where nothing is recorded yet (it never
    /// replaces a terminal state a fast agent already wrote); terminal states overwrite.
    /// `MissingReference(Message)` if the message does not exist.
    fn set_delivery(
        &self,
        delivery: &Delivery,
    ) -> impl Future<Output = Result<(), StorageError>> + Send;
    /// The records of these messages, in (message, agent) order; one query.
    fn list_deliveries(
        &self,
        message_ids: &[Uuid],
    ) -> impl Future<Output = Result<Vec<Delivery>, StorageError>> + Send;
    /// Ends every delivery of `agent_id` still `dispatched` with `state` and `reason` (an
    /// agent stopped with messages in hand), in one transaction; returns the `(channel,
    /// message)` of each, so the changes can be announced.
    fn settle_pending_deliveries(
        &self,
        agent_id: Uuid,
        state: DeliveryState,
        reason: &str,
    ) -> impl Future<Output = Result<Vec<(Uuid, Uuid)>, StorageError>> + Send;
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
            md::reason.eq(d.reason.as_deref()),
        ));
        if d.state.is_terminal() {
            insert
                .on_conflict((md::message_id, md::agent_id))
                .do_update()
                .set((
                    md::state.eq(excluded(md::state)),
                    md::updated_at.eq(excluded(md::updated_at)),
                    md::reason.eq(excluded(md::reason)),
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
            upsert_delivery!(c, d)
                .map_err(|e| StorageError::from(e).naming(Record::Row, Record::Message))?;
            Ok(())
        })
    }

    async fn list_deliveries(&self, ids: &[Uuid]) -> Result<Vec<Delivery>, StorageError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Id> = ids.iter().copied().map(Id).collect();
        let rows: Vec<(Id, Id, String, Option<String>)> = with_conn!(self, |c| {
            md::table
                .filter(md::message_id.eq_any(&ids))
                .order((md::message_id.asc(), md::agent_id.asc()))
                .select((md::message_id, md::agent_id, md::state, md::reason))
                .load(c)
                .await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|(m, a, s, reason)| {
                Some(Delivery {
                    message_id: m.0,
                    agent_id: a.0,
                    state: DeliveryState::parse(&s)?,
                    reason,
                })
            })
            .collect())
    }

    async fn settle_pending_deliveries(
        &self,
        agent_id: Uuid,
        state: DeliveryState,
        reason: &str,
    ) -> Result<Vec<(Uuid, Uuid)>, StorageError> {
        use crate::schema::central_messages as cm;
        use crate::types::{Ts, now};
        let dispatched = DeliveryState::Dispatched.as_str();
        with_write_conn!(self, |c| {
            c.transaction::<_, StorageError, _>(async |c| {
                let pending: Vec<(Id, Id)> = md::table
                    .inner_join(cm::table.on(cm::id.eq(md::message_id)))
                    .filter(md::agent_id.eq(Id(agent_id)))
                    .filter(md::state.eq(dispatched))
                    .select((cm::channel_id, md::message_id))
                    .load(c)
                    .await?;
                if !pending.is_empty() {
                    diesel::update(
                        md::table
                            .filter(md::agent_id.eq(Id(agent_id)))
                            .filter(md::state.eq(dispatched)),
                    )
                    .set((
                        md::state.eq(state.as_str()),
                        md::reason.eq(Some(reason)),
                        md::updated_at.eq(Ts(now())),
                    ))
                    .execute(c)
                    .await?;
                }
                Ok(pending.into_iter().map(|(ch, m)| (ch.0, m.0)).collect())
            })
            .await
        })
    }
}
