//! Plugin routes at their bare path: `/api/<plugin><route>` and
//! `/<plugin><route>`, with `?agentId=` choosing the agent.
//!
//! Unlike in elizaOS, these handlers are only the *default services*: a path reaches them only
//! when no core route matched, so a stray `?agentId=` never intercepts a core `/api` route.
//! Under `/api` they sit inside the API-key scope. Outside `/api` a route is served without the
//! key only when it is flagged `public` and is a GET (a panel); any other plugin route there
//! needs the key like `/api` does.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use agentd_core::ErrorCode;
use agentd_runtime::plugin::{Method, PluginRoute};
use uuid::Uuid;

use super::agents::plugins::{find_route, run};
use crate::auth::{keys_match, unauthorized};
use crate::error::ApiError;
use crate::routes::fallback;
use crate::state::AppState;

/// What the lookup found for a path.
enum Found {
    /// A route of one agent, with its parameters.
    Route(Uuid, PluginRoute, HashMap<String, String>),
    /// No route (or, outside `/api`, an unusable `agentId`): the caller's 404.
    Nothing,
}

/// Finds the route for `path`. With `agentId` only that agent is searched; without it the
/// route must be served by exactly one running agent (the single-agent default): when
/// several serve it the choice would depend on start order, so the caller must name one.
async fn lookup(
    state: &AppState,
    method: Method,
    path: &str,
    agent: Option<&str>,
    api: bool,
) -> Result<Found, ApiError> {
    let manager = state.agent_manager();
    let candidates = match agent {
        Some(raw) => {
            let Ok(id) = Uuid::parse_str(raw) else {
                return if api {
                    Err(ApiError::new(
                        ErrorCode::InvalidAgentId,
                        "Invalid agent ID format",
                    ))
                } else {
                    Ok(Found::Nothing)
                };
            };
            match manager.plugins(id).await {
                Some(p) => vec![(id, p)],
                None if api => {
                    return Err(ApiError::new(ErrorCode::AgentNotFound, "Agent not found"));
                }
                None => return Ok(Found::Nothing),
            }
        }
        None => manager.running_plugins().await,
    };
    let mut hits = candidates
        .iter()
        .filter_map(|(id, plugins)| find_route(plugins, method, path).map(|(r, p)| (*id, r, p)));
    let Some((id, route, params)) = hits.next() else {
        return Ok(Found::Nothing);
    };
    if hits.next().is_some() {
        return Err(ApiError::new(
            ErrorCode::BadRequest,
            "Several running agents serve this route; choose one with ?agentId=<id>",
        ));
    }
    Ok(Found::Route(id, route, params))
}

/// The query parameters (the last value of a repeated key); an unparsable query is empty.
fn query_of(req: &HttpRequest) -> HashMap<String, String> {
    web::Query::<Vec<(String, String)>>::from_query(req.query_string())
        .map(|q| q.into_inner().into_iter().collect())
        .unwrap_or_default()
}

/// Default service of the keyed `/api` scope: a plugin route at `/api/<plugin><route>`,
/// else the family-H 404.
pub async fn api_default(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let Some(method) = Method::parse(req.method().as_str()) else {
        return Ok(fallback::api_not_found().await);
    };
    let path = req
        .path()
        .strip_prefix("/api")
        .unwrap_or(req.path())
        .to_owned();
    let query = query_of(&req);
    match lookup(
        &state,
        method,
        &path,
        query.get("agentId").map(String::as_str),
        true,
    )
    .await?
    {
        Found::Route(id, route, params) => run(route, id, path, params, query, &body).await,
        Found::Nothing => Ok(fallback::api_not_found().await),
    }
}

/// Default service of the app: a plugin route at `/<plugin><route>` (public GET routes
/// without the key, others with it when one is configured), else the web UI.
pub async fn root_default(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let Some(method) = Method::parse(req.method().as_str()) else {
        return Ok(super::ui::serve_ui(state, req).await);
    };
    let path = req.path().to_owned();
    let query = query_of(&req);
    let agent = query.get("agentId").map(String::as_str);
    let Found::Route(id, route, params) = lookup(&state, method, &path, agent, false).await? else {
        return Ok(super::ui::serve_ui(state, req).await);
    };
    let open = route.public && route.method == Method::Get;
    if !open && let Some(token) = &state.settings().auth_token {
        let ok = req
            .headers()
            .get("x-api-key")
            .is_some_and(|v| keys_match(v.as_bytes(), token.expose().as_bytes()));
        if !ok {
            return Ok(unauthorized());
        }
    }
    run(route, id, path, params, query, &body).await
}
