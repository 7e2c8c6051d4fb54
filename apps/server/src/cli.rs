//! The command line: `agentd [serve]` and `agentd migrate`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::settings::Settings;
use crate::startup::{Application, StartupError, connect_database};

/// agentd: an elizaOS-compatible agent server.
#[derive(Debug, Parser)]
#[command(name = "agentd", version, about)]
pub struct Cli {
    /// Configuration file (default: ./agentd.toml if present).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A character file to load and start at boot (repeatable), as `elizaos start
    /// --character` does. The file is read by the operator's command, so any path works.
    #[arg(long = "character", global = true, value_name = "FILE")]
    pub characters: Vec<PathBuf>,
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Clone, Copy, Subcommand)]
pub enum Command {
    /// Run the server (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
}

/// The process environment as UTF-8 pairs (others cannot be settings anyway).
pub fn process_env() -> HashMap<String, String> {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect()
}

/// Parses the command line, loads settings, runs the command; the exit code is non-zero on
/// any failure, with the reason on stderr.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref(), &process_env()) {
        Ok(settings) => Settings {
            characters: cli.characters,
            ..settings
        },
        Err(err) => {
            eprintln!("agentd: {err}");
            return ExitCode::from(2);
        }
    };
    crate::telemetry::init(settings.log_format);
    let command = cli.command.unwrap_or(Command::Serve);
    let result = actix_web::rt::System::new().block_on(async move {
        match command {
            Command::Serve => serve(settings).await,
            Command::Migrate => migrate(settings).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "agentd failed");
            eprintln!("agentd: {err}");
            ExitCode::FAILURE
        }
    }
}

/// `agentd serve`: runs until SIGINT or SIGTERM, then stops accepting, drains in-flight
/// requests and closes the database.
pub async fn serve(settings: Settings) -> Result<(), StartupError> {
    let app = Application::build(settings).await?;
    let handle = app.shutdown_handle();
    actix_web::rt::spawn(async move {
        match shutdown_signal().await {
            Ok(signal) => tracing::info!(signal, "shutting down gracefully"),
            Err(err) => tracing::error!(error = %err, "cannot listen for signals; shutting down"),
        }
        handle.stop().await;
    });
    app.run_until_stopped().await.map_err(StartupError::Serve)
}

/// Waits for SIGINT (Ctrl-C) or, on Unix, SIGTERM; returns which one arrived.
async fn shutdown_signal() -> std::io::Result<&'static str> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result.map(|()| "SIGINT"),
            _ = term.recv() => Ok("SIGTERM"),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await.map(|()| "SIGINT")
    }
}

/// `agentd migrate`.
pub async fn migrate(settings: Settings) -> Result<(), StartupError> {
    let db = connect_database(&settings).await?;
    let applied = db.migrate().await;
    db.close();
    let applied = applied?;
    tracing::info!(count = applied.len(), migrations = ?applied, "migrations applied");
    Ok(())
}
