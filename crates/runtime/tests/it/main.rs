//! Agent runtimes end to end: a real database (SQLite file, PostgreSQL schema), the
//! in-process bus, the ELIZA provider; messages go in through storage and the bus exactly
//! as the HTTP and Socket.IO edges put them.
#![cfg(test)]

mod actions;
mod choice;
mod manager;
mod messages;
mod openai;
mod openai_tls;
mod plugins;

use std::sync::Arc;
use std::time::Duration;

use agentd_bus::{Bus, BusEvent, LocalBus, Received, Subscription};
use agentd_core::DEFAULT_SERVER_ID;
use agentd_core::model::{Agent, Channel, Message};
use agentd_messaging::{Messaging, Post};
use agentd_runtime::{AgentManager, AgentRegistry, RuntimeConfig};
use agentd_storage::prelude::*;
use agentd_storage::testing::TestDb;
use agentd_storage::types::now;
use agentd_storage::{MessagePage, NewMessage};
use uuid::Uuid;

/// Runs `$name(Ctx)` once per backend.
#[macro_export]
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let t = agentd_storage::testing::TestDb::sqlite().await;
                super::$name($crate::Ctx::new(t)).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(t) = agentd_storage::testing::TestDb::postgres().await {
                    super::$name($crate::Ctx::new(t)).await;
                }
            }
        }
    };
}

/// One test's world: a database, a bus, a manager.
pub struct Ctx {
    /// The database.
    pub t: TestDb,
    /// The bus.
    pub bus: Arc<dyn Bus>,
    /// The manager under test.
    pub manager: AgentManager,
    /// The messaging service over the same handles (messages go in through it, as every
    /// entry point puts them).
    pub messaging: Messaging,
}

impl Ctx {
    /// A context over `t`.
    pub fn new(t: TestDb) -> Self {
        let _ = tracing_subscriber::fmt().with_test_writer().try_init();
        let bus: Arc<dyn Bus> = Arc::new(LocalBus::default());
        let agents = AgentRegistry::new();
        let manager = AgentManager::new(
            t.db().clone(),
            bus.clone(),
            agents.clone(),
            RuntimeConfig::default(),
        );
        let messaging = Messaging::new(t.db().clone(), bus.clone(), agents);
        Ctx {
            t,
            bus,
            manager,
            messaging,
        }
    }

    /// A stored, disabled agent.
    pub async fn agent(&self, name: &str, settings: serde_json::Value) -> Agent {
        let mut a = Agent::new(Uuid::new_v4(), name, now());
        a.settings = settings;
        a.enabled = false;
        self.t.create_agent(&a).await.unwrap()
    }

    /// A stored channel in the default server.
    pub async fn channel(&self, kind: &str, members: &[Uuid]) -> Channel {
        let t = now();
        let c = Channel::new(
            Uuid::new_v4(),
            DEFAULT_SERVER_ID,
            format!("{kind} test"),
            kind,
            t,
        );
        self.t.create_channel(&c, members).await.unwrap()
    }

    /// Posts a user message through the messaging service, as every entry point does.
    pub async fn say(&self, channel: Uuid, author: Uuid, text: &str) -> Message {
        self.messaging
            .post(Post::new(NewMessage::text(channel, author, text)))
            .await
            .unwrap()
            .message
    }

    /// Every message of a channel, oldest first.
    pub async fn history(&self, channel: Uuid) -> Vec<Message> {
        let mut v = self
            .t
            .list_messages(&MessagePage::latest(channel, 500))
            .await
            .unwrap();
        v.reverse();
        v
    }

    /// Waits until the channel holds `n` messages (or fails after a few seconds).
    pub async fn wait_for_count(&self, channel: Uuid, n: usize) -> Vec<Message> {
        for _ in 0..200 {
            let h = self.history(channel).await;
            if h.len() >= n {
                return h;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!(
            "channel never reached {n} messages: {:?}",
            self.history(channel).await
        );
    }
}

/// The next event matching `pred`, or a panic after a few seconds.
pub async fn next_event(sub: &mut Subscription, pred: impl Fn(&BusEvent) -> bool) -> BusEvent {
    let deadline = tokio::time::sleep(Duration::from_secs(5));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            _ = &mut deadline => panic!("timed out waiting for a bus event"),
            r = sub.recv() => if let Received::Event(e) = r && pred(&e) {
                return e;
            },
        }
    }
}
