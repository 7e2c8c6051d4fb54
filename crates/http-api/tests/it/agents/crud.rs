//! Agent CRUD.

use serde_json::json;
use uuid::Uuid;

use super::{assert_error, keys, spawn};

#[actix_web::test]
async fn create_validates_masks_secrets_and_is_idempotent() {
    let app = spawn().await;
    let c = json!({"name": "Eliza", "bio": "A therapist", "settings": {"secrets": {"KEY": "v"}, "voice": "x"}});
    let r = app.post("/api/agents", json!({"characterJson": c})).await;
    assert_eq!(r.status, 201, "{}", r.raw);
    assert_eq!(keys(&r.body), ["data", "success"]);
    assert_eq!(keys(&r.body["data"]), ["character", "id"]);
    assert_eq!(r.body["data"]["id"], "b850bc30-45f8-0041-a00a-83df46d8555d");
    assert_eq!(
        r.body["data"]["character"]["settings"],
        json!({"secrets": {"KEY": "********"}, "voice": "x"})
    );
    assert!(!r.raw.contains("\"v\""));
    let again = app.post("/api/agents", json!({"agent": c})).await;
    assert_eq!(again.status, 201);
    assert_eq!(again.body["data"]["id"], r.body["data"]["id"]);
    app.stop().await;
}

#[actix_web::test]
async fn create_errors_are_400_create_error() {
    let app = spawn().await;
    let r = app.post("/api/agents", json!({})).await;
    assert_error(&r, 400, "CREATE_ERROR");
    assert_eq!(
        r.body["error"]["message"],
        "No character configuration provided"
    );
    assert_eq!(r.body["error"]["details"], r.body["error"]["message"]);
    let r = app
        .post(
            "/api/agents",
            json!({"agent": {"name": "X", "bio": "b", "status": "active"}}),
        )
        .await;
    assert_error(&r, 400, "CREATE_ERROR");
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("\"status\"")
    );
    let r = app
        .post("/api/agents", json!({"characterJson": {"bio": "b"}}))
        .await;
    assert_error(&r, 400, "CREATE_ERROR");
    let r = app
        .post("/api/agents", json!({"characterJson": {"name": "X", "bio": "b", "settings": {"modelProvider": "nope"}}}))
        .await;
    assert_error(&r, 400, "CREATE_ERROR");
    let r = app
        .send(app.client.post(app.url("/api/agents")), None)
        .await;
    assert!(r.status == 400, "{}", r.raw);
    app.stop().await;
}

#[actix_web::test]
async fn character_path_reads_only_inside_the_characters_directory() {
    let app = spawn().await;
    std::fs::write(app.chars.join("ada.json"), r#"{"name":"Ada","bio":["x"]}"#).unwrap();
    std::fs::write(app.chars.join("broken.json"), "{").unwrap();
    let r = app
        .post("/api/agents", json!({"characterPath": "ada"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    assert_eq!(r.body["data"]["character"]["name"], "Ada");
    let r = app
        .post("/api/agents", json!({"characterPath": "ada.json"}))
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    #[cfg(unix)]
    {
        std::fs::write(
            app.chars.join("../outside.json"),
            r#"{"name":"Out","bio":"x"}"#,
        )
        .unwrap();
        std::os::unix::fs::symlink(
            app.chars.join("../outside.json"),
            app.chars.join("link.json"),
        )
        .unwrap();
        let r = app
            .post("/api/agents", json!({"characterPath": "link.json"}))
            .await;
        assert_error(&r, 400, "CREATE_ERROR");
        assert!(
            r.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("outside"),
            "{}",
            r.raw
        );
    }
    for bad in [
        "../agentd.db",
        "/etc/passwd",
        "http://127.0.0.1/x.json",
        "missing",
        "broken",
        "sub/../../x",
    ] {
        let r = app.post("/api/agents", json!({"characterPath": bad})).await;
        assert_error(&r, 400, "CREATE_ERROR");
        assert!(!r.raw.contains("root:"), "{bad}");
    }
    app.stop().await;
}

#[actix_web::test]
async fn list_and_get_shapes() {
    let app = spawn().await;
    let a = app.create("Zed").await;
    let b = app.running("Amy").await;
    let c = app.create("Bob").await;
    let r = app.get("/api/agents").await;
    assert_eq!(r.status, 200, "{}", r.raw);
    let agents = r.body["data"]["agents"].as_array().unwrap();
    let ids: Vec<String> = agents
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, [b.to_string(), c.to_string(), a.to_string()]);
    assert_eq!(
        keys(&agents[0]),
        ["bio", "characterName", "id", "name", "status"]
    );
    assert_eq!(agents[0]["status"], "active");
    assert_eq!(agents[1]["status"], "inactive");
    assert_eq!(agents[0]["bio"], "b");

    let r = app.get(&format!("/api/agents/{b}")).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        keys(&r.body["data"]),
        [
            "adjectives",
            "bio",
            "createdAt",
            "enabled",
            "id",
            "knowledge",
            "messageExamples",
            "name",
            "plugins",
            "postExamples",
            "server_id",
            "settings",
            "status",
            "style",
            "topics",
            "updatedAt",
            "username"
        ]
    );
    assert!(r.body["data"]["createdAt"].is_i64());
    assert_eq!(r.body["data"]["status"], "active");
    assert_error(&app.get("/api/agents/not-a-uuid").await, 400, "INVALID_ID");
    assert_error(
        &app.get(&format!("/api/agents/{}", Uuid::new_v4())).await,
        404,
        "NOT_FOUND",
    );
    app.stop().await;
}

#[actix_web::test]
async fn patch_merges_settings_and_keeps_secrets() {
    let app = spawn().await;
    let r = app
        .post("/api/agents", json!({"characterJson": {"name": "Ada", "bio": "b", "settings": {"a": 1, "secrets": {"K": "real"}}}}))
        .await;
    let id = r.body["data"]["id"].as_str().unwrap().to_owned();
    let r = app
        .patch(&format!("/api/agents/{id}"), json!({"system": "Be kind", "status": "x", "settings": {"a": null, "b": 2, "secrets": {"K": "********", "N": "n"}}}))
        .await;
    assert_eq!(r.status, 200, "{}", r.raw);
    assert_eq!(r.body["data"]["system"], "Be kind");
    assert_eq!(r.body["data"]["status"], "inactive");
    assert_eq!(
        r.body["data"]["settings"],
        json!({"b": 2, "secrets": {"K": "********", "N": "********"}})
    );
    let stored = agentd_storage::AgentStore::get_agent(&app.db, id.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(stored.settings["secrets"], json!({"K": "real", "N": "n"}));
    let r = app
        .patch(
            &format!("/api/agents/{id}"),
            json!({"secrets": {"K": "rotated"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.raw);
    let stored = agentd_storage::AgentStore::get_agent(&app.db, id.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(stored.settings["secrets"]["K"], "rotated");
    assert_error(
        &app.patch(&format!("/api/agents/{id}"), json!({"bio": 3}))
            .await,
        400,
        "BAD_REQUEST",
    );
    assert_error(
        &app.patch(&format!("/api/agents/{id}"), json!([1])).await,
        400,
        "BAD_REQUEST",
    );
    assert_error(
        &app.patch("/api/agents/nope", json!({})).await,
        400,
        "INVALID_ID",
    );
    assert_error(
        &app.patch(&format!("/api/agents/{}", Uuid::new_v4()), json!({}))
            .await,
        404,
        "NOT_FOUND",
    );
    app.stop().await;
}

#[actix_web::test]
async fn delete_stops_and_removes_the_agent() {
    let app = spawn().await;
    let id = app.running("Ada").await;
    let r = app.delete(&format!("/api/agents/{id}")).await;
    assert_eq!(r.status, 204, "{}", r.raw);
    assert!(r.raw.is_empty());
    assert!(!app.state.agent_manager().is_running(id));
    assert_error(
        &app.get(&format!("/api/agents/{id}")).await,
        404,
        "NOT_FOUND",
    );
    assert_error(
        &app.delete(&format!("/api/agents/{id}")).await,
        404,
        "NOT_FOUND",
    );
    assert_error(&app.delete("/api/agents/x").await, 400, "INVALID_ID");
    app.stop().await;
}
