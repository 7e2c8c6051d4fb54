//! Scale-out (docs/SCALE-OUT.md): two real agentd instances on `127.0.0.1:0`, built by
//! `Application::build` with `AGENTD_BUS=nats`, sharing one PostgreSQL schema and one NATS
//! server; the real `socket.io-client` (`scale_out.mjs`) checks that rooms span instances.
//! Also: the bus settings are validated, and an unreachable NATS stops start-up.
//!
//! Without PostgreSQL, NATS or node the end-to-end test prints a loud SKIPPED line, and
//! fails when `CI` is set.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;

use agentd::{Application, Settings, StartupError};
use agentd_core::DEFAULT_SERVER_ID;
use agentd_core::model::Channel;
use agentd_storage::ChannelStore;
use agentd_storage::testing::TestDb;
use serde_json::json;
use uuid::Uuid;

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// An instance's settings: port 0, the shared schema, the shared NATS and prefix.
fn instance(db_url: &str, nats_url: &str, prefix: &str, dir: &tempfile::TempDir) -> Settings {
    let data_dir = dir.path().display().to_string();
    Settings::from_sources(
        None,
        &env(&[
            ("SERVER_PORT", "0"),
            ("POSTGRES_URL", db_url),
            ("ELIZA_DATA_DIR", &data_dir),
            ("AGENTD_DEFAULT_AGENT", "false"),
            ("AGENTD_BUS", "nats"),
            ("AGENTD_NATS_URL", nats_url),
            ("AGENTD_NATS_PREFIX", prefix),
        ]),
    )
    .unwrap()
}

/// The folder where `socket.io-client` is installed, or `None` (skip) without node/npm.
fn node_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../crates/http-api/tests/node");
    agentd_socketio::testing::npm_test_dir(&dir)
}

/// A group channel on the default server with these participants.
async fn group_channel(db: &TestDb, participants: &[Uuid]) -> Uuid {
    let now = chrono::Utc::now();
    let channel = Channel::new(Uuid::new_v4(), DEFAULT_SERVER_ID, "scale-out", "GROUP", now);
    db.create_channel(&channel, participants).await.unwrap().id
}

#[actix_web::test]
async fn a_socket_on_one_instance_receives_messages_posted_to_another() {
    let Some(nats_url) = agentd_bus::testing::nats_url() else {
        return;
    };
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let Some(node) = node_dir() else {
        let msg = "SKIPPED scale-out end-to-end test: node/npm or `npm ci` failed";
        eprintln!("\n!!!!!!!!!! {msg} !!!!!!!!!!\n");
        assert!(std::env::var_os("CI").is_none(), "{msg} (CI is set)");
        return;
    };
    let db_url = db.postgres_url().unwrap();
    let prefix = agentd_bus::testing::unique_prefix();
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Application::build(instance(&db_url, &nats_url, &prefix, &dir_a))
        .await
        .unwrap();
    let b = Application::build(instance(&db_url, &nats_url, &prefix, &dir_b))
        .await
        .unwrap();
    let (e1, e2) = (Uuid::new_v4(), Uuid::new_v4());
    let channel = group_channel(&db, &[e1, e2]).await;
    let config = json!({
        "a": format!("http://127.0.0.1:{}", a.port()),
        "b": format!("http://127.0.0.1:{}", b.port()),
        "e1": e1,
        "e2": e2,
        "channel": channel,
        "server": DEFAULT_SERVER_ID,
        "transports": "default",
    });
    let (stop_a, stop_b) = (a.shutdown_handle(), b.shutdown_handle());
    let running_a = actix_web::rt::spawn(a.run_until_stopped());
    let running_b = actix_web::rt::spawn(b.run_until_stopped());

    // Blocking wait on a pool thread, so both servers keep serving on this one.
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/it/scale_out.mjs");
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(script)
            .arg(config.to_string())
            .current_dir(node)
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    stop_a.stop().await;
    stop_b.stop().await;
    running_a.await.unwrap().unwrap();
    running_b.await.unwrap().unwrap();

    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("PASS scale_out"),
        "scale-out scenario failed:\n{stdout}\n{stderr}"
    );
}

#[actix_web::test]
async fn an_unreachable_nats_stops_start_up_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().display().to_string();
    let settings = Settings::from_sources(
        None,
        &env(&[
            ("SERVER_PORT", "0"),
            ("ELIZA_DATA_DIR", &data_dir),
            ("AGENTD_DEFAULT_AGENT", "false"),
            ("AGENTD_BUS", "nats"),
            // Nothing listens on port 1.
            ("AGENTD_NATS_URL", "nats://127.0.0.1:1"),
        ]),
    )
    .unwrap();
    let err = Application::build(settings).await.err().unwrap();
    assert!(matches!(err, StartupError::Bus(_)), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("AGENTD_NATS_URL") && text.contains("nats://127.0.0.1:1"),
        "{text}"
    );
}
