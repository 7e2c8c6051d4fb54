//! `/api/server`: runtime probes, family C.

use actix_web::{HttpResponse, web};
use agentd_wire::system::{Health, Hello, Pong, ServerStatus};
use chrono::Utc;

use crate::state::AppState;

/// `GET /api/server/ping`.
#[utoipa::path(
    get, path = "/api/server/ping", tag = "system",
    responses(
        (status = 200, description = "`{pong:true,timestamp:ms}`", body = Pong),
    )
)]
pub async fn get_ping() -> HttpResponse {
    HttpResponse::Ok().json(Pong::new(Utc::now()))
}

/// `GET /api/server/hello`.
#[utoipa::path(
    get, path = "/api/server/hello", tag = "system",
    responses(
        (status = 200, description = "`{message:\"Hello World!\"}`", body = Hello),
    )
)]
pub async fn get_hello() -> HttpResponse {
    HttpResponse::Ok().json(Hello::default())
}

/// `GET /api/server/status`.
#[utoipa::path(
    get, path = "/api/server/status", tag = "system",
    responses(
        (status = 200, description = "`{status:\"ok\",agentCount,timestamp}`", body = ServerStatus),
    )
)]
pub async fn get_status(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().json(ServerStatus::new(
        state.agents().running_count(),
        Utc::now(),
    ))
}

/// `GET /api/server/health`: like `/health` but `status` stays `"OK"` and there is no
/// `agentCount` (as in 1.7.2); 503 when no agent runs.
#[utoipa::path(
    get, path = "/api/server/health", tag = "system", operation_id = "get_server_health",
    responses(
        (status = 200, description = "At least one agent runs", body = Health),
        (status = 503, description = "No agent runs", body = Health),
    )
)]
pub async fn get_health(state: web::Data<AppState>) -> HttpResponse {
    let running = state.agents().running_count();
    let body = Health::server(running, crate::VERSION, Utc::now());
    if Health::healthy(running) {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
