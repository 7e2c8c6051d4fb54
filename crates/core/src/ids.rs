//! UUID validation and the deterministic id recipes of elizaOS.
//!
//! The recipes must match elizaOS byte for byte: agents created from the same character on
//! agentd and on elizaOS get the same id, so data and client bookmarks carry over.

use uuid::Uuid;

/// The id of the message server that always exists ("Default Server").
pub const DEFAULT_SERVER_ID: Uuid = Uuid::nil();

/// Parses a UUID in the only form elizaOS accepts: 8-4-4-4-12 hex digits, any case.
///
/// `Uuid::parse_str` also accepts the simple, braced and URN forms; elizaOS rejects them,
/// and so do we, so that an id valid here is valid for every official client.
pub fn parse_uuid(s: &str) -> Option<Uuid> {
    let b = s.as_bytes();
    if b.len() != 36 {
        return None;
    }
    for (i, c) in b.iter().enumerate() {
        let ok = match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        };
        if !ok {
            return None;
        }
    }
    Uuid::parse_str(s).ok()
}

/// elizaOS `stringToUuid`: a UUID string is returned as is; anything else is hashed.
///
/// SHA-1 of the `encodeURIComponent` form, first 16 bytes, variant bits set and the
/// version nibble cleared (elizaOS writes version 0, not 5).
pub fn string_to_uuid(s: &str) -> Uuid {
    if let Some(id) = parse_uuid(s) {
        return id;
    }
    let digest = sha1_smol::Sha1::from(encode_uri_component(s))
        .digest()
        .bytes();
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[8] = (b[8] & 0x3f) | 0x80;
    b[6] &= 0x0f;
    Uuid::from_bytes(b)
}

/// elizaOS `createUniqueUuid(runtime, base)`: an id scoped to one agent.
pub fn create_unique_uuid(agent_id: Uuid, base: &str) -> Uuid {
    if parse_uuid(base) == Some(agent_id) {
        return agent_id;
    }
    string_to_uuid(&format!("{base}:{}", agent_id.hyphenated()))
}

/// JavaScript's `encodeURIComponent`: UTF-8 bytes percent-encoded, except the unreserved set.
fn encode_uri_component(s: &str) -> String {
    const KEEP: &[u8] = b"-_.!~*'()";
    let mut out = String::with_capacity(s.len());
    for &byte in s.as_bytes() {
        if byte.is_ascii_alphanumeric() || KEEP.contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(byte >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(byte & 0xf)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eliza_vector_matches_elizaos() {
        assert_eq!(
            string_to_uuid("Eliza").to_string(),
            "b850bc30-45f8-0041-a00a-83df46d8555d"
        );
    }

    #[test]
    fn uuid_strings_pass_through_unchanged() {
        let s = "3ef8c4b2-4905-0a32-9664-29188b90b690";
        assert_eq!(string_to_uuid(s).to_string(), s);
    }

    #[test]
    fn parse_accepts_any_case_and_the_nil_uuid() {
        assert!(parse_uuid("B850BC30-45F8-0041-A00A-83DF46D8555D").is_some());
        assert_eq!(
            parse_uuid("00000000-0000-0000-0000-000000000000"),
            Some(Uuid::nil())
        );
    }

    #[test]
    fn parse_rejects_other_uuid_forms() {
        for bad in [
            "b850bc3045f80041a00a83df46d8555d",
            "{b850bc30-45f8-0041-a00a-83df46d8555d}",
            "urn:uuid:b850bc30-45f8-0041-a00a-83df46d8555d",
            "b850bc30-45f8-0041-a00a-83df46d8555g",
            "",
        ] {
            assert!(parse_uuid(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn encode_uri_component_matches_javascript() {
        assert_eq!(encode_uri_component("a b/ç!"), "a%20b%2F%C3%A7!");
    }

    #[test]
    fn unique_uuid_is_agent_scoped() {
        let agent = string_to_uuid("Eliza");
        assert_eq!(create_unique_uuid(agent, &agent.to_string()), agent);
        assert_ne!(create_unique_uuid(agent, "room"), string_to_uuid("room"));
        assert_eq!(
            create_unique_uuid(agent, "room"),
            string_to_uuid(&format!("room:{agent}"))
        );
    }
}
