//! Public liveness and health probes: no auth, family C.

use actix_web::{HttpResponse, web};
use agentd_wire::system::{Health, Liveness};
use chrono::Utc;

use crate::state::AppState;

/// `GET /healthz`: the process answers.
#[utoipa::path(
    get, path = "/healthz", tag = "system", security(()),
    responses(
        (status = 200, description = "The process answers", body = Liveness),
    )
)]
pub async fn get_healthz() -> HttpResponse {
    HttpResponse::Ok().json(Liveness::new(Utc::now()))
}

/// `GET /health`: 200 `OK` with at least one running agent, else 503 `DEGRADED`.
#[utoipa::path(
    get, path = "/health", tag = "system", security(()),
    responses(
        (status = 200, description = "At least one agent runs", body = Health),
        (status = 503, description = "No agent runs (DEGRADED)", body = Health),
    )
)]
pub async fn get_health(state: web::Data<AppState>) -> HttpResponse {
    let running = state.agents().running_count();
    let body = Health::probe(running, crate::VERSION, Utc::now());
    if Health::healthy(running) {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
