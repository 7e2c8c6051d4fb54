//! Per-client rate limits on `governor` keyed by the real client address, with the elizaOS
//! 429 bodies and the IETF `RateLimit-*` headers express-rate-limit sends.
//!
//! The client is the TCP peer, unless the peer is a configured trusted proxy: then it is the
//! right-most `X-Forwarded-For` hop that is not itself a trusted proxy. The left-most hop is
//! whatever the client wrote, so keying on it would let a client reset its own counter.
//!
//! Three limits share one keyed-limiter type: the API limit over all of `/api`, and
//! the upload and file-operation limits on upload routes.

use std::net::{IpAddr, Ipv4Addr};
use std::num::NonZeroU32;
use std::sync::{Arc, Weak};
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError};
use agentd_core::ErrorCode;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota as GovQuota, RateLimiter};

use crate::error::ApiError;
use crate::settings::{ApiSettings, IpNet};

const LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
const REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
const RESET: HeaderName = HeaderName::from_static("ratelimit-reset");
const POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
const RETRY_AFTER: HeaderName = HeaderName::from_static("retry-after");

/// The governor limiter type: keyed by client address, reporting the remaining burst.
type Limiter =
    RateLimiter<IpAddr, DefaultKeyedStateStore<IpAddr>, DefaultClock, StateInformationMiddleware>;

#[derive(Debug, Clone, Copy)]
struct Quota {
    limit: u32,
    window: Duration,
}

impl Quota {
    fn policy(&self) -> String {
        format!("{};w={}", self.limit, self.window.as_secs())
    }

    /// Seconds until `remaining` has grown back to the full limit.
    fn reset_after(&self, remaining: u32) -> u64 {
        let used = u64::from(self.limit.saturating_sub(remaining));
        let period = self.window.as_secs_f64() / f64::from(self.limit.max(1));
        // Rounded up to whole seconds; a window is far below u64::MAX seconds.
        (used as f64 * period).ceil() as u64
    }
}

/// The outcome of one check against a [`KeyedLimiter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Allowed; this many requests are left in the window.
    Allowed {
        /// Requests left before the limit.
        remaining: u32,
    },
    /// Refused; the client may retry after this many seconds (at least 1).
    Denied {
        /// Seconds until one request is allowed again.
        retry_after: u64,
    },
}

/// At most `limit` requests per `window` and client: a bucket of `limit` that refills one
/// request every `window / limit`, like express-rate-limit's fixed window but without its
/// burst of twice the limit at the window boundary. Cloning shares the counters.
#[derive(Clone)]
pub struct KeyedLimiter {
    limiter: Arc<Limiter>,
    quota: Quota,
}

impl KeyedLimiter {
    /// A limiter of `limit` requests per `window` (a zero window counts as one second).
    pub fn new(limit: NonZeroU32, window: Duration) -> Self {
        let window = window.max(Duration::from_secs(1));
        let period = (window / limit.get()).max(Duration::from_nanos(1));
        let quota = GovQuota::with_period(period)
            .unwrap_or_else(|| GovQuota::per_second(NonZeroU32::MIN))
            .allow_burst(limit);
        KeyedLimiter {
            limiter: Arc::new(RateLimiter::dashmap(quota).with_middleware()),
            quota: Quota {
                limit: limit.get(),
                window,
            },
        }
    }

    /// Counts one request of `client` and says whether it may proceed.
    pub fn check(&self, client: IpAddr) -> Decision {
        match self.limiter.check_key(&client) {
            Ok(state) => Decision::Allowed {
                remaining: state.remaining_burst_capacity(),
            },
            Err(not_until) => Decision::Denied {
                retry_after: not_until
                    .wait_time_from(DefaultClock::default().now())
                    .as_secs()
                    .max(1),
            },
        }
    }

    /// Writes the `RateLimit-*` headers (and `Retry-After` when denied) for `decision`.
    fn write_headers(&self, decision: Decision, headers: &mut HeaderMap) {
        let remaining = match decision {
            Decision::Allowed { remaining } => remaining,
            Decision::Denied { retry_after } => {
                headers.insert(RETRY_AFTER, HeaderValue::from(retry_after));
                0
            }
        };
        headers.insert(LIMIT, HeaderValue::from(self.quota.limit));
        headers.insert(REMAINING, HeaderValue::from(remaining));
        headers.insert(RESET, HeaderValue::from(self.quota.reset_after(remaining)));
        if let Ok(policy) = HeaderValue::from_str(&self.quota.policy()) {
            headers.insert(POLICY, policy);
        }
    }

    /// Forgets clients whose bucket is full again (governor never evicts keys by itself).
    fn forget_idle(limiter: &Limiter) {
        limiter.retain_recent();
        limiter.shrink_to_fit();
    }
}

/// The client address of a request: peer, or the right-most untrusted `X-Forwarded-For` hop
/// when the peer is a trusted proxy.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Ok(ip) = hop.parse::<IpAddr>() else {
            break; // a garbled hop: trust nothing to its left
        };
        client = ip;
        if !is_trusted(ip) {
            break;
        }
    }
    client
}

/// IPv6 clients usually own a whole /64: key on it, so address rotation does not reset a
/// counter.
fn bucket(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut seg = v6.segments();
                seg[4..].fill(0);
                IpAddr::V6(seg.into())
            }
        },
        v4 => v4,
    }
}

/// Every limiter of the server, built once and shared by all workers (a limiter built per
/// worker would multiply the limit by the worker count).
#[derive(Clone)]
pub struct ApiRateLimit {
    trusted: Arc<[IpNet]>,
    api: Option<KeyedLimiter>,
    upload: Option<KeyedLimiter>,
    files: Option<KeyedLimiter>,
}

fn limiter(limit: Option<u32>, window: Duration) -> Option<KeyedLimiter> {
    NonZeroU32::new(limit?).map(|n| KeyedLimiter::new(n, window))
}

impl ApiRateLimit {
    /// Builds the limiters from the settings; a `None` or zero limit disables that limiter.
    pub fn new(settings: &ApiSettings) -> Self {
        let media = &settings.media;
        ApiRateLimit {
            trusted: settings.trusted_proxies.clone().into(),
            api: limiter(settings.api_rate_limit, settings.rate_limit_window),
            upload: limiter(media.upload_rate_limit, media.upload_rate_window),
            files: limiter(media.file_rate_limit, media.file_rate_window),
        }
    }

    /// Whether the API limiter is on.
    pub fn enabled(&self) -> bool {
        self.api.is_some()
    }

    /// The key a request is counted under.
    fn key(&self, req: &ServiceRequest) -> IpAddr {
        // No peer address happens only on non-TCP transports: one shared bucket for them.
        let peer = req
            .peer_addr()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip());
        bucket(client_ip(peer, req.headers(), &self.trusted))
    }

    /// Spawns the task that forgets idle clients every minute; it ends when the limiters are
    /// dropped.
    pub fn spawn_cleanup(&self) {
        let weak: Vec<Weak<Limiter>> = [&self.api, &self.upload, &self.files]
            .into_iter()
            .flatten()
            .map(|l| Arc::downgrade(&l.limiter))
            .collect();
        if weak.is_empty() {
            return;
        }
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(60)).await;
                let alive: Vec<Arc<Limiter>> = weak.iter().filter_map(Weak::upgrade).collect();
                if alive.is_empty() {
                    break;
                }
                alive.iter().for_each(|l| KeyedLimiter::forget_idle(l));
            }
        });
    }
}

/// The 429 of a limiter: the family-A body with `code`, and the limiter's headers.
fn too_many(
    req: ServiceRequest,
    limiter: &KeyedLimiter,
    decision: Decision,
    code: ErrorCode,
    message: &'static str,
) -> ServiceResponse {
    let mut res = ApiError::new(code, message).error_response();
    limiter.write_headers(decision, res.headers_mut());
    req.into_response(res)
}

/// The API limit over `/api`: 429 `RATE_LIMIT_EXCEEDED` when exceeded, `RateLimit-*` headers
/// on every response (unless an inner limiter already set its own on a 429).
pub async fn limit_api(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let limits = super::state_of(req.request()).map(|s| s.rate_limit().clone());
    let Some((limits, api)) = limits.and_then(|l| l.api.clone().map(|a| (l, a))) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    let decision = api.check(limits.key(&req));
    if let Decision::Denied { .. } = decision {
        let message = "Too many requests. Please try again later.";
        let res = too_many(req, &api, decision, ErrorCode::RateLimitExceeded, message);
        return Ok(res.map_into_right_body());
    }
    let mut res = next.call(req).await?;
    if !res.headers().contains_key(&LIMIT) {
        api.write_headers(decision, res.headers_mut());
    }
    Ok(res.map_into_left_body())
}

/// The upload limits on upload routes: 429 `UPLOAD_RATE_LIMIT_EXCEEDED`, then 429
/// `FILE_RATE_LIMIT_EXCEEDED`, each counted per client.
pub async fn limit_uploads(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if let Some(limits) = super::state_of(req.request()).map(|s| s.rate_limit().clone()) {
        let key = limits.key(&req);
        let checks = [
            (
                &limits.upload,
                ErrorCode::UploadRateLimitExceeded,
                "Too many upload requests. Please try again later.",
            ),
            (
                &limits.files,
                ErrorCode::FileRateLimitExceeded,
                "Too many file operations. Please try again later.",
            ),
        ];
        for (limiter, code, message) in checks {
            let Some(limiter) = limiter else { continue };
            let decision = limiter.check(key);
            if let Decision::Denied { .. } = decision {
                let res = too_many(req, limiter, decision, code, message);
                return Ok(res.map_into_right_body());
            }
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    fn xff(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            HeaderName::from_static("x-forwarded-for"),
            HeaderValue::from_str(v).unwrap(),
        );
        h
    }

    #[test]
    fn untrusted_peers_are_keyed_by_peer_address() {
        let peer: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(client_ip(peer, &xff("1.2.3.4"), &[]), peer);
    }

    #[test]
    fn trusted_proxies_yield_the_rightmost_untrusted_hop() {
        let trusted = [IpNet::parse("10.0.0.0/8").unwrap()];
        let peer: IpAddr = "10.0.0.1".parse().unwrap();
        let got = client_ip(peer, &xff("6.6.6.6, 1.2.3.4, 10.0.0.7"), &trusted);
        assert_eq!(got, "1.2.3.4".parse::<IpAddr>().unwrap());
        assert_eq!(client_ip(peer, &HeaderMap::new(), &trusted), peer);
        let garbled = client_ip(peer, &xff("1.2.3.4, junk"), &trusted);
        assert_eq!(garbled, peer);
    }

    #[test]
    fn ipv6_clients_share_their_64() {
        let a = bucket("2001:db8::1".parse().unwrap());
        let b = bucket("2001:db8::ffff:2".parse().unwrap());
        assert_eq!(a, b);
    }

    #[test]
    fn reset_grows_with_usage() {
        let q = Quota {
            limit: 1000,
            window: Duration::from_secs(900),
        };
        assert_eq!(q.reset_after(1000), 0);
        assert_eq!(q.reset_after(0), 900);
        assert_eq!(q.policy(), "1000;w=900");
    }

    #[test]
    fn a_keyed_limiter_counts_each_client_separately() {
        let l = KeyedLimiter::new(NonZeroU32::new(2).unwrap(), Duration::from_secs(900));
        let (a, b): (IpAddr, IpAddr) = ("1.1.1.1".parse().unwrap(), "2.2.2.2".parse().unwrap());
        assert_eq!(l.check(a), Decision::Allowed { remaining: 1 });
        assert_eq!(l.check(a), Decision::Allowed { remaining: 0 });
        let Decision::Denied { retry_after } = l.check(a) else {
            panic!("third request allowed")
        };
        assert!((1..=450).contains(&retry_after), "{retry_after}");
        assert_eq!(l.check(b), Decision::Allowed { remaining: 1 });
        let mut h = HeaderMap::new();
        l.write_headers(Decision::Denied { retry_after: 7 }, &mut h);
        assert_eq!(h.get("retry-after").unwrap(), "7");
        assert_eq!(h.get("ratelimit-policy").unwrap(), "2;w=900");
        assert_eq!(h.get("ratelimit-remaining").unwrap(), "0");
    }
}
