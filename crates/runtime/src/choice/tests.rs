use std::sync::Arc;

use super::*;
use crate::action::{Outcome, Turn};

fn action(name: &'static str) -> Action {
    Action {
        name,
        description: "test",
        validate: Arc::new(|_: &Turn| true),
        handler: Arc::new(|_| Box::pin(async { Outcome::default() })),
    }
}

fn names(actions: &[Action]) -> Vec<&'static str> {
    actions.iter().map(|a| a.name).collect()
}

#[test]
fn the_documented_format_parses() {
    let a = parse_answer("<actions>REPLY, WAVE</actions>\nHello there!");
    assert_eq!(a.text, "Hello there!");
    assert_eq!(a.actions, Some(vec!["REPLY".into(), "WAVE".into()]));
    assert_eq!(a.thought, None);
}

#[test]
fn parsing_is_lenient() {
    // Case, separators, quotes, an unclosed block ending at the line's end.
    let a = parse_answer("  <Actions>\"reply\" | wave;[ignore]\nHi");
    assert_eq!(
        a.actions,
        Some(vec!["REPLY".into(), "WAVE".into(), "IGNORE".into()])
    );
    assert_eq!(a.text, "Hi");
    // A block at the end, singular tag.
    let a = parse_answer("Hi there.\n<action>WAVE</action>");
    assert_eq!(
        (a.text.as_str(), a.actions),
        ("Hi there.", Some(vec!["WAVE".into()]))
    );
    // The elizaOS response shape.
    let a = parse_answer(
        "<response><thought>be kind</thought><actions>REPLY</actions><text>Hello!</text></response>",
    );
    assert_eq!(a.text, "Hello!");
    assert_eq!(a.thought.as_deref(), Some("be kind"));
    assert_eq!(a.actions, Some(vec!["REPLY".into()]));
    // No block at all.
    let a = parse_answer("Just text, with a <b>tag</b>.");
    assert_eq!(a.actions, None);
    assert_eq!(a.text, "Just text, with a <b>tag</b>.");
}

#[test]
fn the_model_choice_is_followed_and_unknown_names_are_ignored() {
    let valid = [action("REPLY"), action("IGNORE"), action("WAVE")];
    let pick = |raw: &str| names(&choose(&valid, &parse_answer(raw), true));
    assert_eq!(pick("<actions>WAVE, REPLY</actions> hi"), ["REPLY", "WAVE"]);
    assert_eq!(pick("<actions>REPLY</actions> hi"), ["REPLY"]);
    assert_eq!(pick("<actions>WAVE</actions>"), ["WAVE"]);
    assert_eq!(pick("<actions>IGNORE</actions>"), ["IGNORE"]);
    assert_eq!(pick("<actions>DANCE, WAVE, wave</actions> x"), ["WAVE"]);
    // Nothing usable, or no block: reply.
    assert_eq!(pick("<actions>DANCE</actions> x"), ["REPLY"]);
    assert_eq!(pick("<actions></actions> x"), ["REPLY"]);
    assert_eq!(pick("plain text"), ["REPLY"]);
    // A provider that cannot choose: REPLY and every valid non-control action.
    assert_eq!(
        names(&choose(&valid, &Answer::plain("x".into()), false)),
        ["REPLY", "WAVE"]
    );
}

fn stream(chunks: &[&str]) -> Vec<String> {
    let mut f = LeadFilter::new();
    let mut out: Vec<String> = chunks.iter().filter_map(|c| f.push(c)).collect();
    out.extend(f.finish());
    out
}

#[test]
fn a_leading_block_is_held_back_from_the_stream() {
    assert_eq!(
        stream(&["Good ", "morning", "!"]),
        ["Good ", "morning", "!"]
    );
    assert_eq!(
        stream(&["<act", "ions>REPLY, WA", "VE</actions>\nHel", "lo"]),
        ["Hel", "lo"]
    );
    assert_eq!(stream(&["<actions>REPLY\n", "Hi"]), ["Hi"]);
    assert_eq!(stream(&["<b>bold</b>", " text"]), ["<b>bold</b>", " text"]);
    assert_eq!(stream(&["<actions>REPLY</actions>"]), Vec::<String>::new());
    assert_eq!(stream(&["<", "a"]), ["<a"]);
}
