//! Server logs for the UI: a tracing layer fills a bounded ring buffer of structured
//! records, which `GET /api/server/logs` reads and `log_stream` pushes.
//!
//! Each tracing event becomes exactly one record (elizaOS 1.7.2 stored every line twice), with
//! the pino level numbers the UI expects and the agent fields when the event carries them
//! (`agent.id`/`agent_id`/`agentId`, `agent.name`/`agentName`).

mod buffer;
mod layer;
pub(crate) mod stream;

pub use agentd_wire::system::logs::{LEVEL_NAMES, level_number};
pub use buffer::{DEFAULT_LOG_CAPACITY, LogBuffer, LogRecord};
pub use layer::LogLayer;

use serde::{Deserialize, Serialize};

/// What a log-stream subscriber wants to see (the `update_log_filters` payload).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogFilters {
    /// An exact agent name, or `"all"`.
    pub agent_name: String,
    /// A level name (records at or above it pass), or `"all"`.
    pub level: String,
}

impl Default for LogFilters {
    fn default() -> Self {
        LogFilters {
            agent_name: "all".to_owned(),
            level: "all".to_owned(),
        }
    }
}

impl LogFilters {
    /// Whether a record passes, with the 1.7 stream rules (level is a minimum).
    pub fn matches(&self, record: &LogRecord) -> bool {
        let name_ok = self.agent_name == "all"
            || record.agent_name.as_deref() == Some(self.agent_name.as_str());
        let level_ok = self.level == "all" || record.level >= level_number(&self.level);
        name_ok && level_ok
    }
}
