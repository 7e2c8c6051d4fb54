//! Media: uploads under `/api` and static serving under `/media`.
//!
//! `/api/messaging/channels/{id}/upload-media` is registered first inside the
//! `/messaging/channels` scope, so it matches that exact path before any channel route
//! could; the other routes sit in `/media` scopes of their own. A scope without a default
//! service hands unmatched paths to its parent's default, so these scopes change no answer,
//! only the cost of routing (docs/BENCHMARKS.md).

pub mod serve;
pub mod upload;

use actix_web::middleware::from_fn;
use actix_web::{Handler, Resource, Responder, web};

use super::fallback;
use crate::middleware::rate_limit;

/// A POST-only upload resource behind the upload and file-operation limits; other methods
/// fall through to the family-H 404.
pub(crate) fn upload_resource<F, Args>(
    path: &str,
    handler: F,
) -> Resource<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
>
where
    F: Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: Responder + 'static,
{
    web::resource(path)
        .route(web::post().to(handler))
        .default_service(web::to(fallback::api_not_found))
        .wrap(from_fn(rate_limit::limit_uploads))
}

/// The upload route of a channel, mounted first in the `/api/messaging/channels` scope.
pub fn configure_messaging(cfg: &mut web::ServiceConfig) {
    cfg.service(upload_resource(
        "/{channelId}/upload-media",
        upload::upload_channel_media,
    ));
}

/// The upload routes under `/api/media`, as one scope: its static prefix is compared before
/// any of its patterns runs, so other `/api` requests never pay for matching them.
pub fn api_scope() -> actix_web::Scope {
    web::scope("/media")
        .service(upload_resource(
            "/channels/{channelId}/upload-media",
            upload::upload_channel_media,
        ))
        .service(upload_resource(
            "/agents/{agentId}/upload-media",
            upload::upload_agent_media,
        ))
}

/// The static routes, mounted at the app root (outside `/api`: no API key, as in elizaOS).
pub fn configure_static(cfg: &mut web::ServiceConfig) {
    // One scope, for the same reason as `api_scope`; unmatched `/media/...` paths fall to
    // the app's default service as before.
    cfg.service(
        web::scope("/media")
            .service(
                web::resource("/uploads/agents/{agentId}/{filename}")
                    .route(web::get().to(serve::get_agent_upload)),
            )
            .service(
                web::resource("/uploads/channels/{channelId}/{filename}")
                    .route(web::get().to(serve::get_channel_upload)),
            )
            .service(
                web::resource("/generated/{agentId}/{filename}")
                    .route(web::get().to(serve::get_generated)),
            ),
    );
}
