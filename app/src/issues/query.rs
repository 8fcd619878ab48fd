//! The list's query language, typed into the search box and carried in the URL as `q`:
//! `is:open severity:>=high tag:ui -tag:docs assignee:me reporter:ana created:>2026-11-01
//! updated:<7d "exact phrase" -word sort:updated`. Keys narrow the list; everything else is the
//! full-text search it always was. The same parser serves the page, the REST API (`q=`) and the
//! live refresh, since all three list through one function.
//!
//! Parsing (winnow) gives terms with their positions; checking each key's value gives the typed
//! query or an error naming the column and what was expected there.
use super::model::{AssigneeFilter, IssueSort};
use crate::domain::{Severity, Status};
use chrono::NaiveDate;
use std::fmt;
use winnow::{
    ModalResult, Parser,
    combinator::{delimited, opt},
    token::{one_of, take_till, take_while},
};

/// How a key's value compares: `severity:>=high`, `created:<2026-11-01`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
}

/// A point in time a date key compares with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// A calendar day (UTC): `>2026-11-01` is from the day after on.
    Day(NaiveDate),
    /// An age in days: `<7d` is "less than 7 days ago".
    Days(u32),
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            When::Day(day) => write!(f, "{}", day.format("%Y-%m-%d")),
            When::Days(days) => write!(f, "{days}d"),
        }
    }
}

/// One narrowing key, its value checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// `is:open` (not done) or `is:closed` (done).
    Open(bool),
    Status(Status),
    Severity(Op, Severity),
    Tag(String),
    Assignee(AssigneeFilter),
    /// A handle, or an address for links made before handles.
    Reporter(String),
    Created(Op, When),
    Updated(Op, When),
}

/// A query, checked: the keys (each possibly negated with `-`), the order, and the free text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub keys: Vec<(bool, Key)>,
    pub sort: Option<IssueSort>,
    /// The words and phrases left for full-text search, as typed (`-word`, `"a phrase"`, `or`).
    pub text: Option<String>,
}

/// What is wrong with a query, and where: `column` counts characters from 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub column: usize,
    pub message: String,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at column {}: {}", self.column, self.message)
    }
}

/// The keys the language knows, for error messages.
const KEYS: &str = "is, status, severity, tag, assignee, reporter, created, updated, sort";

/// A term as parsed, before its value is checked.
#[derive(Debug)]
enum Term<'a> {
    /// A word or a quoted phrase, for full-text search.
    Text(&'a str),
    Key { negated: bool, key: &'a str, op: Op, value: String, value_at: usize },
}

fn spaces<'a>(input: &mut &'a str) -> ModalResult<&'a str> {
    take_while(0.., char::is_whitespace).parse_next(input)
}

fn key_name<'a>(input: &mut &'a str) -> ModalResult<&'a str> {
    (take_while(1.., |c: char| c.is_ascii_alphabetic() || c == '_'), ':').take().map(|s: &str| &s[..s.len() - 1]).parse_next(input)
}

fn op(input: &mut &str) -> ModalResult<Op> {
    opt((one_of(['<', '>', '=']), opt('=')))
        .map(|found: Option<(char, Option<char>)>| match found {
            None | Some(('=', _)) => Op::Eq,
            Some(('<', None)) => Op::Lt,
            Some(('<', Some(_))) => Op::Le,
            Some(('>', None)) => Op::Gt,
            Some((_, _)) => Op::Ge,
        })
        .parse_next(input)
}

/// A quoted string's inside; an error when the closing quote is missing.
fn quoted<'a>(input: &mut &'a str) -> ModalResult<&'a str> {
    delimited('"', take_till(0.., '"'), '"').parse_next(input)
}

fn bare<'a>(input: &mut &'a str) -> ModalResult<&'a str> {
    take_till(0.., char::is_whitespace).parse_next(input)
}

/// The terms of `source`, each with the character column it starts at.
fn terms(source: &str) -> Result<Vec<(usize, Term<'_>)>, QueryError> {
    let column = |rest: &str| source[..source.len() - rest.len()].chars().count() + 1;
    let mut input = source;
    let mut found = Vec::new();
    loop {
        let _ = spaces(&mut input);
        if input.is_empty() {
            return Ok(found);
        }
        let start = input;
        let at = column(start);
        let negated = input.starts_with('-');
        let mut after_sign = if negated { &input[1..] } else { input };
        if let Ok(key) = key_name(&mut after_sign) {
            let op = op(&mut after_sign).unwrap_or(Op::Eq);
            let value_at = column(after_sign);
            let value = if after_sign.starts_with('"') {
                quoted(&mut after_sign).map_err(|_| QueryError { column: value_at, message: "a closing quote (\")".to_owned() })?.to_owned()
            } else {
                let value = bare(&mut after_sign).unwrap_or_default();
                if let Some(quote) = value.find('"') {
                    return Err(QueryError { column: value_at + value[..quote].chars().count(), message: "no quote inside a value; quote the whole value (tag:\"needs info\")".to_owned() });
                }
                value.to_owned()
            };
            found.push((at, Term::Key { negated, key, op, value, value_at }));
            input = after_sign;
            continue;
        }
        let mut rest = after_sign;
        if rest.starts_with('"') {
            quoted(&mut rest).map_err(|_| QueryError { column: at, message: "a closing quote (\") for this phrase".to_owned() })?;
        } else {
            let _ = bare(&mut rest);
        }
        found.push((at, Term::Text(&start[..start.len() - rest.len()])));
        input = rest;
    }
}

fn expected(column: usize, message: impl Into<String>) -> QueryError {
    QueryError { column, message: message.into() }
}

/// A closed set's value in any letter case, with spaces or hyphens for underscores (`in-progress`).
fn one_of_set<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str, value: &str) -> Option<T> {
    let value = value.replace(['-', ' '], "_");
    all.iter().copied().find(|v| name(*v).eq_ignore_ascii_case(&value))
}

fn when(value: &str) -> Option<When> {
    if let Some(days) = value.strip_suffix(['d', 'D']) {
        return days.parse().ok().filter(|d| *d <= 36_500).map(When::Days);
    }
    if let Some(weeks) = value.strip_suffix(['w', 'W']) {
        return weeks.parse::<u32>().ok().filter(|w| *w <= 5_200).map(|w| When::Days(w * 7));
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d").ok().map(When::Day)
}

/// The longest query read, in characters; the rest is ignored.
pub const QUERY_MAX_CHARS: usize = 1024;

/// Parses and checks `source`. Control characters count as spaces (no database wants them).
pub fn parse(source: &str) -> Result<Query, QueryError> {
    let source: String = source.chars().take(QUERY_MAX_CHARS).map(|c| if c.is_control() { ' ' } else { c }).collect();
    let mut query = Query::default();
    let mut text: Vec<&str> = Vec::new();
    for (at, term) in terms(&source)? {
        let (negated, key, op, value, value_at) = match term {
            Term::Text(words) => {
                text.push(words);
                continue;
            }
            Term::Key { negated, key, op, value, value_at } => (negated, key, op, value, value_at),
        };
        let name = key.to_ascii_lowercase();
        if value.trim().is_empty() {
            return Err(expected(value_at, format!("a value after {name}:")));
        }
        let ordered = matches!(name.as_str(), "severity" | "created" | "updated");
        if op != Op::Eq && !ordered {
            return Err(expected(at, format!("{name}: takes no comparison; only severity, created and updated do")));
        }
        let lower = value.trim().to_lowercase();
        let parsed = match name.as_str() {
            "is" => match lower.as_str() {
                "open" => Key::Open(true),
                "closed" | "done" => Key::Open(false),
                _ => return Err(expected(value_at, "open or closed after is:")),
            },
            "status" => Key::Status(one_of_set(Status::ALL, Status::as_str, &lower).ok_or_else(|| expected(value_at, "a status: open, triaged, in_progress or done"))?),
            "severity" => Key::Severity(op, one_of_set(Severity::ALL, Severity::as_str, &lower).ok_or_else(|| expected(value_at, "a severity: low, medium, high or critical"))?),
            "tag" => Key::Tag(crate::text::cleaned(&value).to_lowercase()),
            "assignee" => Key::Assignee(AssigneeFilter::parse(&value).ok_or_else(|| expected(value_at, "me, none or a handle after assignee:"))?),
            "reporter" => Key::Reporter(lower.trim_start_matches('@').to_owned()),
            "created" | "updated" => {
                let point = when(&lower).ok_or_else(|| expected(value_at, "a date (2026-11-01) or an age (7d, 2w)"))?;
                if name == "created" { Key::Created(op, point) } else { Key::Updated(op, point) }
            }
            "sort" => {
                if negated {
                    return Err(expected(at, "sort: cannot be negated"));
                }
                let sort = match lower.as_str() {
                    "newest" | "created" => IssueSort::Newest,
                    "updated" => IssueSort::Updated,
                    "severity" => IssueSort::Severity,
                    _ => return Err(expected(value_at, "newest, updated or severity after sort:")),
                };
                query.sort = Some(sort);
                continue;
            }
            _ => return Err(expected(at, format!("\"{name}:\" is not a key (the keys are {KEYS}); put it in quotes to search for it"))),
        };
        query.keys.push((negated, parsed));
    }
    let text = text.join(" ");
    query.text = super::model::clean_search(&text);
    Ok(query)
}

/// A value as the query prints it: quoted when it holds a space or a quote-worthy character.
fn value(text: &str) -> String {
    if text.is_empty() || text.chars().any(|c| c.is_whitespace() || c == '"') { format!("\"{}\"", text.replace('"', "")) } else { text.to_owned() }
}

impl fmt::Display for Query {
    /// The query in its canonical form; parsing it again gives the same query.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        for (negated, key) in &self.keys {
            let sign = if *negated { "-" } else { "" };
            parts.push(match key {
                Key::Open(open) => format!("{sign}is:{}", if *open { "open" } else { "closed" }),
                Key::Status(status) => format!("{sign}status:{}", status.as_str().to_lowercase()),
                Key::Severity(op, severity) => format!("{sign}severity:{}{}", op.as_str(), severity.as_str().to_lowercase()),
                Key::Tag(tag) => format!("{sign}tag:{}", value(tag)),
                Key::Assignee(assignee) => format!("{sign}assignee:{}", value(&assignee.to_param())),
                Key::Reporter(reporter) => format!("{sign}reporter:{}", value(reporter)),
                Key::Created(op, when) => format!("{sign}created:{}{when}", op.as_str()),
                Key::Updated(op, when) => format!("{sign}updated:{}{when}", op.as_str()),
            });
        }
        if let Some(sort) = self.sort {
            parts.push(format!("sort:{}", sort.as_str()));
        }
        if let Some(text) = &self.text {
            parts.push(text.clone());
        }
        f.write_str(&parts.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_documented_example_reads_as_keys_and_text() {
        let query = parse(r#"is:open severity:>=high tag:ui -tag:docs assignee:me reporter:ana@example.com created:>2026-11-01 updated:<7d "exact phrase" -word sort:updated"#).unwrap();
        assert_eq!(
            query.keys,
            vec![
                (false, Key::Open(true)),
                (false, Key::Severity(Op::Ge, Severity::High)),
                (false, Key::Tag("ui".into())),
                (true, Key::Tag("docs".into())),
                (false, Key::Assignee(AssigneeFilter::Me)),
                (false, Key::Reporter("ana@example.com".into())),
                (false, Key::Created(Op::Gt, When::Day(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()))),
                (false, Key::Updated(Op::Lt, When::Days(7))),
            ]
        );
        assert_eq!(query.sort, Some(IssueSort::Updated));
        assert_eq!(query.text.as_deref(), Some("\"exact phrase\" -word"));
    }

    #[test]
    fn values_are_case_insensitive() {
        assert_eq!(parse("STATUS:In-Progress Severity:CRITICAL").unwrap().keys, vec![(false, Key::Status(Status::InProgress)), (false, Key::Severity(Op::Eq, Severity::Critical))]);
        assert_eq!(parse("tag:\"Needs Info\"").unwrap().keys, vec![(false, Key::Tag("needs info".into()))]);
    }

    #[test]
    fn errors_say_where_and_what_was_expected() {
        let error = |q: &str| parse(q).unwrap_err();
        assert_eq!(error("crash colour:red"), QueryError { column: 7, message: format!("\"colour:\" is not a key (the keys are {KEYS}); put it in quotes to search for it") });
        assert_eq!(error("severity:urgent").to_string(), "at column 10: a severity: low, medium, high or critical");
        assert_eq!(error("is:open updated:<yesterday").column, 18);
        assert_eq!(error("tag:").message, "a value after tag:");
        assert_eq!(error("tag:>ui").message, "tag: takes no comparison; only severity, created and updated do");
        assert_eq!(error("say \"hello").column, 5);
        assert_eq!(error("é tag:\"x").column, 7, "columns count characters, not bytes");
    }

    #[test]
    fn plain_words_stay_full_text_search() {
        let query = parse("  crash   on save ").unwrap();
        assert!(query.keys.is_empty());
        assert_eq!(query.text.as_deref(), Some("crash on save"));
        assert_eq!(parse("\"title:crash\"").unwrap().text.as_deref(), Some("\"title:crash\""), "a quoted key is searched for");
        assert_eq!(parse("").unwrap(), Query::default());
    }

    fn inputs() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            3 => "[a-zA-Z0-9é]{1,6}",
            3 => prop::sample::select(vec!["is:", "status:", "severity:", "tag:", "-tag:", "assignee:", "reporter:", "created:", "updated:", "sort:", "colour:", ":"]).prop_map(str::to_owned),
            2 => prop::sample::select(vec!["open", "closed", "high", ">=", "<", ">", "<=", "low", "7d", "2026-11-01", "me", "none", "\"", "-", "in_progress", "updated"]).prop_map(str::to_owned),
            3 => prop::sample::select(vec![" ", " ", "\t", "\u{3000}"]).prop_map(str::to_owned),
            1 => any::<char>().prop_map(String::from),
        ];
        prop_oneof![4 => prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat()), 1 => any::<String>()]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn any_input_parses_or_says_where_it_went_wrong(input in inputs()) {
            match parse(&input) {
                Ok(_) => {}
                Err(error) => prop_assert!((1..=input.chars().count() + 1).contains(&error.column), "{:?} for {:?}", error, input),
            }
        }

        #[test]
        fn a_printed_query_parses_to_the_same_query(input in inputs()) {
            if let Ok(query) = parse(&input) {
                let printed = query.to_string();
                let again = parse(&printed).map_err(|e| TestCaseError::fail(format!("{printed:?} from {input:?}: {e}")))?;
                prop_assert_eq!(again, query, "{:?} printed as {:?}", input, printed);
            }
        }
    }
}
