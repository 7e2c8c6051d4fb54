//! Body size limit for `/api` (`EXPRESS_MAX_PAYLOAD`): checked against `Content-Length`
//! before the handler runs and again while the body streams, so a chunked body without a
//! length cannot slip past it.
//!
//! Multipart bodies are exempt: uploads have their own, larger, streaming limit.

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, ResponseError};
use futures_util::StreamExt;

use super::content_type::{content_length, has_body_method};
use crate::error::payload_too_large;

/// Answers 413 `PAYLOAD_TOO_LARGE` for bodies over the limit; a body that grows past it while
/// streaming ends in `PayloadError::Overflow`, which the JSON extractor turns into the same 413.
pub async fn limit_body(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let limit = super::state_of(req.request()).map(|s| s.settings().max_payload);
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("multipart/form-data"));
    if let Some(limit) = limit
        && has_body_method(req.method())
        && !is_multipart
    {
        let declared = content_length(&req);
        if declared.is_some_and(|n| n > limit as u64) {
            return Ok(req
                .into_response(payload_too_large().error_response())
                .map_into_right_body());
        }
        let mut seen = 0usize;
        let limited = req.take_payload().map(move |chunk| {
            let chunk = chunk?;
            seen = seen.saturating_add(chunk.len());
            if seen > limit {
                Err(PayloadError::Overflow)
            } else {
                Ok(chunk)
            }
        });
        req.set_payload(Payload::Stream {
            payload: Box::pin(limited),
        });
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

#[cfg(test)]
mod tests {
    use actix_web::middleware::from_fn;
    use actix_web::{App, HttpResponse, test, web};
    use bytes_stream::chunks;
    use serde_json::Value;

    use crate::error::json_config;
    use crate::settings::ApiSettings;
    use crate::state::AppState;

    mod bytes_stream {
        use actix_web::web::Bytes;
        use futures_util::stream::{self, Stream};

        pub fn chunks(
            n: usize,
            size: usize,
        ) -> impl Stream<Item = Result<Bytes, actix_web::error::PayloadError>> {
            let mut parts = vec![Bytes::from_static(b"\"")];
            parts.extend((0..n).map(move |_| Bytes::from(vec![b'a'; size])));
            parts.push(Bytes::from_static(b"\""));
            stream::iter(parts.into_iter().map(Ok))
        }
    }

    async fn echo(body: web::Json<Value>) -> HttpResponse {
        HttpResponse::Ok().json(body.into_inner())
    }

    async fn state(limit: usize) -> AppState {
        let dir = tempfile::tempdir().unwrap();
        let db = agentd_storage::Db::connect(&agentd_storage::DbConfig {
            postgres_url: None,
            sqlite_path: dir.path().join("agentd.db"),
            pool_size: 1,
        })
        .await
        .unwrap();
        let settings = ApiSettings {
            max_payload: limit,
            ..ApiSettings::default()
        };
        AppState::new(
            settings,
            db,
            agentd_runtime::AgentRegistry::new(),
            std::sync::Arc::new(agentd_bus::LocalBus::default()),
        )
    }

    /// A chunked body without Content-Length is cut off by the streaming check, and the
    /// handler's JSON extractor answers the same 413 envelope.
    #[actix_web::test]
    async fn streamed_bodies_over_the_limit_are_rejected() {
        let app = test::init_service(
            App::new()
                .app_data(web::Data::new(state(1024).await))
                // The extractor's own limit is far above the middleware's: only the streaming
                // check can stop this body.
                .app_data(json_config(1 << 30))
                .route("/echo", web::post().to(echo))
                .wrap(from_fn(super::limit_body)),
        )
        .await;
        let small = test::TestRequest::post()
            .uri("/echo")
            .insert_header(("content-type", "application/json"))
            .set_payload(r#""ok""#)
            .to_request();
        assert_eq!(test::call_service(&app, small).await.status(), 200);

        let req = test::TestRequest::post()
            .uri("/echo")
            .insert_header(("content-type", "application/json"))
            .to_request();
        type Boxed = std::pin::Pin<
            Box<
                dyn futures_util::Stream<
                        Item = Result<actix_web::web::Bytes, actix_web::error::PayloadError>,
                    >,
            >,
        >;
        let (streamed, _) = req.replace_payload(actix_web::dev::Payload::from(Box::pin(chunks(
            8, 256,
        )) as Boxed));
        let res = test::call_service(&app, streamed).await;
        assert_eq!(res.status(), 413);
        let body: Value = test::read_body_json(res).await;
        assert_eq!(body["error"]["code"], "PAYLOAD_TOO_LARGE");
    }
}
