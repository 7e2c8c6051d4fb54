//! Memories, rooms and groups under `/api/memory` and `/api/agents`.

use agentd_core::create_unique_uuid;
use serde_json::json;
use uuid::Uuid;

use super::{assert_error, keys, spawn};

#[actix_web::test]
async fn memories_are_listed_updated_and_deleted_under_both_prefixes() {
    let app = spawn().await;
    let id = app.running("Eliza").await;
    let (channel, user) = app.conversation(id, "Men are all alike.").await;
    for prefix in ["/api/memory", "/api/agents"] {
        let r = app
            .get(&format!("{prefix}/{id}/rooms/{channel}/memories"))
            .await;
        assert_eq!(r.status, 200, "{}", r.raw);
        let mems = r.body["data"]["memories"].as_array().unwrap();
        assert_eq!(mems.len(), 2);
        assert_eq!(
            keys(&mems[0]),
            [
                "agentId",
                "content",
                "createdAt",
                "entityId",
                "id",
                "metadata",
                "roomId",
                "type",
                "unique"
            ]
        );
        assert_eq!(mems[0]["content"]["text"], "In what way?");
        assert_eq!(mems[1]["content"]["text"], "Men are all alike.");
        assert_eq!(mems[1]["entityId"], user.to_string());
        assert!(mems[0]["createdAt"].is_i64());
    }
    let r = app
        .get(&format!(
            "/api/memory/{id}/rooms/{channel}/memories?limit=1"
        ))
        .await;
    assert_eq!(r.body["data"]["memories"].as_array().unwrap().len(), 1);
    assert_error(
        &app.get(&format!(
            "/api/memory/{id}/rooms/{channel}/memories?before=soon"
        ))
        .await,
        400,
        "BAD_REQUEST",
    );
    assert_error(
        &app.get(&format!("/api/memory/{id}/rooms/x/memories")).await,
        400,
        "INVALID_ID",
    );
    let r = app
        .get(&format!("/api/memory/{id}/memories?channelId={channel}"))
        .await;
    assert_eq!(r.status, 200, "{}", r.raw);
    let mems = r.body["data"]["memories"].as_array().unwrap().clone();
    assert_eq!(mems.len(), 2);
    let room = create_unique_uuid(id, &channel.to_string());
    let r = app
        .get(&format!("/api/agents/{id}/memories?roomId={room}"))
        .await;
    assert_eq!(r.body["data"]["memories"].as_array().unwrap().len(), 2);
    assert_error(
        &app.get(&format!("/api/memory/{id}/memories?channelId=x"))
            .await,
        400,
        "INVALID_ID",
    );
    let stopped = app.create("Bob").await;
    assert_error(
        &app.get(&format!("/api/memory/{stopped}/memories")).await,
        404,
        "NOT_FOUND",
    );

    let mid = mems[0]["id"].as_str().unwrap().to_owned();
    let r = app
        .patch(
            &format!("/api/memory/{id}/memories/{mid}"),
            json!({"id": "ignored", "content": {"text": "edited"}, "roomId": "not-a-uuid"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(
        r.body["data"],
        json!({"id": mid, "message": "Memory updated successfully"})
    );
    let r = app.get(&format!("/api/memory/{id}/memories")).await;
    assert_eq!(r.body["data"]["memories"][0]["content"]["text"], "edited");
    assert_error(
        &app.patch(
            &format!("/api/memory/{id}/memories/{}", Uuid::new_v4()),
            json!({}),
        )
        .await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &app.patch(&format!("/api/memory/{id}/memories/x"), json!({}))
            .await,
        400,
        "INVALID_ID",
    );

    let r = app
        .delete(&format!("/api/memory/{id}/memories/{mid}"))
        .await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(
        r.body["data"],
        json!({"message": "Memory deleted successfully"})
    );
    assert_error(
        &app.delete(&format!("/api/memory/{id}/memories/{mid}"))
            .await,
        404,
        "NOT_FOUND",
    );

    let r = app
        .delete(&format!("/api/memory/{id}/memories/all/{channel}"))
        .await;
    assert_eq!(r.status, 204, "{}", r.raw);
    let r = app.get(&format!("/api/memory/{id}/memories")).await;
    assert_eq!(r.body["data"]["memories"], json!([]));
    assert_error(
        &app.delete(&format!("/api/memory/{id}/memories/all/x"))
            .await,
        400,
        "INVALID_ID",
    );

    app.conversation(id, "hello").await;
    let r = app.delete(&format!("/api/agents/{id}/memories")).await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(
        r.body["data"],
        json!({"deleted": 2, "message": "All agent memories cleared successfully"})
    );
    assert_error(
        &app.delete("/api/memory/x/memories").await,
        400,
        "INVALID_ID",
    );
    app.stop().await;
}

#[actix_web::test]
async fn rooms_are_created_listed_and_read() {
    let app = spawn().await;
    let id = app.running("Eliza").await;
    let (channel, _) = app.conversation(id, "hello").await;
    let r = app.get(&format!("/api/memory/{id}/rooms")).await;
    assert_eq!(r.status, 200, "{}", r.raw);
    let rooms = r.body["data"]["rooms"].as_array().unwrap().clone();
    assert_eq!(rooms.len(), 1);
    assert_eq!(
        keys(&rooms[0]),
        [
            "agentId",
            "channelId",
            "id",
            "messageServerId",
            "metadata",
            "name",
            "serverId",
            "source",
            "type",
            "worldId"
        ]
    );
    assert_eq!(rooms[0]["channelId"], channel.to_string());
    let rid = rooms[0]["id"].as_str().unwrap().to_owned();
    let r = app.get(&format!("/api/agents/{id}/rooms/{rid}")).await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(r.body["data"]["worldName"], "Server 00000000");
    assert_error(
        &app.get(&format!("/api/memory/{id}/rooms/{}", Uuid::new_v4()))
            .await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &app.get(&format!("/api/memory/{id}/rooms/x")).await,
        400,
        "INVALID_ID",
    );

    let r = app
        .post(
            &format!("/api/memory/{id}/rooms"),
            json!({"name": "Side", "metadata": {"k": 1}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    assert_eq!(
        keys(&r.body["data"]),
        [
            "agentId",
            "createdAt",
            "id",
            "messageServerId",
            "metadata",
            "name",
            "source",
            "type",
            "worldId"
        ]
    );
    assert_eq!(r.body["data"]["type"], "DM");
    assert_eq!(r.body["data"]["source"], "client");
    assert_error(
        &app.post(&format!("/api/memory/{id}/rooms"), json!({}))
            .await,
        400,
        "MISSING_PARAM",
    );
    assert_error(
        &app.post(
            &format!("/api/memory/{id}/rooms"),
            json!({"name": "x", "worldId": "w"}),
        )
        .await,
        400,
        "INVALID_ID",
    );
    assert_eq!(
        app.get(&format!("/api/memory/{id}/rooms?limit=1"))
            .await
            .body["data"]["rooms"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let stopped = app.create("Bob").await;
    assert_error(
        &app.get(&format!("/api/memory/{stopped}/rooms")).await,
        404,
        "NOT_FOUND",
    );
    app.stop().await;
}

#[actix_web::test]
async fn groups_create_rooms_and_delete_by_world() {
    let app = spawn().await;
    let a = app.running("Ann").await;
    let server = agentd_core::DEFAULT_SERVER_ID;
    let r = app
        .post(
            &format!("/api/memory/groups/{server}"),
            json!({"agentIds": [a], "name": "G"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    let rooms = r.body["data"].as_array().unwrap();
    assert_eq!(keys(&rooms[0]), ["id", "name", "source", "type", "worldId"]);
    assert_eq!(rooms[0]["type"], "API");
    let world = rooms[0]["worldId"].as_str().unwrap().to_owned();
    let ghost = Uuid::new_v4();
    let r = app
        .post(
            &format!("/api/memory/groups/{server}"),
            json!({"agentIds": [a, ghost]}),
        )
        .await;
    assert_eq!(r.status, 207, "{}", r.raw);
    assert_eq!(r.body["errors"][0]["code"], "NOT_FOUND");
    let r = app
        .post(
            &format!("/api/memory/groups/{server}"),
            json!({"agentIds": [ghost]}),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.raw);
    assert_eq!(r.body["success"], false);
    assert!(r.body["error"].is_array());
    assert_error(
        &app.post(&format!("/api/memory/groups/{server}"), json!({}))
            .await,
        400,
        "BAD_REQUEST",
    );
    assert_error(
        &app.post("/api/memory/groups/x", json!({"agentIds": [a]}))
            .await,
        400,
        "INVALID_ID",
    );
    // Group routes exist only under /api/memory.
    let r = app
        .post(
            &format!("/api/agents/groups/{server}"),
            json!({"agentIds": [a]}),
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body["error"]["code"], 404);

    let r = app
        .delete(&format!("/api/memory/groups/{world}/memories"))
        .await;
    assert_eq!(r.status, 204, "{}", r.raw);
    let r = app.delete(&format!("/api/memory/groups/{world}")).await;
    assert_eq!(r.status, 204, "{}", r.raw);
    assert_eq!(
        app.get(&format!("/api/memory/{a}/rooms")).await.body["data"]["rooms"],
        json!([])
    );
    assert_error(&app.delete("/api/memory/groups/x").await, 400, "INVALID_ID");
    assert_error(
        &app.delete("/api/memory/groups/x/memories").await,
        400,
        "INVALID_ID",
    );
    app.stop().await;
}
