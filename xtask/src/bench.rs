//! `cargo xtask bench [--quick] [options]`: the side-by-side benchmark against elizaOS
//! (docs/BENCHMARKS.md).
//!
//! This side builds what is measured (agentd and the actix-web hello-world in release, and
//! the release test binary of the in-process fan-out benchmark), installs the node test
//! packages, then hands over to `scripts/bench/run.py` (python3, standard library only),
//! which starts and seeds the servers, drives `wrk`, bounds the run and writes the report.
//! Builds happen before the timed part, so the run's own deadline covers measurement only.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const HELP: &str = "usage: cargo xtask bench [--quick] [--no-peer] [--no-fanout] [--no-paging]
                        [--postgres URL] [--shared DIR] [--out FILE] [--timeout SECS]

  --quick      1 round of 3 s per workload, 100 fan-out clients (full: 2 rounds of 10 s, 1,000)
  --no-peer    skip the elizaOS peer (it is skipped with a message when shared/peer is absent)
  --postgres   PostgreSQL admin URL (default $AGENTD_TEST_POSTGRES_URL; unset skips PostgreSQL)
  --shared     directory holding peer/peer.sh (default: ../shared from the repository root,
               or next to the main worktree)
  --out        results file (default <target dir>/bench/results.md)
  --timeout    overall deadline in seconds for the measured part (default 570, quick 300)";

/// Builds, then runs the python harness with the remaining arguments.
pub fn bench(args: &[String]) -> Result<(), String> {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        eprintln!("{HELP}");
        return Ok(());
    }
    let root = repo_root();
    // The shared helpers of main.rs use paths relative to the repository root.
    env::set_current_dir(&root).map_err(|e| format!("{}: {e}", root.display()))?;
    let target = target_dir(&root)?;
    crate::run_in(
        &root,
        "cargo",
        &["build", "--release", "-p", "agentd", "-p", "agentd-hello"],
    )?;
    if !args.iter().any(|a| a == "--no-fanout") {
        crate::install_node_test_packages()?;
        if crate::has_nextest() {
            // Its own target dir: the test build resolves other features of shared
            // dependencies (rustls and everything above it) than the binaries' build, so in
            // one dir each rebuilt a dozen crates after the other, minutes per run.
            // run.py runs the benchmark with the same CARGO_TARGET_DIR.
            let status = Command::new("cargo")
                .args([
                    "nextest",
                    "run",
                    "--no-run",
                    "--cargo-profile",
                    "release",
                    "-p",
                    "agentd-http-api",
                    "--all-features",
                ])
                .env("CARGO_TARGET_DIR", bench_test_dir(&target))
                .current_dir(&root)
                .status()
                .map_err(|e| format!("cargo nextest: {e}"))?;
            if !status.success() {
                return Err(format!(
                    "building the fan-out benchmark exited with {status}"
                ));
            }
        }
    }
    let script = root.join("scripts/bench/run.py");
    let release = target.join("release");
    let mut cmd = Command::new("python3");
    cmd.arg(&script)
        .arg("--repo")
        .arg(&root)
        .arg("--agentd")
        .arg(release.join("agentd"))
        .arg("--hello")
        .arg(release.join("agentd-hello"))
        .arg("--target-dir")
        .arg(&target)
        .args(args)
        .current_dir(&root);
    eprintln!("xtask: $ python3 {} {}", script.display(), args.join(" "));
    let status = cmd.status().map_err(|e| format!("python3: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the benchmark run exited with {status}"))
    }
}

/// Where the release test binary of the in-process fan-out benchmark is built.
fn bench_test_dir(target: &Path) -> PathBuf {
    target.join("bench-tests")
}

/// The workspace root: xtask lives one level below it.
fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Cargo's target directory (honours `CARGO_TARGET_DIR` and config), from `cargo metadata`.
fn target_dir(root: &Path) -> Result<PathBuf, String> {
    let out = Command::new("cargo")
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let key = "\"target_directory\":\"";
    let start = text
        .find(key)
        .map(|i| i + key.len())
        .ok_or("cargo metadata printed no target_directory")?;
    let end = text[start..]
        .find('"')
        .ok_or("cargo metadata: unterminated target_directory")?;
    Ok(PathBuf::from(
        text[start..start + end].replace("\\\\", "\\"),
    ))
}
