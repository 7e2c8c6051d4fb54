//! `/api/server`: runtime probes, family C.

use actix_web::{HttpResponse, web};
use agentd_core::time::{to_iso, to_millis};
use chrono::Utc;
use serde_json::json;

use crate::openapi::schemas as doc;
use crate::state::AppState;

/// `GET /api/server/ping`.
#[utoipa::path(
    get, path = "/api/server/ping", tag = "system",
    responses(
        (status = 200, description = "`{pong:true,timestamp:ms}`", body = doc::Json),
    )
)]
pub async fn get_ping() -> HttpResponse {
    HttpResponse::Ok().json(json!({"pong": true, "timestamp": to_millis(Utc::now())}))
}

/// `GET /api/server/hello`.
#[utoipa::path(
    get, path = "/api/server/hello", tag = "system",
    responses(
        (status = 200, description = "`{message:\"Hello World!\"}`", body = doc::Json),
    )
)]
pub async fn get_hello() -> HttpResponse {
    HttpResponse::Ok().json(json!({"message": "Hello World!"}))
}

/// `GET /api/server/status`.
#[utoipa::path(
    get, path = "/api/server/status", tag = "system",
    responses(
        (status = 200, description = "`{status:\"ok\",agentCount,timestamp}`", body = doc::Json),
    )
)]
pub async fn get_status(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "status": "ok",
        "agentCount": state.agents().running_count(),
        "timestamp": to_iso(Utc::now()),
    }))
}

/// `GET /api/server/health`: like `/health` but `status` stays `"OK"` and there is no
/// `agentCount` (as in 1.7.2); 503 when no agent runs.
#[utoipa::path(
    get, path = "/api/server/health", tag = "system", operation_id = "get_server_health",
    responses(
        (status = 200, description = "At least one agent runs", body = doc::Health),
        (status = 503, description = "No agent runs", body = doc::Health),
    )
)]
pub async fn get_health(state: web::Data<AppState>) -> HttpResponse {
    let healthy = state.agents().running_count() > 0;
    let body = json!({
        "status": "OK",
        "version": crate::VERSION,
        "timestamp": to_iso(Utc::now()),
        "dependencies": {"agents": if healthy { "healthy" } else { "no_agents" }},
    });
    if healthy {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
