//! `POST /sessions` and the `timeoutConfig` a client sends (also the `PATCH …/timeout`
//! body), with the `details` of their 400s.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::{METADATA_NOT_OBJECT, root_field};
use crate::{BodyError, Object};

/// A `timeoutConfig` as a client sends it. Every field is optional; the minutes are numbers
/// or numeric strings (a fraction is truncated). On create, a value that is not a number
/// falls back to the agent's setting; `PATCH …/timeout` refuses it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TimeoutConfigInput {
    /// Inactivity timeout (clamped to the server's bounds on create, refused outside them
    /// on `PATCH`).
    #[serde(default)]
    pub timeout_minutes: Option<Value>,
    /// Whether activity extends the session.
    #[serde(default)]
    pub auto_renew: Option<bool>,
    /// The longest a session may live (at least the timeout).
    #[serde(default)]
    pub max_duration_minutes: Option<Value>,
    /// How close to expiry `isNearExpiration` turns true (at least 1).
    #[serde(default)]
    pub warning_threshold_minutes: Option<Value>,
}

impl TimeoutConfigInput {
    /// The given fields as the JSON object the configuration merge reads.
    pub fn to_object(&self) -> Object {
        let mut o = Object::new();
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                o.insert(k.to_owned(), v);
            }
        };
        put("timeoutMinutes", self.timeout_minutes.clone());
        put("autoRenew", self.auto_renew.map(Value::Bool));
        put("maxDurationMinutes", self.max_duration_minutes.clone());
        put(
            "warningThresholdMinutes",
            self.warning_threshold_minutes.clone(),
        );
        o
    }
}

/// `POST /sessions`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateSession {
    /// The agent (required; it must be running).
    #[serde(default)]
    pub agent_id: Option<String>,
    /// The user (required).
    #[serde(default)]
    pub user_id: Option<String>,
    /// Free-form metadata, at most 10240 characters serialized.
    #[serde(default)]
    pub metadata: Option<Object>,
    /// Timing over the agent's configuration.
    #[serde(default)]
    pub timeout_config: Option<TimeoutConfigInput>,
}

impl CreateSession {
    /// The message of a field that does not fit, when the route has its own.
    pub fn field_message(e: &BodyError) -> Option<&'static str> {
        match root_field(e)? {
            "agentId" => Some("Invalid UUID format for field 'agentId'"),
            "userId" => Some("Invalid UUID format for field 'userId'"),
            "metadata" => Some(METADATA_NOT_OBJECT),
            _ => None,
        }
    }

    /// The names of the required fields that are absent or empty.
    pub fn missing(&self) -> Vec<&'static str> {
        let absent = |v: &Option<String>| v.as_deref().is_none_or(str::is_empty);
        let mut out = Vec::new();
        if absent(&self.agent_id) {
            out.push("agentId");
        }
        if absent(&self.user_id) {
            out.push("userId");
        }
        out
    }
}

/// `details` of a 400 for missing create fields.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MissingFields {
    /// The absent or empty fields.
    pub missing_fields: Vec<String>,
}

/// `details` of a 400 for an id field that is not a UUID.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvalidUuid {
    /// What the client sent.
    pub provided_value: String,
    /// Always `UUID v4`.
    pub expected_format: String,
}

impl InvalidUuid {
    /// The details for `provided`.
    pub fn new(provided: &str) -> Self {
        InvalidUuid {
            provided_value: provided.to_owned(),
            expected_format: "UUID v4".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn create_reports_missing_and_typed_fields() {
        let b: CreateSession = crate::parse(br#"{"userId":""}"#).unwrap();
        assert_eq!(b.missing(), ["agentId", "userId"]);
        let e = crate::parse::<CreateSession>(br#"{"metadata":[1]}"#).unwrap_err();
        assert_eq!(CreateSession::field_message(&e), Some(METADATA_NOT_OBJECT));
        let e = crate::parse::<CreateSession>(br#"{"agentId":5}"#).unwrap_err();
        assert_eq!(
            CreateSession::field_message(&e),
            Some("Invalid UUID format for field 'agentId'")
        );
    }

    #[test]
    fn timeout_input_keeps_only_given_fields() {
        let t: TimeoutConfigInput =
            serde_json::from_value(json!({"timeoutMinutes": "60", "autoRenew": false,
                "maxDurationMinutes": null}))
            .unwrap();
        assert_eq!(
            Value::Object(t.to_object()),
            json!({"timeoutMinutes": "60", "autoRenew": false})
        );
    }
}
