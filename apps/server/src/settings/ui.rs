//! The web UI settings: `ui_dir` (`AGENTD_UI_DIR`), `ui_enable` (`ELIZA_UI_ENABLE`) and
//! `enable_env_routes` (`AGENTD_ENABLE_ENV_ROUTES`, the UI's settings page).

use std::path::PathBuf;

use agentd_http_api::settings::UiSettings;

/// The UI directory used when `ui_dir` is unset and it holds an `index.html`
/// (where `cargo xtask ui` puts the UI).
pub const DEFAULT_UI_DIR: &str = "ui";

/// elizaOS's truthiness for `ELIZA_UI_ENABLE`: YES/Y/TRUE/T/1/ON/ENABLE, anything else false.
fn eliza_truthy(s: &str) -> bool {
    matches!(
        s.trim().to_ascii_uppercase().as_str(),
        "YES" | "Y" | "TRUE" | "T" | "1" | "ON" | "ENABLE"
    )
}

/// The UI to serve: off, an explicit directory (which must hold `index.html`), `ui/` when
/// present, or agentd's placeholder page.
pub(super) fn ui_settings(
    raw_dir: Option<&str>,
    enable: Option<&str>,
) -> Result<UiSettings, String> {
    if enable.is_some_and(|e| !eliza_truthy(e)) {
        return Ok(UiSettings::Disabled);
    }
    let (dir, explicit) = match raw_dir.map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => (PathBuf::from(d), true),
        None => (PathBuf::from(DEFAULT_UI_DIR), false),
    };
    if dir.join("index.html").is_file() {
        let dir = dir
            .canonicalize()
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        return Ok(UiSettings::Dir(dir));
    }
    if explicit {
        return Err(format!(
            "{} holds no index.html (run `cargo xtask ui` to fetch the UI)",
            dir.display()
        ));
    }
    Ok(UiSettings::Placeholder)
}

/// Where `/api/system/env/local` works when enabled: the working directory. Enabling it on a
/// non-loopback address without an API key is refused (anyone could rewrite the `.env`).
pub(super) fn env_dir(
    enable: bool,
    has_key: bool,
    host: std::net::IpAddr,
) -> Result<Option<PathBuf>, String> {
    if !enable {
        return Ok(None);
    }
    if !has_key && !host.is_loopback() {
        return Err("the .env routes need an API key on a non-loopback address".into());
    }
    std::env::current_dir().map(Some).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eliza_ui_enable_uses_elizas_truthiness() {
        for off in ["false", "0", "no", "off", "disabled", ""] {
            assert_eq!(
                ui_settings(None, Some(off)),
                Ok(UiSettings::Disabled),
                "{off}"
            );
        }
        for on in ["true", "TRUE", "1", "yes", "Y", "t", "on", "enable"] {
            assert_ne!(
                ui_settings(None, Some(on)),
                Ok(UiSettings::Disabled),
                "{on}"
            );
        }
    }

    #[test]
    fn an_explicit_dir_must_hold_index_html() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_str().unwrap();
        assert!(
            ui_settings(Some(path), None)
                .unwrap_err()
                .contains("index.html")
        );
        std::fs::write(dir.path().join("index.html"), "<html></html>").unwrap();
        let real = dir.path().canonicalize().unwrap();
        assert_eq!(ui_settings(Some(path), None), Ok(UiSettings::Dir(real)));
        assert_eq!(
            ui_settings(Some(path), Some("false")),
            Ok(UiSettings::Disabled)
        );
    }
}
