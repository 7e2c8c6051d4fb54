//! Integration tests for `agentd-socketio`: codec properties, and a real actix server
//! driven by the real `socket.io-client` from npm.

#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns: a failed set-up should panic loudly"
)]

mod codec_fuzz;
mod echo_app;
mod node;
mod raw_http;
