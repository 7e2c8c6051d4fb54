//! The API rate limiter: actix-governor keyed by the real client address, with the
//! elizaOS 429 body and the IETF `RateLimit-*` headers express-rate-limit sends.
//!
//! The client is the TCP peer, unless the peer is a configured trusted proxy: then it is the
//! right-most `X-Forwarded-For` hop that is not itself a trusted proxy. The left-most hop is
//! whatever the client wrote, so keying on it would let a client reset its own counter.

use std::net::IpAddr;
use std::sync::{Arc, Weak};
use std::time::Duration;

use actix_governor::governor::NotUntil;
use actix_governor::governor::clock::{Clock, DefaultClock, QuantaInstant};
use actix_governor::governor::middleware::StateInformationMiddleware;
use actix_governor::{
    GovernorConfig, GovernorConfigBuilder, KeyExtractor, SimpleKeyExtractionError,
};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, HttpResponseBuilder, ResponseError};
use agentd_core::ErrorCode;

use crate::error::ApiError;
use crate::settings::{ApiSettings, IpNet};

/// The governor config type of the API limiter.
pub type ApiGovernorConfig = GovernorConfig<ClientIp, StateInformationMiddleware>;

const LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
const REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
const RESET: HeaderName = HeaderName::from_static("ratelimit-reset");
const POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
const GOVERNOR_HEADERS: [&str; 4] = [
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-after",
    "x-ratelimit-whitelisted",
];

/// Keys requests by client address (see the module docs) and renders the 429.
#[derive(Debug, Clone)]
pub struct ClientIp {
    trusted: Arc<[IpNet]>,
    quota: Quota,
}

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

impl KeyExtractor for ClientIp {
    type Key = IpAddr;
    type KeyExtractionError = SimpleKeyExtractionError<&'static str>;

    fn extract(&self, req: &ServiceRequest) -> Result<IpAddr, Self::KeyExtractionError> {
        let peer = req
            .peer_addr()
            .ok_or_else(|| SimpleKeyExtractionError::new("no peer address"))?;
        Ok(bucket(client_ip(peer.ip(), req.headers(), &self.trusted)))
    }

    fn exceed_rate_limit_response(
        &self,
        negative: &NotUntil<QuantaInstant>,
        mut response: HttpResponseBuilder,
    ) -> HttpResponse {
        let wait = negative
            .wait_time_from(DefaultClock::default().now())
            .as_secs()
            .max(1);
        response
            .insert_header((LIMIT, self.quota.limit))
            .insert_header((REMAINING, 0))
            .insert_header((RESET, self.quota.reset_after(0)))
            .insert_header((POLICY, self.quota.policy()))
            .insert_header(("retry-after", wait));
        let body = ApiError::new(
            ErrorCode::RateLimitExceeded,
            "Too many requests. Please try again later.",
        )
        .error_response()
        .into_body();
        response.content_type("application/json").body(body)
    }
}

#[expect(
    clippy::expect_used,
    reason = "finish() fails only for a zero period or burst, both clamped to >= 1 by the caller"
)]
fn build_config(period: Duration, burst: u32, key: ClientIp) -> ApiGovernorConfig {
    GovernorConfigBuilder::default()
        .period(period)
        .burst_size(burst)
        .key_extractor(key)
        .use_headers()
        .finish()
        .expect("non-zero period and burst")
}

/// The API limiter: a governor config built once and shared by every worker.
#[derive(Clone)]
pub struct ApiRateLimit {
    config: ApiGovernorConfig,
    enabled: bool,
    quota: Quota,
}

impl ApiRateLimit {
    /// Builds the limiter from the settings; disabled when `api_rate_limit` is `None`.
    pub fn new(settings: &ApiSettings) -> Self {
        let window = settings.rate_limit_window.max(Duration::from_secs(1));
        let (enabled, limit) = match settings.api_rate_limit {
            Some(n) if n > 0 => (true, n),
            _ => (false, 1),
        };
        let quota = Quota { limit, window };
        let key = ClientIp {
            trusted: settings.trusted_proxies.clone().into(),
            quota,
        };
        // A burst of `limit` that refills one request every window/limit: at most `limit`
        // requests per window, like express-rate-limit's fixed window but without its edge
        // burst of 2x at the window boundary.
        let period = (window / limit).max(Duration::from_nanos(1));
        let config = build_config(period, limit, key);
        ApiRateLimit {
            config,
            enabled,
            quota,
        }
    }

    /// Whether requests are limited at all.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The governor config for `actix_governor::Governor::new`.
    pub fn config(&self) -> &ApiGovernorConfig {
        &self.config
    }

    /// Spawns the task that forgets idle clients every minute (governor never evicts keys by
    /// itself); it ends when the limiter is dropped.
    pub fn spawn_cleanup(&self) {
        if !self.enabled {
            return;
        }
        let weak: Weak<_> = Arc::downgrade(&self.config.limiter());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(60)).await;
                let Some(limiter) = weak.upgrade() else { break };
                limiter.retain_recent();
                limiter.shrink_to_fit();
            }
        });
    }
}

/// Rewrites governor's `x-ratelimit-*` headers into the `RateLimit-*` set elizaOS clients see.
pub async fn rate_limit_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let quota = super::state_of(req.request()).map(|s| s.rate_limit().quota);
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    let remaining = headers
        .get("x-ratelimit-remaining")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u32>().ok());
    for name in GOVERNOR_HEADERS {
        headers.remove(name);
    }
    if let (Some(quota), Some(remaining)) = (quota, remaining)
        && !headers.contains_key(&LIMIT)
    {
        headers.insert(LIMIT, HeaderValue::from(quota.limit));
        headers.insert(REMAINING, HeaderValue::from(remaining));
        headers.insert(RESET, HeaderValue::from(quota.reset_after(remaining)));
        if let Ok(policy) = HeaderValue::from_str(&quota.policy()) {
            headers.insert(POLICY, policy);
        }
    }
    Ok(res)
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
}
