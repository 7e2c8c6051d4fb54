//! Groups (`POST /api/memory/groups/{messageServerId}`): a room per agent for a message
//! server. Each agent succeeds or fails on its own, so the answer may mix both.

use agentd_core::agent_data;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

/// Body of `POST /api/memory/groups/{messageServerId}`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewGroup {
    /// Required, not empty, at most 100; each is checked on its own.
    pub agent_ids: Option<Vec<String>>,
    /// Room name (default `Group <first 8 characters of the server id>`).
    pub name: Option<String>,
    /// The world (a UUID); default each agent's mirror of the server.
    pub world_id: Option<String>,
    /// Default `client`.
    pub source: Option<String>,
    /// Free-form metadata (`{}` when absent).
    pub metadata: Option<Value>,
}

/// A room created for one agent of a group.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupRoom {
    /// Room id.
    pub id: Uuid,
    /// Name.
    pub name: Option<String>,
    /// Source.
    pub source: String,
    /// World.
    pub world_id: Option<Uuid>,
    /// Always `API`.
    #[serde(rename = "type")]
    pub kind: String,
}

impl From<&agent_data::Room> for GroupRoom {
    fn from(r: &agent_data::Room) -> Self {
        GroupRoom {
            id: r.id,
            name: r.name.clone(),
            source: r.source.clone(),
            world_id: r.world_id,
            kind: r.kind.clone(),
        }
    }
}

/// Why the room of one agent of a group was not created.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct GroupError {
    /// The agent id as the client sent it.
    pub agent_id: String,
    /// `INVALID_ID`, `NOT_FOUND` or `CREATE_ERROR`.
    pub code: String,
    /// Client-safe message.
    pub message: String,
    /// Same as `message`.
    pub details: String,
}

impl GroupError {
    /// The error `code` with `message` for the agent `agent_id`.
    pub fn new(agent_id: String, code: &str, message: &str) -> Self {
        GroupError {
            agent_id,
            code: code.to_owned(),
            message: message.to_owned(),
            details: message.to_owned(),
        }
    }
}

/// Every agent of a group failed: `{success:false, error:[GroupError]}` (404 when none
/// was a server failure, else 500).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GroupFailure {
    /// Always `false`.
    pub success: bool,
    /// One error per agent.
    pub error: Vec<GroupError>,
}

/// Some agents of a group failed (207): the rooms created and the errors.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GroupPartial {
    /// Always `false`.
    pub success: bool,
    /// The rooms created.
    pub data: Vec<GroupRoom>,
    /// One error per failed agent.
    pub errors: Vec<GroupError>,
}

/// What a group creation answers.
#[derive(Debug, Clone)]
pub enum GroupOutcome {
    /// Every room was created (201, in the success envelope).
    Created(Vec<GroupRoom>),
    /// Some were (207).
    Partial(GroupPartial),
    /// None was: 404 when no agent failed on the server's side, else 500.
    Failed(u16, GroupFailure),
}

impl GroupOutcome {
    /// The outcome of `created` rooms and `errors`.
    pub fn new(created: Vec<GroupRoom>, errors: Vec<GroupError>) -> Self {
        if errors.is_empty() {
            GroupOutcome::Created(created)
        } else if created.is_empty() {
            let status = if errors.iter().all(|e| e.code != "CREATE_ERROR") {
                404
            } else {
                500
            };
            GroupOutcome::Failed(
                status,
                GroupFailure {
                    success: false,
                    error: errors,
                },
            )
        } else {
            GroupOutcome::Partial(GroupPartial {
                success: false,
                data: created,
                errors,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room() -> GroupRoom {
        GroupRoom {
            id: Uuid::nil(),
            name: None,
            source: "client".into(),
            world_id: None,
            kind: "API".into(),
        }
    }

    #[test]
    fn the_outcome_depends_on_what_failed() {
        let nf = || GroupError::new("a".into(), "NOT_FOUND", "Agent not found");
        let ce = || GroupError::new("b".into(), "CREATE_ERROR", "Failed");
        assert!(matches!(
            GroupOutcome::new(vec![room()], vec![]),
            GroupOutcome::Created(_)
        ));
        assert!(matches!(
            GroupOutcome::new(vec![room()], vec![nf()]),
            GroupOutcome::Partial(_)
        ));
        assert!(matches!(
            GroupOutcome::new(vec![], vec![nf()]),
            GroupOutcome::Failed(404, _)
        ));
        assert!(matches!(
            GroupOutcome::new(vec![], vec![nf(), ce()]),
            GroupOutcome::Failed(500, _)
        ));
    }
}
