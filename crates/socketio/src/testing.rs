//! Test support shared by every crate whose tests drive the real `socket.io-client` under
//! node (behind the `test-util` feature; never in a release build).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// `dir` (a folder with a `package.json`) once its npm packages are installed, or `None`
/// when node or npm is missing or the install failed (the caller skips loudly).
///
/// Test binaries run in parallel processes: one installs while the others wait on a lock
/// directory (`cargo xtask test` installs before any test runs, so this is the fallback).
pub fn npm_test_dir(dir: &Path) -> Option<PathBuf> {
    let have_node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_node {
        return None;
    }
    let lock = dir.join(".npm-install.lock");
    let deadline = Instant::now() + Duration::from_secs(300);
    while std::fs::create_dir(&lock).is_err() {
        if Instant::now() > deadline {
            let _ = std::fs::remove_dir(&lock);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let installed = dir.join("node_modules/.package-lock.json").exists()
        || Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir)
            .status()
            .is_ok_and(|s| s.success());
    let _ = std::fs::remove_dir(&lock);
    installed.then(|| dir.to_path_buf())
}
