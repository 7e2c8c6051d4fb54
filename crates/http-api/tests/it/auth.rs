//! API key: 401 family F without the right key, public probes, OPTIONS exempt.

use serde_json::json;

use crate::helpers::{spawn_app, with_key};

const KEY: &str = "s3cret-key-0123456789";

#[actix_web::test]
async fn api_needs_the_key_and_the_401_says_nothing_more() {
    let app = spawn_app(with_key(KEY)).await;
    let expected =
        json!({"error": "API key required", "message": "Missing or invalid X-API-KEY header"});
    let near_misses = [
        None,
        Some(""),
        Some("s3cret-key-012345678"),   // prefix
        Some("s3cret-key-0123456789x"), // longer
        Some("s3cret-key-0123456788"),  // same length, last byte differs
        Some("S3CRET-KEY-0123456789"),  // case
    ];
    for presented in near_misses {
        let headers: Vec<(&str, &str)> = presented.map(|k| ("X-API-KEY", k)).into_iter().collect();
        for path in ["/api/server/ping", "/api/nope"] {
            let r = app.get_with(path, &headers).await;
            assert_eq!(r.status, 401, "{presented:?} {path}");
            assert_eq!(r.body, expected);
            assert!(!r.raw.contains(KEY));
        }
    }
    let ok = app
        .get_with("/api/server/ping", &[("x-api-key", KEY)])
        .await;
    assert_eq!(ok.status, 200);
    let bearer = app
        .get_with(
            "/api/server/ping",
            &[("Authorization", &format!("Bearer {KEY}"))],
        )
        .await;
    assert_eq!(bearer.status, 401, "Bearer is not accepted, as in elizaOS");
    app.stop().await;
}

#[actix_web::test]
async fn probes_are_public_and_unknown_paths_need_the_key_first() {
    let app = spawn_app(with_key(KEY)).await;
    assert_eq!(app.get("/healthz").await.status, 200);
    assert_eq!(app.get("/health").await.status, 503);
    // The 404 is only for callers with the key: paths are not probeable without it.
    assert_eq!(app.get("/api/does-not-exist").await.status, 401);
    let r = app
        .get_with("/api/does-not-exist", &[("X-API-KEY", KEY)])
        .await;
    assert_eq!(r.status, 404);
    app.stop().await;
}

#[actix_web::test]
async fn without_a_key_the_api_is_open() {
    let app = spawn_app(agentd_http_api::ApiSettings::default()).await;
    assert_eq!(app.get("/api/server/ping").await.status, 200);
    app.stop().await;
}
