//! Persisted chat sessions (spec 3.6, design 3): a session is a row in the database, so it
//! survives restarts and is shared by every instance on PostgreSQL.
//!
//! This crate will own the session lifecycle: timeout configuration merged from the
//! environment, the agent's settings and the request; expiry computed from stored times;
//! renewal, heartbeats and the background sweeper. So far it holds the configuration shape
//! and the elizaOS defaults.

/// Session timing, in minutes, after defaults, agent settings and request are merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeoutConfig {
    /// Inactivity (or absolute, without auto-renew) timeout.
    pub timeout_minutes: u32,
    /// Whether activity extends the session.
    pub auto_renew: bool,
    /// The longest a session may live, renewals included.
    pub max_duration_minutes: u32,
    /// How close to expiry `isNearExpiration` turns true.
    pub warning_threshold_minutes: u32,
}

impl Default for TimeoutConfig {
    /// The elizaOS 1.7 defaults: 30 minutes, auto-renew, 12 hours at most, warn at 5 minutes.
    fn default() -> Self {
        TimeoutConfig {
            timeout_minutes: 30,
            auto_renew: true,
            max_duration_minutes: 720,
            warning_threshold_minutes: 5,
        }
    }
}
