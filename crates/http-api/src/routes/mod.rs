//! Route handlers, one module per resource, and the `/api` route table.

pub mod agents;
pub mod audio;
pub mod env_local;
pub mod fallback;
pub mod health;
pub mod media;
pub mod memory;
pub mod messaging;
pub mod model;
pub mod plugin_routes;
pub mod server;
pub mod server_logs;
pub mod sessions;
pub(crate) mod support;
pub mod system;
pub mod ui;

use actix_web::{Handler, Resource, Responder, web};

/// A GET-only resource whose other methods fall through to the family-H 404, as in Express
/// (actix would answer 405).
pub(crate) fn get<F, Args>(path: &str, handler: F) -> Resource
where
    F: Handler<Args>,
    Args: actix_web::FromRequest + 'static,
    F::Output: Responder + 'static,
{
    web::resource(path)
        .route(web::get().to(handler))
        .default_service(web::to(fallback::api_not_found))
}

/// Mounts every `/api` sub-router.
pub fn configure_api(cfg: &mut web::ServiceConfig) {
    // Every group is a scope with a static prefix: actix-router compares a static prefix
    // as a string, but matches each `{param}` pattern with a regex, so a flat list of
    // patterns made every request pay for all those before its own.
    cfg.service(media::api_scope())
        .service(audio::scope())
        .service(
            web::scope("/agents")
                .configure(agents::configure)
                .default_service(web::to(fallback::api_not_found)),
        )
        .service(
            web::scope("/memory")
                .configure(memory::configure)
                .default_service(web::to(fallback::api_not_found)),
        )
        .service(
            web::scope("/server")
                .service(get("/ping", server::get_ping))
                .service(get("/hello", server::get_hello))
                .service(get("/status", server::get_status))
                .service(get("/health", server::get_health))
                .service(server_logs::logs_resource())
                .default_service(web::to(fallback::api_not_found)),
        )
        .service(
            web::scope("/system")
                .service(get("/version", system::get_version))
                .service(get("/config", system::get_config))
                .service(
                    web::resource("/env/local")
                        .route(web::get().to(env_local::get_env_local))
                        .route(web::post().to(env_local::post_env_local))
                        .default_service(web::to(fallback::api_not_found)),
                )
                .default_service(web::to(fallback::api_not_found)),
        )
        .service(
            web::scope("/messaging")
                .service(web::scope("/sessions").configure(sessions::configure))
                .configure(messaging::configure),
        );
}
