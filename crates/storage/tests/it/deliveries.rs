//! Delivery state: dispatched never hides a terminal state; a stored reply settles it.

use crate::{channel, contract};
use agentd_core::model::DeliveryState::{self, *};
use agentd_storage::prelude::*;
use agentd_storage::testing::TestDb;
use agentd_storage::{Delivery, NewMessage, StorageError};
use uuid::Uuid;

fn d(message_id: Uuid, agent_id: Uuid, state: DeliveryState) -> Delivery {
    Delivery::new(message_id, agent_id, state)
}

async fn delivery_states(t: &TestDb) {
    let c = channel(t).await;
    let (user, a, b) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let m = t
        .create_message(&NewMessage::text(c.id, user, "hi"))
        .await
        .unwrap()
        .message;
    assert_eq!(t.list_deliveries(&[m.id]).await.unwrap(), vec![]);
    t.set_delivery(&d(m.id, a, Dispatched)).await.unwrap();
    t.set_delivery(&d(m.id, b, Ignored)).await.unwrap();
    // A late dispatch record does not hide b's terminal state.
    t.set_delivery(&d(m.id, b, Dispatched)).await.unwrap();
    let mut reply = NewMessage::text(c.id, a, "hello");
    reply.in_reply_to = Some(m.id);
    t.create_message(&reply).await.unwrap();
    let mut want = vec![d(m.id, a, Replied), d(m.id, b, Ignored)];
    want.sort_by_key(|x| x.agent_id);
    assert_eq!(t.list_deliveries(&[m.id]).await.unwrap(), want);
    t.set_delivery(&d(m.id, b, Errored)).await.unwrap();
    assert!(
        t.list_deliveries(&[m.id])
            .await
            .unwrap()
            .contains(&d(m.id, b, Errored))
    );
    assert!(matches!(
        t.set_delivery(&d(Uuid::new_v4(), a, Dispatched)).await,
        Err(StorageError::MissingReference(_))
    ));
    // Clearing the channel removes the records with the messages.
    t.clear_channel(c.id).await.unwrap();
    assert_eq!(t.list_deliveries(&[m.id]).await.unwrap(), vec![]);
}
contract!(delivery_states);

async fn dispatched_with_the_message_and_settled_with_reasons(t: &TestDb) {
    let c = channel(t).await;
    let (user, a, b) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    let mut new = NewMessage::text(c.id, user, "hi");
    new.dispatch_to = vec![a, b, user];
    new.client_message_id = Some("k".to_owned());
    let m = t.create_message(&new).await.unwrap().message;
    let mut want = vec![d(m.id, a, Dispatched), d(m.id, b, Dispatched)];
    want.sort_by_key(|x| x.agent_id);
    assert_eq!(
        t.list_deliveries(&[m.id]).await.unwrap(),
        want,
        "one record per agent handed the message, never its author"
    );
    // A replay writes nothing, whoever it names.
    new.dispatch_to = vec![Uuid::new_v4()];
    assert!(t.create_message(&new).await.unwrap().replayed);
    assert_eq!(t.list_deliveries(&[m.id]).await.unwrap().len(), 2);

    let errored = Delivery {
        reason: Some("MODEL_TIMEOUT".to_owned()),
        ..d(m.id, a, Errored)
    };
    t.set_delivery(&errored).await.unwrap();
    let stored = t.list_deliveries(&[m.id]).await.unwrap();
    assert!(stored.contains(&errored), "{stored:?}");

    // Stopping b settles what it still holds, and only that.
    let settled = t
        .settle_pending_deliveries(b, Ignored, "agent_stopped")
        .await
        .unwrap();
    assert_eq!(settled, vec![(c.id, m.id)]);
    assert!(
        t.list_deliveries(&[m.id])
            .await
            .unwrap()
            .contains(&Delivery {
                reason: Some("agent_stopped".to_owned()),
                ..d(m.id, b, Ignored)
            })
    );
    assert!(
        t.settle_pending_deliveries(b, Ignored, "agent_stopped")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        t.settle_pending_deliveries(a, Ignored, "agent_stopped")
            .await
            .unwrap()
            .is_empty(),
        "a terminal state is not settled again"
    );
}
contract!(dispatched_with_the_message_and_settled_with_reasons);
