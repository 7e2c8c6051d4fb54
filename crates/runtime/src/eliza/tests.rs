use super::*;

/// The conversation printed in Weizenbaum's 1966 paper, reply for reply.
#[test]
fn reproduces_the_1966_transcript() {
    let mut e = Eliza::new();
    let exchanges = [
        ("Men are all alike.", "In what way?"),
        (
            "They're always bugging us about something or other.",
            "Can you think of a specific example?",
        ),
        (
            "Well, my boyfriend made me come here.",
            "Your boyfriend made you come here?",
        ),
        (
            "He says I'm depressed much of the time.",
            "I am sorry to hear that you are depressed.",
        ),
        (
            "It's true. I am unhappy.",
            "Do you think that coming here will help you not to be unhappy?",
        ),
        (
            "I need some help, that much seems certain.",
            "What would it mean to you if you got some help?",
        ),
        (
            "Perhaps I could learn to get along with my mother.",
            "Tell me more about your family.",
        ),
        (
            "My mother takes care of me.",
            "Who else in your family takes care of you?",
        ),
        ("My father.", "Your father?"),
        (
            "You are like my father in some ways.",
            "What resemblance do you see?",
        ),
        (
            "You are not very aggressive but I think you don't want me to notice that.",
            "What makes you think I am not very aggressive?",
        ),
        (
            "You don't argue with me.",
            "Why do you think I don't argue with you?",
        ),
        (
            "You are afraid of me.",
            "Does it please you to believe I am afraid of you?",
        ),
        (
            "My father is afraid of everybody.",
            "What else comes to your mind when you think of your father?",
        ),
        (
            "Bullies.",
            "Does that have anything to do with the fact that your boyfriend made you come here?",
        ),
    ];
    for (input, want) in exchanges {
        assert_eq!(e.respond(input), want, "input: {input}");
    }
}

#[test]
fn higher_rank_wins_and_rotation_cycles() {
    let mut e = Eliza::new();
    assert_eq!(
        e.respond("I think my computer hates me"),
        "Do computers worry you?"
    );
    assert_eq!(
        e.respond("the computer again"),
        "Why do you mention computers?"
    );
    let mut f = Eliza::new();
    assert_eq!(
        f.respond("I am sad"),
        "I am sorry to hear that you are sad."
    );
}

#[test]
fn no_keyword_uses_the_fallbacks_in_turn() {
    let mut e = Eliza::new();
    assert_eq!(e.respond("xyzzy"), NONE[0]);
    assert_eq!(e.respond("plugh"), NONE[1]);
    assert_eq!(e.respond(""), NONE[2]);
}

#[test]
fn replies_are_deterministic() {
    let lines = ["hello", "I want a cat", "why can't I sleep?", "you are odd"];
    let run = || {
        let mut e = Eliza::new();
        lines.iter().map(|l| e.respond(l)).collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
    assert_eq!(run()[1], "What would it mean to you if you got a cat?");
}

#[test]
fn synonyms_and_goto_lead_to_the_target_rules() {
    let mut e = Eliza::new();
    assert_eq!(e.respond("How are things"), "Why do you ask?");
    assert_eq!(e.respond("sorry"), "Please don't apologise.");
    assert_eq!(e.respond("apologise"), "Apologies are not necessary.");
}
