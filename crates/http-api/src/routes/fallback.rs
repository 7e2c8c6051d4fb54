//! What unmatched paths get.

use actix_web::HttpResponse;

/// Family H: any unmatched `/api/*` path or method. `code` is a number, as in elizaOS.
pub async fn api_not_found() -> HttpResponse {
    HttpResponse::NotFound().json(agentd_wire::envelope::RouteNotFound {
        success: false,
        error: agentd_wire::envelope::RouteNotFoundBody {
            message: "API endpoint not found".into(),
            code: 404,
        },
    })
}
