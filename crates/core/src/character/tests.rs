use super::*;
use chrono::Utc;
use serde_json::json;

#[test]
fn id_is_derived_from_the_name_when_absent() {
    let a =
        character_to_agent(&json!({"name": "Eliza", "bio": "A therapist"}), Utc::now()).unwrap();
    assert_eq!(a.id.to_string(), "b850bc30-45f8-0041-a00a-83df46d8555d");
    assert_eq!(a.bio, json!("A therapist"));
    assert!(a.enabled);
}

#[test]
fn an_explicit_id_is_kept() {
    let id = "3ef8c4b2-4905-0a32-9664-29188b90b690";
    let a = character_to_agent(&json!({"id": id, "name": "X", "bio": ["a"]}), Utc::now()).unwrap();
    assert_eq!(a.id.to_string(), id);
    let err = character_to_agent(&json!({"id": "nope", "name": "X", "bio": []}), Utc::now());
    assert!(matches!(
        err,
        Err(CharacterError::Invalid { field: "id", .. })
    ));
}

#[test]
fn unknown_keys_are_rejected_by_name() {
    let err = character_to_agent(
        &json!({"name": "X", "bio": "b", "status": "active"}),
        Utc::now(),
    )
    .unwrap_err();
    assert_eq!(err, CharacterError::UnknownKey("status".into()));
    assert!(err.to_string().contains("\"status\""));
}

#[test]
fn required_and_typed_fields_are_checked() {
    let now = Utc::now();
    assert_eq!(
        character_to_agent(&json!({"bio": "b"}), now).unwrap_err(),
        CharacterError::Missing("name")
    );
    assert_eq!(
        character_to_agent(&json!({"name": "X"}), now).unwrap_err(),
        CharacterError::Missing("bio")
    );
    assert_eq!(
        character_to_agent(&json!([1]), now).unwrap_err(),
        CharacterError::NotAnObject
    );
    for bad in [
        json!({"name": "", "bio": "b"}),
        json!({"name": "X", "bio": 3}),
        json!({"name": "X", "bio": "b", "topics": "t"}),
        json!({"name": "X", "bio": "b", "style": {"tone": ["x"]}}),
        json!({"name": "X", "bio": "b", "messageExamples": [[{"content": {}}]]}),
        json!({"name": "X", "bio": "b", "settings": []}),
        json!({"name": "X", "bio": "b", "secrets": {"a": {"b": 1}}}),
    ] {
        assert!(character_to_agent(&bad, now).is_err(), "{bad}");
    }
}

#[test]
fn full_character_round_trips_with_secrets_masked() {
    let c = json!({
        "name": "Ada", "username": "ada", "system": "Be brief.", "bio": ["one", "two"],
        "messageExamples": [[{"name": "u", "content": {"text": "hi"}}]],
        "postExamples": ["p"], "topics": ["t"], "adjectives": ["a"],
        "knowledge": ["k.md", {"path": "p.md", "shared": true}, {"directory": "d"}],
        "plugins": ["@elizaos/plugin-sql"], "style": {"all": ["s"], "chat": [], "post": []},
        "templates": {"x": "y"},
        "settings": {"model": "m", "secrets": {"KEY": "settings-wins"}},
        "secrets": {"KEY": "top", "OTHER": "o"}
    });
    let a = character_to_agent(&c, Utc::now()).unwrap();
    assert_eq!(
        a.settings["secrets"],
        json!({"KEY": "settings-wins", "OTHER": "o"})
    );
    let out = agent_to_character(&a);
    assert_eq!(
        out["settings"]["secrets"],
        json!({"KEY": SECRET_MASK, "OTHER": SECRET_MASK})
    );
    assert_eq!(out["settings"]["model"], "m");
    assert_eq!(out["system"], "Be brief.");
    assert!(out.get("secrets").is_none() && out.get("templates").is_none());
}

#[test]
fn settings_merge_deletes_on_null_replaces_arrays_and_keeps_masked_secrets() {
    let mut s =
        json!({"a": 1, "list": [1, 2], "nested": {"x": 1, "y": 2}, "secrets": {"K": "real"}});
    merge_settings(
        &mut s,
        &json!({"a": null, "list": [3], "nested": {"y": null, "z": 3}, "secrets": {"K": SECRET_MASK, "N": "new"}}),
    );
    assert_eq!(
        s,
        json!({"list": [3], "nested": {"x": 1, "z": 3}, "secrets": {"K": "real", "N": "new"}})
    );
}
