//! The `openai` provider: any OpenAI-compatible endpoint (chat completions, streaming over
//! server-sent events, embeddings), with timeouts and retries with backoff on 429/5xx.
//!
//! Configured per agent in character settings, falling back to the server's environment:
//! `OPENAI_BASE_URL`, `OPENAI_API_KEY` (preferably in `settings.secrets`),
//! `OPENAI_LARGE_MODEL`, `OPENAI_EMBEDDING_MODEL`. The key is read when the agent starts
//! and never stored into the agent.

mod http;

use std::time::Duration;

use serde_json::{Value, json};

use crate::provider::{BoxFuture, GenerateRequest, ModelProvider, ProviderError, Role};
use http::{Endpoint, Response, post_json};

/// Used when neither the settings nor the environment name a base URL.
const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
const DEFAULT_CHAT_MODEL: &str = "gpt-4o-mini";
const DEFAULT_EMBEDDING_MODEL: &str = "text-embedding-3-small";
/// Attempts per call (the first and up to two retries).
const ATTEMPTS: u32 = 3;
/// The first retry waits this long; each later one twice as long.
const BACKOFF: Duration = Duration::from_millis(250);
/// A call (or, when streaming, the wait for each piece) that takes longer fails.
const TIMEOUT: Duration = Duration::from_secs(60);

/// An OpenAI-compatible endpoint.
pub struct OpenAiProvider {
    endpoint: Endpoint,
    api_key: Option<String>,
    chat_model: String,
    embedding_model: String,
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
        Ok(OpenAiProvider {
            endpoint: Endpoint::parse(&base).map_err(|e| format!("openai provider: {e}"))?,
            api_key: get("OPENAI_API_KEY"),
            chat_model: get("OPENAI_LARGE_MODEL").unwrap_or_else(|| DEFAULT_CHAT_MODEL.into()),
            embedding_model: get("OPENAI_EMBEDDING_MODEL")
                .unwrap_or_else(|| DEFAULT_EMBEDDING_MODEL.into()),
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
        let mut last = ProviderError::Failed("no attempt made".into());
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(BACKOFF * 2u32.pow(attempt - 1)).await;
            }
            let sent = tokio::time::timeout(
                self.timeout,
                post_json(&self.endpoint, path, self.api_key.as_deref(), body),
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
        let mut res = self.call(path, body).await?;
        let bytes = tokio::time::timeout(self.timeout, res.bytes())
            .await
            .map_err(|_| ProviderError::Timeout)?
            .map_err(|e| ProviderError::Failed(format!("reading the answer: {e}")))?;
        serde_json::from_slice(&bytes)
            .map_err(|_| ProviderError::Failed("the answer is not JSON".into()))
    }
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
