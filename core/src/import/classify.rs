//! The classifier: numbering markers (`一、`, `（一）`, `1.1`, `①`…), the
//! title and preamble dates taken out for the front matter, and each
//! segment read as a line: numbered, a title, a field record (`使用目的：…`)
//! or part of a numbered table of contents.

use std::collections::HashMap;

use crate::wire::Date;

/// Longest segment (characters, numbering included) still read as a title.
pub(super) const TITLE_MAX: usize = 30;
/// How many leading segments may hold the title and dates.
pub(super) const PREAMBLE_MAX: usize = 12;
/// Punctuation that makes a line a sentence rather than a title.
pub(super) const SENTENCE_PUNCT: &[char] =
    &['。', '；', ';', '：', ':', '！', '!', '？', '?', '，', ','];
/// Punctuation after which a numbering marker plausibly starts a new line.
pub(super) const STRONG_PUNCT: &[char] = &['。', '；', ';', '：', ':', '！', '!', '？', '?'];
/// The words a policy title ends with (`V聊隐私政策`, `…个人信息保护政策`).
pub const TITLE_WORDS: &[&str] = &[
    "隐私政策",
    "隐私条款",
    "隐私协议",
    "隐私权政策",
    "隐私保护政策",
    "隐私保护指引",
    "隐私声明",
    "个人信息保护政策",
];
/// Words that start a sentence; used to find where a fused title ends.
pub(super) const SENTENCE_CUES: &[&str] = &[
    "本隐私政策",
    "本政策",
    "我们",
    "为了",
    "为使",
    "为保障",
    "为保证",
    "为帮助",
    "为向",
    "当您",
    "当你",
    "如果",
    "如您",
    "如你",
    "若您",
    "若你",
    "根据",
    "请您",
    "请你",
    "在您",
    "在你",
];

/// Sentence openings recognised below the top level only.
pub(super) const DEEP_CUES: &[&str] = &[
    "您有权",
    "你有权",
    "您可以",
    "你可以",
    "您可能",
    "你可能",
    "您使用",
    "你使用",
    "您在",
    "你在",
    "您主动",
    "你主动",
    "当我们",
    "如我们",
    "如上所述",
    "在以下",
    "请知悉",
    "请注意",
    "一般情况下",
    "每个",
];

/// Characters a title does not end with (particles, prepositions, verbs that
/// need an object): `随着我们…` is a sentence, not `随着` + `我们…`.
pub(super) const TITLE_CANNOT_END: &[char] = &[
    '着', '在', '对', '与', '向', '为', '由', '经', '从', '被', '将', '把', '让', '使', '给', '和',
    '及', '或', '的', '是', '会', '要', '需', '可', '能', '于', '时', '后', '前', '即', '若', '如',
    '、', '“', '《', '（', '(',
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Style {
    /// 第一部分, 第一章
    Part,
    /// 一、
    Han,
    /// （一）
    ParenHan,
    /// G1. (闪聊)
    Section,
    /// 1. 1、 1．
    Arabic,
    /// 1.1 (depth 1), 1.1.1 (depth 2), …
    Dotted(u8),
    /// (1) （1） ⑴
    ParenArabic,
    /// 1)
    ArabicParen,
    /// ①
    Circled,
    /// a. a、
    Letter,
    /// ii. iv.
    Roman,
}

impl Style {
    /// Nesting rank of the styles that can make headings; lower is outer.
    pub(super) fn rank(self) -> Option<u8> {
        match self {
            Style::Part => Some(0),
            Style::Han => Some(1),
            Style::ParenHan => Some(2),
            Style::Section | Style::Arabic => Some(3),
            Style::Dotted(d) => Some(3 + d),
            _ => None,
        }
    }

    /// Styles whose long lines may carry a short title before the first `。`.
    pub(super) fn titles_sections(self) -> bool {
        matches!(
            self,
            Style::Part | Style::Han | Style::ParenHan | Style::Section
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Marker {
    pub(super) style: Style,
    pub(super) ordinal: u32,
    /// Length in chars.
    pub(super) len: usize,
}

fn han_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn is_han_numeral(c: char) -> bool {
    c == '十' || han_digit(c).is_some()
}

/// A Chinese number of up to three characters (一 … 九十九) at the start of `s`.
fn han_number(s: &[char]) -> Option<(u32, usize)> {
    let n = s.iter().take(4).take_while(|&&c| is_han_numeral(c)).count();
    let value = match s.get(..n)? {
        ['十'] => 10,
        [a] => han_digit(*a)?,
        ['十', b] => 10 + han_digit(*b)?,
        [a, '十'] => han_digit(*a)? * 10,
        [a, '十', b] => han_digit(*a)? * 10 + han_digit(*b)?,
        _ => return None,
    };
    (value > 0).then_some((value, n))
}

/// ASCII digits at the start of `s`: between `min` and `max` of them, not followed by another.
fn ascii_number(s: &[char], min: usize, max: usize) -> Option<(u32, usize)> {
    let n = s
        .iter()
        .take(max + 1)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if n < min || n > max {
        return None;
    }
    let value = s[..n]
        .iter()
        .fold(0u32, |v, c| v * 10 + c.to_digit(10).unwrap_or(0));
    Some((value, n))
}

/// The numbering marker at the start of `s`, if any.
pub(super) fn parse_marker(s: &[char]) -> Option<Marker> {
    let first = *s.first()?;
    let marker = |style, ordinal, len| {
        Some(Marker {
            style,
            ordinal,
            len,
        })
    };
    match first {
        '第' => {
            let (ordinal, n) = han_number(&s[1..]).or_else(|| ascii_number(&s[1..], 1, 3))?;
            let rest = &s[1 + n..];
            let tail = if rest.starts_with(&['部', '分']) {
                2
            } else if rest.first() == Some(&'章') {
                1
            } else {
                return None;
            };
            marker(Style::Part, ordinal, 1 + n + tail)
        }
        '（' | '(' => {
            let (style, (ordinal, n)) = match han_number(&s[1..]) {
                Some(h) => (Style::ParenHan, h),
                None => (Style::ParenArabic, ascii_number(&s[1..], 1, 2)?),
            };
            if ordinal == 0 || !matches!(s.get(1 + n), Some('）' | ')')) {
                return None;
            }
            marker(style, ordinal, n + 2)
        }
        '①'..='⑳' => marker(Style::Circled, first as u32 - '①' as u32 + 1, 1),
        '⑴'..='⒇' => marker(Style::ParenArabic, first as u32 - '⑴' as u32 + 1, 1),
        'G' => {
            let (ordinal, n) = ascii_number(&s[1..], 1, 2)?;
            let dot = matches!(s.get(1 + n), Some('.' | '．'));
            let glued = s.get(2 + n).is_some_and(|c| c.is_ascii_digit());
            (dot && !glued).then_some(Marker {
                style: Style::Section,
                ordinal,
                len: n + 2,
            })
        }
        '0'..='9' => arabic_marker(s),
        'a'..='z' => letter_marker(s),
        c if is_han_numeral(c) => {
            let (ordinal, n) = han_number(s)?;
            if !matches!(s.get(n), Some('、' | '．')) {
                return None;
            }
            // 一、二、三 inside a sentence is an enumeration, not numbering.
            let after = &s[n + 1..];
            if han_number(after).is_some_and(|(_, k)| after.get(k) == Some(&'、')) {
                return None;
            }
            marker(Style::Han, ordinal, n + 1)
        }
        _ => None,
    }
}

fn is_dot(c: Option<&char>) -> bool {
    matches!(c, Some('.' | '．'))
}

fn is_digit(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_ascii_digit())
}

/// `1.` `1、` `1．` `1)` and the dotted `1.1`, `1.1.1`.
fn arabic_marker(s: &[char]) -> Option<Marker> {
    let (first, n) = ascii_number(s, 1, 2)?;
    if first == 0 {
        return None;
    }
    if is_dot(s.get(n)) && is_digit(s.get(n + 1)) {
        let (mut k, mut depth, mut last) = (n, 0u8, first);
        while is_dot(s.get(k)) && is_digit(s.get(k + 1)) {
            if depth == 4 {
                return None;
            }
            let (value, len) = ascii_number(&s[k + 1..], 1, 2)?;
            last = value;
            depth += 1;
            k += 1 + len;
        }
        if is_dot(s.get(k)) && !is_digit(s.get(k + 1)) {
            k += 1;
        }
        // 1.5G, 2.0x: a quantity, not numbering.
        if s.get(k).is_some_and(|c| c.is_ascii_alphanumeric()) || last == 0 {
            return None;
        }
        return Some(Marker {
            style: Style::Dotted(depth.min(3)),
            ordinal: last,
            len: k,
        });
    }
    let style = match s.get(n)? {
        '.' | '．' | '、' => Style::Arabic,
        ')' | '）' => Style::ArabicParen,
        _ => return None,
    };
    if matches!(s.get(n + 1), Some('0'..='9' | '.' | '．' | '、')) {
        return None;
    }
    Some(Marker {
        style,
        ordinal: first,
        len: n + 1,
    })
}

/// `a.` `a、` `b)` and lower-case Roman `ii.` `iv.`.
fn letter_marker(s: &[char]) -> Option<Marker> {
    let is_sep = |c: Option<&char>| matches!(c, Some('.' | '．' | '、' | ')' | '）'));
    let free = |c: Option<&char>| !c.is_some_and(|c| c.is_ascii_alphanumeric());
    let roman = s
        .iter()
        .take(5)
        .take_while(|c| matches!(c, 'i' | 'v' | 'x'))
        .count();
    if (2..=4).contains(&roman) && is_sep(s.get(roman)) && free(s.get(roman + 1)) {
        return Some(Marker {
            style: Style::Roman,
            ordinal: roman_value(&s[..roman]),
            len: roman + 1,
        });
    }
    (is_sep(s.get(1)) && free(s.get(2))).then(|| Marker {
        style: Style::Letter,
        ordinal: s[0] as u32 - 'a' as u32 + 1,
        len: 2,
    })
}

fn roman_value(s: &[char]) -> u32 {
    let value = |c: &char| match c {
        'i' => 1,
        'v' => 5,
        _ => 10,
    };
    let mut total = 0i64;
    for (k, c) in s.iter().enumerate() {
        let v = value(c);
        if s.get(k + 1).is_some_and(|n| value(n) > v) {
            total -= v;
        } else {
            total += v;
        }
    }
    total.max(0) as u32
}

/// Whether a marker may start right after `prev` (not glued to a word or number).
pub(super) fn left_ok(style: Style, prev: char) -> bool {
    match style {
        // 一、二、三 and 1、2、3 enumerate; 第一 is an ordinal.
        _ if prev == '、' => false,
        Style::Han => !is_han_numeral(prev) && prev != '第',
        Style::Part => true,
        _ => {
            !(prev.is_ascii_alphanumeric()
                || matches!(
                    prev,
                    '.' | '．' | '/' | '-' | '_' | '@' | '%' | '+' | '#' | '=' | '&' | '~' | '\\'
                ))
        }
    }
}

pub(super) fn has_sentence_punct(s: &[char]) -> bool {
    s.iter().any(|c| SENTENCE_PUNCT.contains(c))
}

/// A heading-worthy line: numbering, then a short title without sentence punctuation.
pub(super) fn is_heading_text(chars: &[char], m: &Marker) -> bool {
    m.style.rank().is_some()
        && chars.len() <= TITLE_MAX
        && chars[m.len..].iter().any(|c| !c.is_whitespace())
        && !has_sentence_punct(chars)
}

/// `【安全可靠】` at the start of `s`: its length in chars.
pub(super) fn principle_label_len(s: &[char]) -> Option<usize> {
    if s.first() != Some(&'【') {
        return None;
    }
    let close = s.iter().take(18).position(|&c| c == '】')?;
    let inner = &s[1..close];
    let ok = !inner.is_empty()
        && !inner.iter().any(|c| *c == '【' || c.is_whitespace())
        && !has_sentence_punct(inner)
        && !matches!(s.get(close + 1), Some('-' | '－' | '—' | '/' | '【'));
    ok.then_some(close + 1)
}

pub(super) fn starts_with(s: &[char], word: &str) -> bool {
    word.chars().enumerate().all(|(k, w)| s.get(k) == Some(&w))
}

pub(super) fn collapse(chars: &[char]) -> String {
    let s: String = chars.iter().collect();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------
// Title and dates

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DateField {
    Updated,
    Effective,
    Drafted,
    Published,
}

const DATE_LABELS: &[(&str, DateField)] = &[
    ("版本生效日期", DateField::Effective),
    ("版本更新日期", DateField::Updated),
    ("版本发布日期", DateField::Published),
    ("最近更新日期", DateField::Updated),
    ("最近更新时间", DateField::Updated),
    ("更新日期", DateField::Updated),
    ("更新时间", DateField::Updated),
    ("生效日期", DateField::Effective),
    ("生效时间", DateField::Effective),
    ("制定日期", DateField::Drafted),
    ("发布日期", DateField::Published),
    ("发布时间", DateField::Published),
];

/// Punctuation a date item may end with (`发布日期：2026年1月1日；`).
const DATE_END_PUNCT: &[char] = &['。', '；', ';', '，', ','];

fn skip_spaces(s: &[char], k: usize) -> usize {
    k + s.iter().skip(k).take_while(|c| c.is_whitespace()).count()
}

/// `2020年10月01日`, `2022年04月24号`, `2020年1月16日`, `2021-11-30` (also `/` and `.`).
fn parse_date(s: &[char]) -> Option<(Date, usize)> {
    let (year, mut k) = ascii_number(s, 4, 4)?;
    let (month, day);
    match s.get(skip_spaces(s, k))? {
        '年' => {
            k = skip_spaces(s, skip_spaces(s, k) + 1);
            let (m, n) = ascii_number(&s[k..], 1, 2)?;
            k = skip_spaces(s, k + n);
            if s.get(k) != Some(&'月') {
                return None;
            }
            k = skip_spaces(s, k + 1);
            let (d, n) = ascii_number(&s[k..], 1, 2)?;
            k = skip_spaces(s, k + n);
            if !matches!(s.get(k), Some('日' | '号')) {
                return None;
            }
            (month, day) = (m, d);
            k += 1;
        }
        &sep @ ('-' | '/' | '.') if s.get(k) == Some(&sep) => {
            let (m, n) = ascii_number(&s[k + 1..], 1, 2)?;
            k += 1 + n;
            if s.get(k) != Some(&sep) {
                return None;
            }
            let (d, n) = ascii_number(&s[k + 1..], 1, 2)?;
            (month, day) = (m, d);
            k += 1 + n;
        }
        _ => return None,
    }
    let date = Date::new(
        u16::try_from(year).ok()?,
        u8::try_from(month).ok()?,
        u8::try_from(day).ok()?,
    )
    .ok()?;
    Some((date, k))
}

/// `更新日期：2020年10月01日` at the start of `s`, perhaps ended by `。`, `；`
/// or `，`: field, date and length in chars.
pub(super) fn date_item(s: &[char]) -> Option<(DateField, Date, usize)> {
    let (label, field) = DATE_LABELS.iter().find(|(l, _)| starts_with(s, l))?;
    let mut k = skip_spaces(s, label.chars().count());
    if matches!(s.get(k), Some(':' | '：')) {
        k = skip_spaces(s, k + 1);
    }
    let (date, n) = parse_date(&s[k..])?;
    let mut end = k + n;
    if s.get(end).is_some_and(|c| DATE_END_PUNCT.contains(c)) {
        end += 1;
    }
    Some((*field, date, end))
}

/// A segment made of nothing but date items.
pub(super) fn date_items(text: &str) -> Option<Vec<(DateField, Date)>> {
    let chars: Vec<char> = text.chars().collect();
    let mut items = Vec::new();
    let mut k = skip_spaces(&chars, 0);
    while k < chars.len() {
        let (field, date, n) = date_item(&chars[k..])?;
        items.push((field, date));
        k = skip_spaces(&chars, k + n);
    }
    (!items.is_empty()).then_some(items)
}

fn is_title_phrase(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.len() <= TITLE_MAX
        && parse_marker(&chars).is_none()
        && !has_sentence_punct(&chars)
        && TITLE_WORDS.iter().any(|w| text.contains(w))
}

#[derive(Default)]
pub(super) struct Front {
    pub(super) title: Option<String>,
    pub(super) updated: Option<Date>,
    pub(super) effective: Option<Date>,
    pub(super) drafted: Option<Date>,
    pub(super) published: Option<Date>,
}

impl Front {
    fn slot(&mut self, field: DateField) -> &mut Option<Date> {
        match field {
            DateField::Updated => &mut self.updated,
            DateField::Effective => &mut self.effective,
            DateField::Drafted => &mut self.drafted,
            DateField::Published => &mut self.published,
        }
    }

    /// Takes the dates if none contradicts another or one already taken.
    fn take_dates(&mut self, items: &[(DateField, Date)]) -> bool {
        let fits = items.iter().all(|&(f, d)| {
            self.slot(f).is_none_or(|old| old == d) && items.iter().all(|&(g, e)| f != g || d == e)
        });
        if fits {
            for (f, d) in items {
                *self.slot(*f) = Some(*d);
            }
        }
        fits
    }
}

/// How many trailing segments may hold dates (`发布日期：…` in the last lines).
pub(super) const TAIL_MAX: usize = 6;

/// Removes the title lines (the last of the leading title phrases, and its
/// repeats) and the date lines of the preamble and of the last lines,
/// returning what they said. A bare title line (`隐私政策`) gives way to the
/// name the opening paragraphs give the text (`本《花间隐私政策》…`).
pub(super) fn take_front(segs: &mut Vec<Seg>) -> Front {
    let mut front = Front::default();
    let leading = segs.iter().take_while(|s| is_title_phrase(&s.text)).count();
    let title_line = (leading > 0).then(|| segs[leading - 1].text.clone());
    let end = preamble_end(segs);
    let generic = title_line
        .as_deref()
        .is_none_or(|t| TITLE_WORDS.contains(&t));
    front.title = segs[leading..end.max(leading)]
        .iter()
        .find_map(|s| quoted_title(&s.text))
        .filter(|_| generic)
        .or_else(|| title_line.as_deref().map(unquoted));
    let tail = segs.len().saturating_sub(TAIL_MAX).max(end);
    let mut k = 0;
    segs.retain(|seg| {
        let at = k;
        k += 1;
        if at < leading && title_line.as_deref() == Some(seg.text.as_str()) {
            return false;
        }
        if at < end || at >= tail {
            if let Some(items) = date_items(&seg.text) {
                return !front.take_dates(&items);
            }
        }
        true
    });
    front
}

/// A title line without the `《》` around it (`《花间隐私政策》`).
fn unquoted(line: &str) -> String {
    line.strip_prefix('《')
        .and_then(|t| t.strip_suffix('》'))
        .filter(|t| !t.contains(['《', '》']))
        .unwrap_or(line)
        .to_owned()
}

/// The first `《…隐私政策》` in `text` naming a particular policy (not the bare `《隐私政策》`).
fn quoted_title(text: &str) -> Option<String> {
    text.split('《').skip(1).find_map(|rest| {
        let inner = rest.split('》').next().filter(|_| rest.contains('》'))?;
        let chars: Vec<char> = inner.chars().collect();
        let ok = chars.len() <= TITLE_MAX
            && !has_sentence_punct(&chars)
            && !TITLE_WORDS.contains(&inner)
            && TITLE_WORDS.iter().any(|w| inner.ends_with(w));
        ok.then(|| collapse(&chars))
    })
}

pub(super) fn full_title(found: Option<String>, app: Option<&str>) -> String {
    let app = app.map(str::trim).filter(|a| !a.is_empty());
    let title = found.unwrap_or_else(|| "隐私政策".to_owned());
    // Only a bare title word is the app's to name: a title that already
    // names something ("微梦隐私政策" pasted under 微萌) is kept as the text
    // has it, rather than made into "微萌微梦隐私政策".
    let bare = TITLE_WORDS.iter().any(|w| title.trim().starts_with(w));
    match app {
        Some(app) if bare => format!("{app}{}", title.trim()),
        _ => title,
    }
}

// ---------------------------------------------------------------------------
// Classifying lines

#[derive(Debug)]
pub(super) struct Field {
    pub(super) label: String,
    pub(super) value: String,
}

#[derive(Debug)]
pub(super) struct Line {
    pub(super) text: String,
    pub(super) marker: Option<Marker>,
    pub(super) title: bool,
    pub(super) field: Option<Field>,
}

pub(super) fn classify(segs: Vec<Seg>) -> Vec<Line> {
    segs.into_iter()
        .map(|seg| {
            let chars: Vec<char> = seg.text.chars().collect();
            let marker = parse_marker(&chars);
            let title = marker.is_some_and(|m| {
                m.style.rank().is_some() && (seg.title || is_heading_text(&chars, &m))
            });
            let field = if marker.is_none() {
                field_of(&chars)
            } else {
                None
            };
            Line {
                text: seg.text,
                marker,
                title,
                field,
            }
        })
        .collect()
}

/// `使用目的：推送消息` — a short label, a colon, a value.
fn field_of(chars: &[char]) -> Option<Field> {
    let colon = chars
        .iter()
        .take(18)
        .position(|c| matches!(c, '：' | ':'))?;
    let label = collapse(&chars[..colon]);
    let value = collapse(&chars[colon + 1..]);
    let label_chars = label.chars().count();
    let plain = !label.chars().any(|c| {
        SENTENCE_PUNCT.contains(&c)
            || matches!(c, '、' | '“' | '”' | '"' | '《' | '》' | '【' | '】' | '|')
    }) && balanced_inner_brackets(&label);
    let url = ["http", "https", "mailto", "tel"].contains(&label.to_ascii_lowercase().as_str());
    let ok = (2..=16).contains(&label_chars) && plain && !url && !value.is_empty();
    ok.then_some(Field { label, value })
}

/// Brackets in a label (`SDK提供方（公司名称）`) only after its first
/// character, each closed before the next opens, none left open.
fn balanced_inner_brackets(label: &str) -> bool {
    let mut open = false;
    for (k, c) in label.chars().enumerate() {
        match c {
            '（' | '(' if k > 0 && !open => open = true,
            '）' | ')' if open => open = false,
            '（' | '(' | '）' | ')' => return false,
            _ => {}
        }
    }
    !open
}

/// One SDK (or permission…) record: an optional name line and its field lines.
pub(super) struct Record {
    pub(super) name: Option<usize>,
    pub(super) fields: Vec<usize>,
}

/// A run of at least two records; `columns` is set when it makes a table.
pub(super) struct RecordRun {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) named: bool,
    pub(super) records: Vec<Record>,
    pub(super) columns: Option<Vec<String>>,
}

fn is_record_name(line: &Line) -> bool {
    let last = line.text.chars().last();
    line.field.is_none()
        && line.text.chars().count() <= 80
        && !line.text.contains('。')
        && !last.is_some_and(|c| SENTENCE_PUNCT.contains(&c))
        && principle_label_len(&line.text.chars().take(20).collect::<Vec<_>>()).is_none()
}

pub(super) fn find_record_runs(lines: &[Line]) -> Vec<RecordRun> {
    let n = lines.len();
    let label = |k: usize| lines[k].field.as_ref().map(|f| f.label.as_str());
    let named_at =
        |k: usize| k + 1 < n && is_record_name(&lines[k]) && lines[k + 1].field.is_some();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < n {
        let named = named_at(i);
        if !named && lines[i].field.is_none() {
            i += 1;
            continue;
        }
        let mut records = Vec::new();
        let mut j = i;
        loop {
            let mut record = if named && named_at(j) {
                j += 1;
                Record {
                    name: Some(j - 1),
                    fields: Vec::new(),
                }
            } else if !named && j < n && lines[j].field.is_some() {
                Record {
                    name: None,
                    fields: Vec::new(),
                }
            } else {
                break;
            };
            // A record ends where its first label comes again; a named one
            // also where any of its labels does (the fields are not its own).
            let first = label(j);
            let mut repeated = false;
            while j < n && lines[j].field.is_some() {
                let again = record.fields.iter().any(|&f| label(f) == label(j));
                if !record.fields.is_empty() && (if named { again } else { label(j) == first }) {
                    repeated = named;
                    break;
                }
                record.fields.push(j);
                j += 1;
            }
            records.push(record);
            if repeated {
                break;
            }
        }
        let ok = records.len() >= 2 && (named || records.iter().all(|r| r.fields.len() >= 2));
        if ok {
            let columns = table_columns(lines, &records);
            runs.push(RecordRun {
                start: i,
                end: j,
                named,
                records,
                columns,
            });
        }
        // A line before unnamed records (`第三方SDK列表`) is no record name:
        // look again from the next line.
        i = if named && !ok { i + 1 } else { j.max(i + 1) };
    }
    runs
}

/// The columns when every record lists its fields in one order, and every
/// column is shared by at least half of the records.
fn table_columns(lines: &[Line], records: &[Record]) -> Option<Vec<String>> {
    let field = |k: usize| lines[k].field.as_ref();
    let mut columns: Vec<String> = Vec::new();
    for record in records {
        let mut pos = 0;
        for &k in &record.fields {
            let f = field(k)?;
            match columns.iter().position(|c| *c == f.label) {
                Some(at) if at < pos => return None,
                Some(at) => pos = at + 1,
                None => {
                    columns.insert(pos, f.label.clone());
                    pos += 1;
                }
            }
        }
    }
    let need = records.len().div_ceil(2).max(2);
    let shared = columns.iter().all(|c| {
        records
            .iter()
            .filter(|r| {
                r.fields
                    .iter()
                    .any(|&k| field(k).is_some_and(|f| f.label == *c))
            })
            .count()
            >= need
    });
    (shared && columns.len() <= 8).then_some(columns)
}

/// A contents entry without its page number and leader dots
/// (`一、我们收集的信息……3`, `1. 概述 ........ 2`).
fn without_page_number(text: &str) -> &str {
    let leader = |c: char| {
        c.is_whitespace() || matches!(c, '.' | '．' | '…' | '·' | '・' | '⋯' | '-' | '—' | '_')
    };
    let digits = text.trim_end_matches(|c: char| c.is_ascii_digit());
    let page = digits.len() < text.len() && text.len() - digits.len() <= 3;
    let stripped = if page && digits.ends_with(leader) {
        digits
    } else {
        text
    };
    let bare = stripped.trim_end_matches(leader);
    // Leader dots alone, without a page number, still end the entry.
    if bare.chars().count() < stripped.chars().count() || page {
        bare
    } else {
        text
    }
}

/// A contents entry or heading as compared with the other: without its
/// numbering, page number, spaces, and with full-width forms as ASCII.
fn loose(text: &str) -> String {
    let text = without_page_number(text);
    let chars: Vec<char> = text.chars().collect();
    let from = parse_marker(&chars).map_or(0, |m| m.len);
    chars[from..]
        .iter()
        .filter(|c| !c.is_whitespace())
        .map(|&c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// `目录` on a line of its own, as contents start.
fn is_contents_label(text: &str) -> bool {
    let bare: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '：' | ':' | '【' | '】'))
        .collect();
    matches!(
        bare.as_str(),
        "目录" | "目錄" | "本政策目录" | "本隐私政策目录"
    )
}

/// Whether a line reads as a contents entry: short, no sentence punctuation.
fn is_entry_like(text: &str) -> bool {
    let chars: Vec<char> = without_page_number(text).chars().collect();
    !chars.is_empty() && chars.len() <= TITLE_MAX && !has_sentence_punct(&chars)
}

/// The contents after a `目录` line: the entry-like lines that follow, up to
/// where the body starts again (an entry repeated, loosely, or the first
/// entry's numbering starting over).
fn labelled_toc(lines: &[Line], label: usize, toc: &mut [bool]) {
    let first = label + 1;
    let mut seen: Vec<String> = Vec::new();
    let mut last: HashMap<Style, u32> = HashMap::new();
    let mut end = first;
    while end < lines.len() && is_entry_like(&lines[end].text) {
        let key = loose(&lines[end].text);
        let restart = lines[end]
            .marker
            .is_some_and(|m| last.get(&m.style).is_some_and(|&o| m.ordinal <= o));
        if restart || (!key.is_empty() && seen.contains(&key)) {
            break;
        }
        if let Some(m) = lines[end].marker {
            last.insert(m.style, m.ordinal);
        }
        seen.push(key);
        end += 1;
    }
    if end - first >= 2 {
        toc[first..end].iter_mut().for_each(|t| *t = true);
    }
}

/// Marks a table of contents: the entries after a `目录` line, and
/// consecutive short titles numbered 1, 2, 3… of one style, at least half
/// of which appear again later, loosely (both, for a list of two).
pub(super) fn find_toc(lines: &[Line]) -> Vec<bool> {
    let n = lines.len();
    let mut last_seen: HashMap<String, usize> = HashMap::new();
    for (k, line) in lines.iter().enumerate() {
        last_seen.insert(loose(&line.text), k);
    }
    let mut toc = vec![false; n];
    if let Some(label) = lines.iter().position(|l| is_contents_label(&l.text)) {
        labelled_toc(lines, label, &mut toc);
    }
    let mut i = 0;
    while i < n {
        let Some(m) = lines[i]
            .marker
            .filter(|m| lines[i].title && m.ordinal == 1 && !toc[i])
        else {
            i += 1;
            continue;
        };
        let mut j = i + 1;
        while j < n
            && lines[j].title
            && lines[j]
                .marker
                .is_some_and(|mj| mj.style == m.style && mj.ordinal as usize == j - i + 1)
        {
            j += 1;
        }
        let repeated = (i..j)
            .filter(|&k| {
                last_seen
                    .get(&loose(&lines[k].text))
                    .is_some_and(|&at| at >= j)
            })
            .count();
        let len = j - i;
        if (len >= 3 && repeated * 2 >= len) || (len == 2 && repeated == 2) {
            toc[i..j].iter_mut().for_each(|t| *t = true);
        }
        i = j;
    }
    toc
}

/// One logical line of the source, as the segmenter cut it.
#[derive(Debug, Clone)]
pub(super) struct Seg {
    pub(super) text: String,
    /// Split off as a title by a rule that saw more than the segment itself.
    pub(super) title: bool,
}

impl Seg {
    pub(super) fn new(text: String) -> Self {
        Seg { text, title: false }
    }
}

pub(super) fn marker_of(text: &str) -> Option<Marker> {
    let head: Vec<char> = text.chars().take(24).collect();
    parse_marker(&head)
}

/// Where the preamble (title, dates) ends: at the first section-style numbering.
pub(super) fn preamble_end(segs: &[Seg]) -> usize {
    segs.iter()
        .take(PREAMBLE_MAX)
        .position(|s| marker_of(&s.text).is_some_and(|m| m.style.rank().is_some()))
        .unwrap_or(segs.len().min(PREAMBLE_MAX))
}
