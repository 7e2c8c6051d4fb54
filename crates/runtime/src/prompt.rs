//! Deciding whether to answer, and composing the prompt from the character and history.

use agentd_core::model::{Agent, Channel, Message};
use serde_json::Value;

use crate::provider::{ChatMessage, Role};

/// The `source_type` of every agent reply (elizaOS's value; the UI keys on it).
pub const AGENT_RESPONSE: &str = "agent_response";

/// Channel kinds where every message is for the agent.
const DIRECT_KINDS: &[&str] = &["DM", "VOICE_DM", "SELF", "API"];

/// Whether the agent should answer `m` in `channel` (with `participants` members):
/// always in DMs, sessions, API channels and two-member channels; in groups only when
/// the message names the agent, targets it, or the agent's settings say `respondInGroups`.
pub fn should_respond(agent: &Agent, channel: &Channel, participants: usize, m: &Message) -> bool {
    let meta = |key: &str| channel.metadata.as_ref().and_then(|v| v.get(key));
    let direct = DIRECT_KINDS.contains(&channel.kind.as_str())
        || meta("isDm").and_then(Value::as_bool) == Some(true)
        || meta("sessionId").is_some()
        || participants <= 2;
    if direct {
        return true;
    }
    let target = m
        .metadata
        .as_ref()
        .and_then(|v| v.get("targetAgentId"))
        .and_then(Value::as_str);
    if target == Some(agent.id.to_string().as_str()) {
        return true;
    }
    if agent
        .settings
        .get("respondInGroups")
        .and_then(Value::as_bool)
        == Some(true)
    {
        return true;
    }
    let text = m.content.to_lowercase();
    std::iter::once(agent.name.as_str())
        .chain(agent.username.as_deref())
        .filter(|n| !n.trim().is_empty())
        .any(|n| mentions(&text, &n.to_lowercase()))
}

/// Whether `name` occurs in `text` as a whole word (both already lower-cased).
fn mentions(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// How many of the newest messages (history newest first) are agent replies in a row.
pub fn agent_streak(history_newest_first: &[Message]) -> usize {
    history_newest_first
        .iter()
        .take_while(|m| m.source_type.as_deref() == Some(AGENT_RESPONSE))
        .count()
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    }
}

/// The system prompt: the character's system text, bio, style and example exchanges.
pub fn system_prompt(agent: &Agent) -> String {
    let mut out = agent
        .system
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| format!("You are {}.", agent.name));
    let bio = strings(&agent.bio);
    if !bio.is_empty() {
        out.push_str(&format!("\n\nAbout {}:\n{}", agent.name, bio.join("\n")));
    }
    let style: Vec<String> = ["all", "chat"]
        .iter()
        .flat_map(|k| agent.style.get(*k).map(strings).unwrap_or_default())
        .collect();
    if !style.is_empty() {
        out.push_str(&format!("\n\nStyle:\n- {}", style.join("\n- ")));
    }
    if let Some(convs) = agent.message_examples.as_array().filter(|a| !a.is_empty()) {
        out.push_str("\n\nExample conversations:");
        for conv in convs.iter().take(5) {
            out.push('\n');
            for line in conv.as_array().into_iter().flatten() {
                let name = line.get("name").and_then(Value::as_str).unwrap_or("user");
                let text = line
                    .pointer("/content/text")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                out.push_str(&format!("\n{name}: {text}"));
            }
        }
    }
    out
}

/// The history as prompt lines, oldest first (input is newest first, as storage pages).
pub fn history(agent: &Agent, newest_first: &[Message]) -> Vec<ChatMessage> {
    newest_first
        .iter()
        .rev()
        .map(|m| {
            let mine = m.author_id == agent.id;
            let name = if mine {
                agent.name.clone()
            } else {
                m.metadata
                    .as_ref()
                    .and_then(|v| {
                        v.get("user_display_name")
                            .or_else(|| v.get("author_display_name"))
                            .or_else(|| v.get("agentName"))
                    })
                    .and_then(Value::as_str)
                    .unwrap_or("User")
                    .to_owned()
            };
            ChatMessage {
                role: if mine { Role::Assistant } else { Role::User },
                name,
                content: m.content.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_as_whole_words_only() {
        assert!(mentions("hey eliza, hi", "eliza"));
        assert!(mentions("@eliza!", "eliza"));
        assert!(!mentions("elizabeth said", "eliza"));
        assert!(!mentions("nothing", "eliza"));
    }
}
