//! HTTP edge: `create_app`, middleware, routes and the elizaOS response envelopes.
//!
//! [`create_app`] is the one place the app is assembled; the binary and every test use it
//! (through [`serve`]), so tests exercise production routing and middleware.

pub mod auth;
pub mod error;
pub mod middleware;
pub mod openapi;
pub mod routes;
pub mod settings;
pub mod state;

use std::net::TcpListener;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, Error, HttpServer, web};

/// The elizaOS Socket.IO event layer (its own crate), re-exported for the binary and tests.
pub use agentd_realtime as realtime;
pub use error::{ApiError, Envelope};
pub use settings::{ApiSettings, CorsOrigins, Environment, IpNet, Secret, UiSettings};
pub use state::AppState;

use middleware::{
    api_key, body_limit, content_type, cors, headers, normalize_path, rate_limit, request_span,
};
use routes::{fallback, health, plugin_routes};

/// The version reported by `/health`, `/api/server/health` and `/api/system/version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Builds the app: routes and the middleware stack, in the order elizaOS uses.
///
/// Outer to inner: trailing-slash normalisation, request span, security headers, CORS
/// (answers preflights), routing; then under `/api`: rate limit, API key, Content-Type check, body
/// limit, handlers, family-H 404. The rate limiter sits outside the key check so key guessing
/// is throttled too.
pub fn create_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = Error,
        InitError = (),
    >,
> {
    let max_payload = state.settings().max_payload;
    let io = state.realtime().io().clone();
    App::new()
        .app_data(web::Data::new(state))
        .app_data(error::json_config(max_payload))
        .app_data(web::PayloadConfig::new(max_payload))
        .app_data(error::query_config())
        .service(web::resource("/healthz").route(web::get().to(health::get_healthz)))
        .service(web::resource("/health").route(web::get().to(health::get_health)))
        .configure(routes::media::configure_static)
        // Socket.IO sits outside `/api`: its own key check, no REST rate limit.
        .configure(|cfg| agentd_socketio::configure(cfg, io))
        .service(
            // Two scopes: the rate limit answers unmatched paths too (the outer default).
            web::scope("/api")
                // Public (no API key, no content-type check): see `openapi`'s module docs.
                .service(
                    web::resource("/openapi.json")
                        .route(web::get().to(openapi::get_openapi))
                        .default_service(web::to(fallback::api_not_found)),
                )
                .service(
                    web::scope("")
                        .configure(routes::configure_api)
                        // Plugin routes only where no core route matched (unlike elizaOS).
                        .default_service(web::to(plugin_routes::api_default))
                        .wrap(from_fn(body_limit::limit_body))
                        .wrap(from_fn(content_type::check_content_type))
                        .wrap(from_fn(api_key::require_api_key)),
                )
                .default_service(web::to(fallback::api_not_found))
                .wrap(from_fn(rate_limit::limit_api)),
        )
        // A plugin route at the bare path, else the web UI with its SPA fallback, agentd's
        // own page, or 403.
        .default_service(web::to(plugin_routes::root_default))
        .wrap(from_fn(cors::cors))
        .wrap(from_fn(headers::security_headers))
        .wrap(from_fn(request_span::trace_request))
        // Outermost: it rewrites the request head, which needs the request unshared.
        .wrap(from_fn(normalize_path::normalize_path))
}

/// Starts serving `state` on an already bound listener.
///
/// The listener is bound by the caller so a busy port is reported by the caller, with the
/// address, and tests can bind port 0. The server installs no signal handlers (actix would
/// treat SIGINT as a forced stop); the caller stops it through `Server::handle`, and a
/// graceful stop drains in-flight requests for up to `shutdown_timeout`.
pub fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown_timeout: Duration,
) -> std::io::Result<Server> {
    state.rate_limit().spawn_cleanup();
    state.realtime().start();
    let server = HttpServer::new(move || create_app(state.clone()))
        .shutdown_timeout(shutdown_timeout.as_secs())
        .disable_signals()
        .listen(listener)?
        .run();
    Ok(server)
}
