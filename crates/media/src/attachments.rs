//! Attachment paths in messages, as clients see them.

use serde_json::Value;

use crate::MediaRoot;

/// Message attachments with their file-system paths rewritten to public `/media/...` URLs: a
/// string, an object with `url`, or an array of either; anything else is returned as is. The
/// one implementation used by REST listings and socket broadcasts.
pub fn attachments(v: &Value, root: &MediaRoot) -> Value {
    match v {
        Value::String(s) => root.public_url(s).map_or_else(|| v.clone(), Value::String),
        Value::Object(o) => {
            let mut o = o.clone();
            if let Some(url) = o
                .get("url")
                .and_then(Value::as_str)
                .and_then(|u| root.public_url(u))
            {
                o.insert("url".into(), url.into());
            }
            Value::Object(o)
        }
        Value::Array(items) => Value::Array(items.iter().map(|i| attachments(i, root)).collect()),
        other => other.clone(),
    }
}
