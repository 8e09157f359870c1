//! Markdown → sanitised HTML with heading ids and a table of contents.
//!
//! Sanitising happens on pulldown-cmark's event stream rather than on the
//! produced HTML: raw HTML is turned into text (so it shows, escaped, instead
//! of running), and link and image targets are filtered by scheme. This keeps
//! an HTML parser out of the browser bundle.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use crate::policy::MAX_POLICY_BYTES;
use crate::wire::TocEntry;
use crate::Error;

/// A heading with the headings nested under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TocNode {
    /// The heading itself.
    pub entry: TocEntry,
    /// Deeper headings up to the next heading of this level or higher.
    pub children: Vec<TocNode>,
}

/// A heading as the contents list it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listed<'a> {
    /// The heading.
    pub entry: &'a TocEntry,
    /// 1 for the top level present in the document, 2 for the level below
    /// it (the `toc-l1` and `toc-l2` classes).
    pub depth: u8,
}

/// The headings the contents list, in document order: the top two heading
/// levels present (a policy whose sections are `##` lists `##` and `###`).
/// One rule for the server's pre-rendered page and the SPA's contents.
pub fn listed_toc(entries: &[TocEntry]) -> Vec<Listed<'_>> {
    let Some(top) = entries.iter().map(|e| e.level).min() else {
        return Vec::new();
    };
    entries
        .iter()
        .filter(|e| e.level <= top + 1)
        .map(|entry| Listed {
            entry,
            depth: entry.level - top + 1,
        })
        .collect()
}

/// Nests a flat heading list: each heading owns the deeper headings that
/// follow it. A skipped level (## then ####) nests directly.
pub fn toc_tree(entries: &[TocEntry]) -> Vec<TocNode> {
    fn take(entries: &[TocEntry], i: &mut usize, parent_level: u8) -> Vec<TocNode> {
        let mut out = Vec::new();
        while let Some(e) = entries.get(*i) {
            if e.level <= parent_level {
                break;
            }
            *i += 1;
            let children = take(entries, i, e.level);
            out.push(TocNode {
                entry: e.clone(),
                children,
            });
        }
        out
    }
    let mut i = 0;
    let mut roots = Vec::new();
    while i < entries.len() {
        // Headings shallower than the first one still start a root.
        roots.extend(take(entries, &mut i, 0));
    }
    roots
}

/// The anchor (`id`) of the heading whose text is `heading`, the way
/// `app.toml` names a section (a switch's, a list row's): where a link to
/// that section lands on the policy page.
pub fn section_anchor<'a>(toc: &'a [TocEntry], heading: &str) -> Option<&'a str> {
    toc.iter()
        .find(|e| e.text.trim() == heading.trim())
        .map(|e| e.id.as_str())
}

/// A rendered policy body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// Sanitised HTML, safe to insert as `innerHTML`.
    pub html: String,
    /// Every heading in document order.
    pub toc: Vec<TocEntry>,
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Renders Markdown to sanitised HTML and collects its headings.
pub fn render(markdown: &str) -> Result<Rendered, Error> {
    if markdown.len() > MAX_POLICY_BYTES {
        return Err(Error::TooLarge {
            size: markdown.len(),
            limit: MAX_POLICY_BYTES,
        });
    }
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut toc = Vec::new();
    let mut slugs = Slugs::default();
    // Index of the open heading's Start event, and its text so far.
    let mut open_heading: Option<(usize, String)> = None;
    // Whether the currently open link or image was dropped as unsafe.
    let mut dropped: Vec<bool> = Vec::new();

    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Html(raw) | Event::InlineHtml(raw) => events.push(Event::Text(raw)),
            Event::Start(Tag::Heading { level, .. }) => {
                open_heading = Some((events.len(), String::new()));
                events.push(Event::Start(Tag::Heading {
                    level,
                    id: None,
                    classes: vec![],
                    attrs: vec![],
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                if let Some((start, text)) = open_heading.take() {
                    let text = text.trim().to_owned();
                    let id = slugs.unique(&text);
                    events[start] = Event::Start(Tag::Heading {
                        level,
                        id: Some(CowStr::from(id.clone())),
                        classes: vec![],
                        attrs: vec![],
                    });
                    toc.push(TocEntry {
                        level: level_number(level),
                        id,
                        text,
                    });
                }
                events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let unsafe_url = !is_safe_url(&dest_url);
                dropped.push(unsafe_url);
                if !unsafe_url {
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let unsafe_url = !is_safe_url(&dest_url);
                dropped.push(unsafe_url);
                if !unsafe_url {
                    events.push(Event::Start(Tag::Image {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Event::End(end @ (TagEnd::Link | TagEnd::Image)) => {
                if !dropped.pop().unwrap_or(false) {
                    events.push(Event::End(end));
                }
            }
            other => {
                if let (Some((_, text)), Event::Text(t) | Event::Code(t)) =
                    (&mut open_heading, &other)
                {
                    text.push_str(t);
                }
                events.push(other);
            }
        }
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Ok(Rendered { html, toc })
}

fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Allows relative URLs, fragments and the schemes a policy legitimately
/// links to. Browsers ignore ASCII whitespace and control characters inside
/// a scheme (`java\tscript:`), so those are removed before looking.
fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .collect::<String>()
        .to_ascii_lowercase();
    match cleaned.find([':', '/', '?', '#']) {
        Some(i) if cleaned.as_bytes()[i] == b':' => {
            matches!(&cleaned[..i], "http" | "https" | "mailto" | "tel")
        }
        _ => true,
    }
}

/// Readable, stable heading ids: the heading's letters and digits (Chinese
/// included) joined by `-`; repeats get `-2`, `-3`, … in document order.
#[derive(Default)]
struct Slugs {
    seen: HashMap<String, usize>,
}

impl Slugs {
    fn unique(&mut self, text: &str) -> String {
        let base = slug(text);
        let n = self.seen.entry(base.clone()).or_insert(0);
        *n += 1;
        if *n == 1 {
            base
        } else {
            format!("{base}-{n}")
        }
    }
}

/// The slug of one heading text, without de-duplication.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut gap = false;
    for c in text.chars() {
        if is_word_char(c) {
            if gap && !out.is_empty() {
                out.push('-');
            }
            gap = false;
            out.push(c.to_ascii_lowercase());
        } else {
            gap = true;
        }
    }
    if out.is_empty() {
        "section".to_owned()
    } else {
        out
    }
}

/// ASCII letters and digits, and any non-ASCII character outside the
/// punctuation, symbol and space blocks that Chinese text uses. Deliberately
/// table-free: Unicode property tables would cost the browser bundle ~10 KB
/// and could shift ids between Rust releases.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    !matches!(c as u32,
        0x00A0..=0x00BF      // Latin-1 punctuation and symbols
        | 0x2000..=0x2BFF    // general punctuation, arrows, maths, shapes
        | 0x3000..=0x303F    // CJK symbols and punctuation: 、。「」【】
        | 0xFE10..=0xFE6F    // vertical and small forms
        | 0xFF00..=0xFF0F    // fullwidth ！＂＃…／
        | 0xFF1A..=0xFF20    // fullwidth ：；＜＝＞？＠
        | 0xFF3B..=0xFF40
        | 0xFF5B..=0xFF65    // fullwidth ｛｜｝～ and halfwidth punctuation
        | 0xFFE0..=0xFFEF
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(level: u8, id: &str) -> TocEntry {
        TocEntry {
            level,
            id: id.into(),
            text: id.into(),
        }
    }

    #[test]
    fn the_contents_list_the_top_two_levels_present() {
        let listed = |entries: &[TocEntry]| -> Vec<(String, u8)> {
            listed_toc(entries)
                .into_iter()
                .map(|l| (l.entry.id.clone(), l.depth))
                .collect()
        };
        let toc = [
            entry(2, "a"),
            entry(3, "a1"),
            entry(4, "a1x"),
            entry(2, "b"),
            entry(5, "b-deep"),
            entry(3, "b1"),
        ];
        assert_eq!(
            listed(&toc),
            [("a", 1), ("a1", 2), ("b", 1), ("b1", 2)].map(|(id, d)| (id.to_owned(), d))
        );
        // A document that starts at `#`, or only has deep headings.
        let toc = [entry(1, "t"), entry(2, "s"), entry(3, "x")];
        assert_eq!(
            listed(&toc),
            [("t", 1), ("s", 2)].map(|(id, d)| (id.to_owned(), d))
        );
        let toc = [entry(4, "x"), entry(6, "y"), entry(5, "z")];
        assert_eq!(
            listed(&toc),
            [("x", 1), ("z", 2)].map(|(id, d)| (id.to_owned(), d))
        );
        assert!(listed_toc(&[]).is_empty());
    }

    #[test]
    fn headings_get_readable_chinese_ids_and_a_toc() {
        let r = render(
            "## 一、我们收集的信息\n\n正文\n\n### （一）账号信息\n\n## 一、我们收集的信息\n",
        )
        .unwrap();
        assert!(
            r.html
                .contains(r#"<h2 id="一-我们收集的信息">一、我们收集的信息</h2>"#),
            "{}",
            r.html
        );
        let ids: Vec<_> = r.toc.iter().map(|t| (t.level, t.id.as_str())).collect();
        assert_eq!(
            ids,
            [
                (2, "一-我们收集的信息"),
                (3, "一-账号信息"),
                (2, "一-我们收集的信息-2")
            ]
        );
        assert_eq!(r.toc[1].text, "（一）账号信息");
        assert_eq!(
            slug("【安全可靠】Cookie 与 SDK：说明“1.1”"),
            "安全可靠-cookie-与-sdk-说明-1-1"
        );
        assert_eq!(slug("？？"), "section");
    }

    #[test]
    fn the_toc_nests_by_level() {
        let r = render("## 一\n### （一）\n#### 1\n### （二）\n## 二\n#### 跳级\n").unwrap();
        let tree = toc_tree(&r.toc);
        let shape: Vec<(String, Vec<(String, usize)>)> = tree
            .iter()
            .map(|n| {
                let kids = n
                    .children
                    .iter()
                    .map(|c| (c.entry.text.clone(), c.children.len()))
                    .collect();
                (n.entry.text.clone(), kids)
            })
            .collect();
        assert_eq!(
            shape,
            [
                (
                    "一".to_owned(),
                    vec![("（一）".to_owned(), 1), ("（二）".to_owned(), 0)]
                ),
                ("二".to_owned(), vec![("跳级".to_owned(), 0)]),
            ]
        );
        assert_eq!(toc_tree(&[]), []);
    }

    #[test]
    fn raw_html_is_shown_as_text_not_run() {
        let r = render("<script>alert(1)</script>\n\n段落 <img src=x onerror=alert(1)> 结束\n")
            .unwrap();
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("<img"), "{}", r.html);
        assert!(
            r.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{}",
            r.html
        );
    }

    #[test]
    fn dangerous_link_targets_are_dropped_but_their_text_kept() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
        ] {
            let md = format!("[点这里](<{url}>) and ![图](<{url}>)\n");
            let r = render(&md).unwrap();
            assert!(!r.html.contains("href"), "{url}: {}", r.html);
            assert!(!r.html.contains("<img"), "{url}: {}", r.html);
            assert!(r.html.contains("点这里"), "{url}: {}", r.html);
        }
    }

    #[test]
    fn ordinary_links_survive() {
        let r = render("<https://example.com/a?b=1> [联系](mailto:privacy@example.com) [节](#一) [相对](/vchat)\n").unwrap();
        // Non-ASCII is percent-encoded in href; browsers decode it when matching ids.
        for href in [
            "https://example.com/a?b=1",
            "mailto:privacy@example.com",
            "#%E4%B8%80",
            "/vchat",
        ] {
            assert!(
                r.html.contains(&format!("href=\"{href}\"")),
                "{href}: {}",
                r.html
            );
        }
    }

    #[test]
    fn tables_render_and_footnotes_do_not() {
        let r = render("| SDK | 公司 |\n|---|---|\n| 极光 | 极光公司 |\n\n文[^1]\n\n[^1]: 注\n")
            .unwrap();
        assert!(r.html.contains("<table>"));
        assert!(!r.html.contains("footnote"), "{}", r.html);
    }

    #[test]
    fn oversized_input_is_refused() {
        assert!(matches!(
            render(&"a".repeat(MAX_POLICY_BYTES + 1)),
            Err(Error::TooLarge { .. })
        ));
    }

    #[test]
    fn a_section_named_by_its_heading_text_has_the_heading_anchor() {
        let r = render("## 一、总则\n\n### （八）设置\n").unwrap();
        assert_eq!(section_anchor(&r.toc, "（八）设置"), Some("八-设置"));
        assert_eq!(section_anchor(&r.toc, "九、其他"), None);
    }
}
