//! Delivery states: a message handed to an agent (`dispatched`, written with the message)
//! ends as exactly one of `replied` (written with the reply), `ignored` with a reason, or
//! `errored` with the provider's error code. Every change is announced on the bus.

use agentd_bus::BusEvent;
use agentd_core::model::DeliveryState;
use agentd_storage::Delivery;
use agentd_storage::prelude::*;
use uuid::Uuid;

use crate::{Messaging, MessagingError};

/// Why an agent did not answer a message it was handed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgnoreReason {
    /// The message was not addressed to the agent (a group message naming someone else).
    NotAddressed,
    /// Agents had answered each other too often in a row (the loop guard).
    LoopGuard,
    /// The model chose the `IGNORE` action, or chose actions that send nothing.
    IgnoreAction,
    /// The agent was stopped with the message in hand.
    AgentStopped,
    /// Another gate of the agent's plugins refused.
    Refused,
}

impl IgnoreReason {
    /// The wire spelling (`reason` of the delivery).
    pub const fn as_str(self) -> &'static str {
        match self {
            IgnoreReason::NotAddressed => "not_addressed",
            IgnoreReason::LoopGuard => "loop_guard",
            IgnoreReason::IgnoreAction => "ignore_action",
            IgnoreReason::AgentStopped => "agent_stopped",
            IgnoreReason::Refused => "refused",
        }
    }
}

/// How an agent finished with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It chose not to answer.
    Ignored(IgnoreReason),
    /// Its model failed; the stable error code (`MODEL_TIMEOUT`, ...).
    Errored(String),
}

impl Messaging {
    /// Records how `agent` finished with a message and announces it. A reply needs no
    /// call: storing it records `replied` in the same transaction.
    pub async fn settle(
        &self,
        channel: Uuid,
        message: Uuid,
        agent: Uuid,
        outcome: Outcome,
    ) -> Result<(), MessagingError> {
        let (state, reason) = match outcome {
            Outcome::Ignored(r) => (DeliveryState::Ignored, r.as_str().to_owned()),
            Outcome::Errored(code) => (DeliveryState::Errored, code),
        };
        let d = Delivery {
            reason: Some(reason.clone()),
            ..Delivery::new(message, agent, state)
        };
        self.db.set_delivery(&d).await?;
        self.bus.publish(BusEvent::DeliveryChanged {
            channel_id: channel,
            message_id: message,
            agent_id: agent,
            state,
            reason: Some(reason),
        });
        Ok(())
    }

    /// Ends every delivery an agent still holds as `ignored` (`agent_stopped`), when it is
    /// stopped on purpose (not at a server shutdown, after which it catches up). Returns
    /// how many.
    pub async fn settle_stopped_agent(&self, agent: Uuid) -> Result<usize, MessagingError> {
        let reason = IgnoreReason::AgentStopped.as_str();
        let settled = self
            .db
            .settle_pending_deliveries(agent, DeliveryState::Ignored, reason)
            .await?;
        for (channel, message) in &settled {
            self.bus.publish(BusEvent::DeliveryChanged {
                channel_id: *channel,
                message_id: *message,
                agent_id: agent,
                state: DeliveryState::Ignored,
                reason: Some(reason.to_owned()),
            });
        }
        Ok(settled.len())
    }
}
