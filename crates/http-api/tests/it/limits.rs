//! Content-Type check (400 `INVALID_CONTENT_TYPE`) and body limit (413 `PAYLOAD_TOO_LARGE`).

use agentd_http_api::ApiSettings;

use crate::helpers::spawn_app;

#[actix_web::test]
async fn bodies_must_declare_a_parsed_type() {
    let app = spawn_app(ApiSettings::default()).await;
    let post = |ct: &'static str| {
        app.client
            .post(app.url("/api/server/ping"))
            .insert_header(("Content-Type", ct))
    };
    let r = app.send(post("text/plain"), Some(b"hello")).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["success"], false);
    assert_eq!(r.body["error"]["code"], "INVALID_CONTENT_TYPE");

    for ct in [
        "application/json; charset=utf-8",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
    ] {
        let r = app.send(post(ct), Some(b"{}")).await;
        assert_eq!(r.status, 404, "{ct} passes the check and reaches routing");
    }
    // No body, no check.
    let r = app.send(post("text/plain"), Some(b"")).await;
    assert_eq!(r.status, 404);
    // Outside /api there is no check.
    let r = app
        .send(
            app.client
                .post(app.url("/elsewhere"))
                .insert_header(("Content-Type", "text/plain")),
            Some(b"x"),
        )
        .await;
    assert_eq!(r.status, 404);
    app.stop().await;
}

#[actix_web::test]
async fn bodies_over_the_limit_are_413_in_the_envelope() {
    let app = spawn_app(ApiSettings {
        max_payload: 1024,
        ..ApiSettings::default()
    })
    .await;
    let big = vec![b' '; 2048];
    for method in ["POST", "PUT", "PATCH"] {
        let req = app
            .client
            .request(method.parse().unwrap(), app.url("/api/server/ping"))
            .insert_header(("Content-Type", "application/json"));
        let r = app.send(req, Some(&big)).await;
        assert_eq!(r.status, 413, "{method}");
        assert_eq!(
            r.body,
            serde_json::json!({"success": false, "error": {"code": "PAYLOAD_TOO_LARGE", "message": "Request body is too large"}})
        );
    }
    let small = app
        .send(
            app.client
                .post(app.url("/api/server/ping"))
                .insert_header(("Content-Type", "application/json")),
            Some(b"{}"),
        )
        .await;
    assert_eq!(small.status, 404);
    app.stop().await;
}
