//! The policy page in the HTML the server sends for a reader route, so the
//! text is on screen as soon as the page arrives instead of after the app's
//! WebAssembly has downloaded and started (issue #4's cold-load figure), and
//! readable with scripts off.
//!
//! The markup mirrors what the SPA draws (`src/pages/policy.rs`, the shell,
//! the contents) with the same classes and words (`core::words`), so the
//! stylesheet lays both out alike. It sits in `<div id="prerender">`; the
//! stylesheet hides whatever the app mounts after it until the app, its own
//! page ready, removes it (`src/components/prerender.rs`).

use privacy_center_core::render::{listed_toc, Listed};
use privacy_center_core::routes::Route;
use privacy_center_core::wire::{Date, TocEntry};
use privacy_center_core::words::{
    escape_html as esc, upcoming_notice_html, Lang, PageWords, UPCOMING_TITLE_ID,
};

use crate::catalog::{App, Catalog, Version};

/// The id of the element the app takes over from.
pub const ELEMENT_ID: &str = "prerender";

/// A reader route's page: what goes into `<body>`, and the tab title.
#[derive(Debug, PartialEq, Eq)]
pub struct Prerendered {
    /// The `<div id="prerender">` element.
    pub body: String,
    /// The page title, escaped.
    pub title: String,
    /// The language of the frame's words.
    pub lang: Lang,
}

/// The published version a reader route shows at `now_ms`; `None` for any
/// other path, a draft, or a name the catalog does not know (the app then
/// shows its own "not found").
pub fn route<'c>(catalog: &'c Catalog, path: &str, now_ms: i64) -> Option<(&'c App, &'c Version)> {
    let route = Route::parse(path)?;
    let (app, version) = route.policy()?;
    let app = catalog.app(app)?;
    Some((app, app.published(version, now_ms)?))
}

/// The page for `path` at `now_ms` (which version is current, and whether
/// one is announced, is read from the clock on every request) in the
/// language `accept_language` asks for.
pub fn page(
    catalog: &Catalog,
    path: &str,
    accept_language: &str,
    now_ms: i64,
) -> Option<Prerendered> {
    let (app, version) = route(catalog, path, now_ms)?;
    let lang = Lang::from_accept_language(accept_language);
    let w = lang.words();
    let meta = &version.file.meta;
    let schedule = app.schedule(now_ms);
    let is_current = schedule
        .current()
        .is_some_and(|c| c.version == meta.version);
    let mut html = String::with_capacity(version.rendered.html.len() + 8 * 1024);
    html.push_str(&format!(
        r##"<div id="{ELEMENT_ID}"><a class="skip-link" href="#main">{skip}</a><header class="site-header"><a href="/" class="brand"><span class="brand-mark" aria-hidden="true">◈</span><span>{product}</span></a><nav class="header-nav"></nav></header><main id="main" tabindex="-1"><article class="policy" lang="{locale}"><header class="policy-header"><p class="policy-app">{app_name}</p><h1>{title}</h1><dl class="policy-facts"><div><dt>{operator}</dt><dd>{company}</dd></div>"##,
        skip = w.skip_to_content,
        product = w.product_name,
        locale = esc(&app.config.locale),
        app_name = esc(&app.config.name),
        title = esc(&meta.title),
        operator = w.operator,
        company = esc(&app.config.company),
    ));
    let fact = |html: &mut String, class: &str, label: &str, d: Date| {
        html.push_str(&format!(
            r#"<div{class}><dt>{label}</dt><dd><time datetime="{d}">{text}</time></dd></div>"#,
            text = (w.date)(d)
        ));
    };
    if let Some(d) = meta.effective {
        fact(&mut html, r#" class="fact-effective""#, w.effective, d);
    }
    if let Some(d) = meta.published {
        fact(&mut html, "", w.published, d);
    }
    let app_id = esc(&app.config.id);
    html.push_str(&format!(
        r#"<div><dt>{}</dt><dd>{}</dd></div></dl><p class="policy-links"><a href="/{app_id}/history">{}</a><a href="/{app_id}/lists" rel="external">{}</a></p>"#,
        w.version,
        esc(&meta.version),
        w.history,
        w.lists,
    ));
    match schedule.upcoming() {
        Some(upcoming) if is_current => html.push_str(&format!(
            r#"<section class="notice notice-upcoming" aria-labelledby="{UPCOMING_TITLE_ID}"><div>{}</div></section>"#,
            upcoming_notice_html(w, &app.config.id, &meta.version, upcoming)
        )),
        _ if is_current => {}
        _ => {
            let note = match meta
                .effective
                .filter(|_| schedule.is_upcoming(&meta.version))
            {
                Some(d) => esc(&(w.upcoming_version_notice)(d)),
                None => w.old_version_notice.to_owned(),
            };
            html.push_str(&format!(
                r#"<p class="notice notice-old" role="note">{note} <a href="/{app_id}">{}</a></p>"#,
                w.view_current
            ));
        }
    }
    html.push_str(r#"</header><div class="policy-layout"><aside class="reader-side">"#);
    contents(&mut html, &version.rendered.toc, w);
    html.push_str(r#"</aside><div class="policy-body">"#);
    // Sanitised by `core::render` when the catalog was loaded.
    with_heading_anchors(&mut html, &version.rendered.html);
    html.push_str(&format!(
        r#"</div></div></article></main><footer class="site-footer">{}</footer></div>"#,
        w.footer
    ));
    Some(Prerendered {
        body: html,
        title: format!("{} · {}", esc(&meta.title), w.product_name),
        lang,
    })
}

/// The reading bar and the contents as plain links (the app adds the drawer,
/// find and scroll-spy). The bar's buttons are drawn so nothing moves when
/// the app takes over, but stay inert until it does.
fn contents(html: &mut String, toc: &[TocEntry], w: &PageWords) {
    let listed = listed_toc(toc);
    let button = |class: &str, icon: &str, label: &str| {
        format!(
            r#"<button type="button" class="{class} button-quiet" disabled><span aria-hidden="true">{icon} </span>{label}</button>"#
        )
    };
    html.push_str(r#"<div class="reader-bar">"#);
    if !listed.is_empty() {
        html.push_str(&button("toc-toggle", "☰", w.contents));
    }
    html.push_str(&button("find-toggle", "⌕", w.find));
    html.push_str("</div>");
    if listed.is_empty() {
        return;
    }
    html.push_str(&format!(
        r#"<nav class="toc" aria-label="{0}"><div class="toc-head"><h2 class="toc-title">{0}</h2></div><ol>"#,
        w.contents
    ));
    for Listed { entry: e, depth } in listed {
        let id = esc(&e.id);
        html.push_str(&format!(
            r##"<li class="toc-l{depth}"><a href="#{id}" data-id="{id}">{}</a></li>"##,
            esc(&e.text)
        ));
    }
    html.push_str("</ol></nav>");
}

/// Appends the rendered text with what the app adds to each heading once it
/// runs (`position::add_heading_anchors`): a focus target and a `#` link to
/// itself. Both copies must wrap lines alike, or the text would move when
/// the app takes over on a narrow screen.
fn with_heading_anchors(out: &mut String, html: &str) {
    let mut rest = html;
    while let Some(start) = find_heading(rest) {
        let level = &rest[start + 2..start + 3];
        let attr = start + r#"<h1 id=""#.len();
        let Some(id_len) = rest[attr..].find('"') else {
            break;
        };
        let close = format!("</h{level}>");
        let Some(end) = rest[attr..].find(&close).map(|i| attr + i) else {
            break;
        };
        let id = &rest[attr..attr + id_len];
        out.push_str(&rest[..attr + id_len + 1]);
        out.push_str(r#" tabindex="-1""#);
        out.push_str(&rest[attr + id_len + 1..end]);
        out.push_str(&format!(
            r##"<a class="heading-anchor" href="#{id}" aria-hidden="true" tabindex="-1">#</a>"##
        ));
        rest = &rest[end..];
    }
    out.push_str(rest);
}

/// Where the next `<hN id="` starts.
fn find_heading(html: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = html[from..].find("<h").map(|i| from + i) {
        let tag = html.as_bytes().get(i + 2..i + 8)?;
        if (b'1'..=b'6').contains(&tag[0]) && &tag[1..] == br#" id=""# {
            return Some(i);
        }
        from = i + 2;
    }
    None
}

/// `index_html` with `page` in its body, its title and language. The shell
/// may be minified (Trunk's release build drops attribute quotes), so tags
/// are found by name, not by their exact text.
pub fn into_shell(index_html: &str, page: &Prerendered) -> String {
    let mut out = String::with_capacity(index_html.len() + page.body.len() + 64);
    let mut rest = index_html;
    // <html lang=…>
    if let Some((before, tag, after)) = split_tag(rest, "html") {
        out.push_str(before);
        out.push_str(&with_lang(tag, page.lang.tag()));
        rest = after;
    }
    // <title>…</title>
    if let (Some((before, open, _)), Some(close)) =
        (split_tag(rest, "title"), rest.find("</title>"))
    {
        if before.len() + open.len() <= close {
            out.push_str(before);
            out.push_str(open);
            out.push_str(&page.title);
            rest = &rest[close..];
        }
    }
    // The page goes first in <body>, so the app mounts after it.
    match split_tag(rest, "body") {
        Some((before, tag, after)) => {
            out.push_str(before);
            out.push_str(tag);
            out.push_str(&page.body);
            out.push_str(after);
        }
        None => {
            out.push_str(rest);
            out.push_str(&page.body);
        }
    }
    out
}

/// Splits `html` around the first start tag named `name`: what comes
/// before it, the tag (`<name …>`), and what follows.
fn split_tag<'h>(html: &'h str, name: &str) -> Option<(&'h str, &'h str, &'h str)> {
    let open = format!("<{name}");
    let mut from = 0;
    while let Some(i) = html[from..].find(&open).map(|i| from + i) {
        let next = html.as_bytes().get(i + open.len()).copied();
        if matches!(next, Some(b'>' | b' ' | b'\t' | b'\n' | b'\r')) {
            let end = i + html[i..].find('>')? + 1;
            return Some((&html[..i], &html[i..end], &html[end..]));
        }
        from = i + open.len();
    }
    None
}

/// `tag` (`<html …>`) with its `lang` set to `lang`.
fn with_lang(tag: &str, lang: &str) -> String {
    let attr = format!(r#"lang="{lang}""#);
    let Some(at) = tag.find("lang=") else {
        return format!("<html {attr}{}", &tag["<html".len()..]);
    };
    let value = &tag[at + "lang=".len()..];
    let len = match value.as_bytes().first() {
        Some(q @ (b'"' | b'\'')) => value[1..].find(*q as char).map_or(value.len(), |e| e + 2),
        _ => value
            .find([' ', '>', '/', '\t', '\n'])
            .unwrap_or(value.len()),
    };
    format!("{}{attr}{}", &tag[..at], &value[len..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn catalog() -> Catalog {
        Catalog::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies")).unwrap()
    }

    /// Milliseconds at an RFC 3339 time.
    fn at(time: &str) -> i64 {
        time.parse::<jiff::Timestamp>().unwrap().as_millisecond()
    }

    /// A time when V聊's 2026-12-15 is announced and not yet in force.
    fn before() -> i64 {
        at("2026-12-01T00:00:00Z")
    }

    #[test]
    fn only_published_versions_of_known_apps_are_prerendered() {
        let c = catalog();
        let (app, v) = route(&c, "/huajian", before()).unwrap();
        assert_eq!(app.config.id, "huajian");
        assert_eq!(
            Some(v.file.meta.version.as_str()),
            app.current(before()).map(|c| c.file.meta.version.as_str())
        );
        for app in c.apps() {
            for v in &app.versions {
                let path = format!("/{}/v/{}", app.config.id, v.file.meta.version);
                assert_eq!(
                    route(&c, &path, before()).is_some(),
                    v.is_published(),
                    "{path}"
                );
            }
        }
        for other in [
            "/",
            "/nope",
            "/huajian/history",
            "/huajian/v/1999-01-01",
            "/me/consents",
            "/huajian/compare/a/b",
        ] {
            assert!(route(&c, other, before()).is_none(), "{other}");
        }
    }

    #[test]
    fn the_page_carries_the_text_contents_and_header_in_the_asked_language() {
        let c = catalog();
        let (app, v) = route(&c, "/huajian", before()).unwrap();
        let zh = page(&c, "/huajian", "zh-CN,zh;q=0.9", before()).unwrap();
        assert!(zh.body.starts_with(r#"<div id="prerender">"#) && zh.body.ends_with("</div>"));
        // The text word for word (tags and the headings' `#` links aside).
        let body = zh
            .body
            .split(r#"<div class="policy-body">"#)
            .nth(1)
            .unwrap();
        let body = body.split("</div></div></article>").next().unwrap();
        let words = |html: &str| -> String {
            html.replace(">#</a>", "></a>")
                .split(['<', '>'])
                .step_by(2)
                .collect()
        };
        assert_eq!(words(body), words(&v.rendered.html));
        assert!(zh
            .body
            .contains(&format!("<h1>{}</h1>", esc(&v.file.meta.title))));
        assert!(zh
            .body
            .contains(&format!("<dd>{}</dd>", esc(&app.config.company))));
        assert!(zh.body.contains("<dt>运营方</dt>") && zh.body.contains("目录"));
        for e in v.rendered.toc.iter().take(3) {
            assert!(
                zh.body.contains(&format!(r##"href="#{}""##, esc(&e.id))),
                "{}",
                e.id
            );
        }
        assert!(
            !zh.body.contains("notice-old"),
            "the current version is not old"
        );
        let en = page(&c, "/huajian", "en-GB,en;q=0.8", before()).unwrap();
        assert_eq!(en.lang, Lang::En);
        assert!(en.body.contains("<dt>Operated by</dt>"));
        let first = &app
            .versions
            .iter()
            .find(|v| v.is_published())
            .unwrap()
            .file
            .meta
            .version;
        if app.current(before()).map(|c| &c.file.meta.version) != Some(first) {
            let old = page(&c, &format!("/huajian/v/{first}"), "", before()).unwrap();
            assert!(old.body.contains("notice-old"));
        }
    }

    #[test]
    fn the_current_page_announces_the_upcoming_version_until_it_takes_effect() {
        let c = catalog();
        let page_at = |path: &str, time: &str| page(&c, path, "zh-CN", at(time)).unwrap().body;
        // 2026-12-15 00:00 in Shanghai is 2026-12-14 16:00 UTC.
        let notice = page_at("/vchat", "2026-12-14T15:59:59Z");
        assert!(notice.contains(
            r#"<section class="notice notice-upcoming" aria-labelledby="upcoming-title">"#
        ));
        assert!(notice.contains("本政策将于2026年12月15日更新"));
        assert!(notice.contains("极光推送SDK"), "the version's summary");
        assert!(notice.contains(r#"href="/vchat/compare/2020-10-01/2026-12-15""#));
        assert!(notice.contains(r#"href="/vchat/v/2026-12-15""#));
        assert!(notice.contains("<dd>2020-10-01</dd>"));
        let ahead = page_at("/vchat/v/2026-12-15", "2026-12-14T15:59:59Z");
        assert!(ahead.contains("这是即将于2026年12月15日生效的新版本"));
        assert!(!ahead.contains("notice-upcoming"));
        // From midnight in Shanghai the new version is current, unannounced.
        let after = page_at("/vchat", "2026-12-14T16:00:00Z");
        assert!(after.contains("<dd>2026-12-15</dd>"));
        assert!(!after.contains("notice-upcoming") && !after.contains("notice-old"));
        let old = page_at("/vchat/v/2020-10-01", "2026-12-14T16:00:00Z");
        assert!(old.contains("你正在阅读的是历史版本"));
        // An app with nothing announced has no notice.
        assert!(!page_at("/huajian", "2026-12-14T15:59:59Z").contains("notice-upcoming"));
    }

    #[test]
    fn headings_get_the_anchor_the_app_adds() {
        let mut out = String::new();
        with_heading_anchors(
            &mut out,
            r#"<p>a<hr></p><h2 id="一-甲">一、甲</h2><p>x</p><h3 id="a&amp;b">A <strong>B</strong></h3><h4>no id</h4>"#,
        );
        assert_eq!(
            out,
            r##"<p>a<hr></p><h2 id="一-甲" tabindex="-1">一、甲<a class="heading-anchor" href="#一-甲" aria-hidden="true" tabindex="-1">#</a></h2><p>x</p><h3 id="a&amp;b" tabindex="-1">A <strong>B</strong><a class="heading-anchor" href="#a&amp;b" aria-hidden="true" tabindex="-1">#</a></h3><h4>no id</h4>"##
        );
    }

    #[test]
    fn goes_into_the_body_title_and_lang_of_the_shell() {
        let shell = "<!doctype html>\n<html lang=\"zh-CN\">\n<head><title>隐私中心 · Privacy Center</title></head>\n<body>\n<noscript>x</noscript>\n</body>\n</html>";
        let p = Prerendered {
            body: r#"<div id="prerender">text</div>"#.into(),
            title: "A &amp; B · Privacy Center".into(),
            lang: Lang::En,
        };
        let out = into_shell(shell, &p);
        assert_eq!(
            out,
            "<!doctype html>\n<html lang=\"en\">\n<head><title>A &amp; B · Privacy Center</title></head>\n<body><div id=\"prerender\">text</div>\n<noscript>x</noscript>\n</body>\n</html>"
        );
        // Trunk's minified release shell: unquoted attributes.
        let minified = "<!doctype html><html lang=zh-CN><meta charset=utf-8><title>隐私中心</title><script type=module>init()</script><body><noscript>x</noscript>";
        assert_eq!(
            into_shell(minified, &p),
            "<!doctype html><html lang=\"en\"><meta charset=utf-8><title>A &amp; B · Privacy Center</title><script type=module>init()</script><body><div id=\"prerender\">text</div><noscript>x</noscript>"
        );
        // No lang, a body with attributes, no title.
        assert_eq!(
            into_shell("<html><body class=x>", &p),
            "<html lang=\"en\"><body class=x><div id=\"prerender\">text</div>"
        );
        assert_eq!(
            with_lang("<html lang='zh-CN' dir=ltr>", "en"),
            "<html lang=\"en\" dir=ltr>"
        );
    }
}
