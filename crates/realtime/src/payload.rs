//! Wire shapes of the server → client events, built from stored records.

use agentd_core::model::{Channel, Message};
use agentd_core::time::{to_iso, to_millis};
use agentd_media::MediaRoot;
use serde_json::{Map, Value, json};
use uuid::Uuid;

/// `messageBroadcast` for a stored message. It carries every key any client variant reads
/// (`channelId` and `roomId`, `serverId` and `messageServerId`) plus `seq`, so a client can
/// resume with `lastSeq`. Attachment paths become `/media/...` URLs under `root`.
pub(crate) fn message_broadcast(
    m: &Message,
    server_id: Option<Uuid>,
    is_agent: bool,
    root: &MediaRoot,
) -> Value {
    let meta = m.metadata.as_ref().and_then(Value::as_object);
    let raw = m.raw_message.as_ref().and_then(Value::as_object);
    let meta_str = |key: &str| meta.and_then(|o| o.get(key)).and_then(Value::as_str);
    let is_agent = is_agent || m.source_type.as_deref() == Some("agent_response");
    let default_name = if is_agent { "Agent" } else { "User" };
    let sender_name = meta_str("user_display_name")
        .or_else(|| meta_str("agentName"))
        .or_else(|| meta_str("author_display_name"))
        .or_else(|| {
            raw.and_then(|o| o.get("author_display_name"))
                .and_then(Value::as_str)
        })
        .filter(|s| !s.is_empty())
        .unwrap_or(default_name);
    let server_id =
        server_id.or_else(|| meta_str("messageServerId").and_then(|s| Uuid::parse_str(s).ok()));
    let mut out = Map::new();
    out.insert("id".into(), json!(m.id));
    out.insert("seq".into(), json!(m.seq));
    out.insert("senderId".into(), json!(m.author_id));
    out.insert("senderName".into(), json!(sender_name));
    out.insert("text".into(), json!(m.content));
    out.insert("channelId".into(), json!(m.channel_id));
    out.insert("roomId".into(), json!(m.channel_id));
    if let Some(server_id) = server_id {
        out.insert("serverId".into(), json!(server_id));
        out.insert("messageServerId".into(), json!(server_id));
    }
    out.insert("createdAt".into(), json!(to_millis(m.created_at)));
    out.insert(
        "source".into(),
        json!(m.source_type.as_deref().unwrap_or("socketio_client")),
    );
    for key in ["thought", "actions"] {
        if let Some(v) = raw.and_then(|o| o.get(key)).filter(|v| !v.is_null()) {
            out.insert(key.into(), v.clone());
        }
    }
    let attachments = raw
        .and_then(|o| o.get("attachments"))
        .or_else(|| meta.and_then(|o| o.get("attachments")))
        .filter(|v| !v.is_null());
    if let Some(v) = attachments {
        out.insert("attachments".into(), agentd_media::attachments(v, root));
    }
    if let Some(id) = m.in_reply_to_root_message_id {
        out.insert("inReplyToMessageId".into(), json!(id));
    }
    Value::Object(out)
}

/// `Channel` as the REST API renders it, for `channelUpdated.updates`.
pub(crate) fn channel_json(c: &Channel) -> Value {
    let mut v = json!({
        "id": c.id,
        "messageServerId": c.message_server_id,
        "name": c.name,
        "type": c.kind,
        "createdAt": to_iso(c.created_at),
        "updatedAt": to_iso(c.updated_at),
    });
    if let Some(o) = v.as_object_mut() {
        for (key, value) in [
            ("sourceType", c.source_type.clone().map(Value::from)),
            ("sourceId", c.source_id.clone().map(Value::from)),
            ("topic", c.topic.clone().map(Value::from)),
            ("metadata", c.metadata.clone()),
        ] {
            if let Some(value) = value {
                o.insert(key.into(), value);
            }
        }
    }
    v
}

/// `messageError` with the elizaOS `{error}` shape.
pub(crate) fn error(message: impl Into<String>) -> Value {
    json!({ "error": message.into() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentd_core::model::Message;

    #[test]
    fn broadcast_attachments_are_public_urls() {
        let root = MediaRoot::new("/srv/media");
        let (c, a, id) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let now = chrono::Utc::now();
        let m = Message {
            id: Uuid::new_v4(),
            channel_id: c,
            seq: 3,
            author_id: a,
            content: "x".into(),
            raw_message: Some(json!({"attachments": [
                {"url": format!("/srv/media/generated/{id}/f.png")}, "blob:x"]})),
            in_reply_to_root_message_id: None,
            source_type: None,
            source_id: None,
            metadata: None,
            client_message_id: None,
            in_reply_to: None,
            created_at: now,
            updated_at: now,
        };
        let v = message_broadcast(&m, None, false, &root);
        assert_eq!(
            v["attachments"],
            json!([{"url": format!("/media/generated/{id}/f.png")}, "blob:x"])
        );
    }
}
