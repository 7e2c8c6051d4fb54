//! The NATS bus (feature `nats`): every instance of a deployment sees every event.
//!
//! **Exactly once per instance.** `publish` delivers the event to this instance's
//! subscribers directly (as [`crate::LocalBus`] does) and hands it to NATS for the others.
//! The connection asks the server not to echo our own messages back (`no_echo`), and any
//! message that still carries this bus's origin id is dropped, so a local subscriber never
//! sees an event twice. Delivering locally first also means a single instance keeps working
//! while NATS is down, and local subscribers pay no round trip.
//!
//! **One NATS subscription per instance.** Every instance needs every event (any channel
//! may have sockets here, any agent may run here), so the bus subscribes once to
//! `<prefix>.>` and fans messages out to local subscribers through the same bounded ring
//! as local events; [`Bus::subscribe_to`] filters in-process. Subjects still name the kind
//! and channel ([`crate::wire`]) for operators and tools.
//!
//! **Never blocks a request.** `publish` only pushes onto a bounded outbox; a background
//! task publishes with a timeout. While NATS is unreachable, async-nats buffers what it can
//! and reconnects forever; once a publish times out the bus sheds events for other
//! instances (logged, counted in [`NatsStats`]) until the connection is back, then tells
//! the other instances how many they missed. Every instance turns such a notice, its own
//! reconnect, or a slow-consumer drop into [`Received::Lagged`], so subscribers recover
//! from storage exactly as they do after an in-process lag.

mod tasks;

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, oneshot};
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::{Bus, BusError, BusEvent, Received, Subscription, wire};

/// Settings of a [`NatsBus`]; [`NatsConfig::new`] gives production defaults.
#[derive(Debug, Clone)]
pub struct NatsConfig {
    /// One server URL, or several separated by commas (`nats://` or `tls://`; credentials
    /// may be given as `nats://user:password@host`).
    pub url: String,
    /// The subject prefix; deployments sharing one NATS use different prefixes.
    pub prefix: String,
    /// The connection name shown in NATS monitoring.
    pub name: String,
    /// Events a local subscriber may fall behind by before it lags.
    pub capacity: usize,
    /// Events waiting to be sent to NATS before new ones are dropped (and counted).
    pub outbox: usize,
    /// How long one publish may wait for the client's buffer before the event is dropped.
    pub publish_timeout: Duration,
    /// How long the first connection may take (TCP, TLS and handshake).
    pub connect_timeout: Duration,
}

/// The default subject prefix.
pub const DEFAULT_PREFIX: &str = "agentd";

impl NatsConfig {
    /// Defaults for `url`: prefix `agentd`, 4096 events of lag, an outbox of 8192, 2 s per
    /// publish, 5 s to connect.
    pub fn new(url: impl Into<String>) -> Self {
        NatsConfig {
            url: url.into(),
            prefix: DEFAULT_PREFIX.to_owned(),
            name: "agentd".to_owned(),
            capacity: crate::local::DEFAULT_CAPACITY,
            outbox: 8192,
            publish_timeout: Duration::from_secs(2),
            connect_timeout: Duration::from_secs(5),
        }
    }

    /// The same settings under another subject prefix.
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }
}

/// Checks a NATS server list (comma-separated `nats://` or `tls://` URLs, or bare
/// `host:port`) without connecting, so settings can refuse a malformed one by name.
pub fn parse_servers(url: &str) -> Result<Vec<async_nats::ServerAddr>, BusError> {
    let mut servers = Vec::new();
    for part in url.split(',').map(str::trim) {
        if part.is_empty() {
            return Err(BusError::Config(
                "an empty server in the NATS server list".to_owned(),
            ));
        }
        let addr = async_nats::ServerAddr::from_str(part)
            .map_err(|e| BusError::Config(format!("`{}`: {e}", redact(part))))?;
        let scheme = part.split_once("://").map_or("nats", |(s, _)| s);
        if !matches!(scheme, "nats" | "tls") {
            return Err(BusError::Config(format!(
                "`{}`: only nats:// and tls:// URLs are supported",
                redact(part)
            )));
        }
        servers.push(addr);
    }
    Ok(servers)
}

/// A URL list with any `user:password@` replaced by `***@`, for logs and errors.
pub fn redact(url: &str) -> String {
    url.split(',')
        .map(|part| match (part.find("://"), part.rfind('@')) {
            (Some(s), Some(at)) if at > s => format!("{}***{}", &part[..s + 3], &part[at..]),
            _ => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Counters of what did not reach other instances, for logs, tests and health checks.
#[derive(Debug, Default)]
pub struct NatsStats {
    /// Events sent to NATS.
    pub published: AtomicU64,
    /// Events this instance could not send to other instances (outbox full, timeout, error).
    pub dropped: AtomicU64,
    /// Events received from other instances.
    pub received: AtomicU64,
    /// Messages from NATS that did not decode (other versions, foreign publishers).
    pub undecodable: AtomicU64,
}

/// Shared between the handle and the background tasks.
pub(crate) struct Shared {
    pub(crate) origin: Uuid,
    pub(crate) prefix: String,
    pub(crate) ring: broadcast::Sender<Received>,
    pub(crate) stats: NatsStats,
    /// Dropped events not yet announced to the other instances.
    pub(crate) unannounced: AtomicU64,
    pub(crate) publish_timeout: Duration,
}

struct Inner {
    shared: Arc<Shared>,
    outbox: mpsc::Sender<Outgoing>,
    client: async_nats::Client,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// The bus over NATS; cheap to clone (clones share one connection).
#[derive(Clone)]
pub struct NatsBus {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for NatsBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NatsBus")
            .field("origin", &self.inner.shared.origin)
            .field("prefix", &self.inner.shared.prefix)
            .finish_non_exhaustive()
    }
}

/// One item of the outbox, for the publishing task.
pub(crate) enum Outgoing {
    /// An encoded event and its subject.
    Event { subject: String, payload: Vec<u8> },
    /// Announce dropped events now (sent on reconnect).
    Announce,
    /// Answer once the server has processed everything queued before this.
    Flush(oneshot::Sender<()>),
}

impl NatsBus {
    /// Connects, subscribes to `<prefix>.>` and waits until the server has the
    /// subscription, so an event published by another instance after this returns is seen.
    /// An unreachable server or a bad URL is an error here (start-up stops); after that,
    /// reconnects are handled in the background, forever.
    pub async fn connect(config: NatsConfig) -> Result<NatsBus, BusError> {
        wire::validate_prefix(&config.prefix)?;
        let servers = parse_servers(&config.url)?;
        let (events_tx, events_rx) = mpsc::unbounded_channel();
        let options = async_nats::ConnectOptions::new()
            .name(&config.name)
            .no_echo()
            .connection_timeout(config.connect_timeout)
            .max_reconnects(None)
            .event_callback(move |event| {
                let tx = events_tx.clone();
                async move {
                    let _ = tx.send(event);
                }
            });
        let connect_error = |reason: String| BusError::Connect {
            url: redact(&config.url),
            reason,
        };
        let client = options
            .connect(servers)
            .await
            .map_err(|e| connect_error(e.to_string()))?;
        let subscriber = client
            .subscribe(wire::wildcard(&config.prefix))
            .await
            .map_err(|e| connect_error(e.to_string()))?;
        if !tasks::round_trip(&client, config.connect_timeout).await {
            return Err(connect_error(
                "the server did not confirm the subscription".into(),
            ));
        }

        let (ring, _) = broadcast::channel(config.capacity.max(1));
        let shared = Arc::new(Shared {
            origin: Uuid::new_v4(),
            prefix: config.prefix.clone(),
            ring,
            stats: NatsStats::default(),
            unannounced: AtomicU64::new(0),
            publish_timeout: config.publish_timeout,
        });
        let (outbox, outbox_rx) = mpsc::channel(config.outbox.max(1));
        let tasks = vec![
            tokio::spawn(tasks::receive(shared.clone(), subscriber)),
            tokio::spawn(tasks::publish(shared.clone(), client.clone(), outbox_rx)),
            tokio::spawn(tasks::monitor(
                shared.clone(),
                client.clone(),
                outbox.clone(),
                events_rx,
            )),
        ];
        tracing::info!(
            url = %redact(&config.url),
            prefix = %config.prefix,
            origin = %shared.origin,
            "NATS bus connected"
        );
        Ok(NatsBus {
            inner: Arc::new(Inner {
                shared,
                outbox,
                client,
                tasks,
            }),
        })
    }

    /// This instance's origin id (carried by every message it publishes).
    pub fn origin(&self) -> Uuid {
        self.inner.shared.origin
    }

    /// What was published, dropped and received so far.
    pub fn stats(&self) -> &NatsStats {
        &self.inner.shared.stats
    }

    /// Whether the connection to NATS is up right now.
    pub fn is_connected(&self) -> bool {
        self.inner.client.connection_state() == async_nats::connection::State::Connected
    }

    /// Sends what is queued and waits (at most `timeout`) until the server has processed
    /// it: call at shutdown so the last events reach the other instances.
    pub async fn flush(&self, timeout: Duration) -> bool {
        let (tx, rx) = oneshot::channel();
        let queued = self.inner.outbox.send(Outgoing::Flush(tx));
        tokio::time::timeout(timeout, async { queued.await.is_ok() && rx.await.is_ok() })
            .await
            .unwrap_or(false)
    }
}

impl Bus for NatsBus {
    fn publish(&self, event: BusEvent) {
        let shared = &self.inner.shared;
        let out = Outgoing::Event {
            subject: wire::subject(&shared.prefix, &event),
            payload: wire::encode_event(shared.origin, &event),
        };
        let _ = shared.ring.send(Received::Event(event));
        if self.inner.outbox.try_send(out).is_err() {
            tasks::count_drop(shared, "the NATS outbox is full");
        }
    }

    fn subscribe(&self) -> Subscription {
        let rx = self.inner.shared.ring.subscribe();
        Subscription::from_stream(futures_util::stream::unfold(rx, |mut rx| async move {
            use broadcast::error::RecvError;
            let item = match rx.recv().await {
                Ok(item) => item,
                Err(RecvError::Lagged(n)) => Received::Lagged(n),
                Err(RecvError::Closed) => return None,
            };
            Some((item, rx))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_lists_are_checked_without_connecting() {
        assert_eq!(parse_servers("nats://127.0.0.1:4222").unwrap().len(), 1);
        assert_eq!(parse_servers("nats://a:1, tls://b:2").unwrap().len(), 2);
        assert_eq!(parse_servers("127.0.0.1:4222").unwrap().len(), 1);
        for bad in [
            "http://x:1",
            "nats://a:1,ws://b:2",
            "nats://:::",
            "",
            "nats://a:1,",
        ] {
            let err = parse_servers(bad).err();
            assert_eq!(err.map(|e| e.code()), Some("BUS_CONFIG"), "{bad}");
        }
    }

    #[test]
    fn credentials_never_reach_logs() {
        assert_eq!(
            redact("nats://u:secret@a:1,nats://b:2"),
            "nats://***@a:1,nats://b:2"
        );
        let err = parse_servers("http://u:secret@a:1")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("secret"), "{err}");
    }

    #[tokio::test]
    async fn an_unreachable_server_is_an_error_at_connect() {
        // Port 1 on loopback: nothing listens there.
        let mut config = NatsConfig::new("nats://127.0.0.1:1");
        config.connect_timeout = Duration::from_secs(2);
        let err = NatsBus::connect(config).await.unwrap_err();
        assert_eq!(err.code(), "BUS_CONNECT");
        assert!(err.to_string().contains("127.0.0.1:1"), "{err}");
    }
}
