//! Media uploads and static serving on a real server writing real files.

mod audio;
mod fuzz;
mod limits;
mod serve;
mod upload;

use std::path::Path;

use agentd_http_api::ApiSettings;

use crate::helpers::{Reply, TestApp, spawn_app};

pub const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
pub const ELF: &[u8] = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0";

/// Small files of every kind the upload tests use, each padded past the sniffing window edge.
pub fn samples() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let pad = |head: &[u8]| {
        let mut v = head.to_vec();
        v.extend((0..5000u32).map(|i| (i % 251) as u8));
        v
    };
    vec![
        ("image/png", "png", pad(PNG)),
        (
            "image/jpeg",
            "jpg",
            pad(b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01"),
        ),
        (
            "application/pdf",
            "pdf",
            pad(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"),
        ),
        ("audio/mpeg", "mp3", pad(b"ID3\x04\0\0\0\0\0\0")),
        ("audio/wav", "wav", pad(b"RIFF\x24\0\0\0WAVEfmt \x10\0\0\0")),
        (
            "video/mp4",
            "mp4",
            pad(b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom"),
        ),
        (
            "text/plain",
            "txt",
            "héllo, world\n".repeat(100).into_bytes(),
        ),
    ]
}

/// One multipart part: field name, file name, declared type, bytes.
pub type Part<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [u8]);

/// A `multipart/form-data` body and its Content-Type.
pub fn multipart(parts: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = "----agentdTestBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, filename, ctype, data) in parts {
        body.extend(format!("--{boundary}\r\n").bytes());
        let mut cd = format!("Content-Disposition: form-data; name=\"{name}\"");
        if let Some(f) = filename {
            cd.push_str(&format!("; filename=\"{f}\""));
        }
        body.extend(cd.bytes());
        body.extend(b"\r\n");
        if let Some(t) = ctype {
            body.extend(format!("Content-Type: {t}\r\n").bytes());
        }
        body.extend(b"\r\n");
        body.extend_from_slice(data);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Posts one `file` part.
pub async fn upload(
    app: &TestApp,
    path: &str,
    filename: &str,
    ctype: Option<&str>,
    data: &[u8],
) -> Reply {
    let (ct, body) = multipart(&[("file", Some(filename), ctype, data)]);
    post(app, path, &ct, &body).await
}

/// Posts a prepared multipart body with a Content-Length.
pub async fn post(app: &TestApp, path: &str, content_type: &str, body: &[u8]) -> Reply {
    let req = app
        .client
        .post(app.url(path))
        .insert_header(("content-type", content_type));
    app.send(req, Some(body)).await
}

/// Every file under `dir`, recursively (temp files included).
pub fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A server over a migrated database (uploads are recorded there).
pub async fn migrated_app(settings: ApiSettings) -> TestApp {
    let app = spawn_app(settings).await;
    app.db.migrate().await.unwrap();
    app
}

/// A server with no upload rate limits and the given file limit.
pub async fn media_app(max_file_size: u64) -> TestApp {
    let mut s = ApiSettings::default();
    s.media.max_file_size = max_file_size;
    s.media.upload_rate_limit = None;
    s.media.file_rate_limit = None;
    migrated_app(s).await
}
