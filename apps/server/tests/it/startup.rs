//! `Application::build`: bind policy, exact bind, database preparation, serving, shutdown.

use std::collections::HashMap;
use std::net::TcpListener;

use agentd::{Application, Settings, StartupError};

fn settings(dir: &tempfile::TempDir, extra: &[(&str, &str)]) -> Settings {
    let mut env: HashMap<String, String> = HashMap::from([
        ("SERVER_PORT".into(), "0".into()),
        ("ELIZA_DATA_DIR".into(), dir.path().display().to_string()),
    ]);
    for (k, v) in extra {
        env.insert((*k).into(), (*v).into());
    }
    Settings::from_sources(None, &env).unwrap()
}

#[actix_web::test]
async fn serves_on_an_ephemeral_port_over_sqlite_and_stops_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let app = Application::build(settings(&dir, &[])).await.unwrap();
    let port = app.port();
    assert_ne!(port, 0);
    assert!(
        dir.path().join("agentd.db").exists(),
        "SQLite lives in the data dir"
    );
    let handle = app.handle();
    let running = actix_web::rt::spawn(app.run_until_stopped());

    let client = awc::Client::default();
    let mut res = client
        .get(format!("http://127.0.0.1:{port}/api/server/hello"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["message"], "Hello World!");

    handle.stop(true).await;
    running.await.unwrap().unwrap();
    assert!(
        TcpListener::bind(("127.0.0.1", port)).is_ok(),
        "the port is released after shutdown"
    );
}

#[actix_web::test]
async fn a_public_bind_without_a_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = Application::build(settings(&dir, &[("SERVER_HOST", "0.0.0.0")]))
        .await
        .err()
        .unwrap();
    assert!(matches!(err, StartupError::Unauthenticated(_)));
    let msg = err.to_string();
    assert!(msg.contains("0.0.0.0"), "{msg}");
    assert!(msg.contains("ELIZA_SERVER_AUTH_TOKEN"), "{msg}");
    assert!(msg.contains("AGENTD_ALLOW_UNAUTHENTICATED"), "{msg}");
    assert!(
        !dir.path().join("agentd.db").exists(),
        "refused before touching the DB"
    );

    for extra in [
        [
            ("SERVER_HOST", "0.0.0.0"),
            ("AGENTD_ALLOW_UNAUTHENTICATED", "true"),
        ],
        [("SERVER_HOST", "0.0.0.0"), ("ELIZA_SERVER_AUTH_TOKEN", "k")],
    ] {
        let dir = tempfile::tempdir().unwrap();
        let app = Application::build(settings(&dir, &extra)).await.unwrap();
        let handle = app.handle();
        let running = actix_web::rt::spawn(app.run_until_stopped());
        handle.stop(true).await;
        running.await.unwrap().unwrap();
    }
}

#[actix_web::test]
async fn a_busy_port_is_an_error_naming_the_address() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let port_s = port.to_string();
    let err = Application::build(settings(&dir, &[("SERVER_PORT", &port_s)]))
        .await
        .err()
        .unwrap();
    assert!(matches!(err, StartupError::Bind { .. }));
    let msg = err.to_string();
    assert!(msg.contains(&format!("127.0.0.1:{port}")), "{msg}");
}

#[actix_web::test]
async fn an_open_websocket_does_not_hold_shutdown_until_the_timeout() {
    use futures_util::StreamExt;
    let dir = tempfile::tempdir().unwrap();
    let app = Application::build(settings(
        &dir,
        &[
            ("AGENTD_SHUTDOWN_TIMEOUT_SECS", "30"),
            ("AGENTD_DEFAULT_AGENT", "false"),
        ],
    ))
    .await
    .unwrap();
    let port = app.port();
    let handle = app.shutdown_handle();
    let running = actix_web::rt::spawn(app.run_until_stopped());

    let (_res, mut ws) = awc::Client::default()
        .ws(format!(
            "ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket"
        ))
        .connect()
        .await
        .unwrap();
    // The Engine.IO open packet proves the session is live.
    let open = ws.next().await.unwrap().unwrap();
    assert!(
        matches!(open, awc::ws::Frame::Text(ref t) if t.starts_with(b"0{")),
        "{open:?}"
    );

    let started = std::time::Instant::now();
    handle.stop().await;
    running.await.unwrap().unwrap();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "shutdown waited {:?} for an idle websocket",
        started.elapsed()
    );
}
