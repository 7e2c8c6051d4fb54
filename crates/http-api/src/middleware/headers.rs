//! Security headers on every response (the elizaOS set, with the production intent of its
//! source actually applied): CSP by environment, HSTS in production only, nosniff, frame
//! options, referrer policy, CORP `cross-origin`.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;

use crate::settings::Environment;

/// The CSP 1.7.2 ships (its non-production policy): permissive enough for the Vite dev UI.
pub const DEV_CSP: &str = "default-src 'self'; style-src 'self' 'unsafe-inline' https: http:; script-src * 'unsafe-inline' 'unsafe-eval'; img-src 'self' data: blob: https: http:; font-src 'self' https: http: data:; connect-src 'self' ws: wss: https: http:; media-src 'self' blob: data:; object-src 'none'; frame-src 'self' data:; base-uri 'self'; form-action 'self'";

/// The production CSP: scripts only from our origin and no inline script. The web UI needs
/// `'unsafe-eval'`: `@elizaos/core`'s logger, created when the entry chunk loads, gives pino
/// a `redact` list, and pino's fast-redact compiles each path with `Function(...)`; without
/// it the module throws and the UI renders nothing (docs/API-CLIENT.md, "Why the production
/// CSP keeps 'unsafe-eval'"). The UI also asks GitHub for the latest release and the plugin
/// registry.
pub const PROD_CSP: &str = "default-src 'self'; base-uri 'self'; script-src 'self' 'unsafe-eval'; script-src-attr 'none'; style-src 'self' 'unsafe-inline' https:; img-src 'self' data: blob:; font-src 'self' https: data:; connect-src 'self' ws: wss: https://api.github.com https://raw.githubusercontent.com; media-src 'self' blob: data:; object-src 'none'; frame-src 'self'; frame-ancestors 'self'; form-action 'self'; upgrade-insecure-requests";

/// HSTS as helmet sends it; production only, since development runs on plain HTTP.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The security headers sent in every environment besides the CSP (and HSTS in production).
/// Names and values are built at compile time: parsing them per response (`from_static`
/// validates its input each call) showed in the ping profile (docs/BENCHMARKS.md). Public for
/// the benchmark's hello-world, which sends the same bytes to measure what they cost.
pub const FIXED_HEADERS: [(HeaderName, HeaderValue); 9] = [
    (h("x-content-type-options"), v("nosniff")),
    (h("x-frame-options"), v("SAMEORIGIN")),
    (h("referrer-policy"), v("no-referrer")),
    (h("cross-origin-resource-policy"), v("cross-origin")),
    (h("cross-origin-opener-policy"), v("same-origin")),
    (h("origin-agent-cluster"), v("?1")),
    (h("x-dns-prefetch-control"), v("off")),
    (h("x-permitted-cross-domain-policies"), v("none")),
    (h("x-xss-protection"), v("0")),
];
const CSP_NAME: HeaderName = h("content-security-policy");
const DEV_CSP_VALUE: HeaderValue = v(DEV_CSP);
const PROD_CSP_VALUE: HeaderValue = v(PROD_CSP);
const HSTS_NAME: HeaderName = h("strict-transport-security");
const HSTS_VALUE: HeaderValue = v(HSTS);

const fn h(name: &'static str) -> HeaderName {
    HeaderName::from_static(name)
}

const fn v(value: &'static str) -> HeaderValue {
    HeaderValue::from_static(value)
}

/// Adds the security headers, keeping any a handler set on purpose.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let env = super::state_of(req.request())
        .map(|s| s.settings().environment)
        .unwrap_or_default();
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    let csp = match env {
        Environment::Production => PROD_CSP_VALUE,
        Environment::Development => DEV_CSP_VALUE,
    };
    let mut set = |name: HeaderName, value: HeaderValue| {
        if !headers.contains_key(&name) {
            headers.insert(name, value);
        }
    };
    set(CSP_NAME, csp);
    for (name, value) in FIXED_HEADERS {
        set(name, value);
    }
    if env == Environment::Production {
        set(HSTS_NAME, HSTS_VALUE);
    }
    headers.remove("x-powered-by");
    Ok(res)
}
