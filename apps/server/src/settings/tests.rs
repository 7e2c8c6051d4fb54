//! Precedence and bad-value tests on explicit environment maps (the process environment is
//! never touched).

use super::*;
use std::io::Write;

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

fn load(pairs: &[(&str, &str)]) -> Result<Settings, SettingsError> {
    Settings::from_sources(None, &env(pairs))
}

fn toml(contents: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    f.write_all(contents.as_bytes()).unwrap();
    f
}

#[test]
fn defaults_are_loopback_3000_sqlite_and_no_limiter() {
    let s = load(&[]).unwrap();
    assert_eq!(s.address().to_string(), "127.0.0.1:3000");
    assert!(s.database_url.is_none());
    assert_eq!(
        s.db_config().sqlite_path,
        PathBuf::from("./.agentd/agentd.db")
    );
    assert_eq!(s.api.max_payload, 2 * 1024 * 1024);
    assert_eq!(s.api.api_rate_limit, None);
    assert_eq!(s.api.environment, Environment::Development);
    assert_eq!(s.api.cors_origins, CorsOrigins::SameOrigin);
    assert!(!s.allow_unauthenticated);
}

#[test]
fn file_overrides_defaults_and_env_overrides_file() {
    let f = toml(
        "port = 4000\nhost = \"0.0.0.0\"\nmax_payload = \"100kb\"\ntrusted_proxies = [\"10.0.0.0/8\"]\n",
    );
    let only_file = Settings::from_sources(Some((f.path(), true)), &env(&[])).unwrap();
    assert_eq!(only_file.port, 4000);
    assert_eq!(only_file.api.max_payload, 100 * 1024);
    assert_eq!(only_file.api.trusted_proxies.len(), 1);

    let eliza =
        Settings::from_sources(Some((f.path(), true)), &env(&[("SERVER_PORT", "5000")])).unwrap();
    assert_eq!(eliza.port, 5000);
    assert_eq!(eliza.host.to_string(), "0.0.0.0");

    let both = Settings::from_sources(
        Some((f.path(), true)),
        &env(&[("SERVER_PORT", "5000"), ("AGENTD_PORT", "6000")]),
    )
    .unwrap();
    assert_eq!(both.port, 6000, "AGENTD_* wins over the elizaOS name");
}

#[test]
fn eliza_names_are_honoured() {
    let s = load(&[
        ("SERVER_HOST", "localhost"),
        ("ELIZA_SERVER_AUTH_TOKEN", "k"),
        ("POSTGRES_URL", "postgresql://u:pw@db/agentd"),
        ("ELIZA_DATA_DIR", "/var/lib/agentd"),
        ("EXPRESS_MAX_PAYLOAD", "1mb"),
        ("CORS_ORIGIN", "https://ui.example"),
        ("NODE_ENV", "production"),
    ])
    .unwrap();
    assert!(s.host.is_loopback());
    assert_eq!(s.api.auth_token.as_ref().map(Secret::expose), Some("k"));
    assert_eq!(
        s.api.api_rate_limit,
        Some(1000),
        "a key turns the limiter on"
    );
    assert!(s.db_config().postgres_url.is_some());
    assert_eq!(s.data_dir, PathBuf::from("/var/lib/agentd"));
    assert_eq!(s.api.max_payload, 1024 * 1024);
    assert_eq!(s.api.environment, Environment::Production);
    assert_eq!(
        s.api.cors_origins,
        CorsOrigins::List(vec!["https://ui.example".into()])
    );
}

#[test]
fn agentd_names_cover_the_rest() {
    let s = load(&[
        ("AGENTD_API_RATE_LIMIT", "0"),
        ("ELIZA_SERVER_AUTH_TOKEN", "k"),
        ("AGENTD_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8"),
        ("AGENTD_LOG_FORMAT", "json"),
        ("AGENTD_ALLOW_UNAUTHENTICATED", "true"),
        ("AGENTD_DATA_DIR", "/tmp/x"),
        ("ELIZA_DATA_DIR", "/tmp/y"),
        ("AGENTD_ENV", "production"),
        ("AGENTD_TEST_POSTGRES_URL", "postgres://ignored"),
    ])
    .unwrap();
    assert_eq!(s.api.api_rate_limit, None, "0 disables the limiter");
    assert_eq!(s.api.trusted_proxies.len(), 2);
    assert_eq!(s.log_format, Some(LogFormat::Json));
    assert!(s.allow_unauthenticated);
    assert_eq!(s.data_dir, PathBuf::from("/tmp/x"));
    assert_eq!(s.api.environment, Environment::Production);
}

#[test]
fn database_url_selection() {
    let s = load(&[("DATABASE_URL", "postgres://h/db")]).unwrap();
    assert!(s.database_url.is_some());
    let s = load(&[("DATABASE_URL", "mysql://h/db")]).unwrap();
    assert!(
        s.database_url.is_none(),
        "a non-PostgreSQL DATABASE_URL is not ours"
    );
    let s = load(&[
        ("DATABASE_URL", "postgres://a/db"),
        ("POSTGRES_URL", "postgres://b/db"),
    ])
    .unwrap();
    assert_eq!(s.database_url.unwrap().expose(), "postgres://b/db");
    let err = load(&[("POSTGRES_URL", "sqlite://x")])
        .unwrap_err()
        .to_string();
    assert!(err.contains("POSTGRES_URL"), "{err}");
}

#[test]
fn bad_values_name_their_source() {
    let cases: &[(&str, &str)] = &[
        ("SERVER_PORT", "abc"),
        ("SERVER_PORT", "70000"),
        ("AGENTD_PORT", "-1"),
        ("SERVER_HOST", "not a host"),
        ("EXPRESS_MAX_PAYLOAD", "lots"),
        ("CORS_ORIGIN", "ui.example"),
        ("NODE_ENV", "staging"),
        ("AGENTD_API_RATE_LIMIT", "many"),
        ("AGENTD_TRUSTED_PROXIES", "proxy.local"),
        ("AGENTD_LOG_FORMAT", "xml"),
        ("AGENTD_ALLOW_UNAUTHENTICATED", "maybe"),
        ("AGENTD_DB_POOL_SIZE", "0"),
    ];
    for (name, value) in cases {
        let err = load(&[(name, value)]).unwrap_err().to_string();
        assert!(err.contains(name), "{name}={value}: {err}");
    }
    let f = toml("port = \"abc\"\n");
    let err = Settings::from_sources(Some((f.path(), true)), &env(&[]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("`port`") && err.contains(".toml"), "{err}");
}

#[test]
fn missing_explicit_file_is_an_error_but_default_file_is_optional() {
    let missing = Path::new("/nonexistent/agentd.toml");
    assert!(Settings::from_sources(Some((missing, true)), &env(&[])).is_err());
    assert!(Settings::from_sources(Some((missing, false)), &env(&[])).is_ok());
}

#[test]
fn secrets_are_redacted_in_debug() {
    let s = load(&[
        ("ELIZA_SERVER_AUTH_TOKEN", "tok-123"),
        ("POSTGRES_URL", "postgres://user:pa55word@db:5432/agentd"),
    ])
    .unwrap();
    let debug = format!("{s:?}");
    assert!(!debug.contains("tok-123"), "{debug}");
    assert!(!debug.contains("pa55word"), "{debug}");
    assert!(
        debug.contains("postgres://user:***@db:5432/agentd"),
        "{debug}"
    );
}

#[test]
fn media_settings_load_and_validate() {
    let s = load(&[
        ("MAX_FILE_SIZE", "10mb"),
        ("AGENTD_UPLOAD_RATE_LIMIT", "0"),
        ("AGENTD_FILE_RATE_LIMIT", "7"),
        ("AGENTD_DATA_DIR", "/tmp/x"),
    ])
    .unwrap();
    assert_eq!(s.api.media.max_file_size, 10 * 1024 * 1024);
    assert_eq!(s.api.media.upload_rate_limit, None, "0 disables");
    assert_eq!(s.api.media.file_rate_limit, Some(7));
    assert_eq!(s.api.media.root, PathBuf::from("/tmp/x/media"));
    let d = load(&[]).unwrap();
    assert_eq!(d.api.media.max_file_size, 52_428_800);
    assert_eq!(d.api.media.upload_rate_limit, Some(50));
    assert!(load(&[("AGENTD_FILE_RATE_LIMIT", "lots")]).is_err());
}

#[test]
fn session_limits_come_from_session_vars_and_bad_ones_stop_start_up() {
    let s = load(&[
        ("SESSION_DEFAULT_TIMEOUT_MINUTES", "45"),
        ("SESSION_CLEANUP_INTERVAL_MINUTES", "2"),
    ])
    .unwrap();
    assert_eq!(s.api.sessions.default_timeout, 45);
    assert_eq!(s.api.sessions.cleanup_interval, 2);
    assert_eq!(
        load(&[]).unwrap().api.sessions,
        agentd_sessions::SessionLimits::default()
    );
    for (k, v) in [
        ("SESSION_MIN_TIMEOUT_MINUTES", "soon"),
        ("SESSION_MAX_TIMEOUT_MINUTES", "30"),
    ] {
        let err = load(&[(k, v)]).unwrap_err().to_string();
        assert!(err.contains(k), "{err}");
    }
}

#[test]
fn env_routes_are_off_by_default_and_need_a_key_off_loopback() {
    assert!(load(&[]).unwrap().api.env_dir.is_none());
    let on = load(&[("AGENTD_ENABLE_ENV_ROUTES", "true")]).unwrap();
    assert_eq!(on.api.env_dir, Some(std::env::current_dir().unwrap()));
    let public = [
        ("AGENTD_ENABLE_ENV_ROUTES", "true"),
        ("SERVER_HOST", "0.0.0.0"),
        ("AGENTD_ALLOW_UNAUTHENTICATED", "true"),
    ];
    let err = load(&public).unwrap_err().to_string();
    assert!(err.contains("AGENTD_ENABLE_ENV_ROUTES"), "{err}");
    let mut keyed = public.to_vec();
    keyed.push(("ELIZA_SERVER_AUTH_TOKEN", "k"));
    assert!(load(&keyed).unwrap().api.env_dir.is_some());
}

#[test]
fn session_history_deletion_is_opt_in_and_validated() {
    assert!(!load(&[]).unwrap().api.sessions.delete_history);
    let on = load(&[("AGENTD_SESSION_DELETE_HISTORY", "true")]).unwrap();
    assert!(on.api.sessions.delete_history);
    let err = load(&[("AGENTD_SESSION_DELETE_HISTORY", "maybe")])
        .unwrap_err()
        .to_string();
    assert!(err.contains("AGENTD_SESSION_DELETE_HISTORY"), "{err}");
}
