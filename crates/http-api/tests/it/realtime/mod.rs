//! The elizaOS event layer driven by the real `socket.io-client` 4.8 from node
//! (`tests/node/realtime.mjs`), against a real server on `127.0.0.1:0` built by `create_app`,
//! over an isolated database.
//!
//! Without node or npm the tests print a loud SKIPPED line, and fail when `CI` is set.

mod delivery;
mod entity;
mod flows;
mod http;
mod logs;

use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use actix_web::dev::ServerHandle;
use agentd_bus::LocalBus;
use agentd_core::DEFAULT_SERVER_ID;
use agentd_core::model::Channel;
use agentd_http_api::{ApiSettings, AppState};
use agentd_runtime::AgentRegistry;
use agentd_storage::ChannelStore;
use agentd_storage::testing::TestDb;
use serde_json::{Value, json};
use uuid::Uuid;

/// A running server with handles on its database, bus and agents.
pub struct RtServer {
    pub url: String,
    pub db: TestDb,
    pub bus: Arc<LocalBus>,
    pub agents: AgentRegistry,
    pub state: AppState,
    handle: ServerHandle,
}

impl RtServer {
    pub async fn start(settings: ApiSettings, db: TestDb) -> RtServer {
        RtServer::start_with_bus(settings, db, 4096).await
    }

    /// A server whose bus lets a subscriber fall only `capacity` events behind.
    pub async fn start_with_bus(settings: ApiSettings, db: TestDb, capacity: usize) -> RtServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let bus = Arc::new(LocalBus::new(capacity));
        let agents = AgentRegistry::new();
        let state = AppState::new(settings, db.db().clone(), agents.clone(), bus.clone());
        let server =
            agentd_http_api::serve(listener, state.clone(), Duration::from_secs(1)).unwrap();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        RtServer {
            url,
            db,
            bus,
            agents,
            state,
            handle,
        }
    }

    pub async fn stop(self) {
        self.handle.stop(false).await;
    }

    /// Creates a group channel on the default server with these participants.
    pub async fn channel(&self, participants: &[Uuid]) -> Uuid {
        let now = chrono::Utc::now();
        let channel = Channel::new(Uuid::new_v4(), DEFAULT_SERVER_ID, "test", "GROUP", now);
        self.db
            .create_channel(&channel, participants)
            .await
            .unwrap()
            .id
    }
}

/// The ids a scenario uses, as its JSON config.
pub struct Ids {
    pub e1: Uuid,
    pub e2: Uuid,
    pub e3: Uuid,
    pub channel: Uuid,
}

impl Ids {
    pub fn new() -> Self {
        Ids {
            e1: Uuid::new_v4(),
            e2: Uuid::new_v4(),
            e3: Uuid::new_v4(),
            channel: Uuid::new_v4(),
        }
    }

    pub fn config(&self) -> Value {
        json!({"e1": self.e1, "e2": self.e2, "e3": self.e3, "channel": self.channel,
               "server": DEFAULT_SERVER_ID})
    }
}

/// The node test folder once `socket.io-client` is installed there, or `None` (skip).
fn node_dir() -> Option<PathBuf> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node");
        agentd_socketio::testing::npm_test_dir(&dir)
    })
    .clone()
}

/// Whether node is usable; prints a loud SKIPPED line (and fails in CI) when it is not.
pub fn node_available(test: &str) -> bool {
    if node_dir().is_some() {
        return true;
    }
    let _ = std::io::stderr().write_all(
        format!("\n*** SKIPPED socket.io-client test {test}: node or npm unavailable ***\n")
            .as_bytes(),
    );
    assert!(
        std::env::var_os("CI").is_none(),
        "node and npm are required in CI"
    );
    false
}

/// Runs one node scenario off the server's thread and asserts it passed.
pub async fn run_node(scenario: &str, url: &str, transports: &str, config: Value) {
    let Some(dir) = node_dir() else {
        return;
    };
    let args = [
        "realtime.mjs".to_owned(),
        scenario.to_owned(),
        url.to_owned(),
        transports.to_owned(),
        config.to_string(),
    ];
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node").args(args).current_dir(dir).output()
    })
    .await
    .unwrap()
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("PASS"),
        "node scenario {scenario}/{transports} failed:\n{stdout}\n{stderr}"
    );
}
