//! Settings of the `agentd` binary, loaded with the `config` crate.
//!
//! Precedence, lowest first: built-in defaults < `agentd.toml` in the working directory (or
//! `--config FILE`) < the elizaOS variable names (`SERVER_PORT`, …) < `AGENTD_*` variables
//! (`__` separates nested keys). Every value is validated here, and a bad one stops start-up
//! with a message naming the variable or file key it came from.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use agentd_http_api::settings::{ApiSettings, CorsOrigins, Environment, IpNet, Secret};
use agentd_http_api::settings::{DEFAULT_RATE_LIMIT_WINDOW, MediaSettings, parse_byte_size};
use agentd_storage::DbConfig;
use config::{Config, File, FileFormat};
use serde::Deserialize;

/// The file read from the working directory when `--config` is not given.
pub const DEFAULT_CONFIG_FILE: &str = "agentd.toml";

/// elizaOS variable names and the setting each feeds, in priority order per setting.
const ELIZA_NAMES: &[(&str, &str)] = &[
    ("SERVER_HOST", "host"),
    ("SERVER_PORT", "port"),
    ("ELIZA_SERVER_AUTH_TOKEN", "auth_token"),
    ("POSTGRES_URL", "database_url"),
    ("DATABASE_URL", "database_url"),
    ("ELIZA_DATA_DIR", "data_dir"),
    ("EXPRESS_MAX_PAYLOAD", "max_payload"),
    ("CORS_ORIGIN", "cors_origin"),
    ("NODE_ENV", "env"),
    ("MAX_FILE_SIZE", "max_file_size"),
    ("ELIZA_UI_ENABLE", "ui_enable"),
];

pub use bus::BusSettings;
pub use ui::DEFAULT_UI_DIR;
use ui::ui_settings;

mod bus;
mod ui;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines (the default on a terminal).
    Text,
    /// One JSON object per line (the default otherwise, for log shippers).
    Json,
}

/// A database URL whose password never appears in `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(Secret);

impl DatabaseUrl {
    /// The URL itself, for the storage layer only.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = self.0.expose();
        // scheme://user:password@host/... → scheme://user:***@host/...
        let redacted = match (url.find("://"), url.rfind('@')) {
            (Some(s), Some(at)) if at > s => {
                let creds = &url[s + 3..at];
                match creds.split_once(':') {
                    Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                    None => url.to_string(),
                }
            }
            _ => url.to_string(),
        };
        write!(f, "DatabaseUrl({redacted:?})")
    }
}

/// Everything the binary needs, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Bind address (`SERVER_HOST`, default 127.0.0.1).
    pub host: IpAddr,
    /// Bind port (`SERVER_PORT`, default 3000; 0 picks a free port).
    pub port: u16,
    /// Where the SQLite file and uploads live (`ELIZA_DATA_DIR`, default `./.agentd`).
    pub data_dir: PathBuf,
    /// A PostgreSQL URL selects PostgreSQL; `None` selects SQLite in `data_dir`.
    pub database_url: Option<DatabaseUrl>,
    /// Maximum pooled database connections (default 8).
    pub db_pool_size: usize,
    /// Log format; `None` means text on a terminal, JSON otherwise.
    pub log_format: Option<LogFormat>,
    /// Allows a non-loopback bind without an API key (default false).
    pub allow_unauthenticated: bool,
    /// How long shutdown waits for in-flight requests (default 10 s).
    pub shutdown_timeout: Duration,
    /// The HTTP layer's settings.
    pub api: ApiSettings,
    /// On first start with no agent stored, create and start "Eliza" (ELIZA provider)
    /// (`AGENTD_DEFAULT_AGENT`, default true).
    pub default_agent: bool,
    /// Character files to load and start at boot (`agentd --character FILE`, repeatable).
    pub characters: Vec<PathBuf>,
    /// The bus: in-process (default) or NATS for several instances (`AGENTD_BUS`,
    /// `AGENTD_NATS_URL`, `AGENTD_NATS_PREFIX`).
    pub bus: BusSettings,
}

impl Settings {
    /// The address to bind.
    pub fn address(&self) -> SocketAddr {
        SocketAddr::new(self.host, self.port)
    }

    /// The storage configuration: PostgreSQL if a URL is set, else `<data_dir>/agentd.db`.
    pub fn db_config(&self) -> DbConfig {
        DbConfig {
            postgres_url: self.database_url.as_ref().map(|u| u.expose().to_string()),
            sqlite_path: self.data_dir.join("agentd.db"),
            pool_size: self.db_pool_size,
        }
    }

    /// Loads settings from `config_file` (or `agentd.toml` in the working directory, if
    /// present) and the given environment.
    pub fn load(
        config_file: Option<&Path>,
        env: &HashMap<String, String>,
    ) -> Result<Settings, SettingsError> {
        match config_file {
            Some(path) => Self::from_sources(Some((path, true)), env),
            None => Self::from_sources(Some((Path::new(DEFAULT_CONFIG_FILE), false)), env),
        }
    }

    /// Loads from an optional file (`(path, required)`) and an explicit environment map; the
    /// process environment is never read here, so tests can pass any map.
    pub fn from_sources(
        file: Option<(&Path, bool)>,
        env: &HashMap<String, String>,
    ) -> Result<Settings, SettingsError> {
        let env: HashMap<String, String> = env
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let origins = Origins {
            env: &env,
            file: file.map(|(p, _)| p.display().to_string()),
        };
        let mut builder = Config::builder();
        if let Some((path, required)) = file {
            builder =
                builder.add_source(File::from(path).format(FileFormat::Toml).required(required));
        }
        let config = builder
            .add_source(config::Environment::default().source(Some(eliza_map(&env))))
            .add_source(
                config::Environment::with_prefix("AGENTD")
                    .prefix_separator("_")
                    .separator("__")
                    .source(Some(env.clone())),
            )
            .build()
            .map_err(|e| SettingsError(format!("cannot read configuration: {e}")))?;
        let raw: Raw = config
            .try_deserialize()
            .map_err(|e| SettingsError(format!("invalid configuration: {e}")))?;
        raw.validate(&origins)
    }
}

/// A configuration error, naming the variable or file key at fault.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SettingsError(String);

/// The elizaOS names mapped onto setting keys. A `DATABASE_URL` that is not a PostgreSQL URL is
/// ignored (it may belong to another tool); `POSTGRES_URL` wins over it.
fn eliza_map(env: &HashMap<String, String>) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (name, key) in ELIZA_NAMES.iter().rev() {
        let Some(value) = env.get(*name) else {
            continue;
        };
        if *name == "DATABASE_URL" && !is_postgres_url(value) {
            continue;
        }
        out.insert((*key).to_string(), value.clone());
    }
    out
}

fn is_postgres_url(s: &str) -> bool {
    let s = s.trim();
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

/// Where each setting came from, for error messages.
struct Origins<'a> {
    env: &'a HashMap<String, String>,
    file: Option<String>,
}

impl Origins<'_> {
    fn of(&self, key: &str) -> String {
        let agentd = format!("AGENTD_{}", key.to_ascii_uppercase().replace('.', "__"));
        if self.env.contains_key(&agentd) {
            return agentd;
        }
        for (name, k) in ELIZA_NAMES {
            if *k == key && self.env.contains_key(*name) {
                if *name == "DATABASE_URL" && self.env.contains_key("POSTGRES_URL") {
                    continue;
                }
                return (*name).to_string();
            }
        }
        match &self.file {
            Some(file) => format!("`{key}` in {file}"),
            None => format!("`{key}`"),
        }
    }

    fn error(&self, key: &str, problem: impl fmt::Display) -> SettingsError {
        SettingsError(format!("invalid {}: {problem}", self.of(key)))
    }
}

/// A list given either as a TOML array or as a comma-separated string.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum StringOrList {
    One(String),
    Many(Vec<String>),
}

impl StringOrList {
    fn joined(&self) -> String {
        match self {
            StringOrList::One(s) => s.clone(),
            StringOrList::Many(v) => v.join(","),
        }
    }
}

/// Settings as read, before validation: strings, so errors can name their source.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Raw {
    host: Option<String>,
    port: Option<String>,
    auth_token: Option<String>,
    database_url: Option<String>,
    db_pool_size: Option<String>,
    data_dir: Option<String>,
    max_payload: Option<String>,
    cors_origin: Option<StringOrList>,
    env: Option<String>,
    api_rate_limit: Option<String>,
    trusted_proxies: Option<StringOrList>,
    log_format: Option<String>,
    allow_unauthenticated: Option<String>,
    session_delete_history: Option<String>,
    shutdown_timeout_secs: Option<String>,
    max_file_size: Option<String>,
    upload_rate_limit: Option<String>,
    file_rate_limit: Option<String>,
    default_agent: Option<String>,
    ui_dir: Option<String>,
    ui_enable: Option<String>,
    enable_env_routes: Option<String>,
    bus: Option<String>,
    nats_url: Option<String>,
    nats_prefix: Option<String>,
}

fn parse_bool(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        other => Err(format!(
            "`{other}` is not a boolean (expected true or false)"
        )),
    }
}

fn parse_num<T: std::str::FromStr>(s: &str, what: &str) -> Result<T, String> {
    s.trim().parse().map_err(|_| format!("`{s}` is not {what}"))
}

impl Raw {
    fn validate(self, o: &Origins<'_>) -> Result<Settings, SettingsError> {
        let host = match self.host.as_deref().map(str::trim) {
            None => IpAddr::V4(Ipv4Addr::LOCALHOST),
            Some("localhost") => IpAddr::V4(Ipv4Addr::LOCALHOST),
            Some(h) => h
                .parse()
                .map_err(|_| o.error("host", format!("`{h}` is not an IP address")))?,
        };
        let port = match &self.port {
            None => 3000,
            Some(p) => {
                parse_num::<u16>(p, "a port number (0-65535)").map_err(|e| o.error("port", e))?
            }
        };
        let database_url = match self.database_url {
            None => None,
            Some(url) if is_postgres_url(&url) => {
                Some(DatabaseUrl(Secret::new(url.trim().to_string())))
            }
            Some(_) => {
                return Err(o.error(
                    "database_url",
                    "expected a postgres:// or postgresql:// URL",
                ));
            }
        };
        let db_pool_size = match &self.db_pool_size {
            None => 8,
            Some(n) => match parse_num::<usize>(n, "a pool size") {
                Ok(n) if n > 0 => n,
                Ok(_) => return Err(o.error("db_pool_size", "must be at least 1")),
                Err(e) => return Err(o.error("db_pool_size", e)),
            },
        };
        let data_dir = PathBuf::from(self.data_dir.as_deref().unwrap_or("./.agentd"));
        let max_payload = match &self.max_payload {
            None => agentd_http_api::settings::DEFAULT_MAX_PAYLOAD,
            Some(s) => parse_byte_size(s).map_err(|e| o.error("max_payload", e))?,
        };
        let cors_origins = match &self.cors_origin {
            None => CorsOrigins::SameOrigin,
            Some(s) => CorsOrigins::parse(&s.joined()).map_err(|e| o.error("cors_origin", e))?,
        };
        let environment = match &self.env {
            None => Environment::Development,
            Some(s) => Environment::parse(s).map_err(|e| o.error("env", e))?,
        };
        let auth_token = self
            .auth_token
            .filter(|t| !t.trim().is_empty())
            .map(Secret::new);
        let rate_override = match &self.api_rate_limit {
            None => None,
            Some(s) => Some(
                parse_num::<u32>(s, "a request count (0 disables)")
                    .map_err(|e| o.error("api_rate_limit", e))?,
            ),
        };
        let trusted_proxies = match &self.trusted_proxies {
            None => Vec::new(),
            Some(s) => IpNet::parse_list(&s.joined()).map_err(|e| o.error("trusted_proxies", e))?,
        };
        let log_format = match self
            .log_format
            .as_deref()
            .map(|s| s.trim().to_ascii_lowercase())
        {
            None => None,
            Some(f) if f == "json" => Some(LogFormat::Json),
            Some(f) if f == "text" || f == "pretty" => Some(LogFormat::Text),
            Some(f) => {
                return Err(o.error(
                    "log_format",
                    format!("`{f}` is not a log format (expected json or text)"),
                ));
            }
        };
        let allow_unauthenticated = match &self.allow_unauthenticated {
            None => false,
            Some(s) => parse_bool(s).map_err(|e| o.error("allow_unauthenticated", e))?,
        };
        let shutdown_timeout = match &self.shutdown_timeout_secs {
            None => Duration::from_secs(10),
            Some(s) => Duration::from_secs(
                parse_num::<u64>(s, "a number of seconds")
                    .map_err(|e| o.error("shutdown_timeout_secs", e))?,
            ),
        };
        let mut media = MediaSettings {
            root: data_dir.join("media"),
            ..MediaSettings::default()
        };
        if let Some(s) = &self.max_file_size {
            media.max_file_size =
                parse_byte_size(s).map_err(|e| o.error("max_file_size", e))? as u64;
        }
        for (key, raw, limit) in [
            (
                "upload_rate_limit",
                &self.upload_rate_limit,
                &mut media.upload_rate_limit,
            ),
            (
                "file_rate_limit",
                &self.file_rate_limit,
                &mut media.file_rate_limit,
            ),
        ] {
            if let Some(s) = raw {
                let n = parse_num::<u32>(s, "a request count (0 disables)");
                *limit = Some(n.map_err(|e| o.error(key, e))?).filter(|n| *n > 0);
            }
        }
        let default_agent = match &self.default_agent {
            None => true,
            Some(s) => parse_bool(s).map_err(|e| o.error("default_agent", e))?,
        };
        // Read by their elizaOS names only; a bad value stops start-up naming the variable.
        let mut sessions = agentd_sessions::SessionLimits::from_lookup(|k| o.env.get(k).cloned())
            .map_err(|e| SettingsError(e.to_string()))?;
        if let Some(s) = &self.session_delete_history {
            sessions.delete_history =
                parse_bool(s).map_err(|e| o.error("session_delete_history", e))?;
        }
        let ui = ui_settings(self.ui_dir.as_deref(), self.ui_enable.as_deref())
            .map_err(|e| o.error("ui_dir", e))?;
        let enable_env = match &self.enable_env_routes {
            None => false,
            Some(s) => parse_bool(s).map_err(|e| o.error("enable_env_routes", e))?,
        };
        let env_dir = ui::env_dir(enable_env, auth_token.is_some(), host)
            .map_err(|e| o.error("enable_env_routes", e))?;
        let bus = bus::bus_settings(
            self.bus.as_deref(),
            self.nats_url.as_deref(),
            self.nats_prefix.as_deref(),
            o,
        )
        .map_err(SettingsError)?;
        let api = ApiSettings {
            env_dir,
            ui,
            environment,
            api_rate_limit: ApiSettings::resolve_rate_limit(rate_override, auth_token.is_some()),
            auth_token,
            cors_origins,
            max_payload,
            rate_limit_window: DEFAULT_RATE_LIMIT_WINDOW,
            trusted_proxies,
            media,
            characters_dir: Some(data_dir.join("characters")),
            sessions,
        };
        Ok(Settings {
            host,
            port,
            data_dir,
            database_url,
            db_pool_size,
            log_format,
            allow_unauthenticated,
            shutdown_timeout,
            api,
            default_agent,
            characters: Vec::new(),
            bus,
        })
    }
}

#[cfg(test)]
mod tests;
