//! Importer: raw legal text, as legal sends it, → the project's policy Markdown.
//!
//! Chinese policies number their structure (`第一部分`, `一、`, `（一）`, `1.`,
//! `1.1`, `(1)`, `①`, `a.`, `G1.`); the importer turns that numbering into the
//! heading and list hierarchy, takes the title and the preamble dates out for
//! the front matter, and escapes everything else so it renders literally.
//!
//! Nothing is dropped or reordered: apart from the title and date lines, the
//! Markdown holds every non-space character of the source in order, with
//! numbering kept verbatim inside headings and list items. The stages are a
//! segmenter (source → one segment per logical line, recovering line breaks a
//! web copy lost), a classifier (numbering, titles, table of contents, field
//! records), a block builder and an emitter. Hand-written scanning over chars
//! keeps it small enough for the browser.

use std::collections::HashMap;

use crate::policy::MAX_POLICY_BYTES;
use crate::wire::Date;
use crate::Error;

/// What the caller knows about the text being imported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// The app's display name (e.g. `V聊`), prefixed to a title that lacks it.
    pub app_name: Option<String>,
}

/// The result of an import: front matter fields and the Markdown body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The policy title (e.g. `闪聊隐私政策`), prefixed with the app name when it lacks it.
    pub title: String,
    /// 更新日期 / 最近更新日期 / 更新时间.
    pub updated: Option<Date>,
    /// 生效日期 / 版本生效日期.
    pub effective: Option<Date>,
    /// 制定日期.
    pub drafted: Option<Date>,
    /// The CommonMark body, without front matter and without the title and date lines.
    pub markdown: String,
}

impl Imported {
    /// The complete policy file: `+++` TOML front matter (`version`, `title`,
    /// `status = "draft"`, `published` = the update date (else the drafting
    /// date), `effective`, `material = false`) followed by the Markdown.
    /// `version` must be a valid version name for the file to parse.
    pub fn to_policy_file(&self, version: &str) -> String {
        let mut out = String::with_capacity(self.markdown.len() + 200);
        out.push_str("+++\n");
        out.push_str(&format!("version = {}\n", toml_string(version)));
        out.push_str(&format!("title = {}\n", toml_string(&self.title)));
        out.push_str("status = \"draft\"\n");
        if let Some(d) = self.updated.or(self.drafted) {
            out.push_str(&format!("published = {d}\n"));
        }
        if let Some(d) = self.effective {
            out.push_str(&format!("effective = {d}\n"));
        }
        out.push_str("material = false\n+++\n");
        out.push_str(&self.markdown);
        out
    }
}

/// Imports raw policy text (UTF-8, BOM allowed) into policy Markdown.
///
/// Errors: [`Error::TooLarge`] above [`MAX_POLICY_BYTES`] (input, or the
/// Markdown it would become), [`Error::NotText`] for binary data,
/// [`Error::NotUtf8`] with the offset of the first bad byte, [`Error::Empty`]
/// when there is nothing but whitespace.
pub fn import(raw: &[u8], opts: &ImportOptions) -> Result<Imported, Error> {
    let text = normalise_spaces(decode(raw)?);
    let web = is_web_copy(&text);
    let mut segs = segment(&text, web);
    let front = take_front(&mut segs);
    let lines = classify(segs);
    let markdown = emit(&build_blocks(&lines));
    if markdown.len() > MAX_POLICY_BYTES {
        return Err(Error::TooLarge {
            size: markdown.len(),
            limit: MAX_POLICY_BYTES,
        });
    }
    Ok(Imported {
        title: full_title(front.title, opts.app_name.as_deref()),
        updated: front.updated,
        effective: front.effective,
        drafted: front.drafted,
        markdown,
    })
}

// ---------------------------------------------------------------------------
// Decoding

fn decode(raw: &[u8]) -> Result<&str, Error> {
    if raw.len() > MAX_POLICY_BYTES {
        return Err(Error::TooLarge {
            size: raw.len(),
            limit: MAX_POLICY_BYTES,
        });
    }
    if raw.contains(&0) {
        return Err(Error::NotText);
    }
    let text = std::str::from_utf8(raw).map_err(|e| Error::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (mut total, mut control) = (0usize, 0usize);
    for c in text.chars() {
        total += 1;
        if c.is_control() && !c.is_whitespace() {
            control += 1;
        }
    }
    if control * 10 > total {
        return Err(Error::NotText);
    }
    if text.trim().is_empty() {
        return Err(Error::Empty);
    }
    Ok(text)
}

/// `\n` line ends; every other whitespace character (NBSP, U+3000, tabs…) becomes a space.
fn normalise_spaces(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    text.chars()
        .map(|c| match c {
            '\n' | '\r' => '\n',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect()
}

/// Text copied from a web page may have lost its line breaks.
fn is_web_copy(text: &str) -> bool {
    let lines = text.lines().filter(|l| !l.trim().is_empty()).count().max(1);
    let chars = text.chars().filter(|c| !c.is_whitespace()).count();
    chars >= 400 && chars / lines > WEB_COPY_LINE_CHARS
}

// ---------------------------------------------------------------------------
// Numbering markers

/// Longest segment (characters, numbering included) still read as a title.
const TITLE_MAX: usize = 30;
/// Average characters per line above which line breaks are taken as lost.
const WEB_COPY_LINE_CHARS: usize = 200;
/// How many leading segments may hold the title and dates.
const PREAMBLE_MAX: usize = 12;
/// Punctuation that makes a line a sentence rather than a title.
const SENTENCE_PUNCT: &[char] = &['。', '；', ';', '：', ':', '！', '!', '？', '?', '，', ','];
/// Punctuation after which a numbering marker plausibly starts a new line.
const STRONG_PUNCT: &[char] = &['。', '；', ';', '：', ':', '！', '!', '？', '?'];
const TITLE_WORDS: &[&str] = &[
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
const SENTENCE_CUES: &[&str] = &[
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
const DEEP_CUES: &[&str] = &[
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
const TITLE_CANNOT_END: &[char] = &[
    '着', '在', '对', '与', '向', '为', '由', '经', '从', '被', '将', '把', '让', '使', '给', '和',
    '及', '或', '的', '是', '会', '要', '需', '可', '能', '于', '时', '后', '前', '即', '若', '如',
    '、', '“', '《', '（', '(',
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Style {
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
    fn rank(self) -> Option<u8> {
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
    fn titles_sections(self) -> bool {
        matches!(
            self,
            Style::Part | Style::Han | Style::ParenHan | Style::Section
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Marker {
    style: Style,
    ordinal: u32,
    /// Length in chars.
    len: usize,
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
fn parse_marker(s: &[char]) -> Option<Marker> {
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
fn left_ok(style: Style, prev: char) -> bool {
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

fn has_sentence_punct(s: &[char]) -> bool {
    s.iter().any(|c| SENTENCE_PUNCT.contains(c))
}

/// A heading-worthy line: numbering, then a short title without sentence punctuation.
fn is_heading_text(chars: &[char], m: &Marker) -> bool {
    m.style.rank().is_some()
        && chars.len() <= TITLE_MAX
        && chars[m.len..].iter().any(|c| !c.is_whitespace())
        && !has_sentence_punct(chars)
}

/// `【安全可靠】` at the start of `s`: its length in chars.
fn principle_label_len(s: &[char]) -> Option<usize> {
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

fn starts_with(s: &[char], word: &str) -> bool {
    word.chars().enumerate().all(|(k, w)| s.get(k) == Some(&w))
}

fn collapse(chars: &[char]) -> String {
    let s: String = chars.iter().collect();
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------
// Segmenting: one segment per logical line

#[derive(Debug, Clone)]
struct Seg {
    text: String,
    /// Split off as a title by a rule that saw more than the segment itself.
    title: bool,
}

impl Seg {
    fn new(text: String) -> Self {
        Seg { text, title: false }
    }
}

fn segment(text: &str, web: bool) -> Vec<Seg> {
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

fn marker_of(text: &str) -> Option<Marker> {
    let head: Vec<char> = text.chars().take(24).collect();
    parse_marker(&head)
}

/// Where the preamble (title, dates) ends: at the first section-style numbering.
fn preamble_end(segs: &[Seg]) -> usize {
    segs.iter()
        .take(PREAMBLE_MAX)
        .position(|s| marker_of(&s.text).is_some_and(|m| m.style.rank().is_some()))
        .unwrap_or(segs.len().min(PREAMBLE_MAX))
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
fn sibling(markers: &[Option<Marker>], k: usize, forward: bool) -> Option<usize> {
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

/// A title ends with a noun or a verb's object, not a particle (`随着`).
fn title_may_end(title: &[char]) -> bool {
    let last = title[title.len() - 1];
    !TITLE_CANNOT_END.contains(&last)
        || title.ends_with(&['目', '的'])
        || title.ends_with(&['参', '与'])
}

// ---------------------------------------------------------------------------
// Title and dates

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateField {
    Updated,
    Effective,
    Drafted,
}

const DATE_LABELS: &[(&str, DateField)] = &[
    ("版本生效日期", DateField::Effective),
    ("最近更新日期", DateField::Updated),
    ("最近更新时间", DateField::Updated),
    ("更新日期", DateField::Updated),
    ("更新时间", DateField::Updated),
    ("生效日期", DateField::Effective),
    ("生效时间", DateField::Effective),
    ("制定日期", DateField::Drafted),
];

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

/// `更新日期：2020年10月01日` at the start of `s`: field, date and length in chars.
fn date_item(s: &[char]) -> Option<(DateField, Date, usize)> {
    let (label, field) = DATE_LABELS.iter().find(|(l, _)| starts_with(s, l))?;
    let mut k = skip_spaces(s, label.chars().count());
    if matches!(s.get(k), Some(':' | '：')) {
        k = skip_spaces(s, k + 1);
    }
    let (date, n) = parse_date(&s[k..])?;
    Some((*field, date, k + n))
}

/// A segment made of nothing but date items.
fn date_items(text: &str) -> Option<Vec<(DateField, Date)>> {
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
struct Front {
    title: Option<String>,
    updated: Option<Date>,
    effective: Option<Date>,
    drafted: Option<Date>,
}

impl Front {
    fn slot(&mut self, field: DateField) -> &mut Option<Date> {
        match field {
            DateField::Updated => &mut self.updated,
            DateField::Effective => &mut self.effective,
            DateField::Drafted => &mut self.drafted,
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

/// Removes the title lines (the last of the leading title phrases, and its
/// repeats) and the preamble date lines, returning what they said.
fn take_front(segs: &mut Vec<Seg>) -> Front {
    let mut front = Front::default();
    let leading = segs.iter().take_while(|s| is_title_phrase(&s.text)).count();
    if leading > 0 {
        front.title = Some(segs[leading - 1].text.clone());
    }
    let end = preamble_end(segs);
    let mut k = 0;
    segs.retain(|seg| {
        let at = k;
        k += 1;
        if at < leading && front.title.as_deref() == Some(seg.text.as_str()) {
            return false;
        }
        if at < end {
            if let Some(items) = date_items(&seg.text) {
                return !front.take_dates(&items);
            }
        }
        true
    });
    front
}

fn full_title(found: Option<String>, app: Option<&str>) -> String {
    let app = app.map(str::trim).filter(|a| !a.is_empty());
    let title = found.unwrap_or_else(|| "隐私政策".to_owned());
    match app {
        Some(app) if !title.contains(app) => format!("{app}{title}"),
        _ => title,
    }
}

// ---------------------------------------------------------------------------
// Classifying lines

#[derive(Debug)]
struct Field {
    label: String,
    sep: char,
    value: String,
}

#[derive(Debug)]
struct Line {
    text: String,
    marker: Option<Marker>,
    title: bool,
    field: Option<Field>,
}

fn classify(segs: Vec<Seg>) -> Vec<Line> {
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
            || matches!(
                c,
                '、' | '（' | '）' | '(' | ')' | '“' | '”' | '"' | '《' | '》' | '【' | '】' | '|'
            )
    });
    let url = ["http", "https", "mailto", "tel"].contains(&label.to_ascii_lowercase().as_str());
    let ok = (2..=16).contains(&label_chars) && plain && !url && !value.is_empty();
    ok.then(|| Field {
        label,
        sep: chars[colon],
        value,
    })
}

/// One SDK (or permission…) record: an optional name line and its field lines.
struct Record {
    name: Option<usize>,
    fields: Vec<usize>,
}

/// A run of at least two records; `columns` is set when it makes a table.
struct RecordRun {
    start: usize,
    end: usize,
    named: bool,
    records: Vec<Record>,
    columns: Option<Vec<String>>,
}

fn is_record_name(line: &Line) -> bool {
    let last = line.text.chars().last();
    line.field.is_none()
        && line.text.chars().count() <= 80
        && !line.text.contains('。')
        && !last.is_some_and(|c| SENTENCE_PUNCT.contains(&c))
        && principle_label_len(&line.text.chars().take(20).collect::<Vec<_>>()).is_none()
}

fn find_record_runs(lines: &[Line]) -> Vec<RecordRun> {
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
            let first = label(j);
            while j < n
                && lines[j].field.is_some()
                && (record.fields.is_empty() || named || label(j) != first)
            {
                record.fields.push(j);
                j += 1;
            }
            records.push(record);
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
        i = j.max(i + 1);
    }
    runs
}

/// The columns when every record lists its fields in one order, with `：`,
/// and every column is shared by at least half of the records.
fn table_columns(lines: &[Line], records: &[Record]) -> Option<Vec<String>> {
    let field = |k: usize| lines[k].field.as_ref();
    let mut columns: Vec<String> = Vec::new();
    for record in records {
        let mut pos = 0;
        for &k in &record.fields {
            let f = field(k)?;
            if f.sep != '：' {
                return None;
            }
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

/// Marks a numbered table of contents: consecutive short titles numbered
/// 1, 2, 3… of one style, at least half of which appear again later (both,
/// for a list of two).
fn find_toc(lines: &[Line]) -> Vec<bool> {
    let n = lines.len();
    let norm = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let mut last_seen: HashMap<String, usize> = HashMap::new();
    for (k, line) in lines.iter().enumerate() {
        last_seen.insert(norm(&line.text), k);
    }
    let mut toc = vec![false; n];
    let mut i = 0;
    while i < n {
        let Some(m) = lines[i].marker.filter(|m| lines[i].title && m.ordinal == 1) else {
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
                    .get(&norm(&lines[k].text))
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

// ---------------------------------------------------------------------------
// Blocks

#[derive(Debug, PartialEq, Eq)]
enum Block {
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
    let heading: Vec<bool> = (0..n)
        .map(|k| lines[k].title && !toc[k] && !record_name[k] && !entry(k))
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

fn build_blocks(lines: &[Line]) -> Vec<Block> {
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

// ---------------------------------------------------------------------------
// Emitting Markdown

fn emit(blocks: &[Block]) -> String {
    let mut out = String::new();
    let mut prev_item = false;
    for block in blocks {
        if !out.is_empty() {
            let item = matches!(block, Block::Item(_));
            out.push_str(if item && prev_item { "\n" } else { "\n\n" });
        }
        prev_item = matches!(block, Block::Item(_));
        match block {
            Block::Heading(level, text) => {
                out.push_str(&"#".repeat(usize::from(*level)));
                out.push(' ');
                push_inline(&mut out, text, false);
            }
            Block::Para { lead, text } => {
                if let Some(lead) = lead {
                    // The closing `**` must be followed by whitespace to close
                    // after CJK punctuation, hence the line break.
                    out.push_str("**");
                    push_inline(&mut out, lead, false);
                    out.push_str("**");
                    if !text.is_empty() {
                        out.push('\n');
                    }
                }
                push_inline(&mut out, text, true);
            }
            Block::Item(text) => {
                out.push_str("- ");
                push_inline(&mut out, text, true);
            }
            Block::Table { header, rows } => {
                push_row(&mut out, header);
                out.push('\n');
                out.push('|');
                out.push_str(&" --- |".repeat(header.len()));
                for row in rows {
                    out.push('\n');
                    push_row(&mut out, row);
                }
            }
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

fn push_row(out: &mut String, cells: &[String]) {
    out.push('|');
    for cell in cells {
        out.push(' ');
        push_inline(out, cell, false);
        out.push_str(" |");
    }
}

fn needs_escape(c: char) -> bool {
    matches!(
        c,
        '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#'
    )
}

/// Where a line start needs an extra escape: `-`, `+`, `=` (lists, setext
/// underlines) and the `.` or `)` of `1. ` / `1) ` (an ordered list, which
/// needs the space: `1.我们` is already literal).
fn line_start_escape(chars: &[char]) -> Option<usize> {
    match chars.first()? {
        '-' | '+' | '=' => Some(0),
        _ => {
            let digits = chars
                .iter()
                .take(10)
                .take_while(|c| c.is_ascii_digit())
                .count();
            let list = (1..=9).contains(&digits)
                && matches!(chars.get(digits), Some('.' | ')'))
                && chars.get(digits + 1).is_none_or(|c| c.is_whitespace());
            list.then_some(digits)
        }
    }
}

/// Appends text escaped to render literally, with URLs and e-mail addresses as links.
fn push_inline(out: &mut String, text: &str, line_start: bool) {
    let chars: Vec<char> = text.chars().collect();
    let extra = if line_start {
        line_start_escape(&chars)
    } else {
        None
    };
    let mut i = 0;
    while i < chars.len() {
        let prev = i.checked_sub(1).map(|p| chars[p]);
        if let Some((len, kind)) = link_at(&chars, i, prev) {
            let link: String = chars[i..i + len].iter().collect();
            match kind {
                LinkKind::Auto => {
                    out.push('<');
                    out.push_str(&link);
                    out.push('>');
                }
                LinkKind::Www => {
                    out.push('[');
                    push_escaped(out, &link);
                    out.push_str("](<https://");
                    out.push_str(&link);
                    out.push_str(">)");
                }
            }
            i += len;
            continue;
        }
        let c = chars[i];
        if needs_escape(c) || extra == Some(i) {
            out.push('\\');
        }
        out.push(c);
        i += 1;
    }
}

fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        if needs_escape(c) {
            out.push('\\');
        }
        out.push(c);
    }
}

#[derive(Clone, Copy)]
enum LinkKind {
    /// `<https://…>` or `<a@b.com>`.
    Auto,
    /// `www.…`, linked with an added scheme.
    Www,
}

fn is_url_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}

fn starts_with_ci(s: &[char], word: &str) -> bool {
    word.chars()
        .enumerate()
        .all(|(k, w)| s.get(k).is_some_and(|c| c.eq_ignore_ascii_case(&w)))
}

/// A URL or e-mail address starting at `i`: its length and how to link it.
fn link_at(chars: &[char], i: usize, prev: Option<char>) -> Option<(usize, LinkKind)> {
    let glued = prev.is_some_and(|p| {
        p.is_ascii_alphanumeric() || matches!(p, '.' | '/' | '@' | '-' | '_' | '+' | '%')
    });
    if glued || !chars[i].is_ascii_alphanumeric() {
        return None;
    }
    let s = &chars[i..];
    let scheme = ["https://", "http://"]
        .iter()
        .find(|w| starts_with_ci(s, w))
        .map(|w| w.len());
    if let Some(scheme) = scheme {
        let len = url_len(s);
        let host_ok = s.get(scheme).is_some_and(|c| c.is_ascii_alphanumeric());
        return (len > scheme && host_ok).then_some((len, LinkKind::Auto));
    }
    if starts_with_ci(s, "www.") {
        let len = url_len(s);
        let host: String = s[..len]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
            .collect();
        let labels: Vec<&str> = host.split('.').collect();
        let ok = labels.len() >= 3
            && labels.iter().all(|l| !l.is_empty())
            && labels
                .last()
                .is_some_and(|l| l.len() >= 2 && l.chars().all(|c| c.is_ascii_alphabetic()));
        return ok.then_some((len, LinkKind::Www));
    }
    email_len(s).map(|len| (len, LinkKind::Auto))
}

/// URL characters from the start of `s`, without trailing punctuation or
/// an unbalanced closing bracket.
fn url_len(s: &[char]) -> usize {
    let mut len = s.iter().take_while(|c| is_url_char(**c)).count();
    let count = |c: char| s[..len].iter().filter(|&&x| x == c).count();
    let (mut parens, mut brackets) = (
        count('(') as isize - count(')') as isize,
        count('[') as isize - count(']') as isize,
    );
    while len > 0 {
        let trim = match s[len - 1] {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' => true,
            ')' if parens < 0 => {
                parens += 1;
                true
            }
            ']' if brackets < 0 => {
                brackets += 1;
                true
            }
            _ => false,
        };
        if !trim {
            break;
        }
        len -= 1;
    }
    len
}

/// An e-mail address at the start of `s` that CommonMark accepts as an autolink.
fn email_len(s: &[char]) -> Option<usize> {
    let local = s
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-'))
        .count();
    if local == 0 || s[0] == '.' || s[local - 1] == '.' || s.get(local) != Some(&'@') {
        return None;
    }
    let domain = &s[local + 1..];
    let mut len = domain
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        .count();
    while len > 0 && matches!(domain[len - 1], '.' | '-') {
        len -= 1;
    }
    let host: String = domain[..len].iter().collect();
    let labels: Vec<&str> = host.split('.').collect();
    let ok = labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-'))
        && labels
            .last()
            .is_some_and(|l| l.len() >= 2 && l.chars().all(|c| c.is_ascii_alphabetic()));
    ok.then_some(local + 1 + len)
}

fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(text: &str) -> String {
        import(text.as_bytes(), &ImportOptions::default())
            .unwrap()
            .markdown
    }

    #[test]
    fn han_numbers_are_sections() {
        assert_eq!(
            md("一、我们收集的信息\n我们收集您的信息。\n十三、变更\n正文。"),
            "## 一、我们收集的信息\n\n我们收集您的信息。\n\n## 十三、变更\n\n正文。\n"
        );
    }

    #[test]
    fn parenthesised_han_numbers_are_subsections_in_either_width() {
        assert_eq!(
            md("一、信息\n（一）账号信息\n正文。\n(二)设备信息\n正文。"),
            "## 一、信息\n\n### （一）账号信息\n\n正文。\n\n### (二)设备信息\n\n正文。\n"
        );
    }

    #[test]
    fn parts_and_chapters_are_top_level() {
        assert_eq!(
            md("第一部分 定义\n术语。\n第二部分 隐私政策\n一、我们收集的信息\n正文。"),
            "## 第一部分 定义\n\n术语。\n\n## 第二部分 隐私政策\n\n### 一、我们收集的信息\n\n正文。\n"
        );
        assert_eq!(
            md("第一章 总则\n（一）适用范围\n正文。"),
            "## 第一章 总则\n\n### （一）适用范围\n\n正文。\n"
        );
    }

    #[test]
    fn arabic_numbers_are_titles_when_short_and_paragraphs_otherwise() {
        assert_eq!(
            md("一、信息\n1.账号信息\n正文。\n2、设备信息\n正文。\n3．日志信息\n正文。\n4.我们会收集您的手机号码，用于登录。"),
            "## 一、信息\n\n### 1.账号信息\n\n正文。\n\n### 2、设备信息\n\n正文。\n\n### 3．日志信息\n\n正文。\n\n4.我们会收集您的手机号码，用于登录。\n"
        );
        // Among sentence siblings, a short line without text of its own is an entry, not a title.
        assert_eq!(
            md("四、变更\n1、我们的服务模式发生重大变化;\n2、所有权结构发生变化;\n3、您参与个人信息处理的权利"),
            "## 四、变更\n\n1、我们的服务模式发生重大变化;\n\n2、所有权结构发生变化;\n\n3、您参与个人信息处理的权利\n"
        );
    }

    #[test]
    fn dotted_numbers_go_one_level_deeper_per_dot() {
        assert_eq!(
            md("1.收集信息\n1.1 注册\n1.1.1注册、登录\n正文。\n1.2 这是一个很长的句子，不是标题。"),
            "## 1.收集信息\n\n### 1.1 注册\n\n#### 1.1.1注册、登录\n\n正文。\n\n1.2 这是一个很长的句子，不是标题。\n"
        );
    }

    #[test]
    fn headings_stop_at_level_six() {
        let out = md("一、甲\n（一）乙\n1.丙\n1.1 丁\n1.1.1 戊\n1.1.1.1 己\n正文。");
        let levels: Vec<usize> = out
            .lines()
            .filter(|l| l.starts_with('#'))
            .map(|l| l.chars().take_while(|&c| c == '#').count())
            .collect();
        assert_eq!(levels, [2, 3, 4, 5, 6, 6]);
    }

    #[test]
    fn parenthesised_and_circled_numbers_are_list_items() {
        assert_eq!(
            md("(1)第一项；\n（2）第二项；\n3)第三项；\n①第四项；\n⑴第五项"),
            "- (1)第一项；\n- （2）第二项；\n- 3)第三项；\n- ①第四项；\n- ⑴第五项\n"
        );
    }

    #[test]
    fn letters_and_roman_numbers_are_list_items() {
        assert_eq!(
            md("a.第一项\nb、第二项\nii.第三项\ni.第四项\ne.g.不是编号"),
            "- a.第一项\n- b、第二项\n- ii.第三项\n- i.第四项\n\ne.g.不是编号\n"
        );
    }

    #[test]
    fn g_sections_are_top_level() {
        assert_eq!(
            md("G1. 个人信息的梯度授权\na.我们会遵循隐私政策。\nG2. 适用范围\n本隐私政策适用于闪聊。\n1.我们如何收集信息\n1.1 注册\n正文。"),
            "## G1. 个人信息的梯度授权\n\n- a.我们会遵循隐私政策。\n\n## G2. 适用范围\n\n本隐私政策适用于闪聊。\n\n## 1.我们如何收集信息\n\n### 1.1 注册\n\n正文。\n"
        );
    }

    #[test]
    fn principle_labels_lead_their_paragraph_in_bold() {
        assert_eq!(
            md("【安全可靠】\n我们竭尽全力保护您的信息。\n【自主选择】我们提供选项。\n在【我的】-【设置】中关闭。\n【我的】-【设置】"),
            "**【安全可靠】**\n我们竭尽全力保护您的信息。\n\n**【自主选择】**\n我们提供选项。\n\n在【我的】-【设置】中关闭。\n\n【我的】-【设置】\n"
        );
    }

    #[test]
    fn a_numbered_table_of_contents_stays_a_list() {
        assert_eq!(
            md("本政策主要向您说明：\n一、我们收集的信息\n二、我们如何使用信息\n三、联系我们\n一、我们收集的信息\n正文。\n二、我们如何使用信息\n正文。\n三、联系我们\n正文。"),
            "本政策主要向您说明：\n\n- 一、我们收集的信息\n- 二、我们如何使用信息\n- 三、联系我们\n\n## 一、我们收集的信息\n\n正文。\n\n## 二、我们如何使用信息\n\n正文。\n\n## 三、联系我们\n\n正文。\n"
        );
    }

    #[test]
    fn title_and_preamble_dates_go_to_the_front_matter() {
        let text = "闪聊隐私政策\n更新日期：2020年1月16日\n生效日期2021-11-30\n制定日期: 2018年06月20号\n概述";
        let imported = import(text.as_bytes(), &ImportOptions::default()).unwrap();
        assert_eq!(imported.title, "闪聊隐私政策");
        assert_eq!(imported.updated, Date::new(2020, 1, 16).ok());
        assert_eq!(imported.effective, Date::new(2021, 11, 30).ok());
        assert_eq!(imported.drafted, Date::new(2018, 6, 20).ok());
        assert_eq!(imported.markdown, "概述\n");

        let opts = ImportOptions {
            app_name: Some("V聊".into()),
        };
        let text = "隐私政策\n\n隐私政策\n公司名称：某公司\n最近更新日期：2022年04月24号\n版本生效日期：2021-10-30\n正文提到更新日期：2019年1月1日。";
        let imported = import(text.as_bytes(), &opts).unwrap();
        assert_eq!(imported.title, "V聊隐私政策");
        assert_eq!(imported.updated, Date::new(2022, 4, 24).ok());
        assert_eq!(imported.effective, Date::new(2021, 10, 30).ok());
        assert_eq!(
            imported.markdown,
            "公司名称：某公司\n\n正文提到更新日期：2019年1月1日。\n"
        );
        // No title in the text: the app's name makes one.
        let imported = import("正文。".as_bytes(), &opts).unwrap();
        assert_eq!(imported.title, "V聊隐私政策");
        // An impossible date is not a date.
        assert_eq!(
            md("更新日期：2021年02月30日\n正文。"),
            "更新日期：2021年02月30日\n\n正文。\n"
        );
    }

    #[test]
    fn repeated_sdk_fields_make_a_table() {
        let text = "SDK名称：极光推送\n第三方公司名称：极光公司\n收集个人信息类型：设备信息\n使用目的：推送消息\n隐私政策链接：https://www.jiguang.cn/license/privacy\nSDK名称：友盟\n第三方公司名称：友盟同欣（北京）科技有限公司\n收集个人信息类型：设备信息|IMEI\n使用目的：统计\n隐私政策链接：https://www.umeng.com/page/policy";
        assert_eq!(
            md(text),
            "| SDK名称 | 第三方公司名称 | 收集个人信息类型 | 使用目的 | 隐私政策链接 |\n\
             | --- | --- | --- | --- | --- |\n\
             | 极光推送 | 极光公司 | 设备信息 | 推送消息 | <https://www.jiguang.cn/license/privacy> |\n\
             | 友盟 | 友盟同欣（北京）科技有限公司 | 设备信息\\|IMEI | 统计 | <https://www.umeng.com/page/policy> |\n"
        );
        // A field missing from one record of three leaves its cell empty.
        let named = "1、极光推送\n使用目的：推送\n隐私政策链接：https://a.cn/p\n2、友盟\n使用目的：统计\n3、Bugly\n使用目的：崩溃\n隐私政策链接：https://b.cn/p";
        assert_eq!(
            md(named),
            "|  | 使用目的 | 隐私政策链接 |\n| --- | --- | --- |\n| 1、极光推送 | 推送 | <https://a.cn/p> |\n| 2、友盟 | 统计 |  |\n| 3、Bugly | 崩溃 | <https://b.cn/p> |\n"
        );
        // Labels that differ from record to record: no clear structure, paragraphs.
        let loose = "1、极光推送\n使用目的：推送\n极光协议链接：https://a.cn/p\n2、友盟\n使用目的：统计\n友盟协议链接：https://b.cn/p";
        assert_eq!(
            md(loose),
            "1、极光推送\n\n使用目的：推送\n\n极光协议链接：<https://a.cn/p>\n\n2、友盟\n\n使用目的：统计\n\n友盟协议链接：<https://b.cn/p>\n"
        );
    }

    #[test]
    fn urls_and_email_addresses_become_links() {
        assert_eq!(
            md("详见https://example.com/a_b?x=1&y=(2)。邮箱：privacy@example.com，网址www.example.com.cn。"),
            "详见<https://example.com/a_b?x=1&y=(2)>。邮箱：<privacy@example.com>，网址[www.example.com.cn](<https://www.example.com.cn>)。\n"
        );
        assert_eq!(md("（见http://a.cn/x)。"), "（见<http://a.cn/x>)。\n");
    }

    #[test]
    fn markdown_characters_render_literally() {
        assert_eq!(
            md("使用*星号*和_下划线_、[链接](x)、<b>、`代码`、a|b、\\、#号、~~删除~~、&amp;"),
            "使用\\*星号\\*和\\_下划线\\_、\\[链接\\](x)、\\<b\\>、\\`代码\\`、a\\|b、\\\\、\\#号、\\~\\~删除\\~\\~、\\&amp;\n"
        );
        assert_eq!(
            md("- 不是列表\n+ 也不是\n===\n1. 这是一句话。\n# 不是标题"),
            "\\- 不是列表\n\n\\+ 也不是\n\n\\===\n\n1\\. 这是一句话。\n\n\\# 不是标题\n"
        );
        let text = "使用*星号*和_下划线_、[链接](x)、<b>、`代码`、a|b、#号、~~删除~~、&amp;\n- 列\n+ 加\n===\n1. 句。\n# 题\n---\n> 引";
        let html = crate::render::render(&md(text)).unwrap().html;
        for tag in [
            "<em",
            "<code",
            "<a ",
            "<h",
            "<ul",
            "<ol",
            "<del",
            "<hr",
            "<blockquote",
            "<b>",
        ] {
            assert!(!html.contains(tag), "{tag} in {html}");
        }
        assert!(html.contains("&amp;amp;"), "{html}");
    }

    #[test]
    fn a_title_ended_by_a_full_stop_is_split_from_its_text_among_title_siblings() {
        assert_eq!(
            md("一、我们如何收集您的信息。我们会收集以下信息：\n二、联系我们\n正文。"),
            "## 一、我们如何收集您的信息。\n\n我们会收集以下信息：\n\n## 二、联系我们\n\n正文。\n"
        );
        assert_eq!(
            md("一、信息安全\n（一）我们严格遵守法律法规。此外我们加密。\n（二）我们建立了管理制度，确保安全。"),
            "## 一、信息安全\n\n（一）我们严格遵守法律法规。此外我们加密。\n\n（二）我们建立了管理制度，确保安全。\n"
        );
    }

    #[test]
    fn lost_line_breaks_are_recovered_at_numbering() {
        let body = "我们根据合法、正当、必要的原则收集信息，包括1.5倍速播放记录和2020.10.01以后的日志。我们提供一、二、三级会员。";
        let text = format!(
            "隐私政策更新日期：2020年10月01日本政策主要向您说明：一、我们收集的信息二、联系我们一、我们收集的信息{body}（一）账号信息1.注册信息(1)手机号码；(2)密码。二、联系我们\u{a0}\u{a0}邮箱a@b.cn。{}",
            body.repeat(4)
        );
        let imported = import(text.as_bytes(), &ImportOptions::default()).unwrap();
        assert_eq!(imported.updated, Date::new(2020, 10, 1).ok());
        assert_eq!(imported.title, "隐私政策");
        let out = imported.markdown;
        assert!(out.starts_with("本政策主要向您说明：\n\n- 一、我们收集的信息\n- 二、联系我们\n\n## 一、我们收集的信息\n\n我们根据"), "{out}");
        assert!(
            out.contains("1.5倍速播放记录和2020.10.01以后的日志。我们提供一、二、三级会员。"),
            "{out}"
        );
        assert!(out.contains("### （一）账号信息\n\n#### 1.注册信息\n\n- (1)手机号码；\n- (2)密码。\n\n## 二、联系我们\n\n邮箱<a@b.cn>。"), "{out}");
    }

    #[test]
    fn the_policy_file_parses() {
        let text = "隐私政策\n更新日期：2020年10月01日\n生效日期：2020年10月02日\n一、我们收集的信息\n正文 \"引号\"。";
        let opts = ImportOptions {
            app_name: Some("V\"聊".into()),
        };
        let imported = import(text.as_bytes(), &opts).unwrap();
        let file = imported.to_policy_file("2020-10-01");
        assert!(file.starts_with("+++\nversion = \"2020-10-01\"\ntitle = \"V\\\"聊隐私政策\"\nstatus = \"draft\"\npublished = 2020-10-01\neffective = 2020-10-02\nmaterial = false\n+++\n## 一、我们收集的信息\n"), "{file}");
        let parsed = crate::policy::PolicyFile::parse(&file).unwrap();
        assert_eq!(parsed.meta.title, "V\"聊隐私政策");
        assert_eq!(parsed.markdown, imported.markdown);
    }

    #[test]
    fn errors_name_the_problem() {
        let none = ImportOptions::default();
        assert_eq!(import(b"  \n", &none), Err(Error::Empty));
        assert_eq!(import(b"a\0b", &none), Err(Error::NotText));
        assert_eq!(import(b"ok \xff", &none), Err(Error::NotUtf8 { offset: 3 }));
        assert_eq!(
            Error::NotUtf8 { offset: 3 }.to_string(),
            "input is not valid UTF-8: invalid byte sequence at byte offset 3"
        );
    }
}
