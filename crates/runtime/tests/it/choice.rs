//! The model chooses actions: the prompt lists the valid ones, the answer's block names
//! the chosen ones, and only those run (the `openai` provider against the fake server).

use std::sync::{Arc, Mutex};

use agentd_bus::BusEvent;
use agentd_runtime::action::{Action, Exchange, Outcome, Turn};
use agentd_runtime::plugin::{Plugin, PluginRegistry};
use agentd_runtime::{AgentManager, AgentRegistry, RuntimeConfig};
use agentd_storage::prelude::*;
use serde_json::json;
use uuid::Uuid;

use crate::openai::{Answer, fake};
use crate::{Ctx, both, next_event};

/// An always-valid `NOTE` action that records the replies it saw.
struct Notes(Arc<Mutex<Vec<String>>>);

impl Plugin for Notes {
    fn name(&self) -> &'static str {
        "notes"
    }
    fn description(&self) -> &'static str {
        "records"
    }
    fn actions(&self) -> Vec<Action> {
        let log = self.0.clone();
        vec![Action {
            name: "NOTE",
            description: "Take a note of the conversation.",
            validate: Arc::new(|_: &Turn| true),
            handler: Arc::new(move |ex: Exchange| {
                let log = log.clone();
                Box::pin(async move {
                    let reply = ex.reply.map(|m| m.content).unwrap_or_default();
                    log.lock().unwrap().push(reply);
                    Outcome::default()
                })
            }),
        }]
    }
}

async fn the_model_chooses_the_actions_that_run(c: Ctx) {
    let f = fake(vec![
        Answer::Sse(vec![
            "<actions>NOTE, ",
            "REPLY, DANCE</actions>\n",
            "Noted!",
        ]),
        Answer::Sse(vec!["<actions>REPLY</actions>", "Just a reply."]),
        Answer::Sse(vec!["<actions>IGNORE</actions>"]),
        Answer::Sse(vec!["No block here."]),
    ])
    .await;
    let notes = Arc::new(Mutex::new(Vec::new()));
    let mut plugins = PluginRegistry::builtin();
    let n = notes.clone();
    plugins
        .register(move || Arc::new(Notes(n.clone())))
        .unwrap();
    let manager = AgentManager::with_plugins(
        c.t.db().clone(),
        c.bus.clone(),
        AgentRegistry::new(),
        RuntimeConfig::default(),
        plugins,
    );
    let mut agent = c
        .agent(
            "Ada",
            json!({"modelProvider": "openai", "OPENAI_BASE_URL": f.url}),
        )
        .await;
    agent.plugins = json!(["notes"]);
    c.t.update_agent(&agent).await.unwrap();
    let user = Uuid::new_v4();
    let ch = c.channel("DM", &[user, agent.id]).await;
    manager.start(agent.id).await.unwrap();
    let mut sub = c.bus.subscribe();

    // 1. NOTE and REPLY chosen (DANCE is unknown and ignored): the reply is stored
    //    without the block, the block never reaches the stream, NOTE sees the reply.
    c.say(ch.id, user, "hello").await;
    let mut chunks = Vec::new();
    let reply_id = loop {
        match next_event(&mut sub, |_| true).await {
            BusEvent::MessageStreamChunk { chunk, .. } => chunks.push(chunk),
            BusEvent::NewMessage {
                author_id,
                message_id,
                ..
            } if author_id == agent.id => break message_id,
            _ => {}
        }
    };
    assert_eq!(chunks, ["Noted!"]);
    let reply = c.t.get_message(reply_id).await.unwrap();
    assert_eq!(reply.content, "Noted!");
    assert_eq!(
        reply.raw_message.unwrap()["actions"],
        json!(["REPLY", "NOTE"])
    );
    next_event(&mut sub, |e| matches!(e, BusEvent::MessageComplete { .. })).await;
    assert_eq!(*notes.lock().unwrap(), ["Noted!"]);
    let prompt = f.seen.lock().unwrap()[0].body["messages"][0]["content"]
        .as_str()
        .unwrap()
        .to_owned();
    for listed in ["- REPLY:", "- IGNORE:", "- NOTE: Take a note", "<actions>"] {
        assert!(prompt.contains(listed), "{listed} in {prompt}");
    }

    // 2. Only REPLY named: NOTE does not run.
    c.say(ch.id, user, "again").await;
    let h = c.wait_for_count(ch.id, 4).await;
    assert_eq!(h[3].content, "Just a reply.");
    assert_eq!(
        h[3].raw_message.clone().unwrap()["actions"],
        json!(["REPLY"])
    );
    next_event(&mut sub, |e| matches!(e, BusEvent::MessageComplete { .. })).await;

    // 3. IGNORE: no reply at all, and the delivery says why.
    let bye = c.say(ch.id, user, "bye").await;
    next_event(&mut sub, |e| matches!(e, BusEvent::MessageComplete { .. })).await;
    assert_eq!(c.history(ch.id).await.len(), 5);
    let d = c.t.list_deliveries(&[bye.id]).await.unwrap();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].state, agentd_core::model::DeliveryState::Ignored);
    assert_eq!(d[0].reason.as_deref(), Some("ignore_action"));

    // 4. No block: the fallback is REPLY.
    c.say(ch.id, user, "still there?").await;
    let h = c.wait_for_count(ch.id, 7).await;
    assert_eq!(h[6].content, "No block here.");
    assert_eq!(
        h[6].raw_message.clone().unwrap()["actions"],
        json!(["REPLY"])
    );
    assert_eq!(notes.lock().unwrap().len(), 1, "NOTE ran only when chosen");
    manager.shutdown().await;
}
both!(the_model_chooses_the_actions_that_run);
