//! `/{app}/compare/{from}/{to}`: what changed between two published versions.
//!
//! The server computes the diff (`core::diff`), so this page only lays the
//! structure out: a "what changed" summary, then every section — changes side
//! by side on wide screens and inline on phones (both are in the page; CSS
//! shows one), unchanged runs folded in native `<details>` — with
//! next/previous change navigation (buttons and the keys `n`/`p`).
//!
//! The page is one escaped HTML string, like the policy text itself, plus a
//! delegated click handler: every distinct `view!` tree costs kilobytes of
//! monomorphised code in every reader's download, and nothing here needs
//! fine-grained updates (a language switch rebuilds the string).

use leptos::ev;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use privacy_center_core::diff::{SectionDiff, SectionStatus, Span, SpanOp};
use privacy_center_core::wire::{PolicyComparison, PolicyMeta};
use std::fmt::Write;
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::i18n::{use_i18n, Messages};

/// Loads the comparison named by the route and shows it, or says why not.
///
/// A signal filled by `spawn_local` rather than `LocalResource` + `Suspense`:
/// the same states (loading, failed with retry, loaded) with much less
/// generic code.
#[component]
pub fn ComparePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    // None while loading.
    let state = RwSignal::new(None::<Result<PolicyComparison, ApiError>>);
    // The change in focus (0-based); None until the reader moves.
    let current = RwSignal::new(None::<usize>);
    let route = move || {
        params.with_untracked(|p| {
            (
                p.get("app").unwrap_or_default(),
                p.get("from").unwrap_or_default(),
                p.get("to").unwrap_or_default(),
            )
        })
    };
    let load = move || {
        let asked = route();
        state.set(None);
        current.set(None);
        leptos::task::spawn_local(async move {
            let answer = api::compare(&asked.0, &asked.1, &asked.2).await;
            // A later navigation may have asked for another pair meanwhile.
            if route() == asked {
                state.try_set(Some(answer));
            }
        });
    };
    Effect::new(move |_| {
        params.track();
        load();
    });
    let go = move |forward: bool| {
        let total = state.with_untracked(|s| match s {
            Some(Ok(c)) => changes(c),
            _ => 0,
        });
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
            Some("retry") => load(),
            _ => {}
        }
    };
    let html = move || {
        let t = i18n.t();
        let app = route().0;
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
    c.diff.sections.len() - c.diff.summary.unchanged
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

/// The page title and markup for an answer: the comparison, or a refusal of
/// comparisons that would mislead — one version against itself, or a newer
/// version as the "older" side (its deletions would read as additions).
fn page_html(c: &PolicyComparison, at: Option<usize>, t: &'static Messages) -> (String, String) {
    let app = &c.app.id;
    if c.from.version == c.to.version {
        return cannot_compare(app, t.compare_same, None, None, t);
    }
    if let (Some(a), Some(b)) = (c.from.published, c.to.published) {
        if a > b {
            let swap = format!(
                "/{}/compare/{}/{}",
                esc(app),
                esc(&c.to.version),
                esc(&c.from.version)
            );
            return cannot_compare(app, t.compare_reversed, None, Some(&swap), t);
        }
    }
    let top = c
        .diff
        .sections
        .iter()
        .map(|s| s.level)
        .filter(|&l| l > 0)
        .min()
        .unwrap_or(1);
    let ctx = Context {
        lang: &c.app.locale,
        top,
        from: &c.from.version,
        to: &c.to.version,
        t,
    };
    let mut out = String::from(r#"<article class="compare">"#);
    summary_html(&mut out, c, t);
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
    sections_html(&mut out, &c.diff.sections, &ctx);
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

/// The id of the `n`th change (0-based), which navigation focuses.
fn change_id(n: usize) -> String {
    format!("change-{}", n + 1)
}

/// HTML-escapes text for element content and quoted attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// What the section markup needs besides the section itself.
struct Context<'a> {
    /// The policy's language (`lang` of its text).
    lang: &'a str,
    /// The shallowest heading level, shown as `<h3>`.
    top: u8,
    /// The older version's name.
    from: &'a str,
    /// The newer version's name.
    to: &'a str,
    /// The reader's language.
    t: &'static Messages,
}

/// One side of the comparison: version, date and a link to its full text.
fn version_card(out: &mut String, app: &str, meta: &PolicyMeta, label: &str, t: &Messages) {
    let v = esc(&meta.version);
    let _ = write!(
        out,
        r#"<div class="version-card"><p class="version-card-label">{label}</p><p class="version-card-version">{v}</p>"#
    );
    if let Some(d) = meta.published {
        let _ = write!(
            out,
            r#"<p class="version-card-date">{} <time datetime="{d}">{}</time></p>"#,
            t.published,
            (t.date)(d)
        );
    }
    let _ = write!(
        out,
        r#"<a href="/{}/v/{v}">{}</a></div>"#,
        esc(app),
        t.read_full_text
    );
}

/// The header and the "what changed" summary.
fn summary_html(out: &mut String, c: &PolicyComparison, t: &Messages) {
    let app = &c.app;
    let _ = write!(
        out,
        r#"<header class="compare-header"><p class="policy-app"><a href="/{}">{}</a></p><h1>{} · {}</h1><div class="compare-versions">"#,
        esc(&app.id),
        esc(&app.name),
        esc(&c.to.title),
        t.compare_heading
    );
    version_card(out, &app.id, &c.from, t.older_version, t);
    out.push_str(r#"<span class="compare-arrow" aria-hidden="true">→</span>"#);
    version_card(out, &app.id, &c.to, t.newer_version, t);
    let _ = write!(
        out,
        r#"</div></header><section class="compare-summary" aria-labelledby="what-changed"><h2 id="what-changed">{}"#,
        t.what_changed
    );
    if c.to.material {
        let _ = write!(
            out,
            r#" <span class="badge badge-material">{}</span>"#,
            t.material_badge
        );
    }
    out.push_str("</h2>");
    if let Some(s) = &c.to.summary {
        let _ = write!(
            out,
            r#"<p class="compare-note"><span class="compare-note-label">{}</span><span lang="{}">{}</span></p>"#,
            t.publisher_note,
            esc(&app.locale),
            esc(s)
        );
    }
    let n = &c.diff.summary;
    let _ = write!(
        out,
        r#"<dl class="diff-counts" aria-label="{}">"#,
        t.section_counts
    );
    for (class, count, label) in [
        ("added", n.added, t.status_added),
        ("removed", n.removed, t.status_removed),
        ("changed", n.changed, t.status_changed),
        ("moved", n.moved, t.status_moved),
        ("unchanged", n.unchanged, t.status_unchanged),
    ] {
        let _ = write!(
            out,
            r#"<div class="count-{class}"><dt>{label}</dt><dd>{count}</dd></div>"#
        );
    }
    let _ = write!(
        out,
        r#"</dl><p class="diff-legend"><del>{}</del> <ins>{}</ins></p></section><h2 class="compare-sections-title">{}</h2>"#,
        t.legend_deleted, t.legend_inserted, t.section_by_section
    );
}

/// Every section in new-document order: changes as navigation targets,
/// unchanged runs folded.
fn sections_html(out: &mut String, sections: &[SectionDiff], ctx: &Context) {
    if sections
        .iter()
        .all(|s| s.status == SectionStatus::Unchanged)
    {
        let _ = write!(out, r#"<p class="notice">{}</p>"#, ctx.t.no_changes);
    }
    let mut changes = 0;
    let mut rest = sections;
    while let Some(first) = rest.first() {
        if first.status == SectionStatus::Unchanged {
            let len = rest
                .iter()
                .position(|s| s.status != SectionStatus::Unchanged)
                .unwrap_or(rest.len());
            unchanged_run(out, &rest[..len], ctx);
            rest = &rest[len..];
        } else {
            changed_section(out, changes, first, ctx);
            changes += 1;
            rest = &rest[1..];
        }
    }
}

/// A section heading at its level under the page's own `<h2>`s; the text
/// before the first heading is named "opening text".
fn heading(out: &mut String, s: &SectionDiff, ctx: &Context, id: Option<&str>) {
    let rank = (3 + s.level.saturating_sub(ctx.top)).min(6);
    let text = s
        .new_heading
        .as_deref()
        .or(s.old_heading.as_deref())
        .map_or_else(|| ctx.t.preamble.to_owned(), esc);
    let id = id.map(|id| format!(r#" id="{id}""#)).unwrap_or_default();
    let _ = write!(
        out,
        r#"<h{rank}{id} lang="{}">{text}</h{rank}>"#,
        esc(ctx.lang)
    );
}

/// Deleted or inserted text, marked for the eye (strike-through, underline,
/// colour) and, through hidden words, for screen readers.
fn marked(out: &mut String, op: SpanOp, text: &str, t: &Messages) {
    let (tag, start, end) = match op {
        SpanOp::Equal => return out.push_str(&esc(text)),
        SpanOp::Delete => ("del", t.deletion_start, t.deletion_end),
        SpanOp::Insert => ("ins", t.insertion_start, t.insertion_end),
    };
    let _ = write!(
        out,
        r#"<{tag}><span class="visually-hidden">{start}</span>{}<span class="visually-hidden">{end}</span></{tag}>"#,
        esc(text)
    );
}

/// The spans of a changed body, keeping those for which `keep` holds.
fn span_text(out: &mut String, spans: &[Span], ctx: &Context, keep: impl Fn(SpanOp) -> bool) {
    let _ = write!(out, r#"<div class="diff-text" lang="{}">"#, esc(ctx.lang));
    for s in spans.iter().filter(|s| keep(s.op)) {
        marked(out, s.op, &s.text, ctx.t);
    }
    out.push_str("</div>");
}

/// A section body as the reader sees it: the server rendered and sanitised
/// it with `core::render` (`core::diff::render_bodies`), so this bundle
/// carries no Markdown renderer.
fn rendered(out: &mut String, html: &str, ctx: &Context) {
    let _ = write!(
        out,
        r#"<div class="diff-rendered" lang="{}">{html}</div>"#,
        esc(ctx.lang)
    );
}

/// One added, removed, changed or moved section: a navigation target.
fn changed_section(out: &mut String, n: usize, s: &SectionDiff, ctx: &Context) {
    let t = ctx.t;
    let id = change_id(n);
    let (status, label) = match s.status {
        SectionStatus::Added => ("added", t.status_added),
        SectionStatus::Removed => ("removed", t.status_removed),
        SectionStatus::Moved => ("moved", t.status_moved),
        _ => ("changed", t.status_changed),
    };
    let _ = write!(
        out,
        r#"<section class="diff-section diff-{status}" id="{id}" tabindex="-1" aria-labelledby="{id}-title" data-status="{status}"><div class="diff-head"><span class="badge diff-badge">{label}</span>"#
    );
    heading(out, s, ctx, Some(&format!("{id}-title")));
    out.push_str("</div>");
    let renamed = match (&s.old_heading, &s.new_heading) {
        (Some(old), Some(new)) if old != new => Some(old),
        _ => None,
    };
    if let Some(old) = renamed {
        let _ = write!(out, r#"<p class="diff-was">{}"#, t.heading_was);
        marked(out, SpanOp::Delete, old, t);
        out.push_str("</p>");
    }
    let note = if s.status == SectionStatus::Moved {
        Some(t.moved_note)
    } else if s.spans.is_empty() && renamed.is_some() {
        Some(t.only_heading_changed)
    } else {
        None
    };
    if let Some(note) = note {
        let _ = write!(out, r#"<p class="diff-note">{note}</p>"#);
    }
    match s.status {
        SectionStatus::Added | SectionStatus::Removed => {
            let (side, tag, text, start, end) = if s.status == SectionStatus::Added {
                (
                    "new",
                    "ins",
                    &s.new_html,
                    t.insertion_start,
                    t.insertion_end,
                )
            } else {
                ("old", "del", &s.old_html, t.deletion_start, t.deletion_end)
            };
            let _ = write!(
                out,
                r#"<div class="diff-body"><div class="diff-{side}"><span class="visually-hidden">{start}</span><{tag} class="diff-whole">"#
            );
            rendered(out, text, ctx);
            let _ = write!(
                out,
                r#"</{tag}><span class="visually-hidden">{end}</span></div></div>"#
            );
        }
        _ if s.spans.is_empty() => {
            let _ = write!(
                out,
                r#"<details class="diff-unchanged-text"><summary>{}</summary>"#,
                t.show_text
            );
            rendered(out, &s.new_html, ctx);
            out.push_str("</details>");
        }
        _ => {
            let _ = write!(
                out,
                r#"<div class="diff-body diff-split"><div class="diff-old"><p class="diff-side">{} · {}</p>"#,
                t.older_version,
                esc(ctx.from)
            );
            span_text(out, &s.spans, ctx, |op| op != SpanOp::Insert);
            let _ = write!(
                out,
                r#"</div><div class="diff-new"><p class="diff-side">{} · {}</p>"#,
                t.newer_version,
                esc(ctx.to)
            );
            span_text(out, &s.spans, ctx, |op| op != SpanOp::Delete);
            out.push_str(r#"</div></div><div class="diff-inline">"#);
            span_text(out, &s.spans, ctx, |_| true);
            out.push_str("</div>");
        }
    }
    out.push_str("</section>");
}

/// Consecutive unchanged sections, folded.
fn unchanged_run(out: &mut String, run: &[SectionDiff], ctx: &Context) {
    let titles: Vec<String> = run
        .iter()
        .filter_map(|s| s.new_heading.as_deref().map(esc))
        .collect();
    let _ = write!(
        out,
        r#"<details class="diff-same"><summary><span class="diff-same-count">{}</span><span class="diff-same-titles" lang="{}">{}</span></summary>"#,
        (ctx.t.unchanged_sections)(run.len()),
        esc(ctx.lang),
        titles.join(" · ")
    );
    for s in run {
        out.push_str(r#"<section class="diff-section diff-unchanged" data-status="unchanged">"#);
        heading(out, s, ctx, None);
        rendered(out, &s.new_html, ctx);
        out.push_str("</section>");
    }
    out.push_str("</details>");
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
    use crate::i18n::Locale;
    use privacy_center_core::date::Date;
    use privacy_center_core::diff::diff;
    use privacy_center_core::wire::{AppSummary, PolicyStatus};

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

    fn comparison(from: &str, to: &str, old: &str, new: &str) -> PolicyComparison {
        PolicyComparison {
            app: AppSummary {
                id: "demo".into(),
                name: "Demo".into(),
                company: "Demo Ltd".into(),
                description: String::new(),
                locale: "zh-CN".into(),
                current: None,
            },
            from: meta(from),
            to: meta(to),
            diff: diff(old, new),
        }
    }

    const OLD: &str = "## 一、说明\n\n旧的文字。\n\n## 二、联系\n\n邮箱。\n";
    const NEW: &str = "## 一、说明\n\n新的<script>x</script>文字。\n\n## 二、联系\n\n邮箱。\n";

    #[test]
    fn marks_changes_with_words_and_escapes_policy_text() {
        let c = comparison("2020-01-01", "2021-01-01", OLD, NEW);
        let (title, html) = page_html(&c, None, Locale::ZhCn.messages());
        assert_eq!(title, "隐私政策 · 版本对比");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains(
            r#"<del><span class="visually-hidden">［删除开始］</span>旧<span class="visually-hidden">［删除结束］</span></del>"#
        ));
        assert!(html.contains(r#"&lt;script&gt;x&lt;/script&gt;<span class="visually-hidden">［新增结束］</span></ins>"#));
        // The one change is a navigation stop; the unchanged section is folded.
        assert!(html.contains(r#"id="change-1""#) && !html.contains(r#"id="change-2""#));
        assert!(html.contains("共 1 处变更"));
        assert!(html.contains(
            r#"<details class="diff-same"><summary><span class="diff-same-count">1 个章节没有变化"#
        ));
    }

    #[test]
    fn refuses_one_version_twice_and_newer_first() {
        let t = Locale::En.messages();
        let (_, same) = page_html(&comparison("2021-01-01", "2021-01-01", OLD, OLD), None, t);
        assert!(same.contains(t.compare_same) && !same.contains("diff-sections"));
        let (_, reversed) = page_html(&comparison("2021-01-01", "2020-01-01", NEW, OLD), None, t);
        assert!(reversed.contains(t.compare_reversed));
        assert!(reversed.contains(r#"href="/demo/compare/2020-01-01/2021-01-01""#));
    }
}
