//! Per-socket delivery state: for each joined channel, the highest `seq` delivered, and a
//! buffer of live messages held back while a resume replays history.
//!
//! This is what makes a resume exact: the socket joins the room (live messages start to be
//! buffered here), history is read and emitted, then the buffer is flushed skipping every
//! `seq` already delivered. No message is emitted twice and none falls between.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use agentd_socketio::Frame;
use uuid::Uuid;

/// What the handshake attached to a socket.
#[derive(Debug, Default)]
pub(crate) struct SocketState {
    /// The API key was presented and matched (always false when no key is configured).
    pub(crate) key_ok: bool,
    /// The agent the client said it talks to on join.
    pub(crate) agent_id: Mutex<Option<Uuid>>,
    channels: Mutex<HashMap<Uuid, ChannelCursor>>,
}

#[derive(Debug, Default)]
struct ChannelCursor {
    /// Highest `seq` the client has (or, for its own messages, was sent directly).
    delivered: i64,
    /// `Some` while history is being replayed: live messages wait here, as the frame the
    /// relay encoded once for the whole room.
    pending: Option<Vec<(i64, Frame)>>,
}

impl SocketState {
    /// A state for a socket that did (or did not) present the right key.
    pub(crate) fn new(key_ok: bool) -> Self {
        SocketState {
            key_ok,
            ..SocketState::default()
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Uuid, ChannelCursor>> {
        self.channels.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts a replay for `channel` from `after` (held-back live messages buffer until
    /// [`SocketState::finish_replay`]). Called before the socket joins the room.
    pub(crate) fn begin_replay(&self, channel: Uuid, after: i64) {
        let mut channels = self.lock();
        let cursor = channels.entry(channel).or_default();
        cursor.delivered = cursor.delivered.max(after);
        cursor.pending = Some(Vec::new());
    }

    /// A plain join: live messages flow at once; the watermark is kept if already joined.
    pub(crate) fn join(&self, channel: Uuid) {
        self.lock().entry(channel).or_default();
    }

    /// Emits one history message if the client does not have it yet.
    pub(crate) fn replay_one(
        &self,
        emit: impl FnOnce(&Frame),
        channel: Uuid,
        seq: i64,
        payload: &Frame,
    ) {
        let mut channels = self.lock();
        let cursor = channels.entry(channel).or_default();
        if seq > cursor.delivered {
            emit(payload);
            cursor.delivered = seq;
        }
    }

    /// Ends a replay: flushes held-back live messages in `seq` order, skipping duplicates.
    pub(crate) fn finish_replay(&self, mut emit: impl FnMut(&Frame), channel: Uuid) {
        let mut channels = self.lock();
        let cursor = channels.entry(channel).or_default();
        let mut pending = cursor.pending.take().unwrap_or_default();
        pending.sort_by_key(|(seq, _)| *seq);
        for (seq, payload) in pending {
            if seq > cursor.delivered {
                emit(&payload);
                cursor.delivered = seq;
            }
        }
    }

    /// Delivers a live message from the relay: buffered during a replay, skipped when the
    /// client has it already, and only recorded (not emitted) for the sender's own socket,
    /// which got it directly with its `clientMessageId`.
    pub(crate) fn deliver(
        &self,
        emit: impl FnOnce(&Frame),
        channel: Uuid,
        seq: i64,
        payload: &Frame,
        is_sender: bool,
    ) {
        let mut channels = self.lock();
        let cursor = channels.entry(channel).or_default();
        if let Some(pending) = cursor.pending.as_mut() {
            if !is_sender {
                pending.push((seq, payload.clone()));
            }
            return;
        }
        if seq <= cursor.delivered {
            return;
        }
        cursor.delivered = seq;
        if !is_sender {
            emit(payload);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::cell::RefCell;

    fn seq_of(frame: &Frame) -> i64 {
        let text = frame.as_str();
        text.trim_end_matches("}]")
            .rsplit(':')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(-1)
    }

    #[test]
    fn resume_merges_history_and_live_without_gap_or_duplicate() {
        let state = SocketState::new(false);
        let ch = Uuid::new_v4();
        let out = RefCell::new(Vec::new());
        let emit = |f: &Frame| out.borrow_mut().push(seq_of(f));
        let msg = |seq: i64| Frame::event("messageBroadcast", &json!({ "seq": seq })).unwrap();
        state.begin_replay(ch, 10);
        // Live messages arrive while history is read: held back (12 twice, as after a
        // relay gap-fill), and the sender's own message is never re-sent.
        state.deliver(emit, ch, 13, &msg(13), false);
        state.deliver(emit, ch, 12, &msg(12), false);
        state.deliver(emit, ch, 14, &msg(14), true);
        for seq in [9, 11, 12] {
            state.replay_one(emit, ch, seq, &msg(seq));
        }
        assert_eq!(*out.borrow(), vec![11, 12]);
        state.finish_replay(emit, ch);
        assert_eq!(*out.borrow(), vec![11, 12, 13]);
        state.deliver(emit, ch, 13, &msg(13), false);
        state.deliver(emit, ch, 14, &msg(14), true);
        state.deliver(emit, ch, 15, &msg(15), false);
        assert_eq!(*out.borrow(), vec![11, 12, 13, 15]);
    }
}
