//! The websocket transport, opened fresh or as an upgrade of a polling session
//! (`2probe` → `3probe`, the pending poll released with `6`, then `5`).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use actix_ws::{AggregatedMessage, AggregatedMessageStream, CloseCode, CloseReason, ProtocolError};

use crate::engine::packet::EnginePacket;
use crate::engine::session::{EngineSession, Transport};
use crate::reason::DisconnectReason;
use crate::server::{EngineError, ServerInner};

/// How long a client has to finish an upgrade once the websocket is open.
const UPGRADE_TIMEOUT: Duration = Duration::from_secs(10);

/// Accepts the websocket handshake and spawns the task that serves it.
pub(crate) fn handle(
    server: Arc<ServerInner>,
    req: HttpRequest,
    body: web::Payload,
    sid: Option<String>,
) -> HttpResponse {
    let upgrade_of = match sid {
        None => None,
        Some(sid) => match server.session(&sid) {
            Some(session)
                if session.transport() == Transport::Polling
                    && !session.is_closed()
                    && !session.upgrading.load(Ordering::Acquire) =>
            {
                Some(session)
            }
            Some(_) => return EngineError::BadRequest.response(),
            None => return EngineError::UnknownSid.response(),
        },
    };
    let (response, ws, stream) = match actix_ws::handle(&req, body) {
        Ok(parts) => parts,
        Err(err) => return HttpResponse::from_error(err),
    };
    let max = server.options.max_payload;
    let stream = stream
        .max_frame_size(max)
        .aggregate_continuations()
        .max_continuation_size(max);
    match upgrade_of {
        Some(session) => {
            actix_web::rt::spawn(async move {
                if let Some((ws, stream)) = upgrade(&session, ws, stream).await {
                    serve(server, session, ws, stream).await;
                }
            });
        }
        None => {
            let session = server.create_session(&req, Transport::Websocket);
            let open = server.open_packet(&session.sid, Transport::Websocket);
            actix_web::rt::spawn(async move {
                let mut ws = ws;
                if ws.text(open).await.is_err() {
                    session.close(DisconnectReason::TransportClose);
                    return;
                }
                serve(server, session, ws, stream).await;
            });
        }
    }
    response
}

/// Runs the probe exchange; returns the websocket when the client sent `5`, or `None`
/// when the upgrade failed (the polling session then carries on untouched).
async fn upgrade(
    session: &EngineSession,
    mut ws: actix_ws::Session,
    mut stream: AggregatedMessageStream,
) -> Option<(actix_ws::Session, AggregatedMessageStream)> {
    let deadline = tokio::time::Instant::now() + UPGRADE_TIMEOUT;
    let mut probed = false;
    loop {
        let message = tokio::select! {
            message = stream.recv() => message,
            () = tokio::time::sleep_until(deadline) => None,
            _ = session.closed() => None,
        };
        let text = match message {
            Some(Ok(AggregatedMessage::Text(text))) => text,
            Some(Ok(AggregatedMessage::Ping(bytes))) => {
                let _ = ws.pong(&bytes).await;
                continue;
            }
            Some(Ok(AggregatedMessage::Pong(_))) => continue,
            _ => break,
        };
        match EnginePacket::decode(&text) {
            Ok(EnginePacket::Ping(data)) if data == "probe" && !probed => {
                if ws.text(EnginePacket::Pong(data).encode()).await.is_err() {
                    break;
                }
                probed = true;
                session.upgrading.store(true, Ordering::Release);
                session.flush_poll.notify_one();
            }
            Ok(EnginePacket::Upgrade) if probed => {
                session.set_websocket();
                return Some((ws, stream));
            }
            _ => break,
        }
    }
    session.upgrading.store(false, Ordering::Release);
    let _ = ws.close(None).await;
    None
}

/// Serves a websocket session until it closes: client frames in, queued packets out.
async fn serve(
    server: Arc<ServerInner>,
    session: Arc<EngineSession>,
    mut ws: actix_ws::Session,
    mut stream: AggregatedMessageStream,
) {
    // Waits for a pending poll (released by the noop) to let go of the queue.
    let mut rx = session.outbound_rx.lock().await;
    // One close subscription for the session's life: a fresh one per loop turn would take
    // the watch's lock for every packet sent (profiled on the fan-out benchmark).
    let closed = session.closed();
    tokio::pin!(closed);
    loop {
        tokio::select! {
            message = stream.recv() => {
                let alive = match message {
                    Some(Ok(AggregatedMessage::Text(text))) => match EnginePacket::decode(&text) {
                        Ok(packet) => session.handle_packet(packet).await,
                        Err(_) => closing(&session, DisconnectReason::ParseError),
                    },
                    Some(Ok(AggregatedMessage::Binary(_))) => {
                        closing(&session, DisconnectReason::ParseError)
                    }
                    Some(Ok(AggregatedMessage::Ping(bytes))) => ws.pong(&bytes).await.is_ok(),
                    Some(Ok(AggregatedMessage::Pong(_))) => true,
                    Some(Ok(AggregatedMessage::Close(_))) | None => {
                        closing(&session, DisconnectReason::TransportClose)
                    }
                    Some(Err(ProtocolError::Overflow)) => {
                        closing(&session, DisconnectReason::PayloadTooLarge)
                    }
                    Some(Err(_)) => closing(&session, DisconnectReason::TransportError),
                };
                if !alive {
                    break;
                }
            }
            packet = rx.recv() => {
                let Some(packet) = packet else { break };
                if ws.text(packet.into_inner()).await.is_err() {
                    session.close(DisconnectReason::TransportClose);
                    break;
                }
            }
            _ = &mut closed => break,
        }
    }
    // Deliver what was queued before the close (a server DISCONNECT, say), unless the
    // client is the reason we closed.
    while session.close_reason() != Some(DisconnectReason::SlowClient)
        && let Ok(packet) = rx.try_recv()
    {
        if ws.text(packet.into_inner()).await.is_err() {
            break;
        }
    }
    let code = match session.close_reason() {
        Some(DisconnectReason::PayloadTooLarge) => CloseCode::Size,
        Some(DisconnectReason::ParseError) => CloseCode::Unsupported,
        _ => CloseCode::Normal,
    };
    let _ = ws
        .close(Some(CloseReason {
            code,
            description: None,
        }))
        .await;
    server.remove_session(&session.sid);
}

/// Closes the session for `reason` and tells the read loop to stop.
fn closing(session: &EngineSession, reason: DisconnectReason) -> bool {
    session.close(reason);
    false
}
