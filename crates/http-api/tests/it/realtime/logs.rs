//! The log ring buffer through `log_stream` and `/api/server/logs`.

use agentd_http_api::ApiSettings;
use agentd_http_api::realtime::logs::LogLayer;
use agentd_storage::testing::TestDb;
use serde_json::{Value, json};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use super::{Ids, RtServer, node_available, run_node};

const KEY: &str = "rt-log-key";

fn install_layer() {
    let _ = tracing_subscriber::registry()
        .with(LogLayer::global())
        .try_init();
}

fn with_key() -> ApiSettings {
    ApiSettings {
        auth_token: Some(agentd_http_api::Secret::new(KEY)),
        ..ApiSettings::default()
    }
}

#[actix_web::test]
async fn log_stream_requires_the_key_and_sends_each_record_once() {
    if !node_available("log_stream_requires_the_key_and_sends_each_record_once") {
        return;
    }
    install_layer();
    let server = RtServer::start(with_key(), TestDb::sqlite().await).await;
    let mut config = Ids::new().config();
    config["apiKey"] = json!(KEY);
    run_node("logs", &server.url, "default", config).await;
    server.stop().await;
}

async fn get(client: &awc::Client, url: &str, key: Option<&str>) -> (u16, Value) {
    let mut req = client.get(url);
    if let Some(key) = key {
        req = req.insert_header(("x-api-key", key));
    }
    let mut res = req.send().await.unwrap();
    let body = res
        .json::<Value>()
        .limit(1 << 22)
        .await
        .unwrap_or(Value::Null);
    (res.status().as_u16(), body)
}

#[actix_web::test]
async fn http_logs_filter_by_agent_and_level_and_clear() {
    install_layer();
    let server = RtServer::start(with_key(), TestDb::sqlite().await).await;
    let client = awc::Client::default();
    let marker = uuid::Uuid::new_v4().to_string();
    tracing::info!(agentName = "Eliza", agent.id = "a-1", marker = %marker, "eliza says hi");
    tracing::warn!(agentName = "Doctor", marker = %marker, "doctor warns");
    tracing::error!(marker = %marker, "plain error");

    let base = format!("{}/api/server/logs", server.url);
    let (status, _) = get(&client, &base, None).await;
    assert_eq!(
        status, 401,
        "the logs route needs the key like every /api route"
    );

    let (status, all) = get(&client, &format!("{base}?limit=1000"), Some(KEY)).await;
    assert_eq!(status, 200);
    let mine = |body: &Value| -> Vec<Value> {
        body["logs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["msg"].as_str().unwrap_or("").contains(&marker))
            .cloned()
            .collect()
    };
    assert_eq!(mine(&all).len(), 3, "each event is recorded once: {all}");
    assert_eq!(all["levels"][0], "fatal");
    assert_eq!(all["requestedLevel"], "all");
    assert!(all["total"].as_u64().unwrap() >= 3);

    let (_, eliza) = get(&client, &format!("{base}?agentName=Eliza"), Some(KEY)).await;
    let eliza = mine(&eliza);
    assert_eq!(eliza.len(), 1);
    assert_eq!(eliza[0]["agentName"], "Eliza");
    assert_eq!(eliza[0]["agentId"], "a-1");
    assert_eq!(eliza[0]["level"], 30);
    let (_, by_id) = get(&client, &format!("{base}?agentId=a-1"), Some(KEY)).await;
    assert_eq!(mine(&by_id).len(), 1);
    let (_, warn) = get(&client, &format!("{base}?level=warn"), Some(KEY)).await;
    let warn = mine(&warn);
    assert_eq!(warn.len(), 1);
    assert_eq!(
        warn[0]["msg"].as_str().unwrap().split(' ').next(),
        Some("doctor")
    );
    let (_, limited) = get(&client, &format!("{base}?limit=1&level=error"), Some(KEY)).await;
    assert_eq!(limited["count"], 1);
    let (_, future) = get(&client, &format!("{base}?since=99999999999999"), Some(KEY)).await;
    assert_eq!(future["count"], 0);
    let (status, _) = get(
        &client,
        &format!("{base}?since=abc&limit=-4&level=%ZZ"),
        Some(KEY),
    )
    .await;
    assert_eq!(status, 200, "bad query values fall back to defaults");

    let mut res = client
        .delete(&base)
        .insert_header(("x-api-key", KEY))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body,
        json!({"status": "success", "message": "Logs cleared successfully"})
    );
    let (_, after) = get(&client, &base, Some(KEY)).await;
    assert_eq!(mine(&after).len(), 0);
    server.stop().await;
}
