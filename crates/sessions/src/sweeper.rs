//! The background sweeper: removes expired session rows every cleanup interval. By default it
//! deletes only `sessions` rows and the channels with their message history stay; an
//! operator may opt in to deleting the history too (`AGENTD_SESSION_DELETE_HISTORY`).

use std::time::Duration;

use agentd_storage::{Db, SessionStore};
use chrono::Utc;
use tokio::task::JoinHandle;

/// Deletes the sessions expired before now, and their channels when `delete_history` is
/// set; returns how many sessions (or channels) went.
pub async fn sweep_once(
    db: &Db,
    delete_history: bool,
) -> Result<u64, agentd_storage::StorageError> {
    let now = Utc::now();
    if delete_history {
        db.delete_expired_session_channels(now).await
    } else {
        db.delete_expired_sessions(now).await
    }
}

/// Spawns the sweeper on the current Tokio runtime; abort the handle to stop it. A failed
/// sweep is logged and retried at the next tick.
pub fn spawn(db: Db, every: Duration, delete_history: bool) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match sweep_once(&db, delete_history).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(sessions.removed = n, "expired sessions removed"),
                Err(e) => tracing::warn!(error = %e, "session sweep failed"),
            }
        }
    })
}
