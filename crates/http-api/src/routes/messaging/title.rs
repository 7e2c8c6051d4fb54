//! `POST /channels/:id/generate-title {agentId}` (spec 3.5): the web UI calls it after the
//! first exchange of every chat, and an unanswered call surfaces there as an uncaught error.
//!
//! 1.7.2 asks the agent's model. agentd has no title model yet, so the title is the start of
//! the first message of the channel's latest page that is not the agent's, cut at a word
//! boundary: deterministic, offline, and never the hang 1.7.2 has on an empty model answer.

use actix_web::{HttpResponse, web};
use agentd_core::ErrorCode;
use agentd_storage::MessagePage;
use agentd_storage::prelude::*;
use serde_json::json;

use super::support::{fail, ok, opt_uuid, path_id, storage};
use crate::error::ApiError;
use crate::state::AppState;

/// Fewer messages than this answer `title: null`, as 1.7.2 does.
const MIN_MESSAGES: usize = 4;
/// How many recent messages are read.
const PAGE: i64 = 50;
/// Longest title, in characters.
const MAX_TITLE_CHARS: usize = 50;

/// The handler; see the module docs.
pub async fn generate_channel_title(
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let channel_id = path_id(&path, "Invalid channel ID format")?;
    let o = super::support::object(&body)?;
    let agent_id = match opt_uuid(&o, "agentId") {
        Ok(Some(id)) => id,
        _ => return Err(super::support::bad_request("Valid agent ID is required")),
    };
    if !state.agent_manager().is_running(agent_id) {
        return Err(fail(ErrorCode::NotFound, "Agent not found or not active"));
    }
    let messages = state
        .db()
        .list_messages(&MessagePage::latest(channel_id, PAGE))
        .await
        .map_err(|e| storage(e, "Channel not found"))?;
    if messages.len() < MIN_MESSAGES {
        return Ok(ok(json!({
            "title": null,
            "channelId": channel_id,
            "reason": "Not enough messages to generate a title",
        })));
    }
    // The page is newest first: the oldest non-agent message is the conversation's opening.
    let title = messages
        .iter()
        .rev()
        .filter(|m| m.author_id != agent_id)
        .find_map(|m| title_of(&m.content))
        .unwrap_or_else(|| "New conversation".to_owned());
    Ok(ok(json!({"title": title, "channelId": channel_id})))
}

/// The first line of `text`, whitespace-collapsed and cut at a word boundary.
pub fn title_of(text: &str) -> Option<String> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    let mut title = String::new();
    for word in line.split_whitespace() {
        let extra = usize::from(!title.is_empty()) + word.chars().count();
        if title.chars().count() + extra > MAX_TITLE_CHARS {
            if title.is_empty() {
                title = word.chars().take(MAX_TITLE_CHARS).collect();
            }
            break;
        }
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(word);
    }
    Some(title)
}

#[cfg(test)]
mod tests {
    use super::title_of;

    #[test]
    fn titles_are_short_first_lines() {
        assert_eq!(
            title_of("  hello   there \nsecond").as_deref(),
            Some("hello there")
        );
        assert_eq!(title_of(" \n\n"), None);
        let long = "word ".repeat(30);
        let t = title_of(&long).unwrap();
        assert!(t.chars().count() <= 50 && t.ends_with("word"));
        assert_eq!(title_of(&"x".repeat(80)).unwrap().chars().count(), 50);
    }
}
