//! Benchmarks of the wire codecs and of the broadcast encode that fan-out repeats.
//!
//! `cargo bench -p agentd-socketio --bench codec` (add `-- --quick` for a short run).
//!
//! - `engine/*`, `sio/*`: decoding what clients send (one Engine.IO packet, a polling body
//!   of 16 packets, a Socket.IO SEND_MESSAGE event) and encoding a structured event.
//! - `broadcast/*`: the cost of putting one `messageBroadcast` into the queues of a room of
//!   1,000 sockets, the old way (serialise and copy per socket) against the frame encoded
//!   once and shared (`Frame::event` plus a reference-count increment per socket).

use std::hint::black_box;
use std::sync::Arc;

use agentd_socketio::Frame;
use agentd_socketio::codec::{EnginePacket, SioPacket, decode_payload, encode_event_raw};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};

/// What `messageBroadcast` carries for a short user message: elizaOS 1.7's fields plus seq.
fn broadcast_payload() -> Value {
    json!({
        "id": "6f1c1e5e-8a47-4c39-9c38-0f7f2c7f6a11",
        "senderId": "0e0ab0b1-7b0d-4f55-a0a6-3c5d0a3f1d22",
        "senderName": "User",
        "text": "Hello there, how are you doing today? I had a question about the weather.",
        "channelId": "a1b2c3d4-e5f6-4711-8899-aabbccddeeff",
        "roomId": "a1b2c3d4-e5f6-4711-8899-aabbccddeeff",
        "serverId": "00000000-0000-0000-0000-000000000000",
        "messageServerId": "00000000-0000-0000-0000-000000000000",
        "createdAt": 1_764_400_000_000_i64,
        "source": "client_chat",
        "seq": 1234,
        "attachments": [],
    })
}

/// A SEND_MESSAGE as the web UI emits it, in its Engine.IO text form.
fn send_message_text() -> String {
    let payload = json!({"type": 2, "payload": {
        "channelId": "a1b2c3d4-e5f6-4711-8899-aabbccddeeff",
        "messageServerId": "00000000-0000-0000-0000-000000000000",
        "senderId": "0e0ab0b1-7b0d-4f55-a0a6-3c5d0a3f1d22",
        "senderName": "User",
        "message": "Hello there, how are you doing today? I had a question about the weather.",
        "messageId": "client-1764400000000",
        "source": "client_chat",
        "metadata": {"channelType": "DM", "isDm": true},
    }});
    format!("4{}", encode_event_raw("message", &[&payload.to_string()]))
}

fn codec(c: &mut Criterion) {
    let text = send_message_text();
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("decode_message", |b| {
        b.iter(|| EnginePacket::decode(black_box(&text)));
    });
    let body = vec![text.as_str(); 16].join("\u{1e}");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("decode_polling_body_16", |b| {
        b.iter(|| decode_payload(black_box(&body)));
    });
    group.finish();

    let sio = text[1..].to_owned();
    let mut group = c.benchmark_group("sio");
    group.throughput(Throughput::Bytes(sio.len() as u64));
    group.bench_function("decode_event", |b| {
        b.iter(|| SioPacket::decode(black_box(&sio)));
    });
    let event = SioPacket::Event {
        nsp: "/".into(),
        id: None,
        event: "messageBroadcast".into(),
        args: vec![broadcast_payload()],
    };
    group.bench_function("encode_event_structured", |b| {
        b.iter(|| black_box(&event).encode());
    });
    group.finish();
}

const ROOM: usize = 1_000;

fn broadcast(c: &mut Criterion) {
    let payload = broadcast_payload();
    let mut group = c.benchmark_group("broadcast");
    group.bench_function("frame_event_once", |b| {
        b.iter(|| Frame::event("messageBroadcast", black_box(&payload)));
    });
    group.throughput(Throughput::Elements(ROOM as u64));
    // Before: every socket's copy was serialised and formatted on its own (the relay's
    // per-socket emit), then copied again into the websocket writer's String.
    group.bench_function("per_socket_encode_1000", |b| {
        let mut queues: Vec<Arc<str>> = Vec::with_capacity(ROOM);
        b.iter(|| {
            queues.clear();
            for _ in 0..ROOM {
                let arg = serde_json::to_string(black_box(&payload)).unwrap_or_default();
                let packet: Arc<str> =
                    format!("4{}", encode_event_raw("messageBroadcast", &[&arg])).into();
                queues.push(Arc::from(packet.to_string()));
            }
            black_box(&queues);
        });
    });
    // After: one frame, and each queue holds a reference-counted handle on it.
    group.bench_function("shared_frame_1000", |b| {
        let mut queues: Vec<Frame> = Vec::with_capacity(ROOM);
        b.iter(|| {
            queues.clear();
            let frame = Frame::event("messageBroadcast", black_box(&payload))
                .unwrap_or_else(|_| Frame::from_static("42[\"messageBroadcast\",null]"));
            for _ in 0..ROOM {
                queues.push(frame.clone());
            }
            black_box(&queues);
        });
    });
    group.finish();
}

criterion_group!(benches, codec, broadcast);
criterion_main!(benches);
