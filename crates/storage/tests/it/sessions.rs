//! Sessions: stored rows that survive a reopened database, updates of the mutable fields
//! only, and the sweeper's delete of expired rows that leaves channels and history alone.

use crate::{agent, channel, contract};
use agentd_core::model::Session;
use agentd_storage::prelude::*;
use agentd_storage::testing::TestDb;
use agentd_storage::types::now;
use agentd_storage::{Db, NewMessage, StorageError};
use chrono::Duration;
use uuid::Uuid;

fn session(agent_id: Uuid, channel_id: Uuid, expires_in: Duration) -> Session {
    let t = now();
    Session {
        id: Uuid::new_v4(),
        agent_id,
        channel_id,
        user_id: Uuid::new_v4(),
        metadata: serde_json::json!({"plan": "pro"}),
        timeout_minutes: 30,
        auto_renew: true,
        max_duration_minutes: 720,
        warning_threshold_minutes: 5,
        created_at: t,
        last_activity: t,
        expires_at: t + expires_in,
        renewal_count: 0,
        token_hash: Some("ab".repeat(32)),
    }
}

/// The same database through a new pool, as after a restart.
async fn reopen(t: &TestDb) -> Db {
    match (t.sqlite_dir(), t.postgres_url()) {
        (Some(dir), _) => Db::connect_sqlite(&dir.join("agentd.db"), 2).await.unwrap(),
        (None, Some(url)) => Db::connect_postgres(&url, 2).unwrap(),
        (None, None) => unreachable!("a test database is SQLite or PostgreSQL"),
    }
}

async fn session_round_trip_and_restart(t: &TestDb) {
    let a = agent(t, "S").await;
    let c = channel(t).await;
    let s = session(a.id, c.id, Duration::minutes(30));
    let stored = t.create_session(&s).await.unwrap();
    assert_eq!(stored.id, s.id);
    assert_eq!(stored.metadata, s.metadata);
    assert_eq!(stored.token_hash, s.token_hash);
    assert!(matches!(
        t.create_session(&s).await,
        Err(StorageError::Duplicate(agentd_storage::Record::Session))
    ));

    let mut changed = stored.clone();
    changed.renewal_count = 3;
    changed.auto_renew = false;
    changed.expires_at = stored.expires_at + Duration::minutes(10);
    changed.token_hash = None;
    changed.created_at = stored.created_at - Duration::days(1);
    let updated = t.update_session(&changed).await.unwrap();
    assert_eq!(updated.renewal_count, 3);
    assert!(!updated.auto_renew);
    assert_eq!(updated.token_hash, None);
    assert_eq!(updated.created_at, stored.created_at, "created_at is kept");

    let db = reopen(t).await;
    let again = db.get_session(s.id).await.unwrap();
    assert_eq!(again, updated);
    assert_eq!(db.list_sessions().await.unwrap().len(), 1);
    db.close();

    t.delete_session(s.id).await.unwrap();
    assert!(matches!(
        t.get_session(s.id).await,
        Err(StorageError::NotFound(_))
    ));
    assert!(matches!(
        t.delete_session(s.id).await,
        Err(StorageError::NotFound(_))
    ));
    assert!(matches!(
        t.update_session(&s).await,
        Err(StorageError::NotFound(_))
    ));
}
contract!(session_round_trip_and_restart);

async fn expired_sessions_are_swept_history_stays(t: &TestDb) {
    let a = agent(t, "S").await;
    let c = channel(t).await;
    t.create_message(&NewMessage::text(c.id, Uuid::new_v4(), "keep me"))
        .await
        .unwrap();
    let old = t
        .create_session(&session(a.id, c.id, -Duration::minutes(1)))
        .await
        .unwrap();
    let live = t
        .create_session(&session(a.id, c.id, Duration::minutes(30)))
        .await
        .unwrap();
    assert_eq!(t.delete_expired_sessions(now()).await.unwrap(), 1);
    assert!(t.get_session(old.id).await.is_err());
    assert!(t.get_session(live.id).await.is_ok());
    assert_eq!(t.count("central_messages", "1 = 1").await, 1);
    assert!(t.get_channel(c.id).await.is_ok());
    assert_eq!(t.delete_expired_sessions(now()).await.unwrap(), 0);
}
contract!(expired_sessions_are_swept_history_stays);

async fn opted_in_sweeps_delete_expired_channels_and_their_history(t: &TestDb) {
    let a = agent(t, "S").await;
    let gone = channel(t).await;
    let kept = channel(t).await;
    for c in [gone.id, kept.id] {
        t.create_message(&NewMessage::text(c, Uuid::new_v4(), "hello"))
            .await
            .unwrap();
    }
    let old = t
        .create_session(&session(a.id, gone.id, -Duration::minutes(1)))
        .await
        .unwrap();
    let live = t
        .create_session(&session(a.id, kept.id, Duration::minutes(30)))
        .await
        .unwrap();
    assert_eq!(t.delete_expired_session_channels(now()).await.unwrap(), 1);
    assert!(t.get_session(old.id).await.is_err());
    assert!(t.get_channel(gone.id).await.is_err());
    assert!(t.get_session(live.id).await.is_ok());
    assert!(t.get_channel(kept.id).await.is_ok());
    assert_eq!(t.count("central_messages", "1 = 1").await, 1);
    assert_eq!(t.delete_expired_session_channels(now()).await.unwrap(), 0);
}
contract!(opted_in_sweeps_delete_expired_channels_and_their_history);
