//! The OpenAPI 3.1 document of agentd's HTTP API, generated from the handlers'
//! `#[utoipa::path]` attributes and served at `GET /api/openapi.json`.
//!
//! The document is built once from code, so it cannot drift from the handlers; a snapshot
//! test (`tests/it/openapi.rs`) locks it against the committed `crates/http-api/openapi.json`
//! and another checks that every route registered in `create_app` is in it. Routes mounted
//! under two prefixes (the deprecated `central-*` names, memory under `/api/agents` too) are
//! annotated once and copied by [`Aliases`]. Socket.IO (`/socket.io`), plugin routes
//! reached through the default services, and the web UI are not REST routes of agentd and
//! are not in the document.
//!
//! The route is public (no API key, like `/healthz`): the document describes the wire
//! protocol, which is published anyway, and holds no configuration, agent or secret.

mod paths;

use std::sync::OnceLock;

use actix_web::HttpResponse;
use utoipa::openapi::path::{HttpMethod, PathItem};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::{Modify, OpenApi};

pub use paths::ApiDoc;

/// A route mounted at a second path with the same handler.
struct Alias {
    /// The annotated path.
    from: &'static str,
    /// The other path it is served at.
    to: &'static str,
    /// Only this method is served at `to` (else every method of `from`).
    only: Option<HttpMethod>,
    /// Suffix of the copied operation ids (they must be unique).
    suffix: &'static str,
    /// A deprecated elizaOS alias rather than an equal mount.
    deprecated: bool,
}

/// Shorthand for the alias table.
const fn alias(
    from: &'static str,
    to: &'static str,
    suffix: &'static str,
    deprecated: bool,
) -> Alias {
    Alias {
        from,
        to,
        only: None,
        suffix,
        deprecated,
    }
}

const MEM: &str = "/api/memory/{agentId}";
const AGT: &str = "/api/agents/{agentId}";
const CH: &str = "/api/messaging/channels";
const CCH: &str = "/api/messaging/central-channels";

/// Every second mount of an annotated route (see the `configure` functions of `routes`).
fn aliases() -> Vec<Alias> {
    let mut out = Vec::new();
    for tail in [
        "/rooms/{roomId}/memories",
        "/memories",
        "/memories/all/{roomId}",
        "/memories/{memoryId}",
        "/rooms",
        "/rooms/{roomId}",
    ] {
        out.push(Alias {
            from: leak(format!("{MEM}{tail}")),
            to: leak(format!("{AGT}{tail}")),
            only: None,
            suffix: "under_agents",
            deprecated: false,
        });
    }
    for tail in [
        "",
        "/{channelId}",
        "/{channelId}/details",
        "/{channelId}/participants",
        "/{channelId}/agents",
        "/{channelId}/agents/{agentId}",
        "/{channelId}/messages",
        "/{channelId}/messages/{messageId}",
        "/{channelId}/generate-title",
    ] {
        out.push(alias(
            leak(format!("{CH}{tail}")),
            leak(format!("{CCH}{tail}")),
            "central",
            true,
        ));
    }
    let ms = "/api/messaging/message-servers";
    out.push(Alias {
        only: Some(HttpMethod::Post),
        ..alias(ms, "/api/messaging/servers", "servers", false)
    });
    for tail in ["/{serverId}/agents", "/{serverId}/agents/{agentId}"] {
        out.push(alias(
            leak(format!("{ms}{tail}")),
            leak(format!("/api/messaging/servers{tail}")),
            "servers",
            false,
        ));
    }
    out.push(alias(
        "/api/messaging/message-servers/{serverId}/channels",
        "/api/messaging/central-servers/{serverId}/channels",
        "central",
        true,
    ));
    out.push(alias(
        "/api/audio/{agentId}/audio-messages/synthesize",
        "/api/audio/{agentId}/speech/generate",
        "speech",
        false,
    ));
    out.push(alias(
        "/api/messaging/channels/{channelId}/upload-media",
        "/api/media/channels/{channelId}/upload-media",
        "media",
        false,
    ));
    out
}

/// The alias table is built once per document; its strings live for the process.
fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// Copies each aliased path item to its second path.
struct Aliases;

impl Modify for Aliases {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        for a in aliases() {
            let Some(item) = doc.paths.paths.get(a.from).cloned() else {
                continue;
            };
            let mut copy = PathItem::default();
            let ops = [
                (HttpMethod::Get, item.get),
                (HttpMethod::Post, item.post),
                (HttpMethod::Put, item.put),
                (HttpMethod::Patch, item.patch),
                (HttpMethod::Delete, item.delete),
            ];
            for (method, op) in ops {
                let Some(mut op) = op else { continue };
                if a.only.as_ref().is_some_and(|m| *m != method) {
                    continue;
                }
                op.operation_id = op.operation_id.map(|id| format!("{id}_{}", a.suffix));
                if a.deprecated {
                    op.deprecated = Some(utoipa::openapi::Deprecated::True);
                }
                match method {
                    HttpMethod::Get => copy.get = Some(op),
                    HttpMethod::Post => copy.post = Some(op),
                    HttpMethod::Put => copy.put = Some(op),
                    HttpMethod::Patch => copy.patch = Some(op),
                    _ => copy.delete = Some(op),
                }
            }
            copy.parameters = item.parameters;
            doc.paths.paths.insert(a.to.to_owned(), copy);
        }
        // Annotated directly, but a deprecated elizaOS name (`#[deprecated]` on the handler
        // would warn where it is registered).
        if let Some(op) = doc
            .paths
            .paths
            .get_mut("/api/messaging/central-servers")
            .and_then(|item| item.get.as_mut())
        {
            op.deprecated = Some(utoipa::openapi::Deprecated::True);
        }
    }
}

/// Makes operation ids unique: a handler serving several methods (`method(get, post)`)
/// gets one id per method, suffixed after the first.
struct UniqueIds;

impl Modify for UniqueIds {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let mut seen = std::collections::HashSet::new();
        for item in doc.paths.paths.values_mut() {
            let ops = [
                ("get", item.get.as_mut()),
                ("post", item.post.as_mut()),
                ("put", item.put.as_mut()),
                ("patch", item.patch.as_mut()),
                ("delete", item.delete.as_mut()),
            ];
            for (method, op) in ops {
                let Some(op) = op else { continue };
                let Some(id) = op.operation_id.clone() else {
                    continue;
                };
                if !seen.insert(id.clone()) {
                    let unique = format!("{id}_{method}");
                    seen.insert(unique.clone());
                    op.operation_id = Some(unique);
                }
            }
        }
    }
}

/// The `X-API-KEY` scheme, required by every `/api` route but the public ones.
struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "apiKey",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-API-KEY",
                "Required on every /api route when the server has an API key \
                 (ELIZA_SERVER_AUTH_TOKEN); a missing or wrong key is 401 \
                 {\"error\":\"API key required\",...}. Without a key agentd binds to \
                 loopback only and asks for none.",
            ))),
        );
        doc.security = Some(vec![SecurityRequirement::new(
            "apiKey",
            Vec::<String>::new(),
        )]);
    }
}

/// The document, built once.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOC: OnceLock<utoipa::openapi::OpenApi> = OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = ApiDoc::openapi();
        Security.modify(&mut doc);
        Aliases.modify(&mut doc);
        UniqueIds.modify(&mut doc);
        doc
    })
}

/// The document as served and snapshotted: pretty JSON with a final newline.
pub fn document_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| match document().to_pretty_json() {
        Ok(s) => s + "\n",
        Err(e) => {
            tracing::error!(error = %e, "openapi document does not serialise");
            "{}\n".to_owned()
        }
    })
}

/// `GET /api/openapi.json`: the OpenAPI 3.1 document (public, see the module docs).
#[utoipa::path(
    get, path = "/api/openapi.json", tag = "system", security(()),
    responses((status = 200, description = "This document", content_type = "application/json", body = agentd_wire::envelope::Json))
)]
pub async fn get_openapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document_json())
}
