//! Agents, and the cascade that removes everything an agent owns.

use crate::{agent, channel, contract};
use agentd_core::DEFAULT_SERVER_ID;
use agentd_core::model::Agent;
use agentd_storage::prelude::*;
use agentd_storage::testing::TestDb;
use agentd_storage::types::now;
use agentd_storage::{MessagePage, NewMessage, StorageError};
use serde_json::json;
use uuid::Uuid;

async fn agent_crud(t: &TestDb) {
    let mut v = Agent::new(Uuid::new_v4(), "Eliza", now());
    v.bio = json!(["line 1", "line 2"]);
    v.settings = json!({"secrets": {"KEY": "v"}, "model": "x"});
    v.system = Some("be nice".to_owned());
    let stored = t.create_agent(&v).await.unwrap();
    assert_eq!(stored, v);
    assert_eq!(t.get_agent(v.id).await.unwrap(), v);
    assert!(matches!(
        t.create_agent(&v).await,
        Err(StorageError::Duplicate(agentd_storage::Record::Agent))
    ));
    assert!(matches!(
        t.get_agent(Uuid::new_v4()).await,
        Err(StorageError::NotFound(agentd_storage::Record::Agent))
    ));

    let other = agent(t, "Other").await;
    let ids: Vec<Uuid> = t
        .list_agents()
        .await
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(ids, vec![v.id, other.id]);

    let mut changed = v.clone();
    changed.name = "Eliza 2".to_owned();
    changed.username = Some("eliza".to_owned());
    changed.system = None;
    changed.style = json!({"all": ["short"]});
    changed.server_id = Some(DEFAULT_SERVER_ID);
    let updated = t.update_agent(&changed).await.unwrap();
    assert_eq!(updated.name, "Eliza 2");
    assert_eq!(updated.username.as_deref(), Some("eliza"));
    assert_eq!(updated.system, None);
    assert_eq!(updated.style, json!({"all": ["short"]}));
    assert_eq!(updated.created_at, v.created_at);
    assert!(updated.updated_at >= v.updated_at);
    assert_eq!(t.get_agent(v.id).await.unwrap(), updated);
    let mut ghost = v.clone();
    ghost.id = Uuid::new_v4();
    assert!(matches!(
        t.update_agent(&ghost).await,
        Err(StorageError::NotFound(_))
    ));

    let off = t.set_agent_enabled(v.id, false).await.unwrap();
    assert!(!off.enabled);
    let enabled: Vec<Uuid> = t
        .list_enabled_agents()
        .await
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(enabled, vec![other.id]);

    t.delete_agent(v.id).await.unwrap();
    assert!(matches!(
        t.get_agent(v.id).await,
        Err(StorageError::NotFound(_))
    ));
    assert!(matches!(
        t.delete_agent(v.id).await,
        Err(StorageError::NotFound(_))
    ));
}
contract!(agent_crud);

async fn agent_delete_cascades(t: &TestDb) {
    let a = agent(t, "doomed").await;
    let keep = agent(t, "kept").await;
    let ch = channel(t).await;
    t.add_agent_to_server(DEFAULT_SERVER_ID, a.id)
        .await
        .unwrap();
    t.add_agent_to_server(DEFAULT_SERVER_ID, keep.id)
        .await
        .unwrap();
    t.add_channel_participants(ch.id, &[a.id, keep.id])
        .await
        .unwrap();
    let m = t
        .create_message(&NewMessage::text(ch.id, a.id, "hello"))
        .await
        .unwrap()
        .message;
    t.advance_agent_cursor(a.id, ch.id, 1).await.unwrap();

    let (e, e2, w, r) = (
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
    );
    let (mem, ch_id, ag) = (Uuid::new_v4(), ch.id, a.id);
    let ts = "2030-01-02T03:04:05.000000Z";
    let id = || Uuid::new_v4().to_string();
    t.exec(&format!(
        "INSERT INTO entities (id, agent_id, names, metadata) VALUES ('{e}', '{ag}', '[\"u\"]', '{{}}');
         INSERT INTO entities (id, agent_id, names, metadata) VALUES ('{e2}', '{ag}', '[]', '{{}}');
         INSERT INTO worlds (id, agent_id, name) VALUES ('{w}', '{ag}', 'w');
         INSERT INTO rooms (id, agent_id, source, type, world_id, channel_id) VALUES ('{r}', '{ag}', 'gui', 'GROUP', '{w}', '{ch_id}');
         INSERT INTO memories (id, type, content, entity_id, agent_id, room_id, metadata) VALUES ('{mem}', 'messages', '{{\"text\":\"hi\"}}', '{e}', '{ag}', '{r}', '{{}}');
         INSERT INTO embeddings (id, memory_id, dimension, vector) VALUES ('{}', '{mem}', 2, '[0.5, 1]');
         INSERT INTO participants (id, entity_id, room_id, agent_id) VALUES ('{}', '{e}', '{r}', '{ag}');
         INSERT INTO relationships (id, source_entity_id, target_entity_id, agent_id, tags) VALUES ('{}', '{e}', '{e2}', '{ag}', '[\"friend\"]');
         INSERT INTO components (id, entity_id, agent_id, room_id, world_id, type) VALUES ('{}', '{e}', '{ag}', '{r}', '{w}', 'profile');
         INSERT INTO logs (id, entity_id, body, type, room_id) VALUES ('{}', '{e}', '{{}}', 'action', '{r}');
         INSERT INTO tasks (id, name, agent_id) VALUES ('{}', 'task', '{ag}');
         INSERT INTO cache (key, agent_id, value, expires_at) VALUES ('k', '{ag}', '1', '{ts}');
         INSERT INTO sessions (id, agent_id, channel_id, user_id, timeout_minutes, auto_renew, max_duration_minutes, warning_threshold_minutes, expires_at) VALUES ('{}', '{ag}', '{ch_id}', '{e}', 30, true, 720, 5, '{ts}');
         INSERT INTO jobs (id, agent_id, channel_id, user_message_id, status, expires_at) VALUES ('{}', '{ag}', '{ch_id}', '{}', 'processing', '{ts}');
         INSERT INTO uploads (id, agent_id, channel_id, stored_name, original_name, mime, size, sha256) VALUES ('{}', '{ag}', '{ch_id}', 'x.png', 'a.png', 'image/png', 3, 'abc');",
        id(), id(), id(), id(), id(), id(), id(), id(), m.id, id()
    ))
    .await;
    let owned = [
        ("agents", "id"),
        ("entities", "agent_id"),
        ("worlds", "agent_id"),
        ("rooms", "agent_id"),
        ("memories", "agent_id"),
        ("participants", "agent_id"),
        ("relationships", "agent_id"),
        ("components", "agent_id"),
        ("tasks", "agent_id"),
        ("cache", "agent_id"),
        ("message_server_agents", "agent_id"),
        ("sessions", "agent_id"),
        ("jobs", "agent_id"),
        ("uploads", "agent_id"),
        ("agent_channel_cursors", "agent_id"),
        ("channel_participants", "entity_id"),
    ];
    for (table, col) in owned {
        assert!(
            t.count(table, &format!("{col} = '{ag}'")).await >= 1,
            "{table} before"
        );
    }
    assert_eq!(t.count("embeddings", "1 = 1").await, 1);
    assert_eq!(t.count("logs", "1 = 1").await, 1);

    t.delete_agent(a.id).await.unwrap();

    for (table, col) in owned {
        assert_eq!(
            t.count(table, &format!("{col} = '{ag}'")).await,
            0,
            "{table} after"
        );
    }
    assert_eq!(t.count("embeddings", "1 = 1").await, 0);
    assert_eq!(t.count("logs", "1 = 1").await, 0);
    // What the agent does not own stays: the channel, its messages, the other agent.
    assert_eq!(t.get_channel(ch.id).await.unwrap().last_seq, 1);
    let page = t
        .list_messages(&MessagePage::latest(ch.id, 10))
        .await
        .unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(
        t.list_channel_participants(ch.id).await.unwrap(),
        vec![keep.id]
    );
    assert_eq!(
        t.list_server_agents(DEFAULT_SERVER_ID).await.unwrap(),
        vec![keep.id]
    );
    t.get_agent(keep.id).await.unwrap();
}
contract!(agent_delete_cascades);
