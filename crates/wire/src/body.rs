//! Reading a request body into its struct: an empty body is `{}`, anything else must be a
//! JSON object whose fields fit the struct.

use serde::de::DeserializeOwned;

/// Why a request body does not fit its struct.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    /// The body is not JSON.
    #[error("Invalid JSON body: {0}")]
    Syntax(String),
    /// The body is JSON but not an object.
    #[error("Request body must be a JSON object")]
    NotObject,
    /// A field has the wrong type or value.
    #[error("Invalid field {field}: {message}")]
    Field {
        /// The field's path, e.g. `metadata.tags[2]` (`.` for the body itself).
        field: String,
        /// What is wrong with it.
        message: String,
    },
}

impl BodyError {
    /// The path of the field that did not fit, when one did not.
    pub fn field(&self) -> Option<&str> {
        match self {
            BodyError::Field { field, .. } => Some(field),
            _ => None,
        }
    }
}

/// Deserializes a request body into `T`. An empty (or all-whitespace) body reads as `{}`.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, BodyError> {
    let body: &[u8] = match body.iter().position(|b| !b.is_ascii_whitespace()) {
        None => b"{}",
        Some(i) if body[i] == b'{' => body,
        Some(_) => {
            return Err(
                match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
                    Ok(_) => BodyError::NotObject,
                    Err(e) => BodyError::Syntax(without_position(&e)),
                },
            );
        }
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        if inner.is_syntax() || inner.is_eof() {
            BodyError::Syntax(without_position(inner))
        } else {
            BodyError::Field {
                field: e.path().to_string(),
                message: without_position(inner),
            }
        }
    })?;
    de.end()
        .map_err(|e| BodyError::Syntax(without_position(&e)))?;
    Ok(value)
}

/// serde_json's message without its ` at line L column C` suffix.
fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Body {
        name: Option<String>,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[test]
    fn an_empty_body_is_an_empty_object() {
        assert_eq!(
            parse::<Body>(b"  \n").unwrap(),
            Body {
                name: None,
                tags: vec![]
            }
        );
    }

    #[test]
    fn a_wrong_field_is_named_with_its_path() {
        let e = parse::<Body>(br#"{"tags":["a", 5]}"#).unwrap_err();
        assert_eq!(e.field(), Some("tags[1]"));
        assert!(e.to_string().contains("invalid type: integer `5`"), "{e}");
        assert!(!e.to_string().contains("line"), "{e}");
    }

    #[test]
    fn non_objects_and_broken_json_are_told_apart() {
        assert_eq!(parse::<Body>(b"[1]").unwrap_err(), BodyError::NotObject);
        assert!(matches!(
            parse::<Body>(b"{\"name\":").unwrap_err(),
            BodyError::Syntax(_)
        ));
        assert!(matches!(
            parse::<Body>(b"nope").unwrap_err(),
            BodyError::Syntax(_)
        ));
        assert!(matches!(
            parse::<Body>(b"{} x").unwrap_err(),
            BodyError::Syntax(_)
        ));
    }
}
