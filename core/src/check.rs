//! The policy checker: validates one app's `app.toml` and policy files as a
//! whole. Pure, so the server (at start-up and in `policy check`) and the
//! browser (the live editor) report the same problems in the same words.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::app::{AppConfig, Platform, WebApi};
use crate::diff;
use crate::error::Line;
use crate::permissions;
use crate::policy::PolicyFile;
use crate::schedule::takes_effect;
use crate::wire::PolicyStatus;
use crate::Error;

/// How much a problem matters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The app is not served until it is fixed.
    #[default]
    Error,
    /// Reported, but the app is served: something users see is poorer
    /// (a link that cannot point at its section).
    Warning,
}

/// One problem, located in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// File, relative to the policy tree (e.g. `vchat/2020-10-01.md`).
    pub file: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// What is wrong, in words.
    pub message: String,
    /// Error or warning.
    #[serde(default)]
    pub severity: Severity,
}

impl Diagnostic {
    /// Whether the app cannot be served with this problem.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.severity == Severity::Warning {
            f.write_str("warning: ")?;
        }
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        }
    }
}

/// A file handed to the checker.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// File name within the app directory (`app.toml`, `2020-10-01.md`).
    pub name: &'a str,
    /// Its text.
    pub text: &'a str,
}

/// An app that passed the checks, versions ordered oldest first.
#[derive(Debug, Clone)]
pub struct CheckedApp {
    /// Parsed `app.toml`.
    pub config: AppConfig,
    /// File name and parsed file of each version, by publication date (drafts last).
    pub versions: Vec<(String, PolicyFile)>,
}

fn split_error(e: &Error) -> (usize, String) {
    match e {
        Error::FrontMatter {
            line: Line(l),
            message,
        }
        | Error::AppConfig {
            line: Line(l),
            message,
        } => (*l, message.clone()),
        Error::MissingFrontMatter(Line(l)) => {
            (*l, "must start and end with a line of `+++`".to_owned())
        }
        other => (0, other.to_string()),
    }
}

/// The line of the first front-matter line that starts with `key`.
fn key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .map_or(0, |i| i + 1)
}

/// Collects diagnostics, naming files relative to the policy tree.
struct Diags<'a> {
    dir: &'a str,
    out: Vec<Diagnostic>,
}

impl Diags<'_> {
    fn push(&mut self, file: &str, line: usize, message: String) {
        self.report(file, line, message, Severity::Error)
    }

    fn warn(&mut self, file: &str, line: usize, message: String) {
        self.report(file, line, message, Severity::Warning)
    }

    fn report(&mut self, file: &str, line: usize, message: String, severity: Severity) {
        let file = if file.is_empty() {
            self.dir.to_owned()
        } else {
            format!("{}/{file}", self.dir)
        };
        self.out.push(Diagnostic {
            file,
            line,
            message,
            severity,
        })
    }
}

/// `app.toml`: schema, id = directory, permissions' Web APIs.
fn check_config(app_toml: Option<&str>, diags: &mut Diags<'_>) -> Option<AppConfig> {
    let dir = diags.dir;
    let config = match app_toml.map(AppConfig::parse) {
        None => {
            diags.push(
                "app.toml",
                0,
                "missing: every app directory needs an app.toml".into(),
            );
            None
        }
        Some(Err(e)) => {
            let (line, message) = split_error(&e);
            diags.push("app.toml", line, format!("app.toml: {message}"));
            None
        }
        Some(Ok(c)) => Some(c),
    };
    if let (Some(c), Some(text)) = (&config, app_toml) {
        if c.id != dir {
            diags.push(
                "app.toml",
                key_line(text, "id"),
                format!("id {:?} must equal the directory name {dir:?}", c.id),
            );
        }
        for p in &c.permissions {
            if let Some(message) = web_api_mismatch(p.platform, &p.os_name, p.web_api) {
                let line = text
                    .lines()
                    .position(|l| l.contains(&p.os_name))
                    .map_or(0, |i| i + 1);
                diags.push("app.toml", line, message);
            }
        }
        for c in c.push_categories.iter().filter(|c| !c.opt_out) {
            if c.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
                diags.push(
                    "app.toml",
                    id_line(text, "[[push_categories]]", &c.id),
                    format!(
                        "push category {:?} cannot be turned off (opt_out = false): give the policy's reason as `note`, users are shown it",
                        c.id
                    ),
                );
            }
        }
        check_lists(c, text, diags);
    }
    config
}

/// The two lists against the permissions: every permission an item relies
/// on is declared, every declared permission that reads information is in
/// the list of what is collected (once the app declares that list; the
/// notification permission lets the app send, not read, so it need not be),
/// and third parties' links are web addresses.
fn check_lists(c: &AppConfig, text: &str, diags: &mut Diags<'_>) {
    let declared: BTreeSet<&str> = c.permissions.iter().map(|p| p.id.as_str()).collect();
    let reading: BTreeSet<&str> = c
        .permissions
        .iter()
        .filter(|p| p.web_api != WebApi::Notifications)
        .map(|p| p.id.as_str())
        .collect();
    for item in &c.collected {
        for p in item
            .permissions
            .iter()
            .filter(|p| !declared.contains(p.as_str()))
        {
            diags.push(
                "app.toml",
                id_line(text, "[[collected]]", &item.id),
                format!(
                    "collected item {:?} relies on permission {p:?}, which no [[permissions]] entry declares",
                    item.id
                ),
            );
        }
    }
    if !c.collected.is_empty() {
        let used: BTreeSet<&str> = c
            .collected
            .iter()
            .flat_map(|i| i.permissions.iter().map(String::as_str))
            .collect();
        let unused: BTreeSet<&str> = reading.difference(&used).copied().collect();
        for id in unused {
            diags.push(
                "app.toml",
                id_line(text, "[[permissions]]", id),
                format!("permission {id:?} is in no collected item: say in [[collected]] what the app collects through it"),
            );
        }
    }
    for t in &c.third_parties {
        if let Some(link) = t.link.as_deref().filter(|l| !is_web_url(l)) {
            diags.push(
                "app.toml",
                id_line(text, "[[third_parties]]", &t.id),
                format!(
                    "third party {:?}: link {link:?} is not an http(s) URL",
                    t.id
                ),
            );
        }
    }
}

/// An absolute `http://` or `https://` URL with a host, printable ASCII
/// only: what a reader's browser can open as the third party's policy.
fn is_web_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        !host.is_empty()
            && url
                .bytes()
                .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'<' | b'>' | b'\\'))
    })
}

/// The line of `id = "<id>"` in an entry of the array of tables `table`
/// (e.g. `[[switches]]`) of `app.toml`: ids are unique per table only.
fn id_line(text: &str, table: &str, id: &str) -> usize {
    let needle = format!("\"{id}\"");
    let mut in_table = false;
    for (i, l) in text.lines().enumerate() {
        let l = l.trim_start();
        if l.starts_with('[') {
            in_table = l.trim_end() == table;
        } else if in_table && l.starts_with("id") && l.contains(&needle) {
            return i + 1;
        }
    }
    0
}

/// The text of every ATX heading (`#` … `######`) of a policy's Markdown.
fn headings(markdown: &str) -> impl Iterator<Item = &str> {
    markdown.lines().filter_map(|l| {
        let l = l.trim_start();
        let rest = l.trim_start_matches('#');
        let level = l.len() - rest.len();
        ((1..=6).contains(&level) && (rest.is_empty() || rest.starts_with([' ', '\t'])))
            .then(|| rest.trim().trim_end_matches('#').trim_end())
    })
}

/// Every `section` that `app.toml` names is a heading of the current
/// published version: an error for a switch's, a collected item's and a
/// third party's (each exists because that section says it); a warning for
/// a permission's (the permission is still listed, only its link cannot
/// point at its section).
fn check_sections(
    config: &AppConfig,
    app_toml: &str,
    current: Option<&(String, PolicyFile)>,
    diags: &mut Diags<'_>,
) {
    let Some((name, file)) = current else {
        return;
    };
    let switches = config
        .switches
        .iter()
        .filter_map(|s| Some(("switch", "[[switches]]", &s.id, s.section.as_ref()?)));
    let collected = config
        .collected
        .iter()
        .map(|c| ("collected item", "[[collected]]", &c.id, &c.section));
    let third_parties = config
        .third_parties
        .iter()
        .map(|t| ("third party", "[[third_parties]]", &t.id, &t.section));
    for (what, table, id, section) in switches.chain(collected).chain(third_parties) {
        if !headings(&file.markdown).any(|h| h == section) {
            diags.push(
                "app.toml",
                id_line(app_toml, table, id),
                format!(
                    "{what} {id:?}: section {section:?} is not a heading of the current version {name}"
                ),
            );
        }
    }
    let missing = |section: &Option<String>| {
        section
            .clone()
            .filter(|x| !headings(&file.markdown).any(|h| h == x))
    };
    for p in &config.permissions {
        if let Some(section) = missing(&p.section) {
            let message = format!(
                "permission {:?} ({:?}): section {section:?} is not a heading of the current version {name}, so its link cannot point at it",
                p.id, p.platform
            );
            diags.warn("app.toml", section_line(app_toml, &section), message);
        }
    }
}

/// The line of `section = "<section>"` in `app.toml`.
fn section_line(text: &str, section: &str) -> usize {
    let needle = format!("\"{section}\"");
    text.lines()
        .position(|l| l.trim_start().starts_with("section") && l.contains(&needle))
        .map_or(0, |i| i + 1)
}

/// The rules that concern one policy file alone; the parsed file unless its
/// front matter does not parse.
fn check_policy(src: &Source<'_>, diags: &mut Diags<'_>) -> Option<PolicyFile> {
    let file = match PolicyFile::parse(src.text) {
        Ok(f) => f,
        Err(e) => {
            let (line, message) = split_error(&e);
            diags.push(src.name, line, format!("front matter: {message}"));
            return None;
        }
    };
    let m = &file.meta;
    let stem = src.name.strip_suffix(".md").unwrap_or(src.name);
    if m.version != stem {
        diags.push(
            src.name,
            key_line(src.text, "version"),
            format!("version {:?} must equal the file name {stem:?}", m.version),
        );
    }
    if m.status == PolicyStatus::Published {
        if m.published.is_none() {
            diags.push(
                src.name,
                0,
                "a published version needs a `published` date".into(),
            );
        }
        if m.effective.is_none() {
            diags.push(
                src.name,
                0,
                "a published version needs an `effective` date".into(),
            );
        }
    }
    if let (Some(p), Some(e)) = (m.published, m.effective) {
        if e < p {
            diags.push(
                src.name,
                key_line(src.text, "effective"),
                format!("effective {e} is before published {p}"),
            );
        }
    }
    if m.material && m.summary.is_none() {
        diags.push(src.name, key_line(src.text, "material"), "a material version needs a `summary` of what changed: users are shown it when asked to consent again".into());
    }
    if file.markdown.trim().is_empty() {
        diags.push(src.name, file.body_line, "the policy text is empty".into());
    }
    Some(file)
}

/// Checks one policy file being edited, in memory, against its app's
/// `app.toml`: every rule that concerns the file alone (front matter schema,
/// version = file name, dates, summary, empty text) plus the `app.toml`
/// rules. Rules across versions (uniqueness, a current version) are left to
/// [`check_app`]. Returns the parsed file unless its front matter does not
/// parse, so the caller need not parse it again.
pub fn check_file(
    dir: &str,
    app_toml: Option<&str>,
    file: Source<'_>,
) -> (Option<PolicyFile>, Vec<Diagnostic>) {
    let mut diags = Diags {
        dir,
        out: Vec::new(),
    };
    check_config(app_toml, &mut diags);
    let parsed = check_policy(&file, &mut diags);
    (parsed, diags.out)
}

/// Checks one app directory named `dir` with its `app.toml` (if present) and
/// its policy files. Returns the app when there are no problems.
pub fn check_app(
    dir: &str,
    app_toml: Option<&str>,
    policies: &[Source<'_>],
) -> (Option<CheckedApp>, Vec<Diagnostic>) {
    let mut diags = Diags {
        dir,
        out: Vec::new(),
    };
    let config = check_config(app_toml, &mut diags);
    let mut versions: Vec<(String, PolicyFile)> = Vec::new();
    let mut by_version: BTreeMap<String, String> = BTreeMap::new();
    for src in policies {
        let Some(file) = check_policy(src, &mut diags) else {
            continue;
        };
        if let Some(other) = by_version.insert(file.meta.version.clone(), src.name.to_owned()) {
            diags.push(
                src.name,
                key_line(src.text, "version"),
                format!(
                    "version {:?} is also declared by {other}",
                    file.meta.version
                ),
            );
        }
        versions.push((src.name.to_owned(), file));
    }
    versions.sort_by(|(_, a), (_, b)| {
        let key = |f: &PolicyFile| {
            (
                f.meta.published.is_none(),
                f.meta.published,
                f.meta.version.clone(),
            )
        };
        key(a).cmp(&key(b))
    });

    let published: Vec<&(String, PolicyFile)> = versions
        .iter()
        .filter(|(_, f)| f.meta.status == PolicyStatus::Published)
        .collect();
    if published.is_empty() {
        diags.push(
            "",
            0,
            "no published version: users would have nothing to read".into(),
        );
    }
    check_schedule(&published, policies, &mut diags);
    if let (Some(c), Some(text)) = (&config, app_toml) {
        check_sections(c, text, published.last().copied(), &mut diags);
    }

    let ok = !diags.out.iter().any(Diagnostic::is_error);
    (
        config
            .filter(|_| ok)
            .map(|config| CheckedApp { config, versions }),
        diags.out,
    )
}

/// The rules that make "current" and "upcoming" (`core::schedule`)
/// unambiguous on every day and announcing ahead meaningful, over the
/// published versions in publication order:
/// - no two published on the same day, no two effective on the same day,
///   and effective dates in publication order (so the versions in force on
///   any day are the oldest ones);
/// - the first published version takes effect when it is published (before
///   it, users would have nothing to read);
/// - a version announced ahead (effective after published) that changes any
///   section of the version before it (added, removed or changed, by
///   `core::diff`) is `material = true`: users are asked to agree to it on
///   its effective day, which is what the announcement is for. A change
///   users need not agree to takes effect when it is published.
fn check_schedule(
    published: &[&(String, PolicyFile)],
    policies: &[Source<'_>],
    diags: &mut Diags<'_>,
) {
    let line = |name: &str, key: &str| {
        policies
            .iter()
            .find(|p| p.name == name)
            .map_or(0, |p| key_line(p.text, key))
    };
    if let Some((name, f)) = published.first() {
        if let (Some(p), Some(e)) = (f.meta.published, f.meta.effective) {
            if e > p {
                diags.push(
                    name,
                    line(name, "effective"),
                    format!("the first published version takes effect when it is published: between {p} and {e} users would have nothing to read"),
                );
            }
        }
    }
    for pair in published.windows(2) {
        let ((a_name, a), (b_name, b)) = (pair[0], pair[1]);
        if a.meta.published == b.meta.published {
            diags.push(
                b_name,
                line(b_name, "published"),
                format!("published on the same day as {a_name}: which one is current is ambiguous"),
            );
            continue;
        }
        match (takes_effect(&a.meta), takes_effect(&b.meta)) {
            (Some(ea), Some(eb)) if ea == eb => diags.push(
                b_name,
                line(b_name, "effective"),
                format!("effective on the same day as {a_name} ({eb}): which one is in force that day is ambiguous"),
            ),
            (Some(ea), Some(eb)) if eb < ea => diags.push(
                b_name,
                line(b_name, "effective"),
                format!("takes effect on {eb}, before {a_name} ({ea}), which was published earlier: versions take effect in the order they are published"),
            ),
            _ => {}
        }
        let (Some(p), Some(e)) = (b.meta.published, b.meta.effective) else {
            continue;
        };
        if e > p && !b.meta.material {
            let d = diff::diff(&a.markdown, &b.markdown).summary;
            let changed = d.added + d.removed + d.changed;
            if changed > 0 {
                let at = match line(b_name, "material") {
                    0 => line(b_name, "effective"),
                    l => l,
                };
                diags.push(
                    b_name,
                    at,
                    format!("announced on {p} to take effect on {e}, and {changed} section(s) differ from {a_name}, but it is not material: users would never be asked to agree to it; set `material = true` with a `summary`, or make it effective when published"),
                );
            }
        }
    }
}

/// Which Web API an OS permission corresponds to, when it has one: the
/// one of its kind (`permissions::kind`).
fn known_web_api(platform: Platform, os_name: &str) -> Option<WebApi> {
    Some(permissions::web_api(permissions::kind(platform, os_name))).filter(|a| *a != WebApi::None)
}

/// Explains a permission whose declared Web API contradicts its OS name.
fn web_api_mismatch(platform: Platform, os_name: &str, declared: WebApi) -> Option<String> {
    match known_web_api(platform, os_name) {
        Some(k) if k == declared => None,
        None if declared == WebApi::None => None,
        Some(k) => Some(format!(
            "permission {os_name} grants web_api \"{}\", not \"{}\"",
            k.name(),
            declared.name()
        )),
        None => Some(format!(
            "web_api \"{}\" needs an OS permission that grants it; {os_name} does not (use web_api \"none\")",
            declared.name()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "id = \"demo\"\nname = \"演示\"\ncompany = \"演示公司\"\nlocale = \"zh-CN\"\n\n[cancellation]\ncooling_off_days = 15\n\n[[permissions]]\nid = \"camera\"\nplatform = \"android\"\nos_name = \"android.permission.CAMERA\"\nlabel = \"相机\"\npurpose = \"拍照\"\nweb_api = \"camera\"\n\n[teen_mode]\ncurfew_start = \"22:00\"\ncurfew_end = \"06:00\"\n";

    fn policy(version: &str, published: &str, extra: &str) -> String {
        format!("+++\nversion = \"{version}\"\ntitle = \"演示隐私政策\"\nstatus = \"published\"\npublished = {published}\neffective = {published}\n{extra}+++\n## 一、总则\n\n正文。\n")
    }

    fn messages(app: &str, files: &[(&str, &str)]) -> Vec<String> {
        let sources: Vec<Source<'_>> = files
            .iter()
            .map(|&(name, text)| Source { name, text })
            .collect();
        check_app("demo", Some(app), &sources)
            .1
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_good_app_passes_with_versions_in_date_order() {
        let a = policy("2020-01-01", "2020-01-01", "");
        let b = policy(
            "2021-06-01",
            "2021-06-01",
            "material = true\nsummary = \"新增位置信息。\"\n",
        );
        let sources = [
            Source {
                name: "2021-06-01.md",
                text: &b,
            },
            Source {
                name: "2020-01-01.md",
                text: &a,
            },
        ];
        let (app, diags) = check_app("demo", Some(APP), &sources);
        assert_eq!(diags, []);
        let order: Vec<_> = app.unwrap().versions.into_iter().map(|(n, _)| n).collect();
        assert_eq!(order, ["2020-01-01.md", "2021-06-01.md"]);
    }

    #[test]
    fn each_rule_names_file_and_line() {
        let material = policy("2021-06-01", "2021-06-01", "material = true\n");
        assert_eq!(messages(APP, &[("2021-06-01.md", &material)]), ["demo/2021-06-01.md:7: a material version needs a `summary` of what changed: users are shown it when asked to consent again"]);

        let renamed = policy("2021-06-01", "2021-06-01", "");
        assert_eq!(messages(APP, &[("2021-07-01.md", &renamed)]), ["demo/2021-07-01.md:2: version \"2021-06-01\" must equal the file name \"2021-07-01\""]);

        let backwards = policy("2021-06-01", "2021-06-01", "")
            .replace("effective = 2021-06-01", "effective = 2021-05-01");
        assert_eq!(
            messages(APP, &[("2021-06-01.md", &backwards)]),
            ["demo/2021-06-01.md:6: effective 2021-05-01 is before published 2021-06-01"]
        );

        let broken = "+++\nversion = 3\n+++\n";
        let m = messages(APP, &[("x.md", broken), ("2021-06-01.md", &renamed)]);
        assert!(m[0].starts_with("demo/x.md:2: front matter: "), "{m:?}");

        let draft_only = policy("2021-06-01", "2021-06-01", "").replace("published\"", "draft\"");
        assert_eq!(
            messages(APP, &[("2021-06-01.md", &draft_only)]),
            ["demo: no published version: users would have nothing to read"]
        );
    }

    /// `policy` announced on `published` to take effect on `effective`,
    /// with `body` as its text.
    fn announced(
        version: &str,
        published: &str,
        effective: &str,
        extra: &str,
        body: &str,
    ) -> String {
        policy(version, published, extra)
            .replace(
                &format!("effective = {published}"),
                &format!("effective = {effective}"),
            )
            .replace("正文。", body)
    }

    #[test]
    fn a_version_announced_ahead_that_changes_sections_must_be_material() {
        let first = policy("2021-06-01", "2021-06-01", "");
        let material = "material = true\nsummary = \"新增第三方SDK。\"\n";
        let ahead = |extra: &str, body: &str| {
            announced("2026-12-15", "2026-11-29", "2026-12-15", extra, body)
        };
        let ok = ahead(material, "正文。\n\n## 二、第三方SDK\n\n极光推送。");
        assert!(messages(APP, &[("2021-06-01.md", &first), ("2026-12-15.md", &ok)]).is_empty());
        let quiet = ahead("", "正文有变。");
        assert_eq!(
            messages(APP, &[("2021-06-01.md", &first), ("2026-12-15.md", &quiet)]),
            ["demo/2026-12-15.md:6: announced on 2026-11-29 to take effect on 2026-12-15, and 1 section(s) differ from 2021-06-01.md, but it is not material: users would never be asked to agree to it; set `material = true` with a `summary`, or make it effective when published"]
        );
        // The same text again, announced ahead: nothing to agree to, nothing refused.
        let same = ahead("", "正文。");
        assert!(messages(APP, &[("2021-06-01.md", &first), ("2026-12-15.md", &same)]).is_empty());
        // Not announced ahead: a non-material change takes effect when published.
        let minor = policy("2026-11-29", "2026-11-29", "").replace("正文。", "正文有变。");
        assert!(messages(APP, &[("2021-06-01.md", &first), ("2026-11-29.md", &minor)]).is_empty());
        // The first version cannot wait: nothing would be in force before it.
        let alone = announced("2026-12-15", "2026-11-29", "2026-12-15", material, "正文。");
        assert_eq!(
            messages(APP, &[("2026-12-15.md", &alone)]),
            ["demo/2026-12-15.md:6: the first published version takes effect when it is published: between 2026-11-29 and 2026-12-15 users would have nothing to read"]
        );
    }

    #[test]
    fn two_versions_effective_the_same_day_or_out_of_order_are_refused() {
        let material = "material = true\nsummary = \"变更。\"\n";
        let first = policy("2021-06-01", "2021-06-01", "");
        let a = announced("2026-11-20", "2026-11-20", "2026-12-15", material, "甲。");
        let b = announced("2026-11-29", "2026-11-29", "2026-12-15", material, "乙。");
        let m = messages(
            APP,
            &[
                ("2021-06-01.md", &first),
                ("2026-11-20.md", &a),
                ("2026-11-29.md", &b),
            ],
        );
        assert_eq!(m, ["demo/2026-11-29.md:6: effective on the same day as 2026-11-20.md (2026-12-15): which one is in force that day is ambiguous"]);
        let early = announced("2026-11-29", "2026-11-29", "2026-12-01", material, "乙。");
        let m = messages(
            APP,
            &[
                ("2021-06-01.md", &first),
                ("2026-11-20.md", &a),
                ("2026-11-29.md", &early),
            ],
        );
        assert_eq!(m, ["demo/2026-11-29.md:6: takes effect on 2026-12-01, before 2026-11-20.md (2026-12-15), which was published earlier: versions take effect in the order they are published"]);
    }

    #[test]
    fn two_versions_published_the_same_day_are_ambiguous() {
        let a = policy("2021-06-01", "2021-06-01", "");
        let b = policy("2021-06-01b", "2021-06-01", "");
        let m = messages(APP, &[("2021-06-01.md", &a), ("2021-06-01b.md", &b)]);
        assert_eq!(m, ["demo/2021-06-01b.md:5: published on the same day as 2021-06-01.md: which one is current is ambiguous"]);
    }

    #[test]
    fn a_switch_section_must_be_a_heading_of_the_current_version() {
        let old = policy("2020-01-01", "2020-01-01", "").replace("一、总则", "一、旧的");
        let cur = policy("2021-06-01", "2021-06-01", "");
        let app = |section: &str| {
            APP.replace(
                "[teen_mode]",
                &format!("[[switches]]\nid = \"s\"\nlabel = \"S\"\ndescription = \"d\"\ndefault_on = true\nsection = \"{section}\"\n\n[teen_mode]"),
            )
        };
        let files = [
            ("2020-01-01.md", old.as_str()),
            ("2021-06-01.md", cur.as_str()),
        ];
        assert_eq!(messages(&app("一、总则"), &files), Vec::<String>::new());
        assert_eq!(
            messages(&app("一、旧的"), &files),
            ["demo/app.toml:18: switch \"s\": section \"一、旧的\" is not a heading of the current version 2021-06-01.md"]
        );
    }

    /// `APP` with the two lists `lists` (TOML) added before `[teen_mode]`.
    fn with_lists(lists: &str) -> String {
        APP.replace("[teen_mode]", &format!("{lists}\n[teen_mode]"))
    }

    const PHOTO: &str = "[[collected]]\nid = \"photo\"\ninfo = \"照片\"\nsection = \"一、总则\"\npermissions = [\"camera\"]\n";

    #[test]
    fn the_collected_list_covers_every_permission_and_names_only_declared_ones() {
        let p = policy("2021-06-01", "2021-06-01", "");
        let files = [("2021-06-01.md", p.as_str())];
        assert_eq!(messages(&with_lists(PHOTO), &files), Vec::<String>::new());
        // An app that has not declared its lists yet is not held to them.
        assert_eq!(messages(APP, &files), Vec::<String>::new());

        let unknown = with_lists(&PHOTO.replace("[\"camera\"]", "[\"camera\", \"bluetooth\"]"));
        assert_eq!(
            messages(&unknown, &files),
            ["demo/app.toml:18: collected item \"photo\" relies on permission \"bluetooth\", which no [[permissions]] entry declares"]
        );
        // A notification permission reads nothing, so no item need name it.
        let push = APP.replace(
            "[teen_mode]",
            "[[permissions]]\nid = \"push\"\nplatform = \"android\"\nos_name = \"android.permission.POST_NOTIFICATIONS\"\nlabel = \"通知\"\npurpose = \"推送\"\nweb_api = \"notifications\"\n\n[teen_mode]",
        );
        let with_push = push.replace("[teen_mode]", &format!("{PHOTO}\n[teen_mode]"));
        assert_eq!(messages(&with_push, &files), Vec::<String>::new());
        let unused = with_lists(&PHOTO.replace("[\"camera\"]", "[]"));
        assert_eq!(
            messages(&unused, &files),
            ["demo/app.toml:10: permission \"camera\" is in no collected item: say in [[collected]] what the app collects through it"]
        );
    }

    #[test]
    fn list_sections_must_be_headings_of_the_current_version() {
        let p = policy("2021-06-01", "2021-06-01", "");
        let files = [("2021-06-01.md", p.as_str())];
        let moved = with_lists(&PHOTO.replace("一、总则", "二、不存在"));
        assert_eq!(
            messages(&moved, &files),
            ["demo/app.toml:18: collected item \"photo\": section \"二、不存在\" is not a heading of the current version 2021-06-01.md"]
        );
        let sdk = "[[third_parties]]\nid = \"photo\"\nname = \"某SDK\"\nkind = \"sdk\"\nsection = \"三、没有\"\n";
        // The same id in another list is another entry: the line is the third party's.
        assert_eq!(
            messages(&with_lists(&format!("{PHOTO}\n{sdk}")), &files),
            ["demo/app.toml:24: third party \"photo\": section \"三、没有\" is not a heading of the current version 2021-06-01.md"]
        );
    }

    #[test]
    fn third_party_links_are_web_addresses() {
        let p = policy("2021-06-01", "2021-06-01", "");
        let files = [("2021-06-01.md", p.as_str())];
        let sdk = |link: &str| {
            with_lists(&format!("{PHOTO}\n[[third_parties]]\nid = \"push\"\nname = \"推送SDK\"\nkind = \"sdk\"\ndata = [\"设备信息\"]\nlink = \"{link}\"\nsection = \"一、总则\"\n"))
        };
        for good in [
            "https://example.com/privacy",
            "http://example.com",
            "https://a.example/p?x=1#y",
        ] {
            assert_eq!(messages(&sdk(good), &files), Vec::<String>::new(), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "ftp://example.com",
            "https://",
            "https:///path",
            "www.example.com",
            "https://example.com/隐私",
            "https://exa mple.com",
        ] {
            assert_eq!(
                messages(&sdk(bad), &files),
                [format!(
                    "demo/app.toml:24: third party \"push\": link {bad:?} is not an http(s) URL"
                )],
                "{bad}"
            );
        }
    }

    #[test]
    fn a_permission_section_that_is_no_heading_is_a_warning_only() {
        let p = policy("2021-06-01", "2021-06-01", "");
        let app = |section: &str| {
            APP.replace(
                "web_api = \"camera\"",
                &format!("web_api = \"camera\"\nsection = \"{section}\""),
            )
        };
        let sources = [Source {
            name: "2021-06-01.md",
            text: &p,
        }];
        let (checked, diags) = check_app("demo", Some(&app("一、总则")), &sources);
        assert!(checked.is_some() && diags.is_empty(), "{diags:?}");
        let (checked, diags) = check_app("demo", Some(&app("二、权限")), &sources);
        assert!(checked.is_some(), "a warning does not stop the app");
        let m: Vec<String> = diags.iter().map(ToString::to_string).collect();
        assert_eq!(m, ["warning: demo/app.toml:16: permission \"camera\" (Android): section \"二、权限\" is not a heading of the current version 2021-06-01.md, so its link cannot point at it"]);
        assert!(!diags[0].is_error());
    }

    #[test]
    fn a_push_category_users_cannot_turn_off_needs_a_note() {
        let p = policy("2021-06-01", "2021-06-01", "");
        let app = APP.replace(
            "[teen_mode]",
            "[[push_categories]]\nid = \"service\"\nlabel = \"服务\"\nopt_out = false\n\n[teen_mode]",
        );
        assert_eq!(
            messages(&app, &[("2021-06-01.md", &p)]),
            ["demo/app.toml:18: push category \"service\" cannot be turned off (opt_out = false): give the policy's reason as `note`, users are shown it"]
        );
        let noted = app.replace("opt_out = false", "opt_out = false\nnote = \"法定通知\"");
        assert_eq!(
            messages(&noted, &[("2021-06-01.md", &p)]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn permissions_must_map_to_the_right_web_api() {
        let p = policy("2021-06-01", "2021-06-01", "");
        let wrong = APP.replace("web_api = \"camera\"", "web_api = \"microphone\"");
        assert_eq!(messages(&wrong, &[("2021-06-01.md", &p)]), ["demo/app.toml:12: permission android.permission.CAMERA grants web_api \"camera\", not \"microphone\""]);
        let storage = APP.replace(
            "android.permission.CAMERA",
            "android.permission.READ_EXTERNAL_STORAGE",
        );
        assert_eq!(messages(&storage, &[("2021-06-01.md", &p)]), ["demo/app.toml:12: web_api \"camera\" needs an OS permission that grants it; android.permission.READ_EXTERNAL_STORAGE does not (use web_api \"none\")"]);
        let id = APP.replace("id = \"demo\"", "id = \"other\"");
        assert_eq!(
            messages(&id, &[("2021-06-01.md", &p)]),
            ["demo/app.toml:1: id \"other\" must equal the directory name \"demo\""]
        );
    }

    #[test]
    fn one_file_in_memory_gets_the_per_file_rules_only() {
        let draft = policy("2021-06-01", "2021-06-01", "material = true\n")
            .replace("published\"", "draft\"");
        let (file, diags) = check_file(
            "demo",
            Some(APP),
            Source {
                name: "2021-06-01.md",
                text: &draft,
            },
        );
        assert_eq!(file.unwrap().meta.version, "2021-06-01");
        let m: Vec<String> = diags.iter().map(ToString::to_string).collect();
        // No "no published version": other versions are not in view.
        assert_eq!(m, ["demo/2021-06-01.md:7: a material version needs a `summary` of what changed: users are shown it when asked to consent again"]);
        let (file, diags) = check_file(
            "demo",
            Some(APP),
            Source {
                name: "x.md",
                text: "+++\nversion = \"x\"\ntitle = 3\n+++\n",
            },
        );
        assert!(file.is_none());
        assert_eq!(diags[0].line, 3, "{diags:?}");
    }

    #[test]
    fn a_missing_app_toml_is_reported() {
        let p = policy("2021-06-01", "2021-06-01", "");
        let (app, diags) = check_app(
            "demo",
            None,
            &[Source {
                name: "2021-06-01.md",
                text: &p,
            }],
        );
        assert!(app.is_none());
        assert_eq!(
            diags[0].to_string(),
            "demo/app.toml: missing: every app directory needs an app.toml"
        );
    }
}
