//! Jobs complete when the agent replies, time out, and survive a restart.

use std::time::Duration;

use agentd_storage::Backend;
use agentd_storage::NewMessage;
use agentd_storage::prelude::*;
use serde_json::json;
use uuid::Uuid;

use super::app::{echo_agent, spawn, spawn_on};
use crate::both;

async fn poll_until(app: &super::app::App, job: &str, status: &str) -> serde_json::Value {
    for _ in 0..100 {
        let r = app.get(&format!("/jobs/{job}")).await;
        if r.body["status"] == status {
            return r.body;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("job {job} never reached {status}");
}

async fn jobs_complete_and_time_out(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let user = Uuid::new_v4();
    let r = app
        .post("/jobs", json!({"userId": user, "content": "hi"}))
        .await;
    assert_eq!(
        (r.status, &r.body),
        (
            404,
            &json!({"success": false, "error": "No agents available on server"})
        )
    );
    let agent = app.agent("eliza").await;
    echo_agent(&app, agent, Duration::from_millis(10));
    let r = app
        .post(
            "/jobs",
            json!({"userId": user, "content": "ping", "metadata": {"m": 1}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.raw);
    assert_eq!(r.body["status"], "processing");
    let (c, e) = (
        r.body["createdAt"].as_i64().unwrap(),
        r.body["expiresAt"].as_i64().unwrap(),
    );
    assert_eq!(e - c, 30_000);
    let job = r.body["jobId"].as_str().unwrap().to_owned();
    let d = poll_until(&app, &job, "completed").await;
    assert_eq!(
        (d["agentId"].as_str(), d["userId"].as_str()),
        (Some(&*agent.to_string()), Some(&*user.to_string()))
    );
    assert_eq!(
        (d["prompt"].as_str(), &d["metadata"]),
        (Some("ping"), &json!({"m": 1}))
    );
    assert_eq!(d["result"]["message"]["content"], "echo: ping");
    assert!(d["result"]["processingTimeMs"].is_i64());

    // A silent agent: the job times out after timeoutMs.
    let silent = app.agent("silent").await;
    let r = app
        .post(
            "/jobs",
            json!({"userId": user, "content": "x", "agentId": silent, "timeoutMs": 1000}),
        )
        .await;
    let late = r.body["jobId"].as_str().unwrap().to_owned();
    let d = poll_until(&app, &late, "timeout").await;
    assert!(d["error"].is_string());

    for (body, msg) in [
        (json!({"content": "x"}), "userId is required"),
        (
            json!({"userId": "u", "content": "x"}),
            "Invalid userId format",
        ),
        (json!({"userId": user}), "content is required"),
        (
            json!({"userId": user, "content": "x", "timeoutMs": 10}),
            "timeoutMs must be between 1000 and 300000",
        ),
        (
            json!({"userId": user, "content": "x".repeat(50_001)}),
            "Content exceeds maximum length of 50000 characters",
        ),
    ] {
        let r = app.post("/jobs", body).await;
        assert_eq!(
            (r.status, &r.body),
            (400, &json!({"success": false, "error": msg}))
        );
    }
    let r = app
        .post(
            "/jobs",
            json!({"userId": user, "content": "x", "agentId": Uuid::new_v4()}),
        )
        .await;
    assert_eq!(r.status, 404);
    let r = app.get(&format!("/jobs/{}", Uuid::new_v4())).await;
    assert_eq!(
        (r.status, &r.body),
        (404, &json!({"success": false, "error": "Job not found"}))
    );

    let r = app.get("/jobs?limit=1").await;
    assert_eq!(
        (
            r.body["total"].as_i64(),
            r.body["jobs"].as_array().unwrap().len()
        ),
        (Some(2), 1)
    );
    let r = app.get("/jobs?status=timeout").await;
    assert_eq!(r.body["filtered"], 1);
    let r = app.get("/jobs/health").await;
    assert_eq!(r.body["healthy"], true);
    assert_eq!(r.body["totalJobs"], 2);
    assert_eq!(
        r.body["statusCounts"],
        json!({"pending": 0, "processing": 0, "completed": 1, "failed": 0, "timeout": 1})
    );
    assert_eq!(r.body["metrics"]["successRate"], 0.5);
    assert_eq!(r.body["maxJobs"], 10000);
    app.stop().await;
}
both!(jobs_complete_and_time_out);

async fn jobs_survive_a_restart(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let user = Uuid::new_v4();
    let agent = app.agent("eliza").await;
    let r = app
        .post("/jobs", json!({"userId": user, "content": "ping"}))
        .await;
    let job: Uuid = r.body["jobId"].as_str().unwrap().parse().unwrap();
    let t = app.stop().await;
    // The agent answers while no server runs (as a runtime catching up after a restart).
    let stored = t.get_job(job).await.unwrap();
    let mut reply = NewMessage::text(stored.channel_id, agent, "late answer");
    reply.in_reply_to = Some(stored.user_message_id);
    t.create_message(&reply).await.unwrap();
    let app = spawn_on(t);
    let d = poll_until(&app, &job.to_string(), "completed").await;
    assert_eq!(d["result"]["message"]["content"], "late answer");
    app.stop().await;
}
both!(jobs_survive_a_restart);
