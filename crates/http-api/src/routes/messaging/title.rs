//! `POST /channels/:channelId/generate-title`: a short title for a channel from
//! its recent messages, written by a running agent's model. Unlike elizaOS, an empty model
//! answer is an error response, never a request left hanging.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use agentd_core::ErrorCode;
use agentd_core::time::parse_millis_or_iso;
use agentd_runtime::GenerateRequest;
use agentd_runtime::provider::{ChatMessage, Role};
use agentd_storage::MessagePage;
use agentd_storage::prelude::*;
use agentd_wire::Success;
use agentd_wire::envelope::MsgError;
use agentd_wire::messaging::{AgentRef, channels::Title};

use crate::error::{ApiError, Envelope};
use crate::routes::model::{provider_error, provider_of, with_deadline};
use crate::routes::support::messaging::{bad_request, body, fail, ok, path_id, resource, storage};
use crate::state::AppState;

/// Fewer messages than this give `title: null` (elizaOS: 4).
pub const MIN_MESSAGES: usize = 4;
/// Messages read by default (query `limit`).
const DEFAULT_LIMIT: i64 = 50;
/// Most messages read, whatever `limit` asks.
const MAX_LIMIT: i64 = 200;
/// Longest title returned, in characters; longer model answers are cut at a word.
pub const MAX_TITLE_CHARS: usize = 80;

/// Registers the route, relative to a channel-prefix scope.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/{channelId}/generate-title").post(generate_title));
}

/// The model's answer as a title: first non-empty line, quotes and a `Title:` prefix
/// removed, whitespace collapsed, cut to [`MAX_TITLE_CHARS`]; `None` when nothing is left.
pub fn clean_title(raw: &str) -> Option<String> {
    let line = raw.lines().map(str::trim).find(|l| !l.is_empty())?;
    let line = line
        .strip_prefix("Title:")
        .or_else(|| line.strip_prefix("title:"))
        .unwrap_or(line);
    let line = line
        .trim()
        .trim_matches(|c| matches!(c, '"' | '\'' | '`' | '*'));
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut out = String::new();
    for w in words {
        let extra = usize::from(!out.is_empty()) + w.chars().count();
        if out.chars().count() + extra > MAX_TITLE_CHARS {
            if out.is_empty() {
                out = w.chars().take(MAX_TITLE_CHARS).collect();
            }
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    (!out.is_empty()).then_some(out)
}

/// `{agentId}` names a running agent; query `limit`, `before` (ms or ISO).
/// `200 data:{title, channelId}`, or `title:null` with a reason below [`MIN_MESSAGES`].
#[utoipa::path(
    post, path = "/api/messaging/channels/{channelId}/generate-title", tag = "messaging", params(("channelId" = uuid::Uuid, Path, description = "Channel id"), ("limit" = Option<String>, Query, description = "Messages read"), ("before" = Option<String>, Query, description = "Older than (ms or ISO)")), request_body(content = AgentRef, description = "A running agent"),
    responses(
        (status = 200, description = "`{title,channelId}` (`title:null` with a reason when too few messages)", body = Success<Title>),
        (status = 400, description = "Invalid id or body", body = MsgError),
        (status = 404, description = "Agent not running or no such channel", body = MsgError),
    )
)]
pub async fn generate_title(
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<HashMap<String, String>>,
    bytes: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let channel_id = path_id(&path, "Invalid channel ID format")?;
    const NO_AGENT: &str = "Valid agent ID is required";
    let b: AgentRef = body(&bytes, &[("agentId", NO_AGENT)])?;
    let agent_id = b.agent_id.ok_or_else(|| bad_request(NO_AGENT))?;
    let limit = match q.get("limit") {
        Some(v) => match v.trim().parse::<i64>() {
            Ok(n) if n >= 1 => n.min(MAX_LIMIT),
            _ => return Err(bad_request("Invalid limit")),
        },
        None => DEFAULT_LIMIT,
    };
    let before = q
        .get("before")
        .map(|v| parse_millis_or_iso(v).ok_or_else(|| bad_request("Invalid before")))
        .transpose()?;
    let provider = provider_of(&state, agent_id)
        .await
        .ok_or_else(|| fail(ErrorCode::NotFound, "Agent not found or not active"))?;
    let mut messages = state
        .db()
        .list_messages(&MessagePage {
            before,
            ..MessagePage::latest(channel_id, limit)
        })
        .await
        .map_err(|e| storage(e, "Channel not found"))?;
    if messages.len() < MIN_MESSAGES {
        return Ok(ok(Title {
            title: None,
            channel_id,
            reason: Some("Not enough messages to generate a title".into()),
        }));
    }
    messages.sort_by_key(|m| m.seq);
    let history: Vec<ChatMessage> = messages
        .iter()
        .map(|m| ChatMessage {
            role: if m.author_id == agent_id {
                Role::Assistant
            } else {
                Role::User
            },
            name: if m.author_id == agent_id {
                "Agent"
            } else {
                "User"
            }
            .into(),
            content: m.content.clone(),
        })
        .collect();
    let req = GenerateRequest {
        agent_id,
        conversation_id: channel_id,
        system: "Write a short, descriptive title (at most 5 words) for this conversation. \
                 Answer with the title only, no quotes or punctuation."
            .into(),
        messages: history,
    };
    let raw = with_deadline(provider.generate(&req))
        .await
        .map_err(|e| provider_error(e).with_envelope(Envelope::Messaging))?;
    let title = clean_title(&raw).ok_or_else(|| {
        fail(ErrorCode::ModelError, "Failed to generate title")
            .with_details("The model returned an empty title")
    })?;
    Ok(ok(Title {
        title: Some(title),
        channel_id,
        reason: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_cleaned_and_cut() {
        assert_eq!(
            clean_title("  \n\"Weather talk\"\nmore").as_deref(),
            Some("Weather talk")
        );
        assert_eq!(clean_title("Title: Hi there").as_deref(), Some("Hi there"));
        assert_eq!(clean_title(" \n \"\" "), None);
        let long = "word ".repeat(40);
        let t = clean_title(&long).unwrap();
        assert!(t.chars().count() <= MAX_TITLE_CHARS, "{t}");
        assert!(t.ends_with("word"));
        let one = "x".repeat(200);
        assert_eq!(clean_title(&one).unwrap().chars().count(), MAX_TITLE_CHARS);
    }
}
