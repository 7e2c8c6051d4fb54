//! Media: the multipart upload body, the stored-file answer, and the plain error of the
//! static `/media` routes.

use serde::Serialize;
use utoipa::ToSchema;

/// A multipart upload: one file in the field `file` (other fields are read and ignored).
/// Describes the request for the document; the handlers stream the multipart body.
#[derive(Debug, Clone, ToSchema)]
pub struct FileUpload {
    /// The file; its type is sniffed from its content, never taken from the client.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// A file stored by an upload route (`data` of the answer).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UploadedFile {
    /// Public URL under `/media`.
    pub url: String,
    /// Agent uploads: the elizaOS kind (`image`, `video`, `audio`, `document`); channel
    /// uploads: the sniffed MIME type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Generated file name.
    pub filename: String,
    /// The name the client sent, cleaned.
    pub original_name: String,
    /// Bytes.
    pub size: u64,
}

/// The error of the static `/media` routes: `{"error": "<message>"}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlainError {
    /// `File not found` or `Invalid <what> ID format`.
    pub error: String,
}

impl PlainError {
    /// An error with `message`.
    pub fn new(message: impl Into<String>) -> Self {
        PlainError {
            error: message.into(),
        }
    }
}
