//! Answering: DMs, groups, restarts, the loop guard, provider errors.

use agentd_core::model::DeliveryState;
use std::sync::Arc;
use std::time::Duration;

use agentd_bus::BusEvent;
use agentd_runtime::provider::BoxFuture;
use agentd_runtime::{AgentRuntime, GenerateRequest, ModelProvider, ProviderError, RuntimeConfig};
use agentd_storage::prelude::*;
use serde_json::json;
use uuid::Uuid;

use crate::{Ctx, both, next_event};

async fn answers_in_a_dm_with_eliza(c: Ctx) {
    let eliza = c.agent("Eliza", json!({})).await;
    let user = Uuid::new_v4();
    let ch = c.channel("DM", &[user, eliza.id]).await;
    c.manager.start(eliza.id).await.unwrap();
    let mut sub = c.bus.subscribe();
    let m = c.say(ch.id, user, "Men are all alike.").await;
    let ev = next_event(
        &mut sub,
        |e| matches!(e, BusEvent::NewMessage { author_id, .. } if *author_id == eliza.id),
    )
    .await;
    let BusEvent::NewMessage {
        message_id, seq, ..
    } = ev
    else {
        unreachable!()
    };
    assert_eq!(seq, m.seq + 1);
    let reply = c.t.get_message(message_id).await.unwrap();
    assert_eq!(reply.content, "In what way?");
    assert_eq!(reply.source_type.as_deref(), Some("agent_response"));
    assert_eq!(reply.in_reply_to, Some(m.id));
    assert_eq!(reply.author_id, eliza.id);
    next_event(
        &mut sub,
        |e| matches!(e, BusEvent::MessageComplete { channel_id, .. } if *channel_id == ch.id),
    )
    .await;
    // The cursor moves once the message is fully handled, just after the events.
    let mut cursor = 0;
    for _ in 0..100 {
        cursor = c.t.get_agent_cursor(eliza.id, ch.id).await.unwrap();
        if cursor >= m.seq {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(cursor >= m.seq);
    // The agent remembered both messages and logged its model call.
    assert_eq!(c.t.count("memories", "1 = 1").await, 2);
    assert_eq!(c.t.count("logs", "type = 'useModel'").await, 1);
    c.manager.shutdown().await;
}
both!(answers_in_a_dm_with_eliza);

async fn answers_in_a_group_only_when_addressed(c: Ctx) {
    let eliza = c.agent("Eliza", json!({})).await;
    let (u1, u2) = (Uuid::new_v4(), Uuid::new_v4());
    let ch = c.channel("GROUP", &[u1, u2, eliza.id]).await;
    c.manager.start(eliza.id).await.unwrap();
    c.say(ch.id, u1, "I am sad today").await;
    c.say(ch.id, u2, "Eliza, I am sad today").await;
    let h = c.wait_for_count(ch.id, 3).await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    let h2 = c.history(ch.id).await;
    assert_eq!(h2.len(), 3, "{h2:?}");
    assert_eq!(h[2].author_id, eliza.id);
    assert_eq!(h[2].in_reply_to, Some(h[1].id));
    assert_eq!(h[2].content, "I am sorry to hear that you are sad.");
    c.manager.shutdown().await;
}
both!(answers_in_a_group_only_when_addressed);

async fn a_restart_answers_every_message_once(c: Ctx) {
    let eliza = c.agent("Eliza", json!({})).await;
    let user = Uuid::new_v4();
    let ch = c.channel("DM", &[user, eliza.id]).await;
    c.manager.start(eliza.id).await.unwrap();
    c.say(ch.id, user, "hello").await;
    c.wait_for_count(ch.id, 2).await;
    c.manager.shutdown().await;
    assert!(
        c.t.get_agent(eliza.id).await.unwrap().enabled,
        "shutdown keeps intent"
    );
    c.say(ch.id, user, "I need a holiday").await;
    c.say(ch.id, user, "My mother says so").await;
    c.manager.start(eliza.id).await.unwrap();
    let h = c.wait_for_count(ch.id, 6).await;
    // A second start and a duplicate event change nothing.
    c.manager.start(eliza.id).await.unwrap();
    c.bus.publish(BusEvent::NewMessage {
        channel_id: ch.id,
        seq: h[4].seq,
        message_id: h[4].id,
        author_id: user,
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let h = c.history(ch.id).await;
    assert_eq!(h.len(), 6, "{h:?}");
    let users: Vec<_> = h.iter().filter(|m| m.author_id == user).collect();
    assert_eq!(users.len(), 3);
    for u in users {
        let replies: Vec<_> = h.iter().filter(|m| m.in_reply_to == Some(u.id)).collect();
        assert_eq!(replies.len(), 1, "{h:?}");
    }
    let holiday = h.iter().find(|m| m.content == "I need a holiday").unwrap();
    let reply = h
        .iter()
        .find(|m| m.in_reply_to == Some(holiday.id))
        .unwrap();
    assert_eq!(
        reply.content,
        "What would it mean to you if you got a holiday?"
    );
    c.manager.shutdown().await;
}
both!(a_restart_answers_every_message_once);

async fn the_loop_guard_stops_agents_talking_forever(c: Ctx) {
    let always = json!({"respondInGroups": true});
    let a = c.agent("Ann", always.clone()).await;
    let b = c.agent("Bob", always).await;
    let user = Uuid::new_v4();
    let ch = c.channel("GROUP", &[user, a.id, b.id]).await;
    c.manager.start(a.id).await.unwrap();
    c.manager.start(b.id).await.unwrap();
    c.say(ch.id, user, "hello both").await;
    c.wait_for_count(ch.id, 4).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let h = c.history(ch.id).await;
    let agent_msgs = h.iter().filter(|m| m.author_id != user).count();
    assert!((3..=4).contains(&agent_msgs), "{h:?}");
    // The agent that stopped the loop says so on the message it did not answer.
    let ids: Vec<Uuid> = h.iter().map(|m| m.id).collect();
    let deliveries = c.t.list_deliveries(&ids).await.unwrap();
    assert!(
        deliveries.iter().any(|d| d.state == DeliveryState::Ignored
            && d.reason.as_deref() == Some("loop_guard")),
        "{deliveries:?}"
    );
    c.manager.shutdown().await;
}
both!(the_loop_guard_stops_agents_talking_forever);

struct Broken;

impl ModelProvider for Broken {
    fn name(&self) -> &'static str {
        "broken"
    }
    fn generate<'a>(
        &'a self,
        _req: &'a GenerateRequest,
    ) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async { Err(ProviderError::Timeout) })
    }
}

async fn provider_errors_reach_the_channel_with_a_code(c: Ctx) {
    let agent = c.agent("Eliza", json!({})).await;
    let user = Uuid::new_v4();
    let ch = c.channel("DM", &[user, agent.id]).await;
    c.messaging.agents().mark_running(agent.id);
    let rt = AgentRuntime::new(
        agent.clone(),
        c.messaging.clone(),
        Arc::new(Broken),
        RuntimeConfig::default(),
    );
    let (stop, rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(rt.run(rx));
    let mut sub = c.bus.subscribe();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let m = c.say(ch.id, user, "hello").await;
    let ev = next_event(
        &mut sub,
        |e| matches!(e, BusEvent::DeliveryChanged { state, .. } if state.is_terminal()),
    )
    .await;
    assert!(
        matches!(ev, BusEvent::DeliveryChanged { channel_id, message_id, agent_id, state: DeliveryState::Errored, ref reason } if channel_id == ch.id && message_id == m.id && agent_id == agent.id && reason.as_deref() == Some("MODEL_TIMEOUT")),
        "{ev:?}"
    );
    next_event(&mut sub, |e| matches!(e, BusEvent::MessageComplete { .. })).await;
    stop.send(true).unwrap();
    task.await.unwrap();
    assert_eq!(c.history(ch.id).await.len(), 1);
    let stored = c.t.list_deliveries(&[m.id]).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].state, DeliveryState::Errored);
    assert_eq!(stored[0].reason.as_deref(), Some("MODEL_TIMEOUT"));
}
both!(provider_errors_reach_the_channel_with_a_code);

async fn deletions_reach_the_agents_memories(c: Ctx) {
    let eliza = c.agent("Eliza", json!({})).await;
    let user = Uuid::new_v4();
    let ch = c.channel("DM", &[user, eliza.id]).await;
    c.manager.start(eliza.id).await.unwrap();
    let m = c.say(ch.id, user, "hello").await;
    c.wait_for_count(ch.id, 2).await;
    let wait_memories = |n: i64| {
        let t = &c.t;
        async move {
            for _ in 0..100 {
                if t.count("memories", "1 = 1").await == n {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            panic!("memories never reached {n}");
        }
    };
    wait_memories(2).await;
    c.bus.publish(BusEvent::MessageDeleted {
        channel_id: ch.id,
        seq: m.seq,
        message_id: m.id,
    });
    wait_memories(1).await;
    c.bus
        .publish(BusEvent::ChannelCleared { channel_id: ch.id });
    wait_memories(0).await;
    c.manager.shutdown().await;
}
both!(deletions_reach_the_agents_memories);
