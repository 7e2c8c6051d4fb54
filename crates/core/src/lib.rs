//! Domain types, identifiers and stable error codes shared by every agentd crate.
//!
//! `agentd-core` deliberately performs no IO: it depends on no async runtime, no web
//! framework and no database driver (`cargo xtask ci` enforces this), so every other crate
//! can use it and its logic is tested with plain unit tests.

pub mod access;
pub mod agent_data;
pub mod character;
pub mod error;
pub mod ids;
pub mod model;
pub mod time;

pub use error::ErrorCode;
pub use ids::{DEFAULT_SERVER_ID, create_unique_uuid, parse_uuid, string_to_uuid};
