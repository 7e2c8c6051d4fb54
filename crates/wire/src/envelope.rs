//! The envelopes around every body: elizaOS's success wrapper and its four error shapes.
//!
//! Which route answers with which error shape is in `docs/ERRORS.md`.

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::Object;

/// `{"success":true,"data":T}`: the success envelope of the agents, memory, messaging,
/// media, audio and system routes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Success<T> {
    /// Always `true`.
    pub success: bool,
    /// The payload.
    pub data: T,
}

impl<T> Success<T> {
    /// Wraps `data`.
    pub fn new(data: T) -> Self {
        Success {
            success: true,
            data,
        }
    }
}

/// Family A error (agents, memory, audio, system): a stable code from agentd's error table.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StdError {
    /// Always `false`.
    pub success: bool,
    /// The error.
    pub error: StdErrorBody,
}

/// The `error` of a family-A envelope.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StdErrorBody {
    /// Stable code, e.g. `INVALID_ID`, `NOT_FOUND`, `BAD_REQUEST`.
    pub code: String,
    /// Client-safe message.
    pub message: String,
    /// Extra detail, when given (usually a string).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

/// Family B/E error (messaging and jobs): the error is a plain string.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MsgError {
    /// Always `false`.
    pub success: bool,
    /// The message.
    pub error: String,
    /// Extra detail, when given (usually a string).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

/// Family D error (sessions): no `success` key, never a stack.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionError {
    /// The error.
    pub error: SessionErrorBody,
}

/// The `error` of a family-D envelope.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionErrorBody {
    /// Stable code, e.g. `SESSION_NOT_FOUND`, `INVALID_ID`.
    pub code: String,
    /// Client-safe message.
    pub message: String,
    /// ISO-8601 time of the error.
    pub timestamp: String,
    /// Structured detail, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

/// Family H: an unmatched `/api` path or method; `code` is the number 404, as in elizaOS.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RouteNotFound {
    /// Always `false`.
    pub success: bool,
    /// The error.
    pub error: RouteNotFoundBody,
}

/// The `error` of a family-H envelope.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RouteNotFoundBody {
    /// `API endpoint not found`.
    pub message: String,
    /// Always 404.
    pub code: u16,
}

/// A success that carries only a message: `{"success":true,"message":"..."}` style bodies
/// are rendered as `data:{message}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Notice {
    /// What happened.
    pub message: String,
}

impl Notice {
    /// A message body.
    pub fn new(message: impl Into<String>) -> Self {
        Notice {
            message: message.into(),
        }
    }
}

/// Open-ended JSON (plugin output, a handler that passes data through); the description of
/// the route using it gives its keys.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(transparent)]
pub struct Json(pub Object);
