//! End to end: a session message gets a real ELIZA reply from the default agent through
//! the `http` transport, and the reply is in the session's history.

use std::collections::HashMap;

use agentd::{Application, Settings};
use serde_json::{Value, json};

const ELIZA: &str = "b850bc30-45f8-0041-a00a-83df46d8555d";

async fn post(port: u16, path: &str, body: Value) -> (u16, Value) {
    let mut res = awc::Client::builder()
        .timeout(std::time::Duration::from_secs(60))
        .finish()
        .post(format!("http://127.0.0.1:{port}/api/messaging{path}"))
        .send_json(&body)
        .await
        .unwrap();
    (
        res.status().as_u16(),
        res.json().await.unwrap_or(Value::Null),
    )
}

#[actix_web::test]
async fn a_session_message_gets_a_real_eliza_reply_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let env: HashMap<String, String> = HashMap::from([
        ("SERVER_PORT".into(), "0".into()),
        ("ELIZA_DATA_DIR".into(), dir.path().display().to_string()),
        ("SESSION_CLEANUP_INTERVAL_MINUTES".into(), "1".into()),
    ]);
    let app = Application::build(Settings::from_sources(None, &env).unwrap())
        .await
        .unwrap();
    let port = app.port();
    let handle = app.handle();
    let running = actix_web::rt::spawn(app.run_until_stopped());

    let user = "0b7f3c7e-4a51-4f5e-9a38-3a1f0b2f6f11";
    let (status, s) = post(port, "/sessions", json!({"agentId": ELIZA, "userId": user})).await;
    assert_eq!(status, 201, "{s}");
    let id = s["sessionId"].as_str().unwrap();
    let (status, r) = post(
        port,
        &format!("/sessions/{id}/messages"),
        json!({"content": "I feel sad about my mother", "transport": "http"}),
    )
    .await;
    assert_eq!(status, 201, "{r}");
    let text = r["agentResponse"]["text"].as_str().unwrap_or_default();
    assert!(!text.is_empty(), "{r}");
    assert_eq!(r["data"]["agentResponse"]["text"], text);
    assert_eq!(r["sessionStatus"]["wasRenewed"], true);

    let mut res = awc::Client::default()
        .get(format!(
            "http://127.0.0.1:{port}/api/messaging/sessions/{id}/messages"
        ))
        .send()
        .await
        .unwrap();
    let history: Value = res.json().await.unwrap();
    assert_eq!(history["messages"][0]["content"], text, "{history}");
    assert_eq!(history["messages"][0]["isAgent"], true);
    assert_eq!(history["messages"][1]["authorId"], user);

    handle.stop(true).await;
    running.await.unwrap().unwrap();
}
