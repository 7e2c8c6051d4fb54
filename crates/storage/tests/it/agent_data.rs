//! An agent's own records: worlds, rooms, entities, memories, logs, and its channels.

use crate::{agent, channel, contract};
use agentd_core::agent_data::{Entity, LogEntry, Memory, Room, World};
use agentd_storage::prelude::*;
use agentd_storage::testing::TestDb;
use agentd_storage::types::now;
use agentd_storage::{LogQuery, MemoryQuery, StorageError};
use chrono::Duration;
use serde_json::json;
use uuid::Uuid;

fn world(agent_id: Uuid) -> World {
    World {
        id: Uuid::new_v4(),
        agent_id,
        name: "World".into(),
        metadata: Some(json!({"a": 1})),
        message_server_id: Some(agentd_core::DEFAULT_SERVER_ID),
        created_at: now(),
    }
}

fn room(agent_id: Uuid, world_id: Option<Uuid>) -> Room {
    Room {
        id: Uuid::new_v4(),
        agent_id: Some(agent_id),
        source: "client".into(),
        kind: "DM".into(),
        message_server_id: None,
        world_id,
        name: Some("Room".into()),
        metadata: Some(json!({})),
        channel_id: Some(Uuid::new_v4()),
        created_at: now(),
    }
}

fn memory(agent_id: Uuid, room: &Room, text: &str, age_s: i64) -> Memory {
    Memory {
        id: Uuid::new_v4(),
        kind: "messages".into(),
        created_at: now() - Duration::seconds(age_s),
        content: json!({"text": text}),
        entity_id: None,
        agent_id,
        room_id: Some(room.id),
        world_id: room.world_id,
        unique: true,
        metadata: json!({"type": "message"}),
    }
}

async fn worlds_and_rooms(t: &TestDb) {
    let a = agent(t, "w").await;
    let w = world(a.id);
    assert_eq!(t.create_world(&w).await.unwrap(), w);
    assert!(matches!(
        t.create_world(&w).await,
        Err(StorageError::Duplicate(agentd_storage::Record::World))
    ));
    let mut other = w.clone();
    other.name = "ignored".into();
    assert_eq!(t.ensure_world(&other).await.unwrap(), w);
    let mut renamed = w.clone();
    renamed.name = "Renamed".into();
    renamed.metadata = None;
    assert_eq!(t.update_world(&renamed).await.unwrap(), renamed);
    assert_eq!(t.get_world(w.id).await.unwrap(), renamed);
    assert!(matches!(
        t.get_world(Uuid::new_v4()).await,
        Err(StorageError::NotFound(agentd_storage::Record::World))
    ));
    assert_eq!(
        t.list_worlds(Some(a.id), 10).await.unwrap(),
        vec![renamed.clone()]
    );
    assert!(
        t.list_worlds(Some(Uuid::new_v4()), 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(t.list_worlds(None, 10).await.unwrap().len(), 1);

    let r1 = room(a.id, Some(w.id));
    let r2 = room(a.id, None);
    assert_eq!(t.create_room(&r1).await.unwrap(), r1);
    assert_eq!(t.ensure_room(&r2).await.unwrap(), r2);
    assert_eq!(t.ensure_room(&r2).await.unwrap(), r2);
    assert_eq!(t.get_room(r1.id).await.unwrap(), r1);
    assert!(matches!(
        t.get_room(Uuid::new_v4()).await,
        Err(StorageError::NotFound(agentd_storage::Record::Room))
    ));
    assert_eq!(t.list_rooms(a.id, 10).await.unwrap().len(), 2);
    assert_eq!(t.list_rooms(a.id, 1).await.unwrap().len(), 1);
    assert_eq!(t.delete_world_rooms(w.id).await.unwrap(), 1);
    assert_eq!(t.list_rooms(a.id, 10).await.unwrap(), vec![r2]);
}
contract!(worlds_and_rooms);

async fn memories_page_update_and_delete(t: &TestDb) {
    let a = agent(t, "m").await;
    let w = t.create_world(&world(a.id)).await.unwrap();
    let r = t.create_room(&room(a.id, Some(w.id))).await.unwrap();
    let other_room = t.create_room(&room(a.id, None)).await.unwrap();
    let e = t
        .ensure_entity(&Entity {
            id: Uuid::new_v4(),
            agent_id: a.id,
            names: vec!["User".into()],
            metadata: json!({}),
            created_at: now(),
        })
        .await
        .unwrap();
    assert_eq!(e.names, vec!["User".to_owned()]);
    let mut m1 = memory(a.id, &r, "old", 10);
    m1.entity_id = Some(e.id);
    let m2 = memory(a.id, &r, "new", 1);
    let m3 = memory(a.id, &other_room, "elsewhere", 5);
    for m in [&m1, &m2, &m3] {
        assert!(t.create_memory(m).await.unwrap());
    }
    assert!(!t.create_memory(&m1).await.unwrap(), "deduplicated by id");
    assert_eq!(t.get_memory(m1.id).await.unwrap(), m1);

    let q = |room_id, before, limit| MemoryQuery {
        agent_id: a.id,
        kind: "messages".into(),
        room_id,
        before,
        limit,
    };
    let ids = |v: Vec<Memory>| v.into_iter().map(|m| m.id).collect::<Vec<_>>();
    assert_eq!(
        ids(t.list_memories(&q(None, None, 10)).await.unwrap()),
        [m2.id, m3.id, m1.id]
    );
    assert_eq!(
        ids(t.list_memories(&q(Some(r.id), None, 10)).await.unwrap()),
        [m2.id, m1.id]
    );
    assert_eq!(
        ids(t.list_memories(&q(None, None, 1)).await.unwrap()),
        [m2.id]
    );
    assert_eq!(
        ids(t
            .list_memories(&q(Some(r.id), Some(m2.created_at), 10))
            .await
            .unwrap()),
        [m1.id]
    );

    let mut changed = m2.clone();
    changed.content = json!({"text": "edited"});
    changed.metadata = json!({"x": 1});
    assert_eq!(t.update_memory(&changed).await.unwrap(), changed);
    let mut ghost = changed.clone();
    ghost.id = Uuid::new_v4();
    assert!(matches!(
        t.update_memory(&ghost).await,
        Err(StorageError::NotFound(_))
    ));

    assert!(matches!(
        t.delete_memory(Uuid::new_v4(), m2.id).await,
        Err(StorageError::NotFound(agentd_storage::Record::Memory))
    ));
    t.delete_memory(a.id, m2.id).await.unwrap();
    assert_eq!(
        t.delete_room_memories(a.id, other_room.id, &["documents"])
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        t.delete_room_memories(a.id, other_room.id, &["messages"])
            .await
            .unwrap(),
        1
    );
    assert!(
        t.create_memory(&memory(a.id, &r, "again", 0))
            .await
            .unwrap()
    );
    assert_eq!(t.delete_world_memories(w.id, "messages").await.unwrap(), 2);
    assert!(t.create_memory(&memory(a.id, &r, "last", 0)).await.unwrap());
    assert_eq!(t.delete_agent_memories(a.id).await.unwrap(), 1);
}
contract!(memories_page_update_and_delete);

async fn logs_are_scoped_to_the_agents_rooms(t: &TestDb) {
    let (a, b) = (agent(t, "a").await, agent(t, "b").await);
    let ra = t.create_room(&room(a.id, None)).await.unwrap();
    let rb = t.create_room(&room(b.id, None)).await.unwrap();
    let entity = |agent_id| Entity {
        id: agent_id,
        agent_id,
        names: vec![],
        metadata: json!({}),
        created_at: now(),
    };
    t.ensure_entity(&entity(a.id)).await.unwrap();
    t.ensure_entity(&entity(b.id)).await.unwrap();
    let log = |entity_id, room_id, kind: &str, age_s| LogEntry {
        id: Uuid::new_v4(),
        entity_id,
        room_id,
        body: json!({"modelType": "TEXT_LARGE"}),
        kind: kind.into(),
        created_at: now() - Duration::seconds(age_s),
    };
    let l1 = log(a.id, ra.id, "useModel", 3);
    let l2 = log(a.id, ra.id, "run_event", 2);
    let l3 = log(b.id, rb.id, "useModel", 1);
    for l in [&l1, &l2, &l3] {
        t.create_log(l).await.unwrap();
    }
    let q = LogQuery {
        agent_id: a.id,
        limit: 10,
        ..LogQuery::default()
    };
    let ids = |v: Vec<LogEntry>| v.into_iter().map(|l| l.id).collect::<Vec<_>>();
    assert_eq!(ids(t.list_logs(&q).await.unwrap()), [l2.id, l1.id]);
    let typed = LogQuery {
        kind: Some("useModel".into()),
        ..q.clone()
    };
    assert_eq!(ids(t.list_logs(&typed).await.unwrap()), [l1.id]);
    let excl = LogQuery {
        exclude_kinds: vec!["run_event".into()],
        ..q.clone()
    };
    assert_eq!(ids(t.list_logs(&excl).await.unwrap()), [l1.id]);
    let paged = LogQuery {
        limit: 1,
        offset: 1,
        ..q.clone()
    };
    assert_eq!(ids(t.list_logs(&paged).await.unwrap()), [l1.id]);
    assert!(matches!(
        t.delete_log(a.id, l3.id).await,
        Err(StorageError::NotFound(agentd_storage::Record::Log))
    ));
    t.delete_log(a.id, l1.id).await.unwrap();
    assert_eq!(ids(t.list_logs(&q).await.unwrap()), [l2.id]);
    let orphan = log(Uuid::new_v4(), ra.id, "x", 0);
    assert!(matches!(
        t.create_log(&orphan).await,
        Err(StorageError::MissingReference(_))
    ));
}
contract!(logs_are_scoped_to_the_agents_rooms);

async fn an_agent_lists_the_channels_it_is_in(t: &TestDb) {
    let a = agent(t, "p").await;
    let (c1, c2, _c3) = (channel(t).await, channel(t).await, channel(t).await);
    t.add_channel_participants(c1.id, &[a.id]).await.unwrap();
    t.add_channel_participants(c2.id, &[a.id]).await.unwrap();
    let mut want = vec![c1.id, c2.id];
    want.sort();
    assert_eq!(t.list_entity_channels(a.id, 10).await.unwrap(), want);
    assert_eq!(t.list_entity_channels(a.id, 1).await.unwrap().len(), 1);
}
contract!(an_agent_lists_the_channels_it_is_in);
