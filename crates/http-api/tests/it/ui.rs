//! Non-API paths: the web UI with its SPA fallback, agentd's own page without a
//! UI, 403 when the UI is disabled; content types, caching and path traversal.

use agentd_http_api::{ApiSettings, UiSettings};

use crate::helpers::{TestApp, spawn_app};

const INDEX: &str = "<!doctype html><html><body><div id=\"root\"></div></body></html>";
const MAIN_JS: &str = "console.log('main');";

/// A UI directory beside a secret file, with a symlink that points out of the UI.
struct UiDir {
    _top: tempfile::TempDir,
    ui: std::path::PathBuf,
}

fn ui_dir() -> UiDir {
    let top = tempfile::tempdir().unwrap();
    let ui = top.path().join("ui");
    std::fs::create_dir_all(ui.join("assets")).unwrap();
    std::fs::write(ui.join("index.html"), INDEX).unwrap();
    std::fs::write(ui.join("assets/main-CqTmsniN.js"), MAIN_JS).unwrap();
    std::fs::write(ui.join("assets/style-AbCd1234.css"), "body{}").unwrap();
    std::fs::write(ui.join("favicon.ico"), [0u8, 0, 1, 0]).unwrap();
    std::fs::write(ui.join(".env"), "SECRET=1").unwrap();
    std::fs::write(top.path().join("secret.txt"), "TOP SECRET").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(top.path(), ui.join("link")).unwrap();
    UiDir { _top: top, ui }
}

async fn app_with(ui: UiSettings) -> TestApp {
    spawn_app(ApiSettings {
        ui,
        ..ApiSettings::default()
    })
    .await
}

#[actix_web::test]
async fn the_ui_is_served_with_types_and_caching() {
    let dir = ui_dir();
    let app = app_with(UiSettings::Dir(dir.ui.clone())).await;

    let r = app.get("/").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.raw, INDEX);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(r.header("cache-control"), Some("no-cache"));
    assert!(r.header("content-security-policy").is_some());
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));

    let r = app.get("/assets/main-CqTmsniN.js").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.raw, MAIN_JS);
    assert_eq!(
        r.header("content-type"),
        Some("application/javascript; charset=utf-8")
    );
    assert_eq!(
        r.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert!(r.header("content-disposition").is_none());

    let r = app.get("/assets/style-AbCd1234.css").await;
    assert_eq!(r.header("content-type"), Some("text/css; charset=utf-8"));

    let r = app.get("/favicon.ico").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("image/x-icon"));
    assert_eq!(r.header("cache-control"), Some("public, max-age=3600"));

    let r = app
        .send(app.client.head(app.url("/assets/main-CqTmsniN.js")), None)
        .await;
    assert_eq!(r.status, 200);
    assert!(r.raw.is_empty());
    app.stop().await;
}

#[actix_web::test]
async fn client_routes_get_index_html_and_missing_modules_a_js_404() {
    let dir = ui_dir();
    let app = app_with(UiSettings::Dir(dir.ui.clone())).await;

    for path in [
        "/chat/5c2f7a7e-0000-4000-8000-000000000000",
        "/settings",
        "/a/b/c",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.raw, INDEX, "{path}");
    }
    let r = app.get("/assets/gone-12345678.js").await;
    assert_eq!(r.status, 404);
    assert_eq!(
        r.header("content-type"),
        Some("application/javascript; charset=utf-8")
    );
    assert_eq!(
        r.raw,
        "// JavaScript module not found: /assets/gone-12345678.js"
    );
    // API paths keep their family-H 404; other methods get a plain 404.
    let r = app.get("/api/nope").await;
    assert_eq!(r.body["error"]["code"], 404);
    let r = app.send(app.client.post(app.url("/chat")), None).await;
    assert_eq!(r.status, 404);
    app.stop().await;
}

#[actix_web::test]
async fn no_path_leaves_the_ui_directory() {
    let dir = ui_dir();
    let app = app_with(UiSettings::Dir(dir.ui.clone())).await;
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/assets/..%2f..%2fsecret.txt",
        "/assets/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/..%5csecret.txt",
        "/link/secret.txt",
        "/link/ui/index.html",
        "/.env",
        "/%2eenv",
        "/%00",
        "/%zz",
        "/%c0%ae%c0%ae/secret.txt",
    ] {
        let r = app.get(path).await;
        assert!(!r.raw.contains("SECRET"), "{path} leaked: {}", r.raw);
        assert!(
            r.status == 200 || r.status == 400 || r.status == 404,
            "{path}: {}",
            r.status
        );
        if r.status == 200 {
            assert_eq!(r.raw, INDEX, "{path}");
        }
    }
    app.stop().await;
}

#[actix_web::test]
async fn without_a_ui_the_root_says_how_to_get_it() {
    let app = app_with(UiSettings::Placeholder).await;
    let r = app.get("/").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(r.raw.contains("agentd"));
    assert!(r.raw.contains("cargo xtask ui"));
    assert_eq!(app.get("/chat/x").await.status, 404);
    assert_eq!(app.get("/api/server/ping").await.status, 200);
    app.stop().await;
}

#[actix_web::test]
async fn a_disabled_ui_answers_403_outside_the_api() {
    let app = app_with(UiSettings::Disabled).await;
    for path in ["/", "/chat/x", "/assets/main.js"] {
        let r = app.get(path).await;
        assert_eq!(r.status, 403, "{path}");
        assert_eq!(r.raw, "Forbidden");
    }
    assert_eq!(app.get("/api/server/ping").await.status, 200);
    assert_eq!(app.get("/healthz").await.status, 200);
    app.stop().await;
}

#[actix_web::test]
async fn the_env_routes_the_settings_page_calls_are_forbidden() {
    let app = spawn_app(ApiSettings::default()).await;
    let r = app.get("/api/system/env/local").await;
    assert_eq!(r.status, 403);
    assert_eq!(r.body["success"], false);
    assert_eq!(r.body["error"]["code"], "FORBIDDEN");
    let req = app
        .client
        .post(app.url("/api/system/env/local"))
        .insert_header(("content-type", "application/json"));
    let r = app.send(req, Some(br#"{"content":{"A":"1"}}"#)).await;
    assert_eq!(r.status, 403);
    assert_eq!(r.body["error"]["code"], "FORBIDDEN");
    app.stop().await;
}

#[actix_web::test]
async fn enabled_env_routes_read_and_write_only_their_env() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".env"), "A=1\n# note\nB='two'\n").unwrap();
    let app = spawn_app(ApiSettings {
        env_dir: Some(dir.path().to_path_buf()),
        ..ApiSettings::default()
    })
    .await;
    let r = app.get("/api/system/env/local").await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(r.body["data"], serde_json::json!({"A": "1", "B": "two"}));

    let post = |body: &'static str| {
        let req = app
            .client
            .post(app.url("/api/system/env/local"))
            .insert_header(("content-type", "application/json"));
        app.send(req, Some(body.as_bytes()))
    };
    let r = post(r#"{"content":{"A":"x\nEVIL=1","C":"say \"hi\""}}"#).await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(r.body["message"], "Local env updated");
    let text = std::fs::read_to_string(dir.path().join(".env")).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    let r = app.get("/api/system/env/local").await;
    assert_eq!(
        r.body["data"],
        serde_json::json!({"A": "x\nEVIL=1", "C": "say \"hi\""})
    );

    let r = post(r#"{"nothing":1}"#).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error"]["code"], "INVALID_INPUT");
    let r = post(r#"{"content":{"A=B":"x"}}"#).await;
    assert_eq!(r.status, 400);
    app.stop().await;
}
