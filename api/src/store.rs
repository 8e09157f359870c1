//! Persistent state: one SQLite database file in the data directory.
//!
//! Every connection runs in WAL mode with `synchronous=FULL`, so a write the
//! API has acknowledged survives a crash or power loss.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::catalog::Catalog;
use crate::error::{Error, Result};

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "privacy-center.sqlite3";

/// Handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    /// This process's write turn: see [`Store::begin_write`].
    writer: Arc<Mutex<()>>,
}

/// A write transaction (`BEGIN IMMEDIATE`: no upgrade deadlock) on a
/// connection of the caller's, without this process's write turn: for the
/// CLI and for short bookkeeping writes that hold the lock for a statement
/// or two. Request handlers that write state use [`Store::begin_write`].
pub async fn begin_immediate(conn: &mut sqlx::SqliteConnection) -> Result<Transaction<'_, Sqlite>> {
    Ok(sqlx::Connection::begin_with(conn, "BEGIN IMMEDIATE").await?)
}

/// A write transaction (`BEGIN IMMEDIATE`) that holds this process's write
/// turn until it is committed or dropped. Derefs to the transaction, so
/// `&mut tx` is a connection to run statements on.
#[derive(Debug)]
pub struct WriteTx {
    tx: Transaction<'static, Sqlite>,
    _turn: OwnedMutexGuard<()>,
}

impl WriteTx {
    /// Commits (one fsync with `synchronous=FULL`), then gives the turn on.
    pub async fn commit(self) -> Result<()> {
        Ok(self.tx.commit().await?)
    }
}

impl Deref for WriteTx {
    type Target = Transaction<'static, Sqlite>;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// Log frames (pages) past which the checkpointer has the log start over:
/// 4,096 frames of 4 KiB, 16 MiB.
const RESTART_FRAMES: i64 = 4096;

/// Runs one `PRAGMA wal_checkpoint(mode)`; returns the frames in the log
/// (0 when it failed, which is logged).
async fn checkpoint(pool: &SqlitePool, mode: &'static str) -> i64 {
    let started = std::time::Instant::now();
    let done: std::result::Result<(i64, i64, i64), sqlx::Error> =
        sqlx::query_as(&format!("PRAGMA wal_checkpoint({mode})"))
            .fetch_one(pool)
            .await;
    let ms = started.elapsed().as_millis();
    match done {
        // (busy, frames in the log, frames copied so far)
        Ok((_, frames, copied)) => {
            if ms >= 1000 {
                tracing::warn!(mode, ms, frames, copied, "slow WAL checkpoint");
            } else {
                tracing::trace!(mode, ms, frames, copied, "WAL checkpoint");
            }
            frames
        }
        Err(e) => {
            tracing::warn!(mode, error = %e, "WAL checkpoint failed");
            0
        }
    }
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
            .pragma("wal_autocheckpoint", "0")
            // When the log starts over, it is cut back to 64 MiB: a burst
            // does not keep its disk space.
            .pragma("journal_size_limit", "67108864");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Store {
            pool,
            writer: Arc::new(Mutex::new(())),
        })
    }

    /// Starts a write transaction (`BEGIN IMMEDIATE`: no upgrade deadlock)
    /// once this process's earlier writers are done (the turn is a
    /// throughput and latency measure; correctness comes from SQLite's own
    /// lock, which [`begin_immediate`] also takes). SQLite lets one writer
    /// in at a time and makes the others wait in its busy handler, which
    /// sleeps in growing steps (up to 100 ms) and lets no one queue: under
    /// load, writes then waited half a second and more. In-process writers
    /// instead take turns here, first come first served, and only another
    /// process (a second API instance, the CLI) still meets the busy handler.
    pub async fn begin_write(&self) -> Result<WriteTx> {
        let turn = self.writer.clone().lock_owned().await;
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(WriteTx { tx, _turn: turn })
    }

    /// Copies the write-ahead log into the database file every `every`, on
    /// a pooled connection, so checkpoints (page copies and their fsync) run
    /// beside commits instead of inside one. Runs until the runtime stops.
    ///
    /// A PASSIVE checkpoint never waits for readers or the writer, but under
    /// steady writes it never catches up with the end of the log either (new
    /// frames arrive while it copies), and SQLite starts the log over only
    /// once everything in it is copied: the log then grows without end
    /// (1.2 GB after 75,000 writes in the load bench), and every commit's
    /// fsync also has to extend the file. So once the log passes
    /// [`RESTART_FRAMES`], a RESTART checkpoint follows the PASSIVE one: it
    /// holds writers back only while it copies the few frames written
    /// since, and the next commit writes from the start of the log again.
    pub fn spawn_checkpointer(&self, every: Duration) {
        let pool = self.pool.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if checkpoint(&pool, "PASSIVE").await >= RESTART_FRAMES {
                    checkpoint(&pool, "RESTART").await;
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
        // A reload archives while requests write: take the write turn.
        let mut tx = self.begin_write().await?;
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
                .execute(&mut **tx)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Under writes that never pause, the log still starts over. Counted
    /// from the log's own header (its checkpoint sequence number goes up
    /// each time SQLite starts the log from the beginning), not from the
    /// file's size, which depends on how often a loaded machine lets the
    /// checkpointer run: without the RESTART step it never starts over.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_log_starts_over_under_steady_writes() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        store.spawn_checkpointer(Duration::from_millis(20));
        sqlx::query("CREATE TABLE filler (data BLOB NOT NULL)")
            .execute(store.pool())
            .await
            .unwrap();
        let wal = dir.path().join(format!("{DB_FILE}-wal"));
        // Bytes 12..16 of the WAL header: the checkpoint sequence number.
        let sequence = || {
            let mut header = [0u8; 16];
            std::fs::File::open(&wal)
                .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut header))
                .map(|()| u32::from_be_bytes([header[12], header[13], header[14], header[15]]))
                .ok()
        };
        let blob = vec![7u8; 256 * 1024];
        let (mut written, mut restarts, mut last) = (0u64, 0u32, None);
        // Well past the 64 MiB the log may keep, one commit after another.
        while written < 256 * 1024 * 1024 {
            sqlx::query("INSERT INTO filler (data) VALUES (?)")
                .bind(&blob)
                .execute(store.pool())
                .await
                .unwrap();
            written += blob.len() as u64;
            let now = sequence();
            if last.is_some() && now != last {
                restarts += 1;
            }
            last = now;
        }
        assert!(
            restarts >= 2,
            "the log started over {restarts} time(s) during {} MiB of steady writes",
            written >> 20
        );
    }
}
