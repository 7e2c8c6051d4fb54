//! NATS going away for one instance and coming back. Instance A reaches the test NATS
//! through a TCP proxy this test cuts and restores; instance B stays connected, so what it
//! hears from A is deterministic (a peer that is itself disconnected misses messages and
//! recovers through its own reconnect notice instead).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use agentd_bus::testing::{nats_url, unique_prefix};
use agentd_bus::{Bus, NatsBus, NatsConfig, Received};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::{cleared, init_logs, next};

/// A loopback TCP proxy to `upstream` that can be cut (open connections dropped, new ones
/// refused) and restored.
struct Proxy {
    port: u16,
    cut: Arc<AtomicBool>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
    accept: JoinHandle<()>,
}

impl Proxy {
    async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = Arc::new(AtomicBool::new(false));
        let links: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let (c, l) = (cut.clone(), links.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut down, _)) = listener.accept().await {
                if c.load(Ordering::SeqCst) {
                    continue; // dropped: the client sees the connection close
                }
                let link = tokio::spawn(async move {
                    if let Ok(mut up) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut down, &mut up).await;
                    }
                });
                l.lock().unwrap().push(link);
            }
        });
        Proxy {
            port,
            cut,
            links,
            accept,
        }
    }

    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    fn restore(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut();
    }
}

/// Polls `check` every 50 ms for up to `secs` seconds.
async fn eventually(secs: u64, what: &str, check: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_outage_never_blocks_publishers_and_peers_are_told_to_recover() {
    let Some(url) = nats_url() else { return };
    init_logs();
    let authority = url.split("://").last().unwrap_or(&url);
    let upstream = tokio::net::lookup_host(authority)
        .await
        .unwrap()
        .next()
        .unwrap();
    let proxy = Proxy::start(upstream).await;
    let prefix = unique_prefix();
    let mut config =
        NatsConfig::new(format!("nats://127.0.0.1:{}", proxy.port)).with_prefix(&prefix);
    config.publish_timeout = Duration::from_millis(200);
    config.outbox = 64;
    let a = NatsBus::connect(config).await.unwrap();
    let b = NatsBus::connect(NatsConfig::new(url.clone()).with_prefix(&prefix))
        .await
        .unwrap();
    let mut on_a = a.subscribe();
    let mut on_b = b.subscribe();

    proxy.cut();
    eventually(10, "A sees the outage", || !a.is_connected()).await;

    // Publishing is a bounded push: far more events than any buffer, and no wait.
    let started = Instant::now();
    let first = cleared(Uuid::new_v4());
    a.publish(first.clone());
    for _ in 0..3000 {
        a.publish(cleared(Uuid::new_v4()));
    }
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "publishing during an outage took {:?}",
        started.elapsed()
    );
    // This instance's subscribers still get them.
    assert_eq!(next(&mut on_a).await, Received::Event(first));
    // What cannot be buffered is dropped and counted, not queued forever.
    eventually(10, "events are dropped", || {
        a.stats().dropped.load(Ordering::Relaxed) > 0
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let dropped = a.stats().dropped.load(Ordering::Relaxed);

    proxy.restore();
    eventually(30, "A reconnects", || a.is_connected()).await;
    // B, connected throughout, gets what A had buffered and is told how many A dropped
    // (once, or in a few notices), as lags: its subscribers recover from storage.
    let mut announced = 0;
    while announced < dropped {
        if let Received::Lagged(n) = next(&mut on_b).await {
            announced += n;
        }
    }
    assert_eq!(announced, dropped);
    // A's own subscribers are told they may have missed B's events meanwhile.
    loop {
        if let Received::Lagged(0) = next(&mut on_a).await {
            break;
        }
    }
    // And live traffic flows again.
    let after = cleared(Uuid::new_v4());
    a.publish(after.clone());
    while next(&mut on_b).await != Received::Event(after.clone()) {}
}
