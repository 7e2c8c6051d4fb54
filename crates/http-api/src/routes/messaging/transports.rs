//! Message transports: `websocket` answers at once, `http` waits for the agent's stored reply,
//! `sse` streams chunks and the reply. Waiting subscribes to the bus before the message is
//! stored, so no reply can slip between; a lagging waiter (or a replayed request) asks storage,
//! which is the truth.

use std::time::Duration;

use actix_web::{HttpResponse, web};
use agentd_bus::{BusEvent, EventKind, Filter, Received, Subscription};
use agentd_core::model::{DeliveryState, Message};
use agentd_messaging::{MessagingError, Post, Posted};
use agentd_storage::prelude::*;
use agentd_wire::messaging::messages::{PostAnswer, Processing, StreamChunk, StreamError};
use agentd_wire::messaging::{AgentContent, PostedMessage};
use agentd_wire::sessions::SessionStatus;
use serde::Serialize;
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::error::ApiError;
use crate::routes::support::messaging::{bad_request, messaging};
use crate::state::AppState;

/// How long `http` and `sse` wait for a reply unless the body says `timeoutMs`.
pub const DEFAULT_REPLY_TIMEOUT: Duration = Duration::from_secs(60);
/// Bounds of `timeoutMs`.
const TIMEOUT_RANGE_MS: (u64, u64) = (1_000, 300_000);
/// SSE comment heartbeat period, so proxies keep the stream open.
pub const HEARTBEAT: Duration = Duration::from_secs(15);

/// How the client wants the agent's reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// 201 now; the reply arrives over Socket.IO.
    Websocket,
    /// 201 with the reply as `agentResponse`.
    Http,
    /// A Server-Sent Events stream.
    Sse,
}

/// The message of a `transport` (or `mode`) that is not one of the three.
pub const INVALID_TRANSPORT: &str = "Invalid transport. Must be one of: http, sse, websocket";
/// The message of a `timeoutMs` out of its bounds.
pub const INVALID_TIMEOUT: &str = "timeoutMs must be a number between 1000 and 300000";

impl Transport {
    /// Reads `transport` (or legacy `mode`: `sync`→http, `stream`→sse); default websocket.
    pub fn from_body(v: Option<&str>) -> Result<Transport, ApiError> {
        match v {
            None | Some("websocket") => Ok(Transport::Websocket),
            Some("http" | "sync") => Ok(Transport::Http),
            Some("sse" | "stream") => Ok(Transport::Sse),
            Some(_) => Err(bad_request(INVALID_TRANSPORT)),
        }
    }
}

/// The reply timeout: body `timeoutMs` (an agentd extension, 1000..=300000) or the default.
pub fn timeout_from(ms: Option<u64>) -> Result<Duration, ApiError> {
    match ms {
        None => Ok(DEFAULT_REPLY_TIMEOUT),
        Some(ms) if (TIMEOUT_RANGE_MS.0..=TIMEOUT_RANGE_MS.1).contains(&ms) => {
            Ok(Duration::from_millis(ms))
        }
        Some(_) => Err(bad_request(INVALID_TIMEOUT)),
    }
}

/// Posts the message and answers according to the transport.
pub async fn respond(
    state: &AppState,
    transport: Transport,
    post: Post,
    timeout: Duration,
) -> Result<HttpResponse, ApiError> {
    respond_with(state, transport, post, timeout, None)
        .await
        .map_err(|e| messaging(e, "Channel not found"))
}

/// [`respond`] for a session post when `session` is given (its status is added to the 201
/// bodies, with the `data` mirror); the caller maps the errors to its route family.
pub async fn respond_with(
    state: &AppState,
    transport: Transport,
    post: Post,
    timeout: Duration,
    session: Option<SessionStatus>,
) -> Result<HttpResponse, MessagingError> {
    // Subscribe before storing: the reply cannot be published before we listen.
    let sub = (transport != Transport::Websocket).then(|| {
        state
            .bus()
            .subscribe_to(Filter::channel(post.message.channel_id).and_kinds(&[
                EventKind::NewMessage,
                EventKind::MessageStreamChunk,
                EventKind::Delivery,
            ]))
    });
    let posted = state.messaging().post(post).await?;
    let processing = if posted.dispatched.is_empty() {
        Processing::None
    } else {
        Processing::Queued
    };
    let user = PostedMessage::new(
        &posted.message,
        posted.channel.message_server_id,
        &posted.dispatched,
    );
    let waiter = Waiter::new(state, &posted);
    let (agent_response, processing) = match (transport, sub, waiter) {
        (Transport::Http, Some(mut sub), waiter) => {
            let reply = match waiter {
                None => None,
                Some(w) => tokio::time::timeout(timeout, w.next(&mut sub, &mut |_| {}))
                    .await
                    .ok(),
            };
            match (&reply, processing) {
                (Some(Ok(m)), _) => (Some(Some(AgentContent::from(m))), Processing::Replied),
                (Some(Err(end)), _) => (Some(None), end.processing()),
                (None, Processing::None) => (Some(None), Processing::None),
                (None, _) => (Some(None), Processing::Timeout),
            }
        }
        (Transport::Sse, Some(sub), waiter) => return Ok(sse(waiter, user, sub, timeout)),
        _ => (None, processing),
    };
    let answer = PostAnswer::new(user, agent_response, processing);
    Ok(HttpResponse::Created().json(match session {
        Some(s) => answer.in_session(s),
        None => answer,
    }))
}

/// Finds the stored reply to one user message.
struct Waiter {
    state: AppState,
    user_message: Uuid,
    author: Uuid,
    target: Uuid,
}

/// What the SSE stream reports while waiting.
enum Progress {
    /// A streamed chunk of the reply.
    Chunk(StreamChunk),
}

/// How a wait ended without a reply.
enum NoReply {
    /// The agent ended its delivery without answering (`ignored` or `errored`, with the
    /// reason or code).
    Ended(DeliveryState, String),
    /// The bus closed.
    Closed,
}

impl NoReply {
    /// The `processing` value of the `http` transport's body.
    fn processing(&self) -> Processing {
        match self {
            NoReply::Ended(DeliveryState::Ignored, _) => Processing::Ignored,
            NoReply::Ended(..) => Processing::Errored,
            NoReply::Closed => Processing::Timeout,
        }
    }

    /// The `error` of the `sse` transport's last event.
    fn error(&self) -> String {
        match self {
            NoReply::Ended(DeliveryState::Ignored, reason) => format!("ignored: {reason}"),
            NoReply::Ended(_, code) => code.clone(),
            NoReply::Closed => "Message bus closed".to_owned(),
        }
    }
}

impl Waiter {
    /// A waiter for the answer of the post's expected responder, if it runs here.
    fn new(state: &AppState, posted: &Posted) -> Option<Self> {
        let target = posted.target.filter(|t| posted.dispatched.contains(t))?;
        Some(Waiter {
            state: state.clone(),
            user_message: posted.message.id,
            author: posted.message.author_id,
            target,
        })
    }

    /// The stored reply, if `target` already answered (replays, lag recovery), or how
    /// the target ended its delivery without one.
    /// One query while the target still holds the message: `replied` is recorded in the
    /// reply's own transaction, so the reply is read only once the delivery says so.
    async fn settled(&self) -> Option<Result<Message, NoReply>> {
        let db = self.state.db();
        let deliveries = db.list_deliveries(&[self.user_message]).await.ok()?;
        let d = deliveries.into_iter().find(|d| d.agent_id == self.target)?;
        match d.state {
            DeliveryState::Replied => db
                .find_reply(self.target, self.user_message)
                .await
                .ok()
                .flatten()
                .map(Ok),
            DeliveryState::Ignored | DeliveryState::Errored => {
                Some(Err(NoReply::Ended(d.state, d.reason.unwrap_or_default())))
            }
            DeliveryState::Stored | DeliveryState::Dispatched => None,
        }
    }

    /// Waits for the reply; stream chunks go to `on_chunk`.
    async fn next(
        &self,
        sub: &mut Subscription,
        on_chunk: &mut (dyn FnMut(Progress) + Send),
    ) -> Result<Message, NoReply> {
        if let Some(end) = self.settled().await {
            return end;
        }
        loop {
            match sub.recv().await {
                Received::Event(BusEvent::NewMessage {
                    message_id,
                    author_id,
                    ..
                }) if author_id != self.author => {
                    if let Ok(m) = self.state.db().get_message(message_id).await
                        && m.in_reply_to == Some(self.user_message)
                    {
                        return Ok(m);
                    }
                }
                Received::Event(BusEvent::MessageStreamChunk {
                    message_id,
                    index,
                    chunk,
                    ..
                }) => on_chunk(Progress::Chunk(StreamChunk {
                    message_id,
                    chunk,
                    index,
                })),
                Received::Event(BusEvent::DeliveryChanged {
                    message_id,
                    agent_id,
                    state: state @ (DeliveryState::Ignored | DeliveryState::Errored),
                    reason,
                    ..
                }) if message_id == self.user_message && agent_id == self.target => {
                    return Err(NoReply::Ended(state, reason.unwrap_or_default()));
                }
                Received::Event(_) => {}
                Received::Lagged(_) => {
                    if let Some(end) = self.settled().await {
                        return end;
                    }
                }
                Received::Closed => return Err(NoReply::Closed),
            }
        }
    }
}

/// One SSE frame.
fn frame(event: &str, data: &impl Serialize) -> web::Bytes {
    let data = serde_json::to_string(data).unwrap_or_default();
    web::Bytes::from(format!("event: {event}\ndata: {data}\n\n"))
}

/// An `error` frame.
fn error_frame(error: impl Into<String>) -> web::Bytes {
    frame(
        "error",
        &StreamError {
            error: error.into(),
        },
    )
}

/// The `sse` transport: `user_message`, then `chunk`s, then `done` or `error`; a heartbeat
/// comment every 15 s; an `error` event when the wait times out instead of hanging.
fn sse(
    waiter: Option<Waiter>,
    user: PostedMessage,
    mut sub: Subscription,
    timeout: Duration,
) -> HttpResponse {
    let (tx, rx) = mpsc::channel::<web::Bytes>(64);
    actix_web::rt::spawn(async move {
        if tx.send(frame("user_message", &user)).await.is_err() {
            return;
        }
        let Some(waiter) = waiter else {
            let _ = tx
                .send(error_frame("No running agent will process this message"))
                .await;
            return;
        };
        let chunks = tx.clone();
        let mut on_chunk = move |p: Progress| {
            let Progress::Chunk(v) = p;
            // A full buffer means a stalled client: dropping a chunk is fine, `done` has all.
            let _ = chunks.try_send(frame("chunk", &v));
        };
        let wait = waiter.next(&mut sub, &mut on_chunk);
        tokio::pin!(wait);
        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        let mut beat = tokio::time::interval_at(tokio::time::Instant::now() + HEARTBEAT, HEARTBEAT);
        let last = loop {
            tokio::select! {
                r = &mut wait => break match r {
                    Ok(m) => frame("done", &AgentContent::from(&m)),
                    Err(end) => error_frame(end.error()),
                },
                () = &mut deadline => {
                    break error_frame("Timed out waiting for the agent's reply");
                }
                _ = beat.tick() => {
                    if tx.send(web::Bytes::from_static(b": heartbeat\n\n")).await.is_err() {
                        return;
                    }
                }
            }
        };
        let _ = tx.send(last).await;
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, actix_web::Error>(b), rx))
    });
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"))
        .insert_header(("Connection", "keep-alive"))
        .streaming(body)
}
