//! API rate limit: 429 envelope and `RateLimit-*` headers, keyed by the real client.

use std::time::Duration;

use agentd_http_api::{ApiSettings, IpNet};

use crate::helpers::{TestApp, spawn_app};

fn limited(limit: u32, trusted: &[&str]) -> ApiSettings {
    ApiSettings {
        api_rate_limit: Some(limit),
        rate_limit_window: Duration::from_secs(900),
        trusted_proxies: trusted.iter().map(|t| IpNet::parse(t).unwrap()).collect(),
        ..ApiSettings::default()
    }
}

async fn ping_from(app: &TestApp, xff: &str) -> crate::helpers::Reply {
    app.get_with("/api/server/ping", &[("X-Forwarded-For", xff)])
        .await
}

#[actix_web::test]
async fn the_limit_answers_429_with_headers() {
    let app = spawn_app(limited(3, &[])).await;
    for remaining in ["2", "1", "0"] {
        let r = app.get("/api/server/ping").await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("ratelimit-limit"), Some("3"));
        assert_eq!(r.header("ratelimit-remaining"), Some(remaining));
        assert_eq!(r.header("ratelimit-policy"), Some("3;w=900"));
        assert!(r.header("ratelimit-reset").is_some());
        assert_eq!(
            r.header("x-ratelimit-limit"),
            None,
            "governor's names are rewritten"
        );
    }
    let r = app.get("/api/server/ping").await;
    assert_eq!(r.status, 429);
    assert_eq!(
        r.body,
        serde_json::json!({"success": false, "error": {"code": "RATE_LIMIT_EXCEEDED", "message": "Too many requests. Please try again later."}})
    );
    assert_eq!(r.header("ratelimit-limit"), Some("3"));
    assert_eq!(r.header("ratelimit-remaining"), Some("0"));
    assert_eq!(r.header("ratelimit-policy"), Some("3;w=900"));
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
    assert!(r.header("ratelimit-reset").is_some());
    // Probes are outside the API limiter.
    assert_eq!(app.get("/healthz").await.status, 200);
    app.stop().await;
}

#[actix_web::test]
async fn no_limiter_no_headers() {
    let app = spawn_app(ApiSettings::default()).await;
    for _ in 0..20 {
        let r = app.get("/api/server/ping").await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("ratelimit-limit"), None);
    }
    app.stop().await;
}

#[actix_web::test]
async fn spoofed_forwarded_for_from_an_untrusted_peer_does_not_reset_the_counter() {
    let app = spawn_app(limited(3, &[])).await;
    for i in 0..3 {
        assert_eq!(ping_from(&app, &format!("1.2.3.{i}")).await.status, 200);
    }
    assert_eq!(ping_from(&app, "1.2.3.99").await.status, 429);
    assert_eq!(ping_from(&app, "5.6.7.8, 9.9.9.9").await.status, 429);
    app.stop().await;
}

#[actix_web::test]
async fn behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() {
    let app = spawn_app(limited(3, &["127.0.0.1"])).await;
    for _ in 0..3 {
        assert_eq!(ping_from(&app, "1.2.3.4").await.status, 200);
    }
    assert_eq!(ping_from(&app, "1.2.3.4").await.status, 429);
    // A different client behind the same proxy has its own counter.
    assert_eq!(ping_from(&app, "5.6.7.8").await.status, 200);
    // Prepending a fake hop does not help 1.2.3.4: the right-most untrusted hop is kept.
    assert_eq!(ping_from(&app, "9.9.9.9, 1.2.3.4").await.status, 429);
    app.stop().await;
}
