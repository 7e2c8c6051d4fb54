//! `GET`/`POST /api/system/env/local`, the web UI's settings page.
//!
//! Off by default: 403 `FORBIDDEN`, since 1.7.2 lets any API caller read and rewrite the
//! server's `.env`. `AGENTD_ENABLE_ENV_ROUTES=true` turns them on; the loader then
//! refuses to start unless an API key is set or the server is loopback-only. Only the `.env`
//! of one directory is read or written (never a walk up the tree), names must be shell-style
//! identifiers, and values are written double-quoted with `\`, `"`, newlines and `$` escaped,
//! so no value can start a second variable.

use std::path::Path;

use actix_web::{HttpResponse, web};
use agentd_core::ErrorCode;
use agentd_wire::Success;
use agentd_wire::envelope::StdError;
use agentd_wire::system::env::{EnvUpdated, EnvVars, UpdateEnv, parse, render};

use crate::error::ApiError;
use crate::state::AppState;

fn forbidden() -> ApiError {
    ApiError::new(
        ErrorCode::Forbidden,
        "Reading and writing the server's .env over the API is disabled (AGENTD_ENABLE_ENV_ROUTES)",
    )
}

/// `GET`: `data` is the variables of the `.env`, `{}` when there is none.
#[utoipa::path(
    get, path = "/api/system/env/local", tag = "system",
    responses(
        (status = 200, description = "The variables of the working directory .env (`{}` when none)", body = Success<EnvVars>),
        (status = 403, description = "Off unless AGENTD_ENABLE_ENV_ROUTES=true (FORBIDDEN)", body = StdError),
    )
)]
pub async fn get_env_local(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let Some(dir) = state.settings().env_dir.clone() else {
        return Err(forbidden());
    };
    let text = match tokio::fs::read_to_string(dir.join(".env")).await {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(ApiError::opaque(ErrorCode::InternalServerError, e)),
    };
    Ok(HttpResponse::Ok().json(Success::new(parse(&text))))
}

/// `POST {content:{KEY:"value"}}`: replaces the `.env` with these variables.
#[utoipa::path(
    post, path = "/api/system/env/local", tag = "system", request_body = UpdateEnv,
    responses(
        (status = 200, description = "Written", body = EnvUpdated),
        (status = 400, description = "Missing or invalid content", body = StdError),
        (status = 403, description = "Off unless AGENTD_ENABLE_ENV_ROUTES=true (FORBIDDEN)", body = StdError),
    )
)]
pub async fn post_env_local(
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let Some(dir) = state.settings().env_dir.clone() else {
        return Err(forbidden());
    };
    let invalid = |m: &'static str| ApiError::new(ErrorCode::InvalidInput, m);
    if body.trim_ascii().is_empty() {
        return Err(invalid("Invalid JSON body"));
    }
    let parsed: UpdateEnv =
        agentd_wire::parse(&body).map_err(|e| invalid(UpdateEnv::error_message(&e)))?;
    let Some(content) = parsed.content else {
        return Err(invalid(agentd_wire::system::env::MISSING_CONTENT));
    };
    let text = render(&content).map_err(|m| ApiError::new(ErrorCode::InvalidInput, m))?;
    write_atomically(&dir, &text)
        .await
        .map_err(|e| ApiError::opaque(ErrorCode::UpdateError, e))?;
    Ok(HttpResponse::Ok().json(EnvUpdated::default()))
}

async fn write_atomically(dir: &Path, text: &str) -> std::io::Result<()> {
    let tmp = dir.join(format!(".env.agentd-{}", uuid::Uuid::new_v4()));
    tokio::fs::write(&tmp, text).await?;
    let renamed = tokio::fs::rename(&tmp, dir.join(".env")).await;
    if renamed.is_err() {
        let _ = tokio::fs::remove_file(&tmp).await;
    }
    renamed
}
