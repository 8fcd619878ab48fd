//! Suggestions while a query is typed in the list's search box: the keys as a word is begun,
//! then each key's values (statuses, severities, tags, people) once its `:` is typed.
use super::model::IssueSort;
use crate::{
    domain::{Severity, Status},
    people::model::Person,
};

/// The keys, each with what it narrows to (the suggestion's hint).
const KEYS: &[(&str, &str)] = &[
    ("is", "open or closed"),
    ("status", "a stage of the workflow"),
    ("severity", "low to critical, or a range: >=high"),
    ("tag", "a tag"),
    ("assignee", "me, nobody or a person"),
    ("reporter", "who filed it"),
    ("created", "a date or an age: >30d"),
    ("updated", "a date or an age: <7d"),
    ("sort", "newest, updated or severity"),
];

/// The most suggestions shown at once.
const MOST: usize = 8;

/// What the word at the caret asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wants {
    /// A key, from the letters typed of its name.
    Key(String),
    /// A value of `key` (lower-case), after its comparison `op`, from what was typed of it.
    Value { key: String, op: String, typed: String },
}

/// The word being typed just before the caret: its byte range, whether it is negated, and what
/// it asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Typing {
    pub start: usize,
    pub end: usize,
    pub negated: bool,
    pub wants: Wants,
}

/// The word `text` has just before byte offset `caret`, when the caret ends it and it is a key
/// being begun or a key's value (not a phrase in quotes, not plain words).
pub fn typing_at(text: &str, caret: usize) -> Option<Typing> {
    let before = text.get(..caret)?;
    if text[caret..].chars().next().is_some_and(|c| !c.is_whitespace()) {
        return None;
    }
    let start = before.rfind(char::is_whitespace).map_or(0, |at| at + before[at..].chars().next().map_or(1, char::len_utf8));
    // Inside a quoted phrase nothing is a key.
    if before[..start].matches('"').count() % 2 == 1 {
        return None;
    }
    let word = &before[start..];
    let (negated, rest) = word.strip_prefix('-').map_or((false, word), |rest| (true, rest));
    let wants = match rest.split_once(':') {
        None if !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphabetic()) => Wants::Key(rest.to_ascii_lowercase()),
        None => return None,
        Some((key, value)) => {
            let key = key.to_ascii_lowercase();
            if !KEYS.iter().any(|(name, _)| *name == key) {
                return None;
            }
            let typed = value.trim_start_matches(['<', '>', '=']);
            let op = value[..value.len() - typed.len()].to_owned();
            Wants::Value { key, op, typed: typed.trim_start_matches('"').to_lowercase() }
        }
    };
    Some(Typing { start, end: caret, negated, wants })
}

/// One suggestion: what the list shows, and the word that replaces the one being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub label: String,
    pub hint: String,
    pub text: String,
}

/// A value as the query language reads it: quoted when it holds a space.
fn quoted(value: &str) -> String {
    if value.chars().any(char::is_whitespace) { format!("\"{value}\"") } else { value.to_owned() }
}

/// What to suggest for `typing`, given the tags and the people (for `assignee:` and `reporter:`)
/// the person may choose from; at most eight.
pub fn suggestions(typing: &Typing, tags: &[String], people: &[Person]) -> Vec<Suggestion> {
    let sign = if typing.negated { "-" } else { "" };
    match &typing.wants {
        Wants::Key(typed) => KEYS
            .iter()
            .filter(|(name, _)| name.starts_with(typed.as_str()) && !(typing.negated && *name == "sort"))
            .map(|(name, hint)| Suggestion { label: format!("{sign}{name}:"), hint: (*hint).to_owned(), text: format!("{sign}{name}:") })
            .take(MOST)
            .collect(),
        Wants::Value { key, op, typed } => {
            let values: Vec<(String, String)> = match key.as_str() {
                "is" => vec![("open".into(), "not done".into()), ("closed".into(), "done".into())],
                "status" => Status::ALL.iter().map(|s| (s.as_str().to_lowercase(), s.label().to_owned())).collect(),
                "severity" => Severity::ALL.iter().map(|s| (s.as_str().to_lowercase(), s.label().to_owned())).collect(),
                "tag" => tags.iter().map(|tag| (tag.to_lowercase(), String::new())).collect(),
                "assignee" | "reporter" => {
                    let mut values: Vec<(String, String)> = if key == "assignee" { vec![("me".into(), "you".into()), ("none".into(), "nobody".into())] } else { Vec::new() };
                    values.extend(people.iter().map(|person| (person.handle.clone(), person.display_name.clone())));
                    values
                }
                "created" | "updated" => [("1d", "a day"), ("7d", "a week"), ("30d", "a month")]
                    .iter()
                    .map(|(age, span)| ((*age).to_owned(), format!("{} {span} ago", if op.starts_with('>') { "more than" } else { "less than" })))
                    .collect(),
                "sort" => IssueSort::ALL.iter().map(|sort| (sort.as_str().to_owned(), sort.label().to_owned())).collect(),
                _ => Vec::new(),
            };
            values
                .into_iter()
                .filter(|(value, hint)| value.starts_with(typed.as_str()) || hint.to_lowercase().contains(typed.as_str()))
                .map(|(value, hint)| {
                    let text = format!("{sign}{key}:{op}{} ", quoted(&value));
                    Suggestion { label: text.trim_end().to_owned(), hint, text }
                })
                .take(MOST)
                .collect()
        }
    }
}

/// `text` with the word of `typing` replaced by `suggestion`, and the byte offset after it.
pub fn apply(text: &str, typing: &Typing, suggestion: &Suggestion) -> (String, usize) {
    let end = typing.end.min(text.len());
    let mut next = String::with_capacity(text.len() + suggestion.text.len());
    next.push_str(&text[..typing.start]);
    next.push_str(&suggestion.text);
    let caret = next.len();
    // A space already after the word is not doubled.
    let after = &text[end..];
    next.push_str(if suggestion.text.ends_with(' ') { after.strip_prefix(' ').unwrap_or(after) } else { after });
    (next, caret)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_end(text: &str) -> Option<Typing> {
        typing_at(text, text.len())
    }

    #[test]
    fn a_word_being_begun_asks_for_a_key_and_a_colon_for_its_values() {
        assert_eq!(at_end("crash sev").map(|t| (t.start, t.wants)), Some((6, Wants::Key("sev".into()))));
        assert_eq!(at_end("-ta").map(|t| (t.negated, t.wants)), Some((true, Wants::Key("ta".into()))));
        assert_eq!(
            at_end("severity:>=h").map(|t| t.wants),
            Some(Wants::Value { key: "severity".into(), op: ">=".into(), typed: "h".into() })
        );
        assert_eq!(at_end("crash "), None, "nothing begun");
        assert_eq!(at_end("\"a phrase ta"), None, "inside quotes");
        assert_eq!(at_end("colour:re"), None, "not a key");
        assert_eq!(at_end("v2"), None, "not a key's letters");
        assert_eq!(typing_at("sev crash", 2), None, "the caret inside a word");
        assert_eq!(typing_at("sev crash", 3).map(|t| t.end), Some(3));
    }

    #[test]
    fn keys_and_values_are_suggested_from_what_was_typed() {
        let labels = |text: &str, tags: &[String], people: &[Person]| suggestions(&at_end(text).unwrap(), tags, people).into_iter().map(|s| s.label).collect::<Vec<_>>();
        assert_eq!(labels("s", &[], &[]), ["status:", "severity:", "sort:"]);
        assert_eq!(labels("-s", &[], &[]), ["-status:", "-severity:"], "sort cannot be negated");
        assert_eq!(labels("status:in", &[], &[]), ["status:in_progress"]);
        assert_eq!(labels("severity:>=", &[], &[]), ["severity:>=low", "severity:>=medium", "severity:>=high", "severity:>=critical"]);
        let tags = ["UI".to_owned(), "needs info".to_owned()];
        assert_eq!(labels("-tag:n", &tags, &[]), ["-tag:\"needs info\""]);
        let ana = Person { id: 1, handle: "ana".into(), display_name: "Ana Lima".into() };
        assert_eq!(labels("assignee:", &[], std::slice::from_ref(&ana)), ["assignee:me", "assignee:none", "assignee:ana"]);
        assert_eq!(labels("reporter:lim", &[], &[ana]), ["reporter:ana"], "a name finds its handle");
        assert_eq!(labels("updated:<", &[], &[]), ["updated:<1d", "updated:<7d", "updated:<30d"]);
    }

    #[test]
    fn a_chosen_suggestion_replaces_the_word_being_typed() {
        let text = "crash sev tag:ui";
        let typing = typing_at(text, 9).unwrap();
        let key = &suggestions(&typing, &[], &[])[0];
        assert_eq!(apply(text, &typing, key), ("crash severity: tag:ui".to_owned(), 15));
        let text = "crash severity:h";
        let typing = at_end(text).unwrap();
        let value = &suggestions(&typing, &[], &[])[0];
        assert_eq!(apply(text, &typing, value), ("crash severity:high ".to_owned(), 20));
    }
}
