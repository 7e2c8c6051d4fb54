//! The DOCTOR script, after Weizenbaum (CACM 9(1), 1966), written out as data.
//!
//! Decomposition patterns are word lists: `*` matches any run of words (possibly none),
//! `@group` one word of a synonym group, anything else that word. Reassembly templates refer
//! to the matched parts by `(n)`, counted from 1; `goto key` continues with another
//! keyword's rules. Rules marked `memory` build the remarks that ELIZA keeps for later.

/// One decomposition rule with its reassembly templates, used in rotation.
pub struct Rule {
    /// The decomposition pattern.
    pub decomp: &'static str,
    /// The reassembly templates (or one `goto key`).
    pub reasmb: &'static [&'static str],
}

/// A keyword with its rank (higher wins) and rules, tried in order.
pub struct Key {
    /// The keyword.
    pub word: &'static str,
    /// Its precedence.
    pub rank: u8,
    /// Its decomposition rules.
    pub rules: &'static [Rule],
}

/// Words replaced before matching (contractions, synonyms the keywords rely on).
pub const PRE: &[(&str, &str)] = &[
    ("dont", "don't"),
    ("cant", "can't"),
    ("wont", "won't"),
    ("recollect", "remember"),
    ("dreamt", "dreamed"),
    ("dreams", "dream"),
    ("maybe", "perhaps"),
    ("certainly", "yes"),
    ("machine", "computer"),
    ("computers", "computer"),
    ("were", "was"),
    ("same", "alike"),
    ("identical", "alike"),
    ("equivalent", "alike"),
];

/// Contractions expanded into two words before matching.
pub const EXPAND: &[(&str, &str, &str)] = &[
    ("i'm", "i", "am"),
    ("you're", "you", "are"),
    ("im", "i", "am"),
    ("youre", "you", "are"),
];

/// Person reflection applied to matched parts before reassembly.
pub const POST: &[(&str, &str)] = &[
    ("am", "are"),
    ("your", "my"),
    ("me", "you"),
    ("myself", "yourself"),
    ("yourself", "myself"),
    ("i", "you"),
    ("you", "me"),
    ("my", "your"),
    ("are", "am"),
    ("mine", "yours"),
    ("yours", "mine"),
];

/// Synonym groups for `@name` pattern words.
pub const GROUPS: &[(&str, &[&str])] = &[
    ("belief", &["belief", "feel", "think", "believe", "wish"]),
    (
        "family",
        &[
            "family", "mother", "mom", "father", "dad", "sister", "brother", "wife", "husband",
            "children", "child",
        ],
    ),
    ("desire", &["desire", "want", "need"]),
    ("sad", &["sad", "unhappy", "depressed", "sick"]),
    ("happy", &["happy", "elated", "glad", "better"]),
    ("cannot", &["cannot", "can't"]),
    ("everyone", &["everyone", "everybody", "nobody", "noone"]),
    ("be", &["be", "am", "is", "are", "was"]),
];

/// Said when no keyword matched and no remark is remembered.
pub const NONE: &[&str] = &[
    "Please go on.",
    "I'm not sure I understand you fully.",
    "What does that suggest to you?",
    "Do you feel strongly about discussing such things?",
];

/// Remarks formed from the memory rule (`* my *`), said later when nothing matches.
pub const MEMORY: &[&str] = &[
    "Does that have anything to do with the fact that your (2)?",
    "Earlier you said your (2).",
    "But your (2).",
    "Let's discuss further why your (2).",
];

/// The first thing ELIZA says.
pub const GREETING: &str = "How do you do. Please tell me your problem.";

/// The keywords.
#[rustfmt::skip]
pub const KEYS: &[Key] = &[
    Key { word: "sorry", rank: 0, rules: &[Rule { decomp: "*", reasmb: &[
        "Please don't apologise.", "Apologies are not necessary.",
        "What feelings do you have when you apologise?", "I've told you that apologies are not required."] }] },
    Key { word: "apologise", rank: 0, rules: &[Rule { decomp: "*", reasmb: &["goto sorry"] }] },
    Key { word: "remember", rank: 5, rules: &[
        Rule { decomp: "* i remember *", reasmb: &[
            "Do you often think of (2)?", "Does thinking of (2) bring anything else to mind?",
            "What else do you remember?", "Why do you remember (2) just now?",
            "What in the present situation reminds you of (2)?"] },
        Rule { decomp: "* do you remember *", reasmb: &[
            "Did you think I would forget (2)?", "Why do you think I should recall (2) now?",
            "What about (2)?", "You mentioned (2)."] },
        Rule { decomp: "*", reasmb: &["goto what"] }] },
    Key { word: "if", rank: 3, rules: &[Rule { decomp: "* if *", reasmb: &[
        "Do you think it's likely that (2)?", "Do you wish that (2)?",
        "What do you know about (2)?", "Really, if (2)?"] }] },
    Key { word: "dreamed", rank: 4, rules: &[Rule { decomp: "* you dreamed *", reasmb: &[
        "Really, (2)?", "Have you ever fantasized (2) while you were awake?",
        "Have you ever dreamed (2) before?", "goto dream"] }] },
    Key { word: "dream", rank: 3, rules: &[Rule { decomp: "*", reasmb: &[
        "What does that dream suggest to you?", "Do you dream often?",
        "What persons appear in your dreams?",
        "Do you believe that dreams have something to do with your problems?"] }] },
    Key { word: "perhaps", rank: 0, rules: &[Rule { decomp: "*", reasmb: &[
        "You don't seem quite certain.", "Why the uncertain tone?",
        "Can't you be more positive?", "You aren't sure?", "Don't you know?"] }] },
    Key { word: "name", rank: 15, rules: &[Rule { decomp: "*", reasmb: &[
        "I am not interested in names.",
        "I've told you before, I don't care about names -- please continue."] }] },
    Key { word: "hello", rank: 0, rules: &[Rule { decomp: "*", reasmb: &[
        "How do you do. Please state your problem.", "Hi. What seems to be your problem?"] }] },
    Key { word: "hi", rank: 0, rules: &[Rule { decomp: "*", reasmb: &["goto hello"] }] },
    Key { word: "computer", rank: 50, rules: &[Rule { decomp: "*", reasmb: &[
        "Do computers worry you?", "Why do you mention computers?",
        "What do you think machines have to do with your problem?",
        "Don't you think computers can help people?", "What about machines worries you?",
        "What do you think about machines?"] }] },
    Key { word: "am", rank: 0, rules: &[
        Rule { decomp: "* am i *", reasmb: &[
            "Do you believe you are (2)?", "Would you want to be (2)?",
            "Do you wish I would tell you you are (2)?", "What would it mean if you were (2)?",
            "goto what"] },
        Rule { decomp: "*", reasmb: &["Why do you say 'am'?", "I don't understand that."] }] },
    Key { word: "are", rank: 0, rules: &[
        Rule { decomp: "* are you *", reasmb: &[
            "Why are you interested in whether I am (2) or not?",
            "Would you prefer if I weren't (2)?", "Perhaps I am (2) in your fantasies.",
            "Do you sometimes think I am (2)?", "goto what"] },
        Rule { decomp: "* are *", reasmb: &[
            "Did you think they might not be (2)?", "Would you like it if they were not (2)?",
            "What if they were not (2)?", "Possibly they are (2)."] }] },
    Key { word: "your", rank: 0, rules: &[Rule { decomp: "* your *", reasmb: &[
        "Why are you concerned over my (2)?", "What about your own (2)?",
        "Are you worried about someone else's (2)?", "Really, my (2)?"] }] },
    Key { word: "was", rank: 2, rules: &[
        Rule { decomp: "* was i *", reasmb: &[
            "What if you were (2)?", "Do you think you were (2)?", "Were you (2)?",
            "What would it mean if you were (2)?", "What does (2) suggest to you?",
            "goto what"] },
        Rule { decomp: "* i was *", reasmb: &[
            "Were you really?", "Why do you tell me you were (2) now?",
            "Perhaps I already know you were (2)."] },
        Rule { decomp: "* was you *", reasmb: &[
            "Would you like to believe I was (2)?", "What suggests that I was (2)?",
            "What do you think?", "Perhaps I was (2).", "What if I had been (2)?"] }] },
    Key { word: "i", rank: 0, rules: &[
        Rule { decomp: "* i @desire *", reasmb: &[
            "What would it mean to you if you got (3)?", "Why do you want (3)?",
            "Suppose you got (3) soon.", "What if you never got (3)?",
            "What would getting (3) mean to you?",
            "What does wanting (3) have to do with this discussion?"] },
        Rule { decomp: "* i am * @sad *", reasmb: &[
            "I am sorry to hear that you are (3).",
            "Do you think that coming here will help you not to be (3)?",
            "I'm sure it's not pleasant to be (3).", "Can you explain what made you (3)?"] },
        Rule { decomp: "* i am * @happy *", reasmb: &[
            "How have I helped you to be (3)?", "Has your treatment made you (3)?",
            "What makes you (3) just now?", "Can you explain why you are suddenly (3)?"] },
        Rule { decomp: "* i @belief i *", reasmb: &[
            "Do you really think so?", "But you are not sure you (3).",
            "Do you really doubt you (3)?"] },
        Rule { decomp: "* i @belief * you *", reasmb: &["goto you"] },
        Rule { decomp: "* i am *", reasmb: &[
            "Is it because you are (2) that you came to me?", "How long have you been (2)?",
            "Do you believe it is normal to be (2)?", "Do you enjoy being (2)?"] },
        Rule { decomp: "* i @cannot *", reasmb: &[
            "How do you know that you can't (3)?", "Have you tried?",
            "Perhaps you could (3) now.", "Do you really want to be able to (3)?"] },
        Rule { decomp: "* i don't *", reasmb: &[
            "Don't you really (2)?", "Why don't you (2)?", "Do you wish to be able to (2)?",
            "Does that trouble you?"] },
        Rule { decomp: "* i feel *", reasmb: &[
            "Tell me more about such feelings.", "Do you often feel (2)?",
            "Do you enjoy feeling (2)?", "Of what does feeling (2) remind you?"] },
        Rule { decomp: "* i * you *", reasmb: &[
            "Perhaps in your fantasies we (2) each other.", "Do you wish to (2) me?",
            "You seem to need to (2) me.", "Do you (2) anyone else?"] },
        Rule { decomp: "*", reasmb: &[
            "You say (1)?", "Can you elaborate on that?",
            "Do you say (1) for some special reason?", "That's quite interesting."] }] },
    Key { word: "you", rank: 0, rules: &[
        Rule { decomp: "* you remind me of *", reasmb: &["goto alike"] },
        Rule { decomp: "* you are *", reasmb: &[
            "What makes you think I am (2)?", "Does it please you to believe I am (2)?",
            "Do you sometimes wish you were (2)?", "Perhaps you would like to be (2)."] },
        Rule { decomp: "* you * me *", reasmb: &[
            "Why do you think I (2) you?", "You like to think I (2) you -- don't you?",
            "What makes you think I (2) you?", "Really, I (2) you?",
            "Do you wish to believe I (2) you?",
            "Suppose I did (2) you -- what would that mean?",
            "Does someone else believe I (2) you?"] },
        Rule { decomp: "* you *", reasmb: &[
            "We were discussing you -- not me.", "Oh, I (2)?",
            "You're not really talking about me -- are you?", "What are your feelings now?"] }] },
    Key { word: "yes", rank: 0, rules: &[Rule { decomp: "*", reasmb: &[
        "You seem to be quite positive.", "You are sure.", "I see.", "I understand."] }] },
    Key { word: "no", rank: 0, rules: &[Rule { decomp: "*", reasmb: &[
        "Are you saying no just to be negative?", "You are being a bit negative.",
        "Why not?", "Why 'no'?"] }] },
    Key { word: "my", rank: 2, rules: &[
        Rule { decomp: "* my * @family *", reasmb: &[
            "Tell me more about your family.", "Who else in your family (4)?",
            "Your (3)?", "What else comes to your mind when you think of your (3)?"] },
        Rule { decomp: "* my *", reasmb: &[
            "Your (2)?", "Why do you say your (2)?",
            "Does that suggest anything else which belongs to you?",
            "Is it important to you that your (2)?"] }] },
    Key { word: "can", rank: 0, rules: &[
        Rule { decomp: "* can you *", reasmb: &[
            "You believe I can (2) don't you?", "goto what", "You want me to be able to (2).",
            "Perhaps you would like to be able to (2) yourself."] },
        Rule { decomp: "* can i *", reasmb: &[
            "Whether or not you can (2) depends on you more than on me.",
            "Do you want to be able to (2)?", "Perhaps you don't want to (2).",
            "goto what"] }] },
    Key { word: "what", rank: 0, rules: &[Rule { decomp: "*", reasmb: &[
        "Why do you ask?", "Does that question interest you?",
        "What is it you really want to know?", "Are such questions much on your mind?",
        "What answer would please you most?", "What do you think?",
        "What comes to mind when you ask that?", "Have you asked such questions before?",
        "Have you asked anyone else?"] }] },
    Key { word: "how", rank: 0, rules: &[Rule { decomp: "*", reasmb: &["goto what"] }] },
    Key { word: "when", rank: 0, rules: &[Rule { decomp: "*", reasmb: &["goto what"] }] },
    Key { word: "because", rank: 0, rules: &[Rule { decomp: "*", reasmb: &[
        "Is that the real reason?", "Don't any other reasons come to mind?",
        "Does that reason seem to explain anything else?",
        "What other reasons might there be?"] }] },
    Key { word: "why", rank: 0, rules: &[
        Rule { decomp: "* why don't you *", reasmb: &[
            "Do you believe I don't (2)?", "Perhaps I will (2) in good time.",
            "Should you (2) yourself?", "You want me to (2)?", "goto what"] },
        Rule { decomp: "* why can't i *", reasmb: &[
            "Do you think you should be able to (2)?", "Do you want to be able to (2)?",
            "Do you believe this will help you to (2)?",
            "Have you any idea why you can't (2)?", "goto what"] },
        Rule { decomp: "*", reasmb: &["goto what"] }] },
    Key { word: "everyone", rank: 2, rules: &[Rule { decomp: "* @everyone *", reasmb: &[
        "Really, (2)?", "Surely not (2).", "Can you think of anyone in particular?",
        "Who, for example?", "Are you thinking of a very special person?",
        "Who, may I ask?", "Someone special perhaps?",
        "You have a particular person in mind, don't you?",
        "Who do you think you're talking about?"] }] },
    Key { word: "everybody", rank: 2, rules: &[Rule { decomp: "*", reasmb: &["goto everyone"] }] },
    Key { word: "nobody", rank: 2, rules: &[Rule { decomp: "*", reasmb: &["goto everyone"] }] },
    Key { word: "noone", rank: 2, rules: &[Rule { decomp: "*", reasmb: &["goto everyone"] }] },
    Key { word: "always", rank: 1, rules: &[Rule { decomp: "*", reasmb: &[
        "Can you think of a specific example?", "When?",
        "What incident are you thinking of?", "Really, always?"] }] },
    Key { word: "alike", rank: 10, rules: &[Rule { decomp: "*", reasmb: &[
        "In what way?", "What resemblance do you see?",
        "What does that similarity suggest to you?", "What other connections do you see?",
        "What do you suppose that resemblance means?",
        "What is the connection, do you suppose?",
        "Could there really be some connection?", "How?"] }] },
    Key { word: "like", rank: 10, rules: &[
        Rule { decomp: "* @be * like *", reasmb: &["goto alike"] }] },
];
