//! Integration tests of the `agentd` binary crate: start-up policy, real server on
//! `127.0.0.1:0` over a temp-dir SQLite database, and the binary's exit codes.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns: a failed set-up should panic loudly"
)]

mod agents;
mod api_client;
mod binary;
mod conversation;
mod crash;
mod scale_out;
mod sessions;
mod startup;
mod ui_e2e;
