//! The last pass, over HTML the sanitizer has already cleaned: an image the page may load stays
//! an image, a foreign one becomes a link to it, any other one its alt text; a link the
//! sanitizer took the address from becomes its text. The browser then requests nothing that
//! markdown names, except the issue's own pictures.
use super::{InlineImages, LINK_REL, escape_attribute, escape_text};
use html5ever::tokenizer::{BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};
use std::cell::RefCell;

/// `clean_html` (the sanitizer's output) with its images and dead links rewritten.
pub(super) fn rewrite(clean_html: &str, images: &InlineImages) -> String {
    let sink = Rewriter { images, out: RefCell::new(Out { html: String::with_capacity(clean_html.len()), links: Vec::new() }) };
    let input = BufferQueue::default();
    input.push_back(clean_html.into());
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    // The sanitizer's output holds no script, so the tokenizer never stops to hand one over.
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.out.into_inner().html
}

struct Rewriter<'a> {
    images: &'a InlineImages,
    out: RefCell<Out>,
}

struct Out {
    html: String,
    /// One entry per open `<a>`: whether it was kept. The sanitizer's output never nests them.
    links: Vec<bool>,
}

impl TokenSink for Rewriter<'_> {
    type Handle = ();

    fn process_token(&self, token: Token, _line_number: u64) -> TokenSinkResult<()> {
        let mut out = self.out.borrow_mut();
        match token {
            Token::TagToken(tag) => out.tag(&tag, self.images),
            Token::CharacterTokens(text) => escape_text(&mut out.html, &text),
            Token::NullCharacterToken => out.html.push('\u{fffd}'),
            // The sanitizer leaves no comments or doctypes; errors are the tokenizer's notes.
            Token::CommentToken(_) | Token::DoctypeToken(_) | Token::EOFToken | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }
}

impl Out {
    fn tag(&mut self, tag: &Tag, images: &InlineImages) {
        match (tag.kind, &*tag.name) {
            (TagKind::StartTag, "img") => self.image(tag, images),
            (TagKind::StartTag, "a") => {
                let kept = attribute(tag, "href").is_some();
                self.links.push(kept);
                if kept {
                    self.copy(tag);
                }
            }
            (TagKind::EndTag, "a") => {
                if self.links.pop() == Some(true) {
                    self.copy(tag);
                }
            }
            _ => self.copy(tag),
        }
    }

    fn image(&mut self, tag: &Tag, images: &InlineImages) {
        let alt = attribute(tag, "alt").unwrap_or("");
        let src = attribute(tag, "src").unwrap_or("");
        if let Some(shown) = images.shown(src) {
            self.html.push_str("<img src=\"");
            escape_attribute(&mut self.html, shown);
            self.html.push_str("\" alt=\"");
            escape_attribute(&mut self.html, alt);
            self.html.push_str("\" loading=\"lazy\">");
        } else if is_web_address(src) && !self.links.contains(&true) {
            self.html.push_str("<a href=\"");
            escape_attribute(&mut self.html, src);
            self.html.push_str("\" rel=\"");
            self.html.push_str(LINK_REL);
            self.html.push_str("\">");
            escape_text(&mut self.html, if alt.trim().is_empty() { src } else { alt });
            self.html.push_str("</a>");
        } else {
            escape_text(&mut self.html, alt);
        }
    }

    /// Writes `tag` back as the sanitizer wrote it.
    fn copy(&mut self, tag: &Tag) {
        self.html.push('<');
        if tag.kind == TagKind::EndTag {
            self.html.push('/');
        }
        self.html.push_str(&tag.name);
        // The sanitizer empties a class attribute of classes it does not know; that says nothing.
        for attr in tag.attrs.iter().filter(|a| !(&*a.name.local == "class" && a.value.is_empty())) {
            self.html.push(' ');
            self.html.push_str(&attr.name.local);
            self.html.push_str("=\"");
            escape_attribute(&mut self.html, &attr.value);
            self.html.push('"');
        }
        self.html.push('>');
    }
}

fn attribute<'t>(tag: &'t Tag, name: &str) -> Option<&'t str> {
    tag.attrs.iter().find(|a| &*a.name.local == name).map(|a| &*a.value)
}

/// An absolute http(s) address: safe to link to, never to load.
fn is_web_address(src: &str) -> bool {
    ammonia::Url::parse(src).is_ok_and(|url| matches!(url.scheme(), "http" | "https"))
}
