//! Developer tasks for agentd, run as `cargo xtask <task>`.
//!
//! `ci` is the whole gate that CI runs: formatting, lints, the no-IO rule for `core`,
//! the test suite on both storage backends and `cargo deny` when it is installed.
//! `bench` is the side-by-side benchmark against the elizaOS peer (docs/BENCHMARKS.md).

mod bench;
mod ui;

use std::env;
use std::path::Path;
use std::process::{Command, ExitCode};

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  ci         fmt check, clippy -D warnings, core-has-no-IO check, tests (SQLite and,
             with AGENTD_TEST_POSTGRES_URL, PostgreSQL), cargo deny when installed
  test       the test suite only
  lint       fmt check and clippy only
  core-check the core-has-no-IO check only
  bench      build in release, then benchmark agentd (SQLite, PostgreSQL) side by side with
             the elizaOS 1.7.2 peer and an actix-web hello-world; writes
             target/bench/results.md (`cargo xtask bench --help`; `--quick` to try it)
  ui         fetch the built web UI (@elizaos/client 1.7.2) with npm into ui/
             (or $AGENTD_UI_DIR); agentd serves it at /
  api-client-deps
             npm ci for the @elizaos/api-client conformance suite";

/// Crates `agentd-core` must never depend on: it stays free of IO so every layer can use it.
const FORBIDDEN_IN_CORE: &[&str] = &[
    "actix",
    "diesel",
    "tokio",
    "mio",
    "async-std",
    "hyper",
    "deadpool",
    "libsqlite3-sys",
    "tokio-postgres",
];

fn main() -> ExitCode {
    let task = env::args().nth(1).unwrap_or_default();
    let result = match task.as_str() {
        "ci" => ci(),
        "test" => test(),
        "lint" => lint(),
        "core-check" => core_check(),
        "bench" => bench::bench(&env::args().skip(2).collect::<Vec<_>>()),
        "ui" => ui::ui(),
        "api-client-deps" => ui::api_client_deps(),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask {task}: FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

fn ci() -> Result<(), String> {
    lint()?;
    core_check()?;
    test()?;
    deny()
}

fn lint() -> Result<(), String> {
    run("cargo", &["fmt", "--all", "--", "--check"])?;
    run(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
    )
}

fn test() -> Result<(), String> {
    match env::var("AGENTD_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => {
            eprintln!("xtask: PostgreSQL tests run (AGENTD_TEST_POSTGRES_URL is set)")
        }
        _ => eprintln!(
            "xtask: WARNING: AGENTD_TEST_POSTGRES_URL is unset: PostgreSQL tests are SKIPPED; \
             set it (e.g. postgres://postgres@127.0.0.1:5432/test) to run them"
        ),
    }
    install_node_test_packages()?;
    if has_nextest() {
        run(
            "cargo",
            &[
                "nextest",
                "run",
                "--workspace",
                "--all-features",
                "--no-fail-fast",
            ],
        )?;
        // nextest does not run doctests.
        run("cargo", &["test", "--workspace", "--all-features", "--doc"])
    } else {
        eprintln!("xtask: cargo-nextest not found; using cargo test");
        run(
            "cargo",
            &["test", "--workspace", "--all-features", "--no-fail-fast"],
        )
    }
}

/// Installs the npm packages of the node-driven tests (`crates/*/tests/*/package.json`)
/// before any test runs, so parallel test processes never race to install them.
fn install_node_test_packages() -> Result<(), String> {
    let has_npm = Command::new("npm")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let crates = std::fs::read_dir("crates").map_err(|e| format!("crates/: {e}"))?;
    for krate in crates.flatten() {
        let Ok(tests) = std::fs::read_dir(krate.path().join("tests")) else {
            continue;
        };
        for dir in tests.flatten().map(|e| e.path()) {
            if !dir.join("package.json").exists()
                || dir.join("node_modules/.package-lock.json").exists()
            {
                continue;
            }
            if !has_npm {
                eprintln!(
                    "xtask: npm not found: node-driven tests in {} will be SKIPPED",
                    dir.display()
                );
                continue;
            }
            eprintln!("xtask: $ npm ci (in {})", dir.display());
            let status = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&dir)
                .status()
                .map_err(|e| format!("npm: {e}"))?;
            if !status.success() {
                return Err(format!("npm ci failed in {}", dir.display()));
            }
        }
    }
    Ok(())
}

fn core_check() -> Result<(), String> {
    let out = Command::new("cargo")
        .args([
            "tree",
            "-p",
            "agentd-core",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .output()
        .map_err(|e| format!("cargo tree: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo tree failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let tree = String::from_utf8_lossy(&out.stdout);
    let bad: Vec<&str> = tree
        .lines()
        .filter(|line| {
            let name = line.split_whitespace().next().unwrap_or("");
            FORBIDDEN_IN_CORE
                .iter()
                .any(|f| name == *f || name.starts_with(&format!("{f}-")))
        })
        .collect();
    if bad.is_empty() {
        eprintln!("xtask: agentd-core depends on no IO crate");
        Ok(())
    } else {
        Err(format!("agentd-core depends on IO crates: {bad:?}"))
    }
}

fn deny() -> Result<(), String> {
    let installed = Command::new("cargo")
        .args(["deny", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if installed {
        run("cargo", &["deny", "check"])
    } else {
        eprintln!(
            "xtask: cargo-deny is not installed: licence and advisory checks SKIPPED (cargo install cargo-deny)"
        );
        Ok(())
    }
}

fn has_nextest() -> bool {
    Command::new("cargo")
        .args(["nextest", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run(program: &str, args: &[&str]) -> Result<(), String> {
    run_in(Path::new("."), program, args)
}

/// Runs `program` in `dir`, echoing the command; a non-zero exit is an error.
fn run_in(dir: &Path, program: &str, args: &[&str]) -> Result<(), String> {
    eprintln!("xtask: $ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .status()
        .map_err(|e| format!("{program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`{program} {}` exited with {status}",
            args.join(" ")
        ))
    }
}
