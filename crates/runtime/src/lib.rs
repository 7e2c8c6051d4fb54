//! Agent runtimes: one `AgentRuntime` per running agent, owning its character, plugins and
//! model provider, and the task that handles its messages.
//!
//! [`AgentManager`] starts and stops runtimes; [`AgentRegistry`] is the set of running
//! agents the HTTP edge reports in `/health`; [`ModelProvider`] is the model seam, with the
//! offline ELIZA provider as the default. How a message is answered is made of plugin
//! contributions ([`action`], [`plugin`]), the model choosing the actions ([`choice`]).

pub mod action;
mod agent;
pub mod choice;
pub mod eliza;
mod manager;
pub mod openai;
pub mod plugin;
pub mod prompt;
pub mod provider;
pub mod service;

pub use agent::{AgentRuntime, RuntimeConfig, ensure_channel_room};
pub use manager::{AgentManager, ManagerError};
pub use provider::{
    ElizaProvider, GenerateRequest, ModelProvider, ProviderError, provider_for, provider_with_env,
};

/// The set of agents running in this process; it lives with the messaging service, which
/// dispatches messages to the running participants.
pub use agentd_messaging::AgentRegistry;
