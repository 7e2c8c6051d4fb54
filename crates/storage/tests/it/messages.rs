//! Messages: gap-free seq, idempotency, pages, deletes, cursors, concurrency.

use crate::{channel, contract};
use agentd_storage::prelude::*;
use agentd_storage::testing::TestDb;
use agentd_storage::types::now;
use agentd_storage::{MAX_PAGE_LIMIT, MessagePage, MessageUpdate, NewMessage, StorageError};
use chrono::Duration;
use serde_json::json;
use uuid::Uuid;

fn seqs(page: &[agentd_core::model::Message]) -> Vec<i64> {
    page.iter().map(|m| m.seq).collect()
}

async fn seq_starts_at_one_and_is_gap_free(t: &TestDb) {
    let c = channel(t).await;
    let other = channel(t).await;
    let author = Uuid::new_v4();
    let mut first = NewMessage::text(c.id, author, "first");
    first.raw_message = Some(json!({"text": "first", "attachments": []}));
    first.metadata = Some(json!({"authorDisplayName": "u"}));
    first.source_type = Some("eliza_gui".to_owned());
    first.source_id = Some("s-1".to_owned());
    let created = t.create_message(&first).await.unwrap();
    assert!(!created.replayed);
    let m = created.message;
    assert_eq!(
        (m.id, m.seq, m.channel_id, m.author_id),
        (first.id, 1, c.id, author)
    );
    assert_eq!(m.raw_message, first.raw_message);
    assert_eq!(m.metadata, first.metadata);
    assert_eq!(m.source_id.as_deref(), Some("s-1"));
    assert_eq!(t.get_message(m.id).await.unwrap(), m);

    for i in 2..=20 {
        let mut n = NewMessage::text(c.id, author, format!("m{i}"));
        n.in_reply_to_root_message_id = Some(m.id);
        assert_eq!(t.create_message(&n).await.unwrap().message.seq, i);
    }
    // Channels count independently.
    let o = t
        .create_message(&NewMessage::text(other.id, author, "o"))
        .await
        .unwrap();
    assert_eq!(o.message.seq, 1);
    assert_eq!(t.get_channel(c.id).await.unwrap().last_seq, 20);
    let all = t
        .list_messages(&MessagePage::latest(c.id, 100))
        .await
        .unwrap();
    assert_eq!(seqs(&all), (1..=20).rev().collect::<Vec<_>>());

    assert!(matches!(
        t.create_message(&NewMessage::text(Uuid::new_v4(), author, "x"))
            .await,
        Err(StorageError::NotFound(agentd_storage::Record::Channel))
    ));
    let mut dangling = NewMessage::text(c.id, author, "x");
    dangling.in_reply_to_root_message_id = Some(Uuid::new_v4());
    assert!(matches!(
        t.create_message(&dangling).await,
        Err(StorageError::MissingReference(
            agentd_storage::Record::Message
        ))
    ));
    let mut dup_id = NewMessage::text(c.id, author, "x");
    dup_id.id = m.id;
    assert!(matches!(
        t.create_message(&dup_id).await,
        Err(StorageError::Duplicate(agentd_storage::Record::Message))
    ));
    // Failed inserts roll back their seq: still gap-free.
    let next = t
        .create_message(&NewMessage::text(c.id, author, "21"))
        .await
        .unwrap();
    assert_eq!(next.message.seq, 21);
    assert!(matches!(
        t.get_message(Uuid::new_v4()).await,
        Err(StorageError::NotFound(agentd_storage::Record::Message))
    ));
}
contract!(seq_starts_at_one_and_is_gap_free);

async fn idempotent_replay_and_conflict(t: &TestDb) {
    let c = channel(t).await;
    let (user, other_user) = (Uuid::new_v4(), Uuid::new_v4());
    let mut n = NewMessage::text(c.id, user, "hello");
    n.client_message_id = Some("k1".to_owned());
    let first = t.create_message(&n).await.unwrap();
    assert!(!first.replayed);

    let mut retry = n.clone();
    retry.id = Uuid::new_v4(); // a retry may carry a fresh id: the key decides
    let again = t.create_message(&retry).await.unwrap();
    assert!(again.replayed);
    assert_eq!(again.message, first.message);
    assert_eq!(t.get_channel(c.id).await.unwrap().last_seq, 1);

    let mut changed = n.clone();
    changed.content = "something else".to_owned();
    assert!(matches!(
        t.create_message(&changed).await,
        Err(StorageError::IdempotencyConflict)
    ));
    assert_eq!(
        StorageError::IdempotencyConflict.code(),
        agentd_core::ErrorCode::IdempotencyConflict
    );

    // The key is scoped to (channel, author).
    let mut theirs = n.clone();
    theirs.id = Uuid::new_v4();
    theirs.author_id = other_user;
    let t2 = t.create_message(&theirs).await.unwrap();
    assert!(!t2.replayed);
    assert_eq!(t2.message.seq, 2);

    // One reply per agent per message, even if the reply is generated twice.
    let agent_id = Uuid::new_v4();
    let mut reply = NewMessage::text(c.id, agent_id, "answer");
    reply.in_reply_to = Some(first.message.id);
    let r1 = t.create_message(&reply).await.unwrap();
    assert!(!r1.replayed);
    let mut reply2 = NewMessage::text(c.id, agent_id, "a different answer");
    reply2.in_reply_to = Some(first.message.id);
    let r2 = t.create_message(&reply2).await.unwrap();
    assert!(r2.replayed);
    assert_eq!(r2.message, r1.message);
    assert_eq!(t.get_channel(c.id).await.unwrap().last_seq, 3);
}
contract!(idempotent_replay_and_conflict);

async fn pages_by_seq_and_time(t: &TestDb) {
    let c = channel(t).await;
    let author = Uuid::new_v4();
    let t0 = now() - Duration::hours(1);
    for i in 0..30 {
        let mut n = NewMessage::text(c.id, author, format!("m{i}"));
        n.created_at = Some(t0 + Duration::seconds(i));
        t.create_message(&n).await.unwrap();
    }
    let page = |before_seq, after_seq, before, limit| MessagePage {
        channel_id: c.id,
        before_seq,
        after_seq,
        before,
        after: None,
        limit,
    };
    let list = |p: MessagePage| async move { seqs(&t.list_messages(&p).await.unwrap()) };
    assert_eq!(
        list(page(None, None, None, 10)).await,
        (21..=30).rev().collect::<Vec<_>>()
    );
    assert_eq!(
        list(page(Some(21), None, None, 10)).await,
        (11..=20).rev().collect::<Vec<_>>()
    );
    assert_eq!(list(page(None, Some(5), None, 3)).await, vec![8, 7, 6]);
    assert_eq!(
        list(page(Some(10), Some(5), None, 100)).await,
        vec![9, 8, 7, 6]
    );
    assert!(list(page(None, Some(30), None, 10)).await.is_empty());
    // created_at < t0 + 10 s: messages 0..=9, i.e. seq 1..=10.
    let before = Some(t0 + Duration::seconds(10));
    assert_eq!(
        list(page(None, None, before, 5)).await,
        vec![10, 9, 8, 7, 6]
    );
    assert_eq!(list(page(Some(3), None, before, 5)).await, vec![2, 1]);
    // The limit is clamped to 1..=MAX_PAGE_LIMIT.
    assert_eq!(list(page(None, None, None, 0)).await, vec![30]);
    assert_eq!(list(page(None, None, None, -5)).await, vec![30]);
    assert_eq!(list(page(None, None, None, i64::MAX)).await.len(), 30);
    let other = channel(t).await;
    assert!(list(MessagePage::latest(other.id, 10)).await.is_empty());
}
contract!(pages_by_seq_and_time);

async fn delete_and_clear(t: &TestDb) {
    let c = channel(t).await;
    let author = Uuid::new_v4();
    let root = t
        .create_message(&NewMessage::text(c.id, author, "root"))
        .await
        .unwrap();
    let mut n = NewMessage::text(c.id, author, "reply");
    n.in_reply_to_root_message_id = Some(root.message.id);
    let reply = t.create_message(&n).await.unwrap().message;
    let other = channel(t).await;
    assert!(matches!(
        t.delete_message(other.id, root.message.id).await,
        Err(StorageError::NotFound(agentd_storage::Record::Message))
    ));
    assert_eq!(
        t.delete_message(c.id, root.message.id).await.unwrap(),
        root.message.seq
    );
    assert!(matches!(
        t.get_message(root.message.id).await,
        Err(StorageError::NotFound(_))
    ));
    assert_eq!(
        t.get_message(reply.id)
            .await
            .unwrap()
            .in_reply_to_root_message_id,
        None
    );

    for i in 0..1001 {
        let mut n = NewMessage::text(c.id, author, format!("bulk {i}"));
        if i % 2 == 1 {
            n.in_reply_to_root_message_id = Some(reply.id);
        }
        t.create_message(&n).await.unwrap();
    }
    let capped = t
        .list_messages(&MessagePage::latest(c.id, 10_000))
        .await
        .unwrap();
    assert_eq!(capped.len(), MAX_PAGE_LIMIT as usize);
    assert_eq!(capped[0].seq, 1003);
    t.create_message(&NewMessage::text(other.id, author, "kept"))
        .await
        .unwrap();

    assert_eq!(t.clear_channel(c.id).await.unwrap(), 1002);
    assert!(
        t.list_messages(&MessagePage::latest(c.id, 10))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        t.list_messages(&MessagePage::latest(other.id, 10))
            .await
            .unwrap()
            .len(),
        1
    );
    let after = t
        .create_message(&NewMessage::text(c.id, author, "after"))
        .await
        .unwrap();
    assert_eq!(after.message.seq, 1004, "clearing keeps the sequence going");
    assert_eq!(t.clear_channel(Uuid::new_v4()).await.unwrap(), 0);
}
contract!(delete_and_clear);

async fn agent_cursors(t: &TestDb) {
    let c = channel(t).await;
    let a = crate::agent(t, "reader").await;
    assert_eq!(t.get_agent_cursor(a.id, c.id).await.unwrap(), 0);
    t.advance_agent_cursor(a.id, c.id, 5).await.unwrap();
    t.advance_agent_cursor(a.id, c.id, 3).await.unwrap();
    assert_eq!(t.get_agent_cursor(a.id, c.id).await.unwrap(), 5);
    t.advance_agent_cursor(a.id, c.id, 9).await.unwrap();
    assert_eq!(t.get_agent_cursor(a.id, c.id).await.unwrap(), 9);
    assert!(matches!(
        t.advance_agent_cursor(Uuid::new_v4(), c.id, 1).await,
        Err(StorageError::MissingReference(_))
    ));
}
contract!(agent_cursors);

async fn concurrent_writers_get_exactly_one_to_n(t: &TestDb) {
    const WRITERS: usize = 8;
    const EACH: usize = 500;
    let c = channel(t).await;
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..WRITERS {
        let db = t.db().clone();
        tasks.spawn(async move {
            let author = Uuid::new_v4();
            for i in 0..EACH {
                let mut n = NewMessage::text(c.id, author, format!("w{w} m{i}"));
                n.client_message_id = Some(format!("{w}-{i}"));
                db.create_message(&n).await.unwrap();
            }
        });
    }
    while let Some(r) = tasks.join_next().await {
        r.unwrap();
    }
    let total = (WRITERS * EACH) as i64;
    assert_eq!(t.get_channel(c.id).await.unwrap().last_seq, total);
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = MessagePage {
            before_seq: before,
            ..MessagePage::latest(c.id, MAX_PAGE_LIMIT)
        };
        let got = t.list_messages(&page).await.unwrap();
        let Some(last) = got.last() else { break };
        before = Some(last.seq);
        seen.extend(got.iter().map(|m| (m.seq, m.created_at)));
    }
    seen.sort_unstable();
    let got: Vec<i64> = seen.iter().map(|(s, _)| *s).collect();
    assert_eq!(got, (1..=total).collect::<Vec<_>>());
    // Stamped under the channel lock: time order is seq order.
    assert!(seen.windows(2).all(|w| w[0].1 <= w[1].1));
    assert_eq!(t.count("central_messages", "1 = 1").await, total);
}
contract!(concurrent_writers_get_exactly_one_to_n, "multi_thread");

async fn after_time_updates_and_replies(t: &TestDb) {
    let c = channel(t).await;
    let user = Uuid::new_v4();
    let agent = Uuid::new_v4();
    let t0 = now() - Duration::hours(1);
    let mut ids = Vec::new();
    for i in 0..6 {
        let mut n = NewMessage::text(c.id, user, format!("m{i}"));
        n.created_at = Some(t0 + Duration::seconds(i));
        ids.push(t.create_message(&n).await.unwrap().message.id);
    }
    let page = MessagePage {
        after: Some(t0 + Duration::seconds(3)),
        ..MessagePage::latest(c.id, 10)
    };
    assert_eq!(seqs(&t.list_messages(&page).await.unwrap()), vec![6, 5]);
    // `after` alone pages forward: the oldest `limit` newer messages, newest first.
    let page = MessagePage {
        after: Some(t0),
        ..MessagePage::latest(c.id, 2)
    };
    assert_eq!(seqs(&t.list_messages(&page).await.unwrap()), vec![3, 2]);

    assert_eq!(t.find_reply(agent, ids[0]).await.unwrap(), None);
    let mut reply = NewMessage::text(c.id, agent, "hi");
    reply.in_reply_to = Some(ids[0]);
    let stored = t.create_message(&reply).await.unwrap().message;
    assert_eq!(
        t.find_reply(agent, ids[0]).await.unwrap(),
        Some(stored.clone())
    );
    assert_eq!(t.find_reply(user, ids[0]).await.unwrap(), None);

    let u = MessageUpdate {
        content: Some("edited".to_owned()),
        metadata: Some(json!({"actionStatus": "done"})),
        ..MessageUpdate::default()
    };
    let edited = t.update_message(stored.id, &u).await.unwrap();
    assert_eq!(edited.content, "edited");
    assert_eq!(edited.metadata, Some(json!({"actionStatus": "done"})));
    assert_eq!((edited.seq, edited.author_id), (stored.seq, agent));
    assert!(matches!(
        t.update_message(Uuid::new_v4(), &u).await,
        Err(StorageError::NotFound(agentd_storage::Record::Message))
    ));
    let dangling = MessageUpdate {
        in_reply_to_root_message_id: Some(Uuid::new_v4()),
        ..MessageUpdate::default()
    };
    assert!(matches!(
        t.update_message(stored.id, &dangling).await,
        Err(StorageError::MissingReference(
            agentd_storage::Record::Message
        ))
    ));
}
contract!(after_time_updates_and_replies);
