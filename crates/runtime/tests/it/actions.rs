//! Plugin actions on real replies: the applying action's name is recorded on the reply.

use agentd_bus::BusEvent;
use agentd_storage::prelude::*;
use serde_json::json;
use uuid::Uuid;

use crate::{Ctx, both, next_event};

async fn applying_actions_are_recorded_on_the_reply(c: Ctx) {
    let mut a = c.agent("Eliza", json!({})).await;
    a.plugins = json!(["example"]);
    c.t.update_agent(&a).await.unwrap();
    let user = Uuid::new_v4();
    let ch = c.channel("DM", &[user, a.id]).await;
    c.manager.start(a.id).await.unwrap();
    let mut sub = c.bus.subscribe();
    for (text, want) in [
        ("I wave at you.", json!(["REPLY", "WAVE"])),
        ("Hello.", json!(["REPLY"])),
    ] {
        c.say(ch.id, user, text).await;
        let ev = next_event(
            &mut sub,
            |e| matches!(e, BusEvent::NewMessage { author_id, .. } if *author_id == a.id),
        )
        .await;
        let BusEvent::NewMessage { message_id, .. } = ev else {
            unreachable!()
        };
        let reply = c.t.get_message(message_id).await.unwrap();
        assert_eq!(reply.raw_message.unwrap()["actions"], want, "{text}");
    }
    c.manager.shutdown().await;
}
both!(applying_actions_are_recorded_on_the_reply);
