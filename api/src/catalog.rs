//! The policy tree (`policies/<app>/app.toml` + `<version>.md`), read from
//! disk at start-up and validated as a whole by [`privacy_center_core::check`].

use privacy_center_core::app::AppConfig;
use privacy_center_core::calendar::{Calendar, Day};
use privacy_center_core::check::{check_app, Source};
use privacy_center_core::permissions;
use privacy_center_core::policy::{PolicyFile, CURRENT_ALIAS};
use privacy_center_core::render::{render, Rendered};
use privacy_center_core::schedule::Schedule;
use privacy_center_core::wire::{AppPermissions, AppSummary, Date, PolicyMeta, PolicyStatus};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::error::{Error, Result};

/// Every app and policy version found in the policy directory.
#[derive(Debug, Default)]
pub struct Catalog {
    apps: BTreeMap<String, Arc<App>>,
    warnings: Vec<String>,
    calendar: Calendar,
    /// The current year's holiday file is missing (see [`Catalog::missing_holidays`]).
    missing_holidays: Option<String>,
}

/// The directory of the policy tree holding China's holiday calendar, one
/// `cn-<year>.toml` per year (`core::calendar::YearFile`); not an app.
pub const HOLIDAYS_DIR: &str = "holidays";

/// One app: its configuration and versions, oldest first.
#[derive(Debug)]
pub struct App {
    /// Parsed `app.toml`.
    pub config: AppConfig,
    /// `app.toml` as read, for checking edits against it in the browser.
    pub app_toml: String,
    /// Versions ordered by publication date (drafts without a date last).
    pub versions: Vec<Version>,
    /// The published versions' metadata, oldest first: what
    /// `core::schedule` reads to tell current from upcoming.
    published: Vec<PolicyMeta>,
    /// The zone of `config.time_zone`, whose calendar days the policy
    /// dates are.
    time_zone: jiff::tz::TimeZone,
    /// The public permission list for each published version (same order
    /// as `published`), its section links resolved against that version's
    /// headings once, at load; the current version's is served.
    permissions: Vec<AppPermissions>,
}

/// One policy version file.
#[derive(Debug)]
pub struct Version {
    /// Parsed front matter and body.
    pub file: PolicyFile,
    /// The body rendered to sanitised HTML with its headings, once at load,
    /// so no reader's browser needs a Markdown renderer.
    pub rendered: Rendered,
    /// The file's text as read, for the store's archive of agreed texts.
    pub raw: String,
    /// Where it came from.
    pub path: PathBuf,
}

impl Version {
    /// Whether the public may see this version.
    pub fn is_published(&self) -> bool {
        self.file.meta.status == PolicyStatus::Published
    }
}

impl App {
    /// The date it is in the app's time zone at `now_ms` (the injectable
    /// clock's reading): the day the schedule is read on.
    pub fn today(&self, now_ms: i64) -> Date {
        local_date(&self.time_zone, now_ms)
    }

    /// The published versions as they stand at `now_ms` (`core::schedule`):
    /// computed on every call, so a version becomes current on its
    /// effective day without a restart, and nothing outlives a tree swap.
    pub fn schedule(&self, now_ms: i64) -> Schedule<'_> {
        Schedule::on(&self.published, self.today(now_ms))
    }

    /// The version in force at `now_ms`, which users are asked to accept.
    pub fn current(&self, now_ms: i64) -> Option<&Version> {
        self.schedule(now_ms)
            .current()
            .and_then(|m| self.version(&m.version))
    }

    /// The next version announced to take effect after `now_ms`'s day.
    pub fn upcoming(&self, now_ms: i64) -> Option<&Version> {
        self.schedule(now_ms)
            .upcoming()
            .and_then(|m| self.version(&m.version))
    }

    /// Looks up a version by name.
    pub fn version(&self, name: &str) -> Option<&Version> {
        self.versions.iter().find(|v| v.file.meta.version == name)
    }

    /// A published version by name; `current` names the one in force at
    /// `now_ms`. Drafts and unknown names are `None`.
    pub fn published(&self, name: &str, now_ms: i64) -> Option<&Version> {
        let found = if name == CURRENT_ALIAS {
            self.current(now_ms)
        } else {
            self.version(name)
        };
        found.filter(|v| v.is_published())
    }

    /// The published versions' metadata, oldest first (upcoming ones too).
    pub fn published_meta(&self) -> &[PolicyMeta] {
        &self.published
    }

    /// The public permission list, linked to the sections of the version
    /// in force at `now_ms`.
    pub fn permissions(&self, now_ms: i64) -> AppPermissions {
        let at = self.schedule(now_ms).in_force().len();
        at.checked_sub(1)
            .and_then(|i| self.permissions.get(i))
            .cloned()
            .unwrap_or_else(|| AppPermissions {
                app: self.config.id.clone(),
                name: self.config.name.clone(),
                version: String::new(),
                groups: Vec::new(),
            })
    }

    /// The app as listed publicly at `now_ms`: its current version and the
    /// upcoming one.
    pub fn summary(&self, now_ms: i64) -> AppSummary {
        let schedule = self.schedule(now_ms);
        AppSummary {
            id: self.config.id.clone(),
            name: self.config.name.clone(),
            company: self.config.company.clone(),
            description: self.config.description.clone(),
            locale: self.config.locale.clone(),
            current: schedule.current().cloned(),
            upcoming: schedule.upcoming().cloned(),
        }
    }
}

/// The calendar date in `tz` at `now_ms`.
pub fn local_date(tz: &jiff::tz::TimeZone, now_ms: i64) -> Date {
    let ts = jiff::Timestamp::from_millisecond(now_ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let d = tz.to_datetime(ts).date();
    // jiff's years are -9999..=9999 and its dates exist; `Date` takes 1000..=9999.
    let year = u16::try_from(d.year()).unwrap_or(1000).clamp(1000, 9999);
    Date::new(year, d.month() as u8, d.day() as u8).expect("a calendar date")
}

impl Catalog {
    /// Loads and validates the whole tree; every problem is reported, each
    /// as `app/file:line: message`.
    pub fn load(dir: &Path) -> Result<Catalog> {
        Catalog::load_for(dir, current_year())
    }

    /// [`Catalog::load`] as of `year` (China time): the holiday
    /// arrangement it needs is `year`'s, and the cooling-off check covers
    /// `year` and the later years on file. `policy check --year` asks this
    /// ahead of a new year; tests of the shipped tree pin a year it covers.
    pub fn load_for(dir: &Path, year: u16) -> Result<Catalog> {
        let mut app_dirs: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(Error::io(dir))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir() && !p.ends_with(HOLIDAYS_DIR))
            .collect();
        app_dirs.sort();
        let mut problems = Vec::new();
        let mut warnings = Vec::new();
        let (calendar, missing_holidays) =
            load_calendar(&dir.join(HOLIDAYS_DIR), year, &mut problems);
        warnings.extend(missing_holidays.clone());
        let mut apps = BTreeMap::new();
        for app_dir in app_dirs {
            match load_app(&app_dir) {
                Ok((app, mut w)) => {
                    warnings.append(&mut w);
                    apps.insert(app.config.id.clone(), Arc::new(app));
                }
                Err(mut p) => problems.append(&mut p),
            }
        }
        if apps.is_empty() && problems.is_empty() {
            problems.push(format!(
                "{}: no app directories with an app.toml",
                dir.display()
            ));
        }
        check_cooling_off(&calendar, year, &apps, &mut problems);
        if problems.is_empty() {
            Ok(Catalog {
                apps,
                warnings,
                calendar,
                missing_holidays,
            })
        } else {
            Err(Error::Policies(problems))
        }
    }

    /// Why the tree is incomplete for counting this year's working days:
    /// the current year's holiday file is missing. Served anyway (a
    /// warning), but `policy check` fails on it.
    pub fn missing_holidays(&self) -> Option<&str> {
        self.missing_holidays.as_deref()
    }

    /// The working-day calendar (`policies/holidays/`).
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// An app by id.
    pub fn app(&self, id: &str) -> Option<&App> {
        self.apps.get(id).map(|a| &**a)
    }

    /// All apps, ordered by id.
    pub fn apps(&self) -> impl Iterator<Item = &App> {
        self.apps.values().map(|a| &**a)
    }

    /// What the checker warned about (`warning: app/file:line: message`);
    /// the apps are served regardless.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Number of policy versions across all apps.
    pub fn version_count(&self) -> usize {
        self.apps.values().map(|a| a.versions.len()).sum()
    }
}

/// The policy tree being served. Readers take a snapshot (`get`, `app`) and
/// keep using it for the rest of their request, so a tree replaced whole
/// (`replace`) is never seen half-way.
#[derive(Debug, Clone)]
pub struct Live(Arc<ArcSwap<Catalog>>);

impl Live {
    /// Serves `catalog`.
    pub fn new(catalog: Catalog) -> Live {
        Live(Arc::new(ArcSwap::from_pointee(catalog)))
    }

    /// The tree served now.
    pub fn get(&self) -> Arc<Catalog> {
        self.0.load_full()
    }

    /// An app of the tree served now.
    pub fn app(&self, id: &str) -> Option<Arc<App>> {
        self.0.load().apps.get(id).cloned()
    }

    /// Serves `catalog` from now on; requests already running finish with
    /// the tree they started with.
    pub fn replace(&self, catalog: Catalog) {
        self.0.store(Arc::new(catalog));
    }
}

/// Reads every `cn-<year>.toml` of the holidays directory. Without the
/// current year's (China time) the server still serves, counting Monday to
/// Friday, and says so (a warning, and `policy check` fails: the tree is
/// incomplete); refusing to start would take every policy and consent down
/// over a calendar file.
fn load_calendar(
    dir: &Path,
    this_year: u16,
    problems: &mut Vec<String>,
) -> (Calendar, Option<String>) {
    let mut calendar = Calendar::default();
    let entries = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    for path in entries {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let Some(year) = name
            .strip_prefix("cn-")
            .and_then(|n| n.strip_suffix(".toml"))
            .and_then(|y| y.parse::<u16>().ok())
        else {
            problems.push(format!(
                "{}: holiday files are named cn-<year>.toml",
                path.display()
            ));
            continue;
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                if let Err(e) = calendar.add_year(&text, year) {
                    problems.push(format!("{}: {e}", path.display()));
                }
            }
            Err(e) => problems.push(format!("{}: {e}", path.display())),
        }
    }
    let missing = (!calendar.covers(this_year)).then(|| {
        format!(
            "{}/cn-{this_year}.toml: missing: the holiday arrangement of {this_year} is needed \
             to count the working days of account cancellations (until it is added they count \
             Monday to Friday)",
            dir.display()
        )
    });
    if !calendar.covers(this_year + 1) {
        tracing::warn!(
            "{}/cn-{}.toml is missing: deadlines reaching into {} count Monday to Friday \
             until the State Council's arrangement is added",
            dir.display(),
            this_year + 1,
            this_year + 1
        );
    }
    (calendar, missing)
}

/// The year it is in China now.
fn current_year() -> u16 {
    Day::in_china(crate::clock::now_ms()).date().year()
}

/// Each app's cooling-off must let every request of the current and later
/// years on file finish within the legal working days.
fn check_cooling_off(
    calendar: &Calendar,
    this_year: u16,
    apps: &BTreeMap<String, Arc<App>>,
    problems: &mut Vec<String>,
) {
    for app in apps.values() {
        for year in calendar.years().filter(|y| *y >= this_year) {
            if let Err(e) =
                calendar.check_cooling_off(year, app.config.cancellation.cooling_off_days)
            {
                problems.push(format!(
                    "{}/app.toml: [cancellation] cooling_off_days: {e}",
                    app.config.id
                ));
            }
        }
    }
}

/// Reads one app directory and checks it: the app with the checker's
/// warnings, or its problems, as lines.
fn load_app(app_dir: &Path) -> std::result::Result<(App, Vec<String>), Vec<String>> {
    let name = app_dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned();
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|e| vec![format!("{}: {e}", path.display())])
    };
    let toml_path = app_dir.join("app.toml");
    let app_toml = if toml_path.exists() {
        Some(read(&toml_path)?)
    } else {
        None
    };
    let mut files: Vec<(String, PathBuf, String)> = Vec::new();
    let entries =
        std::fs::read_dir(app_dir).map_err(|e| vec![format!("{}: {e}", app_dir.display())])?;
    for entry in entries.filter_map(|e| e.ok()) {
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "md") {
            let file_name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            let text = read(&path)?;
            files.push((file_name, path, text));
        }
    }
    let sources: Vec<Source<'_>> = files
        .iter()
        .map(|(n, _, t)| Source { name: n, text: t })
        .collect();
    let (checked, diags) = check_app(&name, app_toml.as_deref(), &sources);
    let Some(checked) = checked else {
        return Err(diags.iter().map(ToString::to_string).collect());
    };
    let warnings = diags.iter().map(ToString::to_string).collect();
    let mut by_name: BTreeMap<String, (PathBuf, String)> =
        files.into_iter().map(|(n, p, t)| (n, (p, t))).collect();
    let mut versions = Vec::with_capacity(checked.versions.len());
    let mut problems = Vec::new();
    for (n, file) in checked.versions {
        let (path, raw) = by_name
            .remove(&n)
            .expect("checked files come from this directory");
        match render(&file.markdown) {
            Ok(rendered) => versions.push(Version {
                file,
                rendered,
                raw,
                path,
            }),
            Err(e) => problems.push(format!("{name}/{n}: {e}")),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let time_zone = match jiff::tz::TimeZone::get(&checked.config.time_zone) {
        Ok(tz) => tz,
        Err(_) => {
            return Err(vec![format!(
                "{name}/app.toml: time_zone {:?} is not a time zone this server knows (IANA names such as \"Asia/Shanghai\")",
                checked.config.time_zone
            )])
        }
    };
    let published: Vec<PolicyMeta> = versions
        .iter()
        .filter(|v| v.is_published())
        .map(|v| v.file.meta.clone())
        .collect();
    let permissions = versions
        .iter()
        .filter(|v| v.is_published())
        .map(|v| AppPermissions {
            app: checked.config.id.clone(),
            name: checked.config.name.clone(),
            version: v.file.meta.version.clone(),
            groups: permissions::groups(&checked.config, &v.rendered.toc),
        })
        .collect();
    let app = App {
        config: checked.config,
        app_toml: app_toml.unwrap_or_default(),
        versions,
        published,
        time_zone,
        permissions,
    };
    Ok((app, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(time: &str) -> i64 {
        crate::clock::parse_rfc3339_ms(time).unwrap()
    }

    #[test]
    fn today_is_the_date_in_the_apps_time_zone() {
        let shanghai = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
        let utc = jiff::tz::TimeZone::UTC;
        let day = |s: &str| Date::try_from(s).unwrap();
        // Just before and at midnight in Shanghai (UTC+8): UTC is still on
        // the day before.
        for (time, in_shanghai, in_utc) in [
            ("2026-12-14T15:59:59.999Z", "2026-12-14", "2026-12-14"),
            ("2026-12-14T16:00:00Z", "2026-12-15", "2026-12-14"),
            ("2026-12-15T23:59:59Z", "2026-12-16", "2026-12-15"),
            ("2026-12-31T16:00:00Z", "2027-01-01", "2026-12-31"),
        ] {
            assert_eq!(local_date(&shanghai, ms(time)), day(in_shanghai), "{time}");
            assert_eq!(local_date(&utc, ms(time)), day(in_utc), "{time}");
        }
    }

    #[test]
    fn the_current_version_follows_the_clock_and_the_apps_time_zone() {
        let dir = tempfile::tempdir().unwrap();
        let tree = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies");
        let copy = |from: &Path, to: &Path| {
            std::fs::create_dir_all(to).unwrap();
            for f in std::fs::read_dir(from).unwrap() {
                let f = f.unwrap().path();
                std::fs::copy(&f, to.join(f.file_name().unwrap())).unwrap();
            }
        };
        copy(&tree.join("vchat"), &dir.path().join("vchat"));
        copy(&tree.join(HOLIDAYS_DIR), &dir.path().join(HOLIDAYS_DIR));
        let current = |catalog: &Catalog, time: &str| {
            let app = catalog.app("vchat").unwrap();
            let version = |v: Option<&Version>| v.map(|v| v.file.meta.version.clone());
            (
                version(app.current(ms(time))),
                version(app.upcoming(ms(time))),
            )
        };
        let shanghai = Catalog::load(dir.path()).unwrap();
        let before = (Some("2020-10-01".into()), Some("2026-12-15".into()));
        let after = (Some("2026-12-15".into()), None);
        assert_eq!(current(&shanghai, "2026-12-14T15:59:59Z"), before);
        assert_eq!(current(&shanghai, "2026-12-14T16:00:00Z"), after);
        // The same tree in UTC: the switch comes eight hours later.
        let toml = dir.path().join("vchat/app.toml");
        let text = std::fs::read_to_string(&toml).unwrap();
        let utc = text.replacen("locale = ", "time_zone = \"UTC\"\nlocale = ", 1);
        std::fs::write(&toml, utc).unwrap();
        let utc = Catalog::load(dir.path()).unwrap();
        assert_eq!(current(&utc, "2026-12-14T16:00:00Z"), before);
        assert_eq!(current(&utc, "2026-12-15T00:00:00Z"), after);
        // A zone the database does not know is refused at load.
        std::fs::write(
            &toml,
            text.replacen("locale = ", "time_zone = \"Mars/Olympus\"\nlocale = ", 1),
        )
        .unwrap();
        let Err(Error::Policies(problems)) = Catalog::load(dir.path()) else {
            panic!("an unknown time zone loaded");
        };
        assert!(problems[0].contains("Mars/Olympus"), "{problems:?}");
    }
}
