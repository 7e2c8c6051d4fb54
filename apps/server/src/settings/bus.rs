//! The bus settings (docs/SCALE-OUT.md): `bus = "local" | "nats"`, the NATS server list
//! and the subject prefix (`AGENTD_BUS`, `AGENTD_NATS_URL`, `AGENTD_NATS_PREFIX`).

use std::fmt;

use agentd_http_api::settings::Secret;

use super::Origins;

/// Which bus carries events between the parts of the server, and between instances.
#[derive(Clone, PartialEq, Eq, Default)]
pub enum BusSettings {
    /// In-process only: one instance (the default).
    #[default]
    Local,
    /// NATS: every instance sharing the server list and prefix sees every event.
    Nats {
        /// Comma-separated `nats://` / `tls://` URLs, possibly with credentials.
        url: Secret,
        /// The subject prefix (default `agentd`).
        prefix: String,
    },
}

impl fmt::Debug for BusSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BusSettings::Local => f.write_str("Local"),
            BusSettings::Nats { url, prefix } => f
                .debug_struct("Nats")
                .field("url", &agentd_bus::redact(url.expose()))
                .field("prefix", prefix)
                .finish(),
        }
    }
}

/// How a message names `key`: the variable or file key it came from, or, when it was not
/// given, the variable to set.
fn key_name(o: &Origins<'_>, key: &str) -> String {
    let var = format!("AGENTD_{}", key.to_ascii_uppercase());
    match &o.file {
        _ if o.env.contains_key(&var) => var,
        Some(file) => format!("{var} (`{key}` in {file})"),
        None => var,
    }
}

/// Validates the raw values; every message names the variable or file key at fault.
pub(super) fn bus_settings(
    bus: Option<&str>,
    url: Option<&str>,
    prefix: Option<&str>,
    o: &Origins<'_>,
) -> Result<BusSettings, String> {
    let name = |key: &str| key_name(o, key);
    let kind = bus.map(|b| b.trim().to_ascii_lowercase());
    let url = url.map(str::trim).filter(|u| !u.is_empty());
    match kind.as_deref() {
        None | Some("local") => {
            if url.is_some() {
                return Err(format!(
                    "{} is set but {} is `local`: set {} to `nats` to use NATS, or unset the URL",
                    name("nats_url"),
                    name("bus"),
                    name("bus"),
                ));
            }
            Ok(BusSettings::Local)
        }
        Some("nats") => {
            let Some(url) = url else {
                return Err(format!(
                    "{} is `nats` but no NATS server is given: set {} (e.g. nats://127.0.0.1:4222)",
                    name("bus"),
                    name("nats_url"),
                ));
            };
            agentd_bus::parse_servers(url)
                .map_err(|e| format!("invalid {}: {e}", name("nats_url")))?;
            let prefix = prefix
                .map(str::trim)
                .unwrap_or(agentd_bus::DEFAULT_PREFIX)
                .to_owned();
            agentd_bus::wire::validate_prefix(&prefix)
                .map_err(|e| format!("invalid {}: {e}", name("nats_prefix")))?;
            Ok(BusSettings::Nats {
                url: Secret::new(url.to_owned()),
                prefix,
            })
        }
        Some(other) => Err(format!(
            "invalid {}: `{other}` is not a bus (expected local or nats)",
            name("bus")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{Settings, SettingsError};
    use std::collections::HashMap;
    use std::io::Write;

    fn load(pairs: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let env: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::from_sources(None, &env)
    }

    fn error(pairs: &[(&str, &str)]) -> String {
        load(pairs).unwrap_err().to_string()
    }

    #[test]
    fn the_bus_is_local_unless_nats_is_asked_for() {
        assert_eq!(load(&[]).unwrap().bus, BusSettings::Local);
        assert_eq!(
            load(&[("AGENTD_BUS", "LOCAL")]).unwrap().bus,
            BusSettings::Local
        );
        let s = load(&[
            ("AGENTD_BUS", "nats"),
            (
                "AGENTD_NATS_URL",
                "nats://u:pw@127.0.0.1:4222, nats://10.0.0.2:4222",
            ),
        ])
        .unwrap();
        let BusSettings::Nats { url, prefix } = &s.bus else {
            panic!("{:?}", s.bus);
        };
        assert_eq!(prefix, "agentd");
        assert!(url.expose().starts_with("nats://u:pw@"));
        let shown = format!("{s:?}");
        assert!(!shown.contains("pw"), "the password leaked: {shown}");
        let custom = load(&[
            ("AGENTD_BUS", "nats"),
            ("AGENTD_NATS_URL", "127.0.0.1:4222"),
            ("AGENTD_NATS_PREFIX", "prod.agentd"),
        ])
        .unwrap();
        assert!(matches!(custom.bus, BusSettings::Nats { prefix, .. } if prefix == "prod.agentd"));
    }

    #[test]
    fn bad_bus_settings_name_their_variable() {
        let e = error(&[("AGENTD_BUS", "redis")]);
        assert!(e.contains("AGENTD_BUS") && e.contains("redis"), "{e}");
        let e = error(&[("AGENTD_BUS", "nats")]);
        assert!(e.contains("AGENTD_NATS_URL"), "{e}");
        let e = error(&[("AGENTD_BUS", "nats"), ("AGENTD_NATS_URL", "http://x:1")]);
        assert!(e.contains("invalid AGENTD_NATS_URL"), "{e}");
        let e = error(&[
            ("AGENTD_BUS", "nats"),
            ("AGENTD_NATS_URL", "nats://x:1"),
            ("AGENTD_NATS_PREFIX", "a.*"),
        ]);
        assert!(e.contains("invalid AGENTD_NATS_PREFIX"), "{e}");
        // A URL without `bus = "nats"` would silently run alone: refused.
        let e = error(&[("AGENTD_NATS_URL", "nats://x:1")]);
        assert!(
            e.contains("AGENTD_NATS_URL") && e.contains("AGENTD_BUS"),
            "{e}"
        );
    }

    #[test]
    fn the_file_keys_work_and_are_named() {
        let mut f = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
        f.write_all(b"bus = \"nats\"\nnats_url = \"nats://127.0.0.1:4222\"\n")
            .unwrap();
        let s = Settings::from_sources(Some((f.path(), true)), &HashMap::new()).unwrap();
        assert!(matches!(s.bus, BusSettings::Nats { .. }));
        let mut g = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
        g.write_all(b"bus = \"nats\"\n").unwrap();
        let e = Settings::from_sources(Some((g.path(), true)), &HashMap::new())
            .unwrap_err()
            .to_string();
        assert!(e.contains("`nats_url` in"), "{e}");
    }
}
