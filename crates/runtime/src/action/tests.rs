use std::sync::Mutex;

use agentd_core::model::{Agent, Channel, Message};
use chrono::Utc;
use uuid::Uuid;

use super::*;

/// Gates from a fixed list; one action valid for messages containing "time"; a
/// provider at a given position; an evaluator that records.
struct Probe {
    gates: Vec<Decision>,
    log: Arc<Mutex<Vec<String>>>,
}

impl Plugin for Probe {
    fn name(&self) -> &'static str {
        "probe"
    }
    fn description(&self) -> &'static str {
        "test"
    }
    fn gates(&self) -> Vec<Gate> {
        self.gates
            .iter()
            .map(|d| {
                let d = *d;
                Gate {
                    name: "FIXED",
                    decide: Arc::new(move |_: &Turn| d),
                }
            })
            .collect()
    }
    fn providers(&self) -> Vec<ContextProvider> {
        [("LATE", 10), ("EARLY", -10), ("EMPTY", 0)]
            .into_iter()
            .map(|(name, position)| ContextProvider {
                name,
                description: "test",
                position,
                get: Arc::new(move |_: Arc<Turn>| {
                    Box::pin(async move { (name != "EMPTY").then(|| name.to_lowercase()) })
                }),
            })
            .collect()
    }
    fn actions(&self) -> Vec<Action> {
        vec![Action {
            name: "TELL_TIME",
            description: "tells the time",
            validate: Arc::new(|t: &Turn| t.message.content.contains("time")),
            handler: Arc::new(|_| Box::pin(async { Outcome::default() })),
        }]
    }
    fn evaluators(&self) -> Vec<Evaluator> {
        let log = self.log.clone();
        vec![Evaluator {
            name: "count",
            handler: Arc::new(move |ex: Exchange| {
                let log = log.clone();
                Box::pin(async move {
                    if let Ok(mut l) = log.lock() {
                        l.push(format!("eval:{}", ex.text));
                    }
                })
            }),
        }]
    }
}

fn turn(text: &str) -> Turn {
    let now = Utc::now();
    let agent = Agent::new(Uuid::new_v4(), "Ada", now);
    let channel = Channel {
        id: Uuid::new_v4(),
        message_server_id: Uuid::nil(),
        name: "c".into(),
        kind: "GROUP".into(),
        source_type: None,
        source_id: None,
        topic: None,
        metadata: None,
        last_seq: 1,
        created_at: now,
        updated_at: now,
    };
    let message = Message {
        id: Uuid::new_v4(),
        channel_id: channel.id,
        seq: 1,
        author_id: Uuid::new_v4(),
        content: text.into(),
        raw_message: None,
        in_reply_to_root_message_id: None,
        source_type: None,
        source_id: None,
        metadata: None,
        client_message_id: None,
        in_reply_to: None,
        created_at: now,
        updated_at: now,
    };
    Turn {
        agent: Arc::new(agent),
        channel,
        participants: 3,
        recent: vec![message.clone()],
        message,
        max_agent_streak: 3,
        actions: Vec::new(),
    }
}

fn probe(gates: &[Decision]) -> Vec<Arc<dyn Plugin>> {
    vec![Arc::new(Probe {
        gates: gates.to_vec(),
        log: Arc::new(Mutex::new(Vec::new())),
    })]
}

#[test]
fn gates_answer_only_when_asked_and_a_refusal_wins() {
    use Decision::*;
    let t = turn("hi");
    assert_eq!(decide(&probe(&[]), &t), Ok(false));
    assert_eq!(decide(&probe(&[Pass, Answer]), &t), Ok(true));
    assert_eq!(decide(&probe(&[Answer, Refuse]), &t), Err("FIXED"));
}

#[tokio::test]
async fn actions_validate_providers_compose_by_position_and_evaluators_run() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let plugins: Vec<Arc<dyn Plugin>> = vec![Arc::new(Probe {
        gates: vec![],
        log: log.clone(),
    })];
    let names =
        |t: &Turn| -> Vec<&str> { valid_actions(&plugins, t).iter().map(|a| a.name).collect() };
    assert_eq!(names(&turn("what time is it")), ["TELL_TIME"]);
    assert!(names(&turn("hello")).is_empty());
    let t = Arc::new(turn("hello"));
    assert_eq!(compose(&plugins, &t).await, "early\n\nlate");
    let ex = Exchange {
        turn: t,
        text: "noon".into(),
        actions: vec![],
        reply: None,
    };
    evaluate(&plugins, &ex).await;
    assert_eq!(*log.lock().unwrap(), ["eval:noon"]);
}

#[test]
fn the_core_gates_follow_addressing_and_the_loop_guard() {
    let core: Vec<Arc<dyn Plugin>> = vec![Arc::new(crate::plugin::core::CorePlugin)];
    let mut t = turn("hello all");
    assert_eq!(decide(&core, &t), Ok(false), "a group message not for Ada");
    t.message.content = "Ada, hello".into();
    assert_eq!(decide(&core, &t), Ok(true));
    let mut agent_msg = t.message.clone();
    agent_msg.source_type = Some(crate::prompt::AGENT_RESPONSE.into());
    t.recent = vec![agent_msg; 3];
    assert_eq!(decide(&core, &t), Err("LOOP_GUARD"));
}
