//! Upload routes: `POST /api/media/agents/:agentId/upload-media` (family A),
//! `POST /api/media/channels/:channelId/upload-media` and
//! `POST /api/messaging/channels/:channelId/upload-media` (family B).
//!
//! The multipart field `file` streams straight into an [`UploadWriter`]: the size limit and the
//! type are checked while it arrives, and the file is renamed into place only when the whole
//! body was read and accepted. Other fields are ignored (read with a small cap).

use actix_multipart::{Field, Multipart};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use agentd_core::ErrorCode;
use agentd_core::ids::parse_uuid;
use agentd_core::model::Upload;
use agentd_media::{
    MediaError, MediaRoot, Owner, StoredFile, UploadWriter, sanitize_original_name,
};
use agentd_storage::StorageError;
use agentd_storage::prelude::*;
use agentd_wire::Success;
use agentd_wire::envelope::{MsgError, StdError};
use agentd_wire::media::{FileUpload, UploadedFile};
use futures_util::StreamExt;

use crate::error::{ApiError, Envelope};
use crate::state::AppState;

/// Room for the multipart framing and small extra fields on top of the file limit when
/// judging a declared `Content-Length` up front.
const FRAMING_SLACK: u64 = 64 * 1024;

/// The most bytes of non-file fields read before the body is refused.
const OTHER_FIELDS_LIMIT: usize = 64 * 1024;

/// An upload failure as an API error: client mistakes keep their message, IO is opaque.
fn media_error(err: MediaError) -> ApiError {
    match err {
        MediaError::Io(e) => ApiError::opaque(ErrorCode::UploadError, e),
        other => ApiError::new(other.code(), other.to_string()),
    }
}

fn bad_body() -> ApiError {
    ApiError::new(ErrorCode::InvalidRequest, "Invalid multipart body")
}

/// Streams one field into a new writer for `owner`.
async fn write_field(
    state: &AppState,
    owner: Owner,
    field: &mut Field,
) -> Result<UploadWriter, ApiError> {
    let media = &state.settings().media;
    let declared = field.content_type().map(|m| m.essence_str().to_owned());
    let root = MediaRoot::new(media.root.clone());
    let mut writer = UploadWriter::create(&root, owner, media.max_file_size, declared.as_deref())
        .await
        .map_err(media_error)?;
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|_| bad_body())?;
        writer.write(&chunk).await.map_err(media_error)?;
    }
    Ok(writer)
}

/// Reads the body: exactly one `file` field, stored for `owner`. Returns the stored file and
/// the cleaned original name.
async fn receive(
    state: &AppState,
    req: &HttpRequest,
    payload: web::Payload,
    owner: Owner,
) -> Result<(StoredFile, String), ApiError> {
    let max = state.settings().media.max_file_size;
    let declared_len = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared_len.is_some_and(|n| n > max.saturating_add(FRAMING_SLACK)) {
        return Err(media_error(MediaError::TooLarge { limit: max }));
    }
    let mut multipart = Multipart::new(req.headers(), payload);
    let mut file: Option<(UploadWriter, String)> = None;
    let mut other_bytes = 0usize;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(|_| bad_body())?;
        if field.name() == Some("file") {
            if file.is_some() {
                return Err(ApiError::new(
                    ErrorCode::InvalidRequest,
                    "Only one file may be uploaded per request",
                ));
            }
            let original = field
                .content_disposition()
                .and_then(|cd| cd.get_filename())
                .unwrap_or("");
            let original = sanitize_original_name(original);
            file = Some((write_field(state, owner, &mut field).await?, original));
        } else {
            while let Some(chunk) = field.next().await {
                other_bytes += chunk.map_err(|_| bad_body())?.len();
                if other_bytes > OTHER_FIELDS_LIMIT {
                    return Err(ApiError::new(
                        ErrorCode::PayloadTooLarge,
                        "Request body is too large",
                    ));
                }
            }
        }
    }
    let Some((writer, original)) = file else {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            "No media file provided",
        ));
    };
    let stored = writer.finish().await.map_err(media_error)?;
    Ok((stored, original))
}

/// Records the upload; an owner that does not exist (elizaOS accepts uploads for unknown
/// agents and channels) is recorded as no owner. The file is removed if recording fails.
async fn record(state: &AppState, file: &StoredFile, original: &str) -> Result<(), ApiError> {
    let (agent_id, channel_id) = match file.owner {
        Owner::Agent(id) | Owner::Generated(id) => (Some(id), None),
        Owner::Channel(id) => (None, Some(id)),
    };
    let mut upload = Upload {
        id: uuid::Uuid::new_v4(),
        agent_id,
        channel_id,
        stored_name: file.name.to_string(),
        original_name: original.to_owned(),
        mime: file.detected.mime().to_owned(),
        size: i64::try_from(file.size).unwrap_or(i64::MAX),
        sha256: file.sha256.clone(),
        created_at: chrono::Utc::now(),
    };
    let mut result = state.db().create_upload(&upload).await;
    if matches!(result, Err(StorageError::MissingReference(_))) {
        upload.agent_id = None;
        upload.channel_id = None;
        result = state.db().create_upload(&upload).await;
    }
    if let Err(e) = result {
        let _ = tokio::fs::remove_file(&file.path).await;
        return Err(ApiError::opaque(ErrorCode::UploadError, e));
    }
    Ok(())
}

/// The answer for a stored file; `kind` is its elizaOS kind or MIME type.
fn uploaded(owner: Owner, file: &StoredFile, original: String, kind: &str) -> HttpResponse {
    HttpResponse::Ok().json(Success::new(UploadedFile {
        url: owner.url(&file.name),
        kind: kind.to_owned(),
        filename: file.name.to_string(),
        original_name: original,
        size: file.size,
    }))
}

/// Receives and records one upload for `owner`.
async fn upload(
    state: &AppState,
    req: &HttpRequest,
    payload: web::Payload,
    owner: Owner,
) -> Result<(StoredFile, String), ApiError> {
    let (file, original) = receive(state, req, payload, owner).await?;
    record(state, &file, &original).await?;
    tracing::info!(
        upload.url = %owner.url(&file.name),
        upload.mime = file.detected.mime(),
        upload.size_bytes = file.size,
        "upload stored"
    );
    Ok((file, original))
}

/// `POST /api/media/agents/:agentId/upload-media` (family A); `type` is the elizaOS kind
/// (image, video, audio, document). The agent need not exist, as in elizaOS.
#[utoipa::path(
    post, path = "/api/media/agents/{agentId}/upload-media", tag = "media", params(("agentId" = uuid::Uuid, Path, description = "Agent id")), request_body(content = FileUpload, description = "One file field; at most the upload limit; type sniffed from content", content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The stored file (`type` is the elizaOS kind)", body = Success<UploadedFile>),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 413, description = "Too large", body = StdError),
        (status = 415, description = "Type not allowed", body = StdError),
        (status = 429, description = "Upload rate limit", body = StdError),
    )
)]
pub async fn upload_agent_media(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let Some(agent_id) = parse_uuid(&path) else {
        return Err(ApiError::new(
            ErrorCode::InvalidId,
            "Invalid agent ID format",
        ));
    };
    let owner = Owner::Agent(agent_id);
    let (file, original) = upload(&state, &req, payload, owner).await?;
    Ok(uploaded(owner, &file, original, file.detected.kind()))
}

/// `POST /api/messaging/channels/:channelId/upload-media` and its legacy twin under
/// `/api/media/channels` (family B); `type` is the MIME type. The URL is served from where
/// the file is written (unlike elizaOS 1.7.2).
#[utoipa::path(
    post, path = "/api/messaging/channels/{channelId}/upload-media", tag = "media", params(("channelId" = uuid::Uuid, Path, description = "Channel id")), request_body(content = FileUpload, description = "One file field; at most the upload limit; type sniffed from content", content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The stored file (`type` is the MIME type)", body = Success<UploadedFile>),
        (status = 400, description = "Invalid id or body", body = MsgError),
        (status = 413, description = "Too large", body = MsgError),
        (status = 415, description = "Type not allowed", body = MsgError),
        (status = 429, description = "Upload rate limit", body = MsgError),
    )
)]
pub async fn upload_channel_media(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let messaging = |e: ApiError| e.with_envelope(Envelope::Messaging);
    let Some(channel_id) = parse_uuid(&path) else {
        return Err(messaging(ApiError::new(
            ErrorCode::InvalidId,
            "Invalid channelId format",
        )));
    };
    let owner = Owner::Channel(channel_id);
    let (file, original) = upload(&state, &req, payload, owner)
        .await
        .map_err(messaging)?;
    Ok(uploaded(owner, &file, original, file.detected.mime()))
}
