//! The elizaOS event layer on top of `agentd-socketio`: who may connect, what
//! `message`/`"1"`/`"2"` and the log events mean, and the relay that turns bus events into
//! Socket.IO emits to channel rooms.
//!
//! The protocol layer knows nothing of channels; this module is the only place that maps
//! elizaOS semantics onto sockets, so agentd's rules (identity from the handshake, membership
//! to join, key for logs) are enforced in one place.
//!
//! Delivery model (see `docs/REALTIME.md`): storage is the truth, the bus is a signal. The
//! relay emits each channel's messages in `seq` order, re-reading gaps from storage; each
//! socket keeps a per-channel watermark so a resume (`lastSeq`) never duplicates or skips.

mod app;
mod cursor;
mod entity;
mod join;
pub mod logs;
mod payload;
mod relay;
mod send;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use agentd_bus::Bus;
use agentd_core::access::{CorsOrigins, Secret};
use agentd_messaging::AgentRegistry;
use agentd_messaging::Messaging;
use agentd_socketio::{ServerOptions, Socket, SocketIoServer};
use agentd_storage::{ChannelStore, Db};
use uuid::Uuid;

use logs::{LogBuffer, LogFilters};

/// Everything the socket handlers and the relay share; never holds the server handle, so
/// there is no reference cycle between the server and its application.
pub(crate) struct Core {
    pub(crate) settings: RealtimeConfig,
    pub(crate) db: Db,
    pub(crate) agents: AgentRegistry,
    pub(crate) bus: Arc<dyn Bus>,
    /// The messaging service every socket send goes through.
    pub(crate) messaging: Messaging,
    pub(crate) logs: LogBuffer,
    /// channel id → message server id; channels never move between servers.
    servers: Mutex<HashMap<Uuid, Uuid>>,
    /// Highest `seq` the relay has handled per channel: seeded on join from storage, so a
    /// gap (out-of-order publish or bus lag) is always read back from storage.
    relayed: Mutex<HashMap<Uuid, i64>>,
    /// Sockets subscribed to the log stream, with their filters.
    pub(crate) log_subscribers: Mutex<HashMap<String, (Socket, LogFilters)>>,
}

impl Core {
    /// The media directory, for rewriting attachment paths in broadcasts.
    pub(crate) fn media_root(&self) -> agentd_media::MediaRoot {
        agentd_media::MediaRoot::new(self.settings.media_root.clone())
    }

    /// The message server of a channel, from a small cache; `None` if the channel is gone.
    pub(crate) async fn server_of(&self, channel_id: Uuid) -> Option<Uuid> {
        if let Some(id) = self.lock_servers().get(&channel_id) {
            return Some(*id);
        }
        let channel = self.db.get_channel(channel_id).await.ok()?;
        self.remember_server(channel_id, channel.message_server_id);
        Some(channel.message_server_id)
    }

    pub(crate) fn remember_server(&self, channel_id: Uuid, server_id: Uuid) {
        let mut servers = self.lock_servers();
        if servers.len() > 100_000 {
            servers.clear();
        }
        servers.insert(channel_id, server_id);
    }

    pub(crate) fn forget_server(&self, channel_id: Uuid) {
        self.lock_servers().remove(&channel_id);
    }

    /// The relay's per-channel position (see the field).
    pub(crate) fn relayed(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, i64>> {
        self.relayed.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Called when a socket joins: from now on the relay knows where the channel stands
    /// even before it sees an event for it.
    pub(crate) async fn track_channel(&self, channel_id: Uuid) {
        if self.relayed().contains_key(&channel_id) {
            return;
        }
        let last_seq = match self.db.get_channel(channel_id).await {
            Ok(channel) => {
                self.remember_server(channel_id, channel.message_server_id);
                channel.last_seq
            }
            Err(_) => 0,
        };
        let mut relayed = self.relayed();
        // Bounded against clients joining endless random ids; a forgotten channel is
        // tracked again from its next event.
        if relayed.len() > 100_000 {
            relayed.clear();
        }
        relayed.entry(channel_id).or_insert(last_seq);
    }

    fn lock_servers(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Uuid>> {
        self.servers.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether connections must present the API key (the same key as HTTP).
    pub(crate) fn auth_on(&self) -> bool {
        self.settings.auth_token.is_some()
    }
}

/// What the event layer needs of the server's configuration.
#[derive(Debug, Clone, Default)]
pub struct RealtimeConfig {
    /// The API key sockets must present (`auth.apiKey` or `X-API-KEY`); none: no key.
    pub auth_token: Option<Secret>,
    /// Which browser origins may connect.
    pub cors_origins: CorsOrigins,
    /// The media directory, for rewriting attachment paths into public URLs.
    pub media_root: PathBuf,
}

/// The real-time side of the server: the Socket.IO handle (for `/socket.io/` and for
/// emits from anywhere) and the background relay. Cheap to clone.
#[derive(Clone)]
pub struct Realtime {
    core: Arc<Core>,
    io: SocketIoServer,
    started: Arc<AtomicBool>,
}

impl std::fmt::Debug for Realtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Realtime").field("io", &self.io).finish()
    }
}

impl Realtime {
    /// Builds the Socket.IO server with the options elizaOS uses; nothing runs until
    /// [`Realtime::start`].
    pub fn new(settings: RealtimeConfig, messaging: Messaging) -> Self {
        let core = Arc::new(Core {
            settings,
            db: messaging.db().clone(),
            agents: messaging.agents().clone(),
            bus: messaging.bus().clone(),
            messaging,
            logs: LogBuffer::global().clone(),
            servers: Mutex::new(HashMap::new()),
            relayed: Mutex::new(HashMap::new()),
            log_subscribers: Mutex::new(HashMap::new()),
        });
        let io = SocketIoServer::new(ServerOptions::default(), app::AgentdApp::new(core.clone()));
        Realtime {
            core,
            io,
            started: Arc::new(AtomicBool::new(false)),
        }
    }

    /// The Socket.IO server handle, to mount (`agentd_socketio::configure`) or emit with.
    pub fn io(&self) -> &SocketIoServer {
        &self.io
    }

    /// The log ring buffer the HTTP log routes and the log stream read.
    pub fn logs(&self) -> &LogBuffer {
        &self.core.logs
    }

    /// Starts the bus relay and the log forwarder, once; later calls do nothing. Must run
    /// inside the server's runtime (it spawns tasks).
    pub fn start(&self) {
        if self.started.swap(true, Ordering::AcqRel) {
            return;
        }
        tokio::spawn(relay::run(self.core.clone(), self.io.clone()));
        tokio::spawn(logs::stream::forward(self.core.clone()));
    }
}
