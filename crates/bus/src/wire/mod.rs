//! The wire form of bus messages between instances: subjects and a versioned JSON envelope.
//!
//! Subjects are `<prefix>.<kind>.<channel id>` (`agentd.new_message.6f1c…`), with `_` in
//! place of the channel for events that concern none (`server_agent_update`), so an operator
//! can watch one channel (`agentd.*.<id>`) or one kind (`agentd.message_complete.*`) with
//! any NATS tool. Control messages of the bus itself use `<prefix>._bus.<what>`.
//!
//! A payload is one JSON object, `{"v":1,"origin":"<instance id>","event":{"type":…}}` for
//! an event or `{"v":1,"origin":…,"dropped":N}` when an instance could not publish `N`
//! events (its peers then recover from storage). `v` is bumped only for a change an older
//! instance would misread; new optional fields keep it. An instance that receives a version
//! or event type it does not know logs it and drops the message: during a rolling upgrade
//! the worst case is a missed signal, which storage recovers.

use crate::{BusError, BusEvent, EventKind};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The envelope version this build writes and reads.
pub const VERSION: u32 = 1;

/// The subject token used for events that concern no channel.
pub const NO_CHANNEL: &str = "_";

impl EventKind {
    /// The stable snake_case name of the kind: the subject token and the `type` tag.
    pub const fn as_str(self) -> &'static str {
        match self {
            EventKind::NewMessage => "new_message",
            EventKind::MessageDeleted => "message_deleted",
            EventKind::MessageUpdated => "message_updated",
            EventKind::ChannelCleared => "channel_cleared",
            EventKind::ServerAgentUpdate => "server_agent_update",
            EventKind::MessageStreamChunk => "message_stream_chunk",
            EventKind::MessageStreamError => "message_stream_error",
            EventKind::MessageComplete => "message_complete",
            EventKind::ChannelLifecycle => "channel_lifecycle",
            EventKind::Delivery => "delivery",
        }
    }
}

/// Checks a subject prefix: one or more dot-separated tokens of ASCII letters, digits, `-`
/// and `_` (no wildcards, no spaces), so that `<prefix>.>` matches exactly this bus.
pub fn validate_prefix(prefix: &str) -> Result<(), BusError> {
    let token_ok = |t: &str| {
        !t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if prefix.len() <= 200 && prefix.split('.').all(token_ok) {
        Ok(())
    } else {
        Err(BusError::Config(format!(
            "`{prefix}` is not a NATS subject prefix (dot-separated tokens of letters, digits, \
             `-` and `_`)"
        )))
    }
}

/// The subject an event is published on under `prefix`.
pub fn subject(prefix: &str, event: &BusEvent) -> String {
    let kind = event.kind().as_str();
    match event.channel_id() {
        Some(channel) => format!("{prefix}.{kind}.{channel}"),
        None => format!("{prefix}.{kind}.{NO_CHANNEL}"),
    }
}

/// The subject of the "events were dropped" notice under `prefix`.
pub fn dropped_subject(prefix: &str) -> String {
    format!("{prefix}._bus.dropped")
}

/// The wildcard matching every subject of the bus under `prefix`.
pub fn wildcard(prefix: &str) -> String {
    format!("{prefix}.>")
}

/// What an instance sends (borrowed, so publishing does not clone the event).
#[derive(Serialize)]
struct Outgoing<'a> {
    v: u32,
    origin: Uuid,
    #[serde(skip_serializing_if = "Option::is_none")]
    event: Option<&'a BusEvent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dropped: Option<u64>,
}

/// What an instance reads.
#[derive(Deserialize)]
struct Incoming {
    v: u32,
    origin: Uuid,
    #[serde(default)]
    event: Option<BusEvent>,
    #[serde(default)]
    dropped: Option<u64>,
}

/// Only the version, to explain a payload that did not decode.
#[derive(Deserialize)]
struct VersionOnly {
    v: u32,
}

/// A decoded bus message.
#[derive(Debug, Clone, PartialEq)]
pub enum WireMessage {
    /// An event published by the instance `origin`.
    Event {
        /// The publishing instance.
        origin: Uuid,
        /// The event.
        event: BusEvent,
    },
    /// The instance `origin` could not publish `count` events (NATS was unreachable).
    Dropped {
        /// The instance that dropped them.
        origin: Uuid,
        /// How many.
        count: u64,
    },
}

/// The payload of `event` published by instance `origin`.
pub fn encode_event(origin: Uuid, event: &BusEvent) -> Vec<u8> {
    encode(&Outgoing {
        v: VERSION,
        origin,
        event: Some(event),
        dropped: None,
    })
}

/// The payload of a notice that instance `origin` dropped `count` events.
pub fn encode_dropped(origin: Uuid, count: u64) -> Vec<u8> {
    encode(&Outgoing {
        v: VERSION,
        origin,
        event: None,
        dropped: Some(count),
    })
}

fn encode(out: &Outgoing<'_>) -> Vec<u8> {
    // Serialising plain structs, strings, numbers and UUIDs into a Vec cannot fail.
    serde_json::to_vec(out).unwrap_or_default()
}

/// Reads a payload; anything but a known message of [`VERSION`] is a [`BusError::Decode`].
pub fn decode(payload: &[u8]) -> Result<WireMessage, BusError> {
    let incoming: Incoming = match serde_json::from_slice(payload) {
        Ok(m) => m,
        Err(e) => {
            return Err(match serde_json::from_slice::<VersionOnly>(payload) {
                Ok(VersionOnly { v }) if v != VERSION => unsupported(v),
                _ => BusError::Decode(e.to_string()),
            });
        }
    };
    if incoming.v != VERSION {
        return Err(unsupported(incoming.v));
    }
    match (incoming.event, incoming.dropped) {
        (Some(event), None) => Ok(WireMessage::Event {
            origin: incoming.origin,
            event,
        }),
        (None, Some(count)) => Ok(WireMessage::Dropped {
            origin: incoming.origin,
            count,
        }),
        _ => Err(BusError::Decode(
            "expected exactly one of `event` and `dropped`".to_owned(),
        )),
    }
}

fn unsupported(v: u32) -> BusError {
    BusError::Decode(format!("envelope version {v} (this build reads {VERSION})"))
}

/// Serde for [`agentd_core::model::DeliveryState`] by its storage spelling, so the core crate
/// needs no serde derive for a type only the wire serialises.
pub(crate) mod delivery_state {
    use agentd_core::model::DeliveryState;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    /// Writes the state's `as_str` spelling.
    pub(crate) fn serialize<S: Serializer>(s: &DeliveryState, ser: S) -> Result<S::Ok, S::Error> {
        ser.serialize_str(s.as_str())
    }

    /// Reads a spelling written by [`serialize`].
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(de: D) -> Result<DeliveryState, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(de)?;
        DeliveryState::parse(&s)
            .ok_or_else(|| D::Error::custom(format!("unknown delivery state `{s}`")))
    }
}

#[cfg(test)]
mod tests;
