//! Public liveness and health probes: no auth, family C.

use actix_web::{HttpResponse, web};
use agentd_core::time::to_iso;
use chrono::Utc;
use serde_json::json;

use crate::openapi::schemas as doc;
use crate::state::AppState;

/// `GET /healthz`: the process answers.
#[utoipa::path(
    get, path = "/healthz", tag = "system", security(()),
    responses(
        (status = 200, description = "The process answers", body = doc::Liveness),
    )
)]
pub async fn get_healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok", "timestamp": to_iso(Utc::now())}))
}

/// `GET /health`: 200 `OK` with at least one running agent, else 503 `DEGRADED`.
#[utoipa::path(
    get, path = "/health", tag = "system", security(()),
    responses(
        (status = 200, description = "At least one agent runs", body = doc::Health),
        (status = 503, description = "No agent runs (DEGRADED)", body = doc::Health),
    )
)]
pub async fn get_health(state: web::Data<AppState>) -> HttpResponse {
    let count = state.agents().running_count();
    let healthy = count > 0;
    let body = json!({
        "status": if healthy { "OK" } else { "DEGRADED" },
        "version": crate::VERSION,
        "timestamp": to_iso(Utc::now()),
        "dependencies": {"agents": if healthy { "healthy" } else { "no_agents" }},
        "agentCount": count,
    });
    if healthy {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
