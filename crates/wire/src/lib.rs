//! The typed wire shapes of agentd's REST API, the elizaOS 1.7 shapes plus agentd's
//! additions (`seq`, `lastSeq`, `delivery`).
//!
//! Every request body a handler reads is a struct here that deserializes from the client's
//! JSON ([`body::parse`] reports the path of a field that does not fit); every response body
//! is a struct here that serializes to what the client reads. The OpenAPI document is derived
//! from these same structs (`utoipa::ToSchema`), so the document and the bodies cannot drift:
//! `crates/http-api/tests/it/openapi_bodies.rs` sends one request per route and checks the
//! answer against the documented schema.
//!
//! Conventions:
//! - Optional response fields are omitted when absent, as elizaOS drops `undefined` keys.
//! - Ids are UUID strings in the canonical hyphenated form ([`id`] reads them strictly).
//! - Times are ISO 8601 strings or epoch milliseconds, as each elizaOS shape has them.
//! - Open-ended JSON (metadata, plugin output, character fields) is a [`serde_json::Value`]
//!   or an [`Object`], never an invented structure.
//!
//! This crate does no IO; the conversions from `agentd-core` records live next to the
//! shapes they build.

pub mod agents;
pub mod body;
pub mod envelope;
pub mod id;
pub mod jobs;
pub mod media;
pub mod memory;
pub mod messaging;
pub mod sessions;
pub mod system;

pub use body::{BodyError, parse};
pub use envelope::Success;

/// An optional string field that is present and not empty, as elizaOS's truthiness checks
/// read it.
pub fn filled(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

/// A JSON object with open-ended keys (metadata, plugin output, character fields).
pub type Object = serde_json::Map<String, serde_json::Value>;
