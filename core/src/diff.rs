//! What changed between two policy versions: sections matched by heading,
//! then character-level changes inside each changed section (Chinese has no
//! spaces between words, so characters are the natural unit).

use serde::{Deserialize, Serialize};
use similar::{capture_diff_slices, Algorithm, ChangeTag, DiffOp, TextDiff};
use std::collections::HashMap;
use std::time::Duration;

use crate::wire::DiffSummary;

/// How a section fared between the old and the new version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SectionStatus {
    /// Same heading, same text, same place.
    Unchanged,
    /// Only in the new version.
    Added,
    /// Only in the old version.
    Removed,
    /// Same heading, different text.
    Changed,
    /// Same heading, now elsewhere in the document (its text may also differ).
    Moved,
}

/// A run of text in an inline diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// Whether the text is kept, inserted or deleted.
    pub op: SpanOp,
    /// The text.
    pub text: String,
}

/// What happened to a [`Span`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpanOp {
    /// In both versions.
    Equal,
    /// Only in the new version.
    Insert,
    /// Only in the old version.
    Delete,
}

/// One section in the comparison, in new-document order (removed sections
/// stand where they used to be).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionDiff {
    /// What happened to it.
    pub status: SectionStatus,
    /// Heading level (0 for the text before the first heading).
    pub level: u8,
    /// Heading in the old version, if it was there.
    pub old_heading: Option<String>,
    /// Heading in the new version, if it is there.
    pub new_heading: Option<String>,
    /// Body of the old version (Markdown source).
    pub old_text: String,
    /// Body of the new version (Markdown source).
    pub new_text: String,
    /// Character-level changes of the body; empty when the body is unchanged.
    pub spans: Vec<Span>,
    /// `old_text` as sanitised HTML, filled by [`render_bodies`] (the server
    /// does, so no reader's browser needs a Markdown renderer); empty otherwise.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub old_html: String,
    /// `new_text` as sanitised HTML, like `old_html`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub new_html: String,
}

/// The comparison of two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyDiff {
    /// Every section of both versions.
    pub sections: Vec<SectionDiff>,
    /// Counts per status.
    pub summary: DiffSummary,
}

/// A section of a Markdown document: a heading and the text up to the next heading.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Section {
    level: u8,
    heading: Option<String>,
    body: String,
}

/// Splits Markdown at ATX headings (outside fenced code blocks).
fn sections(markdown: &str) -> Vec<Section> {
    let mut out = vec![Section {
        level: 0,
        heading: None,
        body: String::new(),
    }];
    let mut fence: Option<&str> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            }
        } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(&trimmed[..3]);
        } else if let Some((level, text)) = atx_heading(line) {
            out.push(Section {
                level,
                heading: Some(text.to_owned()),
                body: String::new(),
            });
            continue;
        }
        let body = &mut out.last_mut().expect("never empty").body;
        body.push_str(line);
        body.push('\n');
    }
    for s in &mut out {
        let trimmed = s.body.trim().to_owned();
        s.body = trimmed;
    }
    if out[0].body.is_empty() && out.len() > 1 {
        out.remove(0);
    }
    out
}

fn atx_heading(line: &str) -> Option<(u8, &str)> {
    if line.starts_with("    ") {
        return None;
    }
    let t = line.trim_start();
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = &t[hashes..];
    if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('\t')) {
        return None;
    }
    let text = rest.trim().trim_end_matches('#').trim_end();
    Some((hashes as u8, text))
}

/// Heading text without its leading legal numbering (一、 （二） 3. 1.1 G1. 第一部分),
/// so a renumbered section still matches its old self.
fn unnumbered(heading: &str) -> &str {
    let s = heading.trim();
    if let Some(rest) = s.strip_prefix('第') {
        if let Some(i) = rest.find(['部', '章', '条', '节']) {
            let tail = &rest[i..];
            let skip = tail.chars().next().map_or(0, char::len_utf8);
            let tail = &tail[skip..];
            let tail = tail.strip_prefix('分').unwrap_or(tail).trim_start();
            if !tail.is_empty() {
                return tail;
            }
        }
    }
    let s = s.trim_start_matches(['（', '(']);
    let numeral_end = s
        .char_indices()
        .find(|&(_, c)| {
            !(c.is_ascii_alphanumeric() || c == '.' || "一二三四五六七八九十百零〇".contains(c))
        })
        .map_or(s.len(), |(i, _)| i);
    let after = &s[numeral_end..];
    let after = after.trim_start_matches(['、', '）', ')', '.', '．', ' ', '\u{3000}']);
    if numeral_end == 0 || after.is_empty() {
        heading.trim()
    } else {
        after
    }
}

/// Keys that identify a section across versions: the nth occurrence of a heading.
fn keys<'a>(secs: &'a [Section], f: impl Fn(&'a Section) -> &'a str) -> Vec<(String, usize)> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    secs.iter()
        .map(|s| {
            let k = f(s);
            let n = seen.entry(k).or_default();
            *n += 1;
            (k.to_owned(), *n)
        })
        .collect()
}

/// Pairs old and new sections: first by exact heading, then by heading
/// without numbering. Returns, for each new section, its old index.
fn match_sections(old: &[Section], new: &[Section]) -> Vec<Option<usize>> {
    let mut matched: Vec<Option<usize>> = vec![None; new.len()];
    let mut taken = vec![false; old.len()];
    let passes: [fn(&Section) -> &str; 2] = [
        |s| s.heading.as_deref().unwrap_or(""),
        |s| unnumbered(s.heading.as_deref().unwrap_or("")),
    ];
    for pass in passes {
        let old_keys = keys(old, pass);
        let index: HashMap<&(String, usize), usize> = old_keys
            .iter()
            .enumerate()
            .filter(|&(i, _)| !taken[i])
            .map(|(i, k)| (k, i))
            .collect();
        for (j, k) in keys(new, pass).iter().enumerate() {
            if matched[j].is_some() {
                continue;
            }
            if let Some(&i) = index.get(k) {
                if !taken[i] {
                    matched[j] = Some(i);
                    taken[i] = true;
                }
            }
        }
    }
    matched
}

/// Character-level changes, grouped into runs. Gives up on finesse (not on
/// correctness) after a deadline so a pathological pair cannot stall a page.
fn spans(old: &str, new: &str) -> Vec<Span> {
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        .timeout(Duration::from_millis(50))
        .diff_chars(old, new);
    let mut out: Vec<Span> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => SpanOp::Equal,
            ChangeTag::Insert => SpanOp::Insert,
            ChangeTag::Delete => SpanOp::Delete,
        };
        match out.last_mut() {
            Some(last) if last.op == op => last.text.push_str(change.value()),
            _ => out.push(Span {
                op,
                text: change.value().to_owned(),
            }),
        }
    }
    out
}

/// Compares two policy bodies (Markdown, without front matter).
/// Fills each section's `old_html` and `new_html` with its body rendered by
/// [`crate::render::render`] (only the sides a reader is shown as a whole:
/// added, removed and unchanged bodies; changed ones are shown as spans).
pub fn render_bodies(diff: &mut PolicyDiff) {
    let html = |markdown: &str| {
        crate::render::render(markdown)
            .map(|r| r.html)
            .unwrap_or_default()
    };
    for s in &mut diff.sections {
        match s.status {
            SectionStatus::Added => s.new_html = html(&s.new_text),
            SectionStatus::Removed => s.old_html = html(&s.old_text),
            _ if s.spans.is_empty() => s.new_html = html(&s.new_text),
            _ => {}
        }
    }
}

pub fn diff(old_markdown: &str, new_markdown: &str) -> PolicyDiff {
    let old = sections(old_markdown);
    let new = sections(new_markdown);
    let matched = match_sections(&old, &new);

    // Matched sections whose relative order survives stay in place; the
    // order is compared with `similar` over the sequence of old indices.
    let old_order: Vec<usize> = (0..old.len())
        .filter(|i| matched.contains(&Some(*i)))
        .collect();
    let new_order: Vec<usize> = matched.iter().flatten().copied().collect();
    let mut in_place = vec![false; old.len()];
    for op in capture_diff_slices(Algorithm::Myers, &old_order, &new_order) {
        if let DiffOp::Equal { old_index, len, .. } = op {
            for &i in &old_order[old_index..old_index + len] {
                in_place[i] = true;
            }
        }
    }

    let mut out = Vec::with_capacity(old.len().max(new.len()));
    let mut summary = DiffSummary::default();
    let mut next_old = 0;
    let emit_removed = |upto: usize,
                        next_old: &mut usize,
                        out: &mut Vec<SectionDiff>,
                        summary: &mut DiffSummary| {
        while *next_old < upto {
            let i = *next_old;
            *next_old += 1;
            if matched.contains(&Some(i)) {
                continue;
            }
            summary.removed += 1;
            out.push(SectionDiff {
                status: SectionStatus::Removed,
                level: old[i].level,
                old_heading: old[i].heading.clone(),
                new_heading: None,
                old_text: old[i].body.clone(),
                new_text: String::new(),
                spans: vec![Span {
                    op: SpanOp::Delete,
                    text: old[i].body.clone(),
                }],
                old_html: String::new(),
                new_html: String::new(),
            });
        }
    };
    for (j, n) in new.iter().enumerate() {
        match matched[j] {
            Some(i) => {
                if in_place[i] {
                    emit_removed(i, &mut next_old, &mut out, &mut summary);
                    next_old = i + 1;
                }
                let o = &old[i];
                let same_text = o.body == n.body && o.heading == n.heading;
                let status = if !in_place[i] {
                    summary.moved += 1;
                    SectionStatus::Moved
                } else if same_text {
                    summary.unchanged += 1;
                    SectionStatus::Unchanged
                } else {
                    summary.changed += 1;
                    SectionStatus::Changed
                };
                out.push(SectionDiff {
                    status,
                    level: n.level,
                    old_heading: o.heading.clone(),
                    new_heading: n.heading.clone(),
                    old_text: o.body.clone(),
                    new_text: n.body.clone(),
                    spans: if o.body == n.body {
                        Vec::new()
                    } else {
                        spans(&o.body, &n.body)
                    },
                    old_html: String::new(),
                    new_html: String::new(),
                });
            }
            None => {
                // Old sections deleted just here come before what replaced them.
                while next_old < old.len() && !in_place[next_old] {
                    emit_removed(next_old + 1, &mut next_old, &mut out, &mut summary);
                }
                summary.added += 1;
                out.push(SectionDiff {
                    status: SectionStatus::Added,
                    level: n.level,
                    old_heading: None,
                    new_heading: n.heading.clone(),
                    old_text: String::new(),
                    new_text: n.body.clone(),
                    spans: vec![Span {
                        op: SpanOp::Insert,
                        text: n.body.clone(),
                    }],
                    old_html: String::new(),
                    new_html: String::new(),
                });
            }
        }
    }
    emit_removed(old.len(), &mut next_old, &mut out, &mut summary);
    PolicyDiff {
        sections: out,
        summary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "前言。\n\n## 一、我们收集的信息\n\n我们收集账号信息。\n\n## 二、Cookie\n\n我们使用Cookie。\n\n## 三、联系我们\n\n邮箱。\n";

    fn statuses(d: &PolicyDiff) -> Vec<(SectionStatus, String)> {
        d.sections
            .iter()
            .map(|s| {
                (
                    s.status,
                    s.new_heading
                        .clone()
                        .or(s.old_heading.clone())
                        .unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn identical_versions_have_no_changes() {
        let d = diff(OLD, OLD);
        assert_eq!(
            d.summary,
            DiffSummary {
                unchanged: 4,
                ..Default::default()
            }
        );
        assert!(d.sections.iter().all(|s| s.spans.is_empty()));
    }

    #[test]
    fn reports_added_removed_and_changed_sections() {
        let new = "前言。\n\n## 一、我们收集的信息\n\n我们收集账号信息和位置信息。\n\n## 二、第三方SDK\n\n极光推送。\n\n## 三、联系我们\n\n邮箱。\n";
        let d = diff(OLD, new);
        use SectionStatus::*;
        assert_eq!(
            statuses(&d),
            [
                (Unchanged, "".into()),
                (Changed, "一、我们收集的信息".into()),
                (Removed, "二、Cookie".into()),
                (Added, "二、第三方SDK".into()),
                (Unchanged, "三、联系我们".into()),
            ]
        );
        let changed = &d.sections[1];
        let inserted: String = changed
            .spans
            .iter()
            .filter(|s| s.op == SpanOp::Insert)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(inserted, "和位置信息");
        assert_eq!(
            d.summary,
            DiffSummary {
                added: 1,
                removed: 1,
                changed: 1,
                moved: 0,
                unchanged: 2
            }
        );
    }

    #[test]
    fn renumbered_sections_still_match() {
        let new = "前言。\n\n## 一、定义\n\n新定义。\n\n## 二、我们收集的信息\n\n我们收集账号信息。\n\n## 三、Cookie\n\n我们使用Cookie。\n\n## 四、联系我们\n\n邮箱。\n";
        let d = diff(OLD, new);
        assert_eq!(d.summary.added, 1, "{:?}", statuses(&d));
        assert_eq!(d.summary.removed, 0, "{:?}", statuses(&d));
        assert_eq!(
            d.summary.changed,
            3,
            "renamed headings count as changes: {:?}",
            statuses(&d)
        );
    }

    #[test]
    fn moved_sections_are_reported_as_moved() {
        let new = "前言。\n\n## 三、联系我们\n\n邮箱。\n\n## 一、我们收集的信息\n\n我们收集账号信息。\n\n## 二、Cookie\n\n我们使用Cookie。\n";
        let d = diff(OLD, new);
        assert_eq!(d.summary.moved, 1, "{:?}", statuses(&d));
        assert_eq!(d.sections[1].status, SectionStatus::Moved);
        assert_eq!(d.sections[1].new_heading.as_deref(), Some("三、联系我们"));
        assert_eq!(d.summary.unchanged, 3);
    }

    #[test]
    fn strips_legal_numbering_for_matching() {
        for (h, want) in [
            ("一、我们收集的信息", "我们收集的信息"),
            ("（二）日志信息", "日志信息"),
            ("1.1 定义", "定义"),
            ("G1. 个人信息的梯度授权", "个人信息的梯度授权"),
            ("第一部分 定义", "定义"),
            ("十三、变更", "变更"),
            ("Cookie", "Cookie"),
        ] {
            assert_eq!(unnumbered(h), want, "{h}");
        }
    }

    #[test]
    fn headings_inside_code_fences_do_not_split() {
        let s = sections("## A\n\n```\n## not a heading\n```\n");
        assert_eq!(s.len(), 1);
        assert!(s[0].body.contains("## not a heading"));
    }
}
