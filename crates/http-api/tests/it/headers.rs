//! Security headers on every response, by environment.

use agentd_http_api::middleware::headers::{DEV_CSP, HSTS, PROD_CSP};
use agentd_http_api::{ApiSettings, Environment};

use crate::helpers::{spawn_app, with_key};

#[actix_web::test]
async fn development_headers_on_success_404_and_401() {
    let app = spawn_app(with_key("k")).await;
    let replies = [
        app.get_with("/api/server/ping", &[("X-API-KEY", "k")])
            .await,
        app.get_with("/api/nope", &[("X-API-KEY", "k")]).await,
        app.get("/api/server/ping").await,
        app.get("/healthz").await,
        app.get("/not-a-page").await,
    ];
    for r in &replies {
        assert_eq!(r.header("content-security-policy"), Some(DEV_CSP));
        assert_eq!(r.header("strict-transport-security"), None);
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(r.header("x-frame-options"), Some("SAMEORIGIN"));
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(
            r.header("cross-origin-resource-policy"),
            Some("cross-origin")
        );
        assert_eq!(r.header("x-powered-by"), None);
    }
    assert_eq!(replies[0].status, 200);
    assert_eq!(replies[1].status, 404);
    assert_eq!(replies[2].status, 401);
    app.stop().await;
}

#[actix_web::test]
async fn production_gets_the_strict_csp_and_hsts() {
    let app = spawn_app(ApiSettings {
        environment: Environment::Production,
        ..ApiSettings::default()
    })
    .await;
    for path in ["/api/server/ping", "/healthz"] {
        let r = app.get(path).await;
        assert_eq!(r.header("content-security-policy"), Some(PROD_CSP));
        // No inline script; eval stays because the web UI cannot start without it.
        let script = PROD_CSP
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src "))
            .unwrap();
        assert!(!script.contains("unsafe-inline"), "{script}");
        assert_eq!(r.header("strict-transport-security"), Some(HSTS));
    }
    app.stop().await;
}
