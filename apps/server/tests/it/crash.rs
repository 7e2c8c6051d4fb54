//! Crash safety of message posting: the real binary is killed with SIGKILL while 4 writers
//! post; after a restart on the same data every acknowledged message is there exactly once
//! and `seq` continues without reuse. On SQLite and PostgreSQL.

use std::cell::RefCell;
use std::collections::HashSet;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::rc::Rc;
use std::time::{Duration, Instant};

use agentd_storage::Backend;
use agentd_storage::testing::TestDb;
use serde_json::{Value, json};
use uuid::Uuid;

const WRITERS: usize = 4;
const DEFAULT_SERVER: &str = "00000000-0000-0000-0000-000000000000";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(t: &TestDb, port: u16) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_agentd"));
    cmd.env_remove("RUST_LOG")
        .env_remove("POSTGRES_URL")
        .env_remove("DATABASE_URL")
        .env_remove("ELIZA_SERVER_AUTH_TOKEN")
        .env("SERVER_HOST", "127.0.0.1")
        .env("SERVER_PORT", port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    match t.postgres_url() {
        Some(url) => {
            let dir = std::env::temp_dir();
            cmd.env("POSTGRES_URL", url).env("ELIZA_DATA_DIR", dir);
        }
        None => {
            cmd.env("ELIZA_DATA_DIR", t.sqlite_dir().unwrap());
        }
    }
    cmd.spawn().unwrap()
}

async fn wait_healthy(client: &awc::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await
            && r.status() == 200
        {
            return;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("agentd did not become healthy");
}

async fn post(client: &awc::Client, url: &str, body: &Value) -> Option<Value> {
    let mut r = client.post(url).send_json(body).await.ok()?;
    if !r.status().is_success() {
        return None;
    }
    r.json::<Value>().limit(1 << 20).await.ok()
}

async fn all_messages(client: &awc::Client, base: &str, c: &str) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    let mut before = String::new();
    loop {
        let url = format!("{base}/api/messaging/channels/{c}/messages?limit=200{before}");
        let mut r = client.get(url).send().await.unwrap();
        let v: Value = r.json().limit(10 << 20).await.unwrap();
        let page = v["data"]["messages"].as_array().unwrap().clone();
        let Some(last) = page.last() else { break };
        before = format!("&before_seq={}", last["seq"]);
        out.extend(page.iter().map(|m| {
            (
                m["id"].as_str().unwrap().to_owned(),
                m["seq"].as_i64().unwrap(),
            )
        }));
    }
    out
}

async fn killed_mid_stream_loses_and_duplicates_nothing(backend: Backend) {
    let Some(t) = TestDb::open(backend, false).await else {
        return;
    };
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = awc::Client::builder()
        .timeout(Duration::from_secs(10))
        .finish();
    let mut child = start(&t, port);
    wait_healthy(&client, &base).await;

    let mut channels = Vec::new();
    for _ in 0..WRITERS {
        let body = json!({"name": "crash", "message_server_id": DEFAULT_SERVER,
                          "participantCentralUserIds": [Uuid::new_v4()]});
        let v = post(&client, &format!("{base}/api/messaging/channels"), &body)
            .await
            .unwrap();
        channels.push(v["data"]["id"].as_str().unwrap().to_owned());
    }
    let acked: Rc<RefCell<Vec<(usize, String)>>> = Rc::default();
    let mut writers = Vec::new();
    for (w, c) in channels.iter().enumerate() {
        let (client, acked) = (client.clone(), acked.clone());
        let url = format!("{base}/api/messaging/channels/{c}/messages");
        writers.push(actix_web::rt::spawn(async move {
            let author = Uuid::new_v4();
            for i in 0.. {
                let body = json!({"author_id": author, "content": format!("{w}-{i}"),
                                  "message_server_id": DEFAULT_SERVER});
                match post(&client, &url, &body).await {
                    Some(v) => {
                        let id = v["userMessage"]["id"].as_str().unwrap().to_owned();
                        acked.borrow_mut().push((w, id));
                    }
                    None => return,
                }
            }
        }));
    }
    while acked.borrow().len() < 400 {
        actix_web::rt::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap(); // SIGKILL: no graceful shutdown, no flush.
    child.wait().unwrap();
    for w in writers {
        w.await.unwrap();
    }

    let mut child = start(&t, port);
    wait_healthy(&client, &base).await;
    let acked = acked.borrow().clone();
    for (w, c) in channels.iter().enumerate() {
        let stored = all_messages(&client, &base, c).await;
        let ids: Vec<&String> = stored.iter().map(|(id, _)| id).collect();
        let unique: HashSet<&String> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "no duplicates");
        for (_, id) in acked.iter().filter(|(ww, _)| *ww == w) {
            assert!(unique.contains(id), "acknowledged message {id} lost");
        }
        let mut seqs: Vec<i64> = stored.iter().map(|(_, s)| *s).collect();
        seqs.sort_unstable();
        let last = seqs.len() as i64;
        assert_eq!(seqs, (1..=last).collect::<Vec<_>>(), "seq gap-free");
        let body = json!({"author_id": Uuid::new_v4(), "content": "after restart",
                          "message_server_id": DEFAULT_SERVER});
        let url = format!("{base}/api/messaging/channels/{c}/messages");
        let v = post(&client, &url, &body).await.unwrap();
        assert_eq!(
            v["userMessage"]["seq"].as_i64(),
            Some(last + 1),
            "seq continues"
        );
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

#[actix_web::test]
async fn crash_safety_sqlite() {
    killed_mid_stream_loses_and_duplicates_nothing(Backend::Sqlite).await;
}

#[actix_web::test]
async fn crash_safety_postgres() {
    killed_mid_stream_loses_and_duplicates_nothing(Backend::Postgres).await;
}
