//! The policy tree reloaded without a restart: on SIGHUP, and with
//! `serve --watch-policies` when its files change.
//!
//! A reload builds a whole new [`Catalog`] from the files and swaps it in
//! with [`crate::catalog::Live::replace`], so every request sees either the
//! old tree or the new one. A tree that fails `policy check` is refused
//! whole: the old one keeps serving, each problem is logged with its
//! `app/file:line`, and the product team sees them on `/preview`
//! (`GET /api/staff/policies/reload`). The apps themselves are fixed at
//! start-up (their keys are loaded then): a tree that adds or removes an
//! app is refused with a message saying that needs a restart.
//!
//! What a reload did is this process's own fact: every instance reloads
//! the files it reads, so with two instances each reports its own tree.

use notify_debouncer_full::notify::event::{AccessKind, AccessMode, EventKind};
use notify_debouncer_full::notify::RecursiveMode;
use notify_debouncer_full::{new_debouncer, DebounceEventResult};
use privacy_center_core::wire::{PolicyTreeStatus, RefusedReload, ReloadTrigger};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::catalog::{Catalog, Live};
use crate::clock::{now_ms, rfc3339_ms};
use crate::error::{Error, Result};
use crate::store::Store;

/// Quiet time after the last file change before `--watch-policies`
/// reloads: an editor's save or a `git pull` touches several files.
pub const WATCH_DEBOUNCE: Duration = Duration::from_millis(300);

/// The reload status of this process, and the turn that keeps two reloads
/// (a signal and a file change) from overlapping.
#[derive(Debug)]
pub struct Reloads {
    status: Mutex<PolicyTreeStatus>,
    turn: tokio::sync::Mutex<()>,
}

impl Default for Reloads {
    fn default() -> Self {
        Reloads {
            status: Mutex::new(PolicyTreeStatus {
                loaded_at: rfc3339_ms(now_ms()),
                loaded_by: ReloadTrigger::Start,
                attempts: 0,
                refused: None,
            }),
            turn: tokio::sync::Mutex::new(()),
        }
    }
}

impl Reloads {
    /// The tree served now and the last refused reload, if newer.
    pub fn status(&self) -> PolicyTreeStatus {
        self.status.lock().expect("reload status").clone()
    }

    fn record(&self, trigger: ReloadTrigger, refused: Option<Vec<String>>) {
        let mut status = self.status.lock().expect("reload status");
        let at = rfc3339_ms(now_ms());
        status.attempts += 1;
        match refused {
            Some(problems) => {
                status.refused = Some(RefusedReload {
                    at,
                    trigger,
                    problems,
                })
            }
            None => {
                status.loaded_at = at;
                status.loaded_by = trigger;
                status.refused = None;
            }
        }
    }
}

/// What reloading needs of the server's state (made from it with
/// `FromRef`, so this module does not depend on the whole state).
#[derive(Debug, Clone)]
pub struct Reloader {
    /// The reloads so far, and the turn that keeps two from overlapping.
    pub reloads: Arc<Reloads>,
    /// The policy tree served.
    pub catalog: Live,
    /// Where new texts are archived before they are served.
    pub store: Store,
}

/// Loads `dir` and, when it passes, serves it from now on; otherwise keeps
/// the tree served now and records why. Whether the new tree is served.
pub async fn reload(state: &Reloader, dir: &Path, trigger: ReloadTrigger) -> bool {
    let _turn = state.reloads.turn.lock().await;
    let problems = match try_reload(state, dir).await {
        Ok(()) => {
            state.reloads.record(trigger, None);
            return true;
        }
        Err(Error::Policies(problems)) => problems,
        Err(e) => vec![e.to_string()],
    };
    for p in &problems {
        tracing::error!(?trigger, "policy reload refused: {p}");
    }
    tracing::warn!(
        ?trigger,
        problems = problems.len(),
        "the policy tree was not reloaded; the tree loaded before keeps serving"
    );
    state.reloads.record(trigger, Some(problems));
    false
}

async fn try_reload(state: &Reloader, dir: &Path) -> Result<()> {
    let owned = dir.to_owned();
    let catalog = tokio::task::spawn_blocking(move || Catalog::load(&owned))
        .await
        .map_err(|e| Error::Config(format!("loading the policy tree stopped: {e}")))??;
    same_apps(&state.catalog.get(), &catalog)?;
    for w in catalog.warnings() {
        tracing::warn!("{w}");
    }
    // Archived before it is served, so any version a reader can agree to
    // is already on file by its hash.
    let archived = state.store.archive_policy_texts(&catalog).await?;
    tracing::info!(
        apps = catalog.apps().count(),
        versions = catalog.version_count(),
        new_texts = archived,
        "policies reloaded"
    );
    state.catalog.replace(catalog);
    Ok(())
}

/// Refuses a tree whose apps differ from the served one's: an app's keys
/// and service token are loaded when the server starts.
fn same_apps(served: &Catalog, next: &Catalog) -> Result<()> {
    let ids = |c: &Catalog| -> BTreeSet<String> { c.apps().map(|a| a.config.id.clone()).collect() };
    let (before, after) = (ids(served), ids(next));
    let mut problems: Vec<String> = after
        .difference(&before)
        .map(|id| {
            format!(
                "{id}/app.toml: a new app needs a restart of the server \
                 (its signing key and service token are loaded at start-up)"
            )
        })
        .collect();
    problems.extend(before.difference(&after).map(|id| {
        format!(
            "{id}: removing an app needs a restart of the server \
             (its users' sessions and keys were loaded with it)"
        )
    }));
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Policies(problems))
    }
}

/// Reloads on every SIGHUP, for as long as the server runs.
pub fn reload_on_hangup(state: Reloader, dir: PathBuf) -> Result<()> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut hangups = signal(SignalKind::hangup()).map_err(Error::io("SIGHUP handler"))?;
    tokio::spawn(async move {
        while hangups.recv().await.is_some() {
            tracing::info!("SIGHUP: reloading {}", dir.display());
            reload(&state, &dir, ReloadTrigger::Signal).await;
        }
    });
    Ok(())
}

/// Reloads `WATCH_DEBOUNCE` after the last change to a file under `dir`,
/// for as long as the server runs.
pub fn reload_on_change(state: Reloader, dir: PathBuf) -> Result<()> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let mut debouncer = new_debouncer(WATCH_DEBOUNCE, None, move |res: DebounceEventResult| {
        match res {
            // Reading the files (the reload itself) is no change.
            Ok(events) if events.iter().any(|e| changes(&e.kind)) => {
                let _ = tx.send(());
            }
            Ok(_) => {}
            Err(errors) => {
                for e in errors {
                    tracing::warn!("watching the policy tree: {e}");
                }
            }
        }
    })
    .map_err(|e| Error::Config(format!("--watch-policies: {e}")))?;
    debouncer
        .watch(&dir, RecursiveMode::Recursive)
        .map_err(|e| Error::Config(format!("--watch-policies {}: {e}", dir.display())))?;
    tracing::info!("watching {} for changes", dir.display());
    tokio::spawn(async move {
        let _watching = debouncer;
        while rx.recv().await.is_some() {
            // Changes that arrived during a reload are in the tree it read
            // or trigger the next one; one reload covers any number.
            while rx.try_recv().is_ok() {}
            reload(&state, &dir, ReloadTrigger::Watch).await;
        }
    });
    Ok(())
}

/// Whether an event may have changed what the tree holds.
fn changes(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}
