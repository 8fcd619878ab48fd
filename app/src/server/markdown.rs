//! Markdown to safe HTML in three passes: pulldown-cmark renders (code blocks highlighted),
//! ammonia removes anything that could run, and a last pass over the sanitized HTML turns every
//! image the page may not load into a link or text, and every link that lost its address into text.
mod highlight;
mod media;
mod mentions;

pub use mentions::mentioned;

use pulldown_cmark::{Options, Parser, html};
use std::{
    collections::{HashMap, HashSet},
    sync::LazyLock,
    time::Instant,
};

/// What every link in rendered markdown carries.
const LINK_REL: &str = "noopener noreferrer nofollow";

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .url_schemes(["http", "https", "mailto"].into())
        .link_rel(Some(LINK_REL))
        // Task-list checkboxes are the only inputs markdown produces.
        .add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attribute_values("input", "type", ["checkbox"])
        // Highlighted code is spans with classes; the highlighter's are the only classes kept.
        .add_allowed_classes("span", highlight::CLASSES.iter().map(|(class, _)| class))
        // A mention is a link to the person's page.
        .add_allowed_classes("a", ["mention"]);
    builder
});

/// What rendering the texts of one page needs: the images they may show inline, and the time
/// left for highlighting their code (one allowance for the page, however many texts it has).
#[derive(Debug, Clone)]
pub struct Page {
    images: InlineImages,
    highlight_until: Instant,
    /// The handles whose mentions link to the person's page.
    people: HashSet<String>,
}

impl Page {
    /// A page that shows `images` inline; its highlighting allowance starts now.
    pub fn new(images: InlineImages) -> Page {
        Page { images, highlight_until: Instant::now() + highlight::PAGE_BUDGET, people: HashSet::new() }
    }

    /// The same page, with mentions of these handles shown as links.
    pub fn with_people(mut self, handles: HashSet<String>) -> Page {
        self.people = handles;
        self
    }
}

impl Default for Page {
    /// A page that shows no image inline.
    fn default() -> Page {
        Page::new(InlineImages::default())
    }
}

/// The images a text may show inline, by the address written in it, each with the same-site
/// address the page loads it from (an issue's picture attachments). Any other image becomes a
/// link or text, so showing markdown never makes the browser fetch anything else.
#[derive(Debug, Clone, Default)]
pub struct InlineImages(HashMap<String, String>);

impl InlineImages {
    /// Where the image written as `src` is loaded from, if it may show inline.
    fn shown(&self, src: &str) -> Option<&str> {
        self.0.get(src).map(String::as_str)
    }
}

impl FromIterator<(String, String)> for InlineImages {
    /// Pairs of (address as written, address loaded).
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Self {
        InlineImages(pairs.into_iter().collect())
    }
}

/// Renders `markdown` (tables, task lists, strikethrough, highlighted code) as HTML with no
/// script, event handler, frame or `javascript:`/`data:` link left in it, and no image but the
/// page's inline ones.
pub fn render(markdown: &str, page: &Page) -> String {
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    let events = mentions::link(Parser::new_ext(markdown, options()), &page.people);
    let events = highlight::code_blocks(events, page.highlight_until);
    html::push_html(&mut unsafe_html, events);
    media::rewrite(&SANITIZER.clean(&unsafe_html).to_string(), &page.images)
}

/// The markdown the product reads: tables, task lists and strikethrough beside CommonMark.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH
}

/// Text made safe between tags.
pub(crate) fn escape_text(out: &mut String, text: &str) {
    escape(out, text, false);
}

/// Text made safe inside a double-quoted attribute.
fn escape_attribute(out: &mut String, value: &str) {
    escape(out, value, true);
}

fn escape(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            '"' if attribute => out.push_str("&quot;"),
            '<' if !attribute => out.push_str("&lt;"),
            '>' if !attribute => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests;
