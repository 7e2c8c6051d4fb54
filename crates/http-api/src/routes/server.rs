//! `/api/server` (spec 3.10): runtime probes, family C.

use actix_web::{HttpResponse, web};
use agentd_core::time::{to_iso, to_millis};
use chrono::Utc;
use serde_json::json;

use crate::state::AppState;

/// `GET /api/server/ping`.
pub async fn get_ping() -> HttpResponse {
    HttpResponse::Ok().json(json!({"pong": true, "timestamp": to_millis(Utc::now())}))
}

/// `GET /api/server/hello`.
pub async fn get_hello() -> HttpResponse {
    HttpResponse::Ok().json(json!({"message": "Hello World!"}))
}

/// `GET /api/server/status`.
pub async fn get_status(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "status": "ok",
        "agentCount": state.agents().running_count(),
        "timestamp": to_iso(Utc::now()),
    }))
}

/// `GET /api/server/health`: like `/health` but `status` stays `"OK"` and there is no
/// `agentCount` (as in 1.7.2); 503 when no agent runs.
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
