//! `POST /jobs`: the body and its checks, in the order and with the messages of elizaOS.

use std::time::Duration;

use agentd_core::parse_uuid;
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{MAX_CONTENT_LENGTH, MAX_METADATA_SIZE, TIMEOUT_MS};
use crate::{BodyError, Object};

/// `POST /jobs`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateJob {
    /// The prompt (required, at most 50000 characters).
    #[serde(default)]
    pub content: Option<String>,
    /// The agent to ask; by default one running on the server.
    #[serde(default)]
    pub agent_id: Option<String>,
    /// The user (required).
    #[serde(default)]
    pub user_id: Option<String>,
    /// Free-form metadata, at most 10000 characters serialized.
    #[serde(default)]
    pub metadata: Option<Object>,
    /// How long to wait for the reply, 1000 to 300000 ms (default 30000).
    #[serde(default)]
    pub timeout_ms: Option<u64>,
}

/// A checked [`CreateJob`].
#[derive(Debug, Clone, PartialEq)]
pub struct JobInput {
    /// The user.
    pub user: Uuid,
    /// The prompt.
    pub content: String,
    /// The agent, when named.
    pub agent: Option<Uuid>,
    /// The metadata (an object), when given.
    pub metadata: Option<Value>,
    /// How long to wait for the reply.
    pub timeout: Duration,
}

/// The message of a `timeoutMs` out of bounds.
fn timeout_message() -> String {
    format!(
        "timeoutMs must be between {} and {}",
        TIMEOUT_MS.1, TIMEOUT_MS.2
    )
}

impl CreateJob {
    /// The message of a field that does not fit: the one the check of that field gives.
    pub fn field_message(e: &BodyError) -> Option<String> {
        let field = e.field()?;
        let root = &field[..field.find(['.', '[']).unwrap_or(field.len())];
        Some(match root {
            "userId" => "userId is required".to_owned(),
            "content" => "content is required".to_owned(),
            "agentId" => "Invalid agentId format".to_owned(),
            "metadata" => "metadata must be an object".to_owned(),
            "timeoutMs" => timeout_message(),
            _ => return None,
        })
    }

    /// Checks the body, in the order elizaOS does: the user, the content, the metadata,
    /// the timeout, the agent. The error is the client's message.
    pub fn check(self) -> Result<JobInput, String> {
        let user = self
            .user_id
            .filter(|u| !u.is_empty())
            .ok_or("userId is required")?;
        let user = parse_uuid(&user).ok_or("Invalid userId format")?;
        let content = self
            .content
            .filter(|c| !c.is_empty())
            .ok_or("content is required")?;
        if content.chars().count() > MAX_CONTENT_LENGTH {
            return Err(format!(
                "Content exceeds maximum length of {MAX_CONTENT_LENGTH} characters"
            ));
        }
        let metadata = self.metadata.map(Value::Object);
        if metadata
            .as_ref()
            .is_some_and(|m| m.to_string().len() > MAX_METADATA_SIZE)
        {
            return Err(format!(
                "Metadata exceeds maximum size of {MAX_METADATA_SIZE} characters"
            ));
        }
        let timeout_ms = self.timeout_ms.unwrap_or(TIMEOUT_MS.0);
        if !(TIMEOUT_MS.1..=TIMEOUT_MS.2).contains(&timeout_ms) {
            return Err(timeout_message());
        }
        let agent = self
            .agent_id
            .map(|a| parse_uuid(&a).ok_or("Invalid agentId format"))
            .transpose()?;
        Ok(JobInput {
            user,
            content,
            agent,
            metadata,
            timeout: Duration::from_millis(timeout_ms),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(body: &str) -> Result<JobInput, String> {
        crate::parse::<CreateJob>(body.as_bytes())
            .map_err(|e| CreateJob::field_message(&e).unwrap_or_default())?
            .check()
    }

    #[test]
    fn create_checks_keep_the_elizaos_order_and_messages() {
        let user = "6f1c2a3b-0000-4000-8000-000000000001";
        assert_eq!(
            check(r#"{"content":"x"}"#).unwrap_err(),
            "userId is required"
        );
        assert_eq!(
            check(r#"{"userId":"u","content":"x"}"#).unwrap_err(),
            "Invalid userId format"
        );
        assert_eq!(
            check(&format!(r#"{{"userId":"{user}"}}"#)).unwrap_err(),
            "content is required"
        );
        assert_eq!(
            check(&format!(
                r#"{{"userId":"{user}","content":"x","timeoutMs":10}}"#
            ))
            .unwrap_err(),
            "timeoutMs must be between 1000 and 300000"
        );
        assert_eq!(
            check(&format!(
                r#"{{"userId":"{user}","content":"x","timeoutMs":-1}}"#
            ))
            .unwrap_err(),
            "timeoutMs must be between 1000 and 300000"
        );
        assert_eq!(
            check(&format!(
                r#"{{"userId":"{user}","content":"x","metadata":3}}"#
            ))
            .unwrap_err(),
            "metadata must be an object"
        );
        let ok = check(&format!(r#"{{"userId":"{user}","content":"x"}}"#)).unwrap();
        assert_eq!(ok.timeout, Duration::from_millis(30_000));
        assert_eq!(ok.agent, None);
    }
}
