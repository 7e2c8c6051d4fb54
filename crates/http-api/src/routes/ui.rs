//! Everything outside `/api`, `/media` and `/socket.io`: the web UI with the SPA fallback of
//! elizaOS, agentd's own page when no UI is installed, or 403 when the UI is disabled.
//!
//! A request path is never joined raw: it is percent-decoded, split into segments, and any
//! segment that is empty, `.`/`..`-like, hidden, or holds a separator, NUL or backslash makes
//! it a miss. The joined path is then canonicalized and must still lie under the canonical
//! UI root, so a symlink cannot lead out either.

use std::path::{Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse, web};

use crate::settings::UiSettings;
use crate::state::AppState;

/// Vite names built assets `name-<hash>.ext`: their content never changes under a name.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `index.html` names the current hashed assets, so it is revalidated on every load.
const NO_CACHE: &str = "no-cache";
/// Unhashed files (icons, images): short caching.
const SHORT: &str = "public, max-age=3600";

/// agentd's own page for `/` when no UI is installed.
const PLACEHOLDER: &str = include_str!("ui_placeholder.html");

/// The default service: serves the UI, the placeholder or 403 by [`UiSettings`].
pub async fn serve_ui(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let method = req.method();
    let readable = method == Method::GET || method == Method::HEAD;
    match &state.settings().ui {
        // 1.7.2 answers every non-API path with `sendStatus(403)` when the UI is off.
        UiSettings::Disabled => text(StatusCode::FORBIDDEN, "Forbidden"),
        UiSettings::Placeholder if readable && req.path() == "/" => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, NO_CACHE))
            .body(PLACEHOLDER),
        UiSettings::Placeholder => not_found(),
        UiSettings::Dir(_) if !readable => not_found(),
        UiSettings::Dir(dir) => serve_dir(dir, &req).await,
    }
}

async fn serve_dir(dir: &Path, req: &HttpRequest) -> HttpResponse {
    let Ok(root) = dir.canonicalize() else {
        tracing::warn!(ui.dir = %dir.display(), "the UI directory is gone");
        return not_found();
    };
    let path = req.path();
    if let Some(file) = resolve(&root, path)
        && let Some(res) = file_response(&file, req).await
    {
        return res;
    }
    if looks_like_js(path) {
        return HttpResponse::NotFound()
            .content_type("application/javascript; charset=utf-8")
            .body(format!("// JavaScript module not found: {path}"));
    }
    match file_response(&root.join("index.html"), req).await {
        Some(res) => res,
        None => not_found(),
    }
}

/// The file under `root` that `url_path` names, if it is a regular file inside `root`.
pub fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let mut path = root.to_path_buf();
    let mut segments = 0;
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment.starts_with('.') || segment.contains(['\\', '\0', ':']) {
            return None;
        }
        path.push(segment);
        segments += 1;
    }
    if segments == 0 {
        return None;
    }
    let real = path.canonicalize().ok()?;
    (real.starts_with(root) && real.is_file()).then_some(real)
}

/// Decodes `%XX` escapes; `None` for a malformed escape or a result that is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// 1.7.2's test for a module request that must not get `index.html` (a browser would try to
/// run HTML as a script and report a confusing MIME error instead of a 404).
fn looks_like_js(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    p.ends_with(".js") || p.ends_with(".mjs")
}

async fn file_response(file: &Path, req: &HttpRequest) -> Option<HttpResponse> {
    let named = NamedFile::open_async(file).await.ok()?;
    let name = file.file_name()?.to_str()?;
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    let mime = content_type(ext).parse().ok()?;
    let cache = if name == "index.html" {
        NO_CACHE
    } else if is_hashed(name) {
        IMMUTABLE
    } else {
        SHORT
    };
    let mut res = named
        .set_content_type(mime)
        .disable_content_disposition()
        .into_response(req);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Some(res)
}

/// Whether `name` carries a Vite content hash (`main-CqTmsniN.js`): 8 URL-safe base64
/// characters after the last `-`, before the first `.`.
pub fn is_hashed(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default();
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        hash.len() == 8
            && hash
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    })
}

/// The content type of a UI file by extension; text types carry UTF-8.
pub fn content_type(ext: &str) -> &'static str {
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "application/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json; charset=utf-8",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "wasm" => "application/wasm",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
    }
}

fn text(status: StatusCode, body: &'static str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/plain; charset=utf-8")
        .body(body)
}

fn not_found() -> HttpResponse {
    text(StatusCode::NOT_FOUND, "Not Found")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names() {
        assert!(is_hashed("main-CqTmsniN.js"));
        assert!(is_hashed("mermaid-4DMBBIKO-WBI514jR.js.map"));
        assert!(!is_hashed("favicon.ico"));
        assert!(!is_hashed("elizaos-avatar.png"));
    }

    #[test]
    fn decoding_rejects_bad_escapes() {
        assert_eq!(percent_decode("/a%2Fb").as_deref(), Some("/a/b"));
        assert_eq!(percent_decode("/%2e%2E/x").as_deref(), Some("/../x"));
        assert_eq!(percent_decode("/%zz"), None);
        assert_eq!(percent_decode("/%2"), None);
        assert_eq!(percent_decode("/%ff"), None);
    }
}
