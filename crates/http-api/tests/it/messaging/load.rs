//! Concurrency through the real server: 16 writers x 500 messages into 4 channels lose and
//! duplicate nothing; a retry storm on one idempotency key stores one message.

use std::collections::HashSet;

use agentd_core::DEFAULT_SERVER_ID;
use agentd_storage::Backend;
use agentd_storage::MessagePage;
use agentd_storage::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::app::spawn;
use crate::both;

const WRITERS: usize = 16;
const EACH: usize = 500;

async fn sixteen_writers_lose_nothing(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let app = std::rc::Rc::new(app);
    let agent = Uuid::new_v4();
    let mut channels = Vec::new();
    for _ in 0..4 {
        channels.push(app.channel(&[agent]).await);
    }
    let mut tasks = Vec::new();
    for w in 0..WRITERS {
        let (app, c) = (app.clone(), channels[w % 4]);
        tasks.push(actix_web::rt::spawn(async move {
            let author = Uuid::new_v4();
            let mut ids = Vec::new();
            for i in 0..EACH {
                let r = app
                    .post(
                        &format!("/channels/{c}/messages"),
                        json!({"author_id": author,
                        "content": format!("{w}-{i}"), "message_server_id": DEFAULT_SERVER_ID}),
                    )
                    .await;
                assert_eq!(r.status, 201, "{}", r.raw);
                ids.push(r.body["userMessage"]["id"].as_str().unwrap().to_owned());
            }
            ids
        }));
    }
    let mut acked = HashSet::new();
    for t in tasks {
        acked.extend(t.await.unwrap());
    }
    assert_eq!(acked.len(), WRITERS * EACH);
    for c in &channels {
        let ch = app.db().get_channel(*c).await.unwrap();
        assert_eq!(ch.last_seq, (WRITERS / 4 * EACH) as i64);
        let mut seqs = Vec::new();
        let mut before = None;
        loop {
            let page = MessagePage {
                before_seq: before,
                ..MessagePage::latest(*c, 500)
            };
            let got = app.db().list_messages(&page).await.unwrap();
            let Some(last) = got.last() else { break };
            before = Some(last.seq);
            for m in &got {
                assert!(acked.contains(&m.id.to_string()));
                seqs.push(m.seq);
            }
        }
        seqs.sort_unstable();
        assert_eq!(seqs, (1..=ch.last_seq).collect::<Vec<_>>());
    }
    assert_eq!(
        app.t.count("central_messages", "1=1").await,
        (WRITERS * EACH) as i64
    );
}
both!(sixteen_writers_lose_nothing);

async fn retry_storm_stores_one(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let app = std::rc::Rc::new(app);
    let user = Uuid::new_v4();
    let c = app.channel(&[user, Uuid::new_v4()]).await;
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let app = app.clone();
            actix_web::rt::spawn(async move {
                app.post_with(
                    &format!("/channels/{c}/messages"),
                    json!({"author_id": user, "content": "once", "message_server_id": DEFAULT_SERVER_ID}),
                    &[("Idempotency-Key", "storm")],
                )
                .await
            })
        })
        .collect();
    let mut ids = HashSet::new();
    for t in tasks {
        let r = t.await.unwrap();
        assert_eq!(r.status, 201, "{}", r.raw);
        ids.insert(r.body["userMessage"]["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 1);
    assert_eq!(app.t.count("central_messages", "1=1").await, 1);
    assert_eq!(app.db().get_channel(c).await.unwrap().last_seq, 1);
}
both!(retry_storm_stores_one);
