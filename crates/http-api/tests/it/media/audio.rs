//! `/api/audio`: ELIZA has no audio (501 `MODEL_NOT_SUPPORTED`); an OpenAI-compatible provider
//! against a local fake server transcribes and speaks. Uploads are sniffed and size-limited;
//! only transcription uploads count against the upload limits.

use std::net::TcpListener;

use actix_web::{App, HttpResponse, HttpServer, web};
use agentd_core::model::Agent;
use agentd_http_api::ApiSettings;
use agentd_storage::prelude::*;
use serde_json::{Value, json};
use uuid::Uuid;

use super::{ELF, media_app, migrated_app, multipart, post};
use crate::helpers::{Reply, TestApp};

const WAV: &[u8] =
    b"RIFF\x24\0\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0\x40\x1f\0\0\x80\x3e\0\0\x02\0\x10\0data\0\0\0\0";

/// A fake OpenAI-compatible server: fixed transcription, WAV speech, a one-line reply.
fn fake_openai() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let server = HttpServer::new(|| {
        App::new()
            .route(
                "/v1/audio/transcriptions",
                web::post().to(|| async { HttpResponse::Ok().json(json!({"text": "hello from audio"})) }),
            )
            .route(
                "/v1/audio/speech",
                web::post().to(|| async { HttpResponse::Ok().content_type("audio/wav").body(WAV) }),
            )
            .route(
                "/v1/chat/completions",
                web::post().to(|| async {
                    HttpResponse::Ok().json(json!({"choices": [{"message": {"role": "assistant", "content": "I hear you"}}]}))
                }),
            )
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    actix_web::rt::spawn(server);
    url
}

async fn started(app: &TestApp, settings: Value) -> Uuid {
    let mut a = Agent::new(Uuid::new_v4(), "voice", agentd_storage::types::now());
    a.settings = settings;
    app.db.ensure_default_server().await.unwrap();
    app.db.create_agent(&a).await.unwrap();
    let req = app
        .client
        .post(app.url(&format!("/api/agents/{}/start", a.id)));
    let r = app
        .send(
            req.insert_header(("content-type", "application/json")),
            Some(b"{}"),
        )
        .await;
    assert!(r.status < 300, "{}", r.raw);
    a.id
}

async fn json_post(app: &TestApp, path: &str, body: Value) -> Reply {
    let req = app
        .client
        .post(app.url(path))
        .insert_header(("content-type", "application/json"));
    app.send(req, Some(body.to_string().as_bytes())).await
}

fn family_a(r: &Reply, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", r.raw);
    assert_eq!(r.body["success"], false, "{}", r.raw);
    assert_eq!(r.body["error"]["code"], code, "{}", r.raw);
}

async fn upload_wav(app: &TestApp, path: &str, data: &[u8], ctype: Option<&str>) -> Reply {
    let (ct, body) = multipart(&[
        ("format", None, None, b"mp3"),
        ("file", Some("a.wav"), ctype, data),
    ]);
    post(app, path, &ct, &body).await
}

#[actix_web::test]
async fn eliza_has_no_audio_and_inputs_are_validated() {
    let app = media_app(1024).await;
    let agent = started(&app, json!({})).await;
    for p in ["audio-messages", "transcriptions"] {
        let path = format!("/api/audio/{agent}/{p}");
        family_a(
            &upload_wav(&app, &path, WAV, Some("audio/wav")).await,
            501,
            "MODEL_NOT_SUPPORTED",
        );
        family_a(
            &upload_wav(&app, &path, ELF, Some("audio/wav")).await,
            415,
            "INVALID_FILE_TYPE",
        );
        let (ct, body) = multipart(&[("file", Some("a.png"), Some("image/png"), super::PNG)]);
        family_a(
            &post(&app, &path, &ct, &body).await,
            415,
            "INVALID_FILE_TYPE",
        );
        let big = [WAV, &[0u8; 2048][..]].concat();
        family_a(
            &upload_wav(&app, &path, &big, None).await,
            413,
            "FILE_TOO_LARGE",
        );
        let (ct, body) = multipart(&[("other", None, None, b"x")]);
        family_a(&post(&app, &path, &ct, &body).await, 400, "INVALID_REQUEST");
        family_a(
            &json_post(&app, &path, json!({})).await,
            400,
            "INVALID_REQUEST",
        );
        let stranger = format!("/api/audio/{}/{p}", Uuid::new_v4());
        family_a(
            &upload_wav(&app, &stranger, WAV, None).await,
            404,
            "NOT_FOUND",
        );
        family_a(
            &upload_wav(&app, &format!("/api/audio/nope/{p}"), WAV, None).await,
            400,
            "INVALID_ID",
        );
    }
    for p in [
        "audio-messages/synthesize",
        "speech/generate",
        "speech/conversation",
    ] {
        let path = format!("/api/audio/{agent}/{p}");
        family_a(
            &json_post(&app, &path, json!({"text": "hi"})).await,
            501,
            "MODEL_NOT_SUPPORTED",
        );
        family_a(
            &json_post(&app, &path, json!({})).await,
            400,
            "INVALID_REQUEST",
        );
        let long = "a".repeat(5000);
        family_a(
            &json_post(&app, &path, json!({"text": long})).await,
            400,
            "INVALID_REQUEST",
        );
    }
    app.stop().await;
}

#[actix_web::test]
async fn an_openai_compatible_provider_transcribes_and_speaks() {
    let app = media_app(1 << 20).await;
    let base = fake_openai();
    let agent = started(
        &app,
        json!({"modelProvider": "openai", "OPENAI_BASE_URL": base, "secrets": {"OPENAI_API_KEY": "sk-test"}}),
    )
    .await;
    let r = upload_wav(
        &app,
        &format!("/api/audio/{agent}/transcriptions"),
        WAV,
        Some("audio/wav"),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(
        r.body,
        json!({"success": true, "data": {"text": "hello from audio"}})
    );
    let r = upload_wav(
        &app,
        &format!("/api/audio/{agent}/audio-messages"),
        WAV,
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(r.body["data"]["transcription"], "hello from audio");
    assert_eq!(
        r.body["data"]["message"],
        "Audio transcribed, further processing TBD."
    );
    for p in [
        "audio-messages/synthesize",
        "speech/generate",
        "speech/conversation",
    ] {
        let r = json_post(
            &app,
            &format!("/api/audio/{agent}/{p}"),
            json!({"text": "hi"}),
        )
        .await;
        assert_eq!(r.status, 200, "{p}: {}", r.raw);
        assert_eq!(r.header("content-type"), Some("audio/wav"));
        // `raw` is lossy UTF-8: compare the RIFF header and the length.
        assert!(r.raw.starts_with("RIFF"), "{p}");
        let len = WAV.len().to_string();
        assert_eq!(r.header("content-length"), Some(len.as_str()));
    }
    app.stop().await;
}

#[actix_web::test]
async fn only_transcription_uploads_count_against_the_upload_limit() {
    let mut s = ApiSettings::default();
    s.media.upload_rate_limit = Some(2);
    s.media.file_rate_limit = None;
    let app = migrated_app(s).await;
    let agent = started(&app, json!({})).await;
    for _ in 0..5 {
        let r = json_post(
            &app,
            &format!("/api/audio/{agent}/speech/generate"),
            json!({"text": "x"}),
        )
        .await;
        family_a(&r, 501, "MODEL_NOT_SUPPORTED");
    }
    let path = format!("/api/audio/{agent}/transcriptions");
    for _ in 0..2 {
        family_a(
            &upload_wav(&app, &path, WAV, None).await,
            501,
            "MODEL_NOT_SUPPORTED",
        );
    }
    family_a(
        &upload_wav(&app, &path, WAV, None).await,
        429,
        "UPLOAD_RATE_LIMIT_EXCEEDED",
    );
    app.stop().await;
}
