//! Runs (`/api/agents/{agentId}/runs`): one run per message an agent answered, summarised
//! from its `run_event` and `useModel` logs.

use std::collections::HashMap;

use agentd_core::agent_data::LogEntry;
use agentd_core::time::to_millis;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// The log kinds a run is read from.
pub const RUN_LOG_KINDS: [&str; 2] = ["run_event", "useModel"];

/// Runs listed when the client does not give `limit` (elizaOS's default).
const DEFAULT_RUNS: usize = 20;
/// The most runs one page lists (elizaOS's cap).
const MAX_RUNS: usize = 100;

/// The summary of one run.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RunSummary {
    /// The run id.
    pub run_id: String,
    /// `started` until a later `run_event` says otherwise (`completed`, `error`...).
    pub status: String,
    /// Milliseconds since the epoch, when the start was logged.
    pub started_at: Option<i64>,
    /// Milliseconds since the epoch, when the end was logged.
    pub ended_at: Option<i64>,
    /// `endedAt - startedAt`, when both are known.
    pub duration_ms: Option<i64>,
    /// The message that started it (as logged).
    pub message_id: Value,
    /// Its room (as logged).
    pub room_id: Value,
    /// Its author (as logged).
    pub entity_id: Value,
    /// Where the message came from.
    pub metadata: RunMetadata,
    /// What happened during the run.
    pub counts: RunCounts,
}

/// `metadata` of a run summary.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RunMetadata {
    /// The message's source (as logged).
    pub source: Value,
}

/// `counts` of a run summary.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RunCounts {
    /// Always 0 (actions are not logged per run).
    pub actions: usize,
    /// Model calls.
    pub model_calls: usize,
    /// Run events with status `error`.
    pub errors: usize,
    /// Always 0 (evaluators are not logged per run).
    pub evaluators: usize,
}

/// What an event of a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RunEventKind {
    /// The run started.
    RunStarted,
    /// The run ended (its status says how).
    RunEnded,
    /// The agent called a model.
    ModelUsed,
}

/// One event of a run.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RunEvent {
    /// What happened.
    #[serde(rename = "type")]
    pub kind: RunEventKind,
    /// Milliseconds since the epoch.
    pub timestamp: i64,
    /// The log body.
    pub data: Value,
}

/// `data` of `GET /api/agents/{agentId}/runs`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RunList {
    /// Newest first, at most `limit`.
    pub runs: Vec<RunSummary>,
    /// Runs matching the filter.
    pub total: usize,
    /// Whether more runs match than are listed.
    pub has_more: bool,
}

/// `data` of `GET /api/agents/{agentId}/runs/{runId}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RunDetail {
    /// The run's summary.
    pub summary: RunSummary,
    /// Its events in time order.
    pub events: Vec<RunEvent>,
}

/// Which runs a list keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunFilter {
    /// Only runs with this status (`all` or none: every status).
    pub status: Option<String>,
    /// Only runs started at or after this (ms).
    pub from: Option<i64>,
    /// Only runs started at or before this (ms).
    pub to: Option<i64>,
    /// The page size the client asked for (default 20, clamped to 1..=100).
    pub limit: Option<i64>,
}

impl RunFilter {
    fn keeps(&self, r: &RunSummary) -> bool {
        let status = self.status.as_deref().filter(|s| *s != "all");
        let t = r.started_at.unwrap_or(0);
        status.is_none_or(|s| r.status == s)
            && self.from.is_none_or(|f| t >= f)
            && self.to.is_none_or(|x| t <= x)
    }

    fn page_size(&self) -> usize {
        self.limit.map_or(DEFAULT_RUNS, |n| {
            usize::try_from(n.clamp(1, MAX_RUNS as i64)).unwrap_or(DEFAULT_RUNS)
        })
    }
}

fn run_id(l: &LogEntry) -> Option<&str> {
    l.body.get("runId").and_then(Value::as_str)
}

fn status_of(l: &LogEntry) -> Option<&str> {
    l.body.get("status").and_then(Value::as_str)
}

impl RunSummary {
    /// The summary of run `id` from its logs (any order).
    pub fn new(id: &str, logs: &[&LogEntry]) -> Self {
        let is_event = |l: &&&LogEntry| l.kind == "run_event";
        let start = logs
            .iter()
            .filter(is_event)
            .filter(|l| status_of(l) == Some("started"))
            .min_by_key(|l| l.created_at);
        let end = logs
            .iter()
            .filter(is_event)
            .filter(|l| status_of(l).is_some_and(|s| s != "started"))
            .max_by_key(|l| l.created_at);
        let started = start.map(|l| to_millis(l.created_at));
        let ended = end.map(|l| to_millis(l.created_at));
        let first = start.or(end).map(|l| &l.body);
        let field = |k: &str| first.and_then(|b| b.get(k)).cloned().unwrap_or(Value::Null);
        RunSummary {
            run_id: id.to_owned(),
            status: end
                .and_then(|l| status_of(l))
                .unwrap_or("started")
                .to_owned(),
            started_at: started,
            ended_at: ended,
            duration_ms: started.zip(ended).map(|(s, e)| e - s),
            message_id: field("messageId"),
            room_id: field("roomId"),
            entity_id: field("entityId"),
            metadata: RunMetadata {
                source: field("source"),
            },
            counts: RunCounts {
                actions: 0,
                model_calls: logs.iter().filter(|l| l.kind == "useModel").count(),
                errors: logs
                    .iter()
                    .filter(|l| status_of(l) == Some("error"))
                    .count(),
                evaluators: 0,
            },
        }
    }
}

impl RunList {
    /// The runs in `logs` (run and model logs, any order) that `filter` keeps, newest first.
    pub fn new(logs: &[LogEntry], filter: &RunFilter) -> Self {
        let mut by_run: HashMap<&str, Vec<&LogEntry>> = HashMap::new();
        for l in logs {
            if let Some(id) = run_id(l) {
                by_run.entry(id).or_default().push(l);
            }
        }
        let mut grouped: Vec<(&str, Vec<&LogEntry>)> = by_run.into_iter().collect();
        grouped.sort_by_key(|(_, ls)| std::cmp::Reverse(ls.iter().map(|l| l.created_at).min()));
        let runs: Vec<RunSummary> = grouped
            .iter()
            .map(|(id, ls)| RunSummary::new(id, ls))
            .filter(|r| filter.keeps(r))
            .collect();
        let total = runs.len();
        let limit = filter.page_size();
        RunList {
            runs: runs.into_iter().take(limit).collect(),
            total,
            has_more: total > limit,
        }
    }
}

impl RunDetail {
    /// Run `id` from `logs` (run and model logs, any order); `None` when no log has it.
    pub fn new(id: &str, logs: &[LogEntry]) -> Option<Self> {
        let mut mine: Vec<&LogEntry> = logs.iter().filter(|l| run_id(l) == Some(id)).collect();
        if mine.is_empty() {
            return None;
        }
        mine.sort_by_key(|l| l.created_at);
        let events = mine
            .iter()
            .map(|l| RunEvent {
                kind: match (l.kind.as_str(), status_of(l)) {
                    ("useModel", _) => RunEventKind::ModelUsed,
                    (_, Some("started")) => RunEventKind::RunStarted,
                    _ => RunEventKind::RunEnded,
                },
                timestamp: to_millis(l.created_at),
                data: l.body.clone(),
            })
            .collect();
        Some(RunDetail {
            summary: RunSummary::new(id, &mine),
            events,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use serde_json::json;
    use uuid::Uuid;

    fn log(kind: &str, ms: i64, body: Value) -> LogEntry {
        LogEntry {
            id: Uuid::new_v4(),
            entity_id: Uuid::nil(),
            room_id: Uuid::nil(),
            body,
            kind: kind.into(),
            created_at: Utc.timestamp_millis_opt(ms).single().unwrap(),
        }
    }

    fn logs() -> Vec<LogEntry> {
        vec![
            log(
                "run_event",
                1000,
                json!({"runId": "a", "status": "started", "source": "web"}),
            ),
            log(
                "useModel",
                1100,
                json!({"runId": "a", "modelType": "TEXT_LARGE"}),
            ),
            log(
                "run_event",
                1500,
                json!({"runId": "a", "status": "completed"}),
            ),
            log(
                "run_event",
                2000,
                json!({"runId": "b", "status": "started"}),
            ),
            log("run_event", 2100, json!({"runId": "b", "status": "error"})),
            log(
                "run_event",
                3000,
                json!({"runId": "c", "status": "started"}),
            ),
            log("useModel", 3000, json!({"modelType": "TEXT_SMALL"})),
        ]
    }

    #[test]
    fn runs_are_summarised_newest_first_and_filtered() {
        let all = RunList::new(&logs(), &RunFilter::default());
        let ids: Vec<&str> = all.runs.iter().map(|r| r.run_id.as_str()).collect();
        assert_eq!(ids, ["c", "b", "a"]);
        assert_eq!((all.total, all.has_more), (3, false));
        let a = &all.runs[2];
        assert_eq!((a.status.as_str(), a.duration_ms), ("completed", Some(500)));
        assert_eq!(
            (a.counts.model_calls, a.metadata.source.clone()),
            (1, json!("web"))
        );
        assert_eq!(all.runs[1].counts.errors, 1);
        assert_eq!(
            (all.runs[0].status.as_str(), all.runs[0].ended_at),
            ("started", None)
        );

        let errors = RunFilter {
            status: Some("error".into()),
            ..RunFilter::default()
        };
        assert_eq!(RunList::new(&logs(), &errors).total, 1);
        let page = RunFilter {
            limit: Some(1),
            from: Some(1500),
            ..RunFilter::default()
        };
        let page = RunList::new(&logs(), &page);
        assert_eq!((page.runs.len(), page.total, page.has_more), (1, 2, true));
    }

    #[test]
    fn a_run_has_its_events_in_time_order() {
        let run = RunDetail::new("a", &logs()).unwrap();
        let kinds: Vec<RunEventKind> = run.events.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                RunEventKind::RunStarted,
                RunEventKind::ModelUsed,
                RunEventKind::RunEnded
            ]
        );
        assert_eq!(
            serde_json::to_value(&run.events[0]).unwrap()["type"],
            "RUN_STARTED"
        );
        assert!(RunDetail::new("zzz", &logs()).is_none());
    }
}
