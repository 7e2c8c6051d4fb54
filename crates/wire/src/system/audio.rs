//! `/api/audio` (family A): the transcription answers and the speech request.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Longest text accepted for speech, in characters.
pub const MAX_SPEECH_CHARS: usize = 4096;

/// `data` of `POST /:agentId/audio-messages`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AudioMessage {
    /// The transcribed text.
    pub transcription: String,
    /// Always `Audio transcribed, further processing TBD.` (as in elizaOS).
    pub message: String,
}

impl AudioMessage {
    /// The answer for a transcription.
    pub fn new(transcription: String) -> Self {
        AudioMessage {
            transcription,
            message: "Audio transcribed, further processing TBD.".to_owned(),
        }
    }
}

/// `data` of `POST /:agentId/transcriptions`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Transcription {
    /// The transcribed text.
    pub text: String,
}

/// The body of the speech routes.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct SpeechRequest {
    /// The text to speak (required, at most 4096 characters).
    #[serde(default)]
    pub text: Option<String>,
}

/// The message of a body without text.
pub const TEXT_REQUIRED: &str = "Text is required for speech synthesis";

impl SpeechRequest {
    /// The trimmed text, or the client's message when it is missing, blank or too long.
    pub fn text(&self) -> Result<&str, String> {
        let text = self
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(TEXT_REQUIRED)?;
        if text.chars().count() > MAX_SPEECH_CHARS {
            return Err(format!(
                "Text is too long: at most {MAX_SPEECH_CHARS} characters"
            ));
        }
        Ok(text)
    }
}

/// The type of synthesized audio: `audio/wav` for a RIFF/WAVE buffer, else `audio/mpeg`.
pub fn audio_mime(audio: &[u8]) -> &'static str {
    let wav = audio.len() >= 12 && &audio[..4] == b"RIFF" && &audio[8..12] == b"WAVE";
    if wav { "audio/wav" } else { "audio/mpeg" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speech_text_is_required_and_bounded() {
        let r = |t: &str| SpeechRequest {
            text: Some(t.to_owned()),
        };
        assert_eq!(r("  hi ").text(), Ok("hi"));
        assert_eq!(r(" ").text().unwrap_err(), TEXT_REQUIRED);
        assert_eq!(SpeechRequest::default().text().unwrap_err(), TEXT_REQUIRED);
        assert!(r(&"x".repeat(4097)).text().is_err());
    }

    #[test]
    fn wav_is_told_from_mpeg() {
        assert_eq!(audio_mime(b"RIFF\0\0\0\0WAVEfmt "), "audio/wav");
        assert_eq!(audio_mime(b"ID3"), "audio/mpeg");
    }
}
