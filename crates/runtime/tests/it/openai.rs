//! The `openai` provider against a small local OpenAI-compatible fake server (the one
//! mock the project allows: hosted LLM APIs).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use agentd_bus::BusEvent;
use agentd_runtime::openai::OpenAiProvider;
use agentd_runtime::provider::{ChatMessage, Role};
use agentd_runtime::{GenerateRequest, ModelProvider, ProviderError};
use agentd_storage::prelude::*;
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use uuid::Uuid;

use crate::{Ctx, both, next_event};

/// What the fake answers, in order.
pub(crate) enum Answer {
    Json(u16, Value),
    Sse(Vec<&'static str>),
}

/// A request the fake received.
#[derive(Debug, Clone)]
pub(crate) struct Seen {
    pub(crate) head: String,
    pub(crate) body: Value,
}

/// A running fake: its base URL and the requests it saw.
pub(crate) struct Fake {
    pub(crate) url: String,
    pub(crate) seen: Arc<Mutex<Vec<Seen>>>,
}

/// Starts a fake answering `answers` in order.
pub(crate) async fn fake(answers: Vec<Answer>) -> Fake {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let answers = Arc::new(Mutex::new(VecDeque::from(answers)));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    tokio::spawn(async move {
        loop {
            let (s, _) = listener.accept().await.unwrap();
            serve(s, &answers, &record).await;
        }
    });
    Fake { url, seen }
}

/// Answers one request on `s` (plain or TLS) with the next queued answer.
pub(crate) async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    mut s: S,
    answers: &Mutex<VecDeque<Answer>>,
    record: &Mutex<Vec<Seen>>,
) {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 4096];
    let (head, body) = loop {
        let n = s.read(&mut tmp).await.unwrap();
        buf.extend_from_slice(&tmp[..n]);
        let text = String::from_utf8_lossy(&buf).to_string();
        if let Some(i) = text.find("\r\n\r\n") {
            let len: usize = text
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap())
                })
                .unwrap_or(0);
            if buf.len() >= i + 4 + len {
                break (
                    text[..i].to_owned(),
                    serde_json::from_slice(&buf[i + 4..i + 4 + len]).unwrap_or(Value::Null),
                );
            }
        }
    };
    record.lock().unwrap().push(Seen { head, body });
    let answer = answers.lock().unwrap().pop_front();
    match answer {
        Some(Answer::Json(status, v)) => {
            let b = v.to_string();
            let r = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{b}",
                b.len()
            );
            s.write_all(r.as_bytes()).await.unwrap();
        }
        Some(Answer::Sse(deltas)) => {
            s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n").await.unwrap();
            let mut events: Vec<String> = deltas
                .iter()
                .map(|d| {
                    format!(
                        "data: {}\n\n",
                        json!({"choices": [{"delta": {"content": d}}]})
                    )
                })
                .collect();
            events.push("data: [DONE]\n\n".into());
            for e in events {
                s.write_all(format!("{:x}\r\n{e}\r\n", e.len()).as_bytes())
                    .await
                    .unwrap();
                s.flush().await.unwrap();
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            s.write_all(b"0\r\n\r\n").await.unwrap();
        }
        None => {}
    }
    let _ = s.shutdown().await;
}

fn provider(url: &str) -> OpenAiProvider {
    let settings = json!({"OPENAI_BASE_URL": url, "OPENAI_LARGE_MODEL": "m1", "secrets": {"OPENAI_API_KEY": "sk-test"}});
    OpenAiProvider::from_settings(&settings, &|_| None)
        .unwrap()
        .with_timeout(Duration::from_secs(5))
}

pub(crate) fn request() -> GenerateRequest {
    GenerateRequest {
        agent_id: Uuid::new_v4(),
        conversation_id: Uuid::new_v4(),
        system: "You are Ada.".into(),
        messages: vec![ChatMessage {
            role: Role::User,
            name: "u".into(),
            content: "hi".into(),
        }],
    }
}

fn completion(text: &str) -> Answer {
    Answer::Json(
        200,
        json!({"choices": [{"message": {"role": "assistant", "content": text}}]}),
    )
}

#[tokio::test]
async fn generates_with_the_configured_model_key_and_prompt() {
    let f = fake(vec![completion("Hello there")]).await;
    let text = provider(&f.url).generate(&request()).await.unwrap();
    assert_eq!(text, "Hello there");
    let seen = f.seen.lock().unwrap()[0].clone();
    assert!(
        seen.head.starts_with("POST /v1/chat/completions HTTP/1.1"),
        "{}",
        seen.head
    );
    assert!(seen.head.contains("Authorization: Bearer sk-test"));
    assert_eq!(seen.body["model"], "m1");
    assert_eq!(seen.body["stream"], false);
    assert_eq!(
        seen.body["messages"],
        json!([{"role": "system", "content": "You are Ada."}, {"role": "user", "content": "hi"}])
    );
}

#[tokio::test]
async fn streams_chunks_in_order() {
    let f = fake(vec![Answer::Sse(vec!["Hel", "lo", ", world"])]).await;
    let chunks = Arc::new(Mutex::new(Vec::new()));
    let sink = chunks.clone();
    let on_chunk = move |c: &str| sink.lock().unwrap().push(c.to_owned());
    let text = provider(&f.url)
        .generate_stream(&request(), &on_chunk)
        .await
        .unwrap();
    assert_eq!(text, "Hello, world");
    assert_eq!(*chunks.lock().unwrap(), ["Hel", "lo", ", world"]);
    assert_eq!(f.seen.lock().unwrap()[0].body["stream"], true);
}

#[tokio::test]
async fn retries_busy_and_failing_answers_then_maps_errors_to_codes() {
    let f = fake(vec![
        Answer::Json(429, json!({})),
        Answer::Json(503, json!({})),
        completion("ok"),
    ])
    .await;
    assert_eq!(provider(&f.url).generate(&request()).await.unwrap(), "ok");
    assert_eq!(f.seen.lock().unwrap().len(), 3);

    let f = fake(vec![
        Answer::Json(429, json!({})),
        Answer::Json(429, json!({})),
        Answer::Json(429, json!({})),
    ])
    .await;
    let e = provider(&f.url).generate(&request()).await.unwrap_err();
    assert_eq!(
        (e.clone(), e.code()),
        (ProviderError::RateLimited, "MODEL_RATE_LIMITED")
    );

    let f = fake(vec![Answer::Json(
        401,
        json!({"error": {"message": "bad key"}}),
    )])
    .await;
    let e = provider(&f.url).generate(&request()).await.unwrap_err();
    assert_eq!(e.code(), "MODEL_ERROR");
    assert!(e.to_string().contains("API key"), "{e}");
    assert_eq!(
        f.seen.lock().unwrap().len(),
        1,
        "an auth failure is not retried"
    );

    let f = fake(vec![Answer::Json(
        400,
        json!({"error": {"message": "model unknown"}}),
    )])
    .await;
    let e = provider(&f.url).generate(&request()).await.unwrap_err();
    assert!(e.to_string().contains("model unknown"), "{e}");
}

#[tokio::test]
async fn embeds_transcribes_and_speaks() {
    let f = fake(vec![
        Answer::Json(200, json!({"data": [{"embedding": [0.5, -1.0]}]})),
        Answer::Json(200, json!({"text": "hello there"})),
        Answer::Json(200, json!("mp3-bytes")),
    ])
    .await;
    let p = provider(&f.url);
    assert_eq!(p.embed("x").await.unwrap(), vec![0.5, -1.0]);
    assert_eq!(
        p.transcribe(b"RIFF....WAVE", "audio/wav").await.unwrap(),
        "hello there"
    );
    assert_eq!(p.speak("hi").await.unwrap(), b"\"mp3-bytes\"".to_vec());
    let seen = f.seen.lock().unwrap().clone();
    assert!(
        seen[1].head.starts_with("POST /v1/audio/transcriptions "),
        "{}",
        seen[1].head
    );
    assert!(
        seen[1]
            .head
            .contains("Content-Type: multipart/form-data; boundary=")
    );
    assert_eq!(seen[2].body["input"], "hi");
    let e = agentd_runtime::ElizaProvider::new()
        .embed("x")
        .await
        .unwrap_err();
    assert_eq!(e.code(), "MODEL_NOT_SUPPORTED");
    assert!(
        e.to_string()
            .contains("not supported by the eliza provider"),
        "{e}"
    );
}

#[tokio::test]
async fn configuration_comes_from_settings_then_environment() {
    let env = |k: &str| (k == "OPENAI_BASE_URL").then(|| "http://127.0.0.1:9/v1".to_owned());
    assert!(OpenAiProvider::from_settings(&json!({}), &env).is_ok());
    // The default endpoint is api.openai.com over TLS.
    assert!(OpenAiProvider::from_settings(&json!({}), &|_| None).is_ok());
    let err = OpenAiProvider::from_settings(&json!({"OPENAI_BASE_URL": "ftp://x"}), &|_| None)
        .unwrap_err();
    assert!(err.contains("https://"), "{err}");
    let bad_ca = json!({"OPENAI_CA_CERT": "not a certificate"});
    let err = OpenAiProvider::from_settings(&bad_ca, &|_| None).unwrap_err();
    assert!(err.contains("CA"), "{err}");
    let env = |k: &str| (k == "OPENAI_CA_FILE").then(|| "/nonexistent/ca.pem".to_owned());
    let err = OpenAiProvider::from_settings(&json!({}), &env).unwrap_err();
    assert!(err.contains("OPENAI_CA_FILE"), "{err}");
}

async fn an_agent_streams_its_reply_through_the_bus(c: Ctx) {
    let f = fake(vec![Answer::Sse(vec!["Good ", "morning", "!"])]).await;
    let agent = c
        .agent(
            "Ada",
            json!({"modelProvider": "openai", "OPENAI_BASE_URL": f.url}),
        )
        .await;
    let user = Uuid::new_v4();
    let ch = c.channel("DM", &[user, agent.id]).await;
    c.manager.start(agent.id).await.unwrap();
    let mut sub = c.bus.subscribe();
    c.say(ch.id, user, "hello").await;
    let mut chunks = Vec::new();
    let reply_id = loop {
        match next_event(&mut sub, |e| {
            matches!(
                e,
                BusEvent::MessageStreamChunk { .. } | BusEvent::NewMessage { .. }
            )
        })
        .await
        {
            BusEvent::MessageStreamChunk {
                index,
                chunk,
                message_id,
                agent_id,
                ..
            } => {
                assert_eq!(agent_id, agent.id, "chunks name their agent");
                chunks.push((index, chunk, message_id));
            }
            BusEvent::NewMessage {
                author_id,
                message_id,
                ..
            } if author_id == agent.id => break message_id,
            _ => {}
        }
    };
    assert_eq!(
        chunks
            .iter()
            .map(|(i, c, _)| (*i, c.as_str()))
            .collect::<Vec<_>>(),
        [(0, "Good "), (1, "morning"), (2, "!")]
    );
    assert!(
        chunks.iter().all(|(_, _, id)| *id == reply_id),
        "chunks carry the reply's id"
    );
    assert_eq!(
        c.t.get_message(reply_id).await.unwrap().content,
        "Good morning!"
    );
    c.manager.shutdown().await;
}
both!(an_agent_streams_its_reply_through_the_bus);
