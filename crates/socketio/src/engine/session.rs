//! One Engine.IO session: its outbound queue, transport state, heartbeat and close signal.
//!
//! The queue is bounded so a client that does not read cannot make the server buffer
//! without limit: when it is full the session is closed ([`DisconnectReason::SlowClient`])
//! and every other sender carries on untouched.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::time::Duration;

use tokio::sync::{Mutex, Notify, mpsc, watch};

use crate::engine::frame::Frame;
use crate::engine::packet::EnginePacket;
use crate::reason::DisconnectReason;
use crate::sio::packet::SioPacket;

/// The transport a session currently delivers through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transport {
    /// HTTP long-polling.
    Polling,
    /// A websocket, fresh or upgraded.
    Websocket,
}

const POLLING: u8 = 0;
const WEBSOCKET: u8 = 1;

/// Why a packet could not be queued for a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QueueError {
    /// The session is already closed.
    Closed,
    /// The queue was full; the session has been closed as a slow client.
    Full,
}

/// Shared state of one Engine.IO session.
pub(crate) struct EngineSession {
    /// The Engine.IO session id (`sid` query parameter).
    pub(crate) sid: Arc<str>,
    outbound: mpsc::Sender<Frame>,
    /// The receiving end of the outbound queue; holding its lock means "I am the reader":
    /// a pending poll or the websocket writer. `try_lock` failing on a GET is an overlap.
    pub(crate) outbound_rx: Mutex<mpsc::Receiver<Frame>>,
    /// Held while a POST is being processed, to refuse overlapping POSTs.
    pub(crate) post_lock: Mutex<()>,
    transport: AtomicU8,
    /// Set between a successful `2probe` and the `5` upgrade (or the probe's failure).
    pub(crate) upgrading: AtomicBool,
    /// Releases the pending poll with a noop once the websocket probe succeeded.
    pub(crate) flush_poll: Notify,
    closed: watch::Sender<Option<DisconnectReason>>,
    /// Mirrors `closed` for the send path: a broadcast checks 1,000 sessions, and reading
    /// the watch takes its lock, an atomic does not.
    is_closed: AtomicBool,
    pong_seen: AtomicBool,
    pong: Notify,
    inbound: mpsc::Sender<SioPacket>,
}

impl EngineSession {
    /// Creates a session and the receiving end of its Socket.IO inbound queue.
    pub(crate) fn new(
        sid: Arc<str>,
        transport: Transport,
        outbound_capacity: usize,
    ) -> (Arc<Self>, mpsc::Receiver<SioPacket>) {
        let (outbound, outbound_rx) = mpsc::channel(outbound_capacity.max(1));
        let (inbound, inbound_rx) = mpsc::channel(64);
        let (closed, _) = watch::channel(None);
        let session = EngineSession {
            sid,
            outbound,
            outbound_rx: Mutex::new(outbound_rx),
            post_lock: Mutex::new(()),
            transport: AtomicU8::new(match transport {
                Transport::Polling => POLLING,
                Transport::Websocket => WEBSOCKET,
            }),
            upgrading: AtomicBool::new(false),
            flush_poll: Notify::new(),
            closed,
            is_closed: AtomicBool::new(false),
            pong_seen: AtomicBool::new(false),
            pong: Notify::new(),
            inbound,
        };
        (Arc::new(session), inbound_rx)
    }

    /// The transport in use now.
    pub(crate) fn transport(&self) -> Transport {
        match self.transport.load(Ordering::Acquire) {
            WEBSOCKET => Transport::Websocket,
            _ => Transport::Polling,
        }
    }

    /// Switches to the websocket once the client sent `5`.
    pub(crate) fn set_websocket(&self) {
        self.transport.store(WEBSOCKET, Ordering::Release);
        self.upgrading.store(false, Ordering::Release);
    }

    /// Queues an encoded Engine.IO packet without waiting; a full queue closes the session.
    pub(crate) fn send(&self, packet: Frame) -> Result<(), QueueError> {
        if self.is_closed() {
            return Err(QueueError::Closed);
        }
        match self.outbound.try_send(packet) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.close(DisconnectReason::SlowClient);
                Err(QueueError::Full)
            }
            Err(mpsc::error::TrySendError::Closed(_)) => Err(QueueError::Closed),
        }
    }

    /// Queues a Socket.IO packet wrapped in an Engine.IO message.
    pub(crate) fn send_sio(&self, packet: &SioPacket) -> Result<(), QueueError> {
        self.send(Frame::from(EnginePacket::Message(packet.encode()).encode()))
    }

    /// Closes the session once; later calls keep the first reason. Returns whether this
    /// call closed it.
    pub(crate) fn close(&self, reason: DisconnectReason) -> bool {
        let closed = self.closed.send_if_modified(|state| {
            if state.is_none() {
                *state = Some(reason);
                // Before the watchers wake (they are notified after this closure), so a
                // woken task never sees the session open.
                self.is_closed.store(true, Ordering::Release);
                true
            } else {
                false
            }
        });
        if closed {
            tracing::debug!(engine.sid = %self.sid, reason = reason.as_str(), "engine.io session closed");
        }
        closed
    }

    /// Whether the session has been closed.
    pub(crate) fn is_closed(&self) -> bool {
        self.is_closed.load(Ordering::Acquire)
    }

    /// The reason the session was closed, if it was.
    pub(crate) fn close_reason(&self) -> Option<DisconnectReason> {
        *self.closed.borrow()
    }

    /// Resolves with the close reason once the session is closed.
    pub(crate) async fn closed(&self) -> DisconnectReason {
        let mut rx = self.closed.subscribe();
        match rx.wait_for(Option::is_some).await {
            Ok(reason) => reason.unwrap_or(DisconnectReason::TransportClose),
            // The sender lives in `self`, so this cannot happen while we are borrowed.
            Err(_) => DisconnectReason::TransportClose,
        }
    }

    /// Handles one packet from the client on whatever transport; returns `false` when the
    /// session is closed and the caller should stop reading.
    pub(crate) async fn handle_packet(&self, packet: EnginePacket) -> bool {
        match packet {
            EnginePacket::Pong(_) => {
                self.pong_seen.store(true, Ordering::Release);
                self.pong.notify_one();
            }
            EnginePacket::Message(data) => match SioPacket::decode(&data) {
                Ok(packet) => {
                    if self.inbound.send(packet).await.is_err() {
                        return false;
                    }
                }
                Err(err) => {
                    tracing::debug!(engine.sid = %self.sid, error = %err, "bad socket.io packet");
                    self.close(DisconnectReason::ParseError);
                }
            },
            EnginePacket::Close => {
                self.close(DisconnectReason::TransportClose);
            }
            // Pings come from the server in v4; probes are handled by the websocket
            // upgrade; upgrade and noop are meaningless here. Ignoring them is harmless.
            EnginePacket::Ping(_) | EnginePacket::Upgrade | EnginePacket::Noop => {}
            EnginePacket::Open(_) => {
                self.close(DisconnectReason::ParseError);
            }
        }
        !self.is_closed()
    }

    /// Pings every `interval` and closes the session when a pong does not arrive within
    /// `timeout`; returns when the session is closed, for whatever reason.
    pub(crate) async fn heartbeat(&self, interval: Duration, timeout: Duration) {
        let ping = Frame::from_static("2");
        loop {
            tokio::select! {
                () = tokio::time::sleep(interval) => {}
                _ = self.closed() => return,
            }
            self.pong_seen.store(false, Ordering::Release);
            if self.send(ping.clone()).is_err() {
                return;
            }
            let deadline = tokio::time::Instant::now() + timeout;
            loop {
                tokio::select! {
                    () = tokio::time::sleep_until(deadline) => {
                        self.close(DisconnectReason::PingTimeout);
                        return;
                    }
                    () = self.pong.notified() => {
                        if self.pong_seen.load(Ordering::Acquire) {
                            break;
                        }
                    }
                    _ = self.closed() => return,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn full_queue_closes_as_slow_client() {
        let (session, _inbound) = EngineSession::new("s".into(), Transport::Websocket, 2);
        assert_eq!(session.send("4a".into()), Ok(()));
        assert_eq!(session.send("4b".into()), Ok(()));
        assert_eq!(session.send("4c".into()), Err(QueueError::Full));
        assert_eq!(session.close_reason(), Some(DisconnectReason::SlowClient));
        assert_eq!(session.send("4d".into()), Err(QueueError::Closed));
    }

    #[tokio::test]
    async fn first_close_reason_wins() {
        let (session, _inbound) = EngineSession::new("s".into(), Transport::Polling, 4);
        assert!(session.close(DisconnectReason::PingTimeout));
        assert!(!session.close(DisconnectReason::TransportClose));
        assert_eq!(session.closed().await, DisconnectReason::PingTimeout);
    }

    #[tokio::test(start_paused = true)]
    async fn missing_pong_times_out_and_pong_keeps_alive() {
        let (session, _inbound) = EngineSession::new("s".into(), Transport::Polling, 16);
        let s = session.clone();
        let beat = tokio::spawn(async move {
            s.heartbeat(Duration::from_millis(100), Duration::from_millis(50))
                .await;
        });
        for _ in 0..3 {
            tokio::time::sleep(Duration::from_millis(110)).await;
            assert!(
                session
                    .handle_packet(EnginePacket::Pong(String::new()))
                    .await
            );
        }
        assert!(!session.is_closed());
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(session.close_reason(), Some(DisconnectReason::PingTimeout));
        assert!(beat.await.is_ok());
    }
}
