//! CORS: same-origin by default, configured origins reflected with credentials, `*` without,
//! unknown origins never reflected; preflight answered 204 before auth.

use agentd_http_api::{ApiSettings, CorsOrigins};

use crate::helpers::spawn_app;

const UI: &str = "https://ui.example";
const EVIL: &str = "https://evil.example";

fn listed() -> ApiSettings {
    ApiSettings {
        cors_origins: CorsOrigins::List(vec![UI.into()]),
        auth_token: Some(agentd_http_api::Secret::new("k")),
        ..ApiSettings::default()
    }
}

#[actix_web::test]
async fn same_origin_mode_reflects_nothing() {
    let app = spawn_app(ApiSettings::default()).await;
    let r = app.get_with("/api/server/ping", &[("Origin", EVIL)]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), None);
    assert_eq!(r.header("access-control-allow-credentials"), None);
    app.stop().await;
}

#[actix_web::test]
async fn listed_origins_are_reflected_and_others_are_not() {
    let app = spawn_app(listed()).await;
    let r = app
        .get_with("/api/server/ping", &[("Origin", UI), ("X-API-KEY", "k")])
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), Some(UI));
    assert_eq!(r.header("access-control-allow-credentials"), Some("true"));
    assert!(r.header("vary").unwrap_or("").contains("Origin"));
    assert!(
        r.header("access-control-expose-headers")
            .unwrap()
            .contains("RateLimit-Remaining")
    );

    let r = app
        .get_with("/api/server/ping", &[("Origin", EVIL), ("X-API-KEY", "k")])
        .await;
    assert_eq!(r.header("access-control-allow-origin"), None);
    assert_eq!(r.header("access-control-allow-credentials"), None);
    // Even the 401 carries the CORS answer, so a browser can read why it failed.
    let r = app.get_with("/api/server/ping", &[("Origin", UI)]).await;
    assert_eq!(r.status, 401);
    assert_eq!(r.header("access-control-allow-origin"), Some(UI));
    app.stop().await;
}

#[actix_web::test]
async fn any_origin_never_comes_with_credentials() {
    let app = spawn_app(ApiSettings {
        cors_origins: CorsOrigins::Any,
        ..ApiSettings::default()
    })
    .await;
    let r = app.get_with("/api/server/ping", &[("Origin", EVIL)]).await;
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(r.header("access-control-allow-credentials"), None);
    app.stop().await;
}

#[actix_web::test]
async fn preflight_is_answered_before_auth() {
    let app = spawn_app(listed()).await;
    let preflight = |origin: &str| {
        app.client
            .request(
                actix_web::http::Method::OPTIONS,
                app.url("/api/server/ping"),
            )
            .insert_header(("Origin", origin.to_string()))
            .insert_header(("Access-Control-Request-Method", "POST"))
            .insert_header(("Access-Control-Request-Headers", "content-type,x-api-key"))
    };
    let r = app.send(preflight(UI), None).await;
    assert_eq!(r.status, 204, "no key needed for a preflight");
    assert_eq!(r.header("access-control-allow-origin"), Some(UI));
    assert_eq!(
        r.header("access-control-allow-methods"),
        Some("GET,POST,PUT,DELETE,PATCH,OPTIONS")
    );
    let allowed = r.header("access-control-allow-headers").unwrap();
    for h in ["Content-Type", "Authorization", "X-API-KEY", "X-Entity-Id"] {
        assert!(allowed.contains(h), "{h} in {allowed}");
    }
    assert_eq!(r.header("access-control-max-age"), Some("86400"));

    let r = app.send(preflight(EVIL), None).await;
    assert_eq!(r.status, 204);
    assert_eq!(r.header("access-control-allow-origin"), None);
    assert_eq!(r.header("access-control-allow-methods"), None);
    app.stop().await;
}
