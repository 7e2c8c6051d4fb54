//! The background sweeper: removes expired session rows every cleanup interval. It deletes
//! only `sessions` rows; the channels and their message history stay.

use std::time::Duration;

use agentd_storage::{Db, SessionStore};
use chrono::Utc;
use tokio::task::JoinHandle;

/// Deletes the sessions expired before now; returns how many.
pub async fn sweep_once(db: &Db) -> Result<u64, agentd_storage::StorageError> {
    db.delete_expired_sessions(Utc::now()).await
}

/// Spawns the sweeper on the current Tokio runtime; abort the handle to stop it. A failed
/// sweep is logged and retried at the next tick.
pub fn spawn(db: Db, every: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match sweep_once(&db).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(sessions.removed = n, "expired sessions removed"),
                Err(e) => tracing::warn!(error = %e, "session sweep failed"),
            }
        }
    })
}
