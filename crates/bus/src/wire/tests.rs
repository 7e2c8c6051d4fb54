use super::*;
use agentd_core::model::DeliveryState;

fn every_event() -> Vec<BusEvent> {
    let (c, m, a) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    vec![
        BusEvent::NewMessage {
            channel_id: c,
            seq: 7,
            message_id: m,
            author_id: a,
        },
        BusEvent::MessageUpdated {
            channel_id: c,
            seq: 7,
            message_id: m,
        },
        BusEvent::MessageDeleted {
            channel_id: c,
            seq: 7,
            message_id: m,
        },
        BusEvent::ChannelCleared { channel_id: c },
        BusEvent::ServerAgentUpdate {
            server_id: c,
            agent_id: a,
            added: true,
        },
        BusEvent::MessageStreamChunk {
            channel_id: c,
            message_id: m,
            agent_id: a,
            index: 3,
            chunk: "héllo \"world\"\n".to_owned(),
        },
        BusEvent::MessageStreamError {
            channel_id: c,
            message_id: m,
            agent_id: a,
            code: "MODEL_TIMEOUT".to_owned(),
        },
        BusEvent::MessageComplete {
            channel_id: c,
            server_id: a,
        },
        BusEvent::ChannelChanged {
            channel_id: c,
            deleted: true,
        },
        BusEvent::DeliveryChanged {
            channel_id: c,
            message_id: m,
            agent_id: a,
            state: DeliveryState::Replied,
            reason: None,
        },
        BusEvent::DeliveryChanged {
            channel_id: c,
            message_id: m,
            agent_id: a,
            state: DeliveryState::Errored,
            reason: Some("MODEL_TIMEOUT".to_owned()),
        },
    ]
}

#[test]
fn every_event_survives_the_round_trip() {
    let origin = Uuid::new_v4();
    for event in every_event() {
        let decoded = decode(&encode_event(origin, &event)).unwrap();
        assert_eq!(decoded, WireMessage::Event { origin, event });
    }
}

#[test]
fn the_wire_form_is_stable() {
    let id = Uuid::nil();
    let event = BusEvent::NewMessage {
        channel_id: id,
        seq: 42,
        message_id: id,
        author_id: id,
    };
    let nil = "00000000-0000-0000-0000-000000000000";
    let expected = format!(
        r#"{{"v":1,"origin":"{nil}","event":{{"type":"new_message","channel_id":"{nil}","seq":42,"message_id":"{nil}","author_id":"{nil}"}}}}"#
    );
    assert_eq!(
        String::from_utf8(encode_event(id, &event)).unwrap(),
        expected
    );
    let dropped = format!(r#"{{"v":1,"origin":"{nil}","dropped":5}}"#);
    assert_eq!(String::from_utf8(encode_dropped(id, 5)).unwrap(), dropped);
    assert_eq!(
        decode(dropped.as_bytes()).unwrap(),
        WireMessage::Dropped {
            origin: id,
            count: 5
        }
    );
}

#[test]
fn the_kind_names_match_the_type_tags() {
    for event in every_event() {
        let json: serde_json::Value = serde_json::to_value(&event).unwrap();
        let tag = json["type"].as_str().unwrap().to_owned();
        let kind = event.kind().as_str();
        // The kind of a channel lifecycle or delivery event names a family of tags.
        match event.kind() {
            EventKind::ChannelLifecycle => assert_eq!(tag, "channel_changed"),
            EventKind::Delivery => assert_eq!(tag, "delivery_changed"),
            _ => assert_eq!(tag, kind),
        }
    }
}

#[test]
fn subjects_name_the_kind_and_the_channel() {
    let c = Uuid::new_v4();
    let e = BusEvent::ChannelCleared { channel_id: c };
    assert_eq!(subject("agentd", &e), format!("agentd.channel_cleared.{c}"));
    let s = BusEvent::ServerAgentUpdate {
        server_id: c,
        agent_id: c,
        added: false,
    };
    assert_eq!(subject("a.b", &s), "a.b.server_agent_update._");
    assert_eq!(wildcard("a.b"), "a.b.>");
    assert_eq!(dropped_subject("agentd"), "agentd._bus.dropped");
}

#[test]
fn prefixes_are_plain_subject_tokens() {
    for ok in ["agentd", "prod.agentd", "t-1_x.y"] {
        assert!(validate_prefix(ok).is_ok(), "{ok}");
    }
    for bad in ["", "a..b", ".a", "a.", "a.*", "a.>", "a b", "ä"] {
        let err = validate_prefix(bad).unwrap_err();
        assert_eq!(err.code(), "BUS_CONFIG", "{bad}");
    }
}

#[test]
fn unknown_versions_types_and_shapes_are_refused() {
    let nil = Uuid::nil();
    let v2 = format!(r#"{{"v":2,"origin":"{nil}","event":{{"type":"new_message"}}}}"#);
    let err = decode(v2.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("version 2"), "{err}");
    let unknown = format!(r#"{{"v":1,"origin":"{nil}","event":{{"type":"teleport"}}}}"#);
    assert_eq!(decode(unknown.as_bytes()).unwrap_err().code(), "BUS_DECODE");
    let both = format!(
        r#"{{"v":1,"origin":"{nil}","dropped":1,"event":{{"type":"channel_cleared","channel_id":"{nil}"}}}}"#
    );
    assert!(decode(both.as_bytes()).is_err());
    let neither = format!(r#"{{"v":1,"origin":"{nil}"}}"#);
    assert!(decode(neither.as_bytes()).is_err());
    assert!(decode(b"not json").is_err());
    let bad_state = format!(
        r#"{{"v":1,"origin":"{nil}","event":{{"type":"delivery_changed","channel_id":"{nil}","message_id":"{nil}","agent_id":"{nil}","state":"lost"}}}}"#
    );
    assert!(decode(bad_state.as_bytes()).is_err());
}

#[test]
fn unknown_fields_are_ignored_for_forward_compatibility() {
    let nil = Uuid::nil();
    let newer = format!(
        r#"{{"v":1,"origin":"{nil}","trace":"x","event":{{"type":"channel_cleared","channel_id":"{nil}","reason":"y"}}}}"#
    );
    assert_eq!(
        decode(newer.as_bytes()).unwrap(),
        WireMessage::Event {
            origin: nil,
            event: BusEvent::ChannelCleared { channel_id: nil }
        }
    );
}

#[test]
fn stream_events_from_an_older_instance_decode_with_a_nil_agent() {
    let nil = Uuid::nil();
    let old = format!(
        r#"{{"v":1,"origin":"{nil}","event":{{"type":"message_stream_chunk","channel_id":"{nil}","message_id":"{nil}","index":0,"chunk":"hi"}}}}"#
    );
    let decoded = decode(old.as_bytes()).expect("an event without agent_id still decodes");
    let text = format!("{decoded:?}");
    assert!(
        text.contains("agent_id: 00000000-0000-0000-0000-000000000000"),
        "{text}"
    );
}
