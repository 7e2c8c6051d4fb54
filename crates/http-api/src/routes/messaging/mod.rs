//! `/api/messaging` (spec 3.3, 3.4, 3.5, 3.7, 3.12): message servers, channels, messages,
//! the agent-facing core routes, transports and jobs. Errors use family B (jobs: family E,
//! the same shape) and never store a message that is then rejected.
//!
//! Resources are registered relative to the `/messaging` scope that `routes::configure_api`
//! opens, which also holds the sessions routes and the channel upload route.

pub mod channels;
pub mod core;
pub mod history_cache;
pub mod jobs;
pub mod messages;
pub mod render;
pub mod servers;
mod support;
pub mod title;
pub mod transports;

use actix_web::web;

/// Registers every messaging route, including the deprecated aliases.
pub fn configure(cfg: &mut web::ServiceConfig) {
    // Order matters where paths overlap: literal segments before `{param}` ones.
    jobs::configure(cfg);
    core::configure(cfg);
    servers::configure(cfg);
    channels::configure(cfg);
    messages::configure(cfg);
    title::configure(cfg);
}
