//! Message servers and their agents, with the deprecated aliases.

use agentd_bus::{Bus, BusEvent, Received};
use agentd_core::DEFAULT_SERVER_ID;
use agentd_storage::Backend;
use serde_json::json;
use uuid::Uuid;

use super::app::{family_b, spawn};
use crate::both;

async fn servers_and_agents(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let d = DEFAULT_SERVER_ID.to_string();
    let r = app.get("/message-server/current").await;
    assert_eq!(
        r.body,
        json!({"success": true, "data": {"messageServerId": d}})
    );

    let r = app
        .post(
            "/message-servers",
            json!({"name": "S", "sourceType": "test", "metadata": {"a": 1}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    let s = &r.body["data"]["server"];
    assert_eq!(
        (s["name"].as_str(), s["sourceType"].as_str()),
        (Some("S"), Some("test"))
    );
    assert!(s["createdAt"].as_str().unwrap().ends_with('Z'));
    family_b(
        &app.post("/message-servers", json!({"name": "S"})).await,
        400,
        "Missing required fields: name, sourceType",
    );
    assert_eq!(
        app.post("/servers", json!({"name": "T", "sourceType": "x"}))
            .await
            .status,
        201
    );

    let r = app.get("/message-servers").await;
    assert_eq!(
        r.body["data"]["messageServers"].as_array().unwrap().len(),
        3
    );
    let r = app.get("/central-servers").await;
    assert_eq!(r.body["data"]["servers"].as_array().unwrap().len(), 3);

    let agent = app.agent("a").await;
    let mut sub = app.bus.subscribe();
    let path = format!("/message-servers/{d}/agents");
    let r = app.post(&path, json!({"agentId": agent})).await;
    assert_eq!(r.status, 201, "{}", r.raw);
    assert_eq!(r.body["data"]["agentId"], agent.to_string());
    assert_eq!(r.body["data"]["messageServerId"], d);
    assert_eq!(
        sub.recv().await,
        Received::Event(BusEvent::ServerAgentUpdate {
            server_id: DEFAULT_SERVER_ID,
            agent_id: agent,
            added: true
        })
    );
    let r = app.get(&format!("/servers/{d}/agents")).await;
    assert_eq!(
        r.body["data"],
        json!({"messageServerId": d, "agents": [agent.to_string()]})
    );
    let r = app.get(&format!("/agents/{agent}/message-servers")).await;
    assert_eq!(
        r.body["data"],
        json!({"agentId": agent.to_string(), "messageServers": [d]})
    );

    family_b(
        &app.post(&path, json!({"agentId": Uuid::new_v4()})).await,
        404,
        "Agent not found",
    );
    family_b(
        &app.post(&path, json!({"agentId": "nope"})).await,
        400,
        "Invalid agentId format",
    );
    let other = Uuid::new_v4();
    family_b(
        &app.get(&format!("/message-servers/{other}/agents")).await,
        403,
        "Cannot access agents for a different server",
    );
    family_b(
        &app.get("/message-servers/xyz/agents").await,
        400,
        "Invalid messageServerId format",
    );
    family_b(
        &app.get("/agents/xyz/message-servers").await,
        400,
        "Invalid agentId format",
    );

    let r = app
        .delete(&format!("/message-servers/{d}/agents/{agent}"))
        .await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(r.body["data"]["agentId"], agent.to_string());
    assert!(matches!(
        sub.recv().await,
        Received::Event(BusEvent::ServerAgentUpdate { added: false, .. })
    ));

    let c = app.channel(&[]).await;
    for p in ["message-servers", "central-servers"] {
        let r = app.get(&format!("/{p}/{d}/channels")).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body["data"]["channels"][0]["id"], c.to_string());
    }
    family_b(
        &app.get("/message-servers/bad/channels").await,
        400,
        "Invalid messageServerId format",
    );
    app.stop().await;
}
both!(servers_and_agents);
