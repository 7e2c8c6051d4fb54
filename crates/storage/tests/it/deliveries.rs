//! Delivery state: dispatched never hides a terminal state; a stored reply settles it.

use crate::{channel, contract};
use agentd_core::model::DeliveryState::{self, *};
use agentd_storage::prelude::*;
use agentd_storage::testing::TestDb;
use agentd_storage::{Delivery, NewMessage, StorageError};
use uuid::Uuid;

fn d(message_id: Uuid, agent_id: Uuid, state: DeliveryState) -> Delivery {
    Delivery {
        message_id,
        agent_id,
        state,
    }
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
        Err(StorageError::Conflict(_))
    ));
    // Clearing the channel removes the records with the messages.
    t.clear_channel(c.id).await.unwrap();
    assert_eq!(t.list_deliveries(&[m.id]).await.unwrap(), vec![]);
}
contract!(delivery_states);
