//! Socket.IO v5 packets, carried in Engine.IO message packets.
//!
//! Text form: `<type>[<attachments>-][<namespace>,][<ack id>][<json>]`. The binary types
//! (`5` BINARY_EVENT, `6` BINARY_ACK) are refused; see the crate docs.

use serde_json::Value;
use thiserror::Error;

/// The default namespace, the only one agentd serves, as in elizaOS.
pub const DEFAULT_NAMESPACE: &str = "/";

/// Event names a client may not emit, because the client library reserves them.
const RESERVED_EVENTS: [&str; 6] = [
    "connect",
    "connect_error",
    "disconnect",
    "disconnecting",
    "newListener",
    "removeListener",
];

/// One decoded Socket.IO packet.
#[derive(Debug, Clone, PartialEq)]
pub enum SioPacket {
    /// `0`: the client asks to join a namespace, with its optional `auth` object.
    Connect {
        /// The namespace, `/` by default.
        nsp: String,
        /// The client's `auth` option, when it sent one.
        auth: Option<Value>,
    },
    /// `1`: the client leaves the namespace.
    Disconnect {
        /// The namespace.
        nsp: String,
    },
    /// `2`: an event with its arguments, and an ack id when the sender wants a reply.
    Event {
        /// The namespace.
        nsp: String,
        /// The ack id to answer with, if any.
        id: Option<u64>,
        /// The event name (a numeric name is turned into its decimal text).
        event: String,
        /// The arguments after the name.
        args: Vec<Value>,
    },
    /// `3`: the reply to an event that carried an ack id.
    Ack {
        /// The namespace.
        nsp: String,
        /// The ack id being answered.
        id: u64,
        /// The reply arguments.
        args: Vec<Value>,
    },
    /// `4`: the server refused a CONNECT; data is `{"message": ...}`.
    ConnectError {
        /// The namespace.
        nsp: String,
        /// The error object.
        data: Value,
    },
}

/// Why a text could not be read as a Socket.IO packet; the connection is closed on these.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SioPacketError {
    /// Nothing after the Engine.IO message type.
    #[error("empty packet")]
    Empty,
    /// The type is not `0`..`6`.
    #[error("unknown packet type")]
    UnknownType,
    /// BINARY_EVENT or BINARY_ACK; attachments are not supported.
    #[error("binary packets are not supported")]
    Binary,
    /// The ack id is not a number that fits in 64 bits.
    #[error("invalid ack id")]
    InvalidAckId,
    /// The JSON part does not parse.
    #[error("invalid json")]
    InvalidJson,
    /// The JSON parses but has the wrong shape for the packet type.
    #[error("invalid payload")]
    InvalidPayload,
}

impl SioPacket {
    /// Reads a packet from the data of an Engine.IO message; never panics on any input.
    pub fn decode(text: &str) -> Result<Self, SioPacketError> {
        let mut chars = text.chars();
        let kind = chars.next().ok_or(SioPacketError::Empty)?;
        let mut rest = chars.as_str();
        match kind {
            '0'..='4' => {}
            '5' | '6' => return Err(SioPacketError::Binary),
            _ => return Err(SioPacketError::UnknownType),
        }
        let mut nsp = DEFAULT_NAMESPACE.to_owned();
        if rest.starts_with('/') {
            match rest.find(',') {
                Some(end) => {
                    nsp = rest[..end].to_owned();
                    rest = &rest[end + 1..];
                }
                None => {
                    nsp = rest.to_owned();
                    rest = "";
                }
            }
        }
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let id = if digits > 0 {
            let id = rest[..digits]
                .parse::<u64>()
                .map_err(|_| SioPacketError::InvalidAckId)?;
            rest = &rest[digits..];
            Some(id)
        } else {
            None
        };
        let data: Option<Value> = if rest.is_empty() {
            None
        } else {
            Some(serde_json::from_str(rest).map_err(|_| SioPacketError::InvalidJson)?)
        };
        match kind {
            '0' => match data {
                None | Some(Value::Object(_)) if id.is_none() => {
                    Ok(SioPacket::Connect { nsp, auth: data })
                }
                _ => Err(SioPacketError::InvalidPayload),
            },
            '1' => match data {
                None => Ok(SioPacket::Disconnect { nsp }),
                Some(_) => Err(SioPacketError::InvalidPayload),
            },
            '2' => {
                let Some(Value::Array(mut items)) = data else {
                    return Err(SioPacketError::InvalidPayload);
                };
                if items.is_empty() {
                    return Err(SioPacketError::InvalidPayload);
                }
                let event = match items.remove(0) {
                    Value::String(name) if !RESERVED_EVENTS.contains(&name.as_str()) => name,
                    Value::Number(n) => n.to_string(),
                    _ => return Err(SioPacketError::InvalidPayload),
                };
                Ok(SioPacket::Event {
                    nsp,
                    id,
                    event,
                    args: items,
                })
            }
            '3' => match (id, data) {
                (Some(id), Some(Value::Array(args))) => Ok(SioPacket::Ack { nsp, id, args }),
                _ => Err(SioPacketError::InvalidPayload),
            },
            _ => match data {
                Some(data @ (Value::Object(_) | Value::String(_))) if id.is_none() => {
                    Ok(SioPacket::ConnectError { nsp, data })
                }
                _ => Err(SioPacketError::InvalidPayload),
            },
        }
    }

    /// Writes the packet as the data of an Engine.IO message.
    pub fn encode(&self) -> String {
        match self {
            SioPacket::Connect { nsp, auth } => {
                let data = auth.as_ref().map(Value::to_string).unwrap_or_default();
                format!("0{}{data}", nsp_prefix(nsp))
            }
            SioPacket::Disconnect { nsp } => format!("1{}", nsp_prefix(nsp)),
            SioPacket::Event {
                nsp,
                id,
                event,
                args,
            } => {
                let mut items = Vec::with_capacity(args.len() + 1);
                items.push(Value::String(event.clone()));
                items.extend(args.iter().cloned());
                let id = id.map(|id| id.to_string()).unwrap_or_default();
                format!("2{}{id}{}", nsp_prefix(nsp), Value::Array(items))
            }
            SioPacket::Ack { nsp, id, args } => {
                format!("3{}{id}{}", nsp_prefix(nsp), Value::Array(args.clone()))
            }
            SioPacket::ConnectError { nsp, data } => format!("4{}{data}", nsp_prefix(nsp)),
        }
    }
}

/// The namespace prefix of an encoded packet: nothing for `/`, `"/name,"` otherwise.
fn nsp_prefix(nsp: &str) -> String {
    if nsp == DEFAULT_NAMESPACE {
        String::new()
    } else {
        format!("{nsp},")
    }
}

/// Encodes an EVENT for the default namespace from already-serialised JSON arguments, so a
/// broadcast is serialised once for every receiver.
pub fn encode_event_raw(event: &str, args_json: &[&str]) -> String {
    let name = Value::String(event.to_owned()).to_string();
    let len = 4 + name.len() + args_json.iter().map(|a| a.len() + 1).sum::<usize>();
    let mut out = String::with_capacity(len);
    out.push_str("2[");
    out.push_str(&name);
    for arg in args_json {
        out.push(',');
        out.push_str(arg);
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_connect_with_and_without_auth() {
        assert_eq!(
            SioPacket::decode("0"),
            Ok(SioPacket::Connect {
                nsp: "/".into(),
                auth: None
            })
        );
        assert_eq!(
            SioPacket::decode("0{\"entityId\":\"x\"}"),
            Ok(SioPacket::Connect {
                nsp: "/".into(),
                auth: Some(json!({"entityId": "x"}))
            })
        );
        assert_eq!(
            SioPacket::decode("0/admin,{\"a\":1}"),
            Ok(SioPacket::Connect {
                nsp: "/admin".into(),
                auth: Some(json!({"a": 1}))
            })
        );
        assert_eq!(
            SioPacket::decode("0/admin"),
            Ok(SioPacket::Connect {
                nsp: "/admin".into(),
                auth: None
            })
        );
        assert_eq!(
            SioPacket::decode("0[1]"),
            Err(SioPacketError::InvalidPayload)
        );
    }

    #[test]
    fn decodes_events_with_ack_ids() {
        assert_eq!(
            SioPacket::decode("2[\"hello\",1,{\"a\":true}]"),
            Ok(SioPacket::Event {
                nsp: "/".into(),
                id: None,
                event: "hello".into(),
                args: vec![json!(1), json!({"a": true})],
            })
        );
        assert_eq!(
            SioPacket::decode("2/chat,12[\"x\"]"),
            Ok(SioPacket::Event {
                nsp: "/chat".into(),
                id: Some(12),
                event: "x".into(),
                args: vec![]
            })
        );
        assert_eq!(
            SioPacket::decode("2[1,{}]"),
            Ok(SioPacket::Event {
                nsp: "/".into(),
                id: None,
                event: "1".into(),
                args: vec![json!({})]
            })
        );
        assert_eq!(
            SioPacket::decode("37[\"ok\"]"),
            Ok(SioPacket::Ack {
                nsp: "/".into(),
                id: 7,
                args: vec![json!("ok")]
            })
        );
    }

    #[test]
    fn refuses_malformed() {
        assert_eq!(SioPacket::decode(""), Err(SioPacketError::Empty));
        assert_eq!(SioPacket::decode("9"), Err(SioPacketError::UnknownType));
        assert_eq!(
            SioPacket::decode("51-[\"a\",{\"_placeholder\":true,\"num\":0}]"),
            Err(SioPacketError::Binary)
        );
        assert_eq!(SioPacket::decode("6"), Err(SioPacketError::Binary));
        assert_eq!(
            SioPacket::decode("2[]"),
            Err(SioPacketError::InvalidPayload)
        );
        assert_eq!(
            SioPacket::decode("2{}"),
            Err(SioPacketError::InvalidPayload)
        );
        assert_eq!(
            SioPacket::decode("2[\"connect\"]"),
            Err(SioPacketError::InvalidPayload)
        );
        assert_eq!(
            SioPacket::decode("2[null]"),
            Err(SioPacketError::InvalidPayload)
        );
        assert_eq!(
            SioPacket::decode("2[\"a\""),
            Err(SioPacketError::InvalidJson)
        );
        assert_eq!(
            SioPacket::decode("299999999999999999999999[\"a\"]"),
            Err(SioPacketError::InvalidAckId)
        );
        assert_eq!(
            SioPacket::decode("3[\"a\"]"),
            Err(SioPacketError::InvalidPayload)
        );
        assert_eq!(
            SioPacket::decode("1{}"),
            Err(SioPacketError::InvalidPayload)
        );
    }

    #[test]
    fn encodes_server_packets() {
        let connect = SioPacket::Connect {
            nsp: "/".into(),
            auth: Some(json!({"sid": "abc"})),
        };
        assert_eq!(connect.encode(), "0{\"sid\":\"abc\"}");
        let err = SioPacket::ConnectError {
            nsp: "/".into(),
            data: json!({"message": "no"}),
        };
        assert_eq!(err.encode(), "4{\"message\":\"no\"}");
        let ack = SioPacket::Ack {
            nsp: "/".into(),
            id: 3,
            args: vec![json!("ok")],
        };
        assert_eq!(ack.encode(), "33[\"ok\"]");
        let ev = SioPacket::Event {
            nsp: "/x".into(),
            id: Some(1),
            event: "e".into(),
            args: vec![json!(1)],
        };
        assert_eq!(ev.encode(), "2/x,1[\"e\",1]");
        assert_eq!(SioPacket::decode(&ev.encode()), Ok(ev));
        assert_eq!(SioPacket::Disconnect { nsp: "/".into() }.encode(), "1");
    }

    #[test]
    fn raw_event_matches_structured_encoding() {
        let raw = encode_event_raw("say \"hi\"", &["{\"a\":1}", "2"]);
        let structured = SioPacket::Event {
            nsp: "/".into(),
            id: None,
            event: "say \"hi\"".into(),
            args: vec![json!({"a": 1}), json!(2)],
        };
        assert_eq!(raw, structured.encode());
    }
}
