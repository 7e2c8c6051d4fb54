//! The client's file name, kept for display only (the elizaOS `originalName`): never used
//! in a path, and cleaned so it cannot spoof a display or break a log line.

/// The longest original name kept, in characters.
pub const MAX_ORIGINAL_NAME_CHARS: usize = 200;

/// The name used when nothing displayable is left.
const FALLBACK: &str = "file";

/// Characters that reorder or hide text: bidi controls (the right-to-left override that turns
/// `gnp.exe` into `exe.png` on screen) and zero-width characters.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}'
        | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// The display form of a client file name: its last path segment (either separator), without
/// control, bidi or zero-width characters, trimmed, at most [`MAX_ORIGINAL_NAME_CHARS`]
/// characters; `"file"` when nothing is left.
pub fn sanitize_original_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !is_invisible(*c))
        .take(MAX_ORIGINAL_NAME_CHARS)
        .collect();
    let trimmed = cleaned.trim();
    if trimmed.is_empty() || trimmed.chars().all(|c| c == '.') {
        FALLBACK.to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_attacks_are_neutralised() {
        assert_eq!(sanitize_original_name("../../x"), "x");
        assert_eq!(sanitize_original_name("..\\..\\win.ini"), "win.ini");
        assert_eq!(sanitize_original_name("/etc/passwd"), "passwd");
        assert_eq!(sanitize_original_name("%2e%2e%2fx"), "%2e%2e%2fx");
        assert_eq!(sanitize_original_name("a\0b.png"), "ab.png");
        assert_eq!(sanitize_original_name("cat\u{202E}gnp.exe"), "catgnp.exe");
        assert_eq!(sanitize_original_name("line\r\nbreak"), "linebreak");
        assert_eq!(sanitize_original_name(".."), "file");
        assert_eq!(sanitize_original_name("dir/"), "file");
        assert_eq!(sanitize_original_name(""), "file");
        let long = "é".repeat(300);
        assert_eq!(sanitize_original_name(&long).chars().count(), 200);
    }

    /// A small xorshift generator: deterministic, so a failure reproduces.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    /// Fuzz-ish property: for any input built from hostile pieces, the output is one
    /// non-empty path segment of bounded length with no control, bidi or separator character.
    #[test]
    fn any_name_yields_one_clean_bounded_segment() {
        const PIECES: [&str; 16] = [
            "..", "/", "\\", "\0", "\u{202E}", "\u{200B}", "\u{FEFF}", "\n", "%2e", "a", "é", "😀",
            ".png", " ", "C:", "\u{2066}",
        ];
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let len = (rng.next() % 120) as usize;
            let input: String = (0..len)
                .map(|_| PIECES[(rng.next() % PIECES.len() as u64) as usize])
                .collect();
            let out = sanitize_original_name(&input);
            assert!(!out.is_empty(), "{input:?}");
            assert!(out.chars().count() <= MAX_ORIGINAL_NAME_CHARS, "{input:?}");
            assert!(!out.contains(['/', '\\']), "{input:?} -> {out:?}");
            assert!(out != "." && out != "..", "{input:?}");
            assert!(
                !out.chars().any(|c| c.is_control() || is_invisible(c)),
                "{input:?} -> {out:?}"
            );
            assert_eq!(out, out.trim(), "{input:?}");
        }
    }
}
