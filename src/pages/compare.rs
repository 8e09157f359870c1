//! `/{app}/compare/{from}/{to}`: what changed between two published versions.
//!
//! The server computes the diff and lays its sections out as HTML
//! (`core::compare`), so this page only adds the header, a "what changed"
//! summary and next/previous change navigation (buttons and the keys
//! `n`/`p`), and fills the sections' word slots in the reader's language.
//! Changes are shown side by side on wide screens and inline on phones (both
//! are in the page; CSS shows one), unchanged runs folded in `<details>`.
//!
//! The page is one escaped HTML string, like the policy text itself, plus a
//! delegated click handler: every distinct `view!` tree costs kilobytes of
//! monomorphised code in every reader's download, and nothing here needs
//! fine-grained updates (a language switch rebuilds the string).

use leptos::ev;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use privacy_center_core::compare::{change_id, esc, number_date, SLOT};
use privacy_center_core::routes::Route;
use privacy_center_core::wire::{ErrorCode, PolicyComparison};
use std::borrow::Cow;
use std::fmt::Write;
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::i18n::{use_i18n, Messages};
use crate::load::load;

/// Loads the comparison named by the route and shows it, or says why not.
#[component]
pub fn ComparePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    // The change in focus (0-based); None until the reader moves.
    let current = RwSignal::new(None::<usize>);
    let state = load(
        move || {
            // Another pair starts at its top.
            current.set(None);
            params.with(|p| {
                (
                    p.get("app").unwrap_or_default(),
                    p.get("from").unwrap_or_default(),
                    p.get("to").unwrap_or_default(),
                )
            })
        },
        |(app, from, to)| async move { api::compare(&app, &from, &to).await },
    );
    let go = move |forward: bool| {
        let total = state.with_value_untracked(|c| c.map_or(0, changes));
        if total == 0 {
            return;
        }
        let next = match (current.get_untracked(), forward) {
            (None, true) => 0,
            (None, false) => total - 1,
            (Some(i), true) => (i + 1).min(total - 1),
            (Some(i), false) => i.saturating_sub(1),
        };
        current.set(Some(next));
        show_position(Some(next), total, i18n.t());
        if let Some(el) = document().get_element_by_id(&change_id(next)) {
            if let Some(h) = el.dyn_ref::<web_sys::HtmlElement>() {
                let _ = h.focus();
            }
            el.scroll_into_view_with_bool(true);
        }
    };
    let keys = window_event_listener(ev::keydown, move |e: web_sys::KeyboardEvent| {
        if e.ctrl_key() || e.meta_key() || e.alt_key() || e.default_prevented() || typing(&e) {
            return;
        }
        match e.key().as_str() {
            "n" | "N" => go(true),
            "p" | "P" => go(false),
            _ => return,
        }
        e.prevent_default();
    });
    on_cleanup(move || keys.remove());
    // One handler for the page's buttons (the markup is a string).
    let on_click = move |e: web_sys::MouseEvent| {
        let action = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("[data-go]").ok().flatten())
            .and_then(|b| b.get_attribute("data-go"));
        match action.as_deref() {
            Some("next") => go(true),
            Some("prev") => go(false),
            Some("retry") => state.reload(),
            _ => {}
        }
    };
    let html = move || {
        let t = i18n.t();
        let (app, from, to) = params
            .try_with_untracked(|p| {
                let get = |k| p.get(k).unwrap_or_default();
                (get("app"), get("from"), get("to"))
            })
            .unwrap_or_default();
        let (title, html) = state.with(|s| match s {
            None => (
                t.compare_heading.to_owned(),
                format!(r#"<p class="loading" role="status">{}</p>"#, t.loading),
            ),
            Some(Ok(c)) => page_html(c, current.get_untracked(), t),
            // Unknown app or version, or a draft: the API names which.
            Some(Err(ApiError::Server { status: 404, body })) => cannot_compare(
                &app,
                t.compare_unknown,
                body.as_ref().map(|b| b.message.as_str()),
                None,
                t,
            ),
            // Pairs that would mislead: the server's rule (`core::compare::refuse_pair`).
            Some(Err(ApiError::Server { body: Some(b), .. }))
                if b.code == ErrorCode::SameVersion =>
            {
                cannot_compare(&app, t.compare_same, None, None, t)
            }
            Some(Err(ApiError::Server { body: Some(b), .. }))
                if b.code == ErrorCode::ReversedVersions =>
            {
                let swap = Route::Compare {
                    app: app.clone(),
                    from: to.clone(),
                    to: from.clone(),
                }
                .href();
                cannot_compare(&app, t.compare_reversed, None, Some(&esc(&swap)), t)
            }
            Some(Err(e)) => load_error(e, t),
        });
        document().set_title(&format!("{title} · {}", t.product_name));
        html
    };
    view! { <div class="compare-page" on:click=on_click inner_html=html></div> }
}

/// The shared load-failure state (as `components::status::LoadError` shows
/// it), with a retry button the page's click handler serves.
fn load_error(e: &ApiError, t: &Messages) -> (String, String) {
    let mut out = format!(
        r#"<section class="load-error" role="alert"><h1>{}</h1><p>{}</p>"#,
        t.load_failed, t.network_problem
    );
    if !matches!(e, ApiError::Network(_)) {
        let _ = write!(out, r#"<p class="detail">{}</p>"#, esc(&e.to_string()));
    }
    let _ = write!(
        out,
        r#"<button type="button" data-go="retry">{}</button></section>"#,
        t.retry
    );
    (t.load_failed.to_owned(), out)
}

/// How many sections changed in any way (the navigation's stops).
fn changes(c: &PolicyComparison) -> usize {
    let n = &c.summary;
    n.added + n.removed + n.changed + n.moved
}

/// The navigation's status line and button states for the change in focus.
fn show_position(at: Option<usize>, total: usize, t: &Messages) {
    let doc = document();
    if let Ok(Some(p)) = doc.query_selector(".change-status") {
        p.set_text_content(Some(&status_text(at, total, t)));
    }
    for (selector, off) in [
        ("[data-go=prev]", at.is_none_or(|i| i == 0)),
        ("[data-go=next]", at == Some(total - 1)),
    ] {
        if let Ok(Some(b)) = doc.query_selector(selector) {
            let _ = b.toggle_attribute_with_force("disabled", off);
        }
    }
}

fn status_text(at: Option<usize>, total: usize, t: &Messages) -> String {
    match at {
        None => (t.change_count)(total),
        Some(i) => (t.change_position)(i + 1, total),
    }
}

/// The page title and markup for a comparison.
fn page_html(c: &PolicyComparison, at: Option<usize>, t: &'static Messages) -> (String, String) {
    let mut out = String::from(r#"<article class="compare">"#);
    fill_words(&mut out, &c.header_html, t);
    let total = changes(c);
    if total > 0 {
        let _ = write!(
            out,
            r#"<nav class="change-nav" aria-label="{}"><button type="button" class="button-quiet" data-go="prev"{}><span aria-hidden="true">↑ </span>{}</button><p class="change-status" role="status">{}</p><button type="button" data-go="next"{}>{}<span aria-hidden="true"> ↓</span></button><p class="change-keys">{}</p></nav>"#,
            t.change_navigation,
            if at.is_none_or(|i| i == 0) {
                " disabled"
            } else {
                ""
            },
            t.previous_change,
            status_text(at, total, t),
            if at == Some(total - 1) {
                " disabled"
            } else {
                ""
            },
            t.next_change,
            t.change_keys
        );
    }
    out.push_str(r#"<div class="diff-sections">"#);
    fill_words(&mut out, &c.sections_html, t);
    out.push_str("</div></article>");
    // The tab title is text, not markup: no escaping there.
    (format!("{} · {}", c.to.title, t.compare_heading), out)
}

/// Why two versions cannot be compared, with a way to pick others.
fn cannot_compare(
    app: &str,
    reason: &str,
    detail: Option<&str>,
    swap: Option<&str>,
    t: &Messages,
) -> (String, String) {
    let mut out = format!(
        r#"<section class="load-error compare-error" role="alert"><h1>{}</h1><p>{reason}</p>"#,
        t.compare_failed
    );
    if let Some(d) = detail {
        let _ = write!(out, r#"<p class="detail">{}</p>"#, esc(d));
    }
    out.push_str(r#"<p class="compare-error-links">"#);
    if let Some(href) = swap {
        let _ = write!(
            out,
            r#"<a class="button" href="{href}">{}</a>"#,
            t.compare_swap
        );
    }
    let _ = write!(
        out,
        r#"<a href="/{}/history">{}</a></p></section>"#,
        esc(app),
        t.pick_in_history
    );
    (t.compare_failed.to_owned(), out)
}

/// Copies the server's markup into `out` with every word slot
/// (`<span data-t="key"></span>`, see `core::compare`) filled in the
/// reader's language. Policy text in the markup is escaped, so only the
/// server's own slots match.
fn fill_words(out: &mut String, html: &str, t: &Messages) {
    let mut rest = html;
    while let Some(at) = rest.find(SLOT) {
        let (before, tag) = rest.split_at(at);
        let Some(end) = tag.find('>') else { break };
        out.push_str(before);
        out.push_str(&tag[..=end]);
        let attrs = &tag[SLOT.len()..end];
        let key = attrs.split('"').next().unwrap_or_default();
        let n = attrs
            .split(r#"data-n=""#)
            .nth(1)
            .and_then(|v| v.split('"').next()?.parse().ok())
            .unwrap_or(0);
        out.push_str(&word(key, n, t));
        rest = &tag[end + 1..];
    }
    out.push_str(rest);
}

/// The word for a slot key of `core::compare::WORDS`; `n` is its count.
fn word(key: &str, n: usize, t: &Messages) -> Cow<'static, str> {
    Cow::Borrowed(match key {
        "status_added" => t.status_added,
        "status_removed" => t.status_removed,
        "status_changed" => t.status_changed,
        "status_moved" => t.status_moved,
        "status_unchanged" => t.status_unchanged,
        "preamble" => t.preamble,
        "heading_was" => t.heading_was,
        "moved_note" => t.moved_note,
        "only_heading_changed" => t.only_heading_changed,
        "show_text" => t.show_text,
        "older_version" => t.older_version,
        "newer_version" => t.newer_version,
        "deletion_start" => t.deletion_start,
        "deletion_end" => t.deletion_end,
        "insertion_start" => t.insertion_start,
        "insertion_end" => t.insertion_end,
        "unchanged_sections" => return Cow::Owned((t.unchanged_sections)(n)),
        "date" => return number_date(n).map_or(Cow::Borrowed(""), |d| Cow::Owned((t.date)(d))),
        "compare_heading" => t.compare_heading,
        "published" => t.published,
        "read_full_text" => t.read_full_text,
        "what_changed" => t.what_changed,
        "material_badge" => t.material_badge,
        "publisher_note" => t.publisher_note,
        "section_counts" => t.section_counts,
        "legend_deleted" => t.legend_deleted,
        "legend_inserted" => t.legend_inserted,
        "section_by_section" => t.section_by_section,
        "no_changes" => t.no_changes,
        _ => "",
    })
}

/// Whether a key press is typing into a field (shortcuts stay out of the way).
fn typing(e: &web_sys::KeyboardEvent) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
        .is_some_and(|el| {
            el.is_content_editable()
                || matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::messages;
    use privacy_center_core::compare::{header_html, sections_html, WORDS};
    use privacy_center_core::diff::{diff, render_bodies};
    use privacy_center_core::wire::Date;
    use privacy_center_core::wire::{AppSummary, PolicyMeta, PolicyStatus};
    use privacy_center_core::words::Lang;

    fn meta(version: &str) -> PolicyMeta {
        PolicyMeta {
            version: version.into(),
            title: "隐私政策".into(),
            status: PolicyStatus::Published,
            published: Some(Date::try_from(version).unwrap()),
            effective: None,
            material: false,
            summary: None,
            sha256: String::new(),
        }
    }

    /// A comparison as the API sends it.
    fn comparison(from: &str, to: &str, old: &str, new: &str) -> PolicyComparison {
        let mut d = diff(old, new);
        render_bodies(&mut d);
        let app = AppSummary {
            id: "demo".into(),
            name: "Demo".into(),
            company: "Demo Ltd".into(),
            description: String::new(),
            locale: "zh-CN".into(),
            current: None,
            upcoming: None,
        };
        PolicyComparison {
            from: meta(from),
            to: meta(to),
            header_html: header_html(&app, &meta(from), &meta(to), &d.summary),
            summary: d.summary,
            sections_html: sections_html(&d, "zh-CN", from, to),
            app,
        }
    }

    const OLD: &str = "## 一、说明\n\n旧的文字。\n\n## 二、联系\n\n邮箱。\n";
    const NEW: &str = "## 一、说明\n\n新的<script>x</script>文字。\n\n## 二、联系\n\n邮箱。\n";

    #[test]
    fn marks_changes_with_words_and_escapes_policy_text() {
        let c = comparison("2020-01-01", "2021-01-01", OLD, NEW);
        let (title, html) = page_html(&c, None, messages(Lang::ZhCn));
        assert_eq!(title, "隐私政策 · 版本对比");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains(
            r#"<del><span data-t="deletion_start" class="visually-hidden">［删除开始］</span>旧<span data-t="deletion_end" class="visually-hidden">［删除结束］</span></del>"#
        ));
        assert!(html.contains(r#"&lt;script&gt;x&lt;/script&gt;<span data-t="insertion_end" class="visually-hidden">［新增结束］</span></ins>"#));
        // The one change is a navigation stop; the unchanged section is folded.
        assert!(html.contains(r#"id="change-1""#) && !html.contains(r#"id="change-2""#));
        assert!(html.contains("共 1 处变更"));
        assert!(html.contains(
            r#"<details class="diff-same"><summary><span data-t="unchanged_sections" data-n="1" class="diff-same-count">1 个章节没有变化"#
        ));
    }

    #[test]
    fn fills_every_word_in_both_languages() {
        for locale in Lang::ALL {
            let t = messages(locale);
            // 20201001: a count for counts, 2020-10-01 for dates.
            for key in WORDS {
                assert!(
                    !word(key, 20_201_001, t).is_empty(),
                    "{key} in {}",
                    locale.tag()
                );
            }
            let c = comparison("2020-01-01", "2021-01-01", OLD, NEW);
            let (_, html) = page_html(&c, None, t);
            let published = (t.date)(Date::try_from("2021-01-01").unwrap());
            assert!(
                html.contains(&format!(r#"data-n="20210101">{published}</span></time>"#)),
                "{html}"
            );
            assert!(
                html.contains(&format!(
                    r#"<span data-t="unchanged_sections" data-n="1" class="diff-same-count">{}</span>"#,
                    (t.unchanged_sections)(1)
                )),
                "{html}"
            );
            assert!(html.contains(&format!(
                r#"<p class="diff-side"><span data-t="older_version">{}</span> · 2020-01-01</p>"#,
                t.older_version
            )));
        }
        // Policy text that looks like a slot arrives escaped and stays text.
        let sneaky = NEW.replace("<script>", r#"<span data-t="no_changes">"#);
        let (_, html) = page_html(
            &comparison("2020-01-01", "2021-01-01", OLD, &sneaky),
            None,
            messages(Lang::ZhCn),
        );
        assert!(
            html.contains("&lt;span data-t=&quot;no_changes&quot;&gt;x"),
            "{html}"
        );
        assert!(!html.contains(messages(Lang::ZhCn).no_changes), "{html}");
    }
}
