//! Shared helpers of the messaging handlers: family-B errors, body parsing, field checks,
//! storage-error mapping and the resource builder with Express-like 404s.

use actix_web::HttpResponse;

pub use super::resource;
use agentd_core::{ErrorCode, parse_uuid};
use agentd_messaging::MessagingError;
use agentd_storage::StorageError;
use uuid::Uuid;

use crate::error::{ApiError, Envelope};

/// A family-B error: `{"success":false,"error":"<message>"}` with the code's status.
pub fn fail(code: ErrorCode, message: impl Into<std::borrow::Cow<'static, str>>) -> ApiError {
    ApiError::new(code, message).with_envelope(Envelope::Messaging)
}

/// A family-B 400.
pub fn bad_request(message: impl Into<std::borrow::Cow<'static, str>>) -> ApiError {
    fail(ErrorCode::BadRequest, message)
}

/// A family-B opaque 500 whose cause is logged.
pub fn internal(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> ApiError {
    ApiError::opaque(ErrorCode::InternalServerError, e).with_envelope(Envelope::Messaging)
}

/// Maps a storage error to family B; `what` names the missing thing for `NotFound`.
pub fn storage(e: StorageError, not_found: &'static str) -> ApiError {
    match e {
        StorageError::NotFound(_) => fail(ErrorCode::NotFound, not_found),
        StorageError::IdempotencyConflict => fail(
            ErrorCode::IdempotencyConflict,
            "Idempotency key reused with a different body",
        )
        .with_details(ErrorCode::IdempotencyConflict.as_str()),
        StorageError::Duplicate(what) => {
            fail(ErrorCode::Conflict, format!("{what} already exists"))
        }
        StorageError::MissingReference(what) => {
            bad_request(format!("the referenced {what} does not exist"))
        }
        other => ApiError::from(other).with_envelope(Envelope::Messaging),
    }
}

/// Maps a messaging error to family B; `not_found` names the missing thing of a storage
/// `NotFound` the service did not name itself.
pub fn messaging(e: MessagingError, not_found: &'static str) -> ApiError {
    use MessagingError as M;
    match e {
        M::ChannelNotFound => fail(ErrorCode::NotFound, "Channel not found"),
        M::MessageNotFound => fail(ErrorCode::NotFound, "Message not found"),
        M::JobNotFound => fail(ErrorCode::NotFound, "Job not found"),
        e @ (M::ServerNotFound(_)
        | M::AgentNotFound(_)
        | M::NoAgentAvailable
        | M::NotParticipantAgent) => fail(ErrorCode::NotFound, e.to_string()),
        e @ (M::NoRecipient | M::ReplyTargetMissing) => bad_request(e.to_string()),
        e @ M::DuplicateMessageId => fail(ErrorCode::Conflict, e.to_string()),
        M::IdempotencyConflict => storage(StorageError::IdempotencyConflict, not_found),
        M::Storage(e) => storage(e, not_found),
    }
}

/// `200 {"success":true,"data":data}`.
pub fn ok(data: impl serde::Serialize) -> HttpResponse {
    HttpResponse::Ok().json(agentd_wire::Success::new(data))
}

/// `201 {"success":true,"data":data}`.
pub fn created(data: impl serde::Serialize) -> HttpResponse {
    HttpResponse::Created().json(agentd_wire::Success::new(data))
}

/// A path id, or a family-B 400 with `message`.
pub fn path_id(raw: &str, message: &'static str) -> Result<Uuid, ApiError> {
    parse_uuid(raw).ok_or_else(|| bad_request(message))
}

/// Reads a family-B body into `T`. A field that does not fit gets the message `messages`
/// gives for it (by its top-level name), else `Invalid <field> format`; serde's reason goes in
/// `details`.
pub fn body<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    messages: &[(&str, &'static str)],
) -> Result<T, ApiError> {
    use agentd_wire::BodyError;
    agentd_wire::parse(bytes).map_err(|e| match e {
        BodyError::NotObject => bad_request("Request body must be a JSON object"),
        BodyError::Syntax(why) => bad_request("Invalid JSON body").with_details(why),
        BodyError::Field { field, message } => {
            let top = field.split(['.', '[']).next().unwrap_or_default();
            let text: std::borrow::Cow<'static, str> =
                match messages.iter().find(|(name, _)| *name == top) {
                    Some((_, m)) => (*m).into(),
                    None => format!("Invalid {top} format").into(),
                };
            bad_request(text).with_details(format!("{field}: {message}"))
        }
    })
}

/// The message server of a body, from `message_server_id` or the deprecated `server_id`
/// (logged).
pub fn server_of(message_server_id: Option<Uuid>, server_id: Option<Uuid>) -> Option<Uuid> {
    let (id, deprecated) = agentd_wire::messaging::server_id(message_server_id, server_id);
    if deprecated {
        tracing::warn!("deprecated body field server_id used; send message_server_id");
    }
    id
}
