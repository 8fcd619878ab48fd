//! The renderer's tests: markdown features, what the sanitizer removes, and properties over
//! generated hostile markdown.
use super::{Page, render};
use proptest::prelude::*;

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

/// `scheme` as an attacker writes it: any letter case, an entity for its first letter, a tab,
/// newline or control character (raw or as an entity) inside, an encoded colon, junk before.
fn disguised(scheme: &'static str) -> impl Strategy<Value = String> {
    let inside = prop::sample::select(vec!["", "", "\t", "\n", "&#x09;", "&#9;", "&Tab;", "&#x0A;", "&NewLine;", "\u{1}", " "]);
    let colon = prop::sample::select(vec![":", ":", "&colon;", "&#58;", "&#x3A;", "&#x3a"]);
    let before = prop::sample::select(vec!["", "", " ", "\u{1}", "&#32;", "\u{0}"]);
    (any::<u16>(), any::<bool>(), 1..scheme.len(), inside, colon, before).prop_map(move |(case, entity, at, inside, colon, before)| {
        let mut letters: Vec<String> =
            scheme.chars().enumerate().map(|(i, c)| if case >> i & 1 == 1 { c.to_ascii_uppercase() } else { c }.to_string()).collect();
        if entity {
            letters[0] = format!("&#{};", u32::from(scheme.as_bytes()[0]));
        }
        letters.insert(at, inside.to_owned());
        format!("{before}{}{colon}", letters.concat())
    })
}

/// A hostile address in one of the places markdown or raw HTML takes one.
fn hostile_link() -> impl Strategy<Value = String> {
    let scheme = prop_oneof![disguised("javascript"), disguised("vbscript"), disguised("data")];
    let rest = prop::sample::select(vec!["alert(1)", "text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "text/html,<script>alert(1)</script>"]);
    let form = prop::sample::select(vec![
        "[x](URL)", "![x](URL)", "<URL>", "[x][r]\n\n[r]: URL\n", "<a href=\"URL\">x</a>", "<a href='URL'>x</a>", "<a href=URL>x</a>",
        "<img src=\"URL\">", "<iframe src=\"URL\"></iframe>", "<form action=\"URL\"><button formaction=\"URL\">x</button></form>",
    ]);
    (scheme, rest, form).prop_map(|(scheme, rest, form)| form.replace("URL", &format!("{scheme}{rest}")))
}

/// Markdown mixing hostile HTML, hostile links, markdown syntax and plain text.
fn hostile_markdown() -> impl Strategy<Value = String> {
    let tags = prop::sample::select(vec![
        "<script>alert(1)</script>", "<SCRIPT SRC=//x.example/x.js></SCRIPT>", "<scr<script>ipt>alert(1)</script>",
        "<img src=x onerror=alert(1)>", "<IMG SRC=x OnErRoR=alert(1)>", "<img src=x onerror=\"alert(1)\"/>", "<svg onload=alert(1)>",
        "<svg/onload=alert(1)><circle/></svg>", "<iframe src=\"https://evil.example\"></iframe>", "<object data=\"x.swf\"></object>",
        "<embed src=\"x.swf\">", "<body onload=alert(1)>", "<div onmouseover=\"x()\">hi</div>", "<a href=\"https://ok.example\" onclick=\"x()\">ok</a>",
        "<details open ontoggle=alert(1)>", "<input type=\"checkbox\" onfocus=alert(1) autofocus>", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">", "<!--<img src=x onerror=alert(1)>-->", "<base href=\"javascript:/\">",
        "<textarea><script>x</script></textarea>", "<span class=\"hl-keyword\" onclick=x>k</span>", "<a href=\"/issues/3\">ok</a>",
    ]);
    let syntax = prop::sample::select(vec![
        "# ", "> ", "- ", "1. ", "- [x] ", "**", "_", "`", "~~", "```\n", "```html\n", "    ", "| a | b |\n|---|---|\n| ", "[", "](", ")", "![",
        "<", ">", "&", "\"", "'", "=", "\\", "@alice ", "[ok](https://ok.example) ", "\n", "\n\n",
    ]);
    let piece = prop_oneof![3 => hostile_link(), 3 => tags.prop_map(str::to_owned), 3 => syntax.prop_map(str::to_owned), 2 => "[a-zA-Z0-9 .,:;!?é]{0,12}"];
    prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
}

/// One tag of the output: its lowercased name (`/name` for an end tag) and attributes.
type OutputTag = (String, Vec<(String, String)>);

/// The tags of serialized HTML, or what is wrong with it: outside a quoted attribute value,
/// every `<` must open a tag, since text has its `<` escaped.
fn tags_of(html: &str) -> Result<Vec<OutputTag>, String> {
    let mut tags = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let name_len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '/')).unwrap_or(rest.len());
        let name = rest[..name_len].to_ascii_lowercase();
        if !name.trim_start_matches('/').starts_with(|c: char| c.is_ascii_alphabetic()) {
            return Err(format!("a `<` that opens no tag: {:?}", &rest[..rest.len().min(20)]));
        }
        rest = &rest[name_len..];
        let mut attributes = Vec::new();
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
            if let Some(after) = rest.strip_prefix('>') {
                rest = after;
                break;
            }
            let end = rest.find(|c: char| c.is_ascii_whitespace() || "=>/".contains(c)).ok_or("an unclosed tag")?;
            let attribute = rest[..end].to_ascii_lowercase();
            rest = &rest[end..];
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix('=') {
                let (quote, after) = match after.chars().next() {
                    Some(q @ ('"' | '\'')) => (Some(q), &after[1..]),
                    _ => (None, after),
                };
                let end = match quote {
                    Some(q) => after.find(q).ok_or("an unclosed attribute value")?,
                    None => after.find(|c: char| c.is_ascii_whitespace() || c == '>').unwrap_or(after.len()),
                };
                value = after[..end].to_owned();
                rest = &after[end + usize::from(quote.is_some())..];
            }
            attributes.push((attribute, value));
        }
        tags.push((name, attributes));
    }
    Ok(tags)
}

/// The scheme a browser would read in an attribute value: character references decoded,
/// then (as the URL parser does) C0 controls and spaces trimmed and tabs and newlines removed.
fn scheme_of(value: &str) -> String {
    let mut decoded = String::new();
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        decoded.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '#')).unwrap_or(rest.len());
        let (name, after) = rest.split_at(end);
        let named = match name.to_ascii_lowercase().as_str() {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "nbsp" => Some('\u{a0}'),
            "tab" => Some('\t'),
            "newline" => Some('\n'),
            "colon" => Some(':'),
            n => n.strip_prefix("#x").map(|h| u32::from_str_radix(h, 16)).or_else(|| n.strip_prefix('#').map(str::parse)).and_then(Result::ok).and_then(char::from_u32),
        };
        match named {
            Some(c) => {
                decoded.push(c);
                rest = after.strip_prefix(';').unwrap_or(after);
            }
            None => decoded.push('&'),
        }
    }
    decoded.push_str(rest);
    let url: String = decoded.trim_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    url.split_once(':').map(|(scheme, _)| scheme.to_ascii_lowercase()).unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn no_generated_markdown_renders_script_frames_handlers_or_bad_links(markdown in hostile_markdown()) {
        let page = Page::default().with_people(["alice".to_owned()].into());
        let html = render(&markdown, &page);
        let tags = tags_of(&html).map_err(|e| TestCaseError::fail(format!("{e} in {html:?}")))?;
        for (name, attributes) in tags {
            let tag_is_end = name.starts_with('/');
            let name = name.trim_start_matches('/');
            prop_assert!(!["script", "iframe", "svg", "object", "embed"].contains(&name), "<{}> in {:?}", name, html);
            for (attribute, value) in &attributes {
                prop_assert!(!attribute.starts_with("on"), "{}= in {:?}", attribute, html);
                if ["href", "src", "action", "formaction", "srcset", "xlink:href"].contains(&attribute.as_str()) {
                    let scheme = scheme_of(value);
                    prop_assert!(!["javascript", "vbscript", "data"].contains(&scheme.as_str()), "{}={:?} in {:?}", attribute, value, html);
                }
            }
            if name == "a" && !tag_is_end {
                let rel = attributes.iter().find(|(a, _)| a == "rel").map(|(_, v)| v.as_str()).unwrap_or("");
                for needed in ["noopener", "noreferrer", "nofollow"] {
                    prop_assert!(rel.split_whitespace().any(|r| r == needed), "<a> without rel {} in {:?}", needed, html);
                }
            }
        }
    }
}
