//! The type of an upload, decided from its content (magic bytes via `infer`, and a text check
//! for `text/plain`), never from the client's name or header. The client's declared type may
//! only confirm it: a declared type of another family is a mismatch, and a declared markup or
//! script type is refused outright.

use crate::MediaError;

/// The types we store: each has one MIME type and one extension of our own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Detected {
    /// `image/jpeg`.
    Jpeg,
    /// `image/png`.
    Png,
    /// `image/gif`.
    Gif,
    /// `image/webp`.
    Webp,
    /// `audio/mpeg`.
    Mp3,
    /// `audio/wav`.
    Wav,
    /// `audio/ogg` (Vorbis or Opus).
    Ogg,
    /// `audio/flac`.
    Flac,
    /// `audio/aac` (ADTS).
    Aac,
    /// `audio/mp4` (an MP4 container declared as audio, or with an M4A brand).
    M4a,
    /// `audio/webm` (a WebM container declared as audio, as browsers record it).
    AudioWebm,
    /// `video/mp4`.
    Mp4,
    /// `video/webm`.
    Webm,
    /// `application/pdf`.
    Pdf,
    /// `text/plain`: valid UTF-8 without NUL or control bytes, and not markup.
    Text,
}

impl Detected {
    /// Every stored type.
    pub const ALL: [Detected; 15] = [
        Detected::Jpeg,
        Detected::Png,
        Detected::Gif,
        Detected::Webp,
        Detected::Mp3,
        Detected::Wav,
        Detected::Ogg,
        Detected::Flac,
        Detected::Aac,
        Detected::M4a,
        Detected::AudioWebm,
        Detected::Mp4,
        Detected::Webm,
        Detected::Pdf,
        Detected::Text,
    ];

    /// The MIME type we store and serve it with.
    pub const fn mime(self) -> &'static str {
        match self {
            Detected::Jpeg => "image/jpeg",
            Detected::Png => "image/png",
            Detected::Gif => "image/gif",
            Detected::Webp => "image/webp",
            Detected::Mp3 => "audio/mpeg",
            Detected::Wav => "audio/wav",
            Detected::Ogg => "audio/ogg",
            Detected::Flac => "audio/flac",
            Detected::Aac => "audio/aac",
            Detected::M4a => "audio/mp4",
            Detected::AudioWebm => "audio/webm",
            Detected::Mp4 => "video/mp4",
            Detected::Webm => "video/webm",
            Detected::Pdf => "application/pdf",
            Detected::Text => "text/plain",
        }
    }

    /// The extension of the stored file (without the dot).
    pub const fn extension(self) -> &'static str {
        match self {
            Detected::Jpeg => "jpg",
            Detected::Png => "png",
            Detected::Gif => "gif",
            Detected::Webp => "webp",
            Detected::Mp3 => "mp3",
            Detected::Wav => "wav",
            Detected::Ogg => "ogg",
            Detected::Flac => "flac",
            Detected::Aac => "aac",
            Detected::M4a => "m4a",
            Detected::AudioWebm | Detected::Webm => "webm",
            Detected::Mp4 => "mp4",
            Detected::Pdf => "pdf",
            Detected::Text => "txt",
        }
    }

    /// The type a stored extension stands for (for files without metadata).
    pub fn from_extension(ext: &str) -> Option<Detected> {
        Detected::ALL.into_iter().find(|d| d.extension() == ext)
    }

    /// The type a stored MIME type stands for.
    pub fn from_mime(mime: &str) -> Option<Detected> {
        Detected::ALL.into_iter().find(|d| d.mime() == mime)
    }

    /// The agent-upload `type` field of elizaOS.
    pub const fn kind(self) -> &'static str {
        match self.mime().as_bytes() {
            [b'i', ..] => "image",
            [b'v', ..] => "video",
            [b'a', b'u', ..] => "audio",
            _ => "document",
        }
    }

    /// Whether browsers may render it inline (images, audio, video); everything else is
    /// served as an attachment.
    pub const fn inline(self) -> bool {
        !matches!(self, Detected::Pdf | Detected::Text)
    }

    /// Whether it is audio or video, the types served with byte ranges.
    pub const fn is_av(self) -> bool {
        matches!(self.kind().as_bytes(), b"audio" | b"video")
    }

    /// The container family, which a declared type must share.
    fn family(self) -> Detected {
        match self {
            Detected::M4a => Detected::Mp4,
            Detected::AudioWebm => Detected::Webm,
            d => d,
        }
    }
}

/// A declared type we never accept, whatever the content: markup, scripts, executables.
fn is_dangerous(declared: &str) -> bool {
    const BAD: [&str; 10] = [
        "html",
        "svg",
        "xml",
        "javascript",
        "ecmascript",
        "x-sh",
        "x-executable",
        "x-msdownload",
        "x-php",
        "x-python",
    ];
    BAD.iter().any(|b| declared.contains(b))
}

/// The family a declared MIME type names, with the aliases browsers and elizaOS use.
fn declared_family(declared: &str) -> Option<Detected> {
    let d = match declared {
        "image/jpeg" | "image/jpg" | "image/pjpeg" => Detected::Jpeg,
        "image/png" => Detected::Png,
        "image/gif" => Detected::Gif,
        "image/webp" => Detected::Webp,
        "audio/mpeg" | "audio/mp3" | "audio/mpeg3" | "audio/x-mp3" => Detected::Mp3,
        "audio/wav" | "audio/x-wav" | "audio/wave" | "audio/vnd.wave" => Detected::Wav,
        "audio/ogg" | "audio/opus" | "application/ogg" | "video/ogg" => Detected::Ogg,
        "audio/flac" | "audio/x-flac" => Detected::Flac,
        "audio/aac" | "audio/x-aac" => Detected::Aac,
        "audio/mp4" | "audio/m4a" | "audio/x-m4a" => Detected::M4a,
        "audio/webm" => Detected::AudioWebm,
        "video/mp4" => Detected::Mp4,
        "video/webm" => Detected::Webm,
        "application/pdf" => Detected::Pdf,
        _ => return None,
    };
    Some(d)
}

/// Whether text content is markup or a script that a browser or shell would run.
fn looks_executable(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    let head = &head[start..head.len().min(start + 1024)];
    if head.starts_with(b"#!") {
        return true;
    }
    let lower = head.to_ascii_lowercase();
    const MARKUP: [&[u8]; 9] = [
        b"<!doctype",
        b"<html",
        b"<svg",
        b"<script",
        b"<?xml",
        b"<head",
        b"<body",
        b"<iframe",
        b"<object",
    ];
    MARKUP
        .iter()
        .any(|m| lower.windows(m.len()).any(|w| w == *m))
}

/// What the content is, from its first bytes: `head` (up to [`SNIFF_LEN`] bytes) and whether
/// the whole content passed the text check.
fn detect(head: &[u8], is_text: bool) -> Result<Detected, MediaError> {
    let refused = |mime: &str| MediaError::Unsupported(mime.to_owned());
    let Some(t) = infer::get(head) else {
        return match is_text {
            true if looks_executable(head) => Err(refused("text/html")),
            true => Ok(Detected::Text),
            false => Err(refused("application/octet-stream")),
        };
    };
    let d = match t.mime_type() {
        "image/jpeg" => Detected::Jpeg,
        "image/png" => Detected::Png,
        "image/gif" => Detected::Gif,
        "image/webp" => Detected::Webp,
        "audio/mpeg" => Detected::Mp3,
        "audio/x-wav" => Detected::Wav,
        "audio/ogg" | "audio/opus" => Detected::Ogg,
        "audio/x-flac" => Detected::Flac,
        "audio/aac" => Detected::Aac,
        "audio/m4a" => Detected::M4a,
        "video/mp4" => Detected::Mp4,
        "video/webm" => Detected::Webm,
        "application/pdf" => Detected::Pdf,
        other => return Err(refused(other)),
    };
    Ok(d)
}

/// How many leading bytes are sniffed.
pub const SNIFF_LEN: usize = 8192;

/// Decides the stored type of content whose first bytes are `head`, given the client's
/// declared part type. `is_text` says whether the whole content passed the text check.
///
/// Errors: a declared markup/script/executable type, or content of a type outside the
/// allow-list, is `Unsupported` (415); a declared type of another family is `Mismatch` (415).
pub fn classify(
    head: &[u8],
    is_text: bool,
    declared: Option<&str>,
) -> Result<Detected, MediaError> {
    let declared = declared
        // Bounded: the declaration may be echoed in an error message.
        .map(|d| {
            d.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .chars()
                .take(64)
                .collect::<String>()
        })
        .map(|d| d.to_ascii_lowercase())
        .filter(|d| !d.is_empty());
    if let Some(d) = declared.as_deref()
        && is_dangerous(d)
    {
        return Err(MediaError::Unsupported(d.to_owned()));
    }
    let detected = detect(head, is_text)?;
    let Some(declared) = declared else {
        return Ok(detected);
    };
    let generic = matches!(
        declared.as_str(),
        "application/octet-stream" | "binary/octet-stream"
    );
    if generic {
        return Ok(detected);
    }
    let mismatch = || MediaError::Mismatch {
        declared: declared.clone(),
        detected: detected.mime(),
    };
    if detected == Detected::Text {
        // Text has no magic: any textual declaration (csv, markdown, json) is stored as plain.
        let textual = declared.starts_with("text/") || declared == "application/json";
        return if textual {
            Ok(detected)
        } else {
            Err(mismatch())
        };
    }
    match declared_family(&declared) {
        Some(f) if f.family() == detected.family() => Ok(match (f, detected) {
            // The declaration refines a shared container: audio/webm, audio/mp4.
            (Detected::AudioWebm | Detected::M4a, _) => f,
            _ => detected,
        }),
        _ => Err(mismatch()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const ELF: &[u8] = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0";

    #[test]
    fn content_decides_and_declarations_only_confirm() {
        assert_eq!(classify(PNG, false, None).unwrap(), Detected::Png);
        assert_eq!(
            classify(PNG, false, Some("image/png")).unwrap(),
            Detected::Png
        );
        assert_eq!(
            classify(PNG, false, Some("application/octet-stream")).unwrap(),
            Detected::Png
        );
        assert!(matches!(
            classify(PNG, false, Some("image/jpeg")),
            Err(MediaError::Mismatch { .. })
        ));
        assert!(matches!(
            classify(PNG, false, Some("text/html")),
            Err(MediaError::Unsupported(_))
        ));
        assert!(matches!(
            classify(ELF, false, None),
            Err(MediaError::Unsupported(_))
        ));
        assert!(matches!(
            classify(b"\x01\x02\x03", false, None),
            Err(MediaError::Unsupported(_))
        ));
    }

    #[test]
    fn text_is_plain_unless_it_is_markup_or_a_script() {
        assert_eq!(
            classify(b"hello", true, Some("text/plain")).unwrap(),
            Detected::Text
        );
        assert_eq!(
            classify(b"a,b", true, Some("text/csv")).unwrap(),
            Detected::Text
        );
        assert!(classify(b"hello", true, Some("image/png")).is_err());
        for bad in [
            &b"<!DOCTYPE html><p>x"[..],
            b"  <svg xmlns='http://www.w3.org/2000/svg'/>",
            b"\xEF\xBB\xBF<html>",
            b"hi <script>alert(1)</script>",
            b"#!/bin/sh\nrm -rf /",
            b"<?xml version='1.0'?>",
        ] {
            assert!(
                matches!(
                    classify(bad, true, Some("text/plain")),
                    Err(MediaError::Unsupported(_))
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn shared_containers_follow_the_declaration() {
        let mut webm = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm".to_vec();
        webm.resize(300, 0);
        let webm = webm.as_slice();
        assert_eq!(classify(webm, false, None).unwrap(), Detected::Webm);
        assert_eq!(
            classify(webm, false, Some("audio/webm;codecs=opus")).unwrap(),
            Detected::AudioWebm
        );
        assert_eq!(Detected::AudioWebm.kind(), "audio");
        assert_eq!(Detected::Pdf.kind(), "document");
        assert_eq!(Detected::Text.kind(), "document");
        assert!(Detected::Png.inline() && !Detected::Text.inline());
        assert!(Detected::Mp4.is_av() && !Detected::Png.is_av());
    }
}
