//! The tracing layer that turns events into [`LogRecord`]s.

use std::fmt::Write as _;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

use super::buffer::{LogBuffer, LogRecord};

/// Records every event that passes the subscriber's filter into a [`LogBuffer`].
/// Install it next to the formatting layer: `fmt().finish().with(LogLayer::global())`.
#[derive(Debug, Clone)]
pub struct LogLayer {
    buffer: LogBuffer,
}

impl LogLayer {
    /// A layer filling `buffer`.
    pub fn new(buffer: LogBuffer) -> Self {
        LogLayer { buffer }
    }

    /// A layer filling [`LogBuffer::global`], the buffer the server reads.
    pub fn global() -> Self {
        LogLayer::new(LogBuffer::global().clone())
    }
}

fn pino_level(level: &Level) -> u8 {
    match *level {
        Level::ERROR => 50,
        Level::WARN => 40,
        Level::INFO => 30,
        Level::DEBUG => 20,
        Level::TRACE => 10,
    }
}

#[derive(Default)]
struct Fields {
    message: String,
    rest: String,
    agent_id: Option<String>,
    agent_name: Option<String>,
}

impl Fields {
    fn put(&mut self, field: &Field, value: String) {
        match field.name() {
            "message" => self.message = value,
            "agent.id" | "agent_id" | "agentId" => self.agent_id = Some(value),
            "agent.name" | "agent_name" | "agentName" => self.agent_name = Some(value),
            name => {
                let _ = write!(self.rest, " {name}={value}");
            }
        }
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.put(field, format!("{value:?}"));
    }
}

impl<S: Subscriber> Layer<S> for LogLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let mut msg = fields.message;
        msg.push_str(&fields.rest);
        self.buffer.push(LogRecord {
            time: chrono::Utc::now().timestamp_millis(),
            level: pino_level(event.metadata().level()),
            msg,
            agent_id: fields.agent_id,
            agent_name: fields.agent_name,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing_subscriber::layer::SubscriberExt;

    #[test]
    fn one_record_per_event_with_agent_fields() {
        let buffer = LogBuffer::new(2);
        let subscriber = tracing_subscriber::registry().with(LogLayer::new(buffer.clone()));
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!("first");
            tracing::warn!(agent.id = "a1", agentName = "Eliza", n = 3, "second");
            tracing::error!("third");
        });
        let records = buffer.snapshot();
        assert_eq!(records.len(), 2, "capacity bounds the ring");
        assert_eq!(records[0].msg, "second n=3");
        assert_eq!(records[0].level, 40);
        assert_eq!(records[0].agent_id.as_deref(), Some("a1"));
        assert_eq!(records[0].agent_name.as_deref(), Some("Eliza"));
        assert_eq!(records[1].level, 50);
    }
}
