//! The real `@elizaos/api-client` 1.7.2 (`crates/http-api/tests/api-client/conformance.mjs`)
//! against a real agentd on `127.0.0.1:0`, default agent off: the script creates its own
//! agent through the client and checks every method whose route exists (docs/API-CLIENT.md).
//!
//! Without node or npm the test prints a loud SKIPPED line, and fails when `CI` is set.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;

/// The suite's folder once its pinned dependencies are installed, or `None` (skip).
fn suite_dir() -> Option<PathBuf> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../crates/http-api/tests/api-client");
    let works = |program: &str| {
        Command::new(program)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !works("node") || !works("npm") {
        return None;
    }
    if !dir.join("node_modules/@elizaos/api-client").exists() {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status();
        if !status.is_ok_and(|s| s.success()) {
            return None;
        }
    }
    Some(dir)
}

#[actix_web::test]
async fn the_official_api_client_works_against_agentd() {
    let Some(suite) = suite_dir() else {
        let msg = "SKIPPED the_official_api_client_works_against_agentd: node/npm or \
                   `npm ci` in crates/http-api/tests/api-client failed";
        eprintln!("\n!!!!!!!!!! {msg} !!!!!!!!!!\n");
        assert!(std::env::var_os("CI").is_none(), "{msg} (CI is set)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let env: HashMap<String, String> = HashMap::from([
        ("SERVER_PORT".into(), "0".into()),
        ("ELIZA_DATA_DIR".into(), dir.path().display().to_string()),
        ("AGENTD_DEFAULT_AGENT".into(), "false".into()),
    ]);
    let output = crate::run_node_against_server(&env, &suite, "conformance.mjs", &[]).await;

    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    eprintln!("{}", String::from_utf8_lossy(&output.stderr));
    let summary = stdout.lines().last().unwrap_or_default();
    assert!(
        summary.ends_with(" 0 failed") && output.status.success(),
        "api-client conformance: {summary}"
    );
}
