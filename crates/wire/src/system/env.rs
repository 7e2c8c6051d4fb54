//! `GET`/`POST /api/system/env/local`: the variables of one `.env` file, and the file
//! text they are written as. Names must be shell-style identifiers, and values are written
//! double-quoted with `\`, `"`, newlines and `$` escaped, so no value can start a second
//! variable.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::{BodyError, Object};

/// The message of a body without an object `content`.
pub const MISSING_CONTENT: &str = "Missing or invalid 'content' field";

/// `data` of `GET`: the variables of the `.env` (`{}` when there is none).
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
#[serde(transparent)]
pub struct EnvVars(pub BTreeMap<String, String>);

/// `POST`: replaces the `.env` with these variables.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct UpdateEnv {
    /// `{KEY: "value"}`; values are strings, numbers or booleans.
    #[serde(default)]
    pub content: Option<Object>,
}

impl UpdateEnv {
    /// The message of a body that does not fit (see [`MISSING_CONTENT`]).
    pub fn error_message(e: &BodyError) -> &'static str {
        match e {
            BodyError::Syntax(_) => "Invalid JSON body",
            BodyError::NotObject | BodyError::Field { .. } => MISSING_CONTENT,
        }
    }
}

/// `POST`'s answer: `{success:true, message:"Local env updated"}` (no `data`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EnvUpdated {
    /// Always `true`.
    pub success: bool,
    /// `Local env updated`.
    pub message: String,
}

impl Default for EnvUpdated {
    fn default() -> Self {
        EnvUpdated {
            success: true,
            message: "Local env updated".to_owned(),
        }
    }
}

fn is_name(k: &str) -> bool {
    let mut chars = k.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The `.env` text of `content`: one `KEY="value"` line each, in key order. The error is
/// the client's message.
pub fn render(content: &Object) -> Result<String, String> {
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
pub fn parse(text: &str) -> EnvVars {
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
    EnvVars(out)
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
    use serde_json::json;

    fn obj(v: Value) -> Object {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn values_cannot_inject_variables_and_round_trip() {
        let content = json!({"A": "x\nB=evil", "C": "q\"uo\\te $HOME", "D": 3});
        let text = render(&obj(content)).unwrap();
        assert_eq!(text.lines().count(), 3, "{text}");
        let back = parse(&text).0;
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
            assert!(render(&obj(bad.clone())).is_err(), "{bad}");
        }
    }

    #[test]
    fn dotenv_files_parse() {
        let env = parse("# c\nexport A=1\nB='lit $x'\nC = plain # note\n\nbad line\n").0;
        assert_eq!(env["A"], "1");
        assert_eq!(env["B"], "lit $x");
        assert_eq!(env["C"], "plain");
        assert_eq!(env.len(), 3);
    }

    #[test]
    fn bodies_without_object_content_are_told() {
        for body in [&b"[1]"[..], b"{\"content\":3}"] {
            let e = crate::parse::<UpdateEnv>(body).unwrap_err();
            assert_eq!(UpdateEnv::error_message(&e), MISSING_CONTENT);
        }
        let e = crate::parse::<UpdateEnv>(b"{").unwrap_err();
        assert_eq!(UpdateEnv::error_message(&e), "Invalid JSON body");
    }
}
