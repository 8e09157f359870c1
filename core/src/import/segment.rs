//! The segmenter: source text → one segment per logical line. A web copy
//! that lost its line breaks is split again before numbering markers at
//! plausible boundaries and after titles fused with their text (the
//! classifier's markers tell where numbering starts).

use std::collections::HashMap;

use super::classify::{
    collapse, date_item, date_items, has_sentence_punct, is_heading_text, left_ok, marker_of,
    parse_marker, preamble_end, principle_label_len, starts_with, Marker, Seg, Style, DEEP_CUES,
    PREAMBLE_MAX, SENTENCE_CUES, SENTENCE_PUNCT, STRONG_PUNCT, TAIL_MAX, TITLE_CANNOT_END,
    TITLE_MAX, TITLE_WORDS,
};

pub(super) fn segment(text: &str, web: bool) -> Vec<Seg> {
    let mut segs = Vec::new();
    let mut seq = Sequence::default();
    for line in text.lines() {
        let chars: Vec<char> = line.chars().collect();
        if web {
            split_web_line(&chars, &mut seq, &mut segs);
        } else {
            push_seg(&mut segs, &chars);
        }
    }
    split_preamble_dates(&mut segs, web);
    split_tail_dates(&mut segs, web);
    if web {
        split_leading_titles(&mut segs);
        split_known_titles(&mut segs);
    }
    // Cue splits first: they show which siblings are titles, and a title
    // ended by `。` is split only among title siblings.
    if web {
        split_on_cues(&mut segs);
    }
    split_title_sentences(&mut segs);
    segs
}

fn push_seg(segs: &mut Vec<Seg>, chars: &[char]) {
    let text = collapse(chars);
    if !text.is_empty() {
        segs.push(Seg::new(text));
    }
}

/// The last ordinal seen per numbering style, to tell numbering from numbers.
#[derive(Default)]
struct Sequence {
    last: HashMap<Style, u32>,
}

impl Sequence {
    fn follows(&self, m: &Marker) -> bool {
        m.ordinal == 1 || self.last.get(&m.style).is_some_and(|&n| m.ordinal == n + 1)
    }

    fn note(&mut self, m: &Marker) {
        self.last.insert(m.style, m.ordinal);
    }
}

/// What precedes a candidate split point.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Boundary {
    /// Sentence-ending punctuation, perhaps then spaces.
    Strong,
    /// Spaces after a word.
    Space,
    /// Nothing: the marker is glued to the previous word.
    Glued,
}

fn boundary_at(chars: &[char], i: usize) -> Boundary {
    let prev = chars[..i].iter().rev().find(|c| **c != ' ');
    match prev {
        Some(p) if STRONG_PUNCT.contains(p) => Boundary::Strong,
        _ if chars[i - 1] == ' ' => Boundary::Space,
        _ => Boundary::Glued,
    }
}

/// The segment being built while splitting a line.
struct Current {
    start: usize,
    chars: usize,
    punct: bool,
    marker: Option<Marker>,
    after_marker: usize,
    /// Where the text after the last sentence end starts, and its length.
    clause_start: usize,
    clause_chars: usize,
    clause_punct: bool,
}

impl Current {
    fn new(start: usize) -> Self {
        Current {
            start,
            chars: 0,
            punct: false,
            marker: None,
            after_marker: 0,
            clause_start: start,
            clause_chars: 0,
            clause_punct: false,
        }
    }

    fn take(&mut self, at: usize, c: char) {
        if c == ' ' {
            return;
        }
        self.chars += 1;
        if self.marker.is_some() {
            self.after_marker += 1;
        }
        self.punct |= SENTENCE_PUNCT.contains(&c);
        if STRONG_PUNCT.contains(&c) {
            self.clause_start = at + 1;
            self.clause_chars = 0;
            self.clause_punct = false;
        } else {
            self.clause_chars += 1;
            self.clause_punct |= SENTENCE_PUNCT.contains(&c);
        }
    }

    /// A short phrase after the last sentence end, such as a title line
    /// (`…为准。接入第三方SDK目录` before `三、`).
    fn has_title_clause(&self) -> bool {
        self.clause_start > self.start
            && (1..=TITLE_MAX).contains(&self.clause_chars)
            && !self.clause_punct
    }

    /// Short and punctuation-free so far: a title, which the next marker may follow directly.
    fn is_title_so_far(&self) -> bool {
        self.chars <= TITLE_MAX && !self.punct && (self.marker.is_none() || self.after_marker > 0)
    }
}

/// Splits a line whose breaks were lost before numbering markers at
/// plausible boundaries, and after short titles followed by spaces.
fn split_web_line(chars: &[char], seq: &mut Sequence, segs: &mut Vec<Seg>) {
    let mut cur = Current::new(0);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if cur.chars == 0 {
            if let Some(m) = parse_marker(&chars[i..]) {
                seq.note(&m);
                cur.chars = m.len;
                cur.clause_chars = m.len;
                cur.marker = Some(m);
                i += m.len;
            } else {
                cur.take(i, c);
                i += 1;
            }
            continue;
        }
        if c == ' ' {
            let next = (i..chars.len()).find(|&k| chars[k] != ' ');
            let split = next.is_some_and(|j| {
                !chars[i - 1].is_ascii() && !chars[j].is_ascii() && cur.is_title_so_far()
            });
            if split {
                push_seg(segs, &chars[cur.start..i]);
                let j = next.unwrap_or(chars.len());
                cur = Current::new(j);
                i = j;
            } else {
                i = next.unwrap_or(chars.len());
            }
            continue;
        }
        let marker = parse_marker(&chars[i..]).filter(|m| left_ok(m.style, chars[i - 1]));
        let label = marker.is_none() && principle_label_len(&chars[i..]).is_some();
        let boundary = if marker.is_some() || label {
            boundary_at(chars, i)
        } else {
            Boundary::Glued
        };
        if let Some(m) = marker {
            let ok = match boundary {
                Boundary::Strong => true,
                Boundary::Space => seq.follows(&m),
                Boundary::Glued => {
                    (cur.is_title_so_far() || cur.has_title_clause()) && seq.follows(&m)
                }
            };
            if ok {
                if boundary == Boundary::Glued && !cur.is_title_so_far() {
                    push_seg(segs, &chars[cur.start..cur.clause_start]);
                    cur.start = cur.clause_start;
                }
                push_seg(segs, &chars[cur.start..i]);
                cur = Current::new(i);
                continue;
            }
        }
        if label && boundary != Boundary::Glued {
            push_seg(segs, &chars[cur.start..i]);
            cur = Current::new(i);
            cur.take(i, c);
            i += 1;
            continue;
        }
        cur.take(i, c);
        i += 1;
    }
    push_seg(segs, &chars[cur.start..]);
}

fn replace_each(segs: &mut Vec<Seg>, mut f: impl FnMut(usize, Seg) -> Vec<Seg>) {
    let old = std::mem::take(segs);
    for (k, seg) in old.into_iter().enumerate() {
        segs.extend(f(k, seg));
    }
}

/// Puts each preamble date (`更新日期：2020年10月01日`) in a segment of its own.
fn split_preamble_dates(segs: &mut Vec<Seg>, web: bool) {
    let end = preamble_end(segs);
    replace_each(segs, |k, seg| {
        if k >= end {
            return vec![seg];
        }
        let chars: Vec<char> = seg.text.chars().collect();
        let mut pieces = Vec::new();
        let (mut start, mut i) = (0, 0);
        while i < chars.len() {
            let before =
                web || i == 0 || chars[i - 1] == ' ' || STRONG_PUNCT.contains(&chars[i - 1]);
            if let Some((_, _, n)) = date_item(&chars[i..]).filter(|_| before) {
                let end = i + n;
                if web || end == chars.len() || chars[end] == ' ' {
                    push_seg(&mut pieces, &chars[start..i]);
                    push_seg(&mut pieces, &chars[i..end]);
                    start = end;
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
        push_seg(&mut pieces, &chars[start..]);
        pieces
    });
}

/// How far from its end a segment is searched for closing date items.
const TAIL_DATES_CHARS: usize = 120;

/// Puts the date items that end one of the last segments (`…联系我们。
/// 发布日期：2026年1月1日 生效日期：2026年1月8日`) in a segment of their own.
fn split_tail_dates(segs: &mut Vec<Seg>, web: bool) {
    let from = segs.len().saturating_sub(TAIL_MAX);
    replace_each(segs, |k, seg| {
        if k < from {
            return vec![seg];
        }
        let chars: Vec<char> = seg.text.chars().collect();
        let start = chars.len().saturating_sub(TAIL_DATES_CHARS).max(1);
        let at = (start..chars.len()).find(|&i| {
            let before = web || chars[i - 1] == ' ' || STRONG_PUNCT.contains(&chars[i - 1]);
            before && date_item(&chars[i..]).is_some() && {
                let rest: String = chars[i..].iter().collect();
                date_items(&rest).is_some()
            }
        });
        match at {
            Some(i) => {
                let mut pieces = Vec::new();
                push_seg(&mut pieces, &chars[..i]);
                push_seg(&mut pieces, &chars[i..]);
                pieces
            }
            None => vec![seg],
        }
    });
}

/// The length of a title phrase (`微萌隐私条款`) at the start of `chars`.
fn title_prefix_len(chars: &[char]) -> Option<usize> {
    if parse_marker(chars).is_some() {
        return None;
    }
    (1..=chars.len().min(TITLE_MAX))
        .take_while(|&n| !SENTENCE_PUNCT.contains(&chars[n - 1]))
        .find(|&n| {
            let head: String = chars[..n].iter().collect();
            TITLE_WORDS.iter().any(|w| head.ends_with(w))
        })
        // `《花间隐私政策》` keeps its closing bracket.
        .map(|n| n + usize::from(chars[0] == '《' && chars.get(n) == Some(&'》')))
}

/// A web copy runs the title lines into what follows: `隐私政策隐私政策公司名称：…`.
fn split_leading_titles(segs: &mut Vec<Seg>) {
    let mut k = 0;
    while k < segs.len().min(PREAMBLE_MAX) {
        let chars: Vec<char> = segs[k].text.chars().collect();
        match title_prefix_len(&chars) {
            Some(n) if n < chars.len() => {
                let rest = collapse(&chars[n..]);
                segs[k].text = collapse(&chars[..n]);
                if !rest.is_empty() {
                    segs.insert(k + 1, Seg::new(rest));
                }
            }
            Some(_) => {}
            None if date_items(&segs[k].text).is_some() => {}
            None => break,
        }
        k += 1;
    }
}

fn split_at(seg_text: &str, at: usize) -> Vec<Seg> {
    let chars: Vec<char> = seg_text.chars().collect();
    let mut out = vec![Seg {
        text: collapse(&chars[..at]),
        title: true,
    }];
    push_seg(&mut out, &chars[at..]);
    out
}

/// A numbered line that is not itself a title, but could hold one.
fn fused_candidate(seg: &Seg) -> Option<(Vec<char>, Marker)> {
    if seg.title {
        return None;
    }
    let chars: Vec<char> = seg.text.chars().collect();
    let m = parse_marker(&chars).filter(|m| m.style.rank().is_some())?;
    (!is_heading_text(&chars, &m)).then_some((chars, m))
}

/// Titles seen elsewhere (a table of contents, or the body when the contents
/// entry is fused) tell where a fused title ends: `一、我们收集的信息我们根据…`.
fn split_known_titles(segs: &mut Vec<Seg>) {
    let mut titles: HashMap<String, Vec<String>> = HashMap::new();
    for seg in segs.iter() {
        let chars: Vec<char> = seg.text.chars().collect();
        if let Some(m) = parse_marker(&chars).filter(|m| is_heading_text(&chars, m)) {
            let key: String = chars[..m.len].iter().collect();
            titles.entry(key).or_default().push(seg.text.clone());
        }
    }
    replace_each(segs, |_, seg| {
        let Some((chars, m)) = fused_candidate(&seg) else {
            return vec![seg];
        };
        let key: String = chars[..m.len].iter().collect();
        let known = titles.get(&key).and_then(|ts| {
            ts.iter()
                .filter(|t| seg.text.starts_with(t.as_str()) && seg.text.len() > t.len())
                .max_by_key(|t| t.len())
        });
        match known {
            Some(t) => split_at(&seg.text, t.chars().count()),
            None => vec![seg],
        }
    });
}

/// The nearest line numbered in the same style as line `k`, looking back or
/// forward, without leaving the enclosing section.
pub(super) fn sibling(markers: &[Option<Marker>], k: usize, forward: bool) -> Option<usize> {
    let own = markers[k]?;
    let rank = own.style.rank()?;
    let mut at = k;
    loop {
        at = if forward { at + 1 } else { at.checked_sub(1)? };
        let m = (*markers.get(at)?)?;
        if m.style == own.style {
            return Some(at);
        }
        if m.style.rank().is_some_and(|r| r < rank) {
            return None;
        }
    }
}

/// The line numbered `gap` before (or after) line `k` in its sequence —
/// same style — skipping unnumbered lines, deeper lines and the same style
/// out of sequence (a nested list), without leaving the enclosing section.
fn next_in_sequence(
    markers: &[Option<Marker>],
    k: usize,
    forward: bool,
    gap: u32,
) -> Option<usize> {
    let own = markers[k]?;
    let rank = own.style.rank()?;
    let want = if forward {
        own.ordinal + gap
    } else {
        own.ordinal.checked_sub(gap).filter(|&o| o > 0)?
    };
    let mut at = k;
    loop {
        at = if forward { at + 1 } else { at.checked_sub(1)? };
        let Some(m) = *markers.get(at)? else {
            continue;
        };
        if m.style == own.style && m.ordinal == want {
            return Some(at);
        }
        if m.style.rank().is_some_and(|r| r < rank) {
            return None;
        }
    }
}

/// Where a short title ends with `。` and the text goes on, the length of
/// the title with its `。`.
fn title_sentence_len(seg: &Seg) -> Option<usize> {
    let (chars, m) = fused_candidate(seg)?;
    if !m.style.titles_sections() {
        return None;
    }
    let stop = chars.iter().take(TITLE_MAX + 1).position(|&c| c == '。')?;
    let title = &chars[m.len..stop];
    let rest = &chars[stop + 1..];
    let ok = title.iter().any(|c| !c.is_whitespace())
        && !has_sentence_punct(title)
        && rest.iter().any(|c| !c.is_whitespace());
    ok.then_some(stop + 1)
}

/// `一、我们如何收集您的信息。我们会…`: a short title ended by `。`, then the
/// text. Only where the siblings are titles too; among paragraph siblings
/// (`（一）我们严格遵守法律法规。…`) the first sentence is just a sentence.
fn split_title_sentences(segs: &mut Vec<Seg>) {
    let markers: Vec<Option<Marker>> = segs.iter().map(|s| marker_of(&s.text)).collect();
    let splits: Vec<Option<usize>> = segs.iter().map(title_sentence_len).collect();
    let paragraph = |k: usize| {
        splits[k].is_none()
            && !segs[k].title
            && markers[k].is_some_and(|m| {
                let chars: Vec<char> = segs[k].text.chars().collect();
                !is_heading_text(&chars, &m)
            })
    };
    let allowed: Vec<bool> = (0..segs.len())
        .map(|k| {
            splits[k].is_some()
                && ![false, true]
                    .iter()
                    .any(|&fwd| sibling(&markers, k, fwd).is_some_and(paragraph))
        })
        .collect();
    replace_each(segs, |k, seg| match splits[k] {
        Some(at) if allowed[k] => split_at(&seg.text, at),
        _ => vec![seg],
    });
}

/// Last resort for a web copy: a title runs straight into a sentence that
/// starts with a typical opening (`G3. 适用范围本隐私政策适用于…`).
///
/// Sub-section titles (`（三）`, `1.`, `1.1`) read too often as the start of a
/// sentence (`（一）您可以在使用`) to be split on their own: one is split only
/// when a sibling next to it is a title too, or splits the same way.
fn split_on_cues(segs: &mut Vec<Seg>) {
    let markers: Vec<Option<Marker>> = segs.iter().map(|s| marker_of(&s.text)).collect();
    let cuts: Vec<Option<usize>> = segs.iter().map(cue_split).collect();
    // A title that itself opens like a sentence (`（一）您可以在使用`) is
    // trusted only next to a sibling that does not.
    let weak: Vec<bool> = (0..segs.len())
        .map(|k| {
            cuts[k].is_some_and(|at| {
                let chars: Vec<char> = segs[k].text.chars().collect();
                let m = markers[k].map_or(0, |m| m.len);
                let from = m + chars[m..].iter().take_while(|c| **c == ' ').count();
                opens_sentence(&chars[from..at])
            })
        })
        .collect();
    let mut titled: Vec<bool> = (0..segs.len())
        .map(|k| {
            segs[k].title
                || (cuts[k].is_some() && !weak[k])
                || markers[k].is_some_and(|m| {
                    let chars: Vec<char> = segs[k].text.chars().collect();
                    is_heading_text(&chars, &m)
                })
        })
        .collect();
    let top = |k: usize| {
        markers[k].is_some_and(|m| matches!(m.style, Style::Part | Style::Han | Style::Section))
    };
    let mut allowed: Vec<bool> = (0..segs.len())
        .map(|k| cuts[k].is_some() && top(k))
        .collect();
    // Sub-section titles need a titled sibling at most two numbers away;
    // a sibling allowed this way lends its support in turn.
    loop {
        let mut changed = false;
        for k in 0..segs.len() {
            if allowed[k] || cuts[k].is_none() {
                continue;
            }
            let reach = if weak[k] { 1 } else { 2 };
            let supported = [false, true].iter().any(|&fwd| {
                (1..=reach).any(|gap| {
                    next_in_sequence(&markers, k, fwd, gap).is_some_and(|j| titled[j] || allowed[j])
                })
            });
            if supported {
                allowed[k] = true;
                titled[k] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    replace_each(segs, |k, seg| match cuts[k] {
        Some(at) if allowed[k] => split_at(&seg.text, at),
        _ => vec![seg],
    });
}

/// Below the top level, a sentence that restates the title's first word
/// (`5、其他用户分享的信息…其他用户发布的…`, `1.5 搜索搜索功能可以…`) or
/// opens with an exception (`（二）与Cookie同类技术除Cookie外，…`).
fn opens_by_reference(text: &[char], p: usize) -> bool {
    let rest = &text[p..];
    // The whole title (`搜索`) or at least four characters of it.
    let need = p.min(4);
    let restates =
        rest.len() > need && rest[..need] == text[..need] && !text[..need].contains(&' ');
    let except = rest.first() == Some(&'除')
        && !matches!(
            text[p - 1],
            '删' | '排' | '清' | '解' | '剔' | '去' | '免' | '扣'
        )
        && rest
            .iter()
            .take(14)
            .position(|&c| c == '外')
            .is_some_and(|at| at >= 2 && matches!(rest.get(at + 1), Some('，' | ',')));
    restates || except
}

/// Whether a would-be title opens like a sentence (`如果…`, `您可以…`).
fn opens_sentence(title: &[char]) -> bool {
    cue_at(title, false)
        || matches!(
            title.first(),
            Some('您' | '你' | '为' | '如' | '若' | '在' | '当' | '对' | '将' | '由')
        )
}

/// Where a numbered line's title would end if a sentence cue follows it.
fn cue_split(seg: &Seg) -> Option<usize> {
    let (chars, m) = fused_candidate(seg)?;
    let top = matches!(m.style, Style::Part | Style::Han | Style::Section);
    let from = m.len + chars[m.len..].iter().take_while(|c| **c == ' ').count();
    let text = &chars[from..];
    let limit = if top { 16 } else { TITLE_MAX - m.len };
    for p in 2..=limit.min(text.len().saturating_sub(1)) {
        let prev = text[p - 1];
        if SENTENCE_PUNCT.contains(&prev) {
            return None;
        }
        if prev == ' ' {
            // `（一）Cookie 为使您…`: a title, a lost line break, a sentence.
            let cue = cue_at(&text[p..], top);
            return (cue && p >= 3 && text[p - 2] != ' ').then_some(from + p);
        }
        let opens = cue_at(&text[p..], top) || (!top && opens_by_reference(text, p));
        if opens && title_may_end(&text[..p]) {
            return Some(from + p);
        }
    }
    None
}

/// Whether a sentence opening starts `s`. Below the top level, also the
/// openings too common inside a title to be trusted at the top
/// (`您有权`, `在以下`, `为帮助`).
fn cue_at(s: &[char], top: bool) -> bool {
    let cues = SENTENCE_CUES
        .iter()
        .chain(if top { &[][..] } else { DEEP_CUES });
    // `我们的…` is a possessive inside a title, not a sentence opening.
    cues.into_iter().any(|cue| {
        let possessive = s.get(cue.chars().count()) == Some(&'的') && (top || *cue == "我们");
        starts_with(s, cue) && !possessive
    })
}

/// A title ends with a noun or a verb's object, not a particle (`随着`),
/// nor `联系` before its `我们` (`五、联系我们如您…`).
fn title_may_end(title: &[char]) -> bool {
    let last = title[title.len() - 1];
    (!TITLE_CANNOT_END.contains(&last)
        || title.ends_with(&['目', '的'])
        || title.ends_with(&['参', '与']))
        && !title.ends_with(&['联', '系'])
}
