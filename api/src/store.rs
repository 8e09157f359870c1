//! Persistent state: one SQLite database file in the data directory.
//!
//! Every connection runs in WAL mode with `synchronous=FULL`, so a write the
//! API has acknowledged survives a crash or power loss.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use crate::catalog::Catalog;
use crate::error::{Error, Result};

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "privacy-center.sqlite3";

/// Handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating if needed) and migrates the database in `data_dir`.
    pub async fn open(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(Error::io(data_dir))?;
        let path = data_dir.join(DB_FILE);
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            // No checkpoint inside a COMMIT: the ledger writer would answer
            // late. A server checkpoints from its own task instead
            // (`spawn_checkpointer`); the last connection to close checkpoints too.
            .pragma("wal_autocheckpoint", "0");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Store { pool })
    }

    /// Copies the write-ahead log into the database file every `every`, on
    /// a connection of its own, so checkpoints (page copies and their fsync)
    /// run beside commits instead of inside one. PASSIVE: it never waits for
    /// readers or the writer. Runs until the runtime stops.
    pub fn spawn_checkpointer(&self, every: Duration) {
        let pool = self.pool.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let started = std::time::Instant::now();
                let done: std::result::Result<(i64, i64, i64), sqlx::Error> =
                    sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
                        .fetch_one(&pool)
                        .await;
                let ms = started.elapsed().as_millis();
                match done {
                    // (busy, frames in the WAL, frames copied so far)
                    Ok((_, frames, copied)) if ms >= 1000 => {
                        tracing::warn!(ms, frames, copied, "slow WAL checkpoint")
                    }
                    Ok((_, frames, copied)) => {
                        tracing::trace!(ms, frames, copied, "WAL checkpoint")
                    }
                    Err(e) => tracing::warn!(error = %e, "WAL checkpoint failed"),
                }
            }
        });
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        sqlx::query_scalar::<_, i64>("SELECT 1")
            .fetch_one(&self.pool)
            .await
            .is_ok()
    }

    /// Archives every loaded policy text by content hash. Texts already known
    /// are left as they are; returns how many were new.
    pub async fn archive_policy_texts(&self, catalog: &Catalog) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        let mut added = 0;
        for app in catalog.apps() {
            for v in &app.versions {
                added += sqlx::query(
                    "INSERT INTO policy_texts (sha256, app, version, content) VALUES (?, ?, ?, ?) \
                     ON CONFLICT (sha256) DO NOTHING",
                )
                .bind(&v.file.meta.sha256)
                .bind(&app.config.id)
                .bind(&v.file.meta.version)
                .bind(privacy_center_core::policy::normalise(&v.raw))
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
        }
        tx.commit().await?;
        Ok(added)
    }

    /// The archived text with this hash, if any.
    pub async fn policy_text(&self, sha256: &str) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT content FROM policy_texts WHERE sha256 = ?")
                .bind(sha256)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// The underlying pool, for tests and later modules.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}
