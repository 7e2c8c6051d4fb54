//! The `central_messages` row and its mapping to [`Message`].

use super::{MessageUpdate, NewMessage};
use crate::schema::central_messages;
use crate::types::{Id, Json, Ts, now};
use agentd_core::model::Message;
use agentd_core::time::Timestamp;
use diesel::prelude::*;

/// One `central_messages` row.
#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = central_messages)]
#[diesel(check_for_backend(diesel::pg::Pg, diesel::sqlite::Sqlite))]
pub(super) struct MessageRow {
    pub(super) id: Id,
    channel_id: Id,
    seq: i64,
    author_id: Id,
    content: String,
    raw_message: Option<Json>,
    in_reply_to_root_message_id: Option<Id>,
    source_type: Option<String>,
    source_id: Option<String>,
    metadata: Option<Json>,
    client_message_id: Option<String>,
    in_reply_to: Option<Id>,
    created_at: Ts,
    updated_at: Ts,
}

impl MessageRow {
    pub(super) fn new(m: &NewMessage, seq: i64, t: Timestamp) -> Self {
        MessageRow {
            id: Id(m.id),
            channel_id: Id(m.channel_id),
            seq,
            author_id: Id(m.author_id),
            content: m.content.clone(),
            raw_message: m.raw_message.clone().map(Json),
            in_reply_to_root_message_id: m.in_reply_to_root_message_id.map(Id),
            source_type: m.source_type.clone(),
            source_id: m.source_id.clone(),
            metadata: m.metadata.clone().map(Json),
            client_message_id: m.client_message_id.clone(),
            in_reply_to: m.in_reply_to.map(Id),
            created_at: Ts(t),
            updated_at: Ts(t),
        }
    }
}

impl From<MessageRow> for Message {
    fn from(r: MessageRow) -> Self {
        Message {
            id: r.id.0,
            channel_id: r.channel_id.0,
            seq: r.seq,
            author_id: r.author_id.0,
            content: r.content,
            raw_message: r.raw_message.map(|j| j.0),
            in_reply_to_root_message_id: r.in_reply_to_root_message_id.map(|i| i.0),
            source_type: r.source_type,
            source_id: r.source_id,
            metadata: r.metadata.map(|j| j.0),
            client_message_id: r.client_message_id,
            in_reply_to: r.in_reply_to.map(|i| i.0),
            created_at: r.created_at.0,
            updated_at: r.updated_at.0,
        }
    }
}

/// The columns [`MessageUpdate`] may change; `None` fields are left alone.
#[derive(AsChangeset)]
#[diesel(table_name = central_messages)]
pub(super) struct MessageChanges {
    content: Option<String>,
    raw_message: Option<Json>,
    source_type: Option<String>,
    in_reply_to_root_message_id: Option<Id>,
    metadata: Option<Json>,
    author_id: Option<Id>,
    updated_at: Ts,
}

impl MessageChanges {
    pub(super) fn new(u: &MessageUpdate) -> Self {
        MessageChanges {
            content: u.content.clone(),
            raw_message: u.raw_message.clone().map(Json),
            source_type: u.source_type.clone(),
            in_reply_to_root_message_id: u.in_reply_to_root_message_id.map(Id),
            metadata: u.metadata.clone().map(Json),
            author_id: u.author_id.map(Id),
            updated_at: Ts(now()),
        }
    }
}
