//! Delivery states over Socket.IO, with a real agent runtime: a socket send ends replied
//! (ELIZA), or errored with the provider's code (an OpenAI-compatible double answering
//! 401), and the room sees each change as `messageDelivery` and the failure as
//! `messageError`. On both backends.

use agentd_core::model::Agent;
use agentd_http_api::ApiSettings;
use agentd_storage::AgentStore;
use agentd_storage::testing::TestDb;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{Ids, RtServer, node_available, run_node};
use crate::messaging::delivery::{model_double, openai_settings};

/// Runs `scenario` against a server on `db` whose agent (with `settings`) runs for real.
async fn scenario(db: TestDb, scenario: &str, settings: Value, extra: Value) {
    let server = RtServer::start(ApiSettings::default(), db).await;
    let mut agent = Agent::new(Uuid::new_v4(), "Eliza", agentd_storage::types::now());
    agent.settings = settings;
    server.db.create_agent(&agent).await.unwrap();
    server.state.agent_manager().start(agent.id).await.unwrap();
    let mut ids = Ids::new();
    ids.channel = server.channel(&[ids.e1, agent.id]).await;
    let mut config = ids.config();
    config["agent"] = json!(agent.id);
    if let (Value::Object(c), Value::Object(e)) = (&mut config, extra) {
        c.extend(e);
    }
    run_node(scenario, &server.url, "default", config).await;
    server.state.agent_manager().shutdown().await;
    server.stop().await;
}

async fn socket_send_is_replied(db: TestDb) {
    scenario(db, "delivery", json!({}), json!({})).await;
}

async fn failing_model_reaches_the_room(db: TestDb) {
    let url = model_double(Some(401)).await;
    let code = json!({"code": "MODEL_ERROR"});
    scenario(db, "model_failure", openai_settings(&url), code).await;
}

#[actix_web::test]
async fn socket_send_is_replied_on_sqlite() {
    if node_available("socket_send_is_replied_on_sqlite") {
        socket_send_is_replied(TestDb::sqlite().await).await;
    }
}

#[actix_web::test]
async fn socket_send_is_replied_on_postgres() {
    if let Some(db) = TestDb::postgres().await
        && node_available("socket_send_is_replied_on_postgres")
    {
        socket_send_is_replied(db).await;
    }
}

#[actix_web::test]
async fn failing_model_reaches_the_room_on_sqlite() {
    if node_available("failing_model_reaches_the_room_on_sqlite") {
        failing_model_reaches_the_room(TestDb::sqlite().await).await;
    }
}

#[actix_web::test]
async fn failing_model_reaches_the_room_on_postgres() {
    if let Some(db) = TestDb::postgres().await
        && node_available("failing_model_reaches_the_room_on_postgres")
    {
        failing_model_reaches_the_room(db).await;
    }
}
