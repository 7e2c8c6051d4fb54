//! Calling a running agent's model provider from a route (title generation, audio): the
//! lookup, a deadline, and the mapping of provider errors to stable API errors, so an
//! unsupported capability is a 501 with a code and a slow model never hangs a request.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use agentd_core::ErrorCode;
use agentd_runtime::{ModelProvider, ProviderError};
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;

/// How long a route waits for a model before answering `MODEL_TIMEOUT` (below the 30 s
/// HTTP request timeout, so the client gets our error rather than a dropped connection).
pub const MODEL_DEADLINE: Duration = Duration::from_secs(25);

/// The provider of `agent` when it runs in this process.
pub async fn provider_of(state: &AppState, agent: Uuid) -> Option<Arc<dyn ModelProvider>> {
    state.agent_manager().provider(agent).await
}

/// A provider failure as an API error (family A; callers may change the envelope):
/// unsupported → 501 `MODEL_NOT_SUPPORTED`, timeout → 504, busy → 503, else 500
/// `MODEL_ERROR` with the cause logged, not sent.
pub fn provider_error(e: ProviderError) -> ApiError {
    match e {
        ProviderError::Unsupported { .. } => {
            ApiError::new(ErrorCode::ModelNotSupported, e.to_string())
        }
        ProviderError::Timeout => ApiError::new(ErrorCode::ModelTimeout, e.to_string()),
        ProviderError::RateLimited => ApiError::new(ErrorCode::ServiceUnavailable, e.to_string()),
        ProviderError::Failed(_) => ApiError::opaque(ErrorCode::ModelError, e),
    }
}

/// Runs a provider call with [`MODEL_DEADLINE`]; running out of time is `Timeout`.
pub async fn with_deadline<T>(
    call: impl Future<Output = Result<T, ProviderError>>,
) -> Result<T, ProviderError> {
    actix_web::rt::time::timeout(MODEL_DEADLINE, call)
        .await
        .unwrap_or(Err(ProviderError::Timeout))
}
