//! ENTITY_JOINED: the real client joins a channel naming its entity, and sends in a DM; every
//! running agent of the channel (not only the first one, as in elizaOS 1.7.2) records the
//! entity, its world and its room.

use agentd_core::create_unique_uuid;
use agentd_core::model::Agent;
use agentd_http_api::ApiSettings;
use agentd_storage::prelude::*;
use agentd_storage::testing::TestDb;
use chrono::Utc;
use serde_json::json;
use uuid::Uuid;

use super::{Ids, RtServer, node_available, run_node};

async fn agent(server: &RtServer, running: bool) -> Uuid {
    let id = Uuid::new_v4();
    let a = Agent::new(id, format!("agent-{}", &id.to_string()[..8]), Utc::now());
    server.db.db().create_agent(&a).await.unwrap();
    if running {
        server.agents.mark_running(id);
    }
    id
}

/// The names stored for `entity` (ensure returns the stored row and writes nothing new).
async fn names(server: &RtServer, entity: Uuid, agent: Uuid) -> Vec<String> {
    let probe = agentd_core::agent_data::Entity {
        id: entity,
        agent_id: agent,
        names: vec!["probe".into()],
        metadata: json!({}),
        created_at: Utc::now(),
    };
    server.db.db().ensure_entity(&probe).await.unwrap().names
}

async fn entity_joined(db: TestDb) {
    let server = RtServer::start(ApiSettings::default(), db).await;
    let mut ids = Ids::new();
    let (first, second) = (agent(&server, true).await, agent(&server, true).await);
    let outsider = agent(&server, true).await;
    let stopped = agent(&server, false).await;
    ids.channel = server.channel(&[ids.e1, first, second, stopped]).await;
    let dm = server.channel(&[ids.e2, second]).await;
    let mut config = ids.config();
    config["dm"] = json!(dm);
    run_node("entity_joined", &server.url, "default", config).await;

    let db = server.db.db();
    for agent in [first, second] {
        let rooms = db.list_rooms(agent, 100).await.unwrap();
        let room = rooms
            .iter()
            .find(|r| r.channel_id == Some(ids.channel))
            .unwrap_or_else(|| panic!("agent {agent} has no room for the joined channel"));
        assert_eq!(room.id, create_unique_uuid(agent, &ids.channel.to_string()));
        assert_eq!(room.source, "socketio");
        let world = room.world_id.unwrap();
        assert_eq!(
            world,
            create_unique_uuid(agent, &agentd_core::DEFAULT_SERVER_ID.to_string())
        );
    }
    assert_eq!(names(&server, ids.e1, first).await, ["Ada Lovelace", "ada"]);
    for agent in [outsider, stopped] {
        assert!(
            db.list_rooms(agent, 100).await.unwrap().is_empty(),
            "a non-participating or stopped agent is not told"
        );
    }
    // The DM send told the DM's agent, with the send's source, and nobody else.
    let dm_room = db
        .get_room(create_unique_uuid(second, &dm.to_string()))
        .await
        .unwrap();
    assert_eq!(dm_room.source, "socketio_message");
    assert_eq!(names(&server, ids.e2, second).await, ["Bo"]);
    assert!(
        db.list_rooms(first, 100)
            .await
            .unwrap()
            .iter()
            .all(|r| r.channel_id != Some(dm))
    );
    server.stop().await;
}

#[actix_web::test]
async fn entity_joined_reaches_every_running_agent_of_the_channel() {
    if node_available("entity_joined_reaches_every_running_agent_of_the_channel") {
        entity_joined(TestDb::sqlite().await).await;
    }
}

#[actix_web::test]
async fn entity_joined_on_postgres() {
    if let Some(db) = TestDb::postgres().await
        && node_available("entity_joined_on_postgres")
    {
        entity_joined(db).await;
    }
}
