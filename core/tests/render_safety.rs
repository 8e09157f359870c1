//! Property: whatever Markdown goes in, the rendered HTML cannot run script.
//! Checked structurally: every tag is one the renderer is meant to emit, and
//! its only attributes are inert ones with safe URLs.

use privacy_center_core::render::render;
use proptest::prelude::*;

const TAGS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "strong",
    "em",
    "del",
    "code",
    "pre",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "br",
];
const ATTRS: &[&str] = &[
    "href", "src", "alt", "title", "id", "start", "style", "class",
];

/// Every `<tag attr="…">` in `html`, as (tag, [(attr, value)]).
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest
            .find('>')
            .expect("every < in the output opens a tag; text is escaped");
        let inner = rest[..end].trim_start_matches('/').trim_end_matches('/');
        rest = &rest[end + 1..];
        let mut parts = inner.splitn(2, ' ');
        let name = parts.next().unwrap_or_default().to_owned();
        let mut attrs = Vec::new();
        let mut a = parts.next().unwrap_or_default();
        while let Some(eq) = a.find("=\"") {
            let key = a[..eq].trim().to_owned();
            let after = &a[eq + 2..];
            let close = after.find('"').expect("attribute values are quoted");
            attrs.push((key, after[..close].to_owned()));
            a = &after[close + 1..];
        }
        assert!(
            a.trim().is_empty(),
            "unparsed attribute text {a:?} in {inner:?}"
        );
        out.push((name, attrs));
    }
    out
}

fn assert_inert(html: &str) {
    for (tag, attrs) in tags(html) {
        assert!(
            TAGS.contains(&tag.as_str()),
            "unexpected tag <{tag}> in {html}"
        );
        for (key, value) in attrs {
            assert!(
                ATTRS.contains(&key.as_str()),
                "unexpected attribute {key} on <{tag}> in {html}"
            );
            if key == "class" {
                // Fenced code blocks name their language; an escaped, inert value.
                assert!(tag == "code" && value.starts_with("language-"), "{value}");
            }
            if key == "style" {
                // pulldown-cmark only writes table alignment.
                assert!(value.starts_with("text-align: "), "{value}");
            }
            if key == "href" || key == "src" {
                let v = value.to_ascii_lowercase();
                if let Some(i) = v
                    .find([':', '/', '?', '#'])
                    .filter(|&i| v.as_bytes()[i] == b':')
                {
                    let scheme = &v[..i];
                    assert!(
                        ["http", "https", "mailto", "tel"].contains(&scheme),
                        "unsafe URL {value} in {html}"
                    );
                }
            }
        }
    }
}

/// Markdown built from fragments attackers like, mixed with policy text.
fn hostile_markdown() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("<script>alert(1)</script>".to_owned()),
        Just("<img src=x onerror=alert(1)>".to_owned()),
        Just("<a href=\"javascript:alert(1)\">x</a>".to_owned()),
        Just("[点我](javascript:alert(1))".to_owned()),
        Just("[点我](JAVASCRIPT:alert(1))".to_owned()),
        Just("[点我](<java\tscript:alert(1)>)".to_owned()),
        Just("![图](data:text/html;base64,PHNjcmlwdD4=)".to_owned()),
        Just("[ref]\n\n[ref]: vbscript:msgbox(1)".to_owned()),
        Just("<svg onload=alert(1)>".to_owned()),
        Just("<iframe src=//evil>".to_owned()),
        Just("<!-- comment --><style>*{}</style>".to_owned()),
        Just("## 一、标题 {#x onclick=alert(1)}".to_owned()),
        Just("| a | b |\n|:--|--:|\n| <b>x</b> | y |".to_owned()),
        Just("<https://example.com/\"onmouseover=\"alert(1)>".to_owned()),
        Just("`<script>`".to_owned()),
        Just("```html\n<script>alert(1)</script>\n```".to_owned()),
        Just("我们收集您的信息。".to_owned()),
        Just("\n\n".to_owned()),
        Just("- （1）列表项".to_owned()),
        "[\\PC]{0,12}",
    ];
    prop::collection::vec(fragment, 1..12).prop_map(|v| v.join(""))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn rendered_html_never_executes_script(md in hostile_markdown()) {
        let html = render(&md).unwrap().html;
        assert_inert(&html);
    }

    #[test]
    fn arbitrary_text_renders_to_inert_html(md in "\\PC{0,200}") {
        let html = render(&md).unwrap().html;
        assert_inert(&html);
    }
}

#[test]
fn the_checker_itself_catches_unsafe_output() {
    let caught = |html: &str| std::panic::catch_unwind(|| assert_inert(html)).is_err();
    assert!(caught("<script>alert(1)</script>"));
    assert!(caught("<img src=\"x\" onerror=\"alert(1)\">"));
    assert!(caught("<a href=\"javascript:alert(1)\">x</a>"));
    assert!(!caught(
        "<p><a href=\"https://example.com\">x</a> &lt;script&gt;</p>"
    ));
}
