//! `cargo xtask ui` and `cargo xtask api-client-deps`: the npm side of the web UI work.
//!
//! The UI is the published, already built `@elizaos/client` (its `dist/`), fetched with
//! `npm pack` so npm checks the registry's integrity hash; nothing is built here and nothing
//! fetched is committed (`ui/` is git-ignored).

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The web UI package and version agentd is wire-compatible with.
const CLIENT_PACKAGE: &str = "@elizaos/client@1.7.2";
/// The server package embeds the same build under `dist/client`; used when the client
/// package has no `dist/` (it has one in 1.7.2, so this is only a fallback).
const SERVER_PACKAGE: &str = "@elizaos/server@1.7.2";

/// The workspace root (xtask's parent), so the task works from any directory.
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map_or(manifest.clone(), Path::to_path_buf)
}

/// Fetches the built UI into `ui/` (or `$AGENTD_UI_DIR`), replacing what was there.
pub fn ui() -> Result<(), String> {
    let root = workspace_root();
    let dest = match env::var_os("AGENTD_UI_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => root.join("ui"),
    };
    let work = env::temp_dir().join(format!("agentd-xtask-ui-{}", std::process::id()));
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work).map_err(|e| format!("create {}: {e}", work.display()))?;
    let result = fetch_into(&work, &dest);
    let _ = fs::remove_dir_all(&work);
    result?;
    eprintln!(
        "xtask: the web UI ({CLIENT_PACKAGE}) is in {}; `cargo run -p agentd` serves it at /",
        dest.display()
    );
    Ok(())
}

fn fetch_into(work: &Path, dest: &Path) -> Result<(), String> {
    let built = match unpack(work, CLIENT_PACKAGE, "client", "dist")? {
        Some(dir) => dir,
        None => {
            eprintln!("xtask: {CLIENT_PACKAGE} has no dist/; using {SERVER_PACKAGE} dist/client");
            unpack(work, SERVER_PACKAGE, "server", "dist/client")?
                .ok_or_else(|| "neither package holds a built UI (index.html)".to_string())?
        }
    };
    if dest.exists() {
        fs::remove_dir_all(dest).map_err(|e| format!("remove old {}: {e}", dest.display()))?;
    }
    if let Some(parent) = dest.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("create {}: {e}", parent.display()))?;
    }
    copy_dir(&built, dest)
}

/// `npm pack`s `package` into `work/<name>` and returns its `sub` folder when it holds an
/// `index.html`.
fn unpack(work: &Path, package: &str, name: &str, sub: &str) -> Result<Option<PathBuf>, String> {
    let out = work.join(name);
    fs::create_dir_all(&out).map_err(|e| format!("create {}: {e}", out.display()))?;
    let packed = Command::new("npm")
        .args(["pack", package, "--silent", "--pack-destination"])
        .arg(&out)
        .output()
        .map_err(|e| format!("npm (is Node.js installed?): {e}"))?;
    if !packed.status.success() {
        return Err(format!(
            "npm pack {package} failed: {}",
            String::from_utf8_lossy(&packed.stderr)
        ));
    }
    let tarball = String::from_utf8_lossy(&packed.stdout)
        .lines()
        .last()
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    if tarball.is_empty() || tarball.contains('/') {
        return Err(format!("npm pack {package} printed no tarball name"));
    }
    crate::run_in(&out, "tar", &["-xzf", &tarball])?;
    let dir = out.join("package").join(sub);
    Ok(dir.join("index.html").is_file().then_some(dir))
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("create {}: {e}", to.display()))?;
    let entries = fs::read_dir(from).map_err(|e| format!("read {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("read {}: {e}", from.display()))?;
        let kind = entry.file_type().map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else if kind.is_file() {
            fs::copy(entry.path(), &target)
                .map_err(|e| format!("copy to {}: {e}", target.display()))?;
        }
    }
    Ok(())
}

/// Installs the api-client conformance suite's pinned dependencies (`npm ci`).
pub fn api_client_deps() -> Result<(), String> {
    let dir = workspace_root().join("crates/http-api/tests/api-client");
    crate::run_in(&dir, "npm", &["ci", "--no-audit", "--no-fund"])
}
