//! What unmatched paths get.

use actix_web::HttpResponse;
use serde_json::json;

/// Family H: any unmatched `/api/*` path or method. `code` is a number, as in elizaOS.
pub async fn api_not_found() -> HttpResponse {
    HttpResponse::NotFound().json(json!({
        "success": false,
        "error": {"message": "API endpoint not found", "code": 404},
    }))
}
