//! Test support (feature `test-util`): the NATS server tests use, and isolation per test.
//!
//! NATS comes from `AGENTD_TEST_NATS_URL`; without it, NATS tests print a loud `SKIPPED`
//! line and pass, unless `CI` is set, where they fail (as the PostgreSQL tests do).

use std::io::Write;

/// The variable naming the NATS server tests use.
pub const NATS_URL_VAR: &str = "AGENTD_TEST_NATS_URL";

/// The NATS URL for tests, or `None` (after a loud `SKIPPED` line on stderr) when it is
/// unset outside CI.
///
/// # Panics
/// When `CI` is set and the URL is not: CI must run the NATS tests.
pub fn nats_url() -> Option<String> {
    match std::env::var(NATS_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!("{NATS_URL_VAR} is unset but CI is set: NATS tests must run in CI")
        }
        _ => {
            let test = std::thread::current().name().unwrap_or("?").to_owned();
            // Straight to the process's stderr: libtest captures `eprintln!`, not this.
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED ({NATS_URL_VAR} unset): {test} on NATS did not run"
            );
            None
        }
    }
}

/// A subject prefix no other test uses, so tests sharing one NATS never see each other.
pub fn unique_prefix() -> String {
    format!("agentd-test.{}", uuid::Uuid::new_v4().simple())
}
