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
mod tests {
    use super::{Page, render};

    fn plain(markdown: &str) -> String {
        render(markdown, &Page::default())
    }

    /// Attachment 7 is a picture of the issue, written as its download or its preview address.
    fn with_attachment_7(markdown: &str) -> String {
        let shown = "/attachments/7/preview".to_owned();
        render(markdown, &Page::new([("/attachments/7".to_owned(), shown.clone()), (shown.clone(), shown)].into_iter().collect()))
    }

    #[test]
    fn markdown_features_survive() {
        let html = plain("# Title\n\n~~old~~ **new**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n");
        assert!(html.contains("<h1>Title</h1>"), "{html}");
        assert!(html.contains("<del>old</del>") && html.contains("<strong>new</strong>"));
        assert!(html.contains("<table>") && html.contains("<td>2</td>"));
        assert!(html.contains("<li><input disabled=\"\" type=\"checkbox\" checked=\"\">\ndone</li>"), "{html}");
        assert!(html.contains("<li><input disabled=\"\" type=\"checkbox\">\ntodo</li>"), "{html}");
    }

    #[test]
    fn scripts_handlers_frames_and_bad_schemes_are_removed() {
        let payloads = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<svg onload=alert(1)><circle/></svg>",
            "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
            "<div style=\"background:url(javascript:alert(1))\" onclick=\"x()\">hi</div>",
            "<span class=\"hl-keyword\" style=\"color:red\" onmouseover=\"x()\">k</span>",
        ];
        for payload in payloads {
            let html = plain(payload).to_lowercase();
            for bad in ["<script", "onerror", "onload", "onclick", "onmouseover", "javascript:", "data:text", "<iframe", "<svg", "style="] {
                assert!(!html.contains(bad), "{payload:?} left {bad:?} in {html:?}");
            }
        }
    }

    #[test]
    fn links_get_rel_noopener_noreferrer_nofollow() {
        let html = plain("[site](https://example.com)");
        assert_eq!(html.trim(), r#"<p><a href="https://example.com" rel="noopener noreferrer nofollow">site</a></p>"#);
    }

    #[test]
    fn a_picture_attachment_of_the_same_issue_shows_inline() {
        for written in ["![the crash](/attachments/7)", "![the crash](/attachments/7/preview)", "<img src=\"/attachments/7\" alt=\"the crash\">"] {
            let html = with_attachment_7(written);
            assert!(html.contains(r#"<img src="/attachments/7/preview" alt="the crash" loading="lazy">"#), "{written}: {html}");
        }
    }

    #[test]
    fn an_attachment_of_another_issue_is_not_loaded() {
        let html = with_attachment_7("![other](/attachments/8) ![query](/attachments/7?x=1)");
        assert_eq!(html.trim(), "<p>other query</p>");
    }

    #[test]
    fn a_foreign_image_becomes_a_link_with_its_alt_text() {
        let html = with_attachment_7("![the logo](https://example.com/logo.png) ![](http://example.com/a.png)");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains(r#"<a href="https://example.com/logo.png" rel="noopener noreferrer nofollow">the logo</a>"#), "{html}");
        assert!(html.contains(r#"<a href="http://example.com/a.png" rel="noopener noreferrer nofollow">http://example.com/a.png</a>"#), "an image without alt text is named by its address: {html}");
    }

    #[test]
    fn a_foreign_image_inside_a_link_is_text_not_a_second_link() {
        let html = plain("[![badge](https://example.com/b.svg)](https://example.com)");
        assert_eq!(html.trim(), r#"<p><a href="https://example.com" rel="noopener noreferrer nofollow">badge</a></p>"#);
    }

    #[test]
    fn a_relative_or_unsafe_image_is_its_alt_text_and_loads_nothing() {
        for (written, shown) in [
            ("![a shot](x)", "<p>a shot</p>"),
            ("![up](../issues/3.png)", "<p>up</p>"),
            ("![far](//example.com/x.png)", "<p>far</p>"),
            ("![run](javascript:alert(1))", "<p>run</p>"),
            ("![inline](data:image/png;base64,iVBORw0KGgo=)", "<p>inline</p>"),
            // Raw HTML on a line of its own is a block of its own, without a paragraph.
            ("<img src=x alt=\"a &amp; b\">", "a &amp; b"),
            ("<img src=x onerror=alert(1)>", ""),
            ("see <img src=\"/issues/x\" alt=\"this\"> here", "<p>see this here</p>"),
        ] {
            assert_eq!(plain(written).trim(), shown, "{written}");
        }
    }

    #[test]
    fn a_link_whose_address_is_removed_is_plain_text() {
        for written in ["[click](javascript:alert(1))", "<a href=\"javascript:alert(1)\">click</a>", "[click](data:text/html,hi)", "<a>click</a>"] {
            assert_eq!(plain(written).trim(), "<p>click</p>", "{written}");
        }
        assert!(plain("[issue 3](/issues/3)").contains(r#"<a href="/issues/3" rel="noopener noreferrer nofollow">issue 3</a>"#), "relative links stay");
    }

    #[test]
    fn code_in_a_known_language_is_highlighted_with_classes_only() {
        let html = plain("```rust\nfn main() { let s = \"<b>\"; } // done\n```\n");
        assert_eq!(
            html.trim(),
            concat!(
                r#"<pre><code><span class="hl-keyword">fn</span> <span class="hl-function">main</span>() { "#,
                r#"<span class="hl-keyword">let</span> s <span class="hl-operator">=</span> <span class="hl-string">"&lt;b&gt;"</span>; } "#,
                r#"<span class="hl-comment">// done
</span></code></pre>"#
            )
        );
    }

    #[test]
    fn code_in_an_unknown_or_no_language_is_plain() {
        for written in ["```klingon-script\nqapla'\n```", "```\nqapla'\n```", "    qapla'\n"] {
            assert_eq!(plain(written).trim(), "<pre><code>qapla'\n</code></pre>", "{written}");
        }
    }

    #[test]
    fn only_the_highlighters_classes_pass() {
        let html = plain("<span class=\"hl-keyword evil hidden\">k</span> <b class=\"hl-string\">b</b> <span class=\"hl-x\">s</span>");
        assert_eq!(html.trim(), r#"<p><span class="hl-keyword">k</span> <b>b</b> <span>s</span></p>"#, "an emptied class goes");
    }

    #[test]
    fn code_past_the_pages_highlighting_allowance_is_plain() {
        let spent = Page { images: Default::default(), highlight_until: std::time::Instant::now(), people: Default::default() };
        assert_eq!(render("```rust\nfn main() {}\n```\n", &spent).trim(), "<pre><code>fn main() {}\n</code></pre>");
    }

    #[test]
    fn a_huge_code_block_or_line_is_shown_plain() {
        for code in ["let x = 1;\n".repeat(2000), format!("let x = [{}];\n", "1, ".repeat(1000))] {
            let html = plain(&format!("```rust\n{code}```\n"));
            assert!(!html.contains("hl-") && html.contains("let x = "), "{}", &html[..200]);
        }
    }
}
