//! The model chooses actions: the answer format, its lenient parser, and the fallbacks.
//!
//! The core plugin's `ACTIONS` context lists the valid actions and asks the model to begin
//! its answer with one block naming its choice, then the reply text:
//!
//! ```text
//! <actions>REPLY, WAVE</actions>
//! Hello! *waves*
//! ```
//!
//! Parsing is lenient: the block may stand anywhere, the closing tag may be missing (the
//! block then ends at the line's end), `<action>` works too, names are matched without
//! regard to case and may be separated by commas, spaces, `|` or `;`, and quotes or
//! brackets around them are dropped. An elizaOS-style answer
//! (`<response><thought>…</thought><actions>…</actions><text>…</text></response>`) is
//! understood too: `<text>` is the reply, `<thought>` is kept as the reply's `thought`.
//! A name that is not a valid action for the message is ignored with a warning.
//!
//! Fallbacks: an answer without a block, or whose block names no valid action, means
//! `REPLY`. A provider that cannot follow instructions ([`ModelProvider::selects_actions`]
//! is false: the ELIZA provider) is not asked: its text is the reply as is, and the
//! runtime chooses `REPLY` plus every other valid action that is not a conversation
//! control (`IGNORE`), which is deterministic.
//!
//! While streaming, a leading block is held back ([`LeadFilter`]), so clients never see
//! it; a block elsewhere is removed from the stored reply only.
//!
//! [`ModelProvider::selects_actions`]: crate::provider::ModelProvider::selects_actions

use crate::action::Action;
use crate::plugin::core::{CONTROL_ACTIONS, REPLY};

/// A model's answer, taken apart.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Answer {
    /// The reply text.
    pub text: String,
    /// The model's private reasoning, if it wrote a `<thought>`.
    pub thought: Option<String>,
    /// The upper-cased names in the action block; `None` when there was no block.
    pub actions: Option<Vec<String>>,
}

impl Answer {
    /// An answer taken as plain text (providers that do not choose actions).
    pub fn plain(text: String) -> Self {
        Answer {
            text,
            ..Answer::default()
        }
    }
}

/// Byte offset of `needle` (ASCII, lower case) in `hay` from `from`, ignoring ASCII case.
fn find_ci(hay: &str, needle: &str, from: usize) -> Option<usize> {
    hay.get(from..)?
        .to_ascii_lowercase()
        .find(needle)
        .map(|i| i + from)
}

/// Removes the first `<tag>…</tag>` element (closing tag optional when `to_eol`: the
/// element then ends at the line's end) and returns its inner text.
fn take_element(text: &mut String, tag: &str, to_eol: bool) -> Option<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = find_ci(text, &open, 0)?;
    let inner_start = start + open.len();
    let (inner_end, end) = match find_ci(text, &close, inner_start) {
        Some(i) => (i, i + close.len()),
        None if to_eol => {
            let eol = text[inner_start..]
                .find('\n')
                .map_or(text.len(), |i| i + inner_start);
            (eol, eol)
        }
        None => return None,
    };
    let inner = text[inner_start..inner_end].to_owned();
    text.replace_range(start..end, "");
    Some(inner)
}

/// Splits an action block into upper-cased names.
fn names(block: &str) -> Vec<String> {
    block
        .split(|c: char| c == ',' || c == '|' || c == ';' || c.is_whitespace())
        .map(|n| n.trim_matches(|c: char| "\"'`[](){}".contains(c)))
        .filter(|n| !n.is_empty())
        .map(str::to_ascii_uppercase)
        .collect()
}

/// Takes a model's answer apart (see the module documentation for what is accepted).
pub fn parse_answer(raw: &str) -> Answer {
    let mut text = raw.to_owned();
    let block = take_element(&mut text, "actions", true)
        .or_else(|| take_element(&mut text, "action", true));
    let thought = take_element(&mut text, "thought", false).map(|t| t.trim().to_owned());
    let inner = take_element(&mut text, "text", false);
    let mut text = inner.unwrap_or(text);
    for tag in ["<response>", "</response>"] {
        while let Some(i) = find_ci(&text, tag, 0) {
            text.replace_range(i..i + tag.len(), "");
        }
    }
    Answer {
        text: text.trim().to_owned(),
        thought: thought.filter(|t| !t.is_empty()),
        actions: block.map(|b| names(&b)),
    }
}

/// The actions to run, in order (`REPLY` first, so the others see the stored reply).
/// `selects` says whether the provider chose (else the deterministic fallback applies).
pub fn choose(valid: &[Action], answer: &Answer, selects: bool) -> Vec<Action> {
    let reply_only =
        || -> Vec<Action> { valid.iter().filter(|a| a.name == REPLY).cloned().collect() };
    let mut chosen: Vec<Action> = if !selects {
        valid
            .iter()
            .filter(|a| a.name == REPLY || !CONTROL_ACTIONS.contains(&a.name))
            .cloned()
            .collect()
    } else if let Some(named) = &answer.actions {
        let mut out: Vec<Action> = Vec::new();
        for n in named {
            match valid.iter().find(|a| a.name.eq_ignore_ascii_case(n)) {
                Some(a) if !out.iter().any(|o| o.name == a.name) => out.push(a.clone()),
                Some(_) => {}
                None => tracing::warn!(action = %n, "the model chose an unknown action; ignored"),
            }
        }
        if out.is_empty() {
            tracing::warn!("the model named no valid action; replying");
            reply_only()
        } else {
            out
        }
    } else {
        reply_only()
    };
    if let Some(i) = chosen.iter().position(|a| a.name == REPLY) {
        let reply = chosen.remove(i);
        chosen.insert(0, reply);
    }
    chosen
}

/// Longest prefix held back while waiting for a leading block to close; an answer that
/// starts like a block but is longer without closing is passed through.
const MAX_LEAD: usize = 512;

/// Holds back a leading `<actions>…</actions>` block from streamed chunks.
#[derive(Debug, Default)]
pub struct LeadFilter {
    held: String,
    passing: bool,
}

impl LeadFilter {
    /// A filter at the start of an answer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the next chunk; returns what may be shown now.
    pub fn push(&mut self, chunk: &str) -> Option<String> {
        if self.passing {
            return Some(chunk.to_owned()).filter(|c| !c.is_empty());
        }
        self.held.push_str(chunk);
        let lead = self.held.trim_start().to_ascii_lowercase();
        const OPEN: &str = "<actions>";
        let undecided = lead.len() < OPEN.len() && OPEN.starts_with(&lead);
        if undecided {
            return None;
        }
        if lead.starts_with(OPEN) {
            let skip = self.held.len() - lead.len() + OPEN.len();
            let end = find_ci(&self.held, "</actions>", skip)
                .map(|i| i + "</actions>".len())
                .or_else(|| self.held[skip..].find('\n').map(|i| i + skip));
            match end {
                Some(end) => {
                    self.passing = true;
                    let rest = self.held[end..].trim_start().to_owned();
                    self.held.clear();
                    return Some(rest).filter(|r| !r.is_empty());
                }
                None if self.held.len() <= MAX_LEAD => return None,
                None => {}
            }
        }
        self.passing = true;
        Some(std::mem::take(&mut self.held))
    }

    /// The end of the answer: whatever is still held that is not a block.
    pub fn finish(&mut self) -> Option<String> {
        let held = std::mem::take(&mut self.held);
        self.passing = true;
        let lead = held.trim_start().to_ascii_lowercase();
        if lead.is_empty() || lead.starts_with("<actions>") {
            return None;
        }
        Some(held)
    }
}

#[cfg(test)]
mod tests;
