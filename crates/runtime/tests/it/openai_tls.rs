//! The `openai` provider over https: a local TLS fake with a self-signed certificate made
//! at test time, trusted through `OPENAI_CA_CERT` / `OPENAI_CA_FILE`.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use agentd_runtime::ModelProvider;
use agentd_runtime::openai::OpenAiProvider;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::json;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use super::openai::{Answer, Seen, request, serve};

/// A TLS fake for `localhost` answering `answers` in order; returns its URL, the PEM of
/// its certificate and the requests it saw.
async fn tls_fake(answers: Vec<Answer>) -> (String, String, Arc<Mutex<Vec<Seen>>>) {
    let ck = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let pem = ck.cert.pem();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(ck.signing_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![ck.cert.der().clone()], key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let answers = Arc::new(Mutex::new(VecDeque::from(answers)));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    tokio::spawn(async move {
        loop {
            let (tcp, _) = listener.accept().await.unwrap();
            // A refused handshake (an untrusting client) is not the fake's failure.
            if let Ok(s) = acceptor.accept(tcp).await {
                serve(s, &answers, &record).await;
            }
        }
    });
    (format!("https://localhost:{port}/v1"), pem, seen)
}

fn sse() -> Answer {
    Answer::Sse(vec!["Sec", "ure", " hello"])
}

#[tokio::test]
async fn streams_chunks_in_order_over_https_with_an_extra_root() {
    let (url, pem, seen) = tls_fake(vec![sse()]).await;
    let settings = json!({"OPENAI_BASE_URL": url, "OPENAI_CA_CERT": pem,
        "secrets": {"OPENAI_API_KEY": "sk-tls"}});
    let p = OpenAiProvider::from_settings(&settings, &|_| None)
        .unwrap()
        .with_timeout(Duration::from_secs(5));
    let chunks = Arc::new(Mutex::new(Vec::new()));
    let sink = chunks.clone();
    let on_chunk = move |c: &str| sink.lock().unwrap().push(c.to_owned());
    let text = p.generate_stream(&request(), &on_chunk).await.unwrap();
    assert_eq!(text, "Secure hello");
    assert_eq!(*chunks.lock().unwrap(), ["Sec", "ure", " hello"]);
    let seen = seen.lock().unwrap()[0].clone();
    assert!(seen.head.contains("Authorization: Bearer sk-tls"));
    assert_eq!(seen.body["stream"], true);
}

#[tokio::test]
async fn the_ca_file_comes_from_the_environment() {
    let (url, pem, _) = tls_fake(vec![sse()]).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ca.pem");
    std::fs::write(&path, pem).unwrap();
    let path = path.to_string_lossy().into_owned();
    let env = move |k: &str| (k == "OPENAI_CA_FILE").then(|| path.clone());
    let p = OpenAiProvider::from_settings(&json!({"OPENAI_BASE_URL": url}), &env)
        .unwrap()
        .with_timeout(Duration::from_secs(5));
    let text = p.generate_stream(&request(), &|_| {}).await.unwrap();
    assert_eq!(text, "Secure hello");
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused() {
    let (url, _, seen) = tls_fake(vec![sse(), sse(), sse()]).await;
    let p = OpenAiProvider::from_settings(&json!({"OPENAI_BASE_URL": url}), &|_| None)
        .unwrap()
        .with_timeout(Duration::from_secs(5));
    let err = p.generate(&request()).await.unwrap_err();
    assert!(err.to_string().contains("cannot reach"), "{err}");
    assert!(seen.lock().unwrap().is_empty());
}
