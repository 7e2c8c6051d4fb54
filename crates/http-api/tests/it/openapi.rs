//! The OpenAPI document: served publicly at `/api/openapi.json`, locked by the committed
//! snapshot `crates/http-api/openapi.json`, and complete: every route `create_app` registers
//! is in it with each method it serves, and every documented operation is served.

use std::collections::BTreeSet;

use actix_web::test as atest;
use agentd_http_api::{ApiSettings, AppState, create_app};
use agentd_storage::{Db, DbConfig};
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, with_key};

const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");
const UPDATE: &str =
    "UPDATE_OPENAPI=1 cargo nextest run -p agentd-http-api --all-features -E 'test(openapi)'";

/// Registered, but not REST routes of agentd: the Engine.IO/Socket.IO endpoint.
const NOT_REST: &[&str] = &["/socket.io"];

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

#[actix_web::test]
async fn the_served_document_is_openapi_3_1_and_matches_the_committed_snapshot() {
    let app = spawn_app(ApiSettings::default()).await;
    let r = app.get("/api/openapi.json").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.body["openapi"], "3.1.0");
    assert_eq!(r.body["info"]["version"], agentd_http_api::VERSION);
    app.stop().await;

    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(SNAPSHOT, &r.raw).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(SNAPSHOT).unwrap_or_default();
    if committed != r.raw {
        let first = committed
            .lines()
            .zip(r.raw.lines())
            .position(|(a, b)| a != b)
            .map_or(committed.lines().count().min(r.raw.lines().count()), |i| i);
        panic!(
            "the OpenAPI document drifted from crates/http-api/openapi.json (first difference \
             at line {}: {:?}).\nIf the change is intended, update the snapshot with\n    {UPDATE}\n\
             and commit it.",
            first + 1,
            r.raw.lines().nth(first).unwrap_or("<end>"),
        );
    }
}

#[actix_web::test]
async fn the_document_is_public_when_the_api_needs_a_key() {
    let app = spawn_app(with_key("sekret")).await;
    assert_eq!(app.get("/api/openapi.json").await.status, 200);
    assert_eq!(app.get("/api/agents").await.status, 401);
    let post = app
        .send(app.client.post(app.url("/api/openapi.json")), None)
        .await;
    assert_eq!(post.status, 404, "other methods get the family-H 404");
    app.stop().await;
}

#[actix_web::test]
async fn every_operation_has_a_tag_a_unique_id_and_envelope_responses() {
    let doc = agentd_http_api::openapi::document();
    let doc = serde_json::to_value(doc).unwrap();
    let mut ids = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in METHODS {
            let Some(op) = item.get(m) else { continue };
            let id = op["operationId"].as_str().unwrap().to_owned();
            assert!(ids.insert(id.clone()), "duplicate operationId {id}");
            assert!(op["tags"][0].is_string(), "{m} {path} has no tag");
            let responses = op["responses"].as_object().unwrap();
            assert!(!responses.is_empty(), "{m} {path} has no response");
        }
    }
    // The envelopes are named components that responses point at.
    let schemas = &doc["components"]["schemas"];
    for name in ["StdError", "MsgError", "SessionError", "RouteNotFound"] {
        assert!(schemas[name].is_object(), "{name} missing");
    }
    let get_agent = &doc["paths"]["/api/agents/{agentId}"]["get"]["responses"];
    assert_eq!(
        get_agent["404"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/StdError"
    );
    assert_eq!(
        get_agent["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Success_Agent"
    );
    let envelope = &schemas["Success_Agent"];
    assert_eq!(envelope["required"], json!(["success", "data"]));
    // utoipa inlines a generic argument: `data` is the Agent schema itself.
    assert!(envelope["properties"]["data"]["properties"]["settings"].is_object());
    // Every body is a typed struct: the configuration's too.
    let config = &doc["paths"]["/api/system/config"]["get"]["responses"]["200"];
    assert_eq!(
        config["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Success_SystemConfig"
    );
}

/// `{x}` and `{x:regex}` segments as `{}`, so actix patterns and OpenAPI paths compare.
fn normalise(pattern: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in pattern.chars() {
        match c {
            '{' => {
                if depth == 0 {
                    out.push_str("{}");
                }
                depth += 1;
            }
            '}' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The full pattern of every resource in the app's resource map.
///
/// actix has no public iterator over its routes, so this walks the map's `Debug` output:
/// each `ResourceMap { pattern: ResourceDef { .. patterns: Single("..") .. } .. nodes: .. }`
/// nests its children in `nodes`, and a resource (a leaf) has `nodes: None`. If a future
/// actix prints it differently, the sanity checks of the caller fail loudly.
fn registered_patterns(debug: &str) -> BTreeSet<String> {
    #[derive(Debug)]
    enum Tok {
        Str(String),
        Open,
        Close,
        Word(String),
    }
    let mut toks = Vec::new();
    let mut chars = debug.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                let mut s = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => s.extend(chars.next()),
                        '"' => break,
                        c => s.push(c),
                    }
                }
                toks.push(Tok::Str(s));
            }
            '{' | '(' | '[' => toks.push(Tok::Open),
            '}' | ')' | ']' => toks.push(Tok::Close),
            c if c.is_alphanumeric() || c == '_' => {
                let mut w = String::from(c);
                while let Some(&n) = chars.peek() {
                    if !(n.is_alphanumeric() || n == '_') {
                        break;
                    }
                    w.push(n);
                    chars.next();
                }
                toks.push(Tok::Word(w));
            }
            _ => {}
        }
    }
    struct Frame {
        depth: usize,
        pattern: Option<String>,
        leaf: bool,
    }
    let (mut depth, mut frames, mut out) = (0usize, Vec::<Frame>::new(), BTreeSet::new());
    for (i, t) in toks.iter().enumerate() {
        match t {
            Tok::Word(w) if w == "ResourceMap" => frames.push(Frame {
                depth,
                pattern: None,
                leaf: false,
            }),
            Tok::Word(w) if w == "patterns" => {
                // `Single("/p")`, or `List(["/p/", "/p"])` (the first stands for all).
                let skip = match toks.get(i + 1) {
                    Some(Tok::Word(k)) if k == "Single" => 3,
                    Some(Tok::Word(k)) if k == "List" => 4,
                    other => panic!("unexpected pattern kind {other:?}"),
                };
                let Some(Tok::Str(p)) = toks.get(i + skip) else {
                    panic!("no pattern string after `patterns`");
                };
                let top = frames.last_mut().unwrap();
                top.pattern.get_or_insert_with(|| p.clone());
            }
            Tok::Word(w) if w == "nodes" => {
                if matches!(toks.get(i + 1), Some(Tok::Word(n)) if n == "None") {
                    frames.last_mut().unwrap().leaf = true;
                }
            }
            Tok::Open => depth += 1,
            Tok::Close => {
                depth -= 1;
                if frames.last().is_some_and(|f| f.depth == depth) {
                    if frames.last().unwrap().leaf {
                        let full: String =
                            frames.iter().filter_map(|f| f.pattern.as_deref()).collect();
                        out.insert(full);
                    }
                    frames.pop();
                }
            }
            _ => {}
        }
    }
    out
}

async fn state() -> (AppState, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&DbConfig {
        postgres_url: None,
        sqlite_path: dir.path().join("agentd.db"),
        pool_size: 2,
    })
    .await
    .unwrap();
    let mut settings = ApiSettings::default();
    settings.media.root = dir.path().join("media");
    let state = AppState::new(
        settings,
        db,
        agentd_runtime::AgentRegistry::new(),
        std::sync::Arc::new(agentd_bus::LocalBus::default()),
    );
    (state, dir)
}

/// Whether a handler (not a resource's or scope's default) answered `method` at `path`.
async fn served(app: &TestApp, method: &str, path: &str) -> bool {
    let url = app.url(path);
    let req = match method {
        "get" => app.client.get(url),
        "post" => app.client.post(url),
        "put" => app.client.put(url),
        "patch" => app.client.patch(url),
        _ => app.client.delete(url),
    };
    let r = if matches!(method, "post" | "put" | "patch") {
        let req = req.insert_header(("content-type", "application/json"));
        app.send(req, Some(b"{}")).await
    } else {
        app.send(req, None).await
    };
    let family_h =
        json!({"success": false, "error": {"message": "API endpoint not found", "code": 404}});
    !(r.status == 405 || r.status == 404 && r.body == family_h)
}

#[actix_web::test]
async fn every_registered_route_is_documented_and_every_documented_one_is_served() {
    let (st, _dir) = state().await;
    let svc = atest::init_service(create_app(st)).await;
    let res =
        atest::call_service(&svc, atest::TestRequest::get().uri("/healthz").to_request()).await;
    let patterns = registered_patterns(&format!("{:?}", res.request().resource_map()));
    for known in [
        "/healthz",
        "/api/agents/{agentId}",
        "/api/messaging/central-channels/{channelId}/messages",
    ] {
        assert!(
            patterns.contains(known),
            "route map walk found no {known}: {patterns:#?}"
        );
    }
    assert!(
        patterns.len() > 60,
        "route map walk found too few routes: {patterns:#?}"
    );

    let doc = serde_json::to_value(agentd_http_api::openapi::document()).unwrap();
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(p, item)| {
            METHODS
                .into_iter()
                .filter(|m| item.get(*m).is_some())
                .map(move |m| (m.to_owned(), normalise(p)))
        })
        .collect();

    let mut settings = ApiSettings {
        api_rate_limit: None,
        ..ApiSettings::default()
    };
    settings.media.upload_rate_limit = None;
    settings.media.file_rate_limit = None;
    let app = spawn_app(settings).await;
    let id = "00000000-0000-4000-8000-000000000001";
    let mut served_ops = BTreeSet::new();
    for pattern in patterns
        .iter()
        .filter(|p| !NOT_REST.iter().any(|x| p.starts_with(x)))
    {
        let path = normalise(pattern);
        let concrete = path.replace("{}", id);
        for m in METHODS {
            if served(&app, m, &concrete).await {
                served_ops.insert((m.to_owned(), path.clone()));
            }
        }
    }
    app.stop().await;
    let undocumented: Vec<_> = served_ops.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "routes served but missing from the OpenAPI document (add #[utoipa::path] and list the \
         handler in crates/http-api/src/openapi/paths.rs, or an alias in openapi/mod.rs): \
         {undocumented:#?}"
    );
    let unserved: Vec<_> = documented.difference(&served_ops).collect();
    assert!(
        unserved.is_empty(),
        "documented but not served (a wrong path or method in an annotation): {unserved:#?}"
    );
}

#[actix_web::test]
async fn the_snapshot_parses_as_the_document_it_claims_to_be() {
    let text = std::fs::read_to_string(SNAPSHOT).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["openapi"], "3.1.0");
    assert!(v["paths"]["/api/openapi.json"]["get"]["security"] == json!([{}]));
}
