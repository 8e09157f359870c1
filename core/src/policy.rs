//! Policy version files: `+++` TOML front matter followed by CommonMark, and
//! the content hash that identifies exactly what a user agreed to.

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::error::{line_at, Line};
use crate::wire::{Date, PolicyMeta, PolicyStatus};
use crate::Error;

/// Largest policy file accepted (1 MiB): real policies are well under 100 KB.
pub const MAX_POLICY_BYTES: usize = 1 << 20;

/// The version name reserved for "whatever is current" in URLs.
pub const CURRENT_ALIAS: &str = "current";

/// A parsed policy version file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFile {
    /// Front matter plus the content hash.
    pub meta: PolicyMeta,
    /// The CommonMark body after the front matter.
    pub markdown: String,
    /// Line of the file on which the body starts (for diagnostics).
    pub body_line: usize,
}

/// Front matter as written in the file; dates arrive as TOML dates.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFrontMatter {
    version: String,
    title: String,
    status: PolicyStatus,
    published: Option<toml::value::Datetime>,
    effective: Option<toml::value::Datetime>,
    #[serde(default)]
    material: bool,
    summary: Option<String>,
}

/// Normalises a policy file for hashing: no BOM, `\n` line ends, no trailing
/// whitespace at the end of the file, exactly one final newline. Editors that
/// only change these details do not change what the user agreed to.
pub fn normalise(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = text.replace("\r\n", "\n").replace('\r', "\n");
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

/// Whether `text` starts like a policy file (a `+++` line, after an
/// optional BOM and blank lines) rather than raw legal text for the importer.
pub fn has_front_matter(text: &str) -> bool {
    let text = text.trim_start_matches('\u{feff}').trim_start();
    text.strip_prefix("+++")
        .is_some_and(|rest| rest.starts_with('\n') || rest.starts_with("\r\n"))
}

/// SHA-256 of the normalised file, lower-case hex.
pub fn content_hash(text: &str) -> String {
    let digest = Sha256::digest(normalise(text).as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The longest app id or version name (and other ids in `app.toml`).
pub const MAX_ID_LEN: usize = 32;

/// Whether `value` can be an identifier used in URLs and file names (app
/// ids, versions): 1 to `max` of `a-z 0-9 - _ .`, not starting with `.`.
pub fn is_id(value: &str, max: usize) -> bool {
    !value.is_empty()
        && value.len() <= max
        && value.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
        })
        && !value.starts_with('.')
}

/// Checks an identifier used in URLs and file names (app ids, versions).
pub fn check_id(what: &'static str, value: &str, max: usize) -> Result<(), Error> {
    if is_id(value, max) {
        Ok(())
    } else {
        Err(Error::BadId {
            what,
            value: value.to_owned(),
            max,
        })
    }
}

fn toml_date(
    field: &str,
    value: Option<toml::value::Datetime>,
    line: usize,
) -> Result<Option<Date>, Error> {
    let Some(dt) = value else { return Ok(None) };
    match (dt.date, dt.time, dt.offset) {
        (Some(d), None, None) => {
            Date::new(d.year, d.month, d.day)
                .map(Some)
                .map_err(|e| Error::FrontMatter {
                    line: Line(line),
                    message: format!("`{field}`: {e}"),
                })
        }
        _ => Err(Error::FrontMatter {
            line: Line(line),
            message: format!("`{field}` must be a plain date such as 2020-10-01, without a time"),
        }),
    }
}

impl PolicyFile {
    /// Parses a policy file. Errors name the line they refer to.
    pub fn parse(text: &str) -> Result<Self, Error> {
        if text.len() > MAX_POLICY_BYTES {
            return Err(Error::TooLarge {
                size: text.len(),
                limit: MAX_POLICY_BYTES,
            });
        }
        let sha256 = content_hash(text);
        let norm = normalise(text);
        let rest = norm
            .strip_prefix("+++\n")
            .ok_or(Error::MissingFrontMatter(Line(1)))?;
        let (front, body, body_line) = match rest.find("\n+++\n") {
            Some(end) => {
                let front = &rest[..end + 1];
                let body = &rest[end + 5..];
                (front, body, line_at(rest, end + 5) + 1)
            }
            None if rest.starts_with("+++\n") => ("", &rest[4..], 3),
            None => return Err(Error::MissingFrontMatter(Line(line_at(&norm, norm.len())))),
        };
        // Line numbers within the file: the front matter starts on line 2.
        let at = |offset: usize| line_at(front, offset) + 1;
        let raw: RawFrontMatter = toml::from_str(front).map_err(|e| Error::FrontMatter {
            line: Line(e.span().map(|s| at(s.start)).unwrap_or(0)),
            message: e.message().to_owned(),
        })?;
        let field_line = |key: &str| {
            front
                .lines()
                .position(|l| l.trim_start().starts_with(key))
                .map(|i| i + 2)
                .unwrap_or(0)
        };
        check_id("version", &raw.version, MAX_ID_LEN).map_err(|e| Error::FrontMatter {
            line: Line(field_line("version")),
            message: e.to_string(),
        })?;
        if raw.version == CURRENT_ALIAS {
            return Err(Error::FrontMatter {
                line: Line(field_line("version")),
                message: format!("`{CURRENT_ALIAS}` is reserved and cannot be a version name"),
            });
        }
        if raw.title.trim().is_empty() {
            return Err(Error::FrontMatter {
                line: Line(field_line("title")),
                message: "`title` is empty".into(),
            });
        }
        let published = toml_date("published", raw.published, field_line("published"))?;
        let effective = toml_date("effective", raw.effective, field_line("effective"))?;
        Ok(PolicyFile {
            meta: PolicyMeta {
                version: raw.version,
                title: raw.title,
                status: raw.status,
                published,
                effective,
                material: raw.material,
                summary: raw.summary.filter(|s| !s.trim().is_empty()),
                sha256,
            },
            markdown: body.to_owned(),
            body_line,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_text_has_no_front_matter() {
        assert!(has_front_matter("+++\nversion = \"1\"\n+++\n"));
        assert!(has_front_matter("\u{feff}\r\n+++\r\ntitle = \"x\"\r\n"));
        assert!(!has_front_matter("微梦隐私政策\n更新日期：2026年3月1日\n"));
        assert!(!has_front_matter("+++ 不是前置信息\n"));
        assert!(!has_front_matter(""));
    }

    const SAMPLE: &str = "+++\nversion = \"2020-10-01\"\ntitle = \"V聊隐私政策\"\nstatus = \"published\"\npublished = 2020-10-01\neffective = 2020-10-02\nmaterial = true\nsummary = \"首次发布。\"\n+++\n## 一、我们收集的信息\n\n正文。\n";

    #[test]
    fn parses_front_matter_and_body() {
        let p = PolicyFile::parse(SAMPLE).unwrap();
        assert_eq!(p.meta.version, "2020-10-01");
        assert_eq!(p.meta.title, "V聊隐私政策");
        assert_eq!(p.meta.status, PolicyStatus::Published);
        assert_eq!(p.meta.effective.unwrap().to_string(), "2020-10-02");
        assert!(p.meta.material);
        assert_eq!(p.meta.summary.as_deref(), Some("首次发布。"));
        assert!(p.markdown.starts_with("## 一、我们收集的信息"));
        assert_eq!(p.body_line, 10);
    }

    #[test]
    fn hash_ignores_line_endings_and_trailing_space_but_not_text() {
        let crlf = SAMPLE.replace('\n', "\r\n") + "  \r\n\r\n";
        assert_eq!(content_hash(SAMPLE), content_hash(&crlf));
        assert_eq!(
            content_hash(SAMPLE),
            content_hash(&format!("\u{feff}{SAMPLE}"))
        );
        assert_ne!(
            content_hash(SAMPLE),
            content_hash(&SAMPLE.replace("正文", "正文!"))
        );
        assert_eq!(content_hash(SAMPLE).len(), 64);
    }

    #[test]
    fn errors_name_the_line() {
        let bad = SAMPLE.replace("status = \"published\"", "status = \"live\"");
        let err = PolicyFile::parse(&bad).unwrap_err();
        assert!(
            matches!(err, Error::FrontMatter { line: Line(4), .. }),
            "{err}"
        );
        assert!(err.to_string().starts_with("line 4: "), "{err}");

        let typo = SAMPLE.replace("material", "materiel");
        let err = PolicyFile::parse(&typo).unwrap_err();
        assert!(err.to_string().contains("materiel"), "{err}");

        let bad_date = SAMPLE.replace("2020-10-02", "2020-10-02T10:00:00");
        let err = PolicyFile::parse(&bad_date).unwrap_err();
        assert!(
            matches!(err, Error::FrontMatter { line: Line(6), .. }),
            "{err}"
        );
    }

    #[test]
    fn rejects_missing_or_unclosed_front_matter_and_reserved_versions() {
        assert!(matches!(
            PolicyFile::parse("# 标题\n"),
            Err(Error::MissingFrontMatter(_))
        ));
        assert!(matches!(
            PolicyFile::parse("+++\nversion = \"1\"\n"),
            Err(Error::MissingFrontMatter(_))
        ));
        let reserved = SAMPLE.replace("\"2020-10-01\"", "\"current\"");
        assert!(PolicyFile::parse(&reserved).is_err());
        let slash = SAMPLE.replace("\"2020-10-01\"", "\"../x\"");
        assert!(PolicyFile::parse(&slash).is_err());
    }

    #[test]
    fn rejects_oversized_input() {
        let big = "a".repeat(MAX_POLICY_BYTES + 1);
        assert!(matches!(
            PolicyFile::parse(&big),
            Err(Error::TooLarge { .. })
        ));
    }
}
