//! The block builder: classified lines → headings, paragraphs, lists and
//! tables, with heading levels following the numbering styles in use.

use std::collections::HashMap;

use super::classify::{
    collapse, find_record_runs, find_toc, principle_label_len, Line, Marker, RecordRun,
};
use super::segment::sibling;

#[derive(Debug, PartialEq, Eq)]
pub(super) enum Block {
    Heading(u8, String),
    Para {
        lead: Option<String>,
        text: String,
    },
    Item(String),
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

fn table_block(lines: &[Line], run: &RecordRun, columns: &[String]) -> Block {
    let mut header: Vec<String> = Vec::new();
    if run.named {
        header.push(String::new());
    }
    header.extend(columns.iter().cloned());
    let rows = run
        .records
        .iter()
        .map(|r| {
            let mut row: Vec<String> = r.name.map(|k| lines[k].text.clone()).into_iter().collect();
            for c in columns {
                let cell = r.fields.iter().find_map(|&k| {
                    lines[k]
                        .field
                        .as_ref()
                        .filter(|f| f.label == *c)
                        .map(|f| f.value.clone())
                });
                row.push(cell.unwrap_or_default());
            }
            row
        })
        .collect();
    Block::Table { header, rows }
}

/// The heading level of each line that is a heading. Levels follow the
/// numbering styles in use, outermost first, from `##` down to `######`.
fn heading_levels(lines: &[Line], toc: &[bool], record_name: &[bool]) -> Vec<Option<u8>> {
    let n = lines.len();
    let markers: Vec<Option<Marker>> = lines.iter().map(|l| l.marker).collect();
    let rank = |k: usize| markers[k].and_then(|m| m.style.rank());
    // A title with no text of its own among paragraph siblings is a list
    // entry cut short (`4、您参与个人信息处理方面的权利`), not a heading.
    // So is a record name whose fields follow (`11、软件安装列表` before
    // `收集使用的个人信息：无`) when its siblings are records.
    let bodiless = |k: usize| {
        k + 1 >= n
            || rank(k + 1).is_some_and(|r| Some(r) <= rank(k))
            || lines[k + 1].field.is_some()
    };
    let entry = |k: usize| {
        bodiless(k)
            && [false, true]
                .iter()
                .any(|&fwd| sibling(&markers, k, fwd).is_some_and(|s| !lines[s].title))
    };
    let outvoted = outvoted_titles(lines, toc);
    let heading: Vec<bool> = (0..n)
        .map(|k| lines[k].title && !toc[k] && !record_name[k] && !entry(k) && !outvoted[k])
        .collect();
    let mut ranks: Vec<u8> = (0..n).filter(|&k| heading[k]).filter_map(rank).collect();
    ranks.sort_unstable();
    ranks.dedup();
    (0..n)
        .map(|k| {
            let at = ranks.iter().position(|&r| Some(r) == rank(k))?;
            heading[k].then(|| (2 + at).min(6) as u8)
        })
        .collect()
}

/// The numbered line before `k` that `k` continues (same style, smaller
/// number), passing over text and deeper numbering, not over a section
/// boundary (an outer numbering).
fn previous_in_series(markers: &[Option<Marker>], k: usize) -> Option<usize> {
    let own = markers[k]?;
    let rank = own.style.rank()?;
    for at in (0..k).rev() {
        let Some(m) = markers[at] else { continue };
        match m.style.rank() {
            _ if m.style == own.style => return (m.ordinal < own.ordinal).then_some(at),
            Some(r) if r <= rank => return None,
            _ => {}
        }
    }
    None
}

/// A short item at the head of a series of numbered siblings (`1．` `2．`
/// `3．` in one section) whose other members are sentences: the one title
/// among them, followed by at least two sentence siblings, is an item of
/// the series that happens to be short, not a heading among paragraphs.
/// Several titles among sentences (V聊's `（七）` to `（九）`) stay headings,
/// and so does a short last item after sentences (花间's `5.分享与复制参与`,
/// which opens a topic of its own).
fn outvoted_titles(lines: &[Line], toc: &[bool]) -> Vec<bool> {
    let n = lines.len();
    let markers: Vec<Option<Marker>> = (0..n)
        .map(|k| lines[k].marker.filter(|_| !toc[k]))
        .collect();
    let mut series = vec![usize::MAX; n];
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for k in 0..n {
        if markers[k].is_none_or(|m| m.style.rank().is_none()) {
            continue;
        }
        series[k] = previous_in_series(&markers, k).map_or(k, |p| series[p]);
        members.entry(series[k]).or_default().push(k);
    }
    let mut out = vec![false; n];
    for items in members.values() {
        let titles: Vec<usize> = items.iter().copied().filter(|&k| lines[k].title).collect();
        if let [only] = titles[..] {
            let after = items.iter().filter(|&&k| k > only).count();
            out[only] = after >= 2;
        }
    }
    out
}

pub(super) fn build_blocks(lines: &[Line]) -> Vec<Block> {
    let n = lines.len();
    let toc = find_toc(lines);
    let runs = find_record_runs(lines);
    let mut record_name = vec![false; n];
    let mut table_at: HashMap<usize, usize> = HashMap::new();
    let mut in_table = vec![false; n];
    for (r, run) in runs.iter().enumerate() {
        for rec in &run.records {
            if let Some(k) = rec.name {
                record_name[k] = true;
            }
        }
        if run.columns.is_some() {
            table_at.insert(run.start, r);
            in_table[run.start..run.end]
                .iter_mut()
                .for_each(|t| *t = true);
        }
    }
    let levels = heading_levels(lines, &toc, &record_name);
    let heading = |k: usize| levels[k].is_some();
    let plain = |k: usize| {
        k < n
            && !toc[k]
            && !heading(k)
            && !in_table[k]
            && lines[k].marker.is_none()
            && principle_label_len(&lines[k].text.chars().take(20).collect::<Vec<_>>()).is_none()
    };

    let mut blocks = Vec::new();
    let mut k = 0;
    while k < n {
        if let Some(&r) = table_at.get(&k) {
            let run = &runs[r];
            if let Some(columns) = &run.columns {
                blocks.push(table_block(lines, run, columns));
            }
            k = run.end;
            continue;
        }
        let line = &lines[k];
        let chars: Vec<char> = line.text.chars().collect();
        if toc[k] {
            blocks.push(Block::Item(line.text.clone()));
        } else if let Some(level) = levels[k] {
            blocks.push(Block::Heading(level, line.text.clone()));
        } else if let Some(len) = principle_label_len(&chars) {
            let lead: String = chars[..len].iter().collect();
            let mut text = collapse(&chars[len..]);
            if text.is_empty() && plain(k + 1) {
                k += 1;
                text = lines[k].text.clone();
            }
            blocks.push(Block::Para {
                lead: Some(lead),
                text,
            });
        } else if line.marker.is_some_and(|m| m.style.rank().is_none()) {
            blocks.push(Block::Item(line.text.clone()));
        } else {
            blocks.push(Block::Para {
                lead: None,
                text: line.text.clone(),
            });
        }
        k += 1;
    }
    blocks
}
