//! Engine.IO v4 packets in their text framing ("Packet encoding" in the Engine.IO protocol).
//!
//! A packet is one type digit followed by its data. Long-polling bodies join several
//! packets with the record separator `\x1e`. Binary packets (`b<base64>` on polling,
//! binary frames on websocket) are refused: the Socket.IO clients we serve never send
//! them, and refusing is cheaper and safer than decoding base64 from strangers.

use thiserror::Error;

/// The record separator that joins packets in a long-polling body.
pub const RECORD_SEPARATOR: char = '\x1e';

/// One Engine.IO packet; data is kept as text because every packet we accept is text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnginePacket {
    /// `0`: the server's handshake, carrying the JSON session parameters.
    Open(String),
    /// `1`: either side ends the session.
    Close,
    /// `2`: heartbeat probe (the server pings in v4; `2probe` opens an upgrade).
    Ping(String),
    /// `3`: heartbeat answer (`3probe` answers an upgrade probe).
    Pong(String),
    /// `4`: a message for the layer above (Socket.IO).
    Message(String),
    /// `5`: the client switches to the probed websocket.
    Upgrade,
    /// `6`: no-op, used to release a pending poll during an upgrade.
    Noop,
}

/// Why bytes could not be read as an Engine.IO packet; the session is closed on any of them.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EnginePacketError {
    /// The packet was empty: a packet needs at least its type digit.
    #[error("empty packet")]
    Empty,
    /// The type character is not one of `0`..`6`.
    #[error("unknown packet type")]
    UnknownType,
    /// A base64 binary packet (`b...`); binary is not supported (see the crate docs).
    #[error("binary packets are not supported")]
    Binary,
}

impl EnginePacket {
    /// Reads one packet from its text form; never panics and never allocates more than
    /// the input's length.
    pub fn decode(text: &str) -> Result<Self, EnginePacketError> {
        let mut chars = text.chars();
        let kind = chars.next().ok_or(EnginePacketError::Empty)?;
        let data = chars.as_str();
        Ok(match kind {
            '0' => EnginePacket::Open(data.to_owned()),
            '1' => EnginePacket::Close,
            '2' => EnginePacket::Ping(data.to_owned()),
            '3' => EnginePacket::Pong(data.to_owned()),
            '4' => EnginePacket::Message(data.to_owned()),
            '5' => EnginePacket::Upgrade,
            '6' => EnginePacket::Noop,
            'b' => return Err(EnginePacketError::Binary),
            _ => return Err(EnginePacketError::UnknownType),
        })
    }

    /// Writes the packet in its text form, the inverse of [`EnginePacket::decode`].
    pub fn encode(&self) -> String {
        match self {
            EnginePacket::Open(data) => format!("0{data}"),
            EnginePacket::Close => "1".to_owned(),
            EnginePacket::Ping(data) => format!("2{data}"),
            EnginePacket::Pong(data) => format!("3{data}"),
            EnginePacket::Message(data) => format!("4{data}"),
            EnginePacket::Upgrade => "5".to_owned(),
            EnginePacket::Noop => "6".to_owned(),
        }
    }
}

/// Splits a long-polling body into packets; the first bad packet fails the whole body,
/// as Engine.IO does (the session is then closed).
pub fn decode_payload(body: &str) -> Result<Vec<EnginePacket>, EnginePacketError> {
    body.split(RECORD_SEPARATOR)
        .map(EnginePacket::decode)
        .collect()
}

/// Joins already-encoded packets into one long-polling body.
pub fn encode_payload<S: AsRef<str>>(packets: &[S]) -> String {
    let len = packets.iter().map(|p| p.as_ref().len() + 1).sum();
    let mut out = String::with_capacity(len);
    for (i, packet) in packets.iter().enumerate() {
        if i > 0 {
            out.push(RECORD_SEPARATOR);
        }
        out.push_str(packet.as_ref());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_every_type() {
        assert_eq!(
            EnginePacket::decode("0{\"sid\":\"x\"}"),
            Ok(EnginePacket::Open("{\"sid\":\"x\"}".into()))
        );
        assert_eq!(EnginePacket::decode("1"), Ok(EnginePacket::Close));
        assert_eq!(
            EnginePacket::decode("2"),
            Ok(EnginePacket::Ping(String::new()))
        );
        assert_eq!(
            EnginePacket::decode("2probe"),
            Ok(EnginePacket::Ping("probe".into()))
        );
        assert_eq!(
            EnginePacket::decode("3probe"),
            Ok(EnginePacket::Pong("probe".into()))
        );
        assert_eq!(
            EnginePacket::decode("4hello"),
            Ok(EnginePacket::Message("hello".into()))
        );
        assert_eq!(EnginePacket::decode("5"), Ok(EnginePacket::Upgrade));
        assert_eq!(EnginePacket::decode("6"), Ok(EnginePacket::Noop));
    }

    #[test]
    fn refuses_empty_unknown_and_binary() {
        assert_eq!(EnginePacket::decode(""), Err(EnginePacketError::Empty));
        assert_eq!(
            EnginePacket::decode("7"),
            Err(EnginePacketError::UnknownType)
        );
        assert_eq!(
            EnginePacket::decode("é"),
            Err(EnginePacketError::UnknownType)
        );
        assert_eq!(
            EnginePacket::decode("bAQID"),
            Err(EnginePacketError::Binary)
        );
    }

    #[test]
    fn round_trips() {
        for p in [
            EnginePacket::Open("{}".into()),
            EnginePacket::Close,
            EnginePacket::Ping("probe".into()),
            EnginePacket::Pong(String::new()),
            EnginePacket::Message("2[\"a\"]".into()),
            EnginePacket::Upgrade,
            EnginePacket::Noop,
        ] {
            assert_eq!(EnginePacket::decode(&p.encode()), Ok(p));
        }
    }

    #[test]
    fn payload_split_and_join() {
        let body = "4hello\x1e2\x1e40";
        let packets = decode_payload(body).unwrap();
        assert_eq!(
            packets,
            vec![
                EnginePacket::Message("hello".into()),
                EnginePacket::Ping(String::new()),
                EnginePacket::Message("0".into()),
            ]
        );
        assert_eq!(encode_payload(&["4hello", "2", "40"]), body);
        assert_eq!(encode_payload::<&str>(&[]), "");
        assert!(decode_payload("4a\x1e\x1e4b").is_err());
    }
}
