//! The newest history page is cached, and never served stale: every change to the
//! channel's messages or delivery states, made by anyone with access to the database (here
//! straight through storage, as another instance would), shows on the next read.

use agentd_core::model::DeliveryState;
use agentd_storage::prelude::*;
use agentd_storage::{Backend, Delivery, MessageUpdate, NewMessage};
use serde_json::Value;
use uuid::Uuid;

use super::app::spawn;
use crate::both;

fn contents(r: &Value) -> Vec<String> {
    r["data"]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap().to_owned())
        .collect()
}

async fn cached_pages_follow_every_change(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let user = Uuid::new_v4();
    let c = app.channel(&[user]).await;
    let page = format!("/channels/{c}/messages");
    let first = app
        .db()
        .create_message(&NewMessage::text(c, user, "one"))
        .await
        .unwrap()
        .message;
    let r = app.get(&page).await;
    assert_eq!(contents(&r.body), ["one"]);
    // Served again (from the cache) unchanged, byte for byte.
    assert_eq!(app.get(&page).await.raw, r.raw);
    assert!(app.get(&format!("{page}?limit=1")).await.status == 200);

    app.db()
        .create_message(&NewMessage::text(c, user, "two"))
        .await
        .unwrap();
    assert_eq!(contents(&app.get(&page).await.body), ["two", "one"]);

    let agent = Uuid::new_v4();
    let delivery = Delivery::new(first.id, agent, DeliveryState::Errored);
    app.db().set_delivery(&delivery).await.unwrap();
    let r = app.get(&page).await;
    assert_eq!(
        r.body["data"]["messages"][1]["delivery"][agent.to_string()],
        "errored",
        "{}",
        r.raw
    );

    let edit = MessageUpdate {
        content: Some("one, edited".to_owned()),
        ..MessageUpdate::default()
    };
    app.db().update_message(first.id, &edit).await.unwrap();
    assert_eq!(contents(&app.get(&page).await.body), ["two", "one, edited"]);

    app.db().delete_message(c, first.id).await.unwrap();
    assert_eq!(contents(&app.get(&page).await.body), ["two"]);
    // Other page sizes are cached apart and follow too.
    assert_eq!(
        contents(&app.get(&format!("{page}?limit=1")).await.body),
        ["two"]
    );

    app.db().clear_channel(c).await.unwrap();
    assert!(contents(&app.get(&page).await.body).is_empty());
    app.db().delete_channel(c).await.unwrap();
    let r = app.get(&page).await;
    assert_eq!((r.status, contents(&r.body).len()), (200, 0), "{}", r.raw);
    app.stop().await;
}
both!(cached_pages_follow_every_change);
