//! The messaging service: every operation on message servers' channels, their
//! participants and messages, delivery states and jobs, written once.
//!
//! REST, `/submit`, sessions, Socket.IO, jobs and the agent runtime all call
//! [`Messaging`]; none of them writes messages or publishes message events itself. Each
//! operation commits to storage first and then publishes the bus events that follow the
//! commit (storage is the truth, the bus only a signal). Nothing here knows about HTTP.
//!
//! - [`Messaging::post`] is the one function that posts a message.
//! - [`Messaging::settle`] moves a delivery to its terminal state.
//! - [`jobs`] is a job's life: a message to an agent whose reply a client polls for.

mod channels;
mod delivery;
mod error;
pub mod jobs;
mod messages;
mod post;
mod presence;
pub mod rooms;
pub mod sessions;

use std::sync::Arc;

use agentd_bus::Bus;
use agentd_storage::Db;

pub use channels::{ChannelUpdate, NewChannel};
pub use delivery::{IgnoreReason, Outcome};
pub use error::MessagingError;
pub use post::{Destination, Post, Posted};
pub use presence::AgentRegistry;

/// The messaging service over one database, one bus and this process's running agents;
/// cheap to clone.
#[derive(Clone)]
pub struct Messaging {
    db: Db,
    bus: Arc<dyn Bus>,
    agents: AgentRegistry,
}

impl Messaging {
    /// The service over these handles.
    pub fn new(db: Db, bus: Arc<dyn Bus>, agents: AgentRegistry) -> Self {
        Messaging { db, bus, agents }
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// The bus the service publishes on.
    pub fn bus(&self) -> &Arc<dyn Bus> {
        &self.bus
    }

    /// The agents running here.
    pub fn agents(&self) -> &AgentRegistry {
        &self.agents
    }
}
