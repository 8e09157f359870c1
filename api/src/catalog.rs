//! The policy tree (`policies/<app>/app.toml` + `<version>.md`), read from
//! disk at start-up and validated as a whole by [`privacy_center_core::check`].

use privacy_center_core::app::AppConfig;
use privacy_center_core::calendar::{Calendar, Day};
use privacy_center_core::check::{check_app, Source};
use privacy_center_core::permissions;
use privacy_center_core::policy::{PolicyFile, CURRENT_ALIAS};
use privacy_center_core::render::{render, Rendered};
use privacy_center_core::wire::{AppPermissions, AppSummary, PolicyMeta, PolicyStatus};
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
    /// The public permission list, its section links resolved against the
    /// current version's headings once, at load.
    pub permissions: AppPermissions,
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
    /// The newest published version, which users are asked to accept.
    pub fn current(&self) -> Option<&Version> {
        self.versions.iter().rev().find(|v| v.is_published())
    }

    /// Looks up a version by name.
    pub fn version(&self, name: &str) -> Option<&Version> {
        self.versions.iter().find(|v| v.file.meta.version == name)
    }

    /// A published version by name; `current` names the newest. Drafts and
    /// unknown names are `None`.
    pub fn published(&self, name: &str) -> Option<&Version> {
        let found = if name == CURRENT_ALIAS {
            self.current()
        } else {
            self.version(name)
        };
        found.filter(|v| v.is_published())
    }

    /// The published versions' metadata, oldest first.
    pub fn published_meta(&self) -> Vec<PolicyMeta> {
        self.versions
            .iter()
            .filter(|v| v.is_published())
            .map(|v| v.file.meta.clone())
            .collect()
    }

    /// The app as listed publicly.
    pub fn summary(&self) -> AppSummary {
        AppSummary {
            id: self.config.id.clone(),
            name: self.config.name.clone(),
            company: self.config.company.clone(),
            description: self.config.description.clone(),
            locale: self.config.locale.clone(),
            current: self.current().map(|v| v.file.meta.clone()),
        }
    }
}

impl Catalog {
    /// Loads and validates the whole tree; every problem is reported, each
    /// as `app/file:line: message`.
    pub fn load(dir: &Path) -> Result<Catalog> {
        let mut app_dirs: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(Error::io(dir))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir() && !p.ends_with(HOLIDAYS_DIR))
            .collect();
        app_dirs.sort();
        let mut problems = Vec::new();
        let mut warnings = Vec::new();
        let calendar = load_calendar(&dir.join(HOLIDAYS_DIR), &mut problems);
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
        check_cooling_off(&calendar, &apps, &mut problems);
        if problems.is_empty() {
            Ok(Catalog {
                apps,
                warnings,
                calendar,
            })
        } else {
            Err(Error::Policies(problems))
        }
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

/// Reads every `cn-<year>.toml` of the holidays directory. The current
/// year (China time) must be on file: without it no deadline can be counted.
fn load_calendar(dir: &Path, problems: &mut Vec<String>) -> Calendar {
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
    let this_year = current_year();
    if !calendar.covers(this_year) {
        problems.push(format!(
            "{}/cn-{this_year}.toml: missing: the holiday arrangement of {this_year} is needed \
             to count the working days of account cancellations",
            dir.display()
        ));
    }
    if !calendar.covers(this_year + 1) {
        tracing::warn!(
            "{}/cn-{}.toml is missing: deadlines reaching into {} count Monday to Friday \
             until the State Council's arrangement is added",
            dir.display(),
            this_year + 1,
            this_year + 1
        );
    }
    calendar
}

/// The year it is in China now.
fn current_year() -> u16 {
    Day::in_china(crate::clock::now_ms()).date().year()
}

/// Each app's cooling-off must let every request of the current and later
/// years on file finish within the legal working days.
fn check_cooling_off(
    calendar: &Calendar,
    apps: &BTreeMap<String, Arc<App>>,
    problems: &mut Vec<String>,
) {
    let this_year = current_year();
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
    let mut app = App {
        config: checked.config,
        app_toml: app_toml.unwrap_or_default(),
        versions,
        permissions: AppPermissions {
            app: name,
            name: String::new(),
            version: String::new(),
            groups: Vec::new(),
        },
    };
    if let Some(current) = app.current() {
        app.permissions = AppPermissions {
            app: app.config.id.clone(),
            name: app.config.name.clone(),
            version: current.file.meta.version.clone(),
            groups: permissions::groups(&app.config, &current.rendered.toc),
        };
    }
    Ok((app, warnings))
}
