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

/// Builds the server from `env`, runs `node <script>` in `dir` with `AGENTD_URL` pointing at
/// it (plus `extra_env`), then stops the server: the one shape of every node-driven suite.
async fn run_node_against_server(
    env: &std::collections::HashMap<String, String>,
    dir: &std::path::Path,
    script: &str,
    extra_env: &[(&str, std::ffi::OsString)],
) -> std::process::Output {
    let settings = agentd::Settings::from_sources(None, env).unwrap();
    let app = agentd::Application::build(settings).await.unwrap();
    let url = format!("http://127.0.0.1:{}", app.port());
    let handle = app.shutdown_handle();
    let running = actix_web::rt::spawn(app.run_until_stopped());
    let mut command = std::process::Command::new("node");
    command.arg(script).env("AGENTD_URL", &url).current_dir(dir);
    for (key, value) in extra_env {
        command.env(key, value);
    }
    // Blocking wait on a pool thread, so the server keeps serving on this one; the scripts'
    // own timeouts bound it.
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap();
    handle.stop().await;
    running.await.unwrap().unwrap();
    output
}
