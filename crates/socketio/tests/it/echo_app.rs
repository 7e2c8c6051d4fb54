//! A tiny application for the tests: `auth.entityId` must be a UUID; `echo` acks its
//! argument; `join` joins a room; `shout` broadcasts to a room except the sender; `kick`
//! disconnects from the server side.

use std::net::TcpListener;
use std::sync::mpsc;
use std::thread;

use actix_web::{App, HttpServer};
use agentd_socketio::{
    AckSender, HandshakeRequest, ServerOptions, Socket, SocketApp, SocketIdentity, SocketIoServer,
    configure,
};
use futures_util::future::BoxFuture;
use serde_json::{Value, json};

/// The echo application.
pub struct EchoApp;

impl SocketApp for EchoApp {
    fn handshake(
        &self,
        request: HandshakeRequest,
    ) -> BoxFuture<'_, Result<SocketIdentity, String>> {
        Box::pin(async move {
            let entity = request
                .auth
                .get("entityId")
                .and_then(Value::as_str)
                .and_then(|id| uuid::Uuid::parse_str(id).ok())
                .ok_or_else(|| "Valid entityId required".to_owned())?;
            Ok(SocketIdentity::new(Some(entity)))
        })
    }

    fn on_connect(&self, socket: Socket) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let _ = socket.emit(
                "welcome",
                &json!({ "socketId": socket.id(), "entityId": socket.entity_id() }),
            );
        })
    }

    fn on_event(
        &self,
        socket: Socket,
        event: String,
        args: Vec<Value>,
        ack: Option<AckSender>,
    ) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let first = args.into_iter().next().unwrap_or(Value::Null);
            let reply = match event.as_str() {
                "echo" => first,
                "join" => {
                    let room = first.as_str().unwrap_or_default().to_owned();
                    socket.join(room.as_str());
                    json!({ "joined": room })
                }
                "shout" => {
                    let room = first["room"].as_str().unwrap_or_default();
                    let delivered = match socket.to(room) {
                        Some(to) => to
                            .emit(
                                "shouted",
                                &json!({ "text": first["text"], "from": socket.id() }),
                            )
                            .unwrap_or(0),
                        None => 0,
                    };
                    json!({ "delivered": delivered })
                }
                "kick" => {
                    socket.disconnect();
                    return;
                }
                _ => json!({ "unknown": event }),
            };
            if let Some(ack) = ack {
                let _ = ack.send(&reply);
            }
        })
    }
}

/// A running test server; the actix system stops when this is dropped.
pub struct TestServer {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    /// The Socket.IO handle, to inspect sessions.
    pub io: SocketIoServer,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        let _ =
            thread::spawn(move || actix_web::rt::System::new().block_on(handle.stop(false))).join();
    }
}

/// Starts the echo application on 127.0.0.1:0 in its own thread and actix system.
pub fn start(options: ServerOptions) -> TestServer {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let io = SocketIoServer::new(options, EchoApp);
    let (tx, rx) = mpsc::channel();
    let app_io = io.clone();
    thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(move || {
                let io = app_io.clone();
                App::new().configure(move |cfg| configure(cfg, io))
            })
            .workers(2)
            .listen(listener)
            .unwrap()
            .run();
            tx.send(server.handle()).unwrap();
            server.await.unwrap();
        });
    });
    let handle = rx.recv().unwrap();
    TestServer {
        url: format!("http://127.0.0.1:{port}"),
        io,
        handle,
    }
}
