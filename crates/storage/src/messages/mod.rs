//! Channel messages: gap-free per-channel `seq`, idempotent submission, cursor pages.

mod row;

use crate::deliveries::{Delivery, upsert_delivery};
use crate::error::{NotFoundExt, Record};
use crate::pool::{with_conn, with_write_conn};
use crate::schema::{central_messages, channels};
use crate::types::{Id, Ts, now, truncate_micros};
use crate::{Db, StorageError};
use agentd_core::model::DeliveryState;
use agentd_core::model::Message;
use agentd_core::time::Timestamp;
use diesel::prelude::*;
use diesel_async::{AsyncConnection, RunQueryDsl};
use row::MessageRow;
use serde_json::Value;
use uuid::Uuid;

/// The largest page [`MessageStore::list_messages`] returns, whatever the caller asks.
pub const MAX_PAGE_LIMIT: i64 = 500;

/// A message to store; the storage assigns `seq`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMessage {
    /// Message id (the caller's, so it can be returned before the insert completes).
    pub id: Uuid,
    /// The channel to post to.
    pub channel_id: Uuid,
    /// The author (a user entity or an agent).
    pub author_id: Uuid,
    /// Text content.
    pub content: String,
    /// The raw message as the client or runtime produced it.
    pub raw_message: Option<Value>,
    /// elizaOS's reply link (a message that must exist).
    pub in_reply_to_root_message_id: Option<Uuid>,
    /// Where it comes from (`eliza_gui`, `agent_response`, ...).
    pub source_type: Option<String>,
    /// The id in the source system.
    pub source_id: Option<String>,
    /// Free-form metadata.
    pub metadata: Option<Value>,
    /// The author's idempotency key: a retry with the same key returns the stored message.
    pub client_message_id: Option<String>,
    /// On an agent's reply: the message it answers (at most one reply per author).
    pub in_reply_to: Option<Uuid>,
    /// The creation time; `None` means now.
    pub created_at: Option<Timestamp>,
    /// The agents the message is handed to: each gets a `dispatched` delivery record in the
    /// same transaction as the message (none on a replay).
    pub dispatch_to: Vec<Uuid>,
}

impl NewMessage {
    /// A plain text message with every optional field empty.
    pub fn text(channel_id: Uuid, author_id: Uuid, content: impl Into<String>) -> Self {
        NewMessage {
            id: Uuid::new_v4(),
            channel_id,
            author_id,
            content: content.into(),
            raw_message: None,
            in_reply_to_root_message_id: None,
            source_type: None,
            source_id: None,
            metadata: None,
            client_message_id: None,
            in_reply_to: None,
            created_at: None,
            dispatch_to: Vec::new(),
        }
    }
}

/// What [`MessageStore::create_message`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct CreatedMessage {
    /// The stored message (on a replay, the one stored the first time).
    pub message: Message,
    /// `true` when nothing was written: the idempotency key (or, for an agent reply, the
    /// `in_reply_to` link) matched a stored message, which is returned unchanged.
    pub replayed: bool,
}

/// Which page of a channel's messages to read. Pages are newest first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MessagePage {
    /// The channel.
    pub channel_id: Uuid,
    /// Only messages with `seq` below this.
    pub before_seq: Option<i64>,
    /// Only messages with `seq` above this. Alone (without `before_seq`), the page is the
    /// `limit` messages right after the cursor, so catching up never skips any.
    pub after_seq: Option<i64>,
    /// Only messages created strictly before this instant.
    pub before: Option<Timestamp>,
    /// Only messages created strictly after this instant. Alone (without a `before` bound),
    /// the page is the `limit` oldest messages after it, as elizaOS sessions page forward.
    pub after: Option<Timestamp>,
    /// Page size, clamped to `1..=MAX_PAGE_LIMIT`.
    pub limit: i64,
}

impl MessagePage {
    /// The newest `limit` messages of a channel.
    pub fn latest(channel_id: Uuid, limit: i64) -> Self {
        MessagePage {
            channel_id,
            before_seq: None,
            after_seq: None,
            before: None,
            after: None,
            limit,
        }
    }
}

/// The fields of a stored message that [`MessageStore::update_message`] changes; `None`
/// keeps the stored value. `seq`, channel and creation time never change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessageUpdate {
    /// New text content.
    pub content: Option<String>,
    /// New raw message.
    pub raw_message: Option<Value>,
    /// New source type.
    pub source_type: Option<String>,
    /// New reply link (a message that must exist).
    pub in_reply_to_root_message_id: Option<Uuid>,
    /// New metadata (replaced, not merged).
    pub metadata: Option<Value>,
    /// New author.
    pub author_id: Option<Uuid>,
}

/// Message operations.
pub trait MessageStore {
    /// Stores a message in one transaction: takes the next `seq` of the channel (gap-free,
    /// from 1) and inserts. With a `client_message_id` already used by this author in this
    /// channel, returns the stored message (`replayed`) if the body (content and reply
    /// links) is the same, else `IdempotencyConflict`. An agent reply whose `in_reply_to`
    /// was already answered by the same author is returned as a replay too.
    /// `NotFound(Channel)` if the channel does not exist, `Duplicate(Message)` if the id is
    /// taken by a different message, `MissingReference(Message)` if a reply link names no
    /// message.
    fn create_message(
        &self,
        message: &NewMessage,
    ) -> impl Future<Output = Result<CreatedMessage, StorageError>> + Send;
    /// The message with this id, or `NotFound`.
    fn get_message(&self, id: Uuid) -> impl Future<Output = Result<Message, StorageError>> + Send;
    /// One page of a channel, newest first, read from the `(channel_id, seq)` index, or,
    /// for a time cursor without a seq cursor, from `(channel_id, created_at, seq)`: every
    /// page costs the same however deep in the channel it is.
    fn list_messages(
        &self,
        page: &MessagePage,
    ) -> impl Future<Output = Result<Vec<Message>, StorageError>> + Send;
    /// Changes the given fields of a message; `updated_at` becomes now. `NotFound` if absent,
    /// `MissingReference(Message)` if the new reply link names no message.
    fn update_message(
        &self,
        id: Uuid,
        update: &MessageUpdate,
    ) -> impl Future<Output = Result<Message, StorageError>> + Send;
    /// The reply `author_id` stored to `message_id` (through `in_reply_to`), if any: how a
    /// waiter that may have missed the bus event finds the answer (one index lookup).
    fn find_reply(
        &self,
        author_id: Uuid,
        message_id: Uuid,
    ) -> impl Future<Output = Result<Option<Message>, StorageError>> + Send;
    /// Deletes one message of a channel and returns the `seq` it had, so the deletion event
    /// can say where in the channel the gap is; `NotFound` if it is not in that channel.
    fn delete_message(
        &self,
        channel_id: Uuid,
        message_id: Uuid,
    ) -> impl Future<Output = Result<i64, StorageError>> + Send;
    /// Deletes every message of a channel and returns how many. `last_seq` is kept, so
    /// later messages continue the sequence and client cursors stay valid.
    fn clear_channel(
        &self,
        channel_id: Uuid,
    ) -> impl Future<Output = Result<u64, StorageError>> + Send;
}

/// A replay if the stored message has the same body as the new one, else a conflict.
/// Only an idempotency-key match is checked; an answered `in_reply_to` is always a replay.
fn replay(new: &NewMessage, stored: Message, by_key: bool) -> Result<CreatedMessage, StorageError> {
    let same = stored.content == new.content
        && stored.in_reply_to_root_message_id == new.in_reply_to_root_message_id
        && stored.in_reply_to == new.in_reply_to;
    if by_key && !same {
        return Err(StorageError::IdempotencyConflict);
    }
    Ok(CreatedMessage {
        message: stored,
        replayed: true,
    })
}

impl Db {
    /// The stored message a new one would duplicate: same idempotency key first, else the
    /// same author's reply to the same message. The flag says which matched.
    async fn find_duplicate(
        &self,
        m: &NewMessage,
    ) -> Result<Option<(Message, bool)>, StorageError> {
        if let Some(key) = &m.client_message_id {
            let found: Option<MessageRow> = with_conn!(self, |c| {
                central_messages::table
                    .filter(central_messages::channel_id.eq(Id(m.channel_id)))
                    .filter(central_messages::author_id.eq(Id(m.author_id)))
                    .filter(central_messages::client_message_id.eq(key))
                    .select(MessageRow::as_select())
                    .first(c)
                    .await
                    .optional()?
            });
            if let Some(r) = found {
                return Ok(Some((r.into(), true)));
            }
        }
        if let Some(answered) = m.in_reply_to {
            let found: Option<MessageRow> = with_conn!(self, |c| {
                central_messages::table
                    .filter(central_messages::author_id.eq(Id(m.author_id)))
                    .filter(central_messages::in_reply_to.eq(Id(answered)))
                    .select(MessageRow::as_select())
                    .first(c)
                    .await
                    .optional()?
            });
            if let Some(r) = found {
                return Ok(Some((r.into(), false)));
            }
        }
        Ok(None)
    }
}

impl MessageStore for Db {
    async fn create_message(&self, m: &NewMessage) -> Result<CreatedMessage, StorageError> {
        // The common retry is caught without a write; a concurrent duplicate is caught by
        // the unique indexes below and resolved the same way.
        if let Some((stored, by_key)) = self.find_duplicate(m).await? {
            return replay(m, stored, by_key);
        }
        let inserted: Result<MessageRow, StorageError> = with_write_conn!(self, |c| {
            c.transaction::<_, StorageError, _>(async |c| {
                // Write first: on SQLite this takes the write lock before any read, so a
                // concurrent writer waits instead of failing; on PostgreSQL the row lock
                // serialises writers of this channel, which keeps `seq` gap-free.
                let seq: i64 = diesel::update(channels::table.find(Id(m.channel_id)))
                    .set(channels::last_seq.eq(channels::last_seq + 1))
                    .returning(channels::last_seq)
                    .get_result(c)
                    .await
                    .or_not_found(Record::Channel)?;
                // Stamped under the channel's write lock, so created_at follows seq.
                let t = m.created_at.map(truncate_micros).unwrap_or_else(now);
                let row = MessageRow::new(m, seq, t);
                // A taken id is a duplicate message; a foreign key names the message the
                // new one answers (the channel was found above).
                let r: MessageRow = diesel::insert_into(central_messages::table)
                    .values(&row)
                    .returning(MessageRow::as_returning())
                    .get_result(c)
                    .await
                    .map_err(|e| StorageError::from(e).naming(Record::Message, Record::Message))?;
                // A reply settles the answered message's delivery to this author, in the
                // same transaction, so a reply is never stored without being recorded.
                if let Some(answered) = m.in_reply_to {
                    let exists: i64 = central_messages::table
                        .filter(central_messages::id.eq(Id(answered)))
                        .count()
                        .get_result(c)
                        .await?;
                    if exists > 0 {
                        let d = Delivery::new(answered, m.author_id, DeliveryState::Replied);
                        upsert_delivery!(c, &d)?;
                    }
                }
                for agent in m.dispatch_to.iter().filter(|a| **a != m.author_id) {
                    let d = Delivery::new(r.id.0, *agent, DeliveryState::Dispatched);
                    upsert_delivery!(c, &d)?;
                }
                Ok(r)
            })
            .await
        });
        match inserted {
            Ok(r) => Ok(CreatedMessage {
                message: r.into(),
                replayed: false,
            }),
            Err(e @ StorageError::Duplicate(_)) => match self.find_duplicate(m).await? {
                Some((stored, by_key)) => replay(m, stored, by_key),
                None => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    async fn get_message(&self, id: Uuid) -> Result<Message, StorageError> {
        with_conn!(self, |c| {
            let r: MessageRow = central_messages::table
                .find(Id(id))
                .select(MessageRow::as_select())
                .first(c)
                .await
                .or_not_found(Record::Message)?;
            Ok(r.into())
        })
    }

    async fn list_messages(&self, page: &MessagePage) -> Result<Vec<Message>, StorageError> {
        let limit = page.limit.clamp(1, MAX_PAGE_LIMIT);
        // A cursor from below alone (`after_seq` or `after`) reads forward from it, so catching
        // up never skips messages; the page is still returned newest first.
        let forward = (page.after_seq.is_some() || page.after.is_some())
            && page.before_seq.is_none()
            && page.before.is_none();
        let mut rows: Vec<MessageRow> = with_conn!(self, |c| {
            let mut q = central_messages::table
                .filter(central_messages::channel_id.eq(Id(page.channel_id)))
                .select(MessageRow::as_select())
                .limit(limit)
                .into_boxed();
            if let Some(s) = page.before_seq {
                q = q.filter(central_messages::seq.lt(s));
            }
            if let Some(s) = page.after_seq {
                q = q.filter(central_messages::seq.gt(s));
            }
            if let Some(t) = page.before {
                q = q.filter(central_messages::created_at.lt(Ts(truncate_micros(t))));
            }
            if let Some(t) = page.after {
                q = q.filter(central_messages::created_at.gt(Ts(truncate_micros(t))));
            }
            // A time cursor alone is read in (created_at, seq) order from the
            // (channel_id, created_at, seq) index: ordering by seq with a time filter would
            // scan the seq index from the newest end (or sort the time range), which makes
            // a page deep in a long channel cost as much as the rows after it. The two
            // orders agree because created_at is stamped under the channel's write lock.
            let by_time = page.before_seq.is_none()
                && page.after_seq.is_none()
                && (page.before.is_some() || page.after.is_some());
            q = match (forward, by_time) {
                (false, false) => q.order(central_messages::seq.desc()),
                (true, false) => q.order(central_messages::seq.asc()),
                (false, true) => q.order((
                    central_messages::created_at.desc(),
                    central_messages::seq.desc(),
                )),
                (true, true) => q.order((
                    central_messages::created_at.asc(),
                    central_messages::seq.asc(),
                )),
            };
            q.load(c).await?
        });
        if forward {
            rows.reverse();
        }
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn update_message(&self, id: Uuid, u: &MessageUpdate) -> Result<Message, StorageError> {
        let changes = row::MessageChanges::new(u);
        with_write_conn!(self, |c| {
            let r: MessageRow = diesel::update(central_messages::table.find(Id(id)))
                .set(&changes)
                .returning(MessageRow::as_returning())
                .get_result(c)
                .await
                .or_not_found(Record::Message)
                .map_err(|e| e.naming(Record::Message, Record::Message))?;
            Ok(r.into())
        })
    }

    async fn find_reply(
        &self,
        author_id: Uuid,
        message_id: Uuid,
    ) -> Result<Option<Message>, StorageError> {
        with_conn!(self, |c| {
            let r: Option<MessageRow> = central_messages::table
                .filter(central_messages::author_id.eq(Id(author_id)))
                .filter(central_messages::in_reply_to.eq(Id(message_id)))
                .select(MessageRow::as_select())
                .first(c)
                .await
                .optional()?;
            Ok(r.map(Into::into))
        })
    }

    async fn delete_message(
        &self,
        channel_id: Uuid,
        message_id: Uuid,
    ) -> Result<i64, StorageError> {
        with_write_conn!(self, |c| {
            let seq: Option<i64> = diesel::delete(
                central_messages::table
                    .filter(central_messages::id.eq(Id(message_id)))
                    .filter(central_messages::channel_id.eq(Id(channel_id))),
            )
            .returning(central_messages::seq)
            .get_result(c)
            .await
            .optional()?;
            seq.ok_or(StorageError::NotFound(Record::Message))
        })
    }

    async fn clear_channel(&self, channel_id: Uuid) -> Result<u64, StorageError> {
        with_write_conn!(self, |c| {
            let n = diesel::delete(
                central_messages::table.filter(central_messages::channel_id.eq(Id(channel_id))),
            )
            .execute(c)
            .await?;
            Ok(n as u64)
        })
    }
}
