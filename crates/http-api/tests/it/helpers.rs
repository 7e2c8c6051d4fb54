//! `spawn_app`: one isolated server per test.

use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::http::header::HeaderMap;
use agentd_http_api::{ApiSettings, AppState};
use agentd_runtime::AgentRegistry;
use agentd_storage::{Db, DbConfig};
use serde_json::Value;

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: awc::Client,
    pub agents: AgentRegistry,
    pub db: Db,
    pub media_root: std::path::PathBuf,
    handle: ServerHandle,
    _dir: tempfile::TempDir,
}

/// A response reduced to what tests look at.
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    pub raw: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub async fn spawn_app(mut settings: ApiSettings) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let media_root = dir.path().join("media");
    settings.media.root = media_root.clone();
    let db = Db::connect(&DbConfig {
        postgres_url: None,
        sqlite_path: dir.path().join("agentd.db"),
        pool_size: 2,
    })
    .await
    .unwrap();
    let agents = AgentRegistry::new();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(
        settings,
        db.clone(),
        agents.clone(),
        std::sync::Arc::new(agentd_bus::LocalBus::default()),
    );
    let server = agentd_http_api::serve(listener, state, Duration::from_secs(1)).unwrap();
    let handle = server.handle();
    actix_web::rt::spawn(server);
    TestApp {
        addr,
        client: awc::Client::builder().disable_redirects().finish(),
        agents,
        db,
        media_root,
        handle,
        _dir: dir,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn send(&self, req: awc::ClientRequest, body: Option<&[u8]>) -> Reply {
        let mut res = match body {
            Some(b) => req.send_body(b.to_vec()).await.unwrap(),
            None => req.send().await.unwrap(),
        };
        let bytes = res.body().limit(10 << 20).await.unwrap();
        let raw = String::from_utf8_lossy(&bytes).into_owned();
        Reply {
            status: res.status().as_u16(),
            headers: res.headers().clone(),
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            raw,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.client.get(self.url(path)), None).await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut req = self.client.get(self.url(path));
        for (k, v) in headers {
            req = req.insert_header((*k, *v));
        }
        self.send(req, None).await
    }

    pub async fn stop(self) {
        self.handle.stop(true).await;
    }
}

pub fn with_key(key: &str) -> ApiSettings {
    ApiSettings {
        auth_token: Some(agentd_http_api::Secret::new(key)),
        ..ApiSettings::default()
    }
}
