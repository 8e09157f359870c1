//! The emitter: blocks → CommonMark, escaped so the text renders
//! literally, with URLs and e-mail addresses as links.

use super::blocks::Block;

pub(super) fn emit(blocks: &[Block]) -> String {
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
