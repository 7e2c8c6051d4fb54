//! Character JSON: strict validation, id derivation, and secret masking.
//!
//! elizaOS validates characters with a strict zod schema: an unknown top-level key is an
//! error, so a typo (`"bios"`) is reported instead of silently ignored. We keep that rule
//! and name the offending key, so the client learns what to fix.

use crate::ids::{parse_uuid, string_to_uuid};
use crate::model::Agent;
use crate::time::Timestamp;
use serde_json::{Map, Value};

/// What replaces each secret value in every API response: secrets are stored, never sent.
pub const SECRET_MASK: &str = "********";

/// The top-level keys a character may have (the elizaOS schema's keys).
pub const CHARACTER_KEYS: &[&str] = &[
    "id",
    "name",
    "username",
    "system",
    "templates",
    "bio",
    "messageExamples",
    "postExamples",
    "topics",
    "adjectives",
    "knowledge",
    "plugins",
    "settings",
    "secrets",
    "style",
];

/// Why a character was refused; the message is safe to show the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CharacterError {
    /// The JSON is not an object.
    #[error("Character validation failed: expected a JSON object")]
    NotAnObject,
    /// A top-level key the schema does not know.
    #[error("Character validation failed: Unrecognized key: \"{0}\"")]
    UnknownKey(String),
    /// A required field is absent.
    #[error("Character validation failed: {0}: Required")]
    Missing(&'static str),
    /// A field has the wrong type or value.
    #[error("Character validation failed: {field}: {expected}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// What was expected.
        expected: &'static str,
    },
}

fn invalid(field: &'static str, expected: &'static str) -> CharacterError {
    CharacterError::Invalid { field, expected }
}

fn is_string_array(v: &Value) -> bool {
    v.as_array().is_some_and(|a| a.iter().all(Value::is_string))
}

/// Validates a character and turns it into an agent record created `now`.
///
/// The id is the character's own, or `string_to_uuid(name)` when absent. Top-level
/// `secrets` are merged under `settings.secrets` (keys already there win), because only
/// `settings` is stored; `templates` are not stored (as in elizaOS).
pub fn character_to_agent(json: &Value, now: Timestamp) -> Result<Agent, CharacterError> {
    let obj = json.as_object().ok_or(CharacterError::NotAnObject)?;
    if let Some(key) = obj.keys().find(|k| !CHARACTER_KEYS.contains(&k.as_str())) {
        return Err(CharacterError::UnknownKey(key.clone()));
    }
    let name = match obj.get("name") {
        None => return Err(CharacterError::Missing("name")),
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(_) => return Err(invalid("name", "must be a non-empty string")),
    };
    let id = match obj.get("id") {
        None | Some(Value::Null) => string_to_uuid(&name),
        Some(Value::String(s)) => parse_uuid(s).ok_or(invalid("id", "must be a UUID"))?,
        Some(_) => return Err(invalid("id", "must be a UUID")),
    };
    let bio = match obj.get("bio") {
        None => return Err(CharacterError::Missing("bio")),
        Some(v @ Value::String(_)) => v.clone(),
        Some(v) if is_string_array(v) => v.clone(),
        Some(_) => return Err(invalid("bio", "must be a string or an array of strings")),
    };
    let opt_string = |field: &'static str| -> Result<Option<String>, CharacterError> {
        match obj.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(invalid(field, "must be a string")),
        }
    };
    let string_array = |field: &'static str| -> Result<Value, CharacterError> {
        match obj.get(field) {
            None | Some(Value::Null) => Ok(Value::Array(Vec::new())),
            Some(v) if is_string_array(v) => Ok(v.clone()),
            Some(_) => Err(invalid(field, "must be an array of strings")),
        }
    };
    let object = |field: &'static str| -> Result<Option<Map<String, Value>>, CharacterError> {
        match obj.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m.clone())),
            Some(_) => Err(invalid(field, "must be an object")),
        }
    };
    let message_examples = match obj.get("messageExamples") {
        None | Some(Value::Null) => Value::Array(Vec::new()),
        Some(Value::Array(convs))
            if convs.iter().all(|c| {
                c.as_array().is_some_and(|msgs| {
                    msgs.iter()
                        .all(|m| m.get("name").is_some_and(Value::is_string))
                })
            }) =>
        {
            Value::Array(convs.clone())
        }
        Some(_) => {
            return Err(invalid(
                "messageExamples",
                "must be an array of conversations of {name, content}",
            ));
        }
    };
    let knowledge = match obj.get("knowledge") {
        None | Some(Value::Null) => Value::Array(Vec::new()),
        Some(Value::Array(items))
            if items.iter().all(|i| {
                i.is_string()
                    || i.get("path").is_some_and(Value::is_string)
                    || i.get("directory").is_some_and(Value::is_string)
            }) =>
        {
            Value::Array(items.clone())
        }
        Some(_) => {
            return Err(invalid(
                "knowledge",
                "must be an array of paths, {path} or {directory}",
            ));
        }
    };
    let style = object("style")?.unwrap_or_default();
    if let Some((_, _)) = style
        .iter()
        .find(|(k, v)| !matches!(k.as_str(), "all" | "chat" | "post") || !is_string_array(v))
    {
        return Err(invalid(
            "style",
            "may only hold all, chat and post string arrays",
        ));
    }
    object("templates")?;
    let mut settings = object("settings")?.unwrap_or_default();
    if let Some(top) = object("secrets")? {
        if top.values().any(|v| v.is_object() || v.is_array()) {
            return Err(invalid(
                "secrets",
                "values must be strings, numbers or booleans",
            ));
        }
        let entry = settings
            .entry("secrets")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(secrets) = entry {
            for (k, v) in top {
                secrets.entry(k).or_insert(v);
            }
        }
    }
    if settings.get("secrets").is_some_and(|s| !s.is_object()) {
        return Err(invalid("settings.secrets", "must be an object"));
    }
    let mut agent = Agent::new(id, name, now);
    agent.username = opt_string("username")?;
    agent.system = opt_string("system")?;
    agent.bio = bio;
    agent.message_examples = message_examples;
    agent.post_examples = string_array("postExamples")?;
    agent.topics = string_array("topics")?;
    agent.adjectives = string_array("adjectives")?;
    agent.knowledge = knowledge;
    agent.plugins = string_array("plugins")?;
    agent.settings = Value::Object(settings);
    agent.style = Value::Object(style);
    Ok(agent)
}

/// The character of a stored agent, with secret values masked (for API responses).
pub fn agent_to_character(agent: &Agent) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), agent.id.to_string().into());
    m.insert("name".into(), agent.name.clone().into());
    if let Some(u) = &agent.username {
        m.insert("username".into(), u.clone().into());
    }
    if let Some(s) = agent.system.as_ref().filter(|s| !s.is_empty()) {
        m.insert("system".into(), s.clone().into());
    }
    m.insert("bio".into(), agent.bio.clone());
    m.insert("messageExamples".into(), agent.message_examples.clone());
    m.insert("postExamples".into(), agent.post_examples.clone());
    m.insert("topics".into(), agent.topics.clone());
    m.insert("adjectives".into(), agent.adjectives.clone());
    m.insert("knowledge".into(), agent.knowledge.clone());
    m.insert("plugins".into(), agent.plugins.clone());
    m.insert("settings".into(), mask_secrets(&agent.settings));
    m.insert("style".into(), agent.style.clone());
    Value::Object(m)
}

/// A copy of `settings` whose `secrets` values are all replaced by [`SECRET_MASK`].
///
/// Secrets are write-only over the API: a client can set them, never read them back.
pub fn mask_secrets(settings: &Value) -> Value {
    let mut out = settings.clone();
    if let Some(Value::Object(secrets)) = out.get_mut("secrets") {
        for v in secrets.values_mut() {
            *v = Value::String(SECRET_MASK.to_owned());
        }
    }
    out
}

/// Deep-merges `patch` into `target` as elizaOS PATCH does for `settings`: objects merge
/// key by key, `null` deletes a key, anything else (arrays included) replaces.
///
/// A secret whose patched value is [`SECRET_MASK`] keeps its stored value, so a client
/// that sends back what it read does not overwrite the real secret with the mask.
pub fn merge_settings(target: &mut Value, patch: &Value) {
    merge(target, patch, false);
}

fn merge(target: &mut Value, patch: &Value, in_secrets: bool) {
    let (Value::Object(t), Value::Object(p)) = (&mut *target, patch) else {
        *target = patch.clone();
        return;
    };
    for (k, v) in p {
        match v {
            Value::Null => {
                t.remove(k);
            }
            Value::String(s) if in_secrets && s == SECRET_MASK => {}
            Value::Object(_) => {
                let slot = t
                    .entry(k.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
                if !slot.is_object() {
                    *slot = Value::Object(Map::new());
                }
                merge(slot, v, !in_secrets && k == "secrets");
            }
            other => {
                t.insert(k.clone(), other.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests;
