//! Property test over arbitrary input: the codecs never panic, and what they accept
//! re-encodes to something they accept as the same packet.

use agentd_socketio::codec::{EnginePacket, SioPacket, decode_payload};

/// A small deterministic PRNG (xorshift64*), so failures reproduce without a seed file.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "b",
    "/",
    ",",
    "/chat,",
    "[",
    "]",
    "{",
    "}",
    "\"",
    ":",
    "\"a\"",
    "\"connect\"",
    "1",
    "99999999999999999999",
    "-",
    "null",
    "true",
    "1e400",
    "\x1e",
    "é",
    "\u{1F600}",
    "\\",
    "\\u0000",
    "probe",
    " ",
    "{\"a\":[1,2]}",
    "[\"ev\",{}]",
];

fn arbitrary(rng: &mut Rng) -> String {
    let mut out = String::new();
    for _ in 0..rng.below(24) {
        if rng.below(4) == 0 {
            out.push(char::from_u32(rng.next() as u32 % 0x800).unwrap_or('?'));
        } else {
            out.push_str(PIECES[rng.below(PIECES.len())]);
        }
    }
    out
}

fn check_sio(text: &str) {
    if let Ok(packet) = SioPacket::decode(text) {
        let again = SioPacket::decode(&packet.encode());
        assert!(
            again.is_ok(),
            "{text:?} decoded but its encoding {:?} did not",
            packet.encode()
        );
        if let (
            SioPacket::Event {
                event: a,
                id: i,
                nsp: n,
                ..
            },
            Ok(SioPacket::Event {
                event: b,
                id: j,
                nsp: m,
                ..
            }),
        ) = (&packet, &again)
        {
            assert_eq!((a, i, n), (b, j, m));
        }
    }
}

#[test]
fn codecs_never_panic_on_arbitrary_text() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..200_000 {
        let text = arbitrary(&mut rng);
        if let Ok(packets) = decode_payload(&text) {
            for packet in packets {
                assert_eq!(EnginePacket::decode(&packet.encode()), Ok(packet.clone()));
                if let EnginePacket::Message(data) = packet {
                    check_sio(&data);
                }
            }
        }
        check_sio(&text);
    }
}

#[test]
fn codecs_never_panic_on_arbitrary_bytes() {
    let mut rng = Rng(42);
    for _ in 0..100_000 {
        let len = rng.below(64);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        let _ = decode_payload(&text);
        check_sio(&text);
    }
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let deep = format!("2{}", "[".repeat(200_000));
    assert!(SioPacket::decode(&deep).is_err());
    let deep = format!(
        "2[\"e\",{}1{}]",
        "{\"a\":".repeat(100_000),
        "}".repeat(100_000)
    );
    assert!(SioPacket::decode(&deep).is_err());
    let many = "4\x1e".repeat(100_000);
    assert!(decode_payload(&many).is_err());
}
