//! Media: uploads under `/api` and static serving under `/media` (spec 3.8, issue 7).
//!
//! Every route here is registered as its own resource, so nothing in this module can shadow
//! the agents or messaging routes: `/api/messaging/channels/{id}/upload-media` matches that
//! exact path only, and is registered before the `/messaging` scope (actix takes the first
//! matching service and never falls through from a scope).

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

/// The upload routes, mounted inside `/api`; must be configured before any `/messaging` or
/// `/media` scope.
pub fn configure_api(cfg: &mut web::ServiceConfig) {
    cfg.service(upload_resource(
        "/messaging/channels/{channelId}/upload-media",
        upload::upload_channel_media,
    ))
    .service(upload_resource(
        "/media/channels/{channelId}/upload-media",
        upload::upload_channel_media,
    ))
    .service(upload_resource(
        "/media/agents/{agentId}/upload-media",
        upload::upload_agent_media,
    ));
}

/// The static routes, mounted at the app root (outside `/api`: no API key, as in elizaOS).
pub fn configure_static(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/media/uploads/agents/{agentId}/{filename}")
            .route(web::get().to(serve::get_agent_upload)),
    )
    .service(
        web::resource("/media/uploads/channels/{channelId}/{filename}")
            .route(web::get().to(serve::get_channel_upload)),
    )
    .service(
        web::resource("/media/generated/{agentId}/{filename}")
            .route(web::get().to(serve::get_generated)),
    );
}
