//! Upload and file-operation rate limits per client.

use agentd_http_api::ApiSettings;
use uuid::Uuid;

use super::{PNG, migrated_app, upload};

fn limits(upload: Option<u32>, files: Option<u32>) -> ApiSettings {
    let mut s = ApiSettings::default();
    s.media.upload_rate_limit = upload;
    s.media.file_rate_limit = files;
    s
}

#[actix_web::test]
async fn uploads_over_the_limit_get_429_with_their_code() {
    for (settings, code) in [
        (limits(Some(2), None), "UPLOAD_RATE_LIMIT_EXCEEDED"),
        (limits(None, Some(2)), "FILE_RATE_LIMIT_EXCEEDED"),
    ] {
        let app = migrated_app(settings).await;
        let path = format!("/api/messaging/channels/{}/upload-media", Uuid::new_v4());
        for _ in 0..2 {
            assert_eq!(upload(&app, &path, "a.png", None, PNG).await.status, 200);
        }
        let r = upload(&app, &path, "a.png", None, PNG).await;
        assert_eq!(r.status, 429, "{}", r.raw);
        assert_eq!(r.body["success"], false);
        assert_eq!(r.body["error"]["code"], code);
        let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
        assert!(retry >= 1);
        assert_eq!(r.header("ratelimit-limit"), Some("2"));
        // The limit is per route group: other API routes are not affected.
        assert_eq!(app.get("/api/server/ping").await.status, 200);
        // The agent upload route shares the same counters.
        let agent = format!("/api/media/agents/{}/upload-media", Uuid::new_v4());
        assert_eq!(upload(&app, &agent, "a.png", None, PNG).await.status, 429);
        app.stop().await;
    }
}
