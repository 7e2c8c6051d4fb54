//! The storage contract suite: every operation, the same story on SQLite and PostgreSQL.
//!
//! Each contract test is one generic async fn over `&Db`, run by two `#[tokio::test]`
//! wrappers (`contract!`), each on its own isolated database (a temp SQLite file; a fresh
//! PostgreSQL schema, skipped loudly when `AGENTD_TEST_POSTGRES_URL` is unset outside CI).
#![cfg(test)]

mod agent_data;
mod agents;
mod channels;
mod deliveries;
mod messages;
mod paging;
mod records;
mod servers;
mod sessions;

use agentd_core::model::{Agent, Channel, MessageServer};
use agentd_storage::testing::TestDb;
use agentd_storage::types::now;
use uuid::Uuid;

/// Runs `$name(&TestDb)` once per backend, as `$name::sqlite` and `$name::postgres`.
#[macro_export]
macro_rules! contract {
    ($name:ident) => {
        $crate::contract!($name, "current_thread");
    };
    ($name:ident, $flavor:literal) => {
        mod $name {
            #[tokio::test(flavor = $flavor)]
            async fn sqlite() {
                let t = agentd_storage::testing::TestDb::sqlite().await;
                super::$name(&t).await;
            }

            #[tokio::test(flavor = $flavor)]
            async fn postgres() {
                if let Some(t) = agentd_storage::testing::TestDb::postgres().await {
                    super::$name(&t).await;
                }
            }
        }
    };
}

/// A stored agent with a fresh id.
pub async fn agent(t: &TestDb, name: &str) -> Agent {
    use agentd_storage::AgentStore;
    t.create_agent(&Agent::new(Uuid::new_v4(), name, now()))
        .await
        .unwrap()
}

/// A channel value (not stored) in `server`.
pub fn channel_value(server: Uuid, kind: &str) -> Channel {
    let t = now();
    Channel {
        id: Uuid::new_v4(),
        message_server_id: server,
        name: format!("{kind} channel"),
        kind: kind.to_owned(),
        source_type: Some("eliza_gui".to_owned()),
        source_id: None,
        topic: Some("topic".to_owned()),
        metadata: Some(serde_json::json!({"k": [1, 2]})),
        last_seq: 0,
        created_at: t,
        updated_at: t,
    }
}

/// A stored group channel in the default server.
pub async fn channel(t: &TestDb) -> Channel {
    use agentd_storage::ChannelStore;
    t.create_channel(&channel_value(agentd_core::DEFAULT_SERVER_ID, "GROUP"), &[])
        .await
        .unwrap()
}

/// A message server value (not stored).
pub fn server_value(name: &str) -> MessageServer {
    let t = now();
    MessageServer {
        id: Uuid::new_v4(),
        name: name.to_owned(),
        source_type: "discord".to_owned(),
        source_id: Some("g-1".to_owned()),
        metadata: Some(serde_json::json!({"a": 1})),
        created_at: t,
        updated_at: t,
    }
}

mod migrations {
    use agentd_storage::Backend;
    use agentd_storage::testing::TestDb;

    async fn migrations_apply_once_and_are_idempotent(backend: Backend) {
        let Some(t) = TestDb::open(backend, false).await else {
            return;
        };
        let applied = t.migrate().await.unwrap();
        let dir = match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        };
        let on_disk = std::fs::read_dir(format!(
            "{}/../../migrations/{dir}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
        .count();
        assert_eq!(applied.len(), on_disk, "{applied:?}");
        assert!(t.migrate().await.unwrap().is_empty());
        t.ping().await.unwrap();
        assert_eq!(t.backend(), backend);
        for table in [
            "agents",
            "entities",
            "worlds",
            "rooms",
            "memories",
            "embeddings",
            "participants",
            "relationships",
            "components",
            "logs",
            "tasks",
            "cache",
            "message_servers",
            "message_server_agents",
            "channels",
            "channel_participants",
            "central_messages",
            "sessions",
            "agent_channel_cursors",
            "jobs",
            "uploads",
            "message_deliveries",
        ] {
            assert_eq!(t.count(table, "1 = 1").await, 0, "{table}");
        }
    }

    #[tokio::test]
    async fn sqlite() {
        migrations_apply_once_and_are_idempotent(Backend::Sqlite).await;
    }

    #[tokio::test]
    async fn postgres() {
        migrations_apply_once_and_are_idempotent(Backend::Postgres).await;
    }
}
