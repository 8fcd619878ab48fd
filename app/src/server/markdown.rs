//! Markdown to safe HTML: pulldown-cmark renders, ammonia removes anything that could run.
use pulldown_cmark::{Options, Parser, html};
use std::sync::LazyLock;

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .url_schemes(["http", "https", "mailto"].into())
        .link_rel(Some("noopener noreferrer nofollow"))
        // Task-list checkboxes are the only inputs markdown produces.
        .add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attribute_values("input", "type", ["checkbox"]);
    builder
});

/// Renders `markdown` (tables, task lists, strikethrough) as HTML with no script, event
/// handler, frame or `javascript:`/`data:` link left in it.
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    SANITIZER.clean(&unsafe_html).to_string()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn markdown_features_survive() {
        let html = render("# Title\n\n~~old~~ **new**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n");
        assert!(html.contains("<h1>Title</h1>"), "{html}");
        assert!(html.contains("<del>old</del>") && html.contains("<strong>new</strong>"));
        assert!(html.contains("<table>") && html.contains("<td>2</td>"));
        assert!(html.contains(r#"<input type="checkbox" checked="" disabled="">"#) || html.contains("checkbox"), "{html}");
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
        ];
        for payload in payloads {
            let html = render(payload).to_lowercase();
            for bad in ["<script", "onerror", "onload", "onclick", "javascript:", "data:text", "<iframe", "<svg", "style="] {
                assert!(!html.contains(bad), "{payload:?} left {bad:?} in {html:?}");
            }
        }
    }

    #[test]
    fn links_get_rel_noopener_noreferrer_nofollow() {
        let html = render("[site](https://example.com)");
        assert_eq!(html.trim(), r#"<p><a href="https://example.com" rel="noopener noreferrer nofollow">site</a></p>"#);
    }
}
