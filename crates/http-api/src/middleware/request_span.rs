//! One tracing span per request with method, path, status and latency, and one completion
//! event in it, so every request leaves exactly one log line.

use std::time::Instant;

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use tracing::Instrument;
use tracing::field::Empty;

/// Wraps the request in an `http.request` span and logs its outcome.
pub async fn trace_request(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let span = tracing::info_span!(
        "http.request",
        http.method = %req.method(),
        http.path = %req.path(),
        http.status = Empty,
        latency_ms = Empty,
    );
    let res = next.call(req).instrument(span.clone()).await;
    let status = match &res {
        Ok(res) => res.status().as_u16(),
        Err(err) => err.as_response_error().status_code().as_u16(),
    };
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    span.record("http.status", status);
    span.record("latency_ms", latency_ms);
    span.in_scope(|| {
        // 503 is the normal answer of `/health` without agents, not a fault.
        if status >= 500 && status != 503 {
            tracing::warn!("request completed");
        } else {
            tracing::info!("request completed");
        }
    });
    res
}
