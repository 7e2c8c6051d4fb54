//! Runs `tests/node/run.mjs` (the real `socket.io-client` 4.8) against a real server.
//!
//! Without node or npm the tests print a loud SKIPPED line, and fail when `CI` is set.

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use agentd_socketio::ServerOptions;

use crate::echo_app;

/// The node test folder once `socket.io-client` is installed there, or `None` (skip).
fn node_dir() -> Option<PathBuf> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node");
        agentd_socketio::testing::npm_test_dir(&dir)
    })
    .clone()
}

/// Options with short timers, so heartbeats are exercised within a second.
fn test_options() -> ServerOptions {
    ServerOptions {
        ping_interval_ms: 200,
        ping_timeout_ms: 400,
        ..ServerOptions::default()
    }
}

/// Runs one scenario with one transport setting against a fresh server.
fn run(scenario: &str, transports: &str) {
    let Some(dir) = node_dir() else {
        // Written past libtest's capture so it shows even when the test passes.
        let _ = std::io::stderr().write_all(
            format!(
                "\n*** SKIPPED socket.io-client test {scenario}/{transports}: node or npm unavailable ***\n"
            )
            .as_bytes(),
        );
        assert!(
            std::env::var_os("CI").is_none(),
            "node and npm are required in CI"
        );
        return;
    };
    let server = echo_app::start(test_options());
    let output = Command::new("node")
        .arg("run.mjs")
        .args([scenario, &server.url, transports])
        .current_dir(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("PASS"),
        "node scenario {scenario}/{transports} failed:\n{stdout}\n{stderr}"
    );
    // Every session the clients opened is collected once they are gone.
    let deadline = Instant::now() + Duration::from_secs(3);
    while server.io.session_count() > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        server.io.session_count(),
        0,
        "sessions left after {scenario}/{transports}"
    );
}

#[test]
fn basic_default_transports_upgrade_to_websocket() {
    run("basic", "default");
}

#[test]
fn basic_websocket_only() {
    run("basic", "websocket");
}

#[test]
fn basic_polling_only() {
    run("basic", "polling");
}

#[test]
fn rooms_default_transports() {
    run("rooms", "default");
}

#[test]
fn rooms_polling_only() {
    run("rooms", "polling");
}

#[test]
fn bad_handshake_is_refused_with_its_message() {
    run("bad_handshake", "default");
    run("bad_handshake", "websocket");
}

#[test]
fn oversize_packet_disconnects_websocket() {
    run("oversize", "websocket");
}

#[test]
fn oversize_packet_disconnects_polling() {
    run("oversize", "polling");
}

#[test]
fn heartbeats_keep_websocket_alive() {
    run("heartbeat", "websocket");
}

#[test]
fn heartbeats_keep_polling_alive() {
    run("heartbeat", "polling");
}

#[test]
fn server_disconnect_reaches_client() {
    run("kick", "default");
    run("kick", "polling");
}
