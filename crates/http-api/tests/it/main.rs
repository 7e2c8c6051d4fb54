//! Integration tests of the HTTP edge: a real server on `127.0.0.1:0` built by the production
//! `create_app`, over a temp-dir SQLite database, driven by an HTTP client.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns: a failed set-up should panic loudly"
)]

mod agents;
mod auth;
mod cors;
mod headers;
mod helpers;
mod limits;
mod media;
mod messaging;
mod openapi;
mod openapi_bodies;
mod rate_limit;
mod realtime;
mod routes;
mod sessions;
mod ui;
