//! `agentd-hello`: the smallest actix-web server answering `GET /api/server/ping` like agentd
//! does (`{"pong":true,"timestamp":<ms>}`), with the same actix-web build and worker count.
//!
//! `cargo xtask bench` runs the ping workload against it: whatever agentd loses against this
//! binary is agentd's own cost (middleware, routing), not the framework's or the machine's.
//! Binds `127.0.0.1:$PORT` (default 3999); stops on SIGINT/SIGTERM.
//!
//! With `HELLO_SECURITY_HEADERS=1` it also sends agentd's security headers (development
//! CSP and the fixed set), so its responses carry the same bytes as agentd's: the second
//! ceiling of the benchmark, which separates what those headers cost (kernel and encoder
//! work for ~650 more bytes per response) from what agentd's routing and middleware cost.

use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::{App, HttpResponse, HttpServer, web};

/// `GET /api/server/ping`: the same body shape as agentd's.
async fn ping(headers: web::Data<bool>) -> HttpResponse {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    let mut res = HttpResponse::Ok();
    if **headers {
        use agentd_http_api::middleware::headers::{DEV_CSP, FIXED_HEADERS};
        res.insert_header(("content-security-policy", DEV_CSP));
        for header in FIXED_HEADERS {
            res.insert_header(header);
        }
    }
    res.json(serde_json::json!({"pong": true, "timestamp": ms}))
}

/// `GET /healthz`: what the harness polls for readiness.
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "OK"}))
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3999);
    let headers = std::env::var("HELLO_SECURITY_HEADERS").is_ok_and(|v| v == "1");
    HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(headers))
            .route("/api/server/ping", web::get().to(ping))
            .route("/healthz", web::get().to(healthz))
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await
}
