//! The server handle the application keeps, and the `/socket.io/` routes it mounts.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::ServerOptions;
use crate::engine::session::{EngineSession, Transport};
use crate::engine::{polling, websocket};
use crate::reason::DisconnectReason;
use crate::sio::app::SocketApp;
use crate::sio::rooms::{Broadcast, Room, Rooms};
use crate::sio::socket::{HandshakeInfo, Socket, run_socket};

/// State shared by every session, socket and handle of one server.
pub(crate) struct ServerInner {
    pub(crate) options: ServerOptions,
    pub(crate) app: Arc<dyn SocketApp>,
    sessions: RwLock<HashMap<Arc<str>, Arc<EngineSession>>>,
    sockets: RwLock<HashMap<Arc<str>, Socket>>,
    pub(crate) rooms: Rooms,
}

impl ServerInner {
    pub(crate) fn session(&self, sid: &str) -> Option<Arc<EngineSession>> {
        let sessions = self.sessions.read().unwrap_or_else(PoisonError::into_inner);
        sessions.get(sid).cloned()
    }

    pub(crate) fn remove_session(&self, sid: &str) {
        let mut sessions = self
            .sessions
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        sessions.remove(sid);
    }

    pub(crate) fn insert_socket(&self, socket: Socket) {
        let mut sockets = self.sockets.write().unwrap_or_else(PoisonError::into_inner);
        sockets.insert(socket.id_arc(), socket);
    }

    pub(crate) fn remove_socket(&self, id: &str) {
        let mut sockets = self.sockets.write().unwrap_or_else(PoisonError::into_inner);
        sockets.remove(id);
    }

    /// The Engine.IO open packet for a new session.
    pub(crate) fn open_packet(&self, sid: &str, transport: Transport) -> String {
        let upgrades: &[&str] = match transport {
            Transport::Polling => &["websocket"],
            Transport::Websocket => &[],
        };
        let data = json!({
            "sid": sid,
            "upgrades": upgrades,
            "pingInterval": self.options.ping_interval_ms,
            "pingTimeout": self.options.ping_timeout_ms,
            "maxPayload": self.options.max_payload,
        });
        format!("0{data}")
    }

    /// Creates and registers a session, and starts its heartbeat and socket tasks.
    pub(crate) fn create_session(
        self: &Arc<Self>,
        req: &HttpRequest,
        transport: Transport,
    ) -> Arc<EngineSession> {
        let sid: Arc<str> = uuid::Uuid::new_v4().simple().to_string().into();
        let (session, inbound) =
            EngineSession::new(sid.clone(), transport, self.options.outbound_queue);
        {
            let mut sessions = self
                .sessions
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            sessions.insert(sid, session.clone());
        }
        let info = HandshakeInfo {
            headers: req.headers().clone(),
            query: req.query_string().to_owned(),
            peer: req.peer_addr(),
        };
        actix_web::rt::spawn(run_socket(self.clone(), session.clone(), inbound, info));
        let server = self.clone();
        let beat = session.clone();
        actix_web::rt::spawn(async move {
            let interval = Duration::from_millis(server.options.ping_interval_ms);
            let timeout = Duration::from_millis(server.options.ping_timeout_ms);
            beat.heartbeat(interval, timeout).await;
            // Give a polling client one last chance to collect what was queued before the
            // close (a DISCONNECT, say); a websocket writer drains on its own.
            if beat.transport() == Transport::Polling {
                tokio::time::sleep(timeout.min(Duration::from_secs(5))).await;
            }
            server.remove_session(&beat.sid);
        });
        session
    }
}

/// The handle on the Socket.IO server: mount it with [`configure`], and broadcast from
/// anywhere (bus subscribers, REST handlers). Cheap to clone; `Send + Sync`.
#[derive(Clone)]
pub struct SocketIoServer {
    inner: Arc<ServerInner>,
}

impl std::fmt::Debug for SocketIoServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SocketIoServer")
            .field("options", &self.inner.options)
            .finish_non_exhaustive()
    }
}

impl SocketIoServer {
    /// A server with `options` that hands handshakes and events to `app`.
    pub fn new(options: ServerOptions, app: impl SocketApp) -> Self {
        SocketIoServer {
            inner: Arc::new(ServerInner {
                options,
                app: Arc::new(app),
                sessions: RwLock::new(HashMap::new()),
                sockets: RwLock::new(HashMap::new()),
                rooms: Rooms::default(),
            }),
        }
    }

    pub(crate) fn from_inner(inner: Arc<ServerInner>) -> Self {
        SocketIoServer { inner }
    }

    /// The options the server runs with.
    pub fn options(&self) -> &ServerOptions {
        &self.inner.options
    }

    /// Addresses a broadcast to the sockets in `room`; chain `.to()` / `.except()`, then
    /// `.emit()`.
    pub fn to(&self, room: impl Into<Room>) -> Broadcast {
        Broadcast {
            server: self.inner.clone(),
            rooms: vec![room.into()],
            except: HashSet::new(),
        }
    }

    /// A connected socket by its Socket.IO id.
    pub fn socket(&self, id: &str) -> Option<Socket> {
        let sockets = self
            .inner
            .sockets
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        sockets.get(id).cloned()
    }

    /// Every connected socket (e.g. to find an entity's sockets).
    pub fn sockets(&self) -> Vec<Socket> {
        let sockets = self
            .inner
            .sockets
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        sockets.values().cloned().collect()
    }

    /// The connected sockets of one entity (elizaOS keeps an entity → sockets map).
    pub fn sockets_of_entity(&self, entity_id: uuid::Uuid) -> Vec<Socket> {
        let sockets = self
            .inner
            .sockets
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        sockets
            .values()
            .filter(|socket| socket.entity_id() == Some(entity_id))
            .cloned()
            .collect()
    }

    /// How many Engine.IO sessions are open or awaiting collection (for metrics and tests).
    pub fn session_count(&self) -> usize {
        let sessions = self
            .inner
            .sessions
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        sessions.len()
    }

    /// Closes every session, for a graceful shutdown.
    pub fn close_all(&self) {
        let sessions: Vec<_> = {
            let sessions = self
                .inner
                .sessions
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            sessions.values().cloned().collect()
        };
        for session in sessions {
            session.close(DisconnectReason::ServerShuttingDown);
        }
    }
}

/// Mounts the Engine.IO endpoint at `/socket.io/` (GET: polls, handshakes and websocket
/// upgrades; POST: polling uploads). Use inside `App::configure` so `create_app` keeps
/// one place for routes; put it outside rate limiters meant for the REST API.
pub fn configure(cfg: &mut web::ServiceConfig, server: SocketIoServer) {
    // Two resources with one static path each, not one resource with a list of paths:
    // actix-router matches a list with regexes, on every request that reaches it.
    for path in ["/socket.io/", "/socket.io"] {
        let get_server = server.inner.clone();
        let post_server = server.inner.clone();
        cfg.service(
            web::resource(path)
                .route(web::get().to(move |req: HttpRequest, body: web::Payload| {
                    let server = get_server.clone();
                    async move { handle_get(server, req, body).await }
                }))
                .route(web::post().to(move |req: HttpRequest, body: web::Payload| {
                    let server = post_server.clone();
                    async move { handle_post(server, req, body).await }
                })),
        );
    }
}

/// The Engine.IO query parameters we read; others (`t`, custom ones) are ignored.
#[derive(Debug, Deserialize)]
pub(crate) struct EngineQuery {
    #[serde(rename = "EIO")]
    eio: Option<String>,
    transport: Option<String>,
    sid: Option<String>,
}

/// Engine.IO's error codes, sent as `{"code", "message"}` with status 400 (403 for
/// `Forbidden`), as the reference server does.
#[derive(Debug, Clone, Copy)]
pub(crate) enum EngineError {
    UnknownTransport = 0,
    UnknownSid = 1,
    BadHandshakeMethod = 2,
    BadRequest = 3,
    UnsupportedProtocolVersion = 5,
}

impl EngineError {
    pub(crate) fn response(self) -> HttpResponse {
        let message = match self {
            EngineError::UnknownTransport => "Transport unknown",
            EngineError::UnknownSid => "Session ID unknown",
            EngineError::BadHandshakeMethod => "Bad handshake method",
            EngineError::BadRequest => "Bad request",
            EngineError::UnsupportedProtocolVersion => "Unsupported protocol version",
        };
        HttpResponse::build(StatusCode::BAD_REQUEST)
            .json(json!({ "code": self as u8, "message": message }))
    }
}

fn parse_query(req: &HttpRequest) -> Result<(Transport, Option<String>), EngineError> {
    let query = web::Query::<EngineQuery>::from_query(req.query_string())
        .map_err(|_| EngineError::BadRequest)?
        .into_inner();
    if query.eio.as_deref() != Some("4") {
        return Err(EngineError::UnsupportedProtocolVersion);
    }
    let transport = match query.transport.as_deref() {
        Some("polling") => Transport::Polling,
        Some("websocket") => Transport::Websocket,
        _ => return Err(EngineError::UnknownTransport),
    };
    Ok((transport, query.sid))
}

async fn handle_get(
    server: Arc<ServerInner>,
    req: HttpRequest,
    body: web::Payload,
) -> HttpResponse {
    let (transport, sid) = match parse_query(&req) {
        Ok(parsed) => parsed,
        Err(err) => return err.response(),
    };
    match (transport, sid) {
        (Transport::Polling, None) => polling::handshake(&server, &req),
        (Transport::Polling, Some(sid)) => match server.session(&sid) {
            Some(session) => polling::poll(&server, session).await,
            None => EngineError::UnknownSid.response(),
        },
        (Transport::Websocket, sid) => websocket::handle(server, req, body, sid),
    }
}

async fn handle_post(
    server: Arc<ServerInner>,
    req: HttpRequest,
    body: web::Payload,
) -> HttpResponse {
    let (transport, sid) = match parse_query(&req) {
        Ok(parsed) => parsed,
        Err(err) => return err.response(),
    };
    match (transport, sid) {
        (Transport::Polling, Some(sid)) => match server.session(&sid) {
            Some(session) => polling::upload(&server, session, body).await,
            None => EngineError::UnknownSid.response(),
        },
        (Transport::Polling, None) => EngineError::BadHandshakeMethod.response(),
        (Transport::Websocket, _) => EngineError::BadRequest.response(),
    }
}
