//! The `openai` provider: any OpenAI-compatible endpoint (chat completions, streaming over
//! server-sent events, embeddings), with timeouts and retries with backoff on 429/5xx.
//!
//! Configured per agent in character settings, falling back to the server's environment:
//! `OPENAI_BASE_URL`, `OPENAI_API_KEY` (preferably in `settings.secrets`),
//! `OPENAI_LARGE_MODEL`, `OPENAI_EMBEDDING_MODEL`. The key is read when the agent starts
//! and never stored into the agent.
//!
//! `https://` endpoints are verified against the webpki (Mozilla) roots plus, for
//! self-hosted endpoints, extra PEM roots: `OPENAI_CA_CERT` (the PEM text, settings or
//! environment) or `OPENAI_CA_FILE` (a path, server environment only, so an API client
//! cannot make the server read files).

mod http;

use std::time::Duration;

use serde_json::{Value, json};

use crate::provider::{BoxFuture, GenerateRequest, ModelProvider, ProviderError, Role};
use http::{Endpoint, Response, post, tls_connector};
use tokio_rustls::TlsConnector;

/// Used when neither the settings nor the environment name a base URL.
const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
const DEFAULT_CHAT_MODEL: &str = "gpt-4o-mini";
const DEFAULT_EMBEDDING_MODEL: &str = "text-embedding-3-small";
const DEFAULT_TRANSCRIPTION_MODEL: &str = "whisper-1";
const DEFAULT_TTS_MODEL: &str = "gpt-4o-mini-tts";
const DEFAULT_TTS_VOICE: &str = "alloy";
/// The multipart boundary of transcription uploads (never inside the JSON-free fields).
const BOUNDARY: &str = "agentd-7f3c9b1e4d2a";
/// Attempts per call (the first and up to two retries).
const ATTEMPTS: u32 = 3;
/// The first retry waits this long; each later one twice as long.
const BACKOFF: Duration = Duration::from_millis(250);
/// A call (or, when streaming, the wait for each piece) that takes longer fails.
const TIMEOUT: Duration = Duration::from_secs(60);

/// An OpenAI-compatible endpoint.
pub struct OpenAiProvider {
    endpoint: Endpoint,
    tls: Option<TlsConnector>,
    api_key: Option<String>,
    chat_model: String,
    embedding_model: String,
    transcription_model: String,
    tts_model: String,
    tts_voice: String,
    timeout: Duration,
}

impl std::fmt::Debug for OpenAiProvider {
    /// Never prints the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAiProvider")
            .field("endpoint", &self.endpoint)
            .field("chat_model", &self.chat_model)
            .finish_non_exhaustive()
    }
}

impl OpenAiProvider {
    /// The name used in character settings.
    pub const NAME: &'static str = "openai";

    /// A provider from character settings, with `env` as the fallback for each key.
    pub fn from_settings(
        settings: &Value,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, String> {
        let get = |key: &str| {
            settings
                .pointer(&format!("/secrets/{key}"))
                .or_else(|| settings.get(key))
                .and_then(Value::as_str)
                .map(str::to_owned)
                .filter(|s| !s.is_empty())
                .or_else(|| env(key))
        };
        let base = get("OPENAI_BASE_URL").unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        let endpoint = Endpoint::parse(&base).map_err(|e| format!("openai provider: {e}"))?;
        let tls = if endpoint.tls {
            let extra = match (get("OPENAI_CA_CERT"), env("OPENAI_CA_FILE")) {
                (Some(pem), _) => Some(pem.into_bytes()),
                (None, Some(path)) => Some(std::fs::read(&path).map_err(|e| {
                    format!("openai provider: cannot read OPENAI_CA_FILE {path}: {e}")
                })?),
                (None, None) => None,
            };
            Some(tls_connector(extra.as_deref()).map_err(|e| format!("openai provider: {e}"))?)
        } else {
            None
        };
        Ok(OpenAiProvider {
            endpoint,
            tls,
            api_key: get("OPENAI_API_KEY"),
            chat_model: get("OPENAI_LARGE_MODEL").unwrap_or_else(|| DEFAULT_CHAT_MODEL.into()),
            embedding_model: get("OPENAI_EMBEDDING_MODEL")
                .unwrap_or_else(|| DEFAULT_EMBEDDING_MODEL.into()),
            transcription_model: get("OPENAI_TRANSCRIPTION_MODEL")
                .unwrap_or_else(|| DEFAULT_TRANSCRIPTION_MODEL.into()),
            tts_model: get("OPENAI_TTS_MODEL").unwrap_or_else(|| DEFAULT_TTS_MODEL.into()),
            tts_voice: get("OPENAI_TTS_VOICE").unwrap_or_else(|| DEFAULT_TTS_VOICE.into()),
            timeout: TIMEOUT,
        })
    }

    /// Overrides the per-call timeout (tests use short ones).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn chat_body(&self, req: &GenerateRequest, stream: bool) -> Value {
        let mut messages = vec![json!({"role": "system", "content": req.system})];
        messages.extend(req.messages.iter().map(|m| {
            let role = match m.role {
                Role::User => "user",
                Role::Assistant => "assistant",
            };
            json!({"role": role, "content": m.content})
        }));
        json!({"model": self.chat_model, "messages": messages, "stream": stream})
    }

    /// POSTs with retries on connection failures, 429 and 5xx; returns a 2xx response.
    async fn call(&self, path: &str, body: &Value) -> Result<Response, ProviderError> {
        let bytes = serde_json::to_vec(body).map_err(|e| ProviderError::Failed(e.to_string()))?;
        self.call_raw(path, "application/json", &bytes).await
    }

    /// Like [`Self::call`] with a body of any type.
    async fn call_raw(
        &self,
        path: &str,
        content_type: &str,
        body: &[u8],
    ) -> Result<Response, ProviderError> {
        let mut last = ProviderError::Failed("no attempt made".into());
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(BACKOFF * 2u32.pow(attempt - 1)).await;
            }
            let sent = tokio::time::timeout(
                self.timeout,
                post(
                    &self.endpoint,
                    self.tls.as_ref(),
                    path,
                    self.api_key.as_deref(),
                    content_type,
                    body,
                ),
            )
            .await;
            let mut res = match sent {
                Err(_) => {
                    last = ProviderError::Timeout;
                    continue;
                }
                Ok(Err(e)) => {
                    last = ProviderError::Failed(format!("cannot reach the model: {e}"));
                    continue;
                }
                Ok(Ok(res)) => res,
            };
            match res.status {
                200..=299 => return Ok(res),
                429 => last = ProviderError::RateLimited,
                500..=599 => {
                    last = ProviderError::Failed(format!("model service error {}", res.status))
                }
                401 | 403 => {
                    return Err(ProviderError::Failed(
                        "the model service refused the API key".into(),
                    ));
                }
                s => {
                    let detail = res.bytes().await.ok().and_then(|b| {
                        serde_json::from_slice::<Value>(&b)
                            .ok()?
                            .pointer("/error/message")?
                            .as_str()
                            .map(String::from)
                    });
                    return Err(ProviderError::Failed(format!(
                        "the model service answered {s}{}",
                        detail.map(|d| format!(": {d}")).unwrap_or_default()
                    )));
                }
            }
        }
        Err(last)
    }

    async fn json(&self, path: &str, body: &Value) -> Result<Value, ProviderError> {
        let res = self.call(path, body).await?;
        let bytes = self.read_all(res).await?;
        serde_json::from_slice(&bytes)
            .map_err(|_| ProviderError::Failed("the answer is not JSON".into()))
    }

    async fn read_all(&self, mut res: Response) -> Result<Vec<u8>, ProviderError> {
        tokio::time::timeout(self.timeout, res.bytes())
            .await
            .map_err(|_| ProviderError::Timeout)?
            .map_err(|e| ProviderError::Failed(format!("reading the answer: {e}")))
    }
}

/// A `multipart/form-data` body with text fields and one file.
fn multipart(fields: &[(&str, &str)], file: (&str, &str, &[u8])) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in fields {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    let (filename, mime, bytes) = file;
    out.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: {mime}\r\n\r\n"
        )
        .as_bytes(),
    );
    out.extend_from_slice(bytes);
    out.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    out
}

/// A file name the transcription service accepts for this MIME type.
fn audio_file_name(mime: &str) -> String {
    let ext = match mime.split(';').next().unwrap_or("").trim() {
        "audio/mpeg" | "audio/mp3" => "mp3",
        "audio/wav" | "audio/x-wav" | "audio/wave" => "wav",
        "audio/ogg" => "ogg",
        "audio/webm" => "webm",
        "audio/mp4" | "audio/aac" => "m4a",
        "audio/flac" => "flac",
        _ => "bin",
    };
    format!("audio.{ext}")
}

fn malformed() -> ProviderError {
    ProviderError::Failed("unexpected answer shape".into())
}

impl ModelProvider for OpenAiProvider {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn generate<'a>(
        &'a self,
        req: &'a GenerateRequest,
    ) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            let v = self
                .json("/chat/completions", &self.chat_body(req, false))
                .await?;
            v.pointer("/choices/0/message/content")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(malformed)
        })
    }

    fn generate_stream<'a>(
        &'a self,
        req: &'a GenerateRequest,
        on_chunk: &'a (dyn Fn(&str) + Send + Sync),
    ) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            let mut res = self
                .call("/chat/completions", &self.chat_body(req, true))
                .await?;
            let (mut pending, mut text) = (Vec::<u8>::new(), String::new());
            loop {
                let piece = tokio::time::timeout(self.timeout, res.next_bytes())
                    .await
                    .map_err(|_| ProviderError::Timeout)?
                    .map_err(|e| ProviderError::Failed(format!("stream broken: {e}")))?;
                let Some(piece) = piece else { return Ok(text) };
                pending.extend_from_slice(&piece);
                while let Some(nl) = pending.iter().position(|b| *b == b'\n') {
                    let line: Vec<u8> = pending.drain(..=nl).collect();
                    let line = String::from_utf8_lossy(&line);
                    let Some(data) = line.trim().strip_prefix("data:") else {
                        continue;
                    };
                    let data = data.trim();
                    if data == "[DONE]" {
                        return Ok(text);
                    }
                    let v: Value = serde_json::from_str(data).map_err(|_| malformed())?;
                    if let Some(delta) = v
                        .pointer("/choices/0/delta/content")
                        .and_then(Value::as_str)
                        && !delta.is_empty()
                    {
                        on_chunk(delta);
                        text.push_str(delta);
                    }
                }
            }
        })
    }

    fn transcribe<'a>(
        &'a self,
        audio: &'a [u8],
        mime: &'a str,
    ) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            let name = audio_file_name(mime);
            let body = multipart(
                &[("model", &self.transcription_model)],
                (&name, mime, audio),
            );
            let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
            let res = self
                .call_raw("/audio/transcriptions", &content_type, &body)
                .await?;
            let v: Value = serde_json::from_slice(&self.read_all(res).await?)
                .map_err(|_| ProviderError::Failed("the answer is not JSON".into()))?;
            v.get("text")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(malformed)
        })
    }

    fn speak<'a>(&'a self, text: &'a str) -> BoxFuture<'a, Result<Vec<u8>, ProviderError>> {
        Box::pin(async move {
            let body = json!({"model": self.tts_model, "input": text, "voice": self.tts_voice, "response_format": "mp3"});
            let res = self.call("/audio/speech", &body).await?;
            self.read_all(res).await
        })
    }

    fn embed<'a>(&'a self, text: &'a str) -> BoxFuture<'a, Result<Vec<f32>, ProviderError>> {
        Box::pin(async move {
            let body = json!({"model": self.embedding_model, "input": text});
            let v = self.json("/embeddings", &body).await?;
            v.pointer("/data/0/embedding")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_f64)
                        .map(|f| f as f32)
                        .collect()
                })
                .ok_or_else(malformed)
        })
    }
}
