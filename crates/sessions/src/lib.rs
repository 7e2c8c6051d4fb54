//! Persisted chat sessions: a session is a row in the database, so it survives restarts and is
//! shared by every instance on PostgreSQL.
//!
//! The lifecycle lives here as pure functions over a caller-given `now` (timeout
//! configuration merged from the environment, the agent's settings and the request; expiry,
//! renewal and heartbeats), plus per-session tokens and the background sweeper. The HTTP
//! routes are in `agentd-http-api`.

pub mod config;
pub mod lifecycle;
pub mod limits;
pub mod sweeper;
pub mod token;

pub use config::{PatchError, TimeoutConfig, agent_config, merge, validate_patch};
pub use limits::{LimitError, SessionLimits};
