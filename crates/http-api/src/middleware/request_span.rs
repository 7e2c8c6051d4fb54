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

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use actix_web::middleware::from_fn;
    use actix_web::{App, HttpResponse, test, web};

    /// Collects formatted log output in memory.
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[actix_web::test]
    async fn each_request_logs_one_line_with_method_path_status_and_latency() {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);

        let app = test::init_service(
            App::new()
                .route(
                    "/teapot",
                    web::get().to(|| async { HttpResponse::ImATeapot().finish() }),
                )
                .wrap(from_fn(super::trace_request)),
        )
        .await;
        let req = test::TestRequest::get()
            .uri("/teapot?secret=1")
            .to_request();
        assert_eq!(test::call_service(&app, req).await.status(), 418);

        let logged = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        let lines: Vec<&str> = logged.lines().collect();
        assert_eq!(lines.len(), 1, "{logged}");
        let line = lines[0];
        for needle in [
            "http.request",
            "http.method=GET",
            "http.path=/teapot",
            "http.status=418",
            "latency_ms=",
            "request completed",
        ] {
            assert!(line.contains(needle), "{needle} missing in {line}");
        }
        assert!(
            !line.contains("secret"),
            "query strings are not logged: {line}"
        );
    }
}
