//! `/api/agents` and `/api/memory` on a real server with a real runtime: every route's
//! success shape and its error shapes.

mod crud;
mod lifecycle;
mod memory;
mod plugin_bare;
mod plugins;

use std::net::TcpListener;
use std::path::PathBuf;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use agentd_bus::BusEvent;
use agentd_core::DEFAULT_SERVER_ID;
use agentd_core::model::Channel;
use agentd_http_api::{ApiSettings, AppState};
use agentd_runtime::AgentRegistry;
use agentd_storage::prelude::*;
use agentd_storage::{Db, DbConfig, MessagePage, NewMessage};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::Reply;

/// A server whose database and state the test can reach.
pub struct App {
    pub addr: std::net::SocketAddr,
    pub client: awc::Client,
    pub db: Db,
    pub state: AppState,
    pub chars: PathBuf,
    /// Sent as `X-API-KEY` by every helper request when set.
    pub key: Option<String>,
    handle: ServerHandle,
    _dir: tempfile::TempDir,
}

pub async fn spawn() -> App {
    spawn_with_key(None).await
}

/// A server whose `/api` needs `key` when one is given.
pub async fn spawn_with_key(key: Option<&str>) -> App {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&DbConfig {
        postgres_url: None,
        sqlite_path: dir.path().join("agentd.db"),
        pool_size: 2,
    })
    .await
    .unwrap();
    db.migrate().await.unwrap();
    db.ensure_default_server().await.unwrap();
    let chars = dir.path().join("characters");
    std::fs::create_dir_all(&chars).unwrap();
    let settings = ApiSettings {
        characters_dir: Some(chars.clone()),
        auth_token: key.map(agentd_http_api::Secret::new),
        ..ApiSettings::default()
    };
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(
        settings,
        db.clone(),
        AgentRegistry::new(),
        std::sync::Arc::new(agentd_bus::LocalBus::default()),
    );
    let server = agentd_http_api::serve(listener, state.clone(), Duration::from_secs(1)).unwrap();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    App {
        addr,
        client: awc::Client::builder().disable_redirects().finish(),
        db,
        state,
        chars,
        key: key.map(str::to_owned),
        handle,
        _dir: dir,
    }
}

impl App {
    fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    async fn send(&self, req: awc::ClientRequest, body: Option<Value>) -> Reply {
        let req = match &self.key {
            Some(k) => req.insert_header(("x-api-key", k.as_str())),
            None => req,
        };
        let mut res = match body {
            Some(b) => req
                .insert_header(("content-type", "application/json"))
                .send_body(serde_json::to_vec(&b).unwrap())
                .await
                .unwrap(),
            None => req.send().await.unwrap(),
        };
        let bytes = res.body().limit(10 << 20).await.unwrap();
        Reply {
            status: res.status().as_u16(),
            headers: res.headers().clone(),
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            raw: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.client.get(self.url(path)), None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(self.client.post(self.url(path)), Some(body))
            .await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        self.send(self.client.patch(self.url(path)), Some(body))
            .await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(self.client.delete(self.url(path)), None).await
    }

    /// Creates an agent through the API and returns its id.
    pub async fn create(&self, name: &str) -> Uuid {
        let r = self
            .post(
                "/api/agents",
                json!({"characterJson": {"name": name, "bio": ["b"]}}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.raw);
        r.body["data"]["id"].as_str().unwrap().parse().unwrap()
    }

    /// Creates and starts an agent.
    pub async fn running(&self, name: &str) -> Uuid {
        let id = self.create(name).await;
        let r = self
            .post(&format!("/api/agents/{id}/start"), json!({}))
            .await;
        assert_eq!(r.status, 200, "{}", r.raw);
        id
    }

    /// A DM between a new user and the agent in which the user said `text` and the
    /// agent answered; returns (channel id, user id).
    pub async fn conversation(&self, agent: Uuid, text: &str) -> (Uuid, Uuid) {
        let user = Uuid::new_v4();
        let t = agentd_storage::types::now();
        let channel = Channel::new(Uuid::new_v4(), DEFAULT_SERVER_ID, "dm", "DM", t);
        let channel = self
            .db
            .create_channel(&channel, &[user, agent])
            .await
            .unwrap();
        let m = self
            .db
            .create_message(&NewMessage::text(channel.id, user, text))
            .await
            .unwrap()
            .message;
        self.state.bus().publish(BusEvent::NewMessage {
            channel_id: channel.id,
            seq: m.seq,
            message_id: m.id,
            author_id: user,
        });
        for _ in 0..200 {
            let page = self
                .db
                .list_messages(&MessagePage::latest(channel.id, 10))
                .await
                .unwrap();
            let logged = self.db.run_completed(agent, m.id).await;
            if page.len() >= 2 && logged {
                return (channel.id, user);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the agent did not answer");
    }

    pub async fn stop(self) {
        self.state.agent_manager().shutdown().await;
        self.handle.stop(true).await;
    }
}

/// Whether the agent finished answering a message (its run's end is the last thing logged).
trait RunDone {
    async fn run_completed(&self, agent: Uuid, message: Uuid) -> bool;
}

impl RunDone for Db {
    async fn run_completed(&self, agent: Uuid, message: Uuid) -> bool {
        let q = agentd_storage::LogQuery {
            agent_id: agent,
            kind: Some("run_event".into()),
            limit: 500,
            ..Default::default()
        };
        let logs = self.list_logs(&q).await.unwrap_or_default();
        logs.iter()
            .any(|l| l.body["messageId"] == message.to_string() && l.body["status"] == "completed")
    }
}

/// The sorted keys of an object.
pub fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort_unstable();
    k
}

/// Asserts a family-A error.
pub fn assert_error(r: &Reply, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", r.raw);
    assert_eq!(r.body["success"], false, "{}", r.raw);
    assert_eq!(r.body["error"]["code"], code, "{}", r.raw);
    assert!(r.body["error"]["message"].is_string(), "{}", r.raw);
}
