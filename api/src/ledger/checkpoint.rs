//! Signed checkpoints of the whole ledger, in the spirit of Certificate
//! Transparency's signed tree heads (RFC 6962/9162), but a chained head
//! rather than a Merkle tree: checkpoint `n` covers every row with
//! `seq <= last_seq`, and its `root` is SHA-256 over checkpoint `n-1`'s root
//! and the `(seq, hash)` of each row it adds, so writing one costs only the
//! rows since the last. Each is Ed25519-signed, kept in
//! `ledger_checkpoints` and appended to `<data_dir>/checkpoints.log` (the
//! file is the authority: operators can ship it elsewhere).
//!
//! One instance writes checkpoints at a time (the lease in
//! `ledger_checkpoint_lease`); the checkpoint is computed, appended to the
//! file and inserted inside one write transaction, so the file's order is
//! the database's.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::seal::Keyring;
use crate::clock::{now_ms, rfc3339_ms};
use crate::error::{Error, Result};
use crate::identity::random_hex;
use crate::store::{on, on_db, AsConn, Db, Store};

/// The checkpoint log under the data directory.
pub const LOG_FILE: &str = "checkpoints.log";

/// The root before any checkpoint.
pub const EMPTY_ROOT: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How often the checkpoint task looks for new rows by default.
pub const DEFAULT_EVERY: Duration = Duration::from_secs(2);

/// How long a checkpoint writer's lease holds without renewal.
const LEASE_MS: i64 = 30_000;

/// Separates checkpoint signatures and roots from other uses.
const DOMAIN: &[u8] = b"privacy-center ledger checkpoint v1";
const ROOT_DOMAIN: &[u8] = b"privacy-center ledger root v1";

/// One signed checkpoint, as stored and as a line of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Checkpoint {
    /// 1, 2, … in the order written.
    pub id: i64,
    /// The highest `seq` it covers.
    pub last_seq: i64,
    /// Rows it covers (every row with `seq <= last_seq` when written).
    pub records: i64,
    /// The chained root (see the module doc), hex.
    pub root: String,
    /// When it was written, RFC 3339.
    pub at: String,
    /// The ledger key that signed it.
    pub key_id: String,
    /// Ed25519 signature of [`Checkpoint::message`], hex.
    pub signature: String,
}

impl Checkpoint {
    /// The signed bytes: a domain tag and every field but the signature.
    pub fn message(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        for part in [
            DOMAIN,
            self.id.to_string().as_bytes(),
            self.last_seq.to_string().as_bytes(),
            self.records.to_string().as_bytes(),
            self.root.as_bytes(),
            self.at.as_bytes(),
            self.key_id.as_bytes(),
        ] {
            out.extend_from_slice(&(part.len() as u64).to_be_bytes());
            out.extend_from_slice(part);
        }
        out
    }
}

/// The root after `rows` (`(seq, hash)`, in seq order) are added to `root`.
pub fn extend_root(root: &str, rows: &[(i64, String)]) -> String {
    let mut h = RootHasher::new(root);
    h.add(rows);
    h.finish()
}

/// [`extend_root`] in steps: the rows may come in several reads.
#[derive(Clone)]
struct RootHasher(Sha256);

impl RootHasher {
    fn new(root: &str) -> RootHasher {
        let mut h = Sha256::new();
        h.update(ROOT_DOMAIN);
        h.update(root.as_bytes());
        RootHasher(h)
    }

    fn add(&mut self, rows: &[(i64, String)]) {
        for (seq, hash) in rows {
            self.0.update(seq.to_be_bytes());
            self.0.update(hash.as_bytes());
        }
    }

    fn finish(self) -> String {
        hex::encode(self.0.finalize())
    }
}

/// Where the log of a data directory is.
pub fn log_path(data_dir: &Path) -> PathBuf {
    data_dir.join(LOG_FILE)
}

/// Every checkpoint in the log, oldest first, and how many lines did not
/// read (an absent file is empty). A crash while a line is written leaves
/// it torn, and its transaction never committed; such a line is skipped
/// (a checkpoint the database has and the log lacks is reported anyway).
pub fn read_log(data_dir: &Path) -> Result<(Vec<Checkpoint>, usize)> {
    let path = log_path(data_dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), 0)),
        Err(e) => return Err(Error::io(&path)(e)),
    };
    let mut skipped = 0;
    let checkpoints = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let read = serde_json::from_str(l).ok();
            skipped += usize::from(read.is_none());
            read
        })
        .collect();
    Ok((checkpoints, skipped))
}

/// Every checkpoint in the database, oldest first.
pub async fn stored(pool: &Db) -> Result<Vec<Checkpoint>> {
    Ok(on_db!(pool, c => sqlx::query_as(
        "SELECT id, last_seq, records, root, at, key_id, signature FROM ledger_checkpoints ORDER BY id",
    )
    .fetch_all(c).await)?)
}

/// The newest checkpoint.
async fn newest(conn: &mut impl AsConn) -> Result<Option<Checkpoint>> {
    Ok(on!(conn, c => sqlx::query_as(
        "SELECT id, last_seq, records, root, at, key_id, signature FROM ledger_checkpoints \
         ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(c).await)?)
}

/// The `(seq, hash)` of every row after `after`, in seq order.
async fn rows_after(conn: &mut impl AsConn, after: i64) -> Result<Vec<(i64, String)>> {
    Ok(
        on!(conn, c => sqlx::query_as("SELECT seq, hash FROM consents WHERE seq > $1 ORDER BY seq")
        .bind(after)
        .fetch_all(c).await)?,
    )
}

/// A checkpoint's work done before the write turn: the newest checkpoint,
/// and the rows committed after it by then, hashed.
struct Prepared {
    last: Option<Checkpoint>,
    hasher: RootHasher,
    records: i64,
    last_seq: i64,
}

impl Prepared {
    /// Reads and hashes from `conn`: everything after the newest checkpoint.
    async fn read(conn: &mut impl AsConn) -> Result<Prepared> {
        let last = newest(conn).await?;
        let after = last.as_ref().map_or(0, |c| c.last_seq);
        let rows = rows_after(conn, after).await?;
        let mut hasher = RootHasher::new(last.as_ref().map_or(EMPTY_ROOT, |c| &c.root));
        hasher.add(&rows);
        Ok(Prepared {
            records: last.as_ref().map_or(0, |c| c.records) + rows.len() as i64,
            last_seq: rows.last().map_or(after, |r| r.0),
            last,
            hasher,
        })
    }

    /// Adds the rows committed after the read, read inside the write turn.
    async fn catch_up(&mut self, conn: &mut impl AsConn) -> Result<()> {
        let rows = rows_after(conn, self.last_seq).await?;
        self.hasher.add(&rows);
        self.records += rows.len() as i64;
        self.last_seq = rows.last().map_or(self.last_seq, |r| r.0);
        Ok(())
    }
}

/// Writes a checkpoint of every row since the last one (or the first
/// checkpoint, even of an empty ledger), appending it to the log before
/// COMMIT; `None` when no row came since.
///
/// The rows since the last checkpoint are read and hashed before the
/// write turn, and under it only those committed since that read: writes
/// take turns, so what a read sees is every row up to some seq (the
/// newest it sees), and nothing below that seq commits later. Reading
/// them all inside the turn held every writer back for 20–48 ms every two
/// seconds at saturation (docs/benchmarks.md, the keyed ledger).
pub async fn write(
    store: &Store,
    keyring: &Keyring,
    data_dir: &Path,
) -> Result<Option<Checkpoint>> {
    let mut prepared = {
        let mut conn = store.acquire().await?;
        Prepared::read(&mut conn).await?
    };
    let mut tx = store.begin_write().await?;
    let last = newest(&mut tx).await?;
    if last.as_ref().map(|c| c.id) == prepared.last.as_ref().map(|c| c.id) {
        prepared.catch_up(&mut tx).await?;
    } else {
        // Another writer's checkpoint came in between: start from it.
        prepared = Prepared::read(&mut tx).await?;
    }
    let Prepared {
        last,
        hasher,
        records,
        last_seq,
    } = prepared;
    if last.as_ref().is_some_and(|c| c.last_seq == last_seq) {
        return Ok(None);
    }
    let mut checkpoint = Checkpoint {
        id: last.as_ref().map_or(1, |c| c.id + 1),
        last_seq,
        records,
        root: hasher.finish(),
        at: rfc3339_ms(now_ms()),
        key_id: String::new(),
        signature: String::new(),
    };
    checkpoint.key_id = keyring.current_id().to_owned();
    checkpoint.signature = keyring.sign(&checkpoint.message()).1;
    on!(&mut tx, c => sqlx::query(
        "INSERT INTO ledger_checkpoints (id, last_seq, records, root, at, key_id, signature) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(checkpoint.id)
    .bind(checkpoint.last_seq)
    .bind(checkpoint.records)
    .bind(&checkpoint.root)
    .bind(&checkpoint.at)
    .bind(&checkpoint.key_id)
    .bind(&checkpoint.signature)
    .execute(c).await.map(drop))?;
    // The file first: a crash before COMMIT leaves a checkpoint in the file
    // that the database lacks, whose rows are all there (verify accepts it
    // as the last line); never one in the database the file lacks.
    append_log(data_dir, &checkpoint)?;
    tx.commit().await?;
    Ok(Some(checkpoint))
}

fn append_log(data_dir: &Path, checkpoint: &Checkpoint) -> Result<()> {
    let path = log_path(data_dir);
    let mut line = serde_json::to_string(checkpoint)
        .map_err(|e| Error::Internal(format!("checkpoint to JSON: {e}")))?;
    line.push('\n');
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(&path)
        .map_err(Error::io(&path))?;
    if torn(&mut file).map_err(Error::io(&path))? {
        // A crash tore the last line: end it, so this one stands alone.
        line.insert(0, '\n');
    }
    file.write_all(line.as_bytes())
        .and_then(|()| file.sync_data())
        .map_err(Error::io(&path))
}

/// Whether the file's last byte is not a newline (a line torn by a crash).
fn torn(file: &mut std::fs::File) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    let len = file.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok(false);
    }
    file.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

/// Takes or renews the checkpoint writer's lease for `holder`; whether it
/// holds it now.
async fn claim(store: &Store, holder: &str) -> Result<bool> {
    let now = now_ms();
    let taken = on_db!(store.pool(), c => sqlx::query(
        "UPDATE ledger_checkpoint_lease SET holder = $1, lease_until_ms = $2 \
         WHERE id = 1 AND (holder = $3 OR lease_until_ms <= $4)",
    )
    .bind(holder)
    .bind(now + LEASE_MS)
    .bind(holder)
    .bind(now)
    .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(taken == 1)
}

/// Lets the lease go, so another instance takes over at once.
async fn release(store: &Store, holder: &str) -> Result<()> {
    on_db!(store.pool(), c => sqlx::query(
        "UPDATE ledger_checkpoint_lease SET holder = NULL, lease_until_ms = 0 \
         WHERE id = 1 AND holder = $1",
    )
    .bind(holder)
    .execute(c).await.map(drop))?;
    Ok(())
}

/// The checkpoint writer of one instance: one at start-up, then while it
/// holds the lease one every few seconds when rows came since, and a last
/// one at shutdown ([`Checkpointer::finish`]).
#[derive(Debug, Clone)]
pub struct Checkpointer {
    store: Store,
    keyring: Arc<Keyring>,
    data_dir: PathBuf,
    holder: String,
}

impl Checkpointer {
    /// A writer for this instance (not yet running).
    pub fn new(store: Store, keyring: Arc<Keyring>, data_dir: PathBuf) -> Checkpointer {
        Checkpointer {
            store,
            keyring,
            data_dir,
            holder: random_hex(8),
        }
    }

    /// One turn: a checkpoint if this instance holds (or takes) the lease
    /// and rows came since the last.
    pub async fn tick(&self) -> Result<Option<Checkpoint>> {
        // A read first: an idle ledger costs no write (and no fsync).
        let behind: bool = on_db!(self.store.pool(), c => sqlx::query_scalar(
            "SELECT coalesce((SELECT max(seq) FROM consents), 0) > \
             coalesce((SELECT max(last_seq) FROM ledger_checkpoints), 0)",
        )
        .fetch_one(c).await)?;
        if !behind || !claim(&self.store, &self.holder).await? {
            return Ok(None);
        }
        write(&self.store, &self.keyring, &self.data_dir).await
    }

    /// Writes a checkpoint now (whoever holds the lease: at start-up it
    /// seals every row written before, including unkeyed rows of an older
    /// data directory and rows since a crash), then runs
    /// [`Checkpointer::tick`] every `every` on the current runtime.
    pub async fn start(&self, every: Duration) -> Result<()> {
        write(&self.store, &self.keyring, &self.data_dir).await?;
        let me = self.clone();
        tokio::spawn(async move {
            let start = tokio::time::Instant::now() + every;
            let mut interval = tokio::time::interval_at(start, every);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                interval.tick().await;
                if let Err(e) = me.tick().await {
                    tracing::error!(error = %e, "ledger checkpoint failed");
                }
            }
        });
        Ok(())
    }

    /// At shutdown: a checkpoint of every row written (whoever holds the
    /// lease; the write transaction orders them), then the lease let go.
    pub async fn finish(&self) -> Result<Option<Checkpoint>> {
        let written = write(&self.store, &self.keyring, &self.data_dir).await?;
        release(&self.store, &self.holder).await?;
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{verify::verify_store, Append, Ledger};

    /// A ledger on a fresh store, and a way to record one acceptance.
    async fn ledger() -> (tempfile::TempDir, Store, Arc<Keyring>, Ledger) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let keyring = Arc::new(Keyring::load_with(dir.path(), None).unwrap());
        let ledger = Ledger::start(store.clone(), 8, keyring.clone());
        (dir, store, keyring, ledger)
    }

    async fn accept(ledger: &Ledger, user: String) {
        ledger.append(Append::accept(user)).await.unwrap();
    }

    #[tokio::test]
    async fn rows_committed_after_the_read_are_hashed_under_the_turn() {
        let (dir, store, keyring, ledger) = ledger().await;
        for i in 0..3 {
            accept(&ledger, format!("u{i}")).await;
        }
        let first = write(&store, &keyring, dir.path()).await.unwrap().unwrap();
        accept(&ledger, "v1".into()).await;
        let mut conn = store.acquire().await.unwrap();
        let mut prepared = Prepared::read(&mut conn).await.unwrap();
        // Committed after the read, before the turn.
        accept(&ledger, "v2".into()).await;
        accept(&ledger, "v3".into()).await;
        prepared.catch_up(&mut conn).await.unwrap();
        let rows = rows_after(&mut conn, first.last_seq).await.unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(prepared.records, first.records + 3);
        assert_eq!(prepared.last_seq, rows[2].0);
        assert_eq!(prepared.hasher.finish(), extend_root(&first.root, &rows));
    }

    /// Checkpoints written while consents keep coming cover every row once,
    /// in order, and verify.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn checkpoints_written_during_writes_verify() {
        let (dir, store, keyring, ledger) = ledger().await;
        let ledger = Arc::new(ledger);
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let ledger = ledger.clone();
                tokio::spawn(async move {
                    for i in 0..150 {
                        accept(&ledger, format!("w{w}-{}", i % 7)).await;
                    }
                })
            })
            .collect();
        let mut written = 0;
        while writers.iter().any(|w| !w.is_finished()) {
            written += usize::from(write(&store, &keyring, dir.path()).await.unwrap().is_some());
        }
        write(&store, &keyring, dir.path()).await.unwrap();
        assert!(written >= 2, "{written} checkpoint(s) during the writes");
        let report = verify_store(store.pool(), &keyring, dir.path())
            .await
            .unwrap();
        assert_eq!(report.problems, Vec::<String>::new());
        assert_eq!(report.records, 600);
        let newest = stored(store.pool()).await.unwrap().pop().unwrap();
        assert_eq!(newest.records, 600, "the last checkpoint covers every row");
    }
}
