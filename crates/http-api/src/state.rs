//! The shared application state every handler and middleware reads.

use std::sync::Arc;
use std::time::Instant;

use agentd_bus::Bus;
use agentd_messaging::Messaging;
use agentd_runtime::{AgentManager, AgentRegistry, RuntimeConfig};
use agentd_storage::Db;

use crate::middleware::rate_limit::ApiRateLimit;
use crate::routes::messaging::history_cache::HistoryCache;
use crate::settings::ApiSettings;
use agentd_realtime::{Realtime, RealtimeConfig};

/// Settings, database, running agents, the bus and the rate limiter, behind one `Arc`.
///
/// Built once before the server starts and cloned into every worker, so the rate limiter's
/// counters are shared by all workers (a limiter built per worker would multiply the limit).
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    settings: ApiSettings,
    db: Db,
    agents: AgentRegistry,
    bus: Arc<dyn Bus>,
    manager: AgentManager,
    messaging: Messaging,
    started_at: Instant,
    rate_limit: ApiRateLimit,
    realtime: Realtime,
    history_cache: HistoryCache,
}

impl AppState {
    /// Builds the state; the rate limiter is created here, once.
    pub fn new(settings: ApiSettings, db: Db, agents: AgentRegistry, bus: Arc<dyn Bus>) -> Self {
        let rate_limit = ApiRateLimit::new(&settings);
        let messaging = Messaging::new(db.clone(), bus.clone(), agents.clone());
        let config = RealtimeConfig {
            auth_token: settings.auth_token.clone(),
            cors_origins: settings.cors_origins.clone(),
            media_root: settings.media.root.clone(),
        };
        let realtime = Realtime::new(config, messaging.clone());
        let manager = AgentManager::new(
            db.clone(),
            bus.clone(),
            agents.clone(),
            RuntimeConfig::default(),
        );
        AppState {
            inner: Arc::new(Inner {
                settings,
                db,
                agents,
                bus,
                manager,
                messaging,
                started_at: Instant::now(),
                rate_limit,
                realtime,
                history_cache: HistoryCache::default(),
            }),
        }
    }

    /// The validated HTTP settings.
    pub fn settings(&self) -> &ApiSettings {
        &self.inner.settings
    }

    /// The database handle.
    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    /// The agents running in this process.
    pub fn agents(&self) -> &AgentRegistry {
        &self.inner.agents
    }

    /// The message bus: handlers publish events here after their storage commit.
    pub fn bus(&self) -> &Arc<dyn Bus> {
        &self.inner.bus
    }

    /// The messaging service: every operation on channels, messages, deliveries and jobs.
    pub fn messaging(&self) -> &Messaging {
        &self.inner.messaging
    }

    /// Starts and stops agent runtimes; shares [`AppState::agents`] as its registry.
    pub fn agent_manager(&self) -> &AgentManager {
        &self.inner.manager
    }

    /// When this state (and so the server) was created; `/api/system/version` reports uptime.
    pub fn started_at(&self) -> Instant {
        self.inner.started_at
    }

    /// The API rate limiter, shared by all workers.
    pub fn rate_limit(&self) -> &ApiRateLimit {
        &self.inner.rate_limit
    }

    /// Socket.IO and log streaming, shared by all workers like the rate limiter.
    pub fn realtime(&self) -> &Realtime {
        &self.inner.realtime
    }

    /// Rendered newest history pages, kept while current.
    pub fn history_cache(&self) -> &HistoryCache {
        &self.inner.history_cache
    }
}
