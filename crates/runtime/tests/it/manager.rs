//! Start and stop: idempotent, persisted, and independent per agent.

use agentd_runtime::ManagerError;
use agentd_storage::StorageError;
use agentd_storage::prelude::*;
use serde_json::json;
use uuid::Uuid;

use crate::{Ctx, both};

async fn start_and_stop_are_idempotent_and_persisted(c: Ctx) {
    let a = c.agent("Ann", json!({})).await;
    let b = c.agent("Bob", json!({})).await;
    assert!(!c.manager.is_running(a.id));
    assert!(c.manager.start(a.id).await.unwrap().enabled);
    c.manager.start(a.id).await.unwrap();
    c.manager.start(b.id).await.unwrap();
    assert_eq!(c.manager.registry().running_count(), 2);
    assert_eq!(
        c.t.list_server_agents(agentd_core::DEFAULT_SERVER_ID)
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(c.manager.stop(a.id).await.unwrap());
    assert!(!c.manager.stop(a.id).await.unwrap());
    assert!(!c.t.get_agent(a.id).await.unwrap().enabled);
    assert!(
        c.manager.is_running(b.id),
        "stopping one agent leaves the other running"
    );
    // At boot, only the enabled one starts.
    c.manager.shutdown().await;
    assert_eq!(c.manager.registry().running_count(), 0);
    assert!(c.manager.start_enabled().await.unwrap().is_empty());
    assert!(c.manager.is_running(b.id) && !c.manager.is_running(a.id));
    c.manager.shutdown().await;
}
both!(start_and_stop_are_idempotent_and_persisted);

async fn bad_starts_are_clear_errors(c: Ctx) {
    assert!(matches!(
        c.manager.start(Uuid::new_v4()).await,
        Err(ManagerError::Storage(StorageError::NotFound(
            agentd_storage::Record::Agent
        )))
    ));
    let a = c.agent("X", json!({"modelProvider": "nope"})).await;
    let err = c.manager.start(a.id).await.unwrap_err();
    assert!(err.to_string().contains("\"nope\""), "{err}");
    assert!(!c.manager.is_running(a.id));
}
both!(bad_starts_are_clear_errors);
