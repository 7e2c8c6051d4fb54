//! Agents at boot: the default Eliza, `--character` files, and agents enabled at shutdown.

use std::collections::HashMap;

use agentd::{Application, Settings, StartupError};
use serde_json::{Value, json};

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

async fn call(port: u16, method: &str, path: &str) -> Value {
    let client = awc::Client::default();
    let url = format!("http://127.0.0.1:{port}{path}");
    let req = match method {
        "POST" => client
            .post(url)
            .insert_header(("content-type", "application/json")),
        _ => client.get(url),
    };
    let mut res = match method {
        "POST" => req.send_body("{}").await.unwrap(),
        _ => req.send().await.unwrap(),
    };
    res.json().await.unwrap_or(Value::Null)
}

/// Serves `settings`, runs `f` against the port, then stops gracefully.
async fn with_server<F, Fut>(settings: Settings, f: F)
where
    F: FnOnce(u16) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let app = Application::build(settings).await.unwrap();
    let port = app.port();
    let handle = app.handle();
    let running = actix_web::rt::spawn(app.run_until_stopped());
    f(port).await;
    handle.stop(true).await;
    running.await.unwrap().unwrap();
}

#[actix_web::test]
async fn a_fresh_server_runs_eliza_and_restarts_what_was_running() {
    let dir = tempfile::tempdir().unwrap();
    let eliza = "b850bc30-45f8-0041-a00a-83df46d8555d";
    with_server(settings(&dir, &[]), |port| async move {
        let agents = call(port, "GET", "/api/agents").await;
        assert_eq!(
            agents["data"]["agents"],
            json!([{"id": eliza, "name": "Eliza", "characterName": "Eliza",
                "bio": "A Rogerian psychotherapist, after Joseph Weizenbaum's 1966 ELIZA program.",
                "status": "active"}])
        );
        let stopped = call(port, "POST", &format!("/api/agents/{eliza}/stop")).await;
        assert_eq!(stopped["data"]["message"], "Agent stopped");
    })
    .await;
    // Eliza was stopped by the operator: it stays stopped, and is not created again.
    with_server(settings(&dir, &[]), |port| async move {
        let agents = call(port, "GET", "/api/agents").await;
        assert_eq!(agents["data"]["agents"][0]["status"], "inactive");
        call(port, "POST", &format!("/api/agents/{eliza}/start")).await;
    })
    .await;
    // Running at shutdown: running again at boot.
    with_server(settings(&dir, &[]), |port| async move {
        let agents = call(port, "GET", "/api/agents").await;
        assert_eq!(agents["data"]["agents"][0]["status"], "active");
    })
    .await;
}

#[actix_web::test]
async fn the_default_agent_can_be_turned_off() {
    let dir = tempfile::tempdir().unwrap();
    with_server(
        settings(&dir, &[("AGENTD_DEFAULT_AGENT", "false")]),
        |port| async move {
            let agents = call(port, "GET", "/api/agents").await;
            assert_eq!(agents["data"]["agents"], json!([]));
        },
    )
    .await;
    let bad = Settings::from_sources(
        None,
        &HashMap::from([("AGENTD_DEFAULT_AGENT".into(), "maybe".into())]),
    );
    let msg = bad.err().unwrap().to_string();
    assert!(msg.to_lowercase().contains("default_agent"), "{msg}");
}

#[actix_web::test]
async fn character_files_are_loaded_and_started() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ada.json");
    std::fs::write(&file, r#"{"name": "Ada", "bio": "Counts."}"#).unwrap();
    let mut s = settings(&dir, &[]);
    s.characters = vec![file.clone()];
    with_server(s, |port| async move {
        let agents = call(port, "GET", "/api/agents").await;
        let list = agents["data"]["agents"].as_array().unwrap();
        assert_eq!(list.len(), 1, "no default agent when characters are given");
        assert_eq!(list[0]["name"], "Ada");
        assert_eq!(list[0]["status"], "active");
    })
    .await;

    std::fs::write(
        &file,
        r#"{"name": "Ada", "bio": "Counts.", "colour": "red"}"#,
    )
    .unwrap();
    let mut s = settings(&dir, &[]);
    s.characters = vec![file];
    let err = Application::build(s).await.err().unwrap();
    assert!(matches!(err, StartupError::Agents(_)));
    assert!(err.to_string().contains("\"colour\""), "{err}");
}
