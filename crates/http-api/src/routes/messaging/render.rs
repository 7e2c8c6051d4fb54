//! The wire shapes of messaging records. Every message shape carries its channel `seq` as an
//! extra field; clients that do not know it ignore it.

use agentd_core::model::{Channel, DeliveryState, Message, MessageServer};
use agentd_core::time::{to_iso, to_millis};
use agentd_media::MediaRoot;
use agentd_storage::Delivery;
use serde_json::{Map, Value};
use uuid::Uuid;

/// Inserts `value` under `key` unless it is `None` (elizaOS drops undefined keys).
fn put<T: Into<Value>>(map: &mut Map<String, Value>, key: &str, value: Option<T>) {
    if let Some(v) = value {
        map.insert(key.to_owned(), v.into());
    }
}

/// `MessageServer` = `{id, name, sourceType, sourceId?, metadata?, createdAt, updatedAt}`.
pub fn server(s: &MessageServer) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), s.id.to_string().into());
    m.insert("name".into(), s.name.clone().into());
    m.insert("sourceType".into(), s.source_type.clone().into());
    put(&mut m, "sourceId", s.source_id.clone());
    put(&mut m, "metadata", s.metadata.clone());
    m.insert("createdAt".into(), to_iso(s.created_at).into());
    m.insert("updatedAt".into(), to_iso(s.updated_at).into());
    Value::Object(m)
}

/// `Channel` = `{id, messageServerId, name, type, sourceType?, sourceId?, topic?, metadata?,
/// createdAt, updatedAt}`, plus `lastSeq` (the newest message's seq).
pub fn channel(c: &Channel) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), c.id.to_string().into());
    m.insert(
        "messageServerId".into(),
        c.message_server_id.to_string().into(),
    );
    m.insert("name".into(), c.name.clone().into());
    m.insert("type".into(), c.kind.clone().into());
    put(&mut m, "sourceType", c.source_type.clone());
    put(&mut m, "sourceId", c.source_id.clone());
    put(&mut m, "topic", c.topic.clone());
    put(&mut m, "metadata", c.metadata.clone());
    m.insert("createdAt".into(), to_iso(c.created_at).into());
    m.insert("updatedAt".into(), to_iso(c.updated_at).into());
    m.insert("lastSeq".into(), c.last_seq.into());
    Value::Object(m)
}

/// `CentralMessage` = `{id, channelId, authorId, content, rawMessage?,
/// inReplyToRootMessageId?, sourceType?, sourceId?, metadata?, createdAt, updatedAt, seq}`.
pub fn central_message(msg: &Message) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), msg.id.to_string().into());
    m.insert("channelId".into(), msg.channel_id.to_string().into());
    m.insert("authorId".into(), msg.author_id.to_string().into());
    m.insert("content".into(), msg.content.clone().into());
    put(&mut m, "rawMessage", msg.raw_message.clone());
    put(
        &mut m,
        "inReplyToRootMessageId",
        msg.in_reply_to_root_message_id.map(|i| i.to_string()),
    );
    put(&mut m, "sourceType", msg.source_type.clone());
    put(&mut m, "sourceId", msg.source_id.clone());
    put(&mut m, "metadata", msg.metadata.clone());
    m.insert("createdAt".into(), to_iso(msg.created_at).into());
    m.insert("updatedAt".into(), to_iso(msg.updated_at).into());
    m.insert("seq".into(), msg.seq.into());
    Value::Object(m)
}

pub use agentd_media::attachments;

/// An item of `GET /channels/:id/messages`: the central message with `metadata` merged with the
/// raw message's `thought`, `actions` and `attachments` (URLs rewritten), plus ms
/// `created_at`/`updated_at`.
pub fn history_item(msg: &Message, root: &MediaRoot) -> Value {
    let mut v = central_message(msg);
    let raw = msg.raw_message.as_ref();
    let mut meta = match &msg.metadata {
        Some(Value::Object(o)) => o.clone(),
        _ => Map::new(),
    };
    for key in ["thought", "actions"] {
        match raw.and_then(|r| r.get(key)) {
            Some(val) if !val.is_null() => {
                meta.insert(key.into(), val.clone());
            }
            _ => {
                meta.remove(key);
            }
        }
    }
    if let Some(a) = raw
        .and_then(|r| r.get("attachments"))
        .filter(|a| !a.is_null())
    {
        meta.insert("attachments".into(), a.clone());
    }
    if let Some(a) = meta.get_mut("attachments") {
        *a = attachments(a, root);
    }
    if let Value::Object(o) = &mut v {
        o.insert("metadata".into(), Value::Object(meta));
        o.insert("created_at".into(), to_millis(msg.created_at).into());
        o.insert("updated_at".into(), to_millis(msg.updated_at).into());
    }
    v
}

/// `BusMessage` (snake_case) = `{id, channel_id, message_server_id, author_id, content,
/// created_at:ms, source_type, raw_message?, metadata?, author_display_name?,
/// in_reply_to_message_id?, source_id?, seq}`.
pub fn bus_message(msg: &Message, server_id: Uuid) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), msg.id.to_string().into());
    m.insert("channel_id".into(), msg.channel_id.to_string().into());
    m.insert("message_server_id".into(), server_id.to_string().into());
    m.insert("author_id".into(), msg.author_id.to_string().into());
    m.insert("content".into(), msg.content.clone().into());
    m.insert("created_at".into(), to_millis(msg.created_at).into());
    put(&mut m, "source_type", msg.source_type.clone());
    put(&mut m, "raw_message", msg.raw_message.clone());
    put(&mut m, "metadata", msg.metadata.clone());
    let display = msg
        .metadata
        .as_ref()
        .and_then(|m| {
            m.get("user_display_name")
                .or_else(|| m.get("author_display_name"))
        })
        .and_then(Value::as_str)
        .map(str::to_owned);
    put(&mut m, "author_display_name", display);
    put(
        &mut m,
        "in_reply_to_message_id",
        msg.in_reply_to_root_message_id.map(|i| i.to_string()),
    );
    put(&mut m, "source_id", msg.source_id.clone());
    m.insert("seq".into(), msg.seq.into());
    Value::Object(m)
}

/// An agent reply as the HTTP and SSE transports return it: the response `Content`
/// (`{text, thought?, actions?}`) plus the stored message's `messageId` and `seq`.
pub fn agent_content(msg: &Message) -> Value {
    let mut m = Map::new();
    m.insert("text".into(), msg.content.clone().into());
    if let Some(raw) = &msg.raw_message {
        for key in ["thought", "actions"] {
            if let Some(v) = raw.get(key).filter(|v| !v.is_null()) {
                m.insert(key.into(), v.clone());
            }
        }
    }
    m.insert("messageId".into(), msg.id.to_string().into());
    m.insert("seq".into(), msg.seq.into());
    Value::Object(m)
}

/// The family-B success envelope `{"success":true,"data":…}`. Built by moving `data` in:
/// `json!` would copy a `Value` operand through its serializer, which for a 50-message
/// history page was a deep copy of the whole tree on every request.
pub fn ok(data: Value) -> Value {
    object([("success", Value::Bool(true)), ("data", data)])
}

/// A JSON object of these fields, moved in (never copied, unlike `json!` with a `Value`).
pub fn object<const N: usize>(fields: [(&str, Value); N]) -> Value {
    Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// Adds `delivery: {agentId: state}` to a rendered message: where it stands with each
/// agent (empty: stored, no agent has it yet).
pub fn with_delivery(mut v: Value, states: impl Iterator<Item = (Uuid, DeliveryState)>) -> Value {
    let map: Map<String, Value> = states
        .map(|(a, s)| (a.to_string(), s.as_str().into()))
        .collect();
    if let Value::Object(o) = &mut v {
        o.insert("delivery".into(), Value::Object(map));
    }
    v
}

/// Adds `deliveryReasons: {agentId: reason}` when an agent ended its delivery with one
/// (the reason of `ignored`, the error code of `errored`); absent otherwise.
fn with_reasons<'a>(mut v: Value, deliveries: impl Iterator<Item = &'a Delivery>) -> Value {
    let map: Map<String, Value> = deliveries
        .filter_map(|d| Some((d.agent_id.to_string(), d.reason.clone()?.into())))
        .collect();
    if !map.is_empty()
        && let Value::Object(o) = &mut v
    {
        o.insert("deliveryReasons".into(), Value::Object(map));
    }
    v
}

/// The body of `GET /channels/:id/messages`: `{success, data:{messages}}`, each message a
/// [`history_item`] with its delivery states. The items are moved into the envelope, never
/// copied (see [`ok`]).
pub fn history_page(messages: &[Message], deliveries: &[Delivery], root: &MediaRoot) -> Value {
    let items = messages
        .iter()
        .map(|m| {
            let mine = deliveries.iter().filter(|d| d.message_id == m.id);
            let item = with_delivery(
                history_item(m, root),
                mine.clone().map(|d| (d.agent_id, d.state)),
            );
            with_reasons(item, mine)
        })
        .collect();
    ok(object([("messages", Value::Array(items))]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The envelope moves the page in: the string inside is the same allocation, not a
    /// copy (`json!` with a `Value` operand deep-copied it).
    #[test]
    fn ok_moves_data_in_without_copying() {
        let data = Value::Array(vec![Value::String("a message".repeat(8))]);
        let before = data[0].as_str().unwrap().as_ptr();
        let page = ok(object([("messages", data)]));
        assert_eq!(page["success"], Value::Bool(true));
        assert_eq!(
            page["data"]["messages"][0].as_str().unwrap().as_ptr(),
            before
        );
    }
}
