//! `/api/messaging`: message servers, channels, messages, the agent-facing core routes,
//! transports and jobs. Errors use family B (jobs: family E, the same shape) and never store a
//! message that is then rejected.
//!
//! Resources are registered relative to the `/messaging` scope that `routes::configure_api`
//! opens, which also holds the sessions routes and the channel upload route.

pub mod channels;
pub mod core;
pub mod history_cache;
pub mod jobs;
pub mod messages;
pub mod servers;

pub mod title;
pub mod transports;

use actix_web::web;

/// Registers every messaging route, including the deprecated aliases.
pub fn configure(cfg: &mut web::ServiceConfig) {
    // Each prefix is a scope, the channels first: their routes (history, posting) are the
    // busiest, and a scope is entered by a string compare, while every `{param}` resource tried
    // before the right one costs a regex match. Inside a scope, literal segments precede
    // `{param}` ones where paths overlap.
    for prefix in ["/channels", "/central-channels"] {
        let mut scope = web::scope(prefix);
        if prefix == "/channels" {
            // First: the exact upload path, before any channel pattern could take it.
            scope = scope.configure(crate::routes::media::configure_messaging);
        }
        cfg.service(
            scope
                .configure(messages::configure)
                .configure(channels::configure_channel)
                .configure(title::configure),
        );
    }
    cfg.service(web::scope("/jobs").configure(jobs::configure));
    core::configure(cfg);
    servers::configure(cfg);
    channels::configure(cfg);
}
