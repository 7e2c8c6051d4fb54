//! The whole message path in one process: the default ELIZA agent boots, a user posts over
//! REST, and exactly one reply per message is stored with the next `seq`. On SQLite and
//! PostgreSQL, with the real runtime (no stand-in agent).

use std::collections::HashMap;
use std::time::Duration;

use agentd::{Application, Settings};
use agentd_storage::Backend;
use agentd_storage::testing::TestDb;
use serde_json::{Value, json};

const ELIZA: &str = "b850bc30-45f8-0041-a00a-83df46d8555d";
const USER: &str = "7c0ffee0-0000-4000-8000-000000000001";
const DEFAULT_SERVER: &str = "00000000-0000-0000-0000-000000000000";

fn settings(t: &TestDb) -> Settings {
    let mut env = HashMap::from([("SERVER_PORT".to_string(), "0".to_string())]);
    match t.postgres_url() {
        Some(url) => {
            env.insert("POSTGRES_URL".into(), url);
            env.insert(
                "ELIZA_DATA_DIR".into(),
                std::env::temp_dir().display().to_string(),
            );
        }
        None => {
            let dir = t.sqlite_dir().unwrap().display().to_string();
            env.insert("ELIZA_DATA_DIR".into(), dir);
        }
    }
    Settings::from_sources(None, &env).unwrap()
}

async fn eliza_answers_each_message_once(backend: Backend) {
    let Some(t) = TestDb::open(backend, false).await else {
        return;
    };
    let app = Application::build(settings(&t)).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let handle = app.shutdown_handle();
    let running = actix_web::rt::spawn(app.run_until_stopped());
    let client = awc::Client::default();

    let mut res = client
        .get(format!(
            "{base}/api/messaging/dm-channel?currentUserId={USER}&targetUserId={ELIZA}"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let channel = res.json::<Value>().await.unwrap()["data"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let url = format!("{base}/api/messaging/channels/{channel}/messages");
    let lines = [
        "Hello",
        "I am unhappy",
        "My mother hates me",
        "Perhaps you are right",
    ];
    for (i, line) in lines.iter().enumerate() {
        let body = json!({"author_id": USER, "content": line,
                          "message_server_id": DEFAULT_SERVER, "transport": "http"});
        let mut res = client.post(&url).send_json(&body).await.unwrap();
        assert_eq!(res.status(), 201, "{line}");
        let body = res.json::<Value>().await.unwrap();
        let user_seq = body["userMessage"]["seq"].as_i64().unwrap();
        assert_eq!(user_seq, 2 * i as i64 + 1, "{body}");
        let reply = &body["agentResponse"];
        assert_eq!(reply["seq"].as_i64(), Some(user_seq + 1), "{body}");
        assert!(!reply["text"].as_str().unwrap().is_empty(), "{body}");
    }

    // Give a duplicate reply (if any) time to appear, then read the whole history.
    actix_web::rt::time::sleep(Duration::from_millis(300)).await;
    let mut res = client.get(format!("{url}?limit=200")).send().await.unwrap();
    let body = res.json::<Value>().await.unwrap();
    let messages = body["data"]["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2 * lines.len(), "{body}");
    let mut seqs: Vec<i64> = messages
        .iter()
        .map(|m| m["seq"].as_i64().unwrap())
        .collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=2 * lines.len() as i64).collect::<Vec<_>>());
    let from_eliza = messages.iter().filter(|m| m["authorId"] == ELIZA).count();
    assert_eq!(from_eliza, lines.len());

    handle.stop().await;
    running.await.unwrap().unwrap();
}

#[actix_web::test]
async fn eliza_answers_each_message_once_sqlite() {
    eliza_answers_each_message_once(Backend::Sqlite).await;
}

#[actix_web::test]
async fn eliza_answers_each_message_once_postgres() {
    eliza_answers_each_message_once(Backend::Postgres).await;
}
