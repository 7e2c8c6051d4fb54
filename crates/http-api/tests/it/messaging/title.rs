//! `generate-title`, with a real started ELIZA agent.

use agentd_storage::prelude::*;
use agentd_storage::{Backend, NewMessage};
use serde_json::json;
use uuid::Uuid;

use super::app::{family_b, spawn};
use crate::both;

async fn generate_title(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let agent = app.started_agent("eliza", json!({})).await;
    let user = Uuid::new_v4();
    let c = app.channel(&[user]).await;
    let body = json!({"agentId": agent});
    for p in ["channels", "central-channels"] {
        let r = app
            .post(&format!("/{p}/{c}/generate-title"), body.clone())
            .await;
        assert_eq!(r.status, 200, "{}", r.raw);
        assert_eq!(r.body["data"]["title"], json!(null));
        assert_eq!(r.body["data"]["channelId"], c.to_string());
        assert_eq!(
            r.body["data"]["reason"],
            "Not enough messages to generate a title"
        );
    }
    for text in [
        "I feel sad about my garden",
        "The roses died",
        "My mother loved them",
        "Why?",
    ] {
        app.db()
            .create_message(&NewMessage::text(c, user, text))
            .await
            .unwrap();
    }
    let r = app
        .post(&format!("/channels/{c}/generate-title"), body.clone())
        .await;
    assert_eq!(r.status, 200, "{}", r.raw);
    let title = r.body["data"]["title"].as_str().unwrap();
    assert!(!title.is_empty() && title.chars().count() <= 80, "{title}");
    // `limit` below the minimum reads too few messages.
    let r = app
        .post(
            &format!("/channels/{c}/generate-title?limit=3"),
            body.clone(),
        )
        .await;
    assert_eq!(r.body["data"]["title"], json!(null), "{}", r.raw);
    // Errors, family B.
    let r = app
        .post("/channels/nope/generate-title", body.clone())
        .await;
    family_b(&r, 400, "Invalid channel ID format");
    let r = app
        .post(
            &format!("/channels/{c}/generate-title"),
            json!({"agentId": "x"}),
        )
        .await;
    family_b(&r, 400, "Valid agent ID is required");
    let r = app
        .post(&format!("/channels/{c}/generate-title"), json!({}))
        .await;
    family_b(&r, 400, "Valid agent ID is required");
    let stranger = json!({"agentId": Uuid::new_v4()});
    let r = app
        .post(&format!("/channels/{c}/generate-title"), stranger)
        .await;
    family_b(&r, 404, "Agent not found or not active");
    // Marked running elsewhere (no provider here) is not active for this route either.
    let remote = app.agent("remote").await;
    let r = app
        .post(
            &format!("/channels/{c}/generate-title"),
            json!({"agentId": remote}),
        )
        .await;
    family_b(&r, 404, "Agent not found or not active");
    let r = app
        .post(&format!("/channels/{c}/generate-title?limit=0"), body)
        .await;
    family_b(&r, 400, "Invalid limit");
    app.stop().await;
}
both!(generate_title);

/// A fake OpenAI-compatible server whose chat answer is blank.
fn blank_model() -> String {
    use actix_web::{App, HttpResponse, HttpServer, web};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let server = HttpServer::new(|| {
        App::new().route(
            "/v1/chat/completions",
            web::post().to(|| async {
                HttpResponse::Ok().json(json!({"choices": [{"message": {"content": "  \n "}}]}))
            }),
        )
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    actix_web::rt::spawn(server);
    url
}

/// elizaOS never answers when the model's title is empty; agentd answers an error at once.
async fn an_empty_model_answer_is_an_error(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let settings = json!({"modelProvider": "openai", "OPENAI_BASE_URL": blank_model(),
                          "secrets": {"OPENAI_API_KEY": "sk-test"}});
    let agent = app.started_agent("blank", settings).await;
    let user = Uuid::new_v4();
    let c = app.channel(&[user]).await;
    for text in ["a", "b", "c", "d"] {
        app.db()
            .create_message(&NewMessage::text(c, user, text))
            .await
            .unwrap();
    }
    let r = app
        .post(
            &format!("/channels/{c}/generate-title"),
            json!({"agentId": agent}),
        )
        .await;
    family_b(&r, 500, "Failed to generate title");
    assert_eq!(r.body["details"], "The model returned an empty title");
    app.stop().await;
}
both!(an_empty_model_answer_is_an_error);
