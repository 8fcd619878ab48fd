//! Fenced code blocks that name a known language, coloured on the server: each run of tokens of
//! one kind becomes `<span class="hl-string">…</span>`, and style/ colours the classes for light
//! and dark. No inline style: the CSP and the sanitizer allow none.
use super::escape_text;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};
use std::{
    str::FromStr,
    sync::LazyLock,
    time::{Duration, Instant},
};
use syntect::{
    easy::HighlightLines,
    highlighting::{Color, ScopeSelectors, StyleModifier, Theme, ThemeItem, ThemeSettings},
    parsing::{SyntaxReference, SyntaxSet},
    util::LinesWithEndings,
};

/// The classes the highlighter writes (the only ones the sanitizer lets through), each with the
/// grammar scopes it stands for. Where several match a token, the most specific one wins, so a
/// JSON key is an attribute rather than a string.
pub(super) const CLASSES: &[(&str, &str)] = &[
    ("hl-comment", "comment"),
    ("hl-string", "string, constant.other.symbol"),
    ("hl-escape", "constant.character.escape, string.regexp"),
    ("hl-number", "constant.numeric"),
    ("hl-constant", "constant.language, constant.other, support.constant, variable.language"),
    ("hl-keyword", "keyword, storage"),
    ("hl-operator", "keyword.operator"),
    ("hl-type", "entity.name.type, entity.name.class, entity.name.struct, entity.name.enum, entity.name.trait, support.type, support.class"),
    ("hl-function", "entity.name.function, support.function, variable.function, support.macro"),
    ("hl-tag", "entity.name.tag"),
    ("hl-attribute", "entity.other.attribute-name, support.type.property-name, meta.mapping.key string"),
    ("hl-heading", "markup.heading, entity.name.section, meta.diff.range, meta.diff.header"),
    ("hl-inserted", "markup.inserted"),
    ("hl-deleted", "markup.deleted"),
    ("hl-invalid", "invalid"),
];

/// Highlighting runs the grammar's regexes at every token, on the request's thread and for each
/// reader: 4 to 8 µs a byte of ordinary code (release build, pure-Rust regexes), far more on
/// long lines, whose cost grows with the square of their length (0.5 s for one line of 1,000
/// letters in some grammars). So a huge paste cannot stall the server, a block
/// over [`MAX_BLOCK_BYTES`] or with a line over [`MAX_LINE_BYTES`] is shown plain, and so is
/// every block still unfinished when its page has spent [`PAGE_BUDGET`] (checked after each line).
const MAX_BLOCK_BYTES: usize = 8 * 1024;
const MAX_LINE_BYTES: usize = 256;
/// Generous enough for a grammar's first use (compiling its regexes takes up to ~90 ms); debug
/// builds run about ten times slower.
pub(super) const PAGE_BUDGET: Duration = Duration::from_millis(if cfg!(debug_assertions) { 2000 } else { 150 });

/// The bundled grammars, read when a block first names a language: a server that shows no code
/// never holds them.
static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// The classes as a colour scheme for syntect's highlighter: class `i` is "colour" `i + 1`, and
/// 0 is text of no class. The highlighter does the scope matching; the colours are only keys.
static CLASSIFIER: LazyLock<Theme> = LazyLock::new(|| Theme {
    settings: ThemeSettings { foreground: Some(key(0)), ..ThemeSettings::default() },
    scopes: CLASSES
        .iter()
        .zip(1..)
        .map(|((_, scopes), index)| ThemeItem {
            scope: ScopeSelectors::from_str(scopes).expect("the scope selectors above parse"),
            style: StyleModifier { foreground: Some(key(index)), ..StyleModifier::default() },
        })
        .collect(),
    ..Theme::default()
});

fn key(index: u8) -> Color {
    Color { r: index, g: 0, b: 0, a: 0xff }
}

/// `events` with each fenced block in a known language replaced by its highlighted HTML;
/// other blocks pass untouched.
pub(super) fn code_blocks<'a>(events: impl Iterator<Item = Event<'a>>, until: Instant) -> impl Iterator<Item = Event<'a>> {
    let mut block: Option<(&'static SyntaxReference, String)> = None;
    events.filter_map(move |event| {
        if let Some((syntax, code)) = &mut block {
            // Inside a fenced block there is only its text, then its end.
            return match event {
                Event::Text(text) => {
                    code.push_str(&text);
                    None
                }
                Event::End(TagEnd::CodeBlock) => {
                    let html = block_html(syntax, code, until);
                    block = None;
                    Some(Event::Html(CowStr::from(html)))
                }
                other => Some(other),
            };
        }
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => match syntax_for(&info) {
                Some(syntax) => {
                    block = Some((syntax, String::new()));
                    None
                }
                None => Some(Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))),
            },
            other => Some(other),
        }
    })
}

/// The grammar for a fence's info string (`rust`, `py title=x`, `js,ignore`), if one is bundled.
fn syntax_for(info: &str) -> Option<&'static SyntaxReference> {
    let language = info.split(|c: char| c.is_whitespace() || c == ',').next().filter(|l| !l.is_empty())?;
    SYNTAXES.find_syntax_by_token(language).filter(|s| s.name != "Plain Text")
}

fn block_html(syntax: &'static SyntaxReference, code: &str, until: Instant) -> String {
    let mut html = String::with_capacity(code.len() * 2);
    html.push_str("<pre><code>");
    match highlighted(syntax, code, until) {
        Some(spans) => html.push_str(&spans),
        None => escape_text(&mut html, code),
    }
    html.push_str("</code></pre>\n");
    html
}

/// `code` as spans of classes, or `None` when it is over the caps, runs past `until`, or the
/// grammar fails.
fn highlighted(syntax: &'static SyntaxReference, code: &str, until: Instant) -> Option<String> {
    if code.len() > MAX_BLOCK_BYTES || code.lines().any(|line| line.len() > MAX_LINE_BYTES) {
        return None;
    }
    let mut lines = HighlightLines::new(syntax, &CLASSIFIER);
    let mut html = String::with_capacity(code.len() * 2);
    let mut open = 0;
    for line in LinesWithEndings::from(code) {
        if Instant::now() >= until {
            return None;
        }
        for (style, text) in lines.highlight_line(line, &SYNTAXES).ok()? {
            let class = style.foreground.r;
            if class != open {
                if open != 0 {
                    html.push_str("</span>");
                }
                if let Some((name, _)) = CLASSES.get(usize::from(class).wrapping_sub(1)) {
                    html.push_str("<span class=\"");
                    html.push_str(name);
                    html.push_str("\">");
                }
                open = class;
            }
            escape_text(&mut html, text);
        }
    }
    if open != 0 {
        html.push_str("</span>");
    }
    Some(html)
}
