//! ELIZA: Weizenbaum's 1966 keyword/transformation engine running the DOCTOR script.
//!
//! The default model provider: offline, instant and deterministic, so a fresh server is a
//! working chat and tests can assert exact replies. The algorithm follows the 1966 paper:
//! the input is split into clauses and the first clause holding a keyword is kept; its
//! keywords are ranked; the first decomposition rule of the best keyword that matches is
//! reassembled with person reflection, templates used in rotation; `my` also stores a
//! remark in a memory queue, said when a later input has no keyword.

mod script;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, VecDeque};

use script::{EXPAND, GROUPS, KEYS, Key, MEMORY, NONE, POST, PRE};

pub use script::GREETING;

/// How many `goto` hops a reply may take (the script has no cycles; this is a guard).
const MAX_GOTO: usize = 4;

/// How many remembered remarks are kept; older ones are dropped first.
const MAX_MEMORY: usize = 16;

/// One conversation with ELIZA: the rotation counters and the memory queue.
#[derive(Debug, Default, Clone)]
pub struct Eliza {
    counters: HashMap<(usize, usize), usize>,
    memory: VecDeque<String>,
    memory_turn: usize,
    none_turn: usize,
}

/// A word of the input, or a clause delimiter (`.`, `,`, `?`, `!`, `;`, `:`, `but`).
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Delim,
}

impl Eliza {
    /// A new conversation.
    pub fn new() -> Self {
        Self::default()
    }

    /// ELIZA's reply to one line of input.
    pub fn respond(&mut self, input: &str) -> String {
        let words = select_clause(&tokenize(input));
        let mut stack: Vec<usize> = Vec::new();
        for w in &words {
            if let Some(k) = KEYS.iter().position(|k| k.word == w)
                && !stack.contains(&k)
            {
                stack.push(k);
            }
        }
        // Stable: equal ranks keep the order in which the keywords appeared.
        stack.sort_by_key(|k| std::cmp::Reverse(KEYS[*k].rank));
        if stack.first().is_some_and(|k| KEYS[*k].word == "my") {
            self.remember(&words);
        }
        for k in stack {
            if let Some(reply) = self.try_key(k, &words, 0) {
                return reply;
            }
        }
        if let Some(remark) = self.memory.pop_front() {
            return remark;
        }
        let reply = NONE[self.none_turn % NONE.len()];
        self.none_turn += 1;
        reply.to_owned()
    }

    fn remember(&mut self, words: &[String]) {
        if let Some(parts) = decompose("* my *", words) {
            let template = MEMORY[self.memory_turn % MEMORY.len()];
            self.memory_turn += 1;
            if self.memory.len() == MAX_MEMORY {
                self.memory.pop_front();
            }
            self.memory.push_back(assemble(template, &parts));
        }
    }

    fn try_key(&mut self, k: usize, words: &[String], depth: usize) -> Option<String> {
        let key: &Key = &KEYS[k];
        for (r, rule) in key.rules.iter().enumerate() {
            let Some(parts) = decompose(rule.decomp, words) else {
                continue;
            };
            let turn = self.counters.entry((k, r)).or_insert(0);
            let template = rule.reasmb[*turn % rule.reasmb.len()];
            *turn += 1;
            if let Some(target) = template.strip_prefix("goto ") {
                let next = KEYS.iter().position(|k| k.word == target)?;
                return (depth < MAX_GOTO)
                    .then(|| self.try_key(next, words, depth + 1))
                    .flatten();
            }
            return Some(assemble(template, &parts));
        }
        None
    }
}

/// Lower-cases, splits into words and delimiters, and applies the pre-substitutions.
fn tokenize(input: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<Token>| {
        if word.is_empty() {
            return;
        }
        let w = std::mem::take(word);
        if w == "but" {
            out.push(Token::Delim);
        } else if let Some((_, a, b)) = EXPAND.iter().find(|(from, _, _)| *from == w) {
            out.push(Token::Word((*a).to_owned()));
            out.push(Token::Word((*b).to_owned()));
        } else {
            let w = PRE
                .iter()
                .find(|(f, _)| *f == w)
                .map_or(w, |(_, t)| (*t).to_owned());
            out.push(Token::Word(w));
        }
    };
    for c in input.chars().flat_map(char::to_lowercase) {
        match c {
            '.' | ',' | '?' | '!' | ';' | ':' => {
                flush(&mut word, &mut out);
                out.push(Token::Delim);
            }
            '\'' | '’' => word.push('\''),
            c if c.is_alphanumeric() => word.push(c),
            _ => flush(&mut word, &mut out),
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The first clause that holds a keyword (the 1966 rule), else the last clause.
fn select_clause(tokens: &[Token]) -> Vec<String> {
    let mut clause: Vec<String> = Vec::new();
    for t in tokens {
        match t {
            Token::Word(w) => clause.push(w.clone()),
            Token::Delim => {
                if clause.iter().any(|w| KEYS.iter().any(|k| k.word == w)) {
                    return clause;
                }
                if !clause.is_empty() {
                    clause.clear();
                }
            }
        }
    }
    clause
}

/// Matches a decomposition pattern; returns the parts matched by `*` and `@group`.
fn decompose(pattern: &str, words: &[String]) -> Option<Vec<String>> {
    let pat: Vec<&str> = pattern.split_whitespace().collect();
    let mut parts = Vec::new();
    match_from(&pat, words, &mut parts).then_some(parts)
}

fn match_from(pat: &[&str], words: &[String], parts: &mut Vec<String>) -> bool {
    let Some((first, rest)) = pat.split_first() else {
        return words.is_empty();
    };
    if *first == "*" {
        for take in 0..=words.len() {
            parts.push(words[..take].join(" "));
            if match_from(rest, &words[take..], parts) {
                return true;
            }
            parts.pop();
        }
        return false;
    }
    let Some((w, tail)) = words.split_first() else {
        return false;
    };
    if let Some(group) = first.strip_prefix('@') {
        let in_group = GROUPS
            .iter()
            .find(|(name, _)| *name == group)
            .is_some_and(|(_, members)| members.contains(&w.as_str()));
        if !in_group {
            return false;
        }
        parts.push(w.clone());
        if match_from(rest, tail, parts) {
            return true;
        }
        parts.pop();
        return false;
    }
    *first == w && match_from(rest, tail, parts)
}

/// Fills `(n)` in a template with the reflected parts; capitalises the first letter.
fn assemble(template: &str, parts: &[String]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('(') {
        let after = &rest[open + 1..];
        let close = after.find(')');
        let n = close.and_then(|c| after[..c].parse::<usize>().ok());
        match (close, n) {
            (Some(c), Some(n)) => {
                out.push_str(&rest[..open]);
                if let Some(part) = n.checked_sub(1).and_then(|i| parts.get(i)) {
                    out.push_str(&reflect(part));
                }
                rest = &after[c + 1..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let out = out.replace(" ?", "?").replace(" .", ".");
    let mut chars = out.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => out,
    }
}

/// Swaps first and second person (`my` ↔ `your`, `me` → `you`, ...).
fn reflect(part: &str) -> String {
    part.split_whitespace()
        .map(|w| POST.iter().find(|(f, _)| *f == w).map_or(w, |(_, t)| *t))
        .collect::<Vec<_>>()
        .join(" ")
}
