//! `@handle` in markdown: found in its text (never in code or inside a link), and shown as a
//! link to the person's page when the handle is someone's.
use crate::domain::mentions;
use pulldown_cmark::{CowStr, Event, Tag, TagEnd, TextMergeStream};
use std::collections::HashSet;

/// Where a text event sits: inside code, a link or an image, `@` is not a mention.
#[derive(Default)]
struct Context {
    code_blocks: usize,
    links: usize,
}

impl Context {
    /// Follows `event` in or out of code and links; whether mentions count after it.
    fn follow(&mut self, event: &Event<'_>) -> bool {
        match event {
            Event::Start(Tag::CodeBlock(_)) => self.code_blocks += 1,
            Event::End(TagEnd::CodeBlock) => self.code_blocks = self.code_blocks.saturating_sub(1),
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => self.links += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => self.links = self.links.saturating_sub(1),
            _ => {}
        }
        self.code_blocks == 0 && self.links == 0
    }
}

/// The handles mentioned in `markdown`, lowercased, each once, in the order written.
pub fn mentioned(markdown: &str) -> Vec<String> {
    let mut context = Context::default();
    let mut handles: Vec<String> = Vec::new();
    for event in TextMergeStream::new(pulldown_cmark::Parser::new_ext(markdown, super::options())) {
        let counts = context.follow(&event);
        if let (true, Event::Text(text)) = (counts, &event) {
            for (_, handle) in mentions(text) {
                if !handles.contains(&handle) {
                    handles.push(handle);
                }
            }
        }
    }
    handles
}

/// Turns each mention of a handle in `people` into a link to that person's page; any other
/// `@word` stays text.
pub(super) fn link<'a>(events: impl Iterator<Item = Event<'a>>, people: &HashSet<String>) -> impl Iterator<Item = Event<'a>> {
    let mut context = Context::default();
    TextMergeStream::new(events).flat_map(move |event| {
        let counts = context.follow(&event);
        match event {
            Event::Text(text) if counts && !people.is_empty() => split(text, people),
            event => vec![event],
        }
    })
}

fn split<'a>(text: CowStr<'a>, people: &HashSet<String>) -> Vec<Event<'a>> {
    let found: Vec<_> = mentions(&text).into_iter().filter(|(_, handle)| people.contains(handle)).collect();
    if found.is_empty() {
        return vec![Event::Text(text)];
    }
    let mut events = Vec::with_capacity(found.len() * 2 + 1);
    let mut from = 0;
    for (range, handle) in found {
        if range.start > from {
            events.push(Event::Text(CowStr::from(text[from..range.start].to_owned())));
        }
        // The handle is letters, digits, `-` and `_` only: nothing in it needs escaping.
        events.push(Event::InlineHtml(CowStr::from(format!(r#"<a href="/u/{handle}" class="mention">@{handle}</a>"#))));
        from = range.end;
    }
    if from < text.len() {
        events.push(Event::Text(CowStr::from(text[from..].to_owned())));
    }
    events
}

#[cfg(test)]
mod tests {
    use super::super::{Page, render};
    use super::mentioned;

    #[test]
    fn mentions_in_code_and_links_do_not_count() {
        let text = "Hi @Ana and @bob_2!\n\n`@carl` [@dora](https://x.example) ![@eve](x.png)\n\n```\n@fred\n```\n\n> @gil\n";
        assert_eq!(mentioned(text), ["ana", "bob_2", "gil"]);
        assert_eq!(mentioned("mail ana@example.com"), Vec::<String>::new());
    }

    #[test]
    fn a_known_handle_becomes_a_link_and_an_unknown_one_stays_text() {
        let page = Page::default().with_people(["ana".to_owned()].into_iter().collect());
        let html = render("Thanks @Ana, and @nobody. `@ana`", &page);
        assert!(html.contains(r#"<a href="/u/ana" class="mention" rel="noopener noreferrer nofollow">@ana</a>"#), "{html}");
        assert!(html.contains("@nobody"), "{html}");
        assert!(html.contains("<code>@ana</code>"), "{html}");
    }
}
