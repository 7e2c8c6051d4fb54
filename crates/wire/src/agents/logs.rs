//! The logs of a running agent.

use agentd_core::agent_data::LogEntry;
use agentd_core::time::to_iso;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

/// A log entry of `GET /api/agents/{agentId}/logs`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LogItem {
    /// Log id.
    pub id: Uuid,
    /// ISO 8601.
    pub created_at: String,
    /// The entity concerned.
    pub entity_id: Uuid,
    /// What happened (`{modelType, ...}` for model calls).
    pub body: Value,
    /// The kind of entry (`useModel`, `run_event`...).
    #[serde(rename = "type")]
    pub kind: String,
    /// The room it happened in.
    pub room_id: Uuid,
}

impl LogItem {
    /// The log items of `logs`, leaving out those whose `body.modelType` contains one of
    /// `exclude` (case-insensitive).
    pub fn list(logs: Vec<LogEntry>, exclude: &[String]) -> Vec<LogItem> {
        let exclude: Vec<String> = exclude.iter().map(|s| s.to_lowercase()).collect();
        logs.into_iter()
            .filter(|l| {
                let model = l
                    .body
                    .get("modelType")
                    .and_then(Value::as_str)
                    .map(str::to_lowercase);
                !model.is_some_and(|m| exclude.iter().any(|x| m.contains(x.as_str())))
            })
            .map(|l| LogItem {
                id: l.id,
                created_at: to_iso(l.created_at),
                entity_id: l.entity_id,
                body: l.body,
                kind: l.kind,
                room_id: l.room_id,
            })
            .collect()
    }
}
