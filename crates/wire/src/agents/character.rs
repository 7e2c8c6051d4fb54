//! Creating and updating an agent: the request bodies and the created agent.

use agentd_core::character::{agent_to_character, merge_settings};
use agentd_core::model;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::Object;

/// `Some(value)` for a key that is present, `null` included (absent keys are `None` through
/// `#[serde(default)]`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// Body of `POST /api/agents`: one of `characterJson`, `agent` (both a character, the first
/// winning) or `characterPath`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewAgent {
    /// A character (elizaOS `Character`), validated strictly.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Object>)]
    pub character_json: Option<Value>,
    /// Same as `characterJson` (what the api-client sends).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Object>)]
    pub agent: Option<Value>,
    /// A relative file name under the server's characters directory (`.json` optional).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub character_path: Option<Value>,
}

impl NewAgent {
    /// The inline character: `characterJson`, else `agent`.
    pub fn character(&self) -> Option<&Value> {
        self.character_json.as_ref().or(self.agent.as_ref())
    }
}

/// `data` of `POST /api/agents` (201).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreatedAgent {
    /// Agent id.
    pub id: Uuid,
    /// The stored character (secrets as stored: the client sent them).
    #[schema(value_type = Object)]
    pub character: Value,
}

/// Body of `PATCH /api/agents/{agentId}`: a partial character. `settings` is deep-merged
/// (`null` deletes a key, a masked secret keeps the stored one), a top-level `secrets`
/// object lands in `settings.secrets`, and `id`, `status`, `enabled`, `createdAt`,
/// `updatedAt` and `server_id` are ignored.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct AgentUpdate(pub Object);

/// Keys a PATCH may not change (identity and server-managed state).
const READ_ONLY: &[&str] = &[
    "id",
    "status",
    "enabled",
    "createdAt",
    "updatedAt",
    "server_id",
];

impl AgentUpdate {
    /// The character of `current` (real secrets included) with this patch applied, its id
    /// kept; still to be validated as a character.
    pub fn apply(&self, current: &model::Agent) -> Value {
        let mut character = agent_to_character(current);
        let Some(c) = character.as_object_mut() else {
            return character;
        };
        c.insert("settings".into(), current.settings.clone());
        for (k, v) in &self.0 {
            if READ_ONLY.contains(&k.as_str()) {
                continue;
            }
            let settings_patch = match k.as_str() {
                "settings" => Some(v.clone()),
                "secrets" if v.is_object() => Some(json!({ "secrets": v })),
                _ => None,
            };
            match settings_patch {
                Some(p) => merge_settings(c.entry("settings").or_insert_with(|| json!({})), &p),
                None => {
                    c.insert(k.clone(), v.clone());
                }
            }
        }
        c.insert("id".into(), current.id.to_string().into());
        character
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn agent(name: &str) -> model::Agent {
        let mut a = model::Agent::new(Uuid::new_v4(), name, Utc::now());
        a.settings = json!({"model": "m", "secrets": {"KEY": "real"}});
        a
    }

    #[test]
    fn an_update_merges_settings_and_keeps_identity() {
        let a = agent("Ada");
        let patch: AgentUpdate = crate::parse(
            br#"{"id":"x","name":"Bea","secrets":{"OTHER":"o"},"settings":{"model":null}}"#,
        )
        .unwrap();
        let c = patch.apply(&a);
        assert_eq!(c["id"], a.id.to_string());
        assert_eq!(c["name"], "Bea");
        assert_eq!(
            c["settings"]["secrets"],
            json!({"KEY": "real", "OTHER": "o"})
        );
        assert!(c["settings"].get("model").is_none());
    }

    #[test]
    fn a_null_character_is_present_and_a_path_is_kept_as_given() {
        let b: NewAgent = crate::parse(br#"{"characterJson":null,"characterPath":5}"#).unwrap();
        assert_eq!(b.character(), Some(&Value::Null));
        assert_eq!(b.character_path, Some(json!(5)));
        let none: NewAgent = crate::parse(b"").unwrap();
        assert!(none.character().is_none() && none.character_path.is_none());
    }
}
