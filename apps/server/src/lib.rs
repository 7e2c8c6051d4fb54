//! The `agentd` server as a library: settings, tracing, start-up and the command line.
//!
//! `main.rs` only calls [`cli::run`]; everything else lives here so tests can load settings
//! from explicit maps and start the real server on `127.0.0.1:0`.

pub mod agents;
pub mod cli;
pub mod settings;
pub mod startup;
pub mod telemetry;

pub use settings::{LogFormat, Settings, SettingsError};
pub use startup::{Application, ShutdownHandle, StartupError};
