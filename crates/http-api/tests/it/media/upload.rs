//! Upload routes: shapes, content sniffing, refusals and the streaming size limit.

use agentd_storage::prelude::*;
use futures_util::stream;
use serde_json::json;
use uuid::Uuid;

use super::{ELF, PNG, files_under, media_app, multipart, post, upload};

#[actix_web::test]
async fn a_png_for_an_agent_has_the_exact_shape_and_metadata() {
    let app = media_app(1 << 20).await;
    let agent = Uuid::new_v4();
    let path = format!("/api/media/agents/{agent}/upload-media");
    let r = upload(&app, &path, "cat.png", Some("image/png"), PNG).await;
    assert_eq!(r.status, 200, "{}", r.raw);
    let data = &r.body["data"];
    let filename = data["filename"].as_str().unwrap();
    assert_eq!(filename.len(), 40, "{filename}");
    assert!(filename.ends_with(".png"));
    assert_eq!(
        r.body,
        json!({"success": true, "data": {
            "url": format!("/media/uploads/agents/{agent}/{filename}"),
            "type": "image",
            "filename": filename,
            "originalName": "cat.png",
            "size": PNG.len(),
        }})
    );
    let on_disk = app
        .media_root
        .join(format!("uploads/agents/{agent}/{filename}"));
    assert_eq!(std::fs::read(on_disk).unwrap(), PNG);
    let row = app.db.get_upload_by_stored_name(filename).await.unwrap();
    assert_eq!(row.mime, "image/png");
    assert_eq!(row.size, PNG.len() as i64);
    assert_eq!(row.sha256.len(), 64);
    assert_eq!(row.original_name, "cat.png");
    app.stop().await;
}

#[actix_web::test]
async fn channel_uploads_answer_family_b_with_the_mime_type() {
    let app = media_app(1 << 20).await;
    let channel = Uuid::new_v4();
    for prefix in ["/api/messaging", "/api/media"] {
        let path = format!("{prefix}/channels/{channel}/upload-media");
        let r = upload(&app, &path, "notes.txt", Some("text/plain"), b"hello\n").await;
        assert_eq!(r.status, 200, "{}", r.raw);
        let filename = r.body["data"]["filename"].as_str().unwrap();
        assert!(filename.ends_with(".txt"));
        assert_eq!(r.body["data"]["type"], "text/plain");
        assert_eq!(
            r.body["data"]["url"],
            format!("/media/uploads/channels/{channel}/{filename}")
        );
        assert_eq!(r.body["data"]["size"], 6);
    }
    let r = upload(
        &app,
        "/api/messaging/channels/nope/upload-media",
        "a.txt",
        None,
        b"x",
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.body,
        json!({"success": false, "error": "Invalid channelId format"})
    );
    app.stop().await;
}

#[actix_web::test]
async fn text_named_html_is_stored_as_txt_and_served_as_a_plain_attachment() {
    let app = media_app(1 << 20).await;
    let agent = Uuid::new_v4();
    let path = format!("/api/media/agents/{agent}/upload-media");
    let r = upload(&app, &path, "x.html", Some("text/plain"), b"just words").await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert!(
        r.body["data"]["filename"]
            .as_str()
            .unwrap()
            .ends_with(".txt")
    );
    assert_eq!(r.body["data"]["originalName"], "x.html");
    let got = app.get(r.body["data"]["url"].as_str().unwrap()).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.raw, "just words");
    assert_eq!(
        got.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(got.header("x-content-type-options"), Some("nosniff"));
    assert!(
        got.header("content-disposition")
            .unwrap()
            .starts_with("attachment")
    );
    app.stop().await;
}

#[actix_web::test]
async fn dangerous_or_unknown_content_is_415_and_leaves_nothing() {
    let app = media_app(1 << 20).await;
    let agent = Uuid::new_v4();
    let path = format!("/api/media/agents/{agent}/upload-media");
    let random: Vec<u8> = (0..300u32).map(|i| (i * 151 % 256) as u8).collect();
    let html = b"<!DOCTYPE html><script>alert(1)</script>".as_slice();
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".as_slice();
    let cases: [(&str, Option<&str>, &[u8], &str); 8] = [
        ("a.out", None, ELF, "UNSUPPORTED_MEDIA_TYPE"),
        ("x.png", Some("image/png"), ELF, "UNSUPPORTED_MEDIA_TYPE"),
        ("x.html", Some("text/html"), html, "UNSUPPORTED_MEDIA_TYPE"),
        ("x.png", Some("image/png"), html, "UNSUPPORTED_MEDIA_TYPE"),
        (
            "x.svg",
            Some("image/svg+xml"),
            svg,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        ("x.png", Some("text/plain"), svg, "UNSUPPORTED_MEDIA_TYPE"),
        ("r.bin", None, &random, "UNSUPPORTED_MEDIA_TYPE"),
        ("x.jpg", Some("image/jpeg"), PNG, "INVALID_FILE_TYPE"),
    ];
    for (name, ctype, data, code) in cases {
        let r = upload(&app, &path, name, ctype, data).await;
        assert_eq!(r.status, 415, "{name} {ctype:?}: {}", r.raw);
        assert_eq!(r.body["success"], false);
        assert_eq!(r.body["error"]["code"], code, "{name} {ctype:?}");
    }
    // A PNG named .html is a PNG.
    let r = upload(&app, &path, "evil.html", None, PNG).await;
    assert_eq!(r.status, 200);
    assert!(
        r.body["data"]["filename"]
            .as_str()
            .unwrap()
            .ends_with(".png")
    );
    assert_eq!(
        files_under(&app.media_root).len(),
        1,
        "only the PNG is on disk"
    );
    app.stop().await;
}

#[actix_web::test]
async fn client_mistakes_are_4xx_never_500() {
    let app = media_app(1 << 20).await;
    let agent = Uuid::new_v4();
    let path = format!("/api/media/agents/{agent}/upload-media");
    let (ct, body) = multipart(&[("other", None, None, b"x")]);
    let r = post(&app, &path, &ct, &body).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error"]["code"], "INVALID_REQUEST");
    let r = upload(&app, &path, "empty.txt", Some("text/plain"), b"").await;
    assert_eq!(r.status, 400, "{}", r.raw);
    let (ct, body) = multipart(&[
        ("file", Some("a.png"), None, PNG),
        ("file", Some("b.png"), None, PNG),
    ]);
    let r = post(&app, &path, &ct, &body).await;
    assert_eq!(r.status, 400);
    let r = post(&app, &path, "multipart/form-data; boundary=x", b"garbage").await;
    assert_eq!(r.status, 400, "{}", r.raw);
    let r = upload(
        &app,
        "/api/media/agents/not-a-uuid/upload-media",
        "a.png",
        None,
        PNG,
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error"]["code"], "INVALID_ID");
    // A NUL in a part header is a malformed body; the name sanitizer's own tests cover NUL.
    let r = upload(&app, &path, "a\u{0}.png", None, PNG).await;
    assert_eq!(r.status, 400, "{}", r.raw);
    let weird = format!("..\\../\u{202E}gnp.exe{}", "x".repeat(300));
    let r = upload(&app, &path, &weird, None, PNG).await;
    assert_eq!(r.status, 200, "{}", r.raw);
    let kept = r.body["data"]["originalName"].as_str().unwrap();
    assert!(kept.starts_with("gnp.exexx"), "{kept}");
    assert_eq!(kept.chars().count(), 200);
    assert_eq!(files_under(&app.media_root).len(), 1);
    app.stop().await;
}

#[actix_web::test]
async fn the_size_limit_holds_with_and_without_content_length() {
    let limit = 2048u64;
    let app = media_app(limit).await;
    let agent = Uuid::new_v4();
    let path = format!("/api/media/agents/{agent}/upload-media");
    let text = |n: u64| vec![b'a'; n as usize];
    let r = upload(&app, &path, "ok.txt", None, &text(limit)).await;
    assert_eq!(r.status, 200, "exactly the limit is accepted: {}", r.raw);
    let r = upload(&app, &path, "big.txt", None, &text(limit + 1)).await;
    assert_eq!(r.status, 413, "{}", r.raw);
    assert_eq!(r.body["error"]["code"], "FILE_TOO_LARGE");
    // Far over: refused from Content-Length alone.
    let r = upload(&app, &path, "huge.txt", None, &text(200 * 1024)).await;
    assert_eq!(r.status, 413);
    // Chunked, no Content-Length: refused by the streaming count.
    let (ct, body) = multipart(&[("file", Some("c.txt"), None, &text(100 * 1024))]);
    let chunks: Vec<Result<actix_web::web::Bytes, std::io::Error>> = body
        .chunks(1000)
        .map(|c| Ok(actix_web::web::Bytes::copy_from_slice(c)))
        .collect();
    let req = app
        .client
        .post(app.url(&path))
        .insert_header(("content-type", ct.as_str()));
    let mut res = req.send_stream(stream::iter(chunks)).await.unwrap();
    assert_eq!(res.status().as_u16(), 413);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "FILE_TOO_LARGE");
    let left = files_under(&app.media_root);
    assert_eq!(
        left.len(),
        1,
        "only the accepted file, no partial or temp: {left:?}"
    );
    app.stop().await;
}
