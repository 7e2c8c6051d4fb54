//! A server over an isolated database of either backend, plus a stand-in agent.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use agentd_bus::{Bus, BusEvent, EventKind, Filter, LocalBus, Received};
use agentd_core::model::Agent;
use agentd_http_api::{ApiSettings, AppState};
use agentd_messaging::{Messaging, Post};
use agentd_runtime::AgentRegistry;
use agentd_storage::prelude::*;
use agentd_storage::testing::TestDb;
use agentd_storage::{Backend, Db, NewMessage};
use serde_json::{Value, json};
use uuid::Uuid;

pub struct App {
    pub addr: SocketAddr,
    pub client: awc::Client,
    pub agents: AgentRegistry,
    pub bus: Arc<LocalBus>,
    pub t: TestDb,
    pub state: AppState,
    handle: ServerHandle,
}

pub struct Res {
    pub status: u16,
    pub body: Value,
    pub raw: String,
}

/// A server on an isolated database; `None` when PostgreSQL is skipped.
pub async fn spawn(backend: Backend) -> Option<App> {
    let t = TestDb::open(backend, true).await?;
    Some(spawn_on(t))
}

/// A server over an existing database (for restart tests).
pub fn spawn_on(t: TestDb) -> App {
    spawn_with(t, ApiSettings::default())
}

/// A server over an existing database with these settings.
pub fn spawn_with(t: TestDb, settings: ApiSettings) -> App {
    let agents = AgentRegistry::new();
    let bus = Arc::new(LocalBus::default());
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(settings, t.db().clone(), agents.clone(), bus.clone());
    let server = agentd_http_api::serve(listener, state.clone(), Duration::from_secs(1)).unwrap();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    App {
        addr,
        client: awc::Client::builder()
            .timeout(Duration::from_secs(60))
            .finish(),
        agents,
        bus,
        t,
        state,
        handle,
    }
}

impl App {
    pub fn db(&self) -> &Db {
        self.t.db()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}/api/messaging{}", self.addr, path)
    }

    async fn send(&self, req: awc::ClientRequest, body: Option<&Value>) -> Res {
        let mut res = match body {
            Some(b) => req.send_json(b).await.unwrap(),
            None => req.send().await.unwrap(),
        };
        let bytes = res.body().limit(10 << 20).await.unwrap();
        Res {
            status: res.status().as_u16(),
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            raw: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> Res {
        self.send(self.client.get(self.url(path)), None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Res {
        self.send(self.client.post(self.url(path)), Some(&body))
            .await
    }

    pub async fn post_with(&self, path: &str, body: Value, headers: &[(&str, &str)]) -> Res {
        let mut req = self.client.post(self.url(path));
        for (k, v) in headers {
            req = req.insert_header((*k, *v));
        }
        self.send(req, Some(&body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Res {
        self.send(self.client.patch(self.url(path)), Some(&body))
            .await
    }

    pub async fn delete(&self, path: &str) -> Res {
        self.send(self.client.delete(self.url(path)), None).await
    }

    /// A stored, running agent.
    pub async fn agent(&self, name: &str) -> Uuid {
        let a = Agent::new(Uuid::new_v4(), name, agentd_storage::types::now());
        self.db().create_agent(&a).await.unwrap();
        self.agents.mark_running(a.id);
        a.id
    }

    /// A stored agent with `settings`, started through `POST /api/agents/:id/start` so its
    /// real model provider runs (ELIZA unless the settings name another).
    pub async fn started_agent(&self, name: &str, settings: Value) -> Uuid {
        let mut a = Agent::new(Uuid::new_v4(), name, agentd_storage::types::now());
        a.settings = settings;
        self.db().create_agent(&a).await.unwrap();
        let url = format!("http://{}/api/agents/{}/start", self.addr, a.id);
        let r = self.send(self.client.post(url), Some(&json!({}))).await;
        assert!(r.status < 300, "{}", r.raw);
        a.id
    }

    /// A group channel on the default server with these participants.
    pub async fn channel(&self, participants: &[Uuid]) -> Uuid {
        let ids: Vec<String> = participants.iter().map(Uuid::to_string).collect();
        let r = self
            .post(
                "/channels",
                json!({"name": "c", "message_server_id": agentd_core::DEFAULT_SERVER_ID,
                       "participantCentralUserIds": ids}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.raw);
        r.body["data"]["id"].as_str().unwrap().parse().unwrap()
    }

    /// Stops the agents (so none is cut off inside a transaction), then the server.
    pub async fn stop(self) -> TestDb {
        self.state.agent_manager().shutdown().await;
        self.handle.stop(true).await;
        self.t
    }
}

/// Error body of family B.
pub fn family_b(r: &Res, status: u16, message: &str) {
    assert_eq!(r.status, status, "{}", r.raw);
    assert_eq!(r.body["success"], false, "{}", r.raw);
    assert_eq!(r.body["error"], message, "{}", r.raw);
}

/// A stand-in for the agent runtime: answers every message in a channel it participates
/// in, exactly as the runtime does (stream chunk, reply stored with `in_reply_to`, then
/// `new_message` and the answered message's `replied` delivery). `delay` holds the reply
/// back.
pub fn echo_agent(app: &App, agent: Uuid, delay: Duration) {
    let bus: Arc<dyn Bus> = app.bus.clone();
    let db = app.db().clone();
    let messaging = Messaging::new(db.clone(), bus.clone(), app.agents.clone());
    let mut sub = bus.subscribe_to(Filter::kinds(&[EventKind::NewMessage]));
    actix_web::rt::spawn(async move {
        loop {
            let (channel_id, message_id, author_id) = match sub.recv().await {
                Received::Event(BusEvent::NewMessage {
                    channel_id,
                    message_id,
                    author_id,
                    ..
                }) => (channel_id, message_id, author_id),
                Received::Lagged(_) => continue,
                Received::Closed => return,
                Received::Event(_) => continue,
            };
            if author_id == agent {
                continue;
            }
            let Ok(p) = db.list_channel_participants(channel_id).await else {
                continue;
            };
            if !p.contains(&agent) {
                continue;
            }
            let Ok(msg) = db.get_message(message_id).await else {
                continue;
            };
            actix_web::rt::time::sleep(delay).await;
            let mut reply = NewMessage::text(channel_id, agent, format!("echo: {}", msg.content));
            reply.in_reply_to = Some(msg.id);
            reply.in_reply_to_root_message_id = Some(msg.id);
            reply.source_type = Some("agent_response".into());
            reply.raw_message = Some(json!({"thought": "t", "actions": ["REPLY"]}));
            bus.publish(BusEvent::MessageStreamChunk {
                channel_id,
                message_id: reply.id,
                agent_id: agent,
                index: 0,
                chunk: "echo".into(),
            });
            // The same path as the runtime's replies: the messaging service stores it
            // (with the answered message's `replied`) and publishes what follows.
            let _ = messaging.post(Post::new(reply)).await;
        }
    });
}
