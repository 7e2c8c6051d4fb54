//! The only place media paths are built: from the media root, a typed owner (a validated
//! UUID) and a name we generated. No client string ever reaches a path, so no request can
//! address a file outside its owner's directory (`clippy.toml` bans the path-joining methods
//! everywhere else in this crate).

use std::fmt;
use std::path::{Path, PathBuf};

use uuid::Uuid;

use crate::sniff::Detected;

/// Whose directory a file lives in; each variant is one directory per id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// `uploads/agents/<id>`: uploads for an agent.
    Agent(Uuid),
    /// `uploads/channels/<id>`: uploads to a channel (served from here too, unlike 1.7.2).
    Channel(Uuid),
    /// `generated/<id>`: files an agent's models produced.
    Generated(Uuid),
}

impl Owner {
    /// The fixed directory segments above the id.
    fn prefix(self) -> [&'static str; 2] {
        match self {
            Owner::Agent(_) => ["uploads", "agents"],
            Owner::Channel(_) => ["uploads", "channels"],
            Owner::Generated(_) => ["generated", ""],
        }
    }

    fn id(self) -> Uuid {
        match self {
            Owner::Agent(id) | Owner::Channel(id) | Owner::Generated(id) => id,
        }
    }

    /// The public URL of a file of this owner, as elizaOS forms it.
    pub fn url(self, name: &StoredName) -> String {
        let id = self.id().hyphenated();
        match self {
            Owner::Agent(_) => format!("/media/uploads/agents/{id}/{name}"),
            Owner::Channel(_) => format!("/media/uploads/channels/{id}/{name}"),
            Owner::Generated(_) => format!("/media/generated/{id}/{name}"),
        }
    }
}

/// A file name we generated: a random UUID and the extension of the detected type. Parsing
/// accepts exactly what [`StoredName::new`] produces, so a served name is always one of ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredName {
    id: Uuid,
    ext: &'static str,
}

impl StoredName {
    /// A fresh, unguessable name (122 random bits) for content of type `detected`.
    pub fn new(detected: Detected) -> Self {
        StoredName {
            id: Uuid::new_v4(),
            ext: detected.extension(),
        }
    }

    /// Parses `<lowercase hyphenated uuid>.<one of our extensions>`; anything else is `None`.
    pub fn parse(s: &str) -> Option<Self> {
        let (stem, ext) = s.split_once('.')?;
        let is_canonical = stem.len() == 36
            && stem.bytes().enumerate().all(|(i, c)| match i {
                8 | 13 | 18 | 23 => c == b'-',
                _ => c.is_ascii_digit() || (b'a'..=b'f').contains(&c),
            });
        if !is_canonical {
            return None;
        }
        let id = Uuid::parse_str(stem).ok()?;
        let ext = Detected::ALL
            .iter()
            .map(|d| d.extension())
            .find(|e| *e == ext)?;
        Some(StoredName { id, ext })
    }

    /// The extension, without the dot.
    pub fn extension(&self) -> &'static str {
        self.ext
    }
}

impl fmt::Display for StoredName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.id.hyphenated(), self.ext)
    }
}

/// The media directory (`<data dir>/media`), the root of every path this crate builds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRoot(PathBuf);

impl MediaRoot {
    /// Wraps the configured media directory.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        MediaRoot(root.into())
    }

    /// The configured directory itself.
    pub fn as_path(&self) -> &Path {
        &self.0
    }

    /// Appends fixed or generated segments; every caller passes only our own strings.
    #[expect(
        clippy::disallowed_methods,
        reason = "the one safe builder: segments are constants, formatted UUIDs or StoredNames"
    )]
    fn build(&self, segments: &[&str]) -> PathBuf {
        let mut p = self.0.clone();
        for s in segments.iter().filter(|s| !s.is_empty()) {
            p.push(s);
        }
        p
    }

    /// The directory of `owner`.
    pub fn dir(&self, owner: Owner) -> PathBuf {
        let [a, b] = owner.prefix();
        let id = owner.id().hyphenated().to_string();
        self.build(&[a, b, &id])
    }

    /// The path of a stored file.
    pub fn file(&self, owner: Owner, name: &StoredName) -> PathBuf {
        let [a, b] = owner.prefix();
        let id = owner.id().hyphenated().to_string();
        self.build(&[a, b, &id, &name.to_string()])
    }

    /// A temp file in `owner`'s directory (same file system, so the final rename is atomic);
    /// a leading dot keeps it from ever matching [`StoredName::parse`].
    pub fn temp_file(&self, owner: Owner) -> PathBuf {
        let [a, b] = owner.prefix();
        let id = owner.id().hyphenated().to_string();
        let tmp = format!(".upload-{}.tmp", Uuid::new_v4().simple());
        self.build(&[a, b, &id, &tmp])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_nothing_else_parses() {
        let n = StoredName::new(Detected::Png);
        let s = n.to_string();
        assert!(s.ends_with(".png"));
        assert_eq!(StoredName::parse(&s), Some(n));
        for bad in [
            "../x.png",
            "x.png",
            "",
            ".png",
            "%2e%2e%2f",
            "/etc/passwd",
            &s.to_uppercase(),
            &format!("{s}.png"),
            &s.replace(".png", ".html"),
            &s.replace(".png", ".svg"),
            &format!("{}\0.png", &s[..36]),
            &format!("{}.png", "0".repeat(36)),
        ] {
            assert_eq!(StoredName::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn paths_stay_under_the_owner_directory() {
        let root = MediaRoot::new("/data/media");
        let id = Uuid::new_v4();
        let name = StoredName::new(Detected::Pdf);
        for owner in [Owner::Agent(id), Owner::Channel(id), Owner::Generated(id)] {
            let dir = root.dir(owner);
            assert!(dir.starts_with("/data/media"));
            assert_eq!(root.file(owner, &name).parent(), Some(dir.as_path()));
            assert_eq!(root.temp_file(owner).parent(), Some(dir.as_path()));
        }
        assert_eq!(
            root.dir(Owner::Channel(id)),
            PathBuf::from(format!("/data/media/uploads/channels/{id}"))
        );
        assert_eq!(
            root.dir(Owner::Generated(id)),
            PathBuf::from(format!("/data/media/generated/{id}"))
        );
        assert_eq!(
            Owner::Agent(id).url(&name),
            format!("/media/uploads/agents/{id}/{name}")
        );
    }
}
