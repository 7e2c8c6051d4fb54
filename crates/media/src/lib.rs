//! Media uploads, secure by construction (OWASP ASVS V5).
//!
//! - The size limit is enforced while the body streams ([`UploadWriter`]), and nothing
//!   partial stays on disk.
//! - The type comes from the content ([`classify`]); the client's declaration may only
//!   confirm it. Markup, scripts and executables are never accepted.
//! - Stored names and extensions are ours ([`StoredName`]); the client's name is display-only
//!   metadata ([`sanitize_original_name`]).
//! - Paths are built only by [`MediaRoot`] from validated UUIDs and our names (`clippy.toml`
//!   bans the path-joining methods elsewhere in this crate).

use std::path::PathBuf;
use std::time::Duration;

use agentd_core::ErrorCode;

mod attachments;
mod name;
mod paths;
mod sniff;
mod upload;
mod urls;

pub use attachments::attachments;
pub use name::{MAX_ORIGINAL_NAME_CHARS, sanitize_original_name};
pub use paths::{MediaRoot, Owner, StoredName};
pub use sniff::{Detected, SNIFF_LEN, classify};
pub use upload::{StoredFile, UploadWriter};
pub use urls::encode_component;

/// Default largest upload, in bytes (50 MiB, as elizaOS).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 52_428_800;

/// Default uploads per client and window (elizaOS upload limiter).
pub const DEFAULT_UPLOAD_RATE_LIMIT: u32 = 50;

/// Default upload rate-limit window (15 minutes).
pub const DEFAULT_UPLOAD_RATE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Default file operations per client and window (elizaOS file-system limiter).
pub const DEFAULT_FILE_RATE_LIMIT: u32 = 100;

/// Default file-operation rate-limit window (5 minutes).
pub const DEFAULT_FILE_RATE_WINDOW: Duration = Duration::from_secs(5 * 60);

/// The content types an upload may have; anything else is refused with 415.
pub const ALLOWED_MIME_TYPES: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "audio/mpeg",
    "audio/mp3",
    "audio/wav",
    "audio/ogg",
    "audio/webm",
    "audio/mp4",
    "audio/aac",
    "audio/flac",
    "audio/x-wav",
    "audio/wave",
    "video/mp4",
    "video/webm",
    "application/pdf",
    "text/plain",
];

/// Where media lives and how much of it a client may send.
#[derive(Debug, Clone, PartialEq)]
pub struct MediaSettings {
    /// The media directory (`<data dir>/media`); uploads and generated files live below it.
    pub root: PathBuf,
    /// The largest accepted file in bytes (`MAX_FILE_SIZE`, default 50 MiB).
    pub max_file_size: u64,
    /// Uploads per client and window; `None` disables the limit (default 50).
    pub upload_rate_limit: Option<u32>,
    /// The upload window (default 15 minutes).
    pub upload_rate_window: Duration,
    /// File operations per client and window; `None` disables the limit (default 100).
    pub file_rate_limit: Option<u32>,
    /// The file-operation window (default 5 minutes).
    pub file_rate_window: Duration,
}

impl Default for MediaSettings {
    /// `./.agentd/media` (the binary's default data dir), 50 MiB, 50/15 min and 100/5 min.
    fn default() -> Self {
        MediaSettings {
            root: PathBuf::from("./.agentd/media"),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            upload_rate_limit: Some(DEFAULT_UPLOAD_RATE_LIMIT),
            upload_rate_window: DEFAULT_UPLOAD_RATE_WINDOW,
            file_rate_limit: Some(DEFAULT_FILE_RATE_LIMIT),
            file_rate_window: DEFAULT_FILE_RATE_WINDOW,
        }
    }
}

/// Why an upload was refused or failed; each variant has its stable code.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// The file crossed the size limit.
    #[error("File too large: the limit is {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The content (or the declared type) is of a type we never accept.
    #[error("Unsupported file type: {0}")]
    Unsupported(String),
    /// The declared type does not match the content.
    #[error("The declared type {declared} does not match the content ({detected})")]
    Mismatch {
        /// The client's declaration (bounded in length).
        declared: String,
        /// What the content is.
        detected: &'static str,
    },
    /// A zero-byte file.
    #[error("The file is empty")]
    Empty,
    /// Writing the file failed; the cause is logged, never sent.
    #[error("storing the upload failed")]
    Io(#[from] std::io::Error),
}

impl MediaError {
    /// The stable error code (and so the HTTP status).
    pub fn code(&self) -> ErrorCode {
        match self {
            MediaError::TooLarge { .. } => ErrorCode::FileTooLarge,
            MediaError::Unsupported(_) => ErrorCode::UnsupportedMediaType,
            MediaError::Mismatch { .. } => ErrorCode::InvalidFileType,
            MediaError::Empty => ErrorCode::InvalidRequest,
            MediaError::Io(_) => ErrorCode::UploadError,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_type_is_allowed_and_codes_have_their_status() {
        for d in Detected::ALL {
            assert!(ALLOWED_MIME_TYPES.contains(&d.mime()), "{d:?}");
        }
        assert_eq!(MediaError::TooLarge { limit: 1 }.code().status(), 413);
        assert_eq!(MediaError::Unsupported("x".into()).code().status(), 415);
        assert_eq!(MediaError::Empty.code().status(), 400);
    }
}
