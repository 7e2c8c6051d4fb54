//! The elizaOS web UI end to end (`crates/http-api/tests/ui-e2e/e2e.mjs`): a real agentd with
//! the default agent serving the fetched UI, driven by `playwright-core` in Debian's headless
//! Chromium, under the development and the production CSP. Screenshots of each step go to
//! `target/ui-e2e/<environment>/`.
//!
//! The test installs what it needs when missing (`cargo xtask ui`, `apt-get install
//! chromium`, `npm ci`); when that fails it prints a loud SKIPPED line, and fails when `CI`
//! is set.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn ok(cmd: &mut Command) -> bool {
    cmd.status().is_ok_and(|s| s.success())
}

/// Everything the test needs, installed when missing; `Err` names what is missing.
fn prerequisites() -> Result<(PathBuf, PathBuf), String> {
    let root = workspace();
    let ui = root.join("ui");
    if !ui.join("index.html").is_file() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        if !ok(Command::new(cargo).args(["xtask", "ui"]).current_dir(&root)) {
            return Err("`cargo xtask ui` failed (needs npm)".into());
        }
    }
    if !Path::new(CHROMIUM).exists()
        && !ok(Command::new("apt-get").args(["install", "-y", "chromium"]))
    {
        return Err(format!(
            "{CHROMIUM} is missing and `apt-get install chromium` failed"
        ));
    }
    let suite = root.join("crates/http-api/tests/ui-e2e");
    if !suite.join("node_modules/playwright-core").exists()
        && !ok(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&suite))
    {
        return Err("node/npm or `npm ci` in crates/http-api/tests/ui-e2e failed".into());
    }
    Ok((ui, suite))
}

/// One test for both environments, so the installs of [`prerequisites`] never race. The
/// production CSP is the strict one; the UI must run under it too, with no CSP violation.
#[actix_web::test]
async fn the_web_ui_chats_with_the_default_agent_in_chromium() {
    run_e2e("development").await;
    run_e2e("production").await;
}

/// Serves the UI with `NODE_ENV=environment` and runs the browser script against it.
async fn run_e2e(environment: &str) {
    let (ui, suite) = match prerequisites() {
        Ok(found) => found,
        Err(why) => {
            let msg = format!("SKIPPED UI end-to-end test ({environment}): {why}");
            eprintln!("\n!!!!!!!!!! {msg} !!!!!!!!!!\n");
            assert!(std::env::var_os("CI").is_none(), "{msg} (CI is set)");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let env: HashMap<String, String> = HashMap::from([
        ("SERVER_PORT".into(), "0".into()),
        ("ELIZA_DATA_DIR".into(), dir.path().display().to_string()),
        ("AGENTD_UI_DIR".into(), ui.display().to_string()),
        ("NODE_ENV".into(), environment.into()),
    ]);
    let shots = workspace().join("target/ui-e2e").join(environment);
    let _ = std::fs::remove_dir_all(&shots);
    let extra = [
        ("SHOTS_DIR", shots.into_os_string()),
        ("CHROMIUM", CHROMIUM.into()),
    ];
    let output = crate::run_node_against_server(&env, &suite, "e2e.mjs", &extra).await;

    let stdout = String::from_utf8_lossy(&output.stdout);
    eprintln!("{stdout}");
    eprintln!("{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        output.status.success() && stdout.contains("E2E PASSED"),
        "the UI end-to-end test ({environment}) failed; screenshots in target/ui-e2e/{environment}/"
    );
}
