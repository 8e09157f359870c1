//! Persistent state: one SQLite database file in the data directory, or a
//! PostgreSQL database shared by several API instances (`--database-url`).
//!
//! Both engines run the same SQL (numbered `$1` parameters, which SQLite
//! reads too); [`on!`] runs a statement on whichever engine a connection
//! belongs to, and the few places where the dialects differ match on
//! [`Engine`]. On SQLite every connection runs in WAL mode with
//! `synchronous=FULL`, on PostgreSQL with `synchronous_commit=on`, so a
//! write the API has acknowledged survives a crash or power loss.
//!
//! Writes take turns on both engines: SQLite lets one writer in at a time,
//! and on PostgreSQL every write transaction takes one transaction-scoped
//! advisory lock ([`WRITE_LOCK`]) first. So the rules that SQLite's single
//! writer made true — a chain's tip read inside the transaction that
//! extends it, the change feed's `seq` in commit order, one finaliser per
//! cancellation — hold across any number of instances.

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions, Postgres};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::catalog::Catalog;
use crate::error::{Error, Result};

mod rows;
pub use crate::on_rows;
pub use rows::Rows;

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "privacy-center.sqlite3";

/// The PostgreSQL advisory lock every write transaction holds until it
/// ends (and the change feed's insert trigger takes too): the engine-wide
/// write turn that SQLite's own lock gives. Any fixed number; this one
/// spells "privacy" in ASCII.
pub const WRITE_LOCK: i64 = 0x0070_7269_7661_6379;

/// Which database engine the store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// One file in the data directory (the default).
    Sqlite,
    /// A PostgreSQL server, shared by any number of instances.
    Postgres,
}

/// The connection pool of either engine; cheap to clone.
#[derive(Clone, Debug)]
pub enum Db {
    /// SQLite.
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Pg(PgPool),
}

/// A connection of either engine, borrowed: what statements run on.
#[derive(Debug)]
pub enum Conn<'c> {
    /// SQLite.
    Sqlite(&'c mut SqliteConnection),
    /// PostgreSQL.
    Pg(&'c mut PgConnection),
}

/// Anything that lends a [`Conn`]: a pooled connection, a transaction, a
/// `Conn` itself (re-lent).
pub trait AsConn: Send {
    /// The connection, lent for one statement or several.
    fn conn(&mut self) -> Conn<'_>;

    /// Which engine the connection belongs to.
    fn engine(&mut self) -> Engine {
        self.conn().engine()
    }
}

impl AsConn for Conn<'_> {
    fn conn(&mut self) -> Conn<'_> {
        match self {
            Conn::Sqlite(c) => Conn::Sqlite(c),
            Conn::Pg(c) => Conn::Pg(c),
        }
    }
}

/// Runs `$body` with `$c` bound to the engine's own connection (`&mut
/// SqliteConnection` or `&mut PgConnection`) of `$conn` (anything
/// [`AsConn`]); the body is compiled once per engine, so the same sqlx code
/// runs on both. It must give the same type on both (map a query result to
/// `rows_affected()`, decode rows into tuples or `FromRow` types).
/// Exported for the integration tests.
#[macro_export]
macro_rules! on {
    ($conn:expr, $c:ident => $body:expr) => {
        match $crate::store::AsConn::conn($conn) {
            $crate::store::Conn::Sqlite($c) => $body,
            $crate::store::Conn::Pg($c) => $body,
        }
    };
}
pub use crate::on;

/// [`on!`] for a pool: `$c` is `&SqlitePool` or `&PgPool`, for one
/// statement on whichever connection is free.
#[macro_export]
macro_rules! on_db {
    ($db:expr, $c:ident => $body:expr) => {
        match $db {
            $crate::store::Db::Sqlite($c) => $body,
            $crate::store::Db::Pg($c) => $body,
        }
    };
}
pub use crate::on_db;

/// `rows` groups of `cols` numbered parameters, from `$first`:
/// `($1, $2), ($3, $4)` for a multi-row `VALUES` of 2 rows of 2.
pub fn values(rows: usize, cols: usize, first: usize) -> String {
    let mut out = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        out.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..cols {
            if c > 0 {
                out.push_str(", ");
            }
            out.push('$');
            out.push_str(&(first + r * cols + c).to_string());
        }
        out.push(')');
    }
    out
}

/// A pooled connection of either engine.
#[derive(Debug)]
pub enum Pooled {
    /// SQLite.
    Sqlite(PoolConnection<Sqlite>),
    /// PostgreSQL.
    Pg(PoolConnection<Postgres>),
}

impl AsConn for Pooled {
    fn conn(&mut self) -> Conn<'_> {
        match self {
            Pooled::Sqlite(c) => Conn::Sqlite(c),
            Pooled::Pg(c) => Conn::Pg(c),
        }
    }
}

/// A transaction of either engine.
#[derive(Debug)]
pub enum Tx<'c> {
    /// SQLite.
    Sqlite(Transaction<'c, Sqlite>),
    /// PostgreSQL.
    Pg(Transaction<'c, Postgres>),
}

impl Tx<'_> {
    /// Commits: one fsync (`synchronous=FULL`, `synchronous_commit=on`).
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Pg(t) => t.commit().await?,
        }
        Ok(())
    }
}

impl AsConn for Tx<'_> {
    fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(t) => Conn::Sqlite(t),
            Tx::Pg(t) => Conn::Pg(t),
        }
    }
}

impl<'c> Conn<'c> {
    /// Which engine this connection belongs to.
    pub fn engine(&self) -> Engine {
        match self {
            Conn::Sqlite(_) => Engine::Sqlite,
            Conn::Pg(_) => Engine::Postgres,
        }
    }

    /// A write transaction on this connection, without this process's write
    /// turn: `BEGIN IMMEDIATE` on SQLite (no upgrade deadlock), on
    /// PostgreSQL `BEGIN` and the [`WRITE_LOCK`]. For the CLI and for short
    /// bookkeeping writes; request handlers use [`Store::begin_write`].
    pub async fn begin_write(self) -> Result<Tx<'c>> {
        Ok(match self {
            Conn::Sqlite(c) => {
                Tx::Sqlite(sqlx::Connection::begin_with(c, "BEGIN IMMEDIATE").await?)
            }
            Conn::Pg(c) => Tx::Pg(sqlx::Connection::begin_with(c, begin_locked()).await?),
        })
    }

    /// A transaction that reads one consistent snapshot (and may write
    /// without the turn: only rows no other writer touches).
    pub async fn begin(self) -> Result<Tx<'c>> {
        Ok(match self {
            Conn::Sqlite(c) => Tx::Sqlite(sqlx::Connection::begin(c).await?),
            Conn::Pg(c) => Tx::Pg(sqlx::Connection::begin(c).await?),
        })
    }
}

/// `BEGIN` and the [`WRITE_LOCK`] for the rest of the transaction, sent
/// as one simple query: one round trip, where a `BEGIN` and then a
/// `SELECT pg_advisory_xact_lock($1)` took two, both inside the turn of
/// whoever waits for it. The lock is its own statement, so the statements
/// after it take their snapshots once it is held and see every write
/// committed before.
fn begin_locked() -> String {
    format!("BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})")
}

/// Handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    db: Db,
    /// This process's write turn: see [`Store::begin_write`].
    writer: Arc<Mutex<()>>,
}

/// A write transaction that holds this process's write turn until it is
/// committed or dropped; `&mut tx` lends its connection ([`AsConn`]).
#[derive(Debug)]
pub struct WriteTx {
    tx: Tx<'static>,
    _turn: OwnedMutexGuard<()>,
}

impl WriteTx {
    /// Commits (one fsync), then gives the turn on.
    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await
    }
}

impl AsConn for WriteTx {
    fn conn(&mut self) -> Conn<'_> {
        self.tx.conn()
    }
}

/// Log frames (pages) past which the checkpointer has the log start over:
/// 4,096 frames of 4 KiB, 16 MiB.
const RESTART_FRAMES: i64 = 4096;

/// How long a RESTART checkpoint waits for the writer and for readers of
/// the log before it gives up until the next turn. While it waits, SQLite
/// lets no new writer in: with the connections' 5 s busy timeout, one
/// RESTART behind a long read held every write back for up to 2 s (the
/// load bench's writes part, after its bursts).
const RESTART_WAIT: Duration = Duration::from_millis(20);

/// Log frames (256 MiB) past which a RESTART waits as long as any
/// statement would ([`BUSY_TIMEOUT`]): under writes that never pause, one
/// that gives up every time would let the log grow without end.
const MUST_RESTART_FRAMES: i64 = 65_536;

/// Runs one `PRAGMA wal_checkpoint(mode)`, waiting at most `wait` for
/// others; returns the frames in the log (0 when it failed, which is
/// logged).
async fn checkpoint(pool: &SqlitePool, mode: &'static str, wait: Duration) -> i64 {
    let started = std::time::Instant::now();
    let done: std::result::Result<(i64, i64, i64), sqlx::Error> = async {
        let mut conn = pool.acquire().await?;
        let other = wait != BUSY_TIMEOUT;
        if other {
            set_busy_timeout(&mut conn, wait).await?;
        }
        let done = sqlx::query_as(&format!("PRAGMA wal_checkpoint({mode})"))
            .fetch_one(&mut *conn)
            .await;
        // Never back in the pool with another wait.
        if other && set_busy_timeout(&mut conn, BUSY_TIMEOUT).await.is_err() {
            conn.close_on_drop();
        }
        done
    }
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

/// How long a SQLite statement waits for the lock it needs before it fails.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

async fn set_busy_timeout(
    conn: &mut SqliteConnection,
    wait: Duration,
) -> std::result::Result<(), sqlx::Error> {
    sqlx::query(&format!("PRAGMA busy_timeout = {}", wait.as_millis()))
        .execute(conn)
        .await
        .map(drop)
}

impl Store {
    /// Opens (creating if needed) and migrates the SQLite database in `data_dir`.
    pub async fn open(data_dir: &Path) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(Error::io(data_dir))?;
        let path = data_dir.join(DB_FILE);
        let options = SqliteConnectOptions::from_str("sqlite://")?
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
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
        Ok(Store::with(Db::Sqlite(pool)))
    }

    /// Connects to (and migrates) the PostgreSQL database at `url`
    /// (`postgres://user@host:port/db`), with `synchronous_commit=on`
    /// whatever the server's default.
    pub async fn connect(url: &str) -> Result<Store> {
        let options = PgConnectOptions::from_str(url)?
            .options([("synchronous_commit", "on")])
            .application_name("privacy-center");
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        let migrator = sqlx::migrate!("./migrations-pg");
        let latest = migrator.iter().map(|m| m.version).max().unwrap_or(0);
        // The API's own role may read `_sqlx_migrations` but not migrate:
        // an up-to-date database is left alone.
        let applied: Option<i64> =
            sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(&pool)
                .await
                .unwrap_or(None);
        if applied.unwrap_or(0) < latest {
            migrator.run(&pool).await.map_err(|e| {
                Error::Config(format!(
                    "cannot bring the PostgreSQL database up to migration {latest}: {e} \
                     (run `privacy-center migrate --database-url <the schema owner's URL>` \
                     first; docs/deploy.md)"
                ))
            })?;
        }
        Ok(Store::with(Db::Pg(pool)))
    }

    /// Closes every pooled connection (waits for those lent out).
    pub async fn close(&self) {
        match &self.db {
            Db::Sqlite(p) => p.close().await,
            Db::Pg(p) => p.close().await,
        }
    }

    /// PostgreSQL when `database_url` is given, else SQLite in `data_dir`.
    pub async fn open_either(data_dir: &Path, database_url: Option<&str>) -> Result<Store> {
        match database_url {
            Some(url) => Store::connect(url).await,
            None => Store::open(data_dir).await,
        }
    }

    fn with(db: Db) -> Store {
        Store {
            db,
            writer: Arc::new(Mutex::new(())),
        }
    }

    /// Which engine the store runs on.
    pub fn engine(&self) -> Engine {
        self.db.engine()
    }

    /// A connection from the pool.
    pub async fn acquire(&self) -> Result<Pooled> {
        self.db.acquire().await
    }

    /// How many rows an in-memory cache in front of this store may keep:
    /// `wanted` on SQLite, where this process is the database's one server,
    /// and none on PostgreSQL, where other instances change the same rows
    /// (a session ended there, a consent recorded there) and every read
    /// must see it at once.
    pub fn cache_capacity(&self, wanted: usize) -> usize {
        match self.engine() {
            Engine::Sqlite => wanted,
            Engine::Postgres => 0,
        }
    }

    /// Starts a write transaction once this process's earlier writers are
    /// done (the turn is a throughput and latency measure; correctness
    /// comes from the engine's own turn, which [`Conn::begin_write`] also
    /// takes). SQLite lets one writer in at a time and makes the others
    /// wait in its busy handler, which sleeps in growing steps (up to 100
    /// ms) and lets no one queue: under load, writes then waited half a
    /// second and more. In-process writers instead take turns here, first
    /// come first served, and only another process (a second API instance,
    /// the CLI) still meets the engine's wait.
    pub async fn begin_write(&self) -> Result<WriteTx> {
        let turn = self.writer.clone().lock_owned().await;
        let tx = match &self.db {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Pg(p) => Tx::Pg(p.begin_with(begin_locked()).await?),
        };
        Ok(WriteTx { tx, _turn: turn })
    }

    /// A transaction that reads one consistent snapshot.
    pub async fn begin(&self) -> Result<Tx<'static>> {
        Ok(match &self.db {
            Db::Sqlite(p) => Tx::Sqlite(p.begin().await?),
            Db::Pg(p) => Tx::Pg(p.begin().await?),
        })
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
    /// Nothing to do on PostgreSQL, which checkpoints by itself.
    pub fn spawn_checkpointer(&self, every: Duration) {
        let Db::Sqlite(pool) = &self.db else {
            return;
        };
        let pool = pool.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let frames = checkpoint(&pool, "PASSIVE", BUSY_TIMEOUT).await;
                if frames >= RESTART_FRAMES {
                    let wait = if frames < MUST_RESTART_FRAMES {
                        RESTART_WAIT
                    } else {
                        BUSY_TIMEOUT
                    };
                    checkpoint(&pool, "RESTART", wait).await;
                }
            }
        });
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        on_db!(&self.db, c => sqlx::query_scalar::<_, i32>("SELECT 1").fetch_one(c).await).is_ok()
    }

    /// Archives every loaded policy text by content hash. Texts already known
    /// are left as they are; returns how many were new.
    pub async fn archive_policy_texts(&self, catalog: &Catalog) -> Result<u64> {
        // A reload archives while requests write: take the write turn.
        let mut tx = self.begin_write().await?;
        let mut added = 0;
        for app in catalog.apps() {
            for v in &app.versions {
                let content = privacy_center_core::policy::normalise(&v.raw);
                added += on!(&mut tx, c => sqlx::query(
                    "INSERT INTO policy_texts (sha256, app, version, content) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (sha256) DO NOTHING",
                )
                .bind(&v.file.meta.sha256)
                .bind(&app.config.id)
                .bind(&v.file.meta.version)
                .bind(&content)
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
            }
        }
        tx.commit().await?;
        Ok(added)
    }

    /// The archived text with this hash, if any.
    pub async fn policy_text(&self, sha256: &str) -> Result<Option<String>> {
        Ok(on_db!(&self.db, c =>
            sqlx::query_scalar("SELECT content FROM policy_texts WHERE sha256 = $1")
                .bind(sha256)
                .fetch_optional(c)
                .await)?)
    }

    /// The pool, for one statement on any free connection ([`on_db!`]).
    pub fn pool(&self) -> &Db {
        &self.db
    }
}

impl Db {
    /// A connection from the pool.
    pub async fn acquire(&self) -> Result<Pooled> {
        Ok(match self {
            Db::Sqlite(p) => Pooled::Sqlite(p.acquire().await?),
            Db::Pg(p) => Pooled::Pg(p.acquire().await?),
        })
    }

    /// Which engine the pool belongs to.
    pub fn engine(&self) -> Engine {
        match self {
            Db::Sqlite(_) => Engine::Sqlite,
            Db::Pg(_) => Engine::Postgres,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sqlite(store: &Store) -> &SqlitePool {
        match store.pool() {
            Db::Sqlite(p) => p,
            Db::Pg(_) => unreachable!("opened on SQLite"),
        }
    }

    #[test]
    fn values_numbers_every_parameter() {
        assert_eq!(values(2, 2, 1), "($1, $2), ($3, $4)");
        assert_eq!(values(1, 3, 4), "($4, $5, $6)");
    }

    /// A RESTART checkpoint that waits for a long reader gives up after
    /// [`RESTART_WAIT`] instead of holding every writer back meanwhile.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_restart_behind_a_long_read_does_not_hold_writes_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let pool = sqlite(&store).clone();
        sqlx::query("CREATE TABLE filler (data BLOB NOT NULL)")
            .execute(&pool)
            .await
            .unwrap();
        let blob = vec![7u8; 256 * 1024];
        let fill = |n: usize| {
            let (pool, blob) = (pool.clone(), blob.clone());
            async move {
                for _ in 0..n {
                    sqlx::query("INSERT INTO filler (data) VALUES ($1)")
                        .bind(&blob)
                        .execute(&pool)
                        .await
                        .unwrap();
                }
            }
        };
        fill(8).await;
        // A reader whose snapshot needs the log, as a long report would.
        let mut reader = pool.acquire().await.unwrap();
        sqlx::query("BEGIN").execute(&mut *reader).await.unwrap();
        sqlx::query("SELECT count(*) FROM filler")
            .execute(&mut *reader)
            .await
            .unwrap();
        fill(72).await;
        let restart = tokio::spawn({
            let pool = pool.clone();
            async move { checkpoint(&pool, "RESTART", RESTART_WAIT).await }
        });
        tokio::time::sleep(Duration::from_millis(5)).await;
        let started = std::time::Instant::now();
        fill(1).await;
        let waited = started.elapsed();
        sqlx::query("COMMIT").execute(&mut *reader).await.unwrap();
        restart.await.unwrap();
        assert!(
            waited < Duration::from_secs(2),
            "a write waited {waited:?} behind the RESTART"
        );
    }

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
            .execute(sqlite(&store))
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
            sqlx::query("INSERT INTO filler (data) VALUES ($1)")
                .bind(&blob)
                .execute(sqlite(&store))
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
