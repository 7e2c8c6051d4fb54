//! Trailing and repeated slashes: `/api/server/ping/` and `//api//server/ping` route like
//! `/api/server/ping`, as in Express.
//!
//! actix-web's `NormalizePath` does the same, but runs a regex replacement over every path,
//! including the vast majority that need nothing; under load that regex was the largest cost
//! agentd itself added to a `GET /api/server/ping` (profile in docs/BENCHMARKS.md). Here a byte
//! scan decides, and only a path that needs it is rebuilt.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Uri;
use actix_web::http::uri::PathAndQuery;
use actix_web::middleware::Next;

/// The normalised form of `path`, or `None` when it is already normal (the common case,
/// decided without allocating): runs of `/` merged into one, trailing `/` removed, and a
/// path of only slashes reduced to `/`.
pub fn normalized(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let trailing = bytes.len() > 1 && bytes.ends_with(b"/");
    let doubled = bytes.windows(2).any(|w| w == b"//");
    if !trailing && !doubled {
        return None;
    }
    let mut out = String::with_capacity(path.len());
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        out.push_str(segment);
    }
    if out.is_empty() {
        out.push('/');
    }
    (out != path).then_some(out)
}

/// Rewrites the request's URI (and the router's view of it) when its path is not normal.
/// Outermost in the stack: it changes the request head, which must not be shared yet.
pub async fn normalize_path(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if let Some(path) = normalized(req.path()) {
        let mut parts = req.head().uri.clone().into_parts();
        let rebuilt = match parts.path_and_query.as_ref().and_then(PathAndQuery::query) {
            Some(q) => format!("{path}?{q}"),
            None => path,
        };
        // Merging slashes and trimming cannot make a valid path invalid; if the parse
        // fails anyway, the request goes on unchanged rather than failing.
        if let Ok(pq) = PathAndQuery::try_from(rebuilt) {
            parts.path_and_query = Some(pq);
            if let Ok(uri) = Uri::from_parts(parts) {
                req.match_info_mut().get_mut().update(&uri);
                req.head_mut().uri = uri;
            }
        }
    }
    next.call(req).await
}

#[cfg(test)]
mod tests {
    use super::normalized;

    #[test]
    fn normal_paths_are_left_alone() {
        for p in ["/", "/api/server/ping", "/a/b.c", "/api/agents/x/logs", ""] {
            assert_eq!(normalized(p), None, "{p}");
        }
    }

    #[test]
    fn trailing_and_repeated_slashes_are_removed() {
        for (p, want) in [
            ("/api/server/ping/", "/api/server/ping"),
            ("//api//server///ping", "/api/server/ping"),
            ("/healthz///", "/healthz"),
            ("//", "/"),
            ("///", "/"),
            ("/a//b/", "/a/b"),
        ] {
            assert_eq!(normalized(p).as_deref(), Some(want), "{p}");
        }
    }
}
