//! `/api/system`. The `.env` routes are in `env_local`.

use actix_web::{HttpResponse, web};
use agentd_core::time::to_iso;
use chrono::Utc;
use serde_json::json;

use crate::openapi::schemas as doc;
use crate::state::AppState;

/// `GET /api/system/version`: family C; `uptime` in seconds.
#[utoipa::path(
    get, path = "/api/system/version", tag = "system",
    responses(
        (status = 200, description = "`{version,source,timestamp,environment,uptime}` (raw)", body = doc::Json),
    )
)]
pub async fn get_version(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "version": crate::VERSION,
        "source": "server",
        "timestamp": to_iso(Utc::now()),
        "environment": state.settings().environment.as_str(),
        "uptime": state.started_at().elapsed().as_secs_f64(),
    }))
}

/// `GET /api/system/config`: family A. `requiresAuth` reports data isolation in elizaOS
/// (`ENABLE_DATA_ISOLATION`), which agentd does not offer, so it is always false.
#[utoipa::path(
    get, path = "/api/system/config", tag = "system",
    responses(
        (status = 200, description = "`{requiresAuth:false}`: agentd has no data isolation", body = doc::Success<doc::Json>),
    )
)]
pub async fn get_config() -> HttpResponse {
    HttpResponse::Ok().json(json!({"success": true, "data": {"requiresAuth": false}}))
}
