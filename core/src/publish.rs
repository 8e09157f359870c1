//! Publishing a draft (`privacy-center policy publish`): only the front
//! matter's `status`, `published` and `effective` lines change; every other
//! byte of the file stays as the team wrote it (line ends, BOM, comments,
//! the body), so the diff a reviewer sees is those three lines.

use crate::error::Line;
use crate::policy::PolicyFile;
use crate::wire::{Date, PolicyStatus};
use crate::Error;

/// The draft `text` as a published version with these dates. Refuses a file
/// that does not parse and a version that is already published.
pub fn publish(text: &str, published: Date, effective: Date) -> Result<String, Error> {
    let before = PolicyFile::parse(text)?;
    if before.meta.status == PolicyStatus::Published {
        return Err(Error::AlreadyPublished(before.meta.version));
    }
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    let is_fence = |l: &str| l.trim_start_matches('\u{feff}').trim_end() == "+++";
    let close = lines
        .iter()
        .skip(1)
        .position(|l| is_fence(l))
        .map(|i| i + 1)
        .filter(|_| lines.first().is_some_and(|l| is_fence(l)))
        .ok_or(Error::MissingFrontMatter(Line(1)))?;
    let status_at = (1..close)
        .find(|&i| key_of(lines[i]) == Some("status"))
        .ok_or_else(|| Error::FrontMatter {
            line: Line(0),
            message: "no `status` line to rewrite".into(),
        })?;
    let eol = if lines[status_at].ends_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let status = format!("status = \"published\"{eol}");
    let dates = [
        ("published", format!("published = {published}{eol}")),
        ("effective", format!("effective = {effective}{eol}")),
    ];
    lines[status_at] = &status;
    let mut insert_at = status_at + 1;
    for (key, line) in &dates {
        match (1..close).find(|&i| key_of(lines[i]) == Some(*key)) {
            Some(i) => lines[i] = line,
            None => {
                lines.insert(insert_at, line);
                insert_at += 1;
            }
        }
    }
    let out = lines.concat();
    let after = PolicyFile::parse(&out)?;
    // Only the front matter may have changed.
    debug_assert_eq!(after.markdown, before.markdown);
    debug_assert_eq!(after.meta.status, PolicyStatus::Published);
    Ok(out)
}

/// The TOML key a front-matter line sets (`key = …`), if any.
fn key_of(line: &str) -> Option<&str> {
    let line = line.trim_start();
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(line.len());
    let (key, rest) = line.split_at(end);
    (!key.is_empty() && rest.trim_start().starts_with('=')).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DRAFT: &str = "+++\nversion = \"2026-12-15\"\ntitle = \"V聊隐私政策\"\n# reviewed by legal\nstatus  =  \"draft\"\nmaterial = true\n+++\n\n## 一、收集\n\n正文  \n";

    fn day(s: &str) -> Date {
        Date::try_from(s).unwrap()
    }

    #[test]
    fn only_the_status_and_date_lines_change() {
        let out = publish(DRAFT, day("2026-12-10"), day("2026-12-15")).unwrap();
        assert_eq!(
            out,
            "+++\nversion = \"2026-12-15\"\ntitle = \"V聊隐私政策\"\n# reviewed by legal\nstatus = \"published\"\npublished = 2026-12-10\neffective = 2026-12-15\nmaterial = true\n+++\n\n## 一、收集\n\n正文  \n"
        );
        let meta = PolicyFile::parse(&out).unwrap().meta;
        assert_eq!(meta.status, PolicyStatus::Published);
        assert_eq!(meta.effective, Some(day("2026-12-15")));
    }

    #[test]
    fn existing_date_lines_are_replaced_in_place_and_line_ends_kept() {
        let draft = DRAFT
            .replace(
                "material = true\n",
                "effective = 2027-01-01\nmaterial = true\n",
            )
            .replace('\n', "\r\n");
        let draft = format!("\u{feff}{draft}");
        let out = publish(&draft, day("2026-12-10"), day("2026-12-15")).unwrap();
        assert!(out.starts_with('\u{feff}'));
        assert!(out.contains("status = \"published\"\r\npublished = 2026-12-10\r\n"));
        assert!(out.contains("effective = 2026-12-15\r\nmaterial = true\r\n"));
        assert!(!out.contains("2027-01-01"));
        assert!(out.ends_with("正文  \r\n"));
        assert_eq!(out.matches('\n').count(), draft.matches('\n').count() + 1);
    }

    #[test]
    fn a_published_version_is_refused() {
        let published = publish(DRAFT, day("2026-12-10"), day("2026-12-15")).unwrap();
        let err = publish(&published, day("2026-12-10"), day("2026-12-15")).unwrap_err();
        assert_eq!(err, Error::AlreadyPublished("2026-12-15".into()));
    }

    #[test]
    fn a_file_that_does_not_parse_is_refused() {
        let err = publish("no front matter\n", day("2026-12-10"), day("2026-12-15")).unwrap_err();
        assert!(matches!(err, Error::MissingFrontMatter(_)), "{err}");
    }
}
