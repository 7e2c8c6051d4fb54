//! [`Frame`]: one outbound Engine.IO packet, encoded once and shared.
//!
//! A broadcast to a room of 1,000 sockets used to cost 1,000 serialisations and 1,000
//! copies of the same text. A frame is built once, in one buffer, and every socket's queue
//! holds a reference-counted handle on that buffer: the websocket writer hands it to
//! actix-ws as is (its text type is the same [`ByteString`]), and a poll that carries one
//! packet returns it as the body without copying.

use bytestring::ByteString;
use serde::Serialize;

/// An encoded Engine.IO packet (type digit included), ready for any transport. Cloning is
/// a reference-count increment, never a copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame(ByteString);

impl Frame {
    /// A frame from text that is already an encoded Engine.IO packet (e.g. `"2"`).
    pub fn from_encoded(text: impl Into<ByteString>) -> Self {
        Frame(text.into())
    }

    /// A frame for a packet whose text never changes (pings, noops).
    pub const fn from_static(text: &'static str) -> Self {
        Frame(ByteString::from_static(text))
    }

    /// The Socket.IO EVENT `event` with one JSON argument, for the default namespace, in
    /// an Engine.IO message: `42["event",<data>]`. Serialised straight into the one buffer
    /// the frame keeps (no intermediate string per argument).
    pub fn event<T: Serialize + ?Sized>(event: &str, data: &T) -> Result<Self, serde_json::Error> {
        let mut buf = Vec::with_capacity(64 + event.len());
        buf.extend_from_slice(b"42[");
        serde_json::to_writer(&mut buf, event)?;
        buf.push(b',');
        serde_json::to_writer(&mut buf, data)?;
        buf.push(b']');
        Self::from_json_bytes(buf)
    }

    /// Like [`Frame::event`] with any number of already-built JSON arguments.
    pub fn event_args(event: &str, args: &[serde_json::Value]) -> Result<Self, serde_json::Error> {
        let mut buf = Vec::with_capacity(64 + event.len());
        buf.extend_from_slice(b"42[");
        serde_json::to_writer(&mut buf, event)?;
        for arg in args {
            buf.push(b',');
            serde_json::to_writer(&mut buf, arg)?;
        }
        buf.push(b']');
        Self::from_json_bytes(buf)
    }

    /// serde_json writes UTF-8 only, so the check cannot fail; it is kept (it costs a scan
    /// of the bytes) because the crate forbids `unsafe`.
    fn from_json_bytes(buf: Vec<u8>) -> Result<Self, serde_json::Error> {
        match String::from_utf8(buf) {
            Ok(text) => Ok(Frame(ByteString::from(text))),
            Err(_) => Err(serde::ser::Error::custom("serialised JSON is not UTF-8")),
        }
    }

    /// The packet text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it is empty (never, for a valid packet).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The shared text, for a transport (actix-ws takes it without copying).
    pub fn into_inner(self) -> ByteString {
        self.0
    }

    /// The shared bytes, for an HTTP body (no copy).
    pub fn into_bytes(self) -> actix_web::web::Bytes {
        self.0.into_bytes()
    }
}

impl From<String> for Frame {
    fn from(text: String) -> Self {
        Frame(ByteString::from(text))
    }
}

impl From<&'static str> for Frame {
    fn from(text: &'static str) -> Self {
        Frame::from_static(text)
    }
}

/// Joins frames into one long-polling body (`\x1e` between packets). One frame is returned
/// as its own shared bytes; several are copied once into a buffer of the exact size.
pub fn join_frames(frames: Vec<Frame>) -> actix_web::web::Bytes {
    if frames.len() == 1 {
        return frames
            .into_iter()
            .next()
            .map(|f| f.0.into_bytes())
            .unwrap_or_default();
    }
    let len = frames.iter().map(|f| f.len() + 1).sum::<usize>();
    let mut out = actix_web::web::BytesMut::with_capacity(len);
    for (i, frame) in frames.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(&[super::packet::RECORD_SEPARATOR as u8]);
        }
        out.extend_from_slice(frame.as_str().as_bytes());
    }
    out.freeze()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::packet::{EnginePacket, decode_payload};
    use crate::sio::packet::SioPacket;
    use serde_json::json;

    #[test]
    fn event_frame_decodes_back_to_the_event() {
        let data = json!({"text": "héllo \"you\"", "n": [1, 2]});
        let frame = Frame::event("message\u{1e}Broadcast", &data).unwrap();
        let EnginePacket::Message(sio) = EnginePacket::decode(frame.as_str()).unwrap() else {
            panic!("not a message");
        };
        assert_eq!(
            SioPacket::decode(&sio).unwrap(),
            SioPacket::Event {
                nsp: "/".into(),
                id: None,
                event: "message\u{1e}Broadcast".into(),
                args: vec![data],
            }
        );
        let none = Frame::event_args("e", &[]).unwrap();
        assert_eq!(none.as_str(), "42[\"e\"]");
        let two = Frame::event_args("e", &[json!(1), json!("x")]).unwrap();
        assert_eq!(two.as_str(), "42[\"e\",1,\"x\"]");
    }

    #[test]
    fn clones_share_one_buffer() {
        let frame = Frame::event("e", &json!({"a": 1})).unwrap();
        let copy = frame.clone();
        assert_eq!(frame.as_str().as_ptr(), copy.as_str().as_ptr());
        let body = join_frames(vec![copy]);
        assert_eq!(body.as_ptr(), frame.as_str().as_ptr());
    }

    #[test]
    fn joins_several_frames_with_the_separator() {
        let body = join_frames(vec![Frame::from_static("4a"), Frame::from_static("2")]);
        assert_eq!(&body[..], b"4a\x1e2");
        assert_eq!(
            decode_payload(std::str::from_utf8(&body).unwrap()).unwrap(),
            vec![
                EnginePacket::Message("a".into()),
                EnginePacket::Ping(String::new())
            ]
        );
        assert!(join_frames(Vec::new()).is_empty());
    }
}
