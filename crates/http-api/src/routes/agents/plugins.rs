//! Plugin routes: `/api/agents/<id>/plugins/<plugin><route>` and the panels list.
//!
//! Unlike elizaOS, a stray `?agentId=` on another API route is never intercepted, and plugin
//! routes sit behind the same API-key check as every `/api` route. The bare paths
//! (`/api/<plugin><route>`, `/<plugin><route>`) are in `plugin_routes`.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use agentd_core::ErrorCode;
use agentd_runtime::plugin::{Method, Plugin, PluginRequest, PluginRoute, match_route};
use agentd_wire::agents::{Panel, PluginRouteNotFound};
use agentd_wire::envelope::StdError;
use serde_json::Value;

use super::{path_id, success};
use crate::error::ApiError;
use crate::routes::fallback;
use crate::state::AppState;

/// `GET /api/agents/:agentId/panels`: the agent's public, named GET plugin routes.
#[utoipa::path(
    get, path = "/api/agents/{agentId}/panels", tag = "agents", params(("agentId" = uuid::Uuid, Path, description = "Agent id")),
    responses(
        (status = 200, description = "`[{name,path}]`: the public GET routes of its plugins", body = agentd_wire::Success<Vec<Panel>>),
        (status = 400, description = "Invalid id or request", body = StdError),
        (status = 404, description = "Agent not running", body = StdError),
    )
)]
pub async fn list_panels(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&path, "agent")?;
    let plugins = state
        .agent_manager()
        .plugins(id)
        .await
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "Agent not found"))?;
    let panels: Vec<Panel> = plugins
        .iter()
        .flat_map(|p| {
            p.routes().into_iter().filter_map(move |r| {
                let name = r.name.filter(|_| r.public && r.method == Method::Get)?;
                Some(Panel::new(id, p.name(), r.path, name))
            })
        })
        .collect();
    Ok(success(StatusCode::OK, panels))
}

/// Any method on `/api/agents/:agentId/plugins/*`: the first route of the agent's plugins
/// whose method and pattern match; otherwise the family-H 404.
#[utoipa::path(
    method(get, post, put, patch, delete), path = "/api/agents/{agentId}/plugins/{route}", tag = "agents", params(("agentId" = uuid::Uuid, Path, description = "Agent id"), ("route" = String, Path, description = "`<plugin><route path>` of a compiled-in plugin")),
    responses(
        (status = 200, description = "Whatever the plugin route answers (status, type and body are the plugin's)"),
        (status = 400, description = "Invalid id or request, or a body that is not JSON (INVALID_JSON)", body = StdError),
        (status = 404, description = "Agent not running (AGENT_NOT_FOUND) or no such plugin route (family H)", body = PluginRouteNotFound),
    )
)]
pub async fn dispatch(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    query: web::Query<Vec<(String, String)>>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (agent_raw, tail) = path.into_inner();
    let id = path_id(&agent_raw, "agent")?;
    let plugins = state
        .agent_manager()
        .plugins(id)
        .await
        .ok_or_else(|| ApiError::new(ErrorCode::AgentNotFound, "Agent not found"))?;
    let Some(method) = Method::parse(req.method().as_str()) else {
        return Ok(fallback::api_not_found().await);
    };
    let baseless = format!("/{}", tail.trim_start_matches('/'));
    let Some((route, params)) = find_route(&plugins, method, &baseless) else {
        return Ok(fallback::api_not_found().await);
    };
    let query: HashMap<String, String> = query.into_inner().into_iter().collect();
    run(route, id, baseless, params, query, &body).await
}

/// The first route of `plugins` whose method and `/<plugin><route>` pattern match `path`,
/// with its parameters.
pub(crate) fn find_route(
    plugins: &[std::sync::Arc<dyn Plugin>],
    method: Method,
    path: &str,
) -> Option<(PluginRoute, HashMap<String, String>)> {
    plugins.iter().find_map(|p| {
        p.routes().into_iter().find_map(|r| {
            let pattern = format!("/{}{}", p.name(), r.path);
            let params = (r.method == method).then(|| match_route(&pattern, path))??;
            Some((r, params))
        })
    })
}

/// Calls the route's handler; a body that is not JSON is a 400, an empty one `null`.
pub(crate) async fn run(
    route: PluginRoute,
    id: uuid::Uuid,
    path: String,
    params: HashMap<String, String>,
    query: HashMap<String, String>,
    body: &[u8],
) -> Result<HttpResponse, ApiError> {
    let body = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(body)
            .map_err(|_| ApiError::new(ErrorCode::InvalidJson, "Invalid JSON body"))?
    };
    let res = (route.handler)(PluginRequest {
        agent_id: id,
        path,
        params,
        query,
        body,
    })
    .await;
    let status = StatusCode::from_u16(res.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    Ok(HttpResponse::build(status)
        .content_type(res.content_type)
        .body(res.body))
}
