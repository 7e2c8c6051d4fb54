//! Attachment URLs in REST listings: attachment paths inside the media directories become
//! `/media/...` URLs; URLs and foreign paths are untouched.

use agentd_storage::prelude::*;
use agentd_storage::{Backend, NewMessage};
use serde_json::json;
use uuid::Uuid;

use super::app::spawn;
use crate::both;

async fn listing_rewrites_attachment_paths(b: Backend) {
    let Some(app) = spawn(b).await else { return };
    let user = Uuid::new_v4();
    let c = app.channel(&[user]).await;
    // The default media root is relative (`./.agentd/media`), resolved from the cwd.
    let root = std::path::absolute("./.agentd/media").unwrap();
    let root = root.to_str().unwrap();
    let id = Uuid::new_v4();
    let mut m = NewMessage::text(c, user, "look");
    m.raw_message = Some(json!({"attachments": [
        {"url": format!("{root}/generated/{id}/a b.png"), "contentType": "image/png"},
        format!("{root}/uploads/channels/{c}/x.wav"),
        "https://example.com/y.png",
        "/etc/passwd",
    ]}));
    app.db().create_message(&m).await.unwrap();
    let mut m2 = NewMessage::text(c, user, "meta only");
    m2.metadata = Some(json!({"attachments": format!("{root}/uploads/agents/{id}/f.pdf")}));
    app.db().create_message(&m2).await.unwrap();
    let r = app.get(&format!("/channels/{c}/messages")).await;
    assert_eq!(r.status, 200, "{}", r.raw);
    let msgs = r.body["data"]["messages"].as_array().unwrap();
    assert_eq!(
        msgs[0]["metadata"]["attachments"],
        json!(format!("/media/uploads/agents/{id}/f.pdf"))
    );
    assert_eq!(
        msgs[1]["metadata"]["attachments"],
        json!([
            {"url": format!("/media/generated/{id}/a%20b.png"), "contentType": "image/png"},
            format!("/media/uploads/channels/{c}/x.wav"),
            "https://example.com/y.png",
            "/etc/passwd",
        ])
    );
    // The raw message keeps what the author sent.
    assert_eq!(msgs[1]["rawMessage"]["attachments"][3], "/etc/passwd");
    app.stop().await;
}
both!(listing_rewrites_attachment_paths);
