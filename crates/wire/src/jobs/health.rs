//! `GET /jobs/health`: stored jobs per status and the rates over them.

use agentd_core::model::Job;
use agentd_core::time::{Timestamp, to_millis};
use serde::Serialize;
use utoipa::ToSchema;

use super::MAX_JOBS;

/// `GET /jobs/health`: counts per status and rates.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobsHealth {
    /// Always `true`.
    pub healthy: bool,
    /// Epoch ms.
    pub timestamp: i64,
    /// Every stored job.
    pub total_jobs: i64,
    /// Stored jobs per status.
    pub status_counts: StatusCounts,
    /// Rates over every stored job, and the mean processing time of recent ones.
    pub metrics: JobMetrics,
    /// Advertised capacity.
    pub max_jobs: i64,
}

/// Stored jobs per status.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatusCounts {
    /// Waiting to be sent.
    pub pending: i64,
    /// Waiting for the reply.
    pub processing: i64,
    /// Answered.
    pub completed: i64,
    /// Failed.
    pub failed: i64,
    /// Not answered in time.
    pub timeout: i64,
}

/// The rates of `/jobs/health`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobMetrics {
    /// Mean `processingTimeMs` of the recent completed jobs (0 when none).
    pub average_processing_time_ms: f64,
    /// Completed / total (0 without jobs).
    pub success_rate: f64,
    /// Failed / total.
    pub failure_rate: f64,
    /// Timed out / total.
    pub timeout_rate: f64,
}

impl JobsHealth {
    /// The report from the stored counts per status and the recent jobs.
    pub fn new(counts: &[(String, i64)], recent: &[Job], now: Timestamp) -> Self {
        let count = |s: &str| counts.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
        let total: i64 = counts.iter().map(|(_, n)| n).sum();
        let times: Vec<f64> = recent
            .iter()
            .filter_map(|j| j.result.as_ref()?.get("processingTimeMs")?.as_f64())
            .collect();
        let average = if times.is_empty() {
            0.0
        } else {
            times.iter().sum::<f64>() / times.len() as f64
        };
        let rate = |n: i64| {
            if total == 0 {
                0.0
            } else {
                n as f64 / total as f64
            }
        };
        JobsHealth {
            healthy: true,
            timestamp: to_millis(now),
            total_jobs: total,
            status_counts: StatusCounts {
                pending: count("pending"),
                processing: count("processing"),
                completed: count("completed"),
                failed: count("failed"),
                timeout: count("timeout"),
            },
            metrics: JobMetrics {
                average_processing_time_ms: average,
                success_rate: rate(count("completed")),
                failure_rate: rate(count("failed")),
                timeout_rate: rate(count("timeout")),
            },
            max_jobs: MAX_JOBS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_rates_are_shares_of_all_jobs() {
        let counts = vec![("completed".to_owned(), 1), ("timeout".to_owned(), 1)];
        let h = JobsHealth::new(&counts, &[], chrono::Utc::now());
        assert_eq!(h.total_jobs, 2);
        assert_eq!(h.metrics.success_rate, 0.5);
        assert_eq!(h.metrics.average_processing_time_ms, 0.0);
        assert_eq!(h.status_counts.pending, 0);
    }
}
