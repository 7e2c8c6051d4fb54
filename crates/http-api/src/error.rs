//! The one error type of the HTTP edge and the extractor configs that route body, query and
//! path failures into it.
//!
//! Every failure a handler or middleware reports becomes an [`ApiError`]; its status comes from
//! the shared [`ErrorCode`] table and its body from the envelope family of the route.
//! Internal failures are opaque: the client sees a generic 500, the log gets the
//! cause chain, once, where the response is rendered.

use std::borrow::Cow;
use std::fmt;

use actix_web::error::{JsonPayloadError, PayloadError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use agentd_core::ErrorCode;
use serde_json::Value;

/// Boxed cause of an internal error.
type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The generic message of every opaque 500.
const INTERNAL_MESSAGE: &str = "Internal server error";

/// The generic message of an opaque 503.
const UNAVAILABLE_MESSAGE: &str = "Service temporarily unavailable";

/// Which elizaOS error envelope a route answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Envelope {
    /// Family A: `{"success":false,"error":{"code","message","details"?}}`.
    #[default]
    Standard,
    /// Family B (messaging): `{"success":false,"error":"<message>","details"?}`.
    Messaging,
    /// Family D (sessions): `{"error":{"code","message","timestamp","details"?}}`, never a stack.
    Session,
}

/// The body of an error response, in its route's envelope.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum ErrorBody {
    Standard(agentd_wire::envelope::StdError),
    Messaging(agentd_wire::envelope::MsgError),
    Session(agentd_wire::envelope::SessionError),
}

/// An error answered to a client: a stable code, a client-safe message and an envelope.
pub struct ApiError {
    code: ErrorCode,
    message: Cow<'static, str>,
    details: Option<Value>,
    envelope: Envelope,
    cause: Option<Cause>,
}

impl ApiError {
    /// A client error with a message the client may see.
    pub fn new(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        ApiError {
            code,
            message: message.into(),
            details: None,
            envelope: Envelope::Standard,
            cause: None,
        }
    }

    /// An unexpected failure: the client gets an opaque 500, the log gets `cause`.
    pub fn internal(cause: impl Into<Cause>) -> Self {
        Self::opaque(ErrorCode::InternalServerError, cause)
    }

    /// A server-side failure with a specific code (e.g. `DB_ERROR`) but no client-visible
    /// detail: the message is generic and `cause` is only logged.
    pub fn opaque(code: ErrorCode, cause: impl Into<Cause>) -> Self {
        let message = if code.status() == 503 {
            UNAVAILABLE_MESSAGE
        } else {
            INTERNAL_MESSAGE
        };
        ApiError {
            code,
            message: Cow::Borrowed(message),
            details: None,
            envelope: Envelope::Standard,
            cause: Some(cause.into()),
        }
    }

    /// Adds client-visible details (a string in family A/B, an object in family D).
    pub fn with_details(mut self, details: impl Into<Value>) -> Self {
        self.details = Some(details.into());
        self
    }

    /// Renders in another envelope family.
    pub fn with_envelope(mut self, envelope: Envelope) -> Self {
        self.envelope = envelope;
        self
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The client-visible message.
    pub fn message(&self) -> &str {
        &self.message
    }

    fn body(&self) -> ErrorBody {
        use agentd_wire::envelope as wire;
        let code = self.code.as_str().to_owned();
        let message = self.message().to_owned();
        let details = self.details.clone();
        match self.envelope {
            Envelope::Standard => ErrorBody::Standard(wire::StdError {
                success: false,
                error: wire::StdErrorBody {
                    code,
                    message,
                    details,
                },
            }),
            Envelope::Messaging => ErrorBody::Messaging(wire::MsgError {
                success: false,
                error: message,
                details,
            }),
            Envelope::Session => ErrorBody::Session(wire::SessionError {
                error: wire::SessionErrorBody {
                    code,
                    message,
                    timestamp: agentd_core::time::to_iso(chrono::Utc::now()),
                    details,
                },
            }),
        }
    }

    fn cause_chain(&self) -> Option<String> {
        let mut current: Option<&(dyn std::error::Error + 'static)> =
            Some(self.cause.as_deref()? as &(dyn std::error::Error + 'static));
        let mut parts = Vec::new();
        while let Some(err) = current {
            parts.push(err.to_string());
            current = err.source();
        }
        Some(parts.join(": "))
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("code", &self.code.as_str())
            .field("message", &self.message)
            .field("cause", &self.cause_chain())
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for ApiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause
            .as_deref()
            .map(|c| c as &(dyn std::error::Error + 'static))
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        if let Some(chain) = self.cause_chain() {
            tracing::error!(error.code = self.code.as_str(), error.cause = %chain, "request failed");
        }
        HttpResponse::build(self.status_code()).json(self.body())
    }
}

impl From<agentd_storage::StorageError> for ApiError {
    /// Client-side storage errors (not found, conflicts) keep their message, which the
    /// storage crate guarantees free of SQL; server-side ones become opaque.
    fn from(err: agentd_storage::StorageError) -> Self {
        let code = err.code();
        if code.status() < 500 {
            ApiError::new(code, err.to_string())
        } else {
            ApiError::opaque(code, err)
        }
    }
}

/// Maps a JSON body failure: too large → 413, wrong type → 400, malformed → 400 `INVALID_JSON`
/// (elizaOS answers 500 here).
pub fn json_error(err: JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::OverflowKnownLength { .. }
        | JsonPayloadError::Overflow { .. }
        | JsonPayloadError::Payload(PayloadError::Overflow) => payload_too_large(),
        JsonPayloadError::ContentType => ApiError::new(
            ErrorCode::InvalidContentType,
            "Content-Type must be application/json",
        ),
        JsonPayloadError::Deserialize(e) => {
            ApiError::new(ErrorCode::InvalidJson, "Invalid JSON body").with_details(e.to_string())
        }
        JsonPayloadError::Payload(e) => {
            ApiError::new(ErrorCode::BadRequest, "Could not read the request body")
                .with_details(e.to_string())
        }
        other => ApiError::new(ErrorCode::InvalidJson, "Invalid JSON body")
            .with_details(other.to_string()),
    }
}

/// The 413 answered for any body over the configured limit.
pub fn payload_too_large() -> ApiError {
    ApiError::new(ErrorCode::PayloadTooLarge, "Request body is too large")
}

/// The JSON extractor config every route shares: the body limit and [`json_error`].
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(|err, _req: &HttpRequest| json_error(err).into())
}

/// The query-string extractor config: malformed queries are 400 `BAD_REQUEST`.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req| {
        ApiError::new(ErrorCode::BadRequest, "Invalid query string")
            .with_details(err.to_string())
            .into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::to_bytes;
    use serde_json::json;

    async fn render(err: ApiError) -> (u16, Value) {
        let resp = err.error_response();
        let status = resp.status().as_u16();
        let bytes = to_bytes(resp.into_body()).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[actix_web::test]
    async fn standard_envelope_has_code_message_and_details() {
        let (status, body) = render(
            ApiError::new(ErrorCode::InvalidId, "Invalid agent ID format").with_details("x"),
        )
        .await;
        assert_eq!(status, 400);
        assert_eq!(
            body,
            json!({"success":false,"error":{"code":"INVALID_ID","message":"Invalid agent ID format","details":"x"}})
        );
    }

    #[actix_web::test]
    async fn internal_errors_are_opaque() {
        let cause = std::io::Error::other("disk on fire at /var/secret");
        let (status, body) = render(ApiError::internal(cause)).await;
        assert_eq!(status, 500);
        assert_eq!(
            body,
            json!({"success":false,"error":{"code":"INTERNAL_SERVER_ERROR","message":"Internal server error"}})
        );
    }

    #[actix_web::test]
    async fn storage_errors_keep_safe_messages_only() {
        let (s, b) =
            render(agentd_storage::StorageError::NotFound(agentd_storage::Record::Agent).into())
                .await;
        assert_eq!((s, b["error"]["code"].as_str()), (404, Some("NOT_FOUND")));
        assert_eq!(b["error"]["message"], "agent not found");
        let (s, b) =
            render(agentd_storage::StorageError::Unavailable("10.0.0.5 refused".into()).into())
                .await;
        assert_eq!(s, 503);
        assert!(!b.to_string().contains("10.0.0.5"));
    }

    /// Malformed JSON is the client's fault: 400 `INVALID_JSON`, not elizaOS's 500.
    #[actix_web::test]
    async fn malformed_json_is_400_invalid_json() {
        use actix_web::{App, test};
        async fn echo(body: web::Json<Value>) -> HttpResponse {
            HttpResponse::Ok().json(body.into_inner())
        }
        let app = test::init_service(
            App::new()
                .app_data(json_config(64))
                .route("/echo", web::post().to(echo)),
        )
        .await;
        let post = |body: &'static str| {
            test::TestRequest::post()
                .uri("/echo")
                .insert_header(("content-type", "application/json"))
                .set_payload(body)
                .to_request()
        };
        let res = test::call_service(&app, post("{\"a\":")).await;
        assert_eq!(res.status(), 400);
        let body: Value = test::read_body_json(res).await;
        assert_eq!(body["error"]["code"], "INVALID_JSON");
        let res = test::call_service(
            &app,
            post(r#"{"pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}"#),
        )
        .await;
        assert_eq!(res.status(), 413);
        let body: Value = test::read_body_json(res).await;
        assert_eq!(body["error"]["code"], "PAYLOAD_TOO_LARGE");
    }

    #[actix_web::test]
    async fn other_envelopes_render() {
        let (_, b) = render(
            ApiError::new(ErrorCode::NotFound, "Channel not found")
                .with_envelope(Envelope::Messaging),
        )
        .await;
        assert_eq!(b, json!({"success":false,"error":"Channel not found"}));
        let (s, d) = render(
            ApiError::new(ErrorCode::SessionNotFound, "gone").with_envelope(Envelope::Session),
        )
        .await;
        assert_eq!(s, 404);
        assert_eq!(d["error"]["code"], "SESSION_NOT_FOUND");
        assert!(d["error"]["timestamp"].is_string());
        assert!(d["error"].get("stack").is_none());
    }
}
