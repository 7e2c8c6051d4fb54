//! The built binary: bad settings stop it with a non-zero exit and the variable's name.

use std::process::Command;

fn agentd() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_agentd"));
    let dir = std::env::temp_dir();
    cmd.current_dir(dir).env_remove("RUST_LOG");
    cmd
}

#[test]
fn bad_port_exits_non_zero_naming_the_variable() {
    let out = agentd().env("SERVER_PORT", "abc").output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("SERVER_PORT"), "{stderr}");
}

#[test]
fn public_bind_without_key_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let out = agentd()
        .env("SERVER_HOST", "0.0.0.0")
        .env("SERVER_PORT", "0")
        .env("ELIZA_DATA_DIR", dir.path())
        .env_remove("ELIZA_SERVER_AUTH_TOKEN")
        .env_remove("AGENTD_ALLOW_UNAUTHENTICATED")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ELIZA_SERVER_AUTH_TOKEN"), "{stderr}");
}

#[test]
fn migrate_runs_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let out = agentd()
        .arg("migrate")
        .env("ELIZA_DATA_DIR", dir.path())
        .env_remove("POSTGRES_URL")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("agentd.db").exists());
}
