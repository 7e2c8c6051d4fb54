//! Sessions, jobs and uploads.

use crate::{agent, channel, contract};
use agentd_core::model::{Job, Session, Upload};
use agentd_storage::prelude::*;
use agentd_storage::testing::TestDb;
use agentd_storage::types::now;
use agentd_storage::{JobOutcome, StorageError};
use chrono::Duration;
use serde_json::json;
use uuid::Uuid;

async fn session_lifecycle(t: &TestDb) {
    let (a, c) = (agent(t, "s").await, channel(t).await);
    let t0 = now();
    let v = Session {
        id: Uuid::new_v4(),
        agent_id: a.id,
        channel_id: c.id,
        user_id: Uuid::new_v4(),
        metadata: json!({"platform": "web"}),
        timeout_minutes: 30,
        auto_renew: true,
        max_duration_minutes: 720,
        warning_threshold_minutes: 5,
        created_at: t0,
        last_activity: t0,
        expires_at: t0 + Duration::minutes(30),
        renewal_count: 0,
        token_hash: None,
    };
    assert_eq!(t.create_session(&v).await.unwrap(), v);
    assert_eq!(t.get_session(v.id).await.unwrap(), v);
    assert!(matches!(
        t.create_session(&v).await,
        Err(StorageError::Duplicate(agentd_storage::Record::Session))
    ));
    let mut renewed = v.clone();
    renewed.renewal_count = 1;
    renewed.last_activity = t0 + Duration::minutes(10);
    renewed.expires_at = t0 + Duration::minutes(40);
    renewed.token_hash = Some("h".to_owned());
    renewed.created_at = t0 - Duration::days(1); // not mutable: ignored
    let u = t.update_session(&renewed).await.unwrap();
    assert_eq!(u.created_at, v.created_at);
    assert_eq!((u.renewal_count, u.expires_at), (1, renewed.expires_at));
    assert_eq!(u.token_hash.as_deref(), Some("h"));

    let mut old = v.clone();
    old.id = Uuid::new_v4();
    old.created_at = t0 - Duration::hours(2);
    old.expires_at = t0 - Duration::hours(1);
    t.create_session(&old).await.unwrap();
    let ids: Vec<Uuid> = t
        .list_sessions()
        .await
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids, vec![v.id, old.id]);
    assert_eq!(t.delete_expired_sessions(t0).await.unwrap(), 1);
    t.delete_session(v.id).await.unwrap();
    assert!(matches!(
        t.delete_session(v.id).await,
        Err(StorageError::NotFound(agentd_storage::Record::Session))
    ));
    assert!(t.list_sessions().await.unwrap().is_empty());
    t.get_channel(c.id).await.unwrap();
}
contract!(session_lifecycle);

async fn job_lifecycle(t: &TestDb) {
    let (a, c) = (agent(t, "j").await, channel(t).await);
    let t0 = now();
    let msg = Uuid::new_v4();
    let v = Job {
        id: Uuid::new_v4(),
        agent_id: a.id,
        channel_id: c.id,
        user_message_id: msg,
        status: "processing".to_owned(),
        result: None,
        error: None,
        created_at: t0,
        updated_at: t0,
        expires_at: t0 + Duration::seconds(30),
    };
    assert_eq!(t.create_job(&v).await.unwrap(), v);
    assert_eq!(t.get_job(v.id).await.unwrap(), v);
    assert_eq!(t.find_jobs_for_message(msg).await.unwrap(), vec![v.clone()]);
    let done = t
        .update_job(&JobOutcome {
            id: v.id,
            status: "completed".to_owned(),
            result: Some(json!({"message": {"content": "hi"}})),
            error: None,
        })
        .await
        .unwrap();
    assert_eq!(done.status, "completed");
    assert_eq!(done.result, Some(json!({"message": {"content": "hi"}})));
    assert!(matches!(
        t.update_job(&JobOutcome {
            id: Uuid::new_v4(),
            status: "failed".to_owned(),
            result: None,
            error: Some("x".to_owned()),
        })
        .await,
        Err(StorageError::NotFound(agentd_storage::Record::Job))
    ));
    let mut expired = v.clone();
    expired.id = Uuid::new_v4();
    expired.created_at = t0 - Duration::minutes(5);
    expired.expires_at = t0 - Duration::minutes(1);
    t.create_job(&expired).await.unwrap();
    let ids: Vec<Uuid> = t
        .list_jobs(10)
        .await
        .unwrap()
        .iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(ids, vec![v.id, expired.id]);
    assert_eq!(
        t.count_jobs_by_status().await.unwrap(),
        vec![("completed".to_owned(), 1), ("processing".to_owned(), 1)]
    );
    assert_eq!(t.delete_expired_jobs(t0).await.unwrap(), 1);
    assert!(matches!(
        t.get_job(expired.id).await,
        Err(StorageError::NotFound(_))
    ));
}
contract!(job_lifecycle);

async fn upload_metadata(t: &TestDb) {
    let (a, c) = (agent(t, "u").await, channel(t).await);
    let v = Upload {
        id: Uuid::new_v4(),
        agent_id: Some(a.id),
        channel_id: Some(c.id),
        stored_name: format!("{}.png", Uuid::new_v4()),
        original_name: "cat.png".to_owned(),
        mime: "image/png".to_owned(),
        size: 1234,
        sha256: "ab".repeat(32),
        created_at: now(),
    };
    assert_eq!(t.create_upload(&v).await.unwrap(), v);
    assert_eq!(t.get_upload(v.id).await.unwrap(), v);
    assert_eq!(
        t.get_upload_by_stored_name(&v.stored_name).await.unwrap(),
        v
    );
    let mut same_name = v.clone();
    same_name.id = Uuid::new_v4();
    assert!(matches!(
        t.create_upload(&same_name).await,
        Err(StorageError::Duplicate(agentd_storage::Record::Upload))
    ));
    let mut loose = v.clone();
    loose.id = Uuid::new_v4();
    loose.stored_name = "other.png".to_owned();
    loose.agent_id = None;
    loose.channel_id = None;
    assert_eq!(t.create_upload(&loose).await.unwrap(), loose);
    t.delete_upload(v.id).await.unwrap();
    assert!(matches!(
        t.delete_upload(v.id).await,
        Err(StorageError::NotFound(agentd_storage::Record::Upload))
    ));
    assert!(matches!(
        t.get_upload_by_stored_name(&v.stored_name).await,
        Err(StorageError::NotFound(_))
    ));
}
contract!(upload_metadata);
