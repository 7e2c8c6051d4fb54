//! Model providers: the one seam between agents and language models.
//!
//! Every capability is optional: a provider answers the ones it has and returns
//! [`ProviderError::Unsupported`] for the others, so callers report a clear error instead
//! of guessing. Methods return boxed futures so providers can be chosen per agent at run
//! time (`Arc<dyn ModelProvider>`).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use uuid::Uuid;

use crate::eliza::Eliza;

/// A boxed, sendable future: what provider methods return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Who said a line of the prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A user (or another agent).
    User,
    /// The agent itself.
    Assistant,
}

/// One line of conversation history.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatMessage {
    /// Who said it.
    pub role: Role,
    /// Their display name.
    pub name: String,
    /// What they said.
    pub content: String,
}

/// A text generation request: the composed system prompt and the recent history.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateRequest {
    /// The agent asking.
    pub agent_id: Uuid,
    /// The conversation (channel); stateful providers keep per-conversation state by it.
    pub conversation_id: Uuid,
    /// System prompt: character, bio, style, examples.
    pub system: String,
    /// History, oldest first; the last entry is the message to answer.
    pub messages: Vec<ChatMessage>,
}

/// Why a provider call failed; `code` is what reaches the channel.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProviderError {
    /// The provider does not have this capability.
    #[error("{capability} is not supported by the {provider} provider")]
    Unsupported {
        /// The provider.
        provider: &'static str,
        /// The capability asked for.
        capability: &'static str,
    },
    /// The model did not answer in time.
    #[error("the model did not answer in time")]
    Timeout,
    /// The model's service refused for now (rate limit, overload).
    #[error("the model service is busy; try again later")]
    RateLimited,
    /// Any other failure of the model call.
    #[error("model call failed: {0}")]
    Failed(String),
}

impl ProviderError {
    /// The stable code sent with `message_stream_error`.
    pub fn code(&self) -> &'static str {
        match self {
            ProviderError::Unsupported { .. } => "MODEL_NOT_SUPPORTED",
            ProviderError::Timeout => "MODEL_TIMEOUT",
            ProviderError::RateLimited => "MODEL_RATE_LIMITED",
            ProviderError::Failed(_) => "MODEL_ERROR",
        }
    }
}

fn unsupported<'a, T: Send + 'a>(
    provider: &'static str,
    capability: &'static str,
) -> BoxFuture<'a, Result<T, ProviderError>> {
    Box::pin(async move {
        Err(ProviderError::Unsupported {
            provider,
            capability,
        })
    })
}

/// A source of model capabilities for agents.
pub trait ModelProvider: Send + Sync + 'static {
    /// The provider's name as written in character settings (`modelProvider`).
    fn name(&self) -> &'static str;

    /// Whether the model follows the prompt's instructions, so it can choose the actions
    /// to run (`crate::choice`). A scripted provider answers false and gets the
    /// runtime's deterministic choice instead.
    fn selects_actions(&self) -> bool {
        true
    }

    /// The whole reply at once.
    fn generate<'a>(
        &'a self,
        _req: &'a GenerateRequest,
    ) -> BoxFuture<'a, Result<String, ProviderError>> {
        unsupported(self.name(), "text generation")
    }

    /// The reply in chunks, each passed to `on_chunk` in order; returns the whole text.
    /// By default one chunk: the result of [`ModelProvider::generate`].
    fn generate_stream<'a>(
        &'a self,
        req: &'a GenerateRequest,
        on_chunk: &'a (dyn Fn(&str) + Send + Sync),
    ) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            let text = self.generate(req).await?;
            on_chunk(&text);
            Ok(text)
        })
    }

    /// An embedding vector of `text`.
    fn embed<'a>(&'a self, _text: &'a str) -> BoxFuture<'a, Result<Vec<f32>, ProviderError>> {
        unsupported(self.name(), "embedding")
    }

    /// The text spoken in `audio` (of MIME type `mime`).
    fn transcribe<'a>(
        &'a self,
        _audio: &'a [u8],
        _mime: &'a str,
    ) -> BoxFuture<'a, Result<String, ProviderError>> {
        unsupported(self.name(), "transcription")
    }

    /// `text` as speech audio.
    fn speak<'a>(&'a self, _text: &'a str) -> BoxFuture<'a, Result<Vec<u8>, ProviderError>> {
        unsupported(self.name(), "speech")
    }
}

/// Conversations ELIZA keeps state for; beyond this the oldest state is forgotten.
const ELIZA_MAX_CONVERSATIONS: usize = 1024;

/// The default provider: ELIZA/DOCTOR, one conversation state per channel.
#[derive(Debug, Default)]
pub struct ElizaProvider {
    conversations: Mutex<HashMap<Uuid, Eliza>>,
}

impl ElizaProvider {
    /// The name used in character settings.
    pub const NAME: &'static str = "eliza";

    /// A provider with no conversation yet.
    pub fn new() -> Self {
        Self::default()
    }
}

impl ModelProvider for ElizaProvider {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    /// ELIZA only reflects the user's words; it cannot read a list of actions.
    fn selects_actions(&self) -> bool {
        false
    }

    fn generate<'a>(
        &'a self,
        req: &'a GenerateRequest,
    ) -> BoxFuture<'a, Result<String, ProviderError>> {
        let input = req
            .messages
            .iter()
            .rev()
            .find(|m| m.role == Role::User)
            .map_or("", |m| m.content.as_str());
        let reply = match self.conversations.lock() {
            Ok(mut map) => {
                if map.len() >= ELIZA_MAX_CONVERSATIONS && !map.contains_key(&req.conversation_id) {
                    map.clear();
                }
                map.entry(req.conversation_id).or_default().respond(input)
            }
            Err(_) => Eliza::new().respond(input),
        };
        Box::pin(async move { Ok(reply) })
    }
}

/// The provider names an agent may choose in `settings.modelProvider`.
pub const PROVIDERS: &[&str] = &[ElizaProvider::NAME, crate::openai::OpenAiProvider::NAME];

/// The provider an agent's settings ask for (`settings.modelProvider`, default `eliza`),
/// or an error naming the unknown provider. Provider keys missing from the settings are
/// looked up in the server's environment (read here, never stored into the agent).
pub fn provider_for(settings: &serde_json::Value) -> Result<Arc<dyn ModelProvider>, String> {
    provider_with_env(settings, &|k| {
        std::env::var(k).ok().filter(|v| !v.is_empty())
    })
}

/// [`provider_for`] with an explicit environment, for tests.
pub fn provider_with_env(
    settings: &serde_json::Value,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Arc<dyn ModelProvider>, String> {
    let name = settings
        .get("modelProvider")
        .and_then(|v| v.as_str())
        .unwrap_or(ElizaProvider::NAME);
    match name {
        ElizaProvider::NAME => Ok(Arc::new(ElizaProvider::new())),
        crate::openai::OpenAiProvider::NAME => Ok(Arc::new(
            crate::openai::OpenAiProvider::from_settings(settings, env)?,
        )),
        other => Err(format!(
            "Unknown model provider \"{other}\"; available: {}",
            PROVIDERS.join(", ")
        )),
    }
}
