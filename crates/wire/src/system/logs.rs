//! `GET|POST|DELETE /api/server/logs`: the page of recent log records and its filters.
//! Bad query values fall back to their defaults (as elizaOS 1.7.2 does for `parseInt`
//! failures), never to an error.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::filled;

/// Default page of `/logs`.
pub const DEFAULT_LIMIT: usize = 100;
/// Largest page of `/logs`.
pub const MAX_LIMIT: usize = 1000;
/// Default look-back of `/logs`: one hour, in ms.
pub const DEFAULT_SINCE_MS: i64 = 60 * 60 * 1000;

/// Level names the UI offers, in the order `/api/server/logs` lists them.
pub const LEVEL_NAMES: [&str; 9] = [
    "fatal", "error", "warn", "info", "log", "progress", "success", "debug", "trace",
];

/// The pino number of a level name; unknown names give 70 (above everything), as elizaOS
/// 1.7.2 does.
pub fn level_number(name: &str) -> u8 {
    match name.to_ascii_lowercase().as_str() {
        "fatal" => 60,
        "error" => 50,
        "warn" => 40,
        "info" => 30,
        "log" => 29,
        "progress" => 28,
        "success" => 27,
        "debug" => 20,
        "trace" => 10,
        _ => 70,
    }
}

/// One log line as the UI sees it (the buffer's record, the `log_stream` payload and an
/// item of `GET /api/server/logs`).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    /// Epoch ms.
    pub time: i64,
    /// pino level number (error 50, warn 40, info 30, debug 20, trace 10).
    pub level: u8,
    /// The message, followed by the event's other fields as `key=value`.
    pub msg: String,
    /// The agent the event is about, when it says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    /// The agent's name, when the event says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<String>,
}

/// The query of `GET|POST /api/server/logs` (a POST body is ignored). Read through a map,
/// so a repeated key is its last value rather than an error.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", from = "HashMap<String, String>")]
#[into_params(parameter_in = Query)]
pub struct LogsQuery {
    /// Only entries at or after this time (epoch ms; default one hour ago).
    pub since: Option<String>,
    /// An exact level name, or `all` (default).
    pub level: Option<String>,
    /// Only this agent's entries, or `all` (default).
    pub agent_name: Option<String>,
    /// Only this agent's entries, or `all` (default).
    pub agent_id: Option<String>,
    /// At most this many, the newest (1 to 1000, default 100).
    pub limit: Option<String>,
}

impl From<HashMap<String, String>> for LogsQuery {
    fn from(mut q: HashMap<String, String>) -> Self {
        LogsQuery {
            since: q.remove("since"),
            level: q.remove("level"),
            agent_name: q.remove("agentName"),
            agent_id: q.remove("agentId"),
            limit: q.remove("limit"),
        }
    }
}

/// `GET|POST /api/server/logs`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LogsPage {
    /// The matching entries, oldest first, at most `limit` (the newest).
    pub logs: Vec<LogEntry>,
    /// How many are returned.
    pub count: usize,
    /// How many the buffer holds.
    pub total: usize,
    /// The level asked for, or `all`.
    pub requested_level: String,
    /// The agent name asked for, or `all`.
    pub agent_name: String,
    /// The agent id asked for, or `all`.
    pub agent_id: String,
    /// The level names the UI offers.
    pub levels: Vec<String>,
}

impl LogsPage {
    /// The page of `records` (the whole buffer, oldest first) that `q` asks for at
    /// `now_ms`.
    pub fn select(records: Vec<LogEntry>, q: &LogsQuery, now_ms: i64) -> Self {
        let since = filled(&q.since)
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(now_ms - DEFAULT_SINCE_MS);
        let level = filled(&q.level).unwrap_or("all");
        let agent_name = filled(&q.agent_name);
        let agent_id = filled(&q.agent_id);
        let limit = filled(&q.limit)
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(DEFAULT_LIMIT)
            .clamp(1, MAX_LIMIT);
        let total = records.len();
        let wanted_level = (level != "all").then(|| level_number(level));
        let mut logs: Vec<LogEntry> = records
            .into_iter()
            .filter(|r| r.time >= since)
            .filter(|r| wanted_level.is_none_or(|l| r.level == l))
            .filter(|r| agent_name.is_none_or(|n| n == "all" || r.agent_name.as_deref() == Some(n)))
            .filter(|r| agent_id.is_none_or(|i| i == "all" || r.agent_id.as_deref() == Some(i)))
            .collect();
        let skip = logs.len().saturating_sub(limit);
        let logs = logs.split_off(skip);
        LogsPage {
            count: logs.len(),
            logs,
            total,
            requested_level: level.to_owned(),
            agent_name: agent_name.unwrap_or("all").to_owned(),
            agent_id: agent_id.unwrap_or("all").to_owned(),
            levels: LEVEL_NAMES.iter().map(|l| (*l).to_owned()).collect(),
        }
    }
}

/// `DELETE /api/server/logs`: `{status:"success", message}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LogsCleared {
    /// Always `success`.
    pub status: String,
    /// `Logs cleared successfully`.
    pub message: String,
}

impl Default for LogsCleared {
    fn default() -> Self {
        LogsCleared {
            status: "success".to_owned(),
            message: "Logs cleared successfully".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(time: i64, level: u8, agent: Option<&str>) -> LogEntry {
        LogEntry {
            time,
            level,
            msg: format!("m{time}"),
            agent_id: None,
            agent_name: agent.map(str::to_owned),
        }
    }

    #[test]
    fn filters_and_keeps_the_newest() {
        let records = vec![
            entry(1, 30, Some("a")),
            entry(2, 50, Some("a")),
            entry(3, 30, Some("b")),
            entry(4, 30, Some("a")),
        ];
        let q = LogsQuery {
            since: Some("0".into()),
            level: Some("info".into()),
            agent_name: Some("a".into()),
            limit: Some("1".into()),
            ..Default::default()
        };
        let page = LogsPage::select(records, &q, 10);
        assert_eq!((page.count, page.total), (1, 4));
        assert_eq!(page.logs[0].time, 4);
        assert_eq!(page.agent_id, "all");
        let q = LogsQuery {
            limit: Some("x".into()),
            ..Default::default()
        };
        let page = LogsPage::select(vec![entry(1, 30, None)], &q, DEFAULT_SINCE_MS);
        assert_eq!((page.count, page.requested_level.as_str()), (1, "all"));
    }

    #[test]
    fn query_keys_are_camel_case() {
        let q: LogsQuery =
            serde_json::from_value(serde_json::json!({"level": "warn", "agentName": "a"})).unwrap();
        assert_eq!(q.level.as_deref(), Some("warn"));
        assert_eq!(q.agent_name.as_deref(), Some("a"));
    }
}
