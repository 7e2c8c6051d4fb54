//! NATS going away and coming back, on a private `nats-server` this test starts and kills
//! (the shared one must stay up for the other tests).

use std::io::Write;
use std::net::TcpListener;
use std::process::Stdio;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use agentd_bus::testing::unique_prefix;
use agentd_bus::{Bus, NatsBus, NatsConfig, Received};
use tokio::process::{Child, Command};
use uuid::Uuid;

use crate::{cleared, init_logs, next};

const NATS_SERVER: &str = "/usr/sbin/nats-server";

/// Starts `nats-server` on loopback `port` and waits until it accepts connections.
async fn start_server(port: u16) -> Child {
    let child = Command::new(NATS_SERVER)
        .args(["-a", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(Instant::now() < deadline, "nats-server did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    child
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
    if !std::path::Path::new(NATS_SERVER).exists() {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: {NATS_SERVER} missing; the NATS outage test did not run"
        );
        assert!(
            std::env::var_os("CI").is_none(),
            "{NATS_SERVER} is required in CI"
        );
        return;
    }
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    init_logs();
    let mut server = start_server(port).await;
    let prefix = unique_prefix();
    let mut config = NatsConfig::new(format!("nats://127.0.0.1:{port}")).with_prefix(&prefix);
    config.publish_timeout = Duration::from_millis(200);
    config.outbox = 64;
    let a = NatsBus::connect(config.clone()).await.unwrap();
    let b = NatsBus::connect(config).await.unwrap();
    let mut on_a = a.subscribe();
    let mut on_b = b.subscribe();

    server.kill().await.unwrap();
    eventually(10, "the bus sees the outage", || !a.is_connected()).await;

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

    let _server = start_server(port).await;
    eventually(30, "both buses reconnect", || {
        a.is_connected() && b.is_connected()
    })
    .await;
    // B hears how many events A dropped (in one notice or a few), as lags, and recovers
    // from storage.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut announced = 0;
    while announced == 0 || announced < a.stats().dropped.load(Ordering::Relaxed) {
        assert!(Instant::now() < deadline, "no drop notice reached B");
        if let Received::Lagged(n) = next(&mut on_b).await {
            announced += n;
        }
    }
    assert_eq!(announced, a.stats().dropped.load(Ordering::Relaxed));
    // And live traffic flows again.
    let after = cleared(Uuid::new_v4());
    a.publish(after.clone());
    loop {
        if next(&mut on_b).await == Received::Event(after.clone()) {
            break;
        }
    }
}
