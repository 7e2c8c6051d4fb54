//! Channels and their participants.

use crate::{channel_value, contract, server_value};
use agentd_core::DEFAULT_SERVER_ID;
use agentd_storage::prelude::*;
use agentd_storage::testing::TestDb;
use agentd_storage::{NewMessage, StorageError};
use uuid::Uuid;

async fn channel_crud(t: &TestDb) {
    let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
    let v = channel_value(DEFAULT_SERVER_ID, "GROUP");
    let c = t.create_channel(&v, &[a, b, a]).await.unwrap();
    assert_eq!(c, v);
    assert_eq!(t.get_channel(v.id).await.unwrap(), v);
    assert!(matches!(
        t.create_channel(&v, &[]).await,
        Err(StorageError::Duplicate(agentd_storage::Record::Channel))
    ));
    let orphan = channel_value(Uuid::new_v4(), "GROUP");
    assert!(matches!(
        t.create_channel(&orphan, &[]).await,
        Err(StorageError::MissingReference(
            agentd_storage::Record::MessageServer
        ))
    ));
    assert!(matches!(
        t.get_channel(Uuid::new_v4()).await,
        Err(StorageError::NotFound(agentd_storage::Record::Channel))
    ));

    let mut expected = vec![a, b];
    expected.sort();
    assert_eq!(t.list_channel_participants(v.id).await.unwrap(), expected);

    let second = t
        .create_channel(&channel_value(DEFAULT_SERVER_ID, "DM"), &[])
        .await
        .unwrap();
    let other_server = t.create_message_server(&server_value("s")).await.unwrap();
    t.create_channel(&channel_value(other_server.id, "GROUP"), &[])
        .await
        .unwrap();
    let ids: Vec<Uuid> = t
        .list_channels(DEFAULT_SERVER_ID)
        .await
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, vec![v.id, second.id]);

    t.create_message(&NewMessage::text(v.id, a, "x"))
        .await
        .unwrap();
    let mut changed = v.clone();
    changed.name = "renamed".to_owned();
    changed.topic = None;
    changed.metadata = Some(serde_json::json!({"new": true}));
    let u = t.update_channel(&changed, None).await.unwrap();
    assert_eq!(u.name, "renamed");
    assert_eq!(u.topic, None);
    assert_eq!(u.metadata, changed.metadata);
    assert_eq!(u.last_seq, 1, "an update keeps the sequence");
    assert_eq!(u.created_at, v.created_at);
    let c3 = Uuid::new_v4();
    t.update_channel(&changed, Some(&[b, c3])).await.unwrap();
    let mut expected = vec![b, c3];
    expected.sort();
    assert_eq!(
        t.list_channel_participants(v.id).await.unwrap(),
        expected,
        "participants are replaced in the update's transaction"
    );
    t.update_channel(&changed, Some(&[])).await.unwrap();
    assert!(t.list_channel_participants(v.id).await.unwrap().is_empty());
    changed.id = Uuid::new_v4();
    assert!(matches!(
        t.update_channel(&changed, None).await,
        Err(StorageError::NotFound(_))
    ));

    t.delete_channel(v.id).await.unwrap();
    assert!(matches!(
        t.get_channel(v.id).await,
        Err(StorageError::NotFound(_))
    ));
    assert!(matches!(
        t.delete_channel(v.id).await,
        Err(StorageError::NotFound(_))
    ));
    assert!(t.list_channel_participants(v.id).await.unwrap().is_empty());
    assert_eq!(t.count("central_messages", "1 = 1").await, 0);
}
contract!(channel_crud);

async fn channel_participants(t: &TestDb) {
    let c = crate::channel(t).await;
    let (a, b, x) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    t.add_channel_participants(c.id, &[a]).await.unwrap();
    t.add_channel_participants(c.id, &[a, b]).await.unwrap();
    let mut expected = vec![a, b];
    expected.sort();
    assert_eq!(t.list_channel_participants(c.id).await.unwrap(), expected);
    assert!(matches!(
        t.add_channel_participants(Uuid::new_v4(), &[a]).await,
        Err(StorageError::NotFound(agentd_storage::Record::Channel))
    ));
    assert_eq!(
        t.remove_channel_participants(c.id, &[a, x]).await.unwrap(),
        1
    );
    assert_eq!(t.remove_channel_participants(c.id, &[a]).await.unwrap(), 0);
    assert_eq!(t.list_channel_participants(c.id).await.unwrap(), vec![b]);
}
contract!(channel_participants);

async fn find_dm_channel(t: &TestDb) {
    let (a, b, c) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    assert_eq!(
        t.find_dm_channel(DEFAULT_SERVER_ID, a, b).await.unwrap(),
        None
    );
    // A group with both, and a DM with someone else, are not the DM.
    t.create_channel(&channel_value(DEFAULT_SERVER_ID, "GROUP"), &[a, b])
        .await
        .unwrap();
    t.create_channel(&channel_value(DEFAULT_SERVER_ID, "DM"), &[a, c])
        .await
        .unwrap();
    assert_eq!(
        t.find_dm_channel(DEFAULT_SERVER_ID, a, b).await.unwrap(),
        None
    );
    let dm = t
        .create_channel(&channel_value(DEFAULT_SERVER_ID, "DM"), &[a, b])
        .await
        .unwrap();
    assert_eq!(
        t.find_dm_channel(DEFAULT_SERVER_ID, a, b).await.unwrap(),
        Some(dm.clone())
    );
    assert_eq!(
        t.find_dm_channel(DEFAULT_SERVER_ID, b, a).await.unwrap(),
        Some(dm)
    );
    assert_eq!(t.find_dm_channel(Uuid::new_v4(), a, b).await.unwrap(), None);
}
contract!(find_dm_channel);

/// The revision moves with every change a history page shows (messages and their delivery
/// states), through every write path, and only for the channel concerned.
async fn channel_revision_tracks_message_and_delivery_changes(t: &TestDb) {
    use agentd_core::model::DeliveryState;
    use agentd_storage::{Delivery, MessageUpdate};
    let c = t
        .create_channel(&channel_value(DEFAULT_SERVER_ID, "GROUP"), &[])
        .await
        .unwrap();
    let other = t
        .create_channel(&channel_value(DEFAULT_SERVER_ID, "GROUP"), &[])
        .await
        .unwrap();
    assert_eq!(t.channel_revision(Uuid::new_v4()).await.unwrap(), None);
    let rev = || async { t.channel_revision(c.id).await.unwrap().unwrap() };
    let mut seen = vec![rev().await];
    fn changed(seen: &mut Vec<i64>, r: i64, what: &str) {
        assert!(!seen.contains(&r), "{what} left the revision at {r}");
        seen.push(r);
    }

    let m = t
        .create_message(&NewMessage::text(c.id, Uuid::new_v4(), "hi"))
        .await
        .unwrap()
        .message;
    changed(&mut seen, rev().await, "a new message");
    let other_before = t.channel_revision(other.id).await.unwrap();
    t.create_message(&NewMessage::text(other.id, Uuid::new_v4(), "elsewhere"))
        .await
        .unwrap();
    assert_ne!(t.channel_revision(other.id).await.unwrap(), other_before);
    let unchanged = rev().await;
    assert_eq!(
        &unchanged,
        seen.last().unwrap(),
        "another channel's message"
    );

    let update = MessageUpdate {
        content: Some("edited".to_owned()),
        ..MessageUpdate::default()
    };
    t.update_message(m.id, &update).await.unwrap();
    changed(&mut seen, rev().await, "an edit");
    let agent = Uuid::new_v4();
    let delivery = |state| Delivery::new(m.id, agent, state);
    t.set_delivery(&delivery(DeliveryState::Dispatched))
        .await
        .unwrap();
    changed(&mut seen, rev().await, "a delivery record");
    t.set_delivery(&delivery(DeliveryState::Errored))
        .await
        .unwrap();
    changed(&mut seen, rev().await, "a delivery state change");
    t.delete_message(c.id, m.id).await.unwrap();
    changed(&mut seen, rev().await, "a deletion");
    t.create_message(&NewMessage::text(c.id, Uuid::new_v4(), "again"))
        .await
        .unwrap();
    changed(&mut seen, rev().await, "a second message");
    t.clear_channel(c.id).await.unwrap();
    changed(&mut seen, rev().await, "clearing the channel");
    t.delete_channel(c.id).await.unwrap();
    assert_eq!(t.channel_revision(c.id).await.unwrap(), None);
}
contract!(channel_revision_tracks_message_and_delivery_changes);
