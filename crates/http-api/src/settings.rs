//! Settings the HTTP layer needs, already validated.
//!
//! Loading them (file, environment, defaults) is the binary's job; this module only holds the
//! typed values and the small parsers the loader shares, so the HTTP crate never reads the
//! process environment itself and tests can build any combination directly.

pub use agentd_media::MediaSettings;

pub use agentd_core::access::{CorsOrigins, Secret};
use std::net::IpAddr;
use std::time::Duration;

/// The default JSON body limit, as elizaOS's `EXPRESS_MAX_PAYLOAD` default `"2mb"`.
pub const DEFAULT_MAX_PAYLOAD: usize = 2 * 1024 * 1024;

/// The default API rate limit per client and window when an API key is configured.
pub const DEFAULT_API_RATE_LIMIT: u32 = 1000;

/// The API rate-limit window of elizaOS (15 minutes).
pub const DEFAULT_RATE_LIMIT_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Production or development: selects the CSP, HSTS and what `/api/system/version` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Environment {
    /// Relaxed CSP for the dev UI, no HSTS.
    #[default]
    Development,
    /// Strict CSP and HSTS.
    Production,
}

impl Environment {
    /// The name reported in `/api/system/version`.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Development => "development",
            Environment::Production => "production",
        }
    }

    /// Parses `production`, `development` or `test` (Node's usual values; `test` behaves as
    /// development), case-insensitively.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "production" | "prod" => Ok(Environment::Production),
            "development" | "dev" | "test" => Ok(Environment::Development),
            other => Err(format!(
                "`{other}` is not an environment (expected production or development)"
            )),
        }
    }
}

/// An IP network (`10.0.0.0/8`) or a single address, for the trusted-proxy list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl IpNet {
    /// Parses `1.2.3.4`, `::1`, `10.0.0.0/8` or `fd00::/8`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let bad = || format!("`{s}` is not an IP address or CIDR network");
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (
                a.parse::<IpAddr>().map_err(|_| bad())?,
                Some(p.parse::<u8>().map_err(|_| bad())?),
            ),
            None => (s.parse::<IpAddr>().map_err(|_| bad())?, None),
        };
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        if prefix > max {
            return Err(bad());
        }
        Ok(IpNet { addr, prefix })
    }

    /// Parses a comma-separated list.
    pub fn parse_list(s: &str) -> Result<Vec<Self>, String> {
        s.split(',')
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .map(IpNet::parse)
            .collect()
    }

    /// Whether `ip` lies in this network (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                prefix_eq(&net.octets(), &ip.octets(), self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                prefix_eq(&net.octets(), &ip.octets(), self.prefix)
            }
            _ => false,
        }
    }
}

fn prefix_eq(a: &[u8], b: &[u8], prefix: u8) -> bool {
    let full = usize::from(prefix / 8);
    let rest = prefix % 8;
    if a[..full] != b[..full] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    (a[full] & mask) == (b[full] & mask)
}

/// Parses a body size as elizaOS's `EXPRESS_MAX_PAYLOAD`: `2mb`, `100kb`, `1.5MB`, or bytes.
///
/// Units are binary (1kb = 1024 bytes), like the `bytes` package Express uses.
pub fn parse_byte_size(s: &str) -> Result<usize, String> {
    let t = s.trim().to_ascii_lowercase();
    let bad = || format!("`{s}` is not a size (expected e.g. 2mb, 100kb or a byte count)");
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let factor: f64 = match unit.trim() {
        "" | "b" => 1.0,
        "kb" | "k" => 1024.0,
        "mb" | "m" => 1024.0 * 1024.0,
        "gb" | "g" => 1024.0 * 1024.0 * 1024.0,
        _ => return Err(bad()),
    };
    let n: f64 = num.parse().map_err(|_| bad())?;
    let bytes = (n * factor).floor();
    if !bytes.is_finite() || bytes < 1.0 || bytes > usize::MAX as f64 {
        return Err(bad());
    }
    // Truncation is intended: Express floors fractional byte counts too.
    Ok(bytes as usize)
}

/// What agentd serves outside `/api`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum UiSettings {
    /// `ELIZA_UI_ENABLE=false`: every non-API path answers 403, as in 1.7.2.
    Disabled,
    /// No UI directory: `/` serves agentd's own page saying how to get the UI (`cargo xtask
    /// ui`); other paths 404.
    #[default]
    Placeholder,
    /// The built UI in this directory (it holds `index.html`), with the SPA fallback.
    Dir(std::path::PathBuf),
}

/// Everything the HTTP layer needs to know, validated by the loader.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// Production or development.
    pub environment: Environment,
    /// `ELIZA_SERVER_AUTH_TOKEN`: when set, every `/api` request needs `X-API-KEY`.
    pub auth_token: Option<Secret>,
    /// `CORS_ORIGIN`.
    pub cors_origins: CorsOrigins,
    /// Body limit in bytes for POST/PUT/PATCH under `/api` (`EXPRESS_MAX_PAYLOAD`).
    pub max_payload: usize,
    /// Requests per client and window under `/api`; `None` disables the limiter.
    pub api_rate_limit: Option<u32>,
    /// The rate-limit window.
    pub rate_limit_window: Duration,
    /// Peers whose `X-Forwarded-For` is believed when keying the rate limiter.
    pub trusted_proxies: Vec<IpNet>,
    /// Upload storage, the file size limit and the upload rate limits.
    pub media: MediaSettings,
    /// The only directory `POST /api/agents {characterPath}` reads from; `None` refuses
    /// `characterPath` (no arbitrary paths, no URLs, unlike elizaOS).
    pub characters_dir: Option<std::path::PathBuf>,
    /// Session timeout limits (`SESSION_*`).
    pub sessions: agentd_sessions::SessionLimits,
    /// The web UI, agentd's placeholder page, or nothing (`AGENTD_UI_DIR`, `ELIZA_UI_ENABLE`).
    pub ui: UiSettings,
    /// The directory whose `.env` `/api/system/env/local` reads and writes; `None` (the
    /// default) answers 403 (`AGENTD_ENABLE_ENV_ROUTES`).
    pub env_dir: Option<std::path::PathBuf>,
}

impl Default for ApiSettings {
    /// Development, no key, same-origin CORS, 2 MB bodies, no rate limit (loopback-only mode).
    fn default() -> Self {
        ApiSettings {
            environment: Environment::Development,
            auth_token: None,
            cors_origins: CorsOrigins::SameOrigin,
            max_payload: DEFAULT_MAX_PAYLOAD,
            api_rate_limit: None,
            rate_limit_window: DEFAULT_RATE_LIMIT_WINDOW,
            trusted_proxies: Vec::new(),
            media: MediaSettings::default(),
            characters_dir: None,
            sessions: agentd_sessions::SessionLimits::default(),
            ui: UiSettings::Placeholder,
            env_dir: None,
        }
    }
}

impl ApiSettings {
    /// The effective API rate limit: an explicit override wins (`0` disables); otherwise
    /// 1000 per window when a key is configured, and off in loopback-only mode.
    pub fn resolve_rate_limit(override_limit: Option<u32>, has_key: bool) -> Option<u32> {
        match override_limit {
            Some(0) => None,
            Some(n) => Some(n),
            None if has_key => Some(DEFAULT_API_RATE_LIMIT),
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_sizes_parse_like_express() {
        assert_eq!(parse_byte_size("2mb"), Ok(2 * 1024 * 1024));
        assert_eq!(parse_byte_size("100KB"), Ok(100 * 1024));
        assert_eq!(parse_byte_size("1.5mb"), Ok(1_572_864));
        assert_eq!(parse_byte_size("512"), Ok(512));
        assert_eq!(parse_byte_size(" 10 kb "), Ok(10 * 1024));
        assert!(parse_byte_size("lots").is_err());
        assert!(parse_byte_size("0").is_err());
        assert!(parse_byte_size("2tb").is_err());
    }

    #[test]
    fn cors_origins_parse() {
        assert_eq!(CorsOrigins::parse(""), Ok(CorsOrigins::SameOrigin));
        assert_eq!(CorsOrigins::parse("*"), Ok(CorsOrigins::Any));
        assert_eq!(
            CorsOrigins::parse("https://a.example, http://b.example:8080/"),
            Ok(CorsOrigins::List(vec![
                "https://a.example".into(),
                "http://b.example:8080".into()
            ]))
        );
        assert!(CorsOrigins::parse("a.example").is_err());
        assert!(CorsOrigins::parse("*, https://a.example").is_err());
    }

    #[test]
    fn ip_networks_match() {
        let net = IpNet::parse("10.0.0.0/8").unwrap();
        assert!(net.contains("10.1.2.3".parse().unwrap()));
        assert!(net.contains("::ffff:10.1.2.3".parse().unwrap()));
        assert!(!net.contains("11.0.0.1".parse().unwrap()));
        let one = IpNet::parse("::1").unwrap();
        assert!(one.contains("::1".parse().unwrap()));
        assert!(!one.contains("::2".parse().unwrap()));
        assert!(IpNet::parse("10.0.0.0/33").is_err());
        assert!(IpNet::parse("proxy.local").is_err());
    }

    #[test]
    fn rate_limit_resolution() {
        assert_eq!(ApiSettings::resolve_rate_limit(None, true), Some(1000));
        assert_eq!(ApiSettings::resolve_rate_limit(None, false), None);
        assert_eq!(ApiSettings::resolve_rate_limit(Some(0), true), None);
        assert_eq!(ApiSettings::resolve_rate_limit(Some(5), false), Some(5));
    }

    #[test]
    fn secrets_do_not_print() {
        let s = Secret::new("hunter2");
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}
