//! Static media: every accepted type served back byte-identical with safe headers, ranges,
//! ETags, and no path outside the media directory ever reachable.

use std::io::{Read, Write};
use std::net::TcpStream;

use uuid::Uuid;

use super::{media_app, samples, upload};

#[actix_web::test]
async fn every_accepted_type_round_trips_with_its_headers() {
    let app = media_app(1 << 20).await;
    let agent = Uuid::new_v4();
    let path = format!("/api/media/agents/{agent}/upload-media");
    for (mime, ext, data) in samples() {
        let r = upload(&app, &path, &format!("f.{ext}"), Some(mime), &data).await;
        assert_eq!(r.status, 200, "{mime}: {}", r.raw);
        let url = r.body["data"]["url"].as_str().unwrap();
        assert!(url.ends_with(&format!(".{ext}")), "{url}");
        let req = app.client.get(app.url(url));
        let mut res = req.send().await.unwrap();
        let body = res.body().limit(1 << 20).await.unwrap();
        assert_eq!(res.status().as_u16(), 200, "{mime}");
        assert_eq!(body.as_ref(), data.as_slice(), "{mime} is byte-identical");
        let h = |n: &str| {
            res.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let ctype = h("content-type").unwrap();
        assert_eq!(ctype.split(';').next(), Some(mime), "{ctype}");
        assert_eq!(h("x-content-type-options").as_deref(), Some("nosniff"));
        assert_eq!(h("cache-control").as_deref(), Some("public, max-age=86400"));
        let disposition = h("content-disposition").unwrap();
        let inline = !matches!(ext, "pdf" | "txt");
        assert_eq!(
            disposition.starts_with("inline"),
            inline,
            "{mime}: {disposition}"
        );
        assert_eq!(
            disposition.starts_with("attachment"),
            !inline,
            "{mime}: {disposition}"
        );
        let etag = h("etag").unwrap();
        let again = app
            .client
            .get(app.url(url))
            .insert_header(("if-none-match", etag.as_str()))
            .send()
            .await
            .unwrap();
        assert_eq!(again.status().as_u16(), 304, "{mime}");
    }
    app.stop().await;
}

#[actix_web::test]
async fn audio_and_video_answer_ranges() {
    let app = media_app(1 << 20).await;
    let channel = Uuid::new_v4();
    let path = format!("/api/messaging/channels/{channel}/upload-media");
    for (mime, ext, data) in samples()
        .into_iter()
        .filter(|s| s.0.starts_with("audio") || s.0.starts_with("video"))
    {
        let r = upload(&app, &path, &format!("f.{ext}"), Some(mime), &data).await;
        let url = r.body["data"]["url"].as_str().unwrap().to_owned();
        assert!(url.starts_with(&format!("/media/uploads/channels/{channel}/")));
        let mut res = app
            .client
            .get(app.url(&url))
            .insert_header(("range", "bytes=10-19"))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 206, "{mime}");
        let total = data.len();
        assert_eq!(
            res.headers()
                .get("content-range")
                .unwrap()
                .to_str()
                .unwrap(),
            format!("bytes 10-19/{total}")
        );
        let body = res.body().await.unwrap();
        assert_eq!(body.as_ref(), &data[10..20]);
        let res = app
            .client
            .get(app.url(&url))
            .insert_header(("range", format!("bytes={}-", total + 10)))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 416, "{mime}");
    }
    app.stop().await;
}

/// A raw request line, so no client normalises the path first.
fn raw_get(addr: std::net::SocketAddr, target: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, text)
}

#[actix_web::test]
async fn traversal_never_reaches_a_file_outside() {
    let app = media_app(1 << 20).await;
    let agent = Uuid::new_v4();
    let dir = app.media_root.join(format!("uploads/agents/{agent}"));
    std::fs::create_dir_all(&dir).unwrap();
    // Planted files: one in the agent's directory under a name we did not generate, one
    // above the media root.
    std::fs::write(dir.join("secret.txt"), "SECRET-IN-DIR").unwrap();
    let outside = app.media_root.parent().unwrap().join("outside.txt");
    std::fs::write(&outside, "SECRET-OUTSIDE").unwrap();
    let valid = format!("{}.txt", Uuid::new_v4());
    let targets = [
        format!("/media/uploads/agents/{agent}/secret.txt"),
        format!("/media/uploads/agents/{agent}/../../../../outside.txt"),
        format!("/media/uploads/agents/{agent}/..%2f..%2f..%2f..%2foutside.txt"),
        format!("/media/uploads/agents/{agent}/%2e%2e%2f%2e%2e%2foutside.txt"),
        format!("/media/uploads/agents/{agent}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/outside.txt"),
        format!("/media/uploads/agents/{agent}/{valid}%00.png"),
        "/media/uploads/agents/..%2f..%2f..%2f/outside.txt".to_owned(),
        "/media/uploads/agents/%2fetc%2fpasswd/x".to_owned(),
        "/media/generated/../../outside.txt".to_owned(),
        format!("/media/generated/{agent}/..%5c..%5coutside.txt"),
        format!("/media/uploads/channels/{agent}/{valid}"),
        format!("//etc/passwd/{valid}"),
    ];
    for t in &targets {
        let (status, text) = raw_get(app.addr, t);
        assert!(matches!(status, 400 | 404), "{t}: {status}");
        assert!(!text.contains("SECRET"), "{t} leaked: {text}");
    }
    let (status, text) = raw_get(app.addr, &format!("/media/uploads/agents/nope/{valid}"));
    assert_eq!(status, 400);
    assert!(text.contains("Invalid agent ID format"));
    app.stop().await;
}
