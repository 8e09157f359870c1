//! The comparison page as HTML (`/{app}/compare/{from}/{to}`): its header
//! and "what changed" summary ([`header_html`]) and its sections
//! ([`sections_html`]), laid out on the server so that every reader's
//! download carries neither the diff's decoder nor this layout code.
//!
//! Changed sections become navigation stops (`id="change-1"`, …) with
//! deletions and insertions marked for the eye and for screen readers;
//! changes are laid out twice, side by side and inline (the page's CSS shows
//! one per screen width); runs of unchanged sections are folded in native
//! `<details>`. Policy text is escaped or comes sanitised from
//! [`crate::render`].
//!
//! No UI word is in here: the SPA's `i18n` holds every word in both
//! languages. The markup carries empty word slots instead,
//! `<span data-t="key"></span>` (counts add `data-n="3"`), which the page
//! fills in the reader's language — a language switch needs no new request.
//! [`WORDS`] lists every key.

use std::fmt::Write;

use crate::diff::{PolicyDiff, SectionDiff, SectionStatus, Span, SpanOp};
use crate::wire::{AppSummary, Date, DiffSummary, PolicyMeta};

/// How every word slot starts; the key follows up to the next `"`.
pub const SLOT: &str = r#"<span data-t=""#;

/// Every word-slot key [`header_html`] and [`sections_html`] emit.
/// `unchanged_sections` also carries a count (`data-n`), `date` a date
/// (`data-n`, see [`date_number`]).
pub const WORDS: [&str; 29] = [
    "compare_heading",
    "older_version",
    "newer_version",
    "published",
    "date",
    "read_full_text",
    "what_changed",
    "material_badge",
    "publisher_note",
    "section_counts",
    "legend_deleted",
    "legend_inserted",
    "section_by_section",
    "status_added",
    "status_removed",
    "status_changed",
    "status_moved",
    "status_unchanged",
    "preamble",
    "heading_was",
    "moved_note",
    "only_heading_changed",
    "show_text",
    "deletion_start",
    "deletion_end",
    "insertion_start",
    "insertion_end",
    "unchanged_sections",
    "no_changes",
];

/// The id of the `n`th change (0-based), which the page's navigation focuses.
pub fn change_id(n: usize) -> String {
    format!("change-{}", n + 1)
}

/// HTML-escapes text for element content and quoted attribute values.
pub use crate::words::escape_html as esc;

/// An empty word slot, with extra attributes (e.g. a class).
fn slot(out: &mut String, key: &str, attrs: &str) {
    let _ = write!(out, r#"{SLOT}{key}"{attrs}></span>"#);
}

/// A date as the number in a `date` slot's `data-n`: 2020-10-01 is 20201001.
pub fn date_number(d: Date) -> usize {
    usize::from(d.year()) * 10_000 + usize::from(d.month()) * 100 + usize::from(d.day())
}

/// The date a `date` slot's `data-n` stands for.
pub fn number_date(n: usize) -> Option<Date> {
    Date::new(
        u16::try_from(n / 10_000).ok()?,
        (n / 100 % 100) as u8,
        (n % 100) as u8,
    )
    .ok()
}

/// One side of the comparison: version, date and a link to its full text.
fn version_card(out: &mut String, app: &str, meta: &PolicyMeta, label: &str) {
    let v = esc(&meta.version);
    out.push_str(r#"<div class="version-card"><p class="version-card-label">"#);
    slot(out, label, "");
    let _ = write!(out, r#"</p><p class="version-card-version">{v}</p>"#);
    if let Some(d) = meta.published {
        out.push_str(r#"<p class="version-card-date">"#);
        slot(out, "published", "");
        let _ = write!(out, r#" <time datetime="{d}">"#);
        slot(out, "date", &format!(r#" data-n="{}""#, date_number(d)));
        out.push_str("</time></p>");
    }
    let _ = write!(out, r#"<a href="/{}/v/{v}">"#, esc(app));
    slot(out, "read_full_text", "");
    out.push_str("</a></div>");
}

/// Why two versions are not compared: the comparison would mislead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Uncomparable {
    /// A version against itself: nothing changed, nothing to show.
    Same,
    /// The "older" side was published after the newer one: its deletions
    /// would read as additions. The pair the other way round is the answer.
    Reversed,
}

/// The rule for which pairs the compare page shows: `from` must be another
/// version, published before `to` (versions without dates are not judged).
pub fn refuse_pair(from: &PolicyMeta, to: &PolicyMeta) -> Option<Uncomparable> {
    if from.version == to.version {
        return Some(Uncomparable::Same);
    }
    match (from.published, to.published) {
        (Some(a), Some(b)) if a > b => Some(Uncomparable::Reversed),
        _ => None,
    }
}

/// The page's header (app, title, both versions with dates and links) and
/// the "what changed" summary: the newer version's note and material flag,
/// the section counts per status and the legend.
pub fn header_html(
    app: &AppSummary,
    from: &PolicyMeta,
    to: &PolicyMeta,
    counts: &DiffSummary,
) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<header class="compare-header"><p class="policy-app"><a href="/{}">{}</a></p><h1>{} · "#,
        esc(&app.id),
        esc(&app.name),
        esc(&to.title),
    );
    slot(&mut out, "compare_heading", "");
    out.push_str(r#"</h1><div class="compare-versions">"#);
    version_card(&mut out, &app.id, from, "older_version");
    out.push_str(r#"<span class="compare-arrow" aria-hidden="true">→</span>"#);
    version_card(&mut out, &app.id, to, "newer_version");
    out.push_str(r#"</div></header><section class="compare-summary" aria-labelledby="what-changed"><h2 id="what-changed">"#);
    slot(&mut out, "what_changed", "");
    if to.material {
        out.push(' ');
        slot(
            &mut out,
            "material_badge",
            r#" class="badge badge-material""#,
        );
    }
    out.push_str("</h2>");
    if let Some(note) = &to.summary {
        out.push_str(r#"<p class="compare-note">"#);
        slot(&mut out, "publisher_note", r#" class="compare-note-label""#);
        let _ = write!(
            out,
            r#"<span lang="{}">{}</span></p>"#,
            esc(&app.locale),
            esc(note)
        );
    }
    slot(
        &mut out,
        "section_counts",
        r#" id="diff-counts-label" class="visually-hidden""#,
    );
    out.push_str(r#"<dl class="diff-counts" aria-labelledby="diff-counts-label">"#);
    for (status, count) in [
        ("added", counts.added),
        ("removed", counts.removed),
        ("changed", counts.changed),
        ("moved", counts.moved),
        ("unchanged", counts.unchanged),
    ] {
        let _ = write!(out, r#"<div class="count-{status}"><dt>"#);
        slot(&mut out, &format!("status_{status}"), "");
        let _ = write!(out, "</dt><dd>{count}</dd></div>");
    }
    out.push_str(r#"</dl><p class="diff-legend"><del>"#);
    slot(&mut out, "legend_deleted", "");
    out.push_str("</del> <ins>");
    slot(&mut out, "legend_inserted", "");
    out.push_str(r#"</ins></p></section><h2 class="compare-sections-title">"#);
    slot(&mut out, "section_by_section", "");
    out.push_str("</h2>");
    out
}

/// What the section markup needs besides the section itself.
struct Context {
    /// The policy's language (`lang` of its text), escaped.
    lang: String,
    /// The shallowest heading level, shown as `<h3>` (the page's own
    /// headings are `<h1>` and `<h2>`).
    top: u8,
    /// The older version's name, escaped.
    from: String,
    /// The newer version's name, escaped.
    to: String,
}

/// Every section of `diff` in new-document order: changes as navigation
/// targets, unchanged runs folded. `lang` is the policy's language; `from`
/// and `to` name the older and newer version.
pub fn sections_html(diff: &PolicyDiff, lang: &str, from: &str, to: &str) -> String {
    let sections = &diff.sections;
    let ctx = Context {
        lang: esc(lang),
        top: sections
            .iter()
            .map(|s| s.level)
            .filter(|&l| l > 0)
            .min()
            .unwrap_or(1),
        from: esc(from),
        to: esc(to),
    };
    let mut out = String::new();
    if sections
        .iter()
        .all(|s| s.status == SectionStatus::Unchanged)
    {
        out.push_str(r#"<p class="notice">"#);
        slot(&mut out, "no_changes", "");
        out.push_str("</p>");
    }
    let mut changes = 0;
    let mut rest = &sections[..];
    while let Some(first) = rest.first() {
        if first.status == SectionStatus::Unchanged {
            let len = rest
                .iter()
                .position(|s| s.status != SectionStatus::Unchanged)
                .unwrap_or(rest.len());
            unchanged_run(&mut out, &rest[..len], &ctx);
            rest = &rest[len..];
        } else {
            changed_section(&mut out, changes, first, &ctx);
            changes += 1;
            rest = &rest[1..];
        }
    }
    out
}

/// A section heading at its level under the page's own `<h2>`s; the text
/// before the first heading is named "opening text".
fn heading(out: &mut String, s: &SectionDiff, ctx: &Context, id: Option<&str>) {
    let rank = (3 + s.level.saturating_sub(ctx.top)).min(6);
    let id = id.map(|id| format!(r#" id="{id}""#)).unwrap_or_default();
    let _ = write!(out, r#"<h{rank}{id} lang="{}">"#, ctx.lang);
    match s.new_heading.as_deref().or(s.old_heading.as_deref()) {
        Some(text) => out.push_str(&esc(text)),
        None => slot(out, "preamble", ""),
    }
    let _ = write!(out, "</h{rank}>");
}

/// Deleted or inserted text, marked for the eye (strike-through, underline,
/// colour) and, through hidden words, for screen readers.
fn marked(out: &mut String, op: SpanOp, text: &str) {
    let (tag, start, end) = match op {
        SpanOp::Equal => return out.push_str(&esc(text)),
        SpanOp::Delete => ("del", "deletion_start", "deletion_end"),
        SpanOp::Insert => ("ins", "insertion_start", "insertion_end"),
    };
    let _ = write!(out, "<{tag}>");
    slot(out, start, r#" class="visually-hidden""#);
    out.push_str(&esc(text));
    slot(out, end, r#" class="visually-hidden""#);
    let _ = write!(out, "</{tag}>");
}

/// The spans of a changed body, keeping those for which `keep` holds.
fn span_text(out: &mut String, spans: &[Span], ctx: &Context, keep: impl Fn(SpanOp) -> bool) {
    let _ = write!(out, r#"<div class="diff-text" lang="{}">"#, ctx.lang);
    for s in spans.iter().filter(|s| keep(s.op)) {
        marked(out, s.op, &s.text);
    }
    out.push_str("</div>");
}

/// A section body rendered and sanitised by [`crate::diff::render_bodies`].
fn rendered(out: &mut String, html: &str, ctx: &Context) {
    let _ = write!(
        out,
        r#"<div class="diff-rendered" lang="{}">{html}</div>"#,
        ctx.lang
    );
}

/// "Older version · 2019-06-01" above one side of a change.
fn side_label(out: &mut String, word: &str, version: &str) {
    out.push_str(r#"<p class="diff-side">"#);
    slot(out, word, "");
    let _ = write!(out, " · {version}</p>");
}

/// One added, removed, changed or moved section: a navigation target.
fn changed_section(out: &mut String, n: usize, s: &SectionDiff, ctx: &Context) {
    let id = change_id(n);
    let status = match s.status {
        SectionStatus::Added => "added",
        SectionStatus::Removed => "removed",
        SectionStatus::Moved => "moved",
        _ => "changed",
    };
    let _ = write!(
        out,
        r#"<section class="diff-section diff-{status}" id="{id}" tabindex="-1" aria-labelledby="{id}-title" data-status="{status}"><div class="diff-head">"#
    );
    slot(
        out,
        &format!("status_{status}"),
        r#" class="badge diff-badge""#,
    );
    heading(out, s, ctx, Some(&format!("{id}-title")));
    out.push_str("</div>");
    let renamed = match (&s.old_heading, &s.new_heading) {
        (Some(old), Some(new)) if old != new => Some(old),
        _ => None,
    };
    if let Some(old) = renamed {
        out.push_str(r#"<p class="diff-was">"#);
        slot(out, "heading_was", "");
        marked(out, SpanOp::Delete, old);
        out.push_str("</p>");
    }
    let note = if s.status == SectionStatus::Moved {
        Some("moved_note")
    } else if s.spans.is_empty() && renamed.is_some() {
        Some("only_heading_changed")
    } else {
        None
    };
    if let Some(note) = note {
        out.push_str(r#"<p class="diff-note">"#);
        slot(out, note, "");
        out.push_str("</p>");
    }
    match s.status {
        SectionStatus::Added | SectionStatus::Removed => {
            let (side, tag, html, word) = if s.status == SectionStatus::Added {
                ("new", "ins", &s.new_html, "insertion")
            } else {
                ("old", "del", &s.old_html, "deletion")
            };
            let _ = write!(out, r#"<div class="diff-body"><div class="diff-{side}">"#);
            slot(out, &format!("{word}_start"), r#" class="visually-hidden""#);
            let _ = write!(out, r#"<{tag} class="diff-whole">"#);
            rendered(out, html, ctx);
            let _ = write!(out, "</{tag}>");
            slot(out, &format!("{word}_end"), r#" class="visually-hidden""#);
            out.push_str("</div></div>");
        }
        _ if s.spans.is_empty() => {
            out.push_str(r#"<details class="diff-unchanged-text"><summary>"#);
            slot(out, "show_text", "");
            out.push_str("</summary>");
            rendered(out, &s.new_html, ctx);
            out.push_str("</details>");
        }
        _ => {
            out.push_str(r#"<div class="diff-body diff-split"><div class="diff-old">"#);
            side_label(out, "older_version", &ctx.from);
            span_text(out, &s.spans, ctx, |op| op != SpanOp::Insert);
            out.push_str(r#"</div><div class="diff-new">"#);
            side_label(out, "newer_version", &ctx.to);
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
    out.push_str(r#"<details class="diff-same"><summary>"#);
    slot(
        out,
        "unchanged_sections",
        &format!(r#" data-n="{}" class="diff-same-count""#, run.len()),
    );
    let _ = write!(
        out,
        r#"<span class="diff-same-titles" lang="{}">{}</span></summary>"#,
        ctx.lang,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{diff, render_bodies};

    fn page(old: &str, new: &str, from: &str, to: &str) -> String {
        let mut d = diff(old, new);
        render_bodies(&mut d);
        sections_html(&d, "zh-CN", from, to)
    }

    /// The slot keys in `html`, in order.
    fn slots(html: &str) -> Vec<&str> {
        html.split(SLOT)
            .skip(1)
            .map(|s| s.split('"').next().unwrap())
            .collect()
    }

    const OLD: &str = "## 一、说明\n\n旧的文字。\n\n## 二、联系\n\n邮箱。\n";

    #[test]
    fn marks_changes_for_eye_and_ear_and_folds_the_rest() {
        let html = page(
            OLD,
            &OLD.replace("旧的", "新的"),
            "2020-01-01",
            "2021-01-01",
        );
        assert!(html.contains(
            r#"<del><span data-t="deletion_start" class="visually-hidden"></span>旧<span data-t="deletion_end" class="visually-hidden"></span></del>"#
        ), "{html}");
        assert!(html.contains(
            r#"<p class="diff-side"><span data-t="newer_version"></span> · 2021-01-01</p>"#
        ));
        // The one change is a navigation stop; the unchanged section is folded.
        assert!(html.contains(r#"id="change-1""#) && !html.contains(r#"id="change-2""#));
        assert!(html.contains(
            r#"<details class="diff-same"><summary><span data-t="unchanged_sections" data-n="1" class="diff-same-count"></span><span class="diff-same-titles" lang="zh-CN">二、联系</span>"#
        ));
        assert!(
            html.contains("<p>邮箱。</p>"),
            "unchanged text comes rendered"
        );
    }

    #[test]
    fn escapes_policy_text_headings_and_names() {
        let new = "## 一、<b>说明</b>\n\n新的<script>x</script>文字。\n\n## 二、联系\n\n邮箱 <img src=x onerror=alert(1)>。\n\n## 三、\"新\"\n\nA & B\n";
        let html = page(OLD, new, "2020-01-01", r#"v"><script>"#);
        for raw in ["<script>", "<b>", "<img", r#"v">"#] {
            assert!(!html.contains(raw), "{raw} in {html}");
        }
        // Changed text (spans), headings, the other version's name, and
        // rendered bodies (added section) all come out as text.
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"), "{html}");
        assert!(html.contains("一、&lt;b&gt;说明&lt;/b&gt;"), "{html}");
        assert!(html.contains("三、&quot;新&quot;"), "{html}");
        assert!(html.contains(" · v&quot;&gt;&lt;script&gt;</p>"), "{html}");
        assert!(html.contains("A &amp; B"), "{html}");
        // Text that looks like a word slot is not one.
        let sneaky = page(
            OLD,
            &OLD.replace("旧的", r#"<span data-t="no_changes">"#),
            "a",
            "b",
        );
        assert!(!slots(&sneaky).contains(&"no_changes"), "{sneaky}");
    }

    fn meta(version: &str, note: Option<&str>) -> PolicyMeta {
        PolicyMeta {
            version: version.into(),
            title: "隐私<政策>".into(),
            status: crate::wire::PolicyStatus::Published,
            published: Some(Date::try_from(version).unwrap()),
            effective: None,
            material: note.is_some(),
            summary: note.map(Into::into),
            sha256: String::new(),
        }
    }

    #[test]
    fn a_version_against_itself_or_newer_first_is_refused() {
        let (old, new) = (meta("2020-01-01", None), meta("2021-01-01", None));
        assert_eq!(refuse_pair(&old, &new), None);
        assert_eq!(refuse_pair(&new, &new), Some(Uncomparable::Same));
        assert_eq!(refuse_pair(&new, &old), Some(Uncomparable::Reversed));
        let undated = PolicyMeta {
            published: None,
            ..meta("2022-01-01", None)
        };
        assert_eq!(refuse_pair(&new, &undated), None, "no date, no judgement");
    }

    fn header(note: Option<&str>) -> String {
        let app = AppSummary {
            id: "demo".into(),
            name: "Demo & <Co>".into(),
            company: String::new(),
            description: String::new(),
            locale: "zh-CN".into(),
            current: None,
            upcoming: None,
        };
        let counts = DiffSummary {
            added: 1,
            removed: 0,
            changed: 5,
            moved: 0,
            unchanged: 39,
        };
        header_html(
            &app,
            &meta("2019-06-01", None),
            &meta("2020-10-01", note),
            &counts,
        )
    }

    #[test]
    fn header_escapes_names_and_carries_dates_and_counts() {
        let html = header(Some("新增<script>alert(1)</script>一节"));
        assert!(!html.contains("<script>") && !html.contains("<Co>") && !html.contains("<政策>"));
        assert!(html.contains("Demo &amp; &lt;Co&gt;</a>"), "{html}");
        assert!(html.contains("<h1>隐私&lt;政策&gt; · "), "{html}");
        assert!(
            html.contains("新增&lt;script&gt;alert(1)&lt;/script&gt;一节"),
            "{html}"
        );
        assert!(html.contains(
            r#"<time datetime="2020-10-01"><span data-t="date" data-n="20201001"></span></time>"#
        ));
        assert_eq!(number_date(20201001), Date::try_from("2020-10-01").ok());
        assert!(html.contains(r#"<dd>5</dd>"#) && html.contains(r#"<dd>39</dd>"#));
        assert!(html.contains(r#"data-t="material_badge""#));
        assert!(
            !header(None).contains("material_badge") && !header(None).contains("publisher_note")
        );
    }

    #[test]
    fn every_slot_is_a_known_word() {
        let new = "前言。\n\n## 一、说明改名\n\n旧的文字。\n\n## 三、新增\n\n新。\n\n## 二、联系\n\n邮箱。\n";
        let mut seen: Vec<&str> = Vec::new();
        let changed = page(OLD, new, "a", "b");
        let same = page(OLD, OLD, "a", "b");
        seen.extend(slots(&changed));
        seen.extend(slots(&same));
        let head = header(Some("说明"));
        seen.extend(slots(&head));
        for key in &seen {
            assert!(WORDS.contains(key), "{key} missing from WORDS");
        }
        assert!(same.contains(r#"<span data-t="no_changes"></span>"#));
        assert!(seen.contains(&"preamble") && seen.contains(&"status_added"));
    }
}
