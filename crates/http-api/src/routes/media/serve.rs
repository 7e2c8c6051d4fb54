//! Static media (no auth): `/media/uploads/agents/:agentId/:filename`,
//! `/media/uploads/channels/:channelId/:filename` and `/media/generated/:agentId/:filename`.
//!
//! The id must be a UUID and the name one we generated, so the path is built from our own
//! values only. The type comes from the upload's metadata, never from the request; only
//! images, audio and video are inline, everything else is an attachment, and `nosniff` stops
//! a browser from second-guessing either.

use actix_files::NamedFile;
use actix_web::http::header::{
    self, ContentDisposition, DispositionParam, DispositionType, HeaderValue,
};
use actix_web::{HttpRequest, HttpResponse, web};
use agentd_core::ids::parse_uuid;
use agentd_media::{Detected, MediaRoot, Owner, StoredName};
use agentd_storage::StorageError;
use agentd_storage::prelude::*;
use agentd_wire::media::PlainError;
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;

/// Uploaded names are never reused, so a day of caching is safe; not `immutable`, since a
/// file can be deleted.
const CACHE_CONTROL: &str = "public, max-age=86400";

fn plain_error(status: actix_web::http::StatusCode, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(PlainError::new(message))
}

fn not_found() -> HttpResponse {
    plain_error(actix_web::http::StatusCode::NOT_FOUND, "File not found")
}

/// The stored type of `name` in `owner`'s directory, or the response to answer instead.
async fn stored_type(
    state: &AppState,
    owner: Owner,
    name: &StoredName,
) -> Result<Detected, HttpResponse> {
    match state
        .db()
        .get_upload_by_stored_name(&name.to_string())
        .await
    {
        Ok(u) => {
            let owned_by = |id: Uuid, agent: Option<Uuid>, channel: Option<Uuid>| match owner {
                Owner::Agent(_) | Owner::Generated(_) => agent.is_none_or(|a| a == id),
                Owner::Channel(_) => channel.is_none_or(|c| c == id),
            };
            let id = match owner {
                Owner::Agent(id) | Owner::Channel(id) | Owner::Generated(id) => id,
            };
            if !owned_by(id, u.agent_id, u.channel_id) {
                return Err(not_found());
            }
            Detected::from_mime(&u.mime).ok_or_else(not_found)
        }
        // Generated files may have no upload row: their name, ours, carries the type.
        Err(StorageError::NotFound(_)) if matches!(owner, Owner::Generated(_)) => {
            Detected::from_extension(name.extension()).ok_or_else(not_found)
        }
        Err(StorageError::NotFound(_)) => Err(not_found()),
        Err(e) => Err(actix_web::ResponseError::error_response(&ApiError::from(e))),
    }
}

/// Serves one stored file with the headers of the module docs; Range and conditional
/// requests are answered by `NamedFile`.
async fn serve(state: &AppState, req: &HttpRequest, owner: Owner, filename: &str) -> HttpResponse {
    let Some(name) = StoredName::parse(filename) else {
        return not_found();
    };
    let detected = match stored_type(state, owner, &name).await {
        Ok(d) => d,
        Err(res) => return res,
    };
    let root = MediaRoot::new(state.settings().media.root.clone());
    let Ok(file) = NamedFile::open_async(root.file(owner, &name)).await else {
        return not_found();
    };
    let Ok(mime) = detected.mime().parse() else {
        return not_found();
    };
    let disposition = ContentDisposition {
        disposition: if detected.inline() {
            DispositionType::Inline
        } else {
            DispositionType::Attachment
        },
        parameters: vec![DispositionParam::Filename(name.to_string())],
    };
    let mut res = file
        .set_content_type(mime)
        .set_content_disposition(disposition)
        .into_response(req);
    let headers = res.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    res
}

/// The 400 elizaOS answers for an id segment that is not a UUID.
fn bad_id(what: &str) -> HttpResponse {
    plain_error(
        actix_web::http::StatusCode::BAD_REQUEST,
        &format!("Invalid {what} ID format"),
    )
}

/// `GET /media/uploads/agents/:agentId/:filename`.
#[utoipa::path(
    get, path = "/media/uploads/agents/{agentId}/{filename}", tag = "media", security(()), params(("agentId" = uuid::Uuid, Path, description = "Agent id"), ("filename" = String, Path, description = "Generated file name")),
    responses(
        (status = 200, description = "The file, with its stored type and nosniff"),
        (status = 400, description = "The id is not a UUID", body = PlainError),
        (status = 404, description = "No such file", body = PlainError),
    )
)]
pub async fn get_agent_upload(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (id, filename) = path.into_inner();
    match parse_uuid(&id) {
        Some(id) => serve(&state, &req, Owner::Agent(id), &filename).await,
        None => bad_id("agent"),
    }
}

/// `GET /media/uploads/channels/:channelId/:filename`, from where channel uploads are written.
#[utoipa::path(
    get, path = "/media/uploads/channels/{channelId}/{filename}", tag = "media", security(()), params(("channelId" = uuid::Uuid, Path, description = "Channel id"), ("filename" = String, Path, description = "Generated file name")),
    responses(
        (status = 200, description = "The file, with its stored type and nosniff"),
        (status = 400, description = "The id is not a UUID", body = PlainError),
        (status = 404, description = "No such file", body = PlainError),
    )
)]
pub async fn get_channel_upload(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (id, filename) = path.into_inner();
    match parse_uuid(&id) {
        Some(id) => serve(&state, &req, Owner::Channel(id), &filename).await,
        None => bad_id("channel"),
    }
}

/// `GET /media/generated/:agentId/:filename`.
#[utoipa::path(
    get, path = "/media/generated/{agentId}/{filename}", tag = "media", security(()), params(("agentId" = uuid::Uuid, Path, description = "Agent id"), ("filename" = String, Path, description = "Generated file name")),
    responses(
        (status = 200, description = "The file, with its stored type and nosniff"),
        (status = 400, description = "The id is not a UUID", body = PlainError),
        (status = 404, description = "No such file", body = PlainError),
    )
)]
pub async fn get_generated(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (id, filename) = path.into_inner();
    match parse_uuid(&id) {
        Some(id) => serve(&state, &req, Owner::Generated(id), &filename).await,
        None => bad_id("agent"),
    }
}
