//! Message servers and their agents.

use crate::{agent, contract, server_value};
use agentd_core::DEFAULT_SERVER_ID;
use agentd_storage::testing::TestDb;
use agentd_storage::{ServerStore, StorageError};
use uuid::Uuid;

async fn default_server_exists_after_ensure(t: &TestDb) {
    t.ensure_default_server().await.unwrap();
    t.ensure_default_server().await.unwrap();
    let s = t.get_message_server(DEFAULT_SERVER_ID).await.unwrap();
    assert_eq!(s.name, "Default Server");
    assert_eq!(s.source_type, "eliza_default");
    let all = t.list_message_servers().await.unwrap();
    assert_eq!(all.iter().filter(|s| s.id == DEFAULT_SERVER_ID).count(), 1);
}
contract!(default_server_exists_after_ensure);

async fn message_server_crud_and_agents(t: &TestDb) {
    let v = server_value("guild");
    let s = t.create_message_server(&v).await.unwrap();
    assert_eq!(s, v);
    assert_eq!(t.get_message_server(v.id).await.unwrap(), v);
    assert!(matches!(
        t.create_message_server(&v).await,
        Err(StorageError::Duplicate(
            agentd_storage::Record::MessageServer
        ))
    ));
    assert!(matches!(
        t.get_message_server(Uuid::new_v4()).await,
        Err(StorageError::NotFound(_))
    ));
    assert_eq!(t.list_message_servers().await.unwrap().len(), 2);

    let (a, b) = (agent(t, "a").await, agent(t, "b").await);
    t.add_agent_to_server(v.id, a.id).await.unwrap();
    t.add_agent_to_server(v.id, a.id).await.unwrap();
    t.add_agent_to_server(v.id, b.id).await.unwrap();
    t.add_agent_to_server(DEFAULT_SERVER_ID, a.id)
        .await
        .unwrap();
    let mut expected = vec![a.id, b.id];
    expected.sort();
    assert_eq!(t.list_server_agents(v.id).await.unwrap(), expected);
    let mut servers = vec![v.id, DEFAULT_SERVER_ID];
    servers.sort();
    assert_eq!(t.list_agent_servers(a.id).await.unwrap(), servers);
    assert!(matches!(
        t.add_agent_to_server(v.id, Uuid::new_v4()).await,
        Err(StorageError::MissingReference(_))
    ));
    assert!(t.remove_agent_from_server(v.id, a.id).await.unwrap());
    assert!(!t.remove_agent_from_server(v.id, a.id).await.unwrap());
    assert_eq!(t.list_server_agents(v.id).await.unwrap(), vec![b.id]);
}
contract!(message_server_crud_and_agents);
