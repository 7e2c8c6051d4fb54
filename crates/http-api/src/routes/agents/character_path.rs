//! `characterPath`: a character file read only from the configured characters directory.
//!
//! elizaOS reads any path and fetches URLs (an oracle and an SSRF).
//! Here the value must be a relative path of plain names inside `<data>/characters`:
//! no absolute path, no `..`, no URL, no symlink leading out. Every refusal is a 400.

use std::path::{Component, Path, PathBuf};

use actix_web::web;
use agentd_core::ErrorCode;
use serde_json::Value;

use crate::error::ApiError;

/// Character files larger than this are refused.
const MAX_CHARACTER_BYTES: u64 = 1 << 20;

fn bad(message: impl Into<String>) -> ApiError {
    let message = message.into();
    ApiError::new(ErrorCode::CreateError, message.clone()).with_details(message)
}

/// Checks `raw` and returns it as a relative path of normal components.
pub fn relative_path(raw: &str) -> Result<PathBuf, ApiError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(bad("characterPath is empty"));
    }
    if trimmed.contains("://") || trimmed.to_ascii_lowercase().starts_with("http") {
        return Err(bad("characterPath must be a file name, not a URL"));
    }
    if trimmed.contains('\0') || trimmed.contains('\\') || trimmed.contains(':') {
        return Err(bad(
            "characterPath contains a character that is not allowed",
        ));
    }
    let path = Path::new(trimmed);
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir => return Err(bad("characterPath must not contain '..'")),
            Component::RootDir | Component::Prefix(_) => {
                return Err(bad(
                    "characterPath must be relative to the characters directory",
                ));
            }
        }
    }
    if out.as_os_str().is_empty() {
        return Err(bad("characterPath is empty"));
    }
    Ok(out)
}

/// Loads and parses the character file `raw` (with or without `.json`) from `dir`.
pub async fn load(dir: Option<PathBuf>, raw: &Value) -> Result<Value, ApiError> {
    let raw = raw
        .as_str()
        .ok_or_else(|| bad("characterPath must be a string"))?;
    let dir = dir.ok_or_else(|| bad("characterPath is not enabled on this server"))?;
    let rel = relative_path(raw)?;
    let shown = rel.display().to_string();
    let text = web::block(move || read_inside(&dir, &rel))
        .await
        .map_err(ApiError::internal)??;
    serde_json::from_str(&text)
        .map_err(|e| bad(format!("Character file {shown} is not valid JSON: {e}")))
}

fn read_inside(dir: &Path, rel: &Path) -> Result<String, ApiError> {
    let shown = rel.display();
    let not_found = || bad(format!("Character file not found: {shown}"));
    let root = dir.canonicalize().map_err(|_| not_found())?;
    let mut candidates = vec![dir.join(rel)];
    if rel.extension().is_none_or(|e| e != "json") {
        let mut with_ext = dir.join(rel).into_os_string();
        with_ext.push(".json");
        candidates.push(PathBuf::from(with_ext));
    }
    for candidate in candidates {
        let Ok(real) = candidate.canonicalize() else {
            continue;
        };
        if !real.starts_with(&root) {
            return Err(bad("characterPath leads outside the characters directory"));
        }
        let meta = std::fs::metadata(&real).map_err(|_| not_found())?;
        if !meta.is_file() {
            continue;
        }
        if meta.len() > MAX_CHARACTER_BYTES {
            return Err(bad(format!("Character file {shown} is too large")));
        }
        return std::fs::read_to_string(&real)
            .map_err(|_| bad(format!("Character file {shown} cannot be read")));
    }
    Err(not_found())
}

#[cfg(test)]
mod tests {
    use super::relative_path;

    #[test]
    fn only_plain_relative_names_pass() {
        assert!(relative_path("eliza.json").is_ok());
        assert!(relative_path("sub/./ada").is_ok());
        for bad in [
            "",
            "/etc/passwd",
            "../secret.json",
            "a/../../b",
            "http://example.com/c.json",
            "https://x",
            "file:///etc/passwd",
            "C:\\x.json",
            "a\\b",
        ] {
            assert!(relative_path(bad).is_err(), "{bad}");
        }
    }
}
