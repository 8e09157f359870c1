//! The policy tree (`policies/<app>/app.toml` + `<version>.md`), loaded into
//! memory at start-up and validated as a whole.

use privacy_center_core::app::AppConfig;
use privacy_center_core::policy::PolicyFile;
use privacy_center_core::wire::{AppSummary, PolicyMeta, PolicyStatus};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Every app and policy version found in the policy directory.
#[derive(Debug, Default)]
pub struct Catalog {
    apps: BTreeMap<String, App>,
}

/// One app: its configuration and versions, oldest first.
#[derive(Debug)]
pub struct App {
    /// Parsed `app.toml`.
    pub config: AppConfig,
    /// Versions ordered by publication date (drafts without a date last).
    pub versions: Vec<Version>,
}

/// One policy version file.
#[derive(Debug)]
pub struct Version {
    /// Parsed front matter and body.
    pub file: PolicyFile,
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
    /// naming its file (and line where there is one).
    pub fn load(dir: &Path) -> Result<Catalog> {
        let entries = std::fs::read_dir(dir).map_err(Error::io(dir))?;
        let mut problems = Vec::new();
        let mut apps = BTreeMap::new();
        let mut app_dirs: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        app_dirs.sort();
        for app_dir in app_dirs {
            match load_app(&app_dir, &mut problems) {
                Some(app) => {
                    apps.insert(app.config.id.clone(), app);
                }
                None => continue,
            }
        }
        if apps.is_empty() && problems.is_empty() {
            problems.push(format!(
                "{}: no app directories with an app.toml",
                dir.display()
            ));
        }
        if problems.is_empty() {
            Ok(Catalog { apps })
        } else {
            Err(Error::Policies(problems))
        }
    }

    /// An app by id.
    pub fn app(&self, id: &str) -> Option<&App> {
        self.apps.get(id)
    }

    /// All apps, ordered by id.
    pub fn apps(&self) -> impl Iterator<Item = &App> {
        self.apps.values()
    }

    /// Number of policy versions across all apps.
    pub fn version_count(&self) -> usize {
        self.apps.values().map(|a| a.versions.len()).sum()
    }
}

fn load_app(app_dir: &Path, problems: &mut Vec<String>) -> Option<App> {
    let toml_path = app_dir.join("app.toml");
    let text = match std::fs::read_to_string(&toml_path) {
        Ok(t) => t,
        Err(e) => {
            problems.push(format!("{}: {e}", toml_path.display()));
            return None;
        }
    };
    let config = match AppConfig::parse(&text) {
        Ok(c) => c,
        Err(e) => {
            problems.push(format!("{}: {e}", toml_path.display()));
            return None;
        }
    };
    let dir_name = app_dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if config.id != dir_name {
        problems.push(format!(
            "{}: id {:?} must equal the directory name {dir_name:?}",
            toml_path.display(),
            config.id
        ));
    }
    let mut files: Vec<PathBuf> = match std::fs::read_dir(app_dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect(),
        Err(e) => {
            problems.push(format!("{}: {e}", app_dir.display()));
            return None;
        }
    };
    files.sort();
    let mut versions = Vec::new();
    for path in files {
        let raw = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                problems.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        match PolicyFile::parse(&raw) {
            Ok(file) => {
                let stem = path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or_default();
                if file.meta.version != stem {
                    problems.push(format!(
                        "{}: version {:?} must equal the file name {stem:?}.md",
                        path.display(),
                        file.meta.version
                    ));
                }
                if file.meta.status == PolicyStatus::Published && file.meta.published.is_none() {
                    problems.push(format!(
                        "{}: a published version needs a `published` date",
                        path.display()
                    ));
                }
                versions.push(Version { file, raw, path });
            }
            Err(e) => problems.push(format!("{}: {e}", path.display())),
        }
    }
    versions.sort_by(|a, b| {
        let key = |v: &Version| {
            (
                v.file.meta.published.is_none(),
                v.file.meta.published,
                v.file.meta.version.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    Some(App { config, versions })
}
