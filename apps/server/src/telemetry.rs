//! Tracing set-up: `RUST_LOG` filter (default `info`), human-readable on a terminal, JSON
//! otherwise or as configured.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::settings::LogFormat;

/// Installs the global subscriber; a second call (tests) is a no-op.
pub fn init(format: Option<LogFormat>) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let format = format.unwrap_or(if std::io::stdout().is_terminal() {
        LogFormat::Text
    } else {
        LogFormat::Json
    });
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    // The UI's log viewer and `log_stream` read this buffer.
    let logs = agentd_http_api::realtime::logs::LogLayer::global();
    if let Some(n) = std::env::var("AGENTD_LOG_BUFFER_SIZE")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        agentd_http_api::realtime::logs::LogBuffer::global().set_capacity(n);
    }
    let _already_set = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .finish()
            .with(logs)
            .try_init(),
        LogFormat::Text => builder.finish().with(logs).try_init(),
    };
}
