//! The HTTP long-polling transport: the handshake GET, the pending GET that carries
//! server packets, and the POST that carries client packets.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt;

use crate::engine::frame::{Frame, join_frames};
use crate::engine::packet::{EnginePacket, decode_payload};
use crate::engine::session::{EngineSession, Transport};
use crate::reason::DisconnectReason;
use crate::server::{EngineError, ServerInner};

fn text(body: impl actix_web::body::MessageBody + 'static) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::plaintext())
        .body(body)
}

/// Opens a polling session: the response body is the open packet.
pub(crate) fn handshake(server: &Arc<ServerInner>, req: &HttpRequest) -> HttpResponse {
    let session = server.create_session(req, Transport::Polling);
    text(server.open_packet(&session.sid, Transport::Polling))
}

/// A long-poll: waits for queued packets and returns them joined by `\x1e`. Only one
/// poll may wait per session; an overlapping one is refused and closes the session, as
/// Engine.IO does.
pub(crate) async fn poll(server: &Arc<ServerInner>, session: Arc<EngineSession>) -> HttpResponse {
    if session.transport() != Transport::Polling {
        return EngineError::BadRequest.response();
    }
    let Ok(mut rx) = session.outbound_rx.try_lock() else {
        session.close(DisconnectReason::TransportError);
        return EngineError::BadRequest.response();
    };
    let mut packets: Vec<Frame> = Vec::new();
    match rx.try_recv() {
        Ok(packet) => packets.push(packet),
        Err(_) if session.is_closed() => {}
        Err(_) => {
            if session.upgrading.load(Ordering::Acquire) {
                return text(EnginePacket::Noop.encode());
            }
            tokio::select! {
                packet = rx.recv() => packets.extend(packet),
                () = session.flush_poll.notified() => return text(EnginePacket::Noop.encode()),
                _ = session.closed() => {}
            }
        }
    }
    // Send what else is queued, up to about maxPayload per response.
    let mut size: usize = packets.iter().map(|p| p.len() + 1).sum();
    while size < server.options.max_payload {
        match rx.try_recv() {
            Ok(packet) => {
                size += packet.len() + 1;
                packets.push(packet);
            }
            Err(_) => break,
        }
    }
    if session.is_closed() && rx.is_empty() {
        packets.push(Frame::from_static("1"));
        server.remove_session(&session.sid);
    }
    text(join_frames(packets))
}

/// A POST of client packets; the body may not exceed `maxPayload` (413 and the session is
/// closed, as Engine.IO does with `maxHttpBufferSize`).
pub(crate) async fn upload(
    server: &Arc<ServerInner>,
    session: Arc<EngineSession>,
    mut body: web::Payload,
) -> HttpResponse {
    if session.transport() != Transport::Polling && !session.upgrading.load(Ordering::Acquire) {
        return EngineError::BadRequest.response();
    }
    let Ok(_guard) = session.post_lock.try_lock() else {
        session.close(DisconnectReason::TransportError);
        return EngineError::BadRequest.response();
    };
    let limit = server.options.max_payload;
    let mut bytes = web::BytesMut::new();
    while let Some(chunk) = body.next().await {
        let Ok(chunk) = chunk else {
            session.close(DisconnectReason::TransportError);
            return EngineError::BadRequest.response();
        };
        if bytes.len() + chunk.len() > limit {
            session.close(DisconnectReason::PayloadTooLarge);
            return HttpResponse::build(StatusCode::PAYLOAD_TOO_LARGE).finish();
        }
        bytes.extend_from_slice(&chunk);
    }
    let Ok(body) = std::str::from_utf8(&bytes) else {
        session.close(DisconnectReason::ParseError);
        return EngineError::BadRequest.response();
    };
    let packets = match decode_payload(body) {
        Ok(packets) => packets,
        Err(_) => {
            session.close(DisconnectReason::ParseError);
            return EngineError::BadRequest.response();
        }
    };
    for packet in packets {
        if !session.handle_packet(packet).await {
            break;
        }
    }
    text("ok".to_owned())
}
