//! `/api/audio` (family A): transcription and speech through the agent's own model provider.
//!
//! - Uploads are read into memory up to the media size limit (413 `FILE_TOO_LARGE`) and
//!   must sniff as audio, whatever the client declares (415 `INVALID_FILE_TYPE`).
//! - Only the transcription uploads are behind the upload limits; the TTS routes
//!   are not (elizaOS 1.7.2 limits them too, a fault we do not copy).
//! - A provider without the capability (ELIZA) answers 501 `MODEL_NOT_SUPPORTED`.

use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, web};
use agentd_core::ErrorCode;
use agentd_core::ids::parse_uuid;
use agentd_media::{SNIFF_LEN, classify};
use agentd_runtime::provider::{ChatMessage, Role};
use agentd_runtime::{GenerateRequest, ModelProvider};
use agentd_wire::Success;
use agentd_wire::envelope::StdError;
use agentd_wire::media::FileUpload;
use agentd_wire::system::audio::{
    AudioMessage, SpeechRequest, TEXT_REQUIRED, Transcription, audio_mime,
};
use futures_util::StreamExt;
use std::sync::Arc;
use uuid::Uuid;

use super::fallback;
use super::media::upload_resource;
use super::model::{provider_error, provider_of, with_deadline};
use crate::error::ApiError;
use crate::state::AppState;

/// The routes under `/api/audio`, as one scope (its static prefix keeps every other `/api`
/// request from matching these patterns).
pub fn scope() -> actix_web::Scope {
    let post = |path: &str, h| {
        web::resource(path)
            .route(web::post().to(h))
            .default_service(web::to(fallback::api_not_found))
    };
    web::scope("/audio")
        .service(upload_resource("/{agentId}/audio-messages", audio_message))
        .service(upload_resource("/{agentId}/transcriptions", transcription))
        .service(post("/{agentId}/audio-messages/synthesize", synthesize))
        .service(post("/{agentId}/speech/generate", synthesize))
        .service(
            web::resource("/{agentId}/speech/conversation")
                .route(web::post().to(conversation))
                .default_service(web::to(fallback::api_not_found)),
        )
}

/// The running agent's provider: 400 `INVALID_ID`, 404 `NOT_FOUND`.
async fn agent_provider(
    state: &AppState,
    raw: &str,
) -> Result<(Uuid, Arc<dyn ModelProvider>), ApiError> {
    let id =
        parse_uuid(raw).ok_or_else(|| ApiError::new(ErrorCode::InvalidId, "Invalid agent ID"))?;
    let provider = provider_of(state, id)
        .await
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "Agent not found"))?;
    Ok((id, provider))
}

/// The multipart field `file`, read up to the media size limit; other fields are drained.
/// Returns the bytes and the sniffed audio MIME type.
async fn read_audio(
    state: &AppState,
    mut body: Multipart,
) -> Result<(Vec<u8>, &'static str), ApiError> {
    let limit = state.settings().media.max_file_size;
    let bad = || ApiError::new(ErrorCode::InvalidRequest, "Invalid multipart body");
    let mut file: Option<(Vec<u8>, Option<String>)> = None;
    while let Some(field) = body.next().await {
        let mut field = field.map_err(|_| bad())?;
        let is_file = field.name() == Some("file") && file.is_none();
        let declared = field.content_type().map(|m| m.essence_str().to_owned());
        let mut buf = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| bad())?;
            let cap = if is_file { limit } else { 64 * 1024 };
            if (buf.len() + chunk.len()) as u64 > cap {
                return Err(if is_file {
                    ApiError::new(
                        ErrorCode::FileTooLarge,
                        format!("File too large: the limit is {limit} bytes"),
                    )
                } else {
                    bad()
                });
            }
            if is_file {
                buf.extend_from_slice(&chunk);
            }
        }
        if is_file {
            file = Some((buf, declared));
        }
    }
    let (bytes, declared) =
        file.ok_or_else(|| ApiError::new(ErrorCode::InvalidRequest, "No audio file provided"))?;
    if bytes.is_empty() {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            "The file is empty",
        ));
    }
    let head = &bytes[..bytes.len().min(SNIFF_LEN)];
    let not_audio = || {
        ApiError::new(
            ErrorCode::InvalidFileType,
            "Invalid file type. Only audio files are allowed",
        )
    };
    let detected = classify(head, false, declared.as_deref()).map_err(|_| not_audio())?;
    let mime = detected.mime();
    if !mime.starts_with("audio/") {
        return Err(not_audio());
    }
    Ok((bytes, mime))
}

/// Transcribes an upload; an empty transcription is a 500 `PROCESSING_ERROR`.
async fn transcribe(state: &AppState, agent: &str, body: Multipart) -> Result<String, ApiError> {
    let (_, provider) = agent_provider(state, agent).await?;
    let (bytes, mime) = read_audio(state, body).await?;
    let text = with_deadline(provider.transcribe(&bytes, mime))
        .await
        .map_err(provider_error)?;
    if text.trim().is_empty() {
        return Err(ApiError::new(
            ErrorCode::ProcessingError,
            "Failed to transcribe audio",
        ));
    }
    Ok(text)
}

/// `POST /:agentId/audio-messages`: `data:{transcription, message}`.
#[utoipa::path(
    post, path = "/api/audio/{agentId}/audio-messages", tag = "audio", params(("agentId" = uuid::Uuid, Path, description = "Agent id")), request_body(content = FileUpload, description = "One audio file field", content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The transcription", body = Success<AudioMessage>),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 404, description = "Agent not running", body = StdError),
        (status = 501, description = "The agent's model provider does not do this (`MODEL_NOT_SUPPORTED`)", body = StdError),
        (status = 413, description = "Too large", body = StdError),
    )
)]
pub async fn audio_message(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let text = transcribe(&state, &path, Multipart::new(req.headers(), payload)).await?;
    Ok(HttpResponse::Ok().json(Success::new(AudioMessage::new(text))))
}

/// `POST /:agentId/transcriptions`: `data:{text}`.
#[utoipa::path(
    post, path = "/api/audio/{agentId}/transcriptions", tag = "audio", params(("agentId" = uuid::Uuid, Path, description = "Agent id")), request_body(content = FileUpload, description = "One audio file field", content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The transcription", body = Success<Transcription>),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 404, description = "Agent not running", body = StdError),
        (status = 501, description = "The agent's model provider does not do this (`MODEL_NOT_SUPPORTED`)", body = StdError),
        (status = 413, description = "Too large", body = StdError),
    )
)]
pub async fn transcription(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let text = transcribe(&state, &path, Multipart::new(req.headers(), payload)).await?;
    Ok(HttpResponse::Ok().json(Success::new(Transcription { text })))
}

/// The required `text` of a JSON body: 400 `INVALID_REQUEST` when missing or too long.
fn speech_text(body: &[u8]) -> Result<String, ApiError> {
    let invalid = |m: String| ApiError::new(ErrorCode::InvalidRequest, m);
    let req: SpeechRequest =
        agentd_wire::parse(body).map_err(|_| invalid(TEXT_REQUIRED.to_owned()))?;
    req.text().map(str::to_owned).map_err(invalid)
}

/// Binary audio: `audio/wav` for a RIFF/WAVE buffer, else `audio/mpeg`.
fn audio_response(audio: Vec<u8>) -> Result<HttpResponse, ApiError> {
    if audio.is_empty() {
        return Err(ApiError::new(
            ErrorCode::ProcessingError,
            "The model returned no audio",
        ));
    }
    Ok(HttpResponse::Ok()
        .content_type(audio_mime(&audio))
        .body(audio))
}

/// `POST /:agentId/audio-messages/synthesize` and `/speech/generate`: `{text}` → audio.
#[utoipa::path(
    post, path = "/api/audio/{agentId}/audio-messages/synthesize", tag = "audio", params(("agentId" = uuid::Uuid, Path, description = "Agent id")), request_body = SpeechRequest,
    responses(
        (status = 200, description = "The audio (its type from the provider)"),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 404, description = "Agent not running", body = StdError),
        (status = 501, description = "The agent's model provider does not do this (`MODEL_NOT_SUPPORTED`)", body = StdError),
    )
)]
pub async fn synthesize(
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (_, provider) = agent_provider(&state, &path).await?;
    let text = speech_text(&body)?;
    let audio = with_deadline(provider.speak(&text))
        .await
        .map_err(provider_error)?;
    audio_response(audio)
}

/// `POST /:agentId/speech/conversation`: `{text}` → the agent's spoken reply. The reply is
/// generated from this one line (no memories are stored, unlike elizaOS).
#[utoipa::path(
    post, path = "/api/audio/{agentId}/speech/conversation", tag = "audio", params(("agentId" = uuid::Uuid, Path, description = "Agent id")), request_body = SpeechRequest,
    responses(
        (status = 200, description = "The agent's spoken reply (audio)"),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 404, description = "Agent not running", body = StdError),
        (status = 501, description = "The agent's model provider does not do this (`MODEL_NOT_SUPPORTED`)", body = StdError),
    )
)]
pub async fn conversation(
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (agent_id, provider) = agent_provider(&state, &path).await?;
    let text = speech_text(&body)?;
    let req = GenerateRequest {
        agent_id,
        conversation_id: agent_id,
        system: String::new(),
        messages: vec![ChatMessage {
            role: Role::User,
            name: "User".into(),
            content: text,
        }],
    };
    let reply = with_deadline(provider.generate(&req))
        .await
        .map_err(provider_error)?;
    if reply.trim().is_empty() {
        return Err(ApiError::new(
            ErrorCode::ModelError,
            "The model returned an empty reply",
        ));
    }
    let audio = with_deadline(provider.speak(&reply))
        .await
        .map_err(provider_error)?;
    audio_response(audio)
}
