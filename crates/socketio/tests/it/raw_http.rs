//! Engine.IO edge cases a well-behaved client never triggers, over raw HTTP/1.1.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::Duration;

use agentd_socketio::ServerOptions;

use crate::echo_app;

/// Sends one request and returns (status, body).
fn request(url: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let addr = url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

fn handshake(url: &str) -> String {
    let (status, body) = request(url, "GET", "/socket.io/?EIO=4&transport=polling", "");
    assert_eq!(status, 200);
    assert!(body.starts_with("0{"), "{body}");
    let open: serde_json::Value = serde_json::from_str(&body[1..]).unwrap();
    assert_eq!(open["upgrades"], serde_json::json!(["websocket"]));
    assert!(open["maxPayload"].is_u64() && open["pingInterval"].is_u64());
    open["sid"].as_str().unwrap().to_owned()
}

#[test]
fn bad_requests_get_engine_io_errors() {
    let server = echo_app::start(ServerOptions::default());
    let (_, body) = request(
        &server.url,
        "GET",
        "/socket.io/?EIO=4&transport=polling",
        "",
    );
    let open: serde_json::Value = serde_json::from_str(&body[1..]).unwrap();
    assert_eq!(open["maxPayload"], 1_000_000);
    assert_eq!(open["pingInterval"], 25_000);
    assert_eq!(open["pingTimeout"], 20_000);
    let (status, body) = request(
        &server.url,
        "GET",
        "/socket.io/?EIO=3&transport=polling",
        "",
    );
    assert_eq!(
        (status, body.as_str()),
        (
            400,
            r#"{"code":5,"message":"Unsupported protocol version"}"#
        )
    );
    let (status, body) = request(
        &server.url,
        "GET",
        "/socket.io/?EIO=4&transport=carrier-pigeon",
        "",
    );
    assert_eq!(
        (status, body.as_str()),
        (400, r#"{"code":0,"message":"Transport unknown"}"#)
    );
    let (status, body) = request(
        &server.url,
        "GET",
        "/socket.io/?EIO=4&transport=polling&sid=nope",
        "",
    );
    assert_eq!(
        (status, body.as_str()),
        (400, r#"{"code":1,"message":"Session ID unknown"}"#)
    );
    let (status, _) = request(
        &server.url,
        "POST",
        "/socket.io/?EIO=4&transport=polling",
        "40",
    );
    assert_eq!(status, 400);
}

#[test]
fn overlapping_polls_are_refused_and_close_the_session() {
    let server = echo_app::start(ServerOptions::default());
    let sid = handshake(&server.url);
    let path = format!("/socket.io/?EIO=4&transport=polling&sid={sid}");
    let url = server.url.clone();
    let first_path = path.clone();
    let first = thread::spawn(move || request(&url, "GET", &first_path, ""));
    thread::sleep(Duration::from_millis(300));
    let (status, _) = request(&server.url, "GET", &path, "");
    assert_eq!(status, 400);
    // The pending poll is released with the close packet.
    let (status, body) = first.join().unwrap();
    assert_eq!((status, body.as_str()), (200, "1"));
}

#[test]
fn polling_connect_event_and_ack_by_hand() {
    let server = echo_app::start(ServerOptions::default());
    let sid = handshake(&server.url);
    let path = format!("/socket.io/?EIO=4&transport=polling&sid={sid}");
    let auth = r#"40{"entityId":"2f8a1b9c-3d4e-4f5a-8b6c-7d8e9f0a1b2c"}"#;
    assert_eq!(
        request(&server.url, "POST", &path, auth),
        (200, "ok".to_owned())
    );
    let (_, body) = request(&server.url, "GET", &path, "");
    let packets: Vec<&str> = body.split('\x1e').collect();
    assert!(packets[0].starts_with("40{\"sid\":"), "{body}");
    assert!(packets[1].starts_with("42[\"welcome\","), "{body}");
    assert_eq!(
        request(
            &server.url,
            "POST",
            &path,
            "4212[\"echo\",\"hi\"]\x1e4213[\"echo\",7]"
        ),
        (200, "ok".to_owned())
    );
    let mut got = String::new();
    while !got.contains("4313") {
        let (_, body) = request(&server.url, "GET", &path, "");
        got.push_str(&body);
        got.push('\x1e');
    }
    assert!(got.starts_with("4312[\"hi\"]\x1e4313[7]"), "{got:?}");
    // A binary packet is refused as a parse error and ends the session.
    assert_eq!(
        request(
            &server.url,
            "POST",
            &path,
            "451-[\"echo\",{\"_placeholder\":true,\"num\":0}]"
        )
        .0,
        200
    );
    let (_, body) = request(&server.url, "GET", &path, "");
    assert_eq!(body, "1");
}

#[test]
fn oversize_polling_body_gets_413() {
    let server = echo_app::start(ServerOptions {
        max_payload: 1000,
        ..ServerOptions::default()
    });
    let sid = handshake(&server.url);
    let path = format!("/socket.io/?EIO=4&transport=polling&sid={sid}");
    let (status, _) = request(
        &server.url,
        "POST",
        &path,
        &format!("4{}", "x".repeat(1000)),
    );
    assert_eq!(status, 413);
}

/// Connects a raw polling client and joins it to `room`; returns its poll path.
fn connect_and_join(url: &str, room: &str) -> String {
    let sid = handshake(url);
    let path = format!("/socket.io/?EIO=4&transport=polling&sid={sid}");
    let connect = r#"40{"entityId":"2f8a1b9c-3d4e-4f5a-8b6c-7d8e9f0a1b2c"}"#;
    assert_eq!(request(url, "POST", &path, connect).0, 200);
    let (_, body) = request(url, "GET", &path, "");
    assert!(body.starts_with("40"), "{body}");
    let join = format!("421[\"join\",\"{room}\"]");
    assert_eq!(request(url, "POST", &path, &join).0, 200);
    let (_, body) = request(url, "GET", &path, "");
    assert!(body.contains("431[{\"joined\""), "{body}");
    path
}

#[test]
fn slow_client_is_disconnected_and_others_keep_receiving() {
    let server = echo_app::start(ServerOptions {
        outbound_queue: 8,
        ..ServerOptions::default()
    });
    let _slow = connect_and_join(&server.url, "r");
    let fast = connect_and_join(&server.url, "r");
    assert_eq!(server.io.sockets().len(), 2);
    let mut received = 0;
    for i in 0..40 {
        let delivered = server.io.to("r").emit("tick", &i).unwrap();
        assert!(delivered >= 1);
        if i % 4 == 3 {
            let (_, body) = request(&server.url, "GET", &fast, "");
            received += body.matches("42[\"tick\"").count();
        }
    }
    assert_eq!(received, 40, "the fast client got every event");
    // The socket task cleans up asynchronously after the session closed.
    for _ in 0..100 {
        if server.io.sockets().len() == 1 {
            break;
        }
        thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(server.io.sockets().len(), 1, "the slow client was dropped");
}
