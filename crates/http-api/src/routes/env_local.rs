//! `GET`/`POST /api/system/env/local`, the web UI's settings page.
//!
//! Off by default: 403 `FORBIDDEN`, since 1.7.2 lets any API caller read and rewrite the
//! server's `.env`. `AGENTD_ENABLE_ENV_ROUTES=true` turns them on; the loader then
//! refuses to start unless an API key is set or the server is loopback-only. Only the `.env`
//! of one directory is read or written (never a walk up the tree), names must be shell-style
//! identifiers, and values are written double-quoted with `\`, `"`, newlines and `$` escaped,
//! so no value can start a second variable.

use std::collections::BTreeMap;
use std::path::Path;

use actix_web::{HttpResponse, web};
use agentd_core::ErrorCode;
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::openapi::schemas as doc;
use crate::state::AppState;

fn forbidden() -> ApiError {
    ApiError::new(
        ErrorCode::Forbidden,
        "Reading and writing the server's .env over the API is disabled (AGENTD_ENABLE_ENV_ROUTES)",
    )
}

/// `GET`: `data` is the variables of the `.env`, `{}` when there is none.
#[utoipa::path(
    get, path = "/api/system/env/local", tag = "system",
    responses(
        (status = 200, description = "The variables of the working directory .env (`{}` when none)", body = doc::Success<doc::Json>),
        (status = 403, description = "Off unless AGENTD_ENABLE_ENV_ROUTES=true (FORBIDDEN)", body = doc::StdError),
    )
)]
pub async fn get_env_local(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let Some(dir) = state.settings().env_dir.clone() else {
        return Err(forbidden());
    };
    let text = match tokio::fs::read_to_string(dir.join(".env")).await {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(ApiError::opaque(ErrorCode::InternalServerError, e)),
    };
    Ok(HttpResponse::Ok().json(json!({"success": true, "data": parse(&text)})))
}

/// `POST {content:{KEY:"value"}}`: replaces the `.env` with these variables.
#[utoipa::path(
    post, path = "/api/system/env/local", tag = "system", request_body(content = doc::Json, description = "`{content:{KEY:\"value\"}}`: replaces the .env"),
    responses(
        (status = 200, description = "Written", body = doc::Success<doc::Json>),
        (status = 400, description = "Missing or invalid content", body = doc::StdError),
        (status = 403, description = "Off unless AGENTD_ENABLE_ENV_ROUTES=true (FORBIDDEN)", body = doc::StdError),
    )
)]
pub async fn post_env_local(
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let Some(dir) = state.settings().env_dir.clone() else {
        return Err(forbidden());
    };
    let invalid = |m: &'static str| ApiError::new(ErrorCode::InvalidInput, m);
    let parsed: Value = serde_json::from_slice(&body).map_err(|_| invalid("Invalid JSON body"))?;
    let Some(content) = parsed.get("content").and_then(Value::as_object) else {
        return Err(invalid("Missing or invalid 'content' field"));
    };
    let text = render(content).map_err(|m| ApiError::new(ErrorCode::InvalidInput, m))?;
    write_atomically(&dir, &text)
        .await
        .map_err(|e| ApiError::opaque(ErrorCode::UpdateError, e))?;
    Ok(HttpResponse::Ok().json(json!({"success": true, "message": "Local env updated"})))
}

async fn write_atomically(dir: &Path, text: &str) -> std::io::Result<()> {
    let tmp = dir.join(format!(".env.agentd-{}", uuid::Uuid::new_v4()));
    tokio::fs::write(&tmp, text).await?;
    let renamed = tokio::fs::rename(&tmp, dir.join(".env")).await;
    if renamed.is_err() {
        let _ = tokio::fs::remove_file(&tmp).await;
    }
    renamed
}

fn is_name(k: &str) -> bool {
    let mut chars = k.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The `.env` text of `content`: one `KEY="value"` line each, in key order.
pub fn render(content: &Map<String, Value>) -> Result<String, String> {
    let mut out = String::new();
    for (k, v) in content {
        if !is_name(k) {
            return Err(format!("`{k}` is not a variable name"));
        }
        let value = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return Err(format!("the value of `{k}` must be a string")),
        };
        let mut quoted = String::with_capacity(value.len() + 2);
        for c in value.chars() {
            match c {
                '\\' => quoted.push_str("\\\\"),
                '"' => quoted.push_str("\\\""),
                '\n' => quoted.push_str("\\n"),
                '\r' => quoted.push_str("\\r"),
                '$' => quoted.push_str("\\$"),
                c => quoted.push(c),
            }
        }
        out.push_str(&format!("{k}=\"{quoted}\"\n"));
    }
    Ok(out)
}

/// The variables of a `.env`: `KEY=value`, optional `export `, `#` comments, single quotes
/// literal, double quotes with the escapes [`render`] writes.
pub fn parse(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let k = k.trim();
        if line.starts_with('#') || !is_name(k) {
            continue;
        }
        let v = v.trim();
        let value = if let Some(inner) = v.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
            unescape(inner)
        } else if let Some(inner) = v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
            inner.to_owned()
        } else {
            v.split(" #").next().unwrap_or_default().trim().to_owned()
        };
        out.insert(k.to_owned(), value);
    }
    out
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_cannot_inject_variables_and_round_trip() {
        let content = json!({"A": "x\nB=evil", "C": "q\"uo\\te $HOME", "D": 3});
        let text = render(content.as_object().unwrap()).unwrap();
        assert_eq!(text.lines().count(), 3, "{text}");
        let back = parse(&text);
        assert_eq!(back.len(), 3);
        assert_eq!(back["A"], "x\nB=evil");
        assert_eq!(back["C"], "q\"uo\\te $HOME");
        assert_eq!(back["D"], "3");
    }

    #[test]
    fn bad_names_and_values_are_refused() {
        for bad in [
            json!({"A=B": "x"}),
            json!({"1A": "x"}),
            json!({"A": {"x": 1}}),
        ] {
            assert!(render(bad.as_object().unwrap()).is_err(), "{bad}");
        }
    }

    #[test]
    fn dotenv_files_parse() {
        let env = parse("# c\nexport A=1\nB='lit $x'\nC = plain # note\n\nbad line\n");
        assert_eq!(env["A"], "1");
        assert_eq!(env["B"], "lit $x");
        assert_eq!(env["C"], "plain");
        assert_eq!(env.len(), 3);
    }
}
