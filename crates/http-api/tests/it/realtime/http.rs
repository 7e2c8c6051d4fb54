//! `/socket.io/` as plain HTTP: mounted outside `/api`, covered by CORS, not rate limited.

use agentd_http_api::{ApiSettings, CorsOrigins};
use agentd_storage::testing::TestDb;

use super::RtServer;

const HANDSHAKE: &str = "/socket.io/?EIO=4&transport=polling";

#[actix_web::test]
async fn polling_is_cors_covered_and_outside_the_api_rate_limit() {
    let settings = ApiSettings {
        cors_origins: CorsOrigins::List(vec!["http://ui.test".into()]),
        api_rate_limit: Some(2),
        ..ApiSettings::default()
    };
    let server = RtServer::start(settings, TestDb::sqlite().await).await;
    let client = awc::Client::default();
    let url = format!("{}{HANDSHAKE}", server.url);

    let preflight = client
        .request(actix_web::http::Method::OPTIONS, &url)
        .insert_header(("origin", "http://ui.test"))
        .insert_header(("access-control-request-method", "POST"))
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status().as_u16(), 204);
    assert_eq!(
        preflight
            .headers()
            .get("access-control-allow-origin")
            .unwrap(),
        "http://ui.test"
    );

    for _ in 0..5 {
        let mut res = client
            .get(&url)
            .insert_header(("origin", "http://ui.test"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200, "not limited like /api");
        assert_eq!(
            res.headers().get("access-control-allow-origin").unwrap(),
            "http://ui.test"
        );
        assert_eq!(
            res.headers()
                .get("access-control-allow-credentials")
                .unwrap(),
            "true"
        );
        let body = res.body().await.unwrap();
        assert!(body.starts_with(b"0{"), "an Engine.IO open packet");
    }
    let other = client
        .get(&url)
        .insert_header(("origin", "http://evil.test"))
        .send()
        .await
        .unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
    server.stop().await;
}

#[actix_web::test]
async fn post_logs_ignores_its_body() {
    let server = RtServer::start(ApiSettings::default(), TestDb::sqlite().await).await;
    let client = awc::Client::default();
    let mut res = client
        .post(format!("{}/api/server/logs?limit=5", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body["logs"].is_array());
    assert_eq!(body["levels"].as_array().unwrap().len(), 9);
    server.stop().await;
}
