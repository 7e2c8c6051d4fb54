//! `time`: tells the model the current date and time (a context provider).

use std::sync::Arc;

use chrono::Utc;

use crate::action::{ContextProvider, Turn};
use crate::plugin::Plugin;

/// The time plugin.
#[derive(Debug, Clone, Copy, Default)]
pub struct TimePlugin;

impl Plugin for TimePlugin {
    fn name(&self) -> &'static str {
        "time"
    }
    fn description(&self) -> &'static str {
        "Adds the current UTC date and time to the prompt."
    }
    fn providers(&self) -> Vec<ContextProvider> {
        vec![ContextProvider {
            name: "TIME",
            description: "The current UTC date and time.",
            position: 0,
            get: Arc::new(|_: Arc<Turn>| {
                Box::pin(async {
                    Some(format!(
                        "The current time is {}.",
                        Utc::now().format("%A %Y-%m-%d %H:%M UTC")
                    ))
                })
            }),
        }]
    }
}
