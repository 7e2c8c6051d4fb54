//! CORS (as in elizaOS 1.7.2, with its fault fixed): same-origin unless origins are configured;
//! `*` allows any origin without credentials; a configured list is reflected with
//! credentials. An origin that is not allowed gets no CORS headers, so it is never reflected.
//!
//! Preflight `OPTIONS` is answered here with 204, before auth and the rate limiter.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};

use crate::settings::CorsOrigins;

/// Methods a cross-origin caller may use.
pub const ALLOWED_METHODS: &str = "GET,POST,PUT,DELETE,PATCH,OPTIONS";
/// Request headers a cross-origin caller may send (elizaOS's three, plus ours and the UI's).
pub const ALLOWED_HEADERS: &str =
    "Content-Type,Authorization,X-API-KEY,X-Entity-Id,Idempotency-Key,X-Session-Token";
/// Response headers a cross-origin caller may read.
pub const EXPOSED_HEADERS: &str = "X-Total-Count,RateLimit-Limit,RateLimit-Remaining,RateLimit-Reset,RateLimit-Policy,Retry-After";
/// How long a browser may cache a preflight answer (seconds).
const MAX_AGE: &str = "86400";

/// What to answer a given `Origin` with.
struct Grant {
    origin: HeaderValue,
    credentials: bool,
}

fn grant(origins: &CorsOrigins, origin: Option<&HeaderValue>) -> Option<Grant> {
    let origin = origin?;
    match origins {
        CorsOrigins::SameOrigin => None,
        CorsOrigins::Any => Some(Grant {
            origin: HeaderValue::from_static("*"),
            credentials: false,
        }),
        CorsOrigins::List(list) => {
            let asked = origin.to_str().ok()?.to_ascii_lowercase();
            list.contains(&asked).then(|| Grant {
                origin: origin.clone(),
                credentials: true,
            })
        }
    }
}

fn apply(headers: &mut HeaderMap, origins: &CorsOrigins, grant: Option<Grant>) {
    if matches!(origins, CorsOrigins::List(_)) {
        // The answer depends on Origin: caches must not reuse it across origins.
        headers.append(header::VARY, HeaderValue::from_static("Origin"));
    }
    if let Some(grant) = grant {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, grant.origin);
        if grant.credentials {
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
        }
    }
}

/// Answers preflights and adds CORS headers for allowed origins.
pub async fn cors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let origins = super::state_of(req.request())
        .map(|s| s.settings().cors_origins.clone())
        .unwrap_or_default();
    let grant_for = |req: &ServiceRequest| grant(&origins, req.headers().get(header::ORIGIN));

    if req.method() == Method::OPTIONS {
        let mut res = HttpResponse::NoContent().finish();
        let g = grant_for(&req);
        let allowed = g.is_some();
        let headers = res.headers_mut();
        apply(headers, &origins, g);
        if allowed {
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static(ALLOWED_METHODS),
            );
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static(ALLOWED_HEADERS),
            );
            headers.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static(MAX_AGE),
            );
        }
        return Ok(req.into_response(res).map_into_right_body());
    }

    let g = grant_for(&req);
    let mut res = next.call(req).await?;
    let allowed = g.is_some();
    let headers = res.headers_mut();
    apply(headers, &origins, g);
    if allowed {
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSED_HEADERS),
        );
    }
    Ok(res.map_into_left_body())
}
