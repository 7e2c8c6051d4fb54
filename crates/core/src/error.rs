//! The one table of stable error codes and the HTTP status each one maps to.
//!
//! Codes are part of the wire contract: clients branch on them, so a code is never renamed or
//! reused. Every crate's error enum maps its variants onto this table; the HTTP edge renders it
//! in the envelope family of the route.

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = ($code:literal, $status:literal), )*) => {
        /// A stable, client-visible error code with its HTTP status.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
        }

        impl ErrorCode {
            /// Every code, for documentation and table tests.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code string as it appears in `error.code`.
            pub const fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            /// The HTTP status this code is answered with.
            pub const fn status(self) -> u16 {
                match self { $(ErrorCode::$variant => $status,)* }
            }
        }
    };
}

error_codes! {
    /// A path or body id is not a UUID.
    InvalidId = ("INVALID_ID", 400),
    /// The addressed resource does not exist (or, for agents, is not running).
    NotFound = ("NOT_FOUND", 404),
    /// A storage failure; the cause is logged, never sent.
    DbError = ("DB_ERROR", 500),
    /// Creating a resource failed because of the request.
    CreateError = ("CREATE_ERROR", 400),
    /// Updating a resource failed.
    UpdateError = ("UPDATE_ERROR", 500),
    /// Deleting a resource failed.
    DeleteError = ("DELETE_ERROR", 500),
    /// Starting an agent failed.
    StartError = ("START_ERROR", 500),
    /// The request is malformed.
    BadRequest = ("BAD_REQUEST", 400),
    /// A required parameter is missing.
    MissingParam = ("MISSING_PARAM", 400),
    /// The request is well-formed but not acceptable.
    InvalidRequest = ("INVALID_REQUEST", 400),
    /// The body is not valid JSON or does not have the expected shape.
    InvalidJson = ("INVALID_JSON", 400),
    /// The input failed validation.
    InvalidInput = ("INVALID_INPUT", 400),
    /// POST/PUT/PATCH with a body whose Content-Type we do not parse.
    InvalidContentType = ("INVALID_CONTENT_TYPE", 400),
    /// The body is larger than the configured limit.
    PayloadTooLarge = ("PAYLOAD_TOO_LARGE", 413),
    /// An uploaded file is larger than the configured limit.
    FileTooLarge = ("FILE_TOO_LARGE", 413),
    /// An uploaded file's content is of a type we do not accept.
    UnsupportedMediaType = ("UNSUPPORTED_MEDIA_TYPE", 415),
    /// An uploaded file's declared type does not match its content.
    InvalidFileType = ("INVALID_FILE_TYPE", 415),
    /// Storing an upload failed.
    UploadError = ("UPLOAD_ERROR", 500),
    /// The API key is missing or wrong.
    Unauthorized = ("UNAUTHORIZED", 401),
    /// The caller may not do this.
    Forbidden = ("FORBIDDEN", 403),
    /// The same idempotency key was used with a different body.
    IdempotencyConflict = ("IDEMPOTENCY_CONFLICT", 409),
    /// The request conflicts with the current state.
    Conflict = ("CONFLICT", 409),
    /// Too many API requests from this client.
    RateLimitExceeded = ("RATE_LIMIT_EXCEEDED", 429),
    /// Too many uploads from this client.
    UploadRateLimitExceeded = ("UPLOAD_RATE_LIMIT_EXCEEDED", 429),
    /// Too many file operations from this client.
    FileRateLimitExceeded = ("FILE_RATE_LIMIT_EXCEEDED", 429),
    /// Processing failed after the request was accepted.
    ProcessingError = ("PROCESSING_ERROR", 500),
    /// A model provider failed.
    ModelError = ("MODEL_ERROR", 500),
    /// The agent's model provider does not have the capability asked for (e.g. ELIZA and
    /// speech); 501 so clients can tell it from a failure of a supported call.
    ModelNotSupported = ("MODEL_NOT_SUPPORTED", 501),
    /// The model did not answer in time.
    ModelTimeout = ("MODEL_TIMEOUT", 504),
    /// A session does not exist.
    SessionNotFound = ("SESSION_NOT_FOUND", 404),
    /// A session's time is up.
    SessionExpired = ("SESSION_EXPIRED", 410),
    /// A session could not be created.
    SessionCreationFailed = ("SESSION_CREATION_FAILED", 500),
    /// The agent a session refers to does not exist.
    AgentNotFound = ("AGENT_NOT_FOUND", 404),
    /// A `?agentId=` on a plugin route is not a UUID.
    InvalidAgentId = ("INVALID_AGENT_ID", 400),
    /// A session request failed validation.
    ValidationError = ("VALIDATION_ERROR", 400),
    /// A session cannot be renewed (max duration reached or auto-renew off).
    SessionRenewalFailed = ("SESSION_RENEWAL_FAILED", 400),
    /// A session message could not be sent.
    MessageSendFailed = ("MESSAGE_SEND_FAILED", 500),
    /// The server is not ready to serve (for example the database is unreachable).
    ServiceUnavailable = ("SERVICE_UNAVAILABLE", 503),
    /// An unexpected failure; details are logged, never sent.
    InternalServerError = ("INTERNAL_SERVER_ERROR", 500),
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_upper_snake_case() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(s.chars().all(|c| c.is_ascii_uppercase() || c == '_'), "{s}");
            assert!((400..600).contains(&code.status()), "{s}");
        }
    }
}
