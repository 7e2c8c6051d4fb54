//! Agents at boot: the ones enabled at the last shutdown, the `--character` files, and on
//! a first start the default "Eliza".

use std::path::PathBuf;

use agentd_core::character::character_to_agent;
use agentd_runtime::AgentManager;
use agentd_storage::{AgentStore, Db, StorageError};
use chrono::Utc;
use serde_json::{Value, json};

use crate::settings::Settings;
use crate::startup::StartupError;

/// The default agent of a fresh server: the classic ELIZA, offline and keyless.
pub fn default_character() -> Value {
    json!({
        "name": "Eliza",
        "username": "eliza",
        "system": "You are ELIZA, a Rogerian psychotherapist.",
        "bio": [
            "A Rogerian psychotherapist, after Joseph Weizenbaum's 1966 ELIZA program.",
            "Answers with the DOCTOR script: offline, instant and deterministic."
        ],
        "adjectives": ["curious", "patient", "reflective"],
        "settings": {"modelProvider": "eliza"}
    })
}

/// What to do with agents at boot, taken from the settings.
#[derive(Debug, Clone)]
pub struct Boot {
    default_agent: bool,
    characters: Vec<PathBuf>,
}

impl Boot {
    /// The boot plan of these settings.
    pub fn from_settings(settings: &Settings) -> Self {
        Boot {
            default_agent: settings.default_agent,
            characters: settings.characters.clone(),
        }
    }

    /// Starts the enabled agents, then loads and starts each `--character` file (an agent
    /// already stored under the same id is started as stored); with neither any stored
    /// agent nor a `--character`, creates and starts "Eliza" unless disabled. A bad
    /// character file stops the boot with a message naming the file; an enabled agent
    /// that fails to start is logged and skipped, so one broken agent cannot keep the
    /// server down.
    pub async fn run(self, db: &Db, manager: &AgentManager) -> Result<(), StartupError> {
        let empty = db.list_agents().await?.is_empty();
        let mut characters = Vec::new();
        for path in &self.characters {
            let text = std::fs::read_to_string(path).map_err(|e| {
                StartupError::Agents(format!("cannot read {}: {e}", path.display()))
            })?;
            let json: Value = serde_json::from_str(&text).map_err(|e| {
                StartupError::Agents(format!("{} is not valid JSON: {e}", path.display()))
            })?;
            characters.push((path.display().to_string(), json));
        }
        if empty && characters.is_empty() && self.default_agent {
            characters.push(("the default agent".to_owned(), default_character()));
        }
        manager.start_enabled().await?;
        for (origin, json) in characters {
            let agent = character_to_agent(&json, Utc::now())
                .map_err(|e| StartupError::Agents(format!("{origin}: {e}")))?;
            match db.create_agent(&agent).await {
                Ok(_) => {
                    tracing::info!(agent.id = %agent.id, agent.name = %agent.name, "agent created")
                }
                Err(StorageError::Duplicate(_)) => {}
                Err(e) => return Err(e.into()),
            }
            manager
                .start(agent.id)
                .await
                .map_err(|e| StartupError::Agents(format!("{origin}: {e}")))?;
        }
        Ok(())
    }
}
