//! `privacy-center policy publish`: a draft becomes a published version.
//! The front matter is rewritten by `core::publish` (the body stays byte for
//! byte), the whole tree is checked with the result in a scratch copy, and
//! only then is the file replaced, atomically (a temporary file renamed over
//! it), so a watching server never reads half a file.

use privacy_center_core::app::AppConfig;
use privacy_center_core::policy::{check_id, MAX_ID_LEN};
use privacy_center_core::wire::Date;
use std::path::{Path, PathBuf};

use crate::catalog::{local_date, Catalog, HOLIDAYS_DIR};
use crate::error::{Error, Result};

/// Publishes `version` of `app` in the tree at `policies`, or refuses and
/// leaves every file as it was. Without `published`, it is today in the
/// app's `time_zone`, as the server reads the schedule.
pub fn publish(
    policies: &Path,
    app: &str,
    version: &str,
    published: Option<Date>,
    effective: Date,
) -> Result<()> {
    let bad_id = |e: privacy_center_core::Error| Error::Config(e.to_string());
    check_id("app id", app, MAX_ID_LEN).map_err(bad_id)?;
    check_id("version", version, MAX_ID_LEN).map_err(bad_id)?;
    if app == HOLIDAYS_DIR || !policies.join(app).join("app.toml").is_file() {
        return Err(Error::NotFound(format!(
            "no app named {app:?} in {}",
            policies.display()
        )));
    }
    let name = format!("{version}.md");
    let path = policies.join(app).join(&name);
    if !path.is_file() {
        return Err(Error::NotFound(format!(
            "{app} has no version {version:?} (no file {})",
            path.display()
        )));
    }
    let published = match published {
        Some(day) => day,
        None => today_in(&policies.join(app).join("app.toml"))?,
    };
    let text = std::fs::read_to_string(&path).map_err(Error::io(&path))?;
    let next = privacy_center_core::publish::publish(&text, published, effective)
        .map_err(|e| Error::Config(format!("{app}/{name}: {e}")))?;
    check_with(policies, &Path::new(app).join(&name), &next).map_err(|e| match e {
        Error::Policies(problems) => Error::Config(format!(
            "{app}/{name} was not changed: published this way the tree would fail \
             `policy check`:\n{}",
            problems.join("\n")
        )),
        other => other,
    })?;
    write_atomic(&path, &next)?;
    println!(
        "{app}/{name}: published {published}, effective {effective} \
         (a server with --watch-policies serves it now; send SIGHUP otherwise)"
    );
    Ok(())
}

/// Today in the time zone of the app whose `app.toml` is at `path`.
fn today_in(path: &Path) -> Result<Date> {
    let text = std::fs::read_to_string(path).map_err(Error::io(path))?;
    let config =
        AppConfig::parse(&text).map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
    let zone = jiff::tz::TimeZone::get(&config.time_zone).map_err(|e| {
        Error::Config(format!(
            "{}: time_zone {:?}: {e}",
            path.display(),
            config.time_zone
        ))
    })?;
    Ok(local_date(&zone, crate::clock::now_ms()))
}

/// Loads the tree as it would be with `relative` holding `text`, from a
/// scratch copy, which is removed afterwards.
fn check_with(policies: &Path, relative: &Path, text: &str) -> Result<()> {
    let scratch = std::env::temp_dir().join(format!(
        "privacy-center-publish-{}-{}",
        std::process::id(),
        crate::clock::now_ms()
    ));
    let outcome = copy_tree(policies, &scratch).and_then(|()| {
        let target = scratch.join(relative);
        std::fs::write(&target, text).map_err(Error::io(&target))?;
        Catalog::load(&scratch).map(drop)
    });
    let _ = std::fs::remove_dir_all(&scratch);
    outcome
}

/// Copies the directories and files of `from` (two levels: apps and their
/// files) to `to`.
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).map_err(Error::io(to))?;
    for entry in std::fs::read_dir(from).map_err(Error::io(from))? {
        let entry = entry.map_err(Error::io(from))?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if src.is_dir() {
            copy_tree(&src, &dst)?;
        } else if src.is_file() {
            std::fs::copy(&src, &dst).map_err(Error::io(&src))?;
        }
    }
    Ok(())
}

/// Replaces `path` with `text` by renaming a temporary file of the same
/// directory over it: readers see the old file or the new one, never a
/// part. The temporary name does not end in `.md`, so no load reads it.
fn write_atomic(path: &Path, text: &str) -> Result<()> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp: PathBuf = path.with_file_name(format!(".{file_name}.publishing"));
    std::fs::write(&temp, text).map_err(Error::io(&temp))?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(&temp, meta.permissions());
    }
    std::fs::rename(&temp, path).map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        Error::Io {
            path: path.to_owned(),
            source: e,
        }
    })
}
