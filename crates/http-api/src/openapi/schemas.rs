//! Documentation-only shapes for the OpenAPI document.
//!
//! Most handlers build their JSON with `serde_json` (the wire shapes of elizaOS 1.7), so there
//! is no Rust type to derive a schema from. These structs describe those shapes for the
//! document only; they are never constructed. Where a shape is open-ended (plugin output,
//! `metadata`, character fields) it is an `Object` with a description, not an invented
//! structure.

#![expect(
    dead_code,
    reason = "schema-only types: read by the utoipa derive, never constructed"
)]

use std::collections::BTreeMap;

use serde_json::Value;
use utoipa::ToSchema;

/// Any JSON object; used where the shape is open-ended (metadata, plugin or character
/// fields) or a handler builds it ad hoc.
pub type Object = BTreeMap<String, Value>;

// A named schema rather than utoipa's inline `Object`, so it can be the `T` of `Success`.
/// A JSON object whose keys the description of the response or request using it gives
/// (handlers that build their JSON ad hoc, or pass plugin and character data through).
#[derive(ToSchema)]
pub struct Json(Object);

/// Family A/B success: `{"success":true,"data":T}`.
#[derive(ToSchema)]
pub struct Success<T> {
    /// Always `true`.
    success: bool,
    /// The payload.
    data: T,
}

/// Family A error: a stable string code from agentd's error table.
#[derive(ToSchema)]
pub struct StdError {
    /// Always `false`.
    success: bool,
    /// The error.
    error: StdErrorBody,
}

/// The `error` of a family-A envelope.
#[derive(ToSchema)]
pub struct StdErrorBody {
    /// Stable code, e.g. `INVALID_ID`, `NOT_FOUND`, `BAD_REQUEST`.
    code: String,
    /// Client-safe message.
    message: String,
    /// Extra detail, when given.
    details: Option<String>,
}

/// Family B/E error (messaging and jobs): the error is a plain string.
#[derive(ToSchema)]
pub struct MsgError {
    /// Always `false`.
    success: bool,
    /// The message.
    error: String,
    /// Extra detail, when given.
    details: Option<String>,
}

/// Family D error (sessions): no `success` key, never a stack.
#[derive(ToSchema)]
pub struct SessionError {
    /// The error.
    error: SessionErrorBody,
}

/// The `error` of a family-D envelope.
#[derive(ToSchema)]
pub struct SessionErrorBody {
    /// Stable code, e.g. `SESSION_NOT_FOUND`, `INVALID_ID`.
    code: String,
    /// Client-safe message.
    message: String,
    /// ISO-8601 time of the error.
    timestamp: String,
    /// Structured detail, when given.
    details: Option<Object>,
}

/// Family H: an unmatched `/api` path or method; `code` is the number 404, as in elizaOS.
#[derive(ToSchema)]
pub struct RouteNotFound {
    /// Always `false`.
    success: bool,
    /// `{"message":"API endpoint not found","code":404}`.
    error: Object,
}

/// A list item of `GET /api/agents`.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct AgentSummary {
    /// Agent id.
    id: uuid::Uuid,
    /// Name.
    name: String,
    /// Same as `name`.
    character_name: String,
    /// First bio line.
    bio: Value,
    /// `active` (running) or `inactive`.
    status: String,
}

/// `data` of `GET /api/agents`.
#[derive(ToSchema)]
pub struct AgentList {
    /// Running agents first, then by name.
    agents: Vec<AgentSummary>,
}

/// A stored agent as `GET /api/agents/{agentId}` renders it; secrets leave only as
/// `********`. Character fields (`bio`, `style`, `messageExamples`...) are as given.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct Agent {
    /// Agent id.
    id: uuid::Uuid,
    /// Starts at boot when true.
    enabled: bool,
    /// The message server it belongs to.
    #[schema(rename = "server_id")]
    server_id: Option<uuid::Uuid>,
    /// Milliseconds since the epoch.
    created_at: i64,
    /// Milliseconds since the epoch.
    updated_at: i64,
    /// Name.
    name: String,
    /// Username (empty when none).
    username: String,
    /// System prompt, when set.
    system: Option<String>,
    /// String or array of strings.
    bio: Value,
    /// Character examples.
    message_examples: Value,
    /// Character examples.
    post_examples: Value,
    /// Topics.
    topics: Value,
    /// Adjectives.
    adjectives: Value,
    /// Knowledge items.
    knowledge: Value,
    /// Plugin names.
    plugins: Value,
    /// Settings; `secrets` masked.
    settings: Object,
    /// Style rules.
    style: Value,
    /// `active` or `inactive`.
    status: String,
}

/// A world of an agent.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct World {
    /// World id.
    id: uuid::Uuid,
    /// Name.
    name: String,
    /// Owning agent.
    agent_id: uuid::Uuid,
    /// The message server it mirrors.
    message_server_id: Option<uuid::Uuid>,
    /// Free-form metadata.
    metadata: Object,
}

/// `{"world": World}`.
#[derive(ToSchema)]
pub struct WorldData {
    /// The world.
    world: World,
}

/// `{"worlds": [World]}`.
#[derive(ToSchema)]
pub struct WorldList {
    /// Oldest first.
    worlds: Vec<World>,
}

/// An agent memory (elizaOS `Memory`; `embedding` is never returned).
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct Memory {
    /// Memory id.
    id: uuid::Uuid,
    /// Table, e.g. `messages`.
    r#type: String,
    /// Milliseconds since the epoch.
    created_at: i64,
    /// elizaOS `Content` (`text`, `source`, `actions`...).
    content: Object,
    /// Author entity.
    entity_id: Option<String>,
    /// Owning agent.
    agent_id: uuid::Uuid,
    /// Room.
    room_id: Option<uuid::Uuid>,
    /// Deduplicated memory.
    unique: bool,
    /// Free-form metadata.
    metadata: Object,
}

/// A room of an agent (elizaOS `Room`; `serverId` duplicates `messageServerId`).
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct Room {
    /// Room id.
    id: uuid::Uuid,
    /// Name.
    name: Option<String>,
    /// The channel it mirrors.
    channel_id: Option<String>,
    /// Owning agent.
    agent_id: uuid::Uuid,
    /// Message server.
    message_server_id: Option<uuid::Uuid>,
    /// World.
    world_id: Option<uuid::Uuid>,
    /// Channel type, e.g. `DM`, `GROUP`, `API`.
    r#type: String,
    /// Source, e.g. `client_chat`.
    source: Option<String>,
    /// Free-form metadata.
    metadata: Object,
    /// Same as `messageServerId`.
    server_id: Option<uuid::Uuid>,
}

/// A message server (`MessageServer`).
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct MessageServer {
    /// Server id.
    id: uuid::Uuid,
    /// Name.
    name: String,
    /// Source type, e.g. `eliza_default`.
    source_type: String,
    /// External id.
    source_id: Option<String>,
    /// Free-form metadata.
    metadata: Option<Object>,
    /// ISO-8601.
    created_at: String,
    /// ISO-8601.
    updated_at: String,
}

/// A channel (`Channel`), plus agentd's `lastSeq`.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct Channel {
    /// Channel id.
    id: uuid::Uuid,
    /// Its message server.
    message_server_id: uuid::Uuid,
    /// Name.
    name: String,
    /// `DM`, `GROUP`, `API`...
    r#type: String,
    /// Source type.
    source_type: Option<String>,
    /// External id.
    source_id: Option<String>,
    /// Topic.
    topic: Option<String>,
    /// Free-form metadata.
    metadata: Option<Object>,
    /// ISO-8601.
    created_at: String,
    /// ISO-8601.
    updated_at: String,
    /// The newest message's per-channel sequence number.
    last_seq: i64,
}

/// A stored message (`CentralMessage`), plus its per-channel `seq`. History items also
/// carry `created_at`/`updated_at` in milliseconds and metadata merged with the raw
/// message's `thought`, `actions` and `attachments`.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct Message {
    /// Message id.
    id: uuid::Uuid,
    /// Channel.
    channel_id: uuid::Uuid,
    /// Author (user or agent).
    author_id: uuid::Uuid,
    /// Text.
    content: String,
    /// The message as the client sent it.
    raw_message: Option<Value>,
    /// The message it answers.
    in_reply_to_root_message_id: Option<uuid::Uuid>,
    /// Source type.
    source_type: Option<String>,
    /// External id.
    source_id: Option<String>,
    /// Free-form metadata.
    metadata: Option<Object>,
    /// ISO-8601.
    created_at: String,
    /// ISO-8601.
    updated_at: String,
    /// Gap-free per-channel sequence number.
    seq: i64,
}

/// A multipart upload: one file in the field `file` (other fields are read and ignored).
#[derive(ToSchema)]
pub struct FileUpload {
    /// The file; its type is sniffed from its content, never taken from the client.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// A file stored by an upload route.
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct Upload {
    /// Public URL under `/media`.
    url: String,
    /// Agent uploads: the elizaOS kind (`image`, `video`, `audio`, `document`); channel
    /// uploads: the sniffed MIME type.
    r#type: String,
    /// Generated file name.
    filename: String,
    /// The name the client sent.
    original_name: String,
    /// Bytes.
    size: i64,
}

/// Liveness: `{"status":"ok","timestamp"}`.
#[derive(ToSchema)]
pub struct Liveness {
    /// `ok`.
    status: String,
    /// ISO-8601.
    timestamp: String,
}

/// Health: `OK` with at least one running agent (200), else `DEGRADED` (503).
#[derive(ToSchema)]
#[schema(rename_all = "camelCase")]
pub struct Health {
    /// `OK` or `DEGRADED` (`/api/server/health`: always `OK`).
    status: String,
    /// agentd's version.
    version: String,
    /// ISO-8601.
    timestamp: String,
    /// `{"agents":"healthy"|"no_agents"}`.
    dependencies: Object,
    /// Running agents (`/health` only).
    agent_count: Option<i64>,
}
