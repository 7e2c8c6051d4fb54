//! `agentd-hello`: the smallest actix-web server answering `GET /api/server/ping` like agentd
//! does (`{"pong":true,"timestamp":<ms>}`), with the same actix-web build and worker count.
//!
//! `cargo xtask bench` runs the ping workload against it: whatever agentd loses against this
//! binary is agentd's own cost (middleware, routing), not the framework's or the machine's.
//! Binds `127.0.0.1:$PORT` (default 3999); stops on SIGINT/SIGTERM.

use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::{App, HttpResponse, HttpServer, web};

/// `GET /api/server/ping`: the same body shape as agentd's.
async fn ping() -> HttpResponse {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    HttpResponse::Ok().json(serde_json::json!({"pong": true, "timestamp": ms}))
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
    HttpServer::new(|| {
        App::new()
            .route("/api/server/ping", web::get().to(ping))
            .route("/healthz", web::get().to(healthz))
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await
}
