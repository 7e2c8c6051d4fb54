//! `/api/system`. The `.env` routes are in `env_local`.

use actix_web::{HttpResponse, web};
use agentd_wire::Success;
use agentd_wire::system::{SystemConfig, SystemVersion};
use chrono::Utc;

use crate::state::AppState;

/// `GET /api/system/version`: family C; `uptime` in seconds.
#[utoipa::path(
    get, path = "/api/system/version", tag = "system",
    responses(
        (status = 200, description = "The server's version and uptime (raw)", body = SystemVersion),
    )
)]
pub async fn get_version(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(SystemVersion::new(
        crate::VERSION,
        state.settings().environment.as_str(),
        Utc::now(),
        state.started_at().elapsed().as_secs_f64(),
    ))
}

/// `GET /api/system/config`: family A. `requiresAuth` reports data isolation in elizaOS
/// (`ENABLE_DATA_ISOLATION`), which agentd does not offer, so it is always false.
#[utoipa::path(
    get, path = "/api/system/config", tag = "system",
    responses(
        (status = 200, description = "`{requiresAuth:false}`: agentd has no data isolation", body = Success<SystemConfig>),
    )
)]
pub async fn get_config() -> HttpResponse {
    HttpResponse::Ok().json(Success::new(SystemConfig {
        requires_auth: false,
    }))
}
