//! Channel routes and DMs, with the `/central-channels` aliases.

use agentd_bus::{Bus, BusEvent, Received};
use agentd_core::DEFAULT_SERVER_ID;
use agentd_storage::Backend;
use serde_json::json;
use uuid::Uuid;

use super::app::{family_b, spawn};
use crate::both;

async fn channel_lifecycle(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let (u, a) = (Uuid::new_v4(), Uuid::new_v4());
    let r = app
        .post(
            "/central-channels",
            json!({"name": "g", "server_id": DEFAULT_SERVER_ID,
            "participantCentralUserIds": [u], "metadata": {"k": "v"}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    let ch = &r.body["data"];
    assert_eq!(ch["type"], "GROUP");
    assert_eq!(ch["messageServerId"], DEFAULT_SERVER_ID.to_string());
    assert_eq!(ch["metadata"], json!({"k": "v"}));
    let id = ch["id"].as_str().unwrap().to_owned();

    let bad = json!({"name": "g", "message_server_id": "x", "participantCentralUserIds": []});
    family_b(
        &app.post("/channels", bad).await,
        400,
        "Invalid message_server_id format",
    );
    // No participants is an empty channel (the api-client's createChannel); a bad list and a
    // missing name are still 400.
    let r = app
        .post(
            "/channels",
            json!({"name": "g", "message_server_id": DEFAULT_SERVER_ID}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    let r = app
        .post(
            "/channels",
            json!({"name": "g", "message_server_id": DEFAULT_SERVER_ID,
                   "participantCentralUserIds": ["x"]}),
        )
        .await;
    assert_eq!(r.status, 400);
    let r = app
        .post("/channels", json!({"message_server_id": DEFAULT_SERVER_ID}))
        .await;
    assert_eq!(r.status, 400);
    assert!(
        r.body["error"]
            .as_str()
            .unwrap()
            .starts_with("Invalid payload. Required")
    );
    let missing = Uuid::new_v4();
    let r = app
        .post(
            "/channels",
            json!({"name": "g", "message_server_id": missing, "participantCentralUserIds": []}),
        )
        .await;
    family_b(&r, 404, &format!("Server {missing} does not exist"));

    // details, participants, agents
    let r = app.get(&format!("/channels/{id}/details")).await;
    assert_eq!(r.body["data"]["id"], id);
    family_b(
        &app.get("/channels/nope/details").await,
        400,
        "Invalid channelId",
    );
    family_b(
        &app.get(&format!("/channels/{}/details", Uuid::new_v4()))
            .await,
        404,
        "Channel not found",
    );
    let r = app
        .post(&format!("/channels/{id}/agents"), json!({"agentId": a}))
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    assert_eq!(
        r.body["data"],
        json!({"channelId": id, "agentId": a.to_string(), "message": "Agent added to channel successfully"})
    );
    family_b(
        &app.post(
            &format!("/channels/{}/agents", Uuid::new_v4()),
            json!({"agentId": a}),
        )
        .await,
        404,
        "Channel not found",
    );
    let mut want = vec![u.to_string(), a.to_string()];
    want.sort();
    let r = app.get(&format!("/channels/{id}/participants")).await;
    assert_eq!(r.body["data"], json!(want));
    let r = app.get(&format!("/central-channels/{id}/agents")).await;
    assert_eq!(
        r.body["data"],
        json!({"channelId": id, "participants": want})
    );
    let r = app.delete(&format!("/channels/{id}/agents/{a}")).await;
    assert_eq!(r.status, 200, "{}", r.raw);
    family_b(
        &app.delete(&format!("/channels/{id}/agents/{a}")).await,
        404,
        "Agent is not a participant in this channel",
    );

    // PATCH replaces name, metadata and participants
    let mut sub = app.bus.subscribe();
    let r = app
        .patch(
            &format!("/channels/{id}"),
            json!({"name": "renamed", "metadata": {"n": 2}, "participantCentralUserIds": [a]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(
        (r.body["data"]["name"].as_str(), &r.body["data"]["metadata"]),
        (Some("renamed"), &json!({"n": 2}))
    );
    let r = app.get(&format!("/channels/{id}/participants")).await;
    assert_eq!(r.body["data"], json!([a.to_string()]));
    let cid: Uuid = id.parse().unwrap();
    assert_eq!(
        sub.recv().await,
        Received::Event(BusEvent::ChannelChanged {
            channel_id: cid,
            deleted: false
        })
    );
    family_b(
        &app.patch(&format!("/channels/{}", Uuid::new_v4()), json!({}))
            .await,
        404,
        "Channel not found",
    );
    family_b(
        &app.patch(
            &format!("/channels/{id}"),
            json!({"participantCentralUserIds": ["x"]}),
        )
        .await,
        400,
        "participantCentralUserIds must be an array of UUIDs",
    );

    // DELETE
    let r = app.delete(&format!("/central-channels/{id}")).await;
    assert_eq!(r.status, 204);
    assert_eq!(
        sub.recv().await,
        Received::Event(BusEvent::ChannelCleared { channel_id: cid })
    );
    assert_eq!(
        sub.recv().await,
        Received::Event(BusEvent::ChannelChanged {
            channel_id: cid,
            deleted: true
        })
    );
    family_b(
        &app.delete(&format!("/channels/{id}")).await,
        404,
        "Channel not found",
    );
    app.stop().await;
}
both!(channel_lifecycle);

async fn dm_channels(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let (x, y) = (Uuid::new_v4(), Uuid::new_v4());
    let q = format!("/dm-channel?currentUserId={x}&targetUserId={y}");
    let r = app.get(&q).await;
    assert_eq!(r.status, 200, "{}", r.raw);
    let ch = r.body["data"].clone();
    assert_eq!(ch["type"], "DM");
    let (lo, hi) = if x.to_string() < y.to_string() {
        (x, y)
    } else {
        (y, x)
    };
    assert_eq!(ch["name"], format!("DM-{lo}-{hi}"));
    assert_eq!(
        ch["metadata"],
        json!({"user1": lo.to_string(), "user2": hi.to_string()})
    );
    let again = app
        .get(&format!(
            "/dm-channel?currentUserId={y}&targetUserId={x}&dmServerId={}",
            Uuid::new_v4()
        ))
        .await;
    assert_eq!(again.body["data"]["id"], ch["id"]);
    family_b(
        &app.get(&format!("/dm-channel?currentUserId={x}")).await,
        400,
        "Missing targetUserId or currentUserId",
    );
    family_b(
        &app.get(&format!("/dm-channel?currentUserId={x}&targetUserId={x}"))
            .await,
        400,
        "Cannot create DM channel with oneself",
    );
    app.stop().await;
}
both!(dm_channels);

/// The details carry the participants under `metadata.participantCentralUserIds` (where
/// `@elizaos/api-client`'s `addUserToChannel` reads them); echoing that metadata back in a
/// PATCH does not store the list in the metadata.
async fn details_show_participants_in_metadata(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let (u, a) = (Uuid::new_v4(), Uuid::new_v4());
    let c = app.channel(&[u, a]).await;
    let r = app.get(&format!("/channels/{c}/details")).await;
    assert_eq!(r.status, 200, "{}", r.raw);
    let mut listed: Vec<String> =
        serde_json::from_value(r.body["data"]["metadata"]["participantCentralUserIds"].clone())
            .unwrap();
    listed.sort();
    let mut want = vec![u.to_string(), a.to_string()];
    want.sort();
    assert_eq!(listed, want);

    let extra = Uuid::new_v4();
    let mut meta = r.body["data"]["metadata"].clone();
    meta["topic"] = json!("cats");
    let r = app
        .patch(
            &format!("/channels/{c}"),
            json!({"participantCentralUserIds": [u, extra], "metadata": meta}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(r.body["data"]["metadata"], json!({"topic": "cats"}));
    let r = app.get(&format!("/channels/{c}/details")).await;
    let listed = &r.body["data"]["metadata"]["participantCentralUserIds"];
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "{listed}");
    assert!(
        listed
            .as_array()
            .unwrap()
            .contains(&json!(extra.to_string()))
    );
    app.stop().await;
}
both!(details_show_participants_in_metadata);
