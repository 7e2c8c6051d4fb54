//! Channels, DMs and participants.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

/// elizaOS `ChannelType` values.
pub const CHANNEL_TYPES: &[&str] = &[
    "SELF",
    "DM",
    "GROUP",
    "VOICE_DM",
    "VOICE_GROUP",
    "FEED",
    "THREAD",
    "WORLD",
    "FORUM",
    "API",
];

/// `POST /channels`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateChannel {
    /// Name (required).
    pub name: Option<String>,
    /// The message server (required).
    #[serde(rename = "message_server_id")]
    #[serde(default, deserialize_with = "crate::id::optional")]
    pub message_server_id: Option<Uuid>,
    /// Deprecated spelling of `message_server_id`.
    #[serde(rename = "server_id")]
    #[serde(default, deserialize_with = "crate::id::optional")]
    pub server_id: Option<Uuid>,
    /// The participants; absent means none.
    #[serde(default, deserialize_with = "crate::id::optional_list")]
    pub participant_central_user_ids: Option<Vec<Uuid>>,
    /// One of the elizaOS channel types; `GROUP` when absent.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Source type.
    pub source_type: Option<String>,
    /// External id.
    pub source_id: Option<String>,
    /// Topic.
    pub topic: Option<String>,
    /// Free-form metadata; kept when it is an object.
    pub metadata: Option<Value>,
}

/// `PATCH /channels/{id}`: absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateChannel {
    /// New name.
    pub name: Option<String>,
    /// The new participant list (replaces the old one).
    #[serde(default, deserialize_with = "crate::id::optional_list")]
    pub participant_central_user_ids: Option<Vec<Uuid>>,
    /// New metadata (replaces the old; a non-object clears it).
    #[serde(default, deserialize_with = "present")]
    pub metadata: Option<Value>,
}

impl UpdateChannel {
    /// The metadata change: `None` keeps the stored metadata, `Some(None)` clears it (a
    /// value that is not an object), `Some(Some(m))` replaces it. The participant list a
    /// client echoes back from the channel's details is dropped: participants are rows,
    /// changed through `participantCentralUserIds` at the top level.
    pub fn metadata_change(&mut self) -> Option<Option<Value>> {
        self.metadata.take().map(|m| match m {
            Value::Object(mut o) => {
                o.remove(super::records::PARTICIPANTS_KEY);
                Some(Value::Object(o))
            }
            _ => None,
        })
    }
}

/// A field that is present, even as `null`, is `Some` (`Some(Value::Null)` for `null`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// Query of `GET /dm-channel`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct DmQuery {
    /// The user asking.
    pub current_user_id: Option<String>,
    /// The other party.
    pub target_user_id: Option<String>,
    /// The server of the DM; the default server when absent.
    pub dm_server_id: Option<String>,
}

/// `data` of `GET /channels/{id}/agents`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChannelAgents {
    /// The channel.
    pub channel_id: Uuid,
    /// Every participant (as elizaOS 1.7.2 answers, agents and users alike).
    pub participants: Vec<Uuid>,
}

/// `data` of adding an agent to a channel or removing it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChannelAgentChange {
    /// The channel.
    pub channel_id: Uuid,
    /// The agent.
    pub agent_id: Uuid,
    /// What happened.
    pub message: String,
}

/// `data` of `POST /channels/{id}/generate-title`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Title {
    /// The title; `null` when the channel has too few messages.
    pub title: Option<String>,
    /// The channel.
    pub channel_id: Uuid,
    /// Why there is no title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}
