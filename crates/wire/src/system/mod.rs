//! The system routes: probes (`/healthz`, `/health`, `/api/server/*`), `/api/system`
//! (version, config, the `.env` routes), server logs and audio. Probes and version are
//! raw bodies; config, env and audio are family A.

pub mod audio;
pub mod env;
pub mod logs;

use agentd_core::time::{Timestamp, to_iso, to_millis};
use serde::Serialize;
use utoipa::ToSchema;

/// `GET /api/system/version`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SystemVersion {
    /// agentd's version.
    pub version: String,
    /// Always `server`.
    pub source: String,
    /// ISO 8601.
    pub timestamp: String,
    /// The configured environment, e.g. `production`.
    pub environment: String,
    /// Seconds since the server started.
    pub uptime: f64,
}

impl SystemVersion {
    /// The version report at `now`.
    pub fn new(version: &str, environment: &str, now: Timestamp, uptime_secs: f64) -> Self {
        SystemVersion {
            version: version.to_owned(),
            source: "server".to_owned(),
            timestamp: to_iso(now),
            environment: environment.to_owned(),
            uptime: uptime_secs,
        }
    }
}

/// `data` of `GET /api/system/config`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SystemConfig {
    /// Data isolation in elizaOS; agentd has none, so always `false`.
    pub requires_auth: bool,
}

/// `GET /healthz`: the process answers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Liveness {
    /// Always `ok`.
    pub status: String,
    /// ISO 8601.
    pub timestamp: String,
}

impl Liveness {
    /// Alive at `now`.
    pub fn new(now: Timestamp) -> Self {
        Liveness {
            status: "ok".to_owned(),
            timestamp: to_iso(now),
        }
    }
}

/// `GET /health` and `GET /api/server/health`: 200 with at least one running agent, else
/// 503.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// `OK` or `DEGRADED` (`/api/server/health`: always `OK`).
    pub status: String,
    /// agentd's version.
    pub version: String,
    /// ISO 8601.
    pub timestamp: String,
    /// The state of what the server needs.
    pub dependencies: HealthDependencies,
    /// Running agents (`/health` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_count: Option<usize>,
}

/// `dependencies` of `Health`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HealthDependencies {
    /// `healthy` with a running agent, else `no_agents`.
    pub agents: String,
}

impl Health {
    /// Whether `running` agents make the server healthy.
    pub fn healthy(running: usize) -> bool {
        running > 0
    }

    /// `/health`: `DEGRADED` without a running agent, with `agentCount`.
    pub fn probe(running: usize, version: &str, now: Timestamp) -> Self {
        let status = if Self::healthy(running) {
            "OK"
        } else {
            "DEGRADED"
        };
        Health {
            status: status.to_owned(),
            agent_count: Some(running),
            ..Self::server(running, version, now)
        }
    }

    /// `/api/server/health`: `status` stays `OK` and there is no `agentCount` (as in
    /// elizaOS 1.7.2).
    pub fn server(running: usize, version: &str, now: Timestamp) -> Self {
        let agents = if Self::healthy(running) {
            "healthy"
        } else {
            "no_agents"
        };
        Health {
            status: "OK".to_owned(),
            version: version.to_owned(),
            timestamp: to_iso(now),
            dependencies: HealthDependencies {
                agents: agents.to_owned(),
            },
            agent_count: None,
        }
    }
}

/// `GET /api/server/ping`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Pong {
    /// Always `true`.
    pub pong: bool,
    /// Epoch ms.
    pub timestamp: i64,
}

impl Pong {
    /// A pong at `now`.
    pub fn new(now: Timestamp) -> Self {
        Pong {
            pong: true,
            timestamp: to_millis(now),
        }
    }
}

/// `GET /api/server/hello`: `{"message":"Hello World!"}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Hello {
    /// Always `Hello World!`.
    pub message: String,
}

impl Default for Hello {
    fn default() -> Self {
        Hello {
            message: "Hello World!".to_owned(),
        }
    }
}

/// `GET /api/server/status`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerStatus {
    /// Always `ok`.
    pub status: String,
    /// Running agents.
    pub agent_count: usize,
    /// ISO 8601.
    pub timestamp: String,
}

impl ServerStatus {
    /// The status with `running` agents at `now`.
    pub fn new(running: usize, now: Timestamp) -> Self {
        ServerStatus {
            status: "ok".to_owned(),
            agent_count: running,
            timestamp: to_iso(now),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_degrades_without_agents_only_on_the_probe() {
        let now = chrono::Utc::now();
        let h = serde_json::to_value(Health::probe(0, "1", now)).unwrap();
        assert_eq!(h["status"], "DEGRADED");
        assert_eq!(h["agentCount"], 0);
        assert_eq!(h["dependencies"]["agents"], "no_agents");
        let h = serde_json::to_value(Health::server(2, "1", now)).unwrap();
        assert_eq!(h["status"], "OK");
        assert!(h.get("agentCount").is_none());
        assert_eq!(h["dependencies"]["agents"], "healthy");
    }
}
