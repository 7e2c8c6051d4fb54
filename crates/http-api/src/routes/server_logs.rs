//! `GET|POST|DELETE /api/server/logs` over the same buffer as `log_stream`.
//! Unlike 1.7.2 the agent filters work, because records carry the agent fields.

use actix_web::{HttpResponse, Resource, web};
use agentd_wire::system::logs::{LogsCleared, LogsPage, LogsQuery};

use crate::state::AppState;

/// The `/logs` resource, to mount inside the `/server` scope.
pub fn logs_resource() -> Resource {
    web::resource("/logs")
        .route(web::get().to(get_logs))
        .route(web::post().to(get_logs))
        .route(web::delete().to(delete_logs))
        .default_service(web::to(crate::routes::fallback::api_not_found))
}

/// `GET|POST /api/server/logs`: query `since` (ms), `level` (exact name or `all`),
/// `agentName`, `agentId`, `limit`. A bad value falls back to its default (as 1.7.2 does
/// for `parseInt` failures), never to an error. The POST body is ignored.
#[utoipa::path(
    method(get, post), path = "/api/server/logs", tag = "system", params(LogsQuery),
    responses(
        (status = 200, description = "The newest matching entries; bad values fall back to defaults; a POST body is ignored", body = LogsPage),
    )
)]
pub async fn get_logs(state: web::Data<AppState>, query: web::Query<LogsQuery>) -> HttpResponse {
    let records = state.realtime().logs().snapshot();
    let now = chrono::Utc::now().timestamp_millis();
    HttpResponse::Ok().json(LogsPage::select(records, &query, now))
}

/// `DELETE /api/server/logs`: empties the buffer.
#[utoipa::path(
    delete, path = "/api/server/logs", tag = "system",
    responses(
        (status = 200, description = "`{status:\"success\",message}`: the log buffer is empty", body = LogsCleared),
    )
)]
pub async fn delete_logs(state: web::Data<AppState>) -> HttpResponse {
    state.realtime().logs().clear();
    HttpResponse::Ok().json(LogsCleared::default())
}
