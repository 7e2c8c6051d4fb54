//! Ids in request bodies: canonical hyphenated UUID strings, read as strictly as elizaOS's
//! `validateUuid` (no braces, no URN, no simple form).

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use uuid::Uuid;

/// An optional id field: absent or `null` is `None`; anything else must be a UUID string.
/// Use with `#[serde(default, deserialize_with = "agentd_wire::id::optional")]`.
pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Uuid>, D::Error> {
    Option::<String>::deserialize(d)?
        .map(|s| parse(&s).map_err(D::Error::custom))
        .transpose()
}

/// A list of ids; absent or `null` is `None`.
/// Use with `#[serde(default, deserialize_with = "agentd_wire::id::optional_list")]`.
pub fn optional_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Uuid>>, D::Error> {
    Option::<Vec<String>>::deserialize(d)?
        .map(|v| v.iter().map(|s| parse(s)).collect::<Result<_, _>>())
        .transpose()
        .map_err(D::Error::custom)
}

fn parse(s: &str) -> Result<Uuid, String> {
    agentd_core::parse_uuid(s).ok_or_else(|| format!("`{s}` is not a UUID"))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use uuid::Uuid;

    #[derive(Deserialize)]
    struct Ids {
        #[serde(default, deserialize_with = "super::optional")]
        one: Option<Uuid>,
        #[serde(default, deserialize_with = "super::optional_list")]
        many: Option<Vec<Uuid>>,
    }

    #[test]
    fn ids_are_canonical_uuids_or_absent() {
        let id = "6f1c2a3b-0000-4000-8000-000000000001";
        let ok: Ids =
            serde_json::from_str(&format!(r#"{{"one":"{id}","many":["{id}"]}}"#)).unwrap();
        assert_eq!(ok.one, Some(id.parse().unwrap()));
        assert_eq!(ok.many.map(|v| v.len()), Some(1));
        let none: Ids = serde_json::from_str(r#"{"one":null}"#).unwrap();
        assert!(none.one.is_none() && none.many.is_none());
        assert!(
            serde_json::from_str::<Ids>(r#"{"one":"6f1c2a3b00004000800000000000000"}"#).is_err()
        );
        assert!(serde_json::from_str::<Ids>(r#"{"many":["x"]}"#).is_err());
        assert!(serde_json::from_str::<Ids>(r#"{"one":5}"#).is_err());
    }
}
