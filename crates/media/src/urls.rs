//! Attachment URL rewriting: an absolute file-system path inside one of our media directories
//! becomes its public `/media/...` URL, so messages never leak server paths to clients and
//! their attachments stay loadable. Everything else is left alone.

use crate::paths::MediaRoot;

/// The media directories whose files have public URLs, and the URL prefix of each.
const DIRS: [(&str, &str); 3] = [
    ("generated", "/media/generated/"),
    ("uploads/agents", "/media/uploads/agents/"),
    ("uploads/channels", "/media/uploads/channels/"),
];

/// Schemes and prefixes that are already URLs (or not ours) and are never rewritten.
const KEEP: [&str; 8] = [
    "http:", "https:", "blob:", "data:", "file:", "ipfs:", "s3:", "gs:",
];

impl MediaRoot {
    /// The public URL of `path` when it is an absolute path inside the generated,
    /// agent-upload or channel-upload directory: the last two segments (`<id>/<file>`)
    /// URI-encoded under the directory's `/media/...` prefix. `None` for anything else
    /// (URLs, `/media/...`, relative paths, other directories, `..` segments).
    pub fn public_url(&self, path: &str) -> Option<String> {
        let lower = path.to_ascii_lowercase();
        if KEEP.iter().any(|k| lower.starts_with(k)) || path.starts_with("/media/") {
            return None;
        }
        if !path.starts_with('/') {
            return None;
        }
        // A relative root is taken from the working directory, as the server resolves it.
        let root = std::path::absolute(self.as_path()).ok()?;
        let root = root.to_str()?.trim_end_matches('/');
        let rest = path.strip_prefix(root)?.strip_prefix('/')?;
        let (prefix, inside) = DIRS.iter().find_map(|(dir, url)| {
            let inside = rest.strip_prefix(dir)?.strip_prefix('/')?;
            Some((*url, inside))
        })?;
        let segments: Vec<&str> = inside.split('/').filter(|s| !s.is_empty()).collect();
        if segments.len() < 2 || segments.iter().any(|s| *s == "." || *s == "..") {
            return None;
        }
        let tail = &segments[segments.len() - 2..];
        Some(format!(
            "{prefix}{}/{}",
            encode_component(tail[0]),
            encode_component(tail[1])
        ))
    }
}

/// `encodeURIComponent`: everything but `A-Z a-z 0-9 - _ . ! ~ * ' ( )` is percent-encoded.
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_absolute_paths_are_rewritten() {
        let root = MediaRoot::new("/data/media/");
        let id = "0b7c3a3e-1111-4222-8333-444455556666";
        assert_eq!(
            root.public_url(&format!("/data/media/generated/{id}/a b.png"))
                .as_deref(),
            Some(format!("/media/generated/{id}/a%20b.png").as_str())
        );
        assert_eq!(
            root.public_url(&format!("/data/media/uploads/agents/{id}/x.wav"))
                .as_deref(),
            Some(format!("/media/uploads/agents/{id}/x.wav").as_str())
        );
        assert_eq!(
            root.public_url(&format!("/data/media/uploads/channels/x/{id}/f.pdf"))
                .as_deref(),
            Some(format!("/media/uploads/channels/{id}/f.pdf").as_str())
        );
        for keep in [
            "https://x/y.png",
            "HTTP://x/y.png",
            "blob:abc",
            "data:image/png;base64,AA",
            "file:///data/media/generated/a/b",
            "ipfs://x",
            "s3://b/k",
            "gs://b/k",
            "/media/generated/a/b.png",
            "generated/a/b.png",
            "/etc/passwd",
            "/data/media/other/a/b.png",
            "/data/media/generated/only-one",
            "/data/media/generated/../../etc/passwd",
            "/data/mediagenerated/a/b",
        ] {
            assert_eq!(root.public_url(keep), None, "{keep}");
        }
    }

    #[test]
    fn a_relative_root_is_resolved_from_the_working_directory() {
        let root = MediaRoot::new("./rel/media");
        let abs = std::path::absolute("rel/media").unwrap();
        let path = format!("{}/generated/i/f.png", abs.to_str().unwrap());
        assert_eq!(
            root.public_url(&path).as_deref(),
            Some("/media/generated/i/f.png")
        );
    }

    #[test]
    fn encoding_matches_encode_uri_component() {
        assert_eq!(encode_component("a b/c?é"), "a%20b%2Fc%3F%C3%A9");
        assert_eq!(encode_component("A-z_0.!~*'()"), "A-z_0.!~*'()");
    }
}
