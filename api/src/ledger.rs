//! The consent ledger: an append-only table holding one SHA-256 hash chain
//! per (app, user), written by a single group-committing writer task.
//!
//! Each record's hash covers a length-prefixed encoding of its fields and the
//! previous record's hash, so altering, removing or reordering rows breaks a
//! link that [`verify_chain`] reports. (Removing a chain's *last* rows leaves
//! no broken link; only a copy of the heads kept elsewhere would show that.)
//!
//! Events are decisions (`accept`, `withdraw`) and "Not now" (`defer`), in
//! one chain: the order of what a user was asked and answered is evidence
//! too. The consent verdict reads the latest decision and any `defer` after it.

use privacy_center_core::wire::{Channel, ConsentAction, ConsentRecord};
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

use crate::cache::EpochCache;
use crate::clock::{now_ms, rfc3339_ms};
use crate::error::{Error, Result};
use crate::identity::{random_hex, sha256_hex};

/// `prev_hash` of a user's first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Separates this hash from any other SHA-256 use and versions the encoding.
const DOMAIN: &[u8] = b"privacy-center consent record v1";

/// Default largest number of requests written in one transaction.
pub const DEFAULT_BATCH: usize = 512;

/// The fields a record's hash covers, in hashing order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields<'a> {
    /// Random record id.
    pub record_id: &'a str,
    /// App id.
    pub app: &'a str,
    /// User id.
    pub user_id: &'a str,
    /// Policy version.
    pub version: &'a str,
    /// Policy content hash.
    pub sha256: &'a str,
    /// `accept`, `withdraw` or `defer`.
    pub action: &'a str,
    /// `browser` or `webview`.
    pub channel: &'a str,
    /// RFC 3339 time.
    pub recorded_at: &'a str,
    /// The previous record's hash, or [`GENESIS`].
    pub prev_hash: &'a str,
}

impl Fields<'_> {
    /// The canonical encoding: the domain tag, then every field as an 8-byte
    /// big-endian length followed by its UTF-8 bytes. No two different
    /// records encode alike, whatever characters the fields contain.
    pub fn encode(&self) -> Vec<u8> {
        let parts = [
            self.record_id,
            self.app,
            self.user_id,
            self.version,
            self.sha256,
            self.action,
            self.channel,
            self.recorded_at,
            self.prev_hash,
        ];
        let mut out = Vec::with_capacity(DOMAIN.len() + 9 * 8 + 256);
        out.extend_from_slice(&(DOMAIN.len() as u64).to_be_bytes());
        out.extend_from_slice(DOMAIN);
        for p in parts {
            out.extend_from_slice(&(p.len() as u64).to_be_bytes());
            out.extend_from_slice(p.as_bytes());
        }
        out
    }

    /// SHA-256 of [`Fields::encode`], lowercase hex.
    pub fn hash(&self) -> String {
        sha256_hex(&self.encode())
    }
}

/// A ledger row as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Row {
    /// Insertion order across the whole ledger.
    pub seq: i64,
    /// Random record id.
    pub record_id: String,
    /// App id.
    pub app: String,
    /// User id.
    pub user_id: String,
    /// Policy version.
    pub version: String,
    /// Policy content hash.
    pub sha256: String,
    /// `accept`, `withdraw` or `defer`.
    pub action: String,
    /// `browser` or `webview`.
    pub channel: String,
    /// RFC 3339 time.
    pub recorded_at: String,
    /// Previous record's hash.
    pub prev_hash: String,
    /// This record's hash.
    pub hash: String,
}

impl Row {
    fn fields(&self) -> Fields<'_> {
        Fields {
            record_id: &self.record_id,
            app: &self.app,
            user_id: &self.user_id,
            version: &self.version,
            sha256: &self.sha256,
            action: &self.action,
            channel: &self.channel,
            recorded_at: &self.recorded_at,
            prev_hash: &self.prev_hash,
        }
    }

    /// The record as sent on the wire.
    pub fn to_wire(&self) -> ConsentRecord {
        let action = ConsentAction::parse(&self.action).unwrap_or_default();
        ConsentRecord {
            record_id: self.record_id.clone(),
            app: self.app.clone(),
            user: self.user_id.clone(),
            version: self.version.clone(),
            sha256: self.sha256.clone(),
            action,
            state: action.resulting_state(),
            channel: Channel::parse(&self.channel).unwrap_or_default(),
            recorded_at: self.recorded_at.clone(),
            prev_hash: self.prev_hash.clone(),
            hash: self.hash.clone(),
        }
    }
}

const COLUMNS: &str =
    "seq, record_id, app, user_id, version, sha256, action, channel, recorded_at, prev_hash, hash";

/// What is wrong with a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The stored hash does not match the row's contents.
    Altered {
        /// The row.
        seq: i64,
        /// Its record id.
        record_id: String,
    },
    /// The row links to a record that is not in the ledger.
    Missing {
        /// The row after the gap.
        seq: i64,
        /// Its record id.
        record_id: String,
    },
    /// The row links to a record that is in the chain but not right before it.
    Reordered {
        /// The row out of place.
        seq: i64,
        /// Its record id.
        record_id: String,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Altered { seq, record_id } => write!(
                f,
                "seq {seq} (record {record_id}): altered: its hash does not match its contents"
            ),
            Problem::Missing { seq, record_id } => write!(
                f,
                "seq {seq} (record {record_id}): broken link: the record before it is missing"
            ),
            Problem::Reordered { seq, record_id } => write!(
                f,
                "seq {seq} (record {record_id}): reordered: it does not link to the record stored before it"
            ),
        }
    }
}

/// Checks one user's rows, in `seq` order: every hash recomputes, the first
/// links to [`GENESIS`] and every other to the row before it.
pub fn verify_chain(rows: &[Row]) -> Vec<Problem> {
    let stored: HashSet<&str> = rows.iter().map(|r| r.hash.as_str()).collect();
    let mut problems = Vec::new();
    let mut expected_prev = GENESIS;
    for row in rows {
        let id = || (row.seq, row.record_id.clone());
        if row.fields().hash() != row.hash {
            let (seq, record_id) = id();
            problems.push(Problem::Altered { seq, record_id });
        }
        if row.prev_hash != expected_prev {
            let (seq, record_id) = id();
            let known = row.prev_hash == GENESIS || stored.contains(row.prev_hash.as_str());
            problems.push(if known {
                Problem::Reordered { seq, record_id }
            } else {
                Problem::Missing { seq, record_id }
            });
        }
        expected_prev = &row.hash;
    }
    problems
}

/// Outcome of [`verify_store`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Number of (app, user) chains.
    pub chains: usize,
    /// Number of records.
    pub records: usize,
    /// One line per problem, naming the chain.
    pub problems: Vec<String>,
}

/// Walks every chain in the database, page by page.
pub async fn verify_store(pool: &SqlitePool) -> Result<Report> {
    verify_in_pages(pool, 5000).await
}

async fn verify_in_pages(pool: &SqlitePool, page_rows: i64) -> Result<Report> {
    let mut report = Report::default();
    let mut chain: Vec<Row> = Vec::new();
    let finish = |chain: &mut Vec<Row>, report: &mut Report| {
        if let Some(first) = chain.first() {
            report.chains += 1;
            report.records += chain.len();
            for p in verify_chain(chain) {
                report
                    .problems
                    .push(format!("{}/{}: {p}", first.app, first.user_id));
            }
        }
        chain.clear();
    };
    let mut after: Option<(String, String, i64)> = None;
    loop {
        let page: Vec<Row> = match &after {
            None => {
                sqlx::query_as(&format!(
                    "SELECT {COLUMNS} FROM consents ORDER BY app, user_id, seq LIMIT ?"
                ))
                .bind(page_rows)
                .fetch_all(pool)
                .await?
            }
            Some((app, user, seq)) => {
                sqlx::query_as(&format!(
                    "SELECT {COLUMNS} FROM consents WHERE (app, user_id, seq) > (?, ?, ?) \
                     ORDER BY app, user_id, seq LIMIT ?"
                ))
                .bind(app)
                .bind(user)
                .bind(seq)
                .bind(page_rows)
                .fetch_all(pool)
                .await?
            }
        };
        let Some(last) = page.last() else { break };
        after = Some((last.app.clone(), last.user_id.clone(), last.seq));
        for row in page {
            let same = chain
                .first()
                .is_some_and(|f| f.app == row.app && f.user_id == row.user_id);
            if !same {
                finish(&mut chain, &mut report);
            }
            chain.push(row);
        }
    }
    finish(&mut chain, &mut report);
    Ok(report)
}

/// A user's records, oldest first.
pub async fn records(pool: &SqlitePool, app: &str, user: &str) -> Result<Vec<Row>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM consents WHERE app = ? AND user_id = ? ORDER BY seq"
    ))
    .bind(app)
    .bind(user)
    .fetch_all(pool)
    .await?)
}

/// What a user did, to be appended to their chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Append {
    /// App id.
    pub app: String,
    /// User id.
    pub user_id: String,
    /// How consent was obtained.
    pub channel: Channel,
    /// The event.
    pub event: Event,
}

/// A ledger event before it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Accept this version (already checked to be current).
    Accept {
        /// Version name.
        version: String,
        /// Its content hash.
        sha256: String,
    },
    /// Withdraw the standing acceptance; when given, it must be of this version/hash.
    Withdraw {
        /// Expected version.
        version: Option<String>,
        /// Expected content hash.
        sha256: Option<String>,
    },
    /// "Not now" for this version (already checked to be current); refused
    /// when the user's standing decision already accepts it.
    Defer {
        /// Version name.
        version: String,
        /// Its content hash.
        sha256: String,
    },
}

/// One record as the consent verdict needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// The event.
    pub action: ConsentAction,
    /// Policy version.
    pub version: String,
    /// Policy content hash.
    pub sha256: String,
    /// RFC 3339 time.
    pub recorded_at: String,
}

impl Mark {
    fn of(row: &Row) -> Mark {
        Mark {
            action: ConsentAction::parse(&row.action).unwrap_or_default(),
            version: row.version.clone(),
            sha256: row.sha256.clone(),
            recorded_at: row.recorded_at.clone(),
        }
    }
}

/// What the consent verdict needs of a user's chain; both `None` = no record yet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Head {
    /// The latest `accept` or `withdraw`.
    pub decision: Option<Mark>,
    /// The latest `defer`, when it came after `decision`.
    pub deferral: Option<Mark>,
}

/// Chain heads by (app, user).
type Heads = EpochCache<(String, String), Head>;

/// A chain's newest row and its newest decision (the same row unless "Not
/// now" came since), as the writer checks a request against them.
#[derive(Debug, Clone)]
struct Tip {
    last: Row,
    decision: Option<Row>,
}

impl Tip {
    /// Groups rows read by [`tips_of`]: per chain, its newest row is `last`
    /// and its newest non-`defer` row is `decision`.
    fn group(rows: Vec<Row>) -> HashMap<(String, String), Tip> {
        let mut tips: HashMap<(String, String), Tip> = HashMap::new();
        for row in rows {
            let key = (row.app.clone(), row.user_id.clone());
            let decides = row.action != ConsentAction::Defer.as_str();
            match tips.get_mut(&key) {
                None => {
                    let decision = decides.then(|| row.clone());
                    tips.insert(
                        key,
                        Tip {
                            last: row,
                            decision,
                        },
                    );
                }
                Some(tip) => {
                    if decides && tip.decision.as_ref().is_none_or(|d| d.seq < row.seq) {
                        tip.decision = Some(row.clone());
                    }
                    if tip.last.seq < row.seq {
                        tip.last = row;
                    }
                }
            }
        }
        tips
    }

    /// The chain after `row` is appended.
    fn push(&mut self, row: Row) {
        if row.action != ConsentAction::Defer.as_str() {
            self.decision = Some(row.clone());
        }
        self.last = row;
    }

    fn head(&self) -> Head {
        let deferral =
            (self.last.action == ConsentAction::Defer.as_str()).then(|| Mark::of(&self.last));
        Head {
            decision: self.decision.as_ref().map(Mark::of),
            deferral,
        }
    }
}

/// Users whose chain heads are kept in memory.
const CACHED_HEADS: usize = 100_000;

struct Job {
    append: Append,
    reply: oneshot::Sender<Result<ConsentRecord>>,
}

/// Counters showing how the writer grouped its work.
#[derive(Debug, Default)]
pub struct Stats {
    commits: AtomicU64,
    records: AtomicU64,
}

impl Stats {
    /// Transactions committed.
    pub fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }

    /// Records written.
    pub fn records(&self) -> u64 {
        self.records.load(Ordering::Relaxed)
    }
}

/// Handle to the one task that writes the ledger; cheap to clone.
///
/// Every request waiting when the writer becomes free is written in one
/// `BEGIN IMMEDIATE … COMMIT` (group commit): under load, many consents
/// share one fsync instead of queueing behind each other's, and the batch
/// costs a constant number of statements (see `write_all`). A refused
/// request does not fail the others; no request is answered before the
/// commit that holds it.
#[derive(Debug, Clone)]
pub struct Ledger {
    tx: mpsc::Sender<Job>,
    stats: Arc<Stats>,
    heads: Arc<Heads>,
}

impl Ledger {
    /// Starts the writer on the current Tokio runtime. `max_batch` (≥ 1)
    /// caps the requests per transaction; 1 means one commit per request.
    pub fn start(pool: SqlitePool, max_batch: usize) -> Ledger {
        let max_batch = max_batch.max(1);
        let (tx, rx) = mpsc::channel(max_batch.max(1024));
        let stats = Arc::new(Stats::default());
        let heads = Arc::new(Heads::new(CACHED_HEADS));
        tokio::spawn(run(pool, rx, max_batch, stats.clone(), heads.clone()));
        Ledger { tx, stats, heads }
    }

    /// A user's latest decision and any "Not now" since, as the consent
    /// verdict needs them. Served from memory once read: the writer task is
    /// the only thing that changes chain heads, and it updates the cache
    /// after each commit.
    pub async fn head(&self, pool: &SqlitePool, app: &str, user: &str) -> Result<Head> {
        let key = (app.to_owned(), user.to_owned());
        if let Some(head) = self.heads.get(&key) {
            return Ok(head);
        }
        let epoch = self.heads.epoch();
        let mut conn = pool.acquire().await?;
        let head = Tip::group(tips_of(&mut conn, &[(app, user)]).await?)
            .remove(&key)
            .map(|tip| tip.head())
            .unwrap_or_default();
        self.heads.fill(epoch, key, head.clone());
        Ok(head)
    }

    /// Appends a record; answers once it is committed.
    pub async fn append(&self, append: Append) -> Result<ConsentRecord> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Job { append, reply })
            .await
            .map_err(|_| Error::Internal("the ledger writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| Error::Internal("the ledger writer dropped a request".into()))?
    }

    /// How the writer has grouped its work so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }
}

async fn run(
    pool: SqlitePool,
    mut rx: mpsc::Receiver<Job>,
    max_batch: usize,
    stats: Arc<Stats>,
    heads: Arc<Heads>,
) {
    let mut batch = Vec::with_capacity(max_batch);
    while rx.recv_many(&mut batch, max_batch).await > 0 {
        write_batch(&pool, std::mem::take(&mut batch), &stats, &heads).await;
    }
}

async fn write_batch(pool: &SqlitePool, jobs: Vec<Job>, stats: &Stats, heads: &Heads) {
    let mut tips = Vec::new();
    let outcomes = match write_all(pool, &jobs).await {
        Ok((outcomes, written)) => {
            stats.commits.fetch_add(1, Ordering::Relaxed);
            tips = written;
            outcomes
        }
        Err(Failed::BeforeCommit(e)) if jobs.len() > 1 => {
            // Something failed in the database, not in a request's own rules,
            // and nothing was committed: write each request on its own so
            // one cannot fail the others.
            tracing::warn!(error = %e, requests = jobs.len(), "ledger batch failed; retrying one by one");
            let mut outcomes = Vec::with_capacity(jobs.len());
            for job in &jobs {
                let outcome = match write_all(pool, std::slice::from_ref(job)).await {
                    Ok((mut one, written)) => {
                        stats.commits.fetch_add(1, Ordering::Relaxed);
                        tips.extend(written);
                        one.remove(0)
                    }
                    Err(Failed::BeforeCommit(e) | Failed::Commit(e)) => Err(e),
                };
                outcomes.push(outcome);
            }
            outcomes
        }
        // A failed COMMIT may still have reached the disk: retrying could
        // write a request twice, so every request of the batch fails.
        Err(Failed::BeforeCommit(e) | Failed::Commit(e)) => {
            tracing::error!(error = %e, requests = jobs.len(), "ledger batch failed");
            jobs.iter()
                .map(|_| Err(Error::Internal("the ledger write failed".into())))
                .collect()
        }
    };
    let written = outcomes.iter().filter(|o| o.is_ok()).count();
    stats.records.fetch_add(written as u64, Ordering::Relaxed);
    let failed = outcomes
        .iter()
        .any(|o| matches!(o, Err(Error::Database(_) | Error::Internal(_))));
    if failed {
        // A failed COMMIT may still have reached the disk: trust the database.
        heads.clear();
    }
    for (key, head) in tips {
        heads.set(key, head);
    }
    for (job, outcome) in jobs.into_iter().zip(outcomes) {
        let _ = job.reply.send(outcome);
    }
}

/// Users whose chain tips one query reads (two variables each).
const HEADS_PER_QUERY: usize = 200;
/// Rows one INSERT writes (ten variables each).
const ROWS_PER_INSERT: usize = 64;

/// Why a batch wrote nothing (or may have: a failed COMMIT).
enum Failed {
    /// Nothing was committed.
    BeforeCommit(Error),
    /// COMMIT itself failed; whether the rows reached the disk is unknown.
    Commit(Error),
}

impl<E: Into<Error>> From<E> for Failed {
    fn from(e: E) -> Failed {
        Failed::BeforeCommit(e.into())
    }
}

/// What a committed batch answers each request, and the new heads of the
/// chains it changed.
type Written = (Vec<Result<ConsentRecord>>, Vec<((String, String), Head)>);

/// One transaction for the whole batch, in a constant number of statements:
/// the chain tips of every user in the batch are read with one query, each
/// request is checked against its user's tip in memory (a refused request
/// writes nothing and does not affect the others), the new rows go in with
/// multi-row INSERTs, and one COMMIT (one fsync with `synchronous=FULL`)
/// makes them durable.
async fn write_all(pool: &SqlitePool, jobs: &[Job]) -> std::result::Result<Written, Failed> {
    let mut conn = pool.acquire().await?;
    let mut tx: Transaction<'_, Sqlite> =
        sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await?;
    // Heads are read inside the write transaction: nothing can move them
    // between the read and the commit.
    let mut keys: Vec<(&str, &str)> = jobs
        .iter()
        .map(|j| (j.append.app.as_str(), j.append.user_id.as_str()))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let mut tips: HashMap<(String, String), Tip> = HashMap::with_capacity(keys.len());
    for chunk in keys.chunks(HEADS_PER_QUERY) {
        tips.extend(Tip::group(tips_of(&mut tx, chunk).await?));
    }
    let mut rows: Vec<Row> = Vec::with_capacity(jobs.len());
    let mut outcomes = Vec::with_capacity(jobs.len());
    let mut changed: Vec<(String, String)> = Vec::new();
    for job in jobs {
        let a = &job.append;
        let key = (a.app.clone(), a.user_id.clone());
        match next_row(tips.get(&key), a) {
            Ok(row) => {
                outcomes.push(Ok(row.to_wire()));
                rows.push(row.clone());
                tips.entry(key.clone())
                    .or_insert_with(|| Tip {
                        last: row.clone(),
                        decision: None,
                    })
                    .push(row);
                changed.push(key);
            }
            Err(e) => outcomes.push(Err(e)),
        }
    }
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        insert_rows(&mut tx, chunk).await?;
    }
    tx.commit()
        .await
        .map_err(|e| Failed::Commit(Error::from(e)))?;
    changed.sort_unstable();
    changed.dedup();
    let heads = changed
        .into_iter()
        .map(|key| {
            let head = tips[&key].head();
            (key, head)
        })
        .collect();
    Ok((outcomes, heads))
}

/// For each (app, user) given that has records: its newest row and its
/// newest decision (non-`defer`) row, one row when they are the same.
async fn tips_of(conn: &mut SqliteConnection, keys: &[(&str, &str)]) -> Result<Vec<Row>> {
    let values = vec!["(?, ?)"; keys.len()].join(", ");
    // Index probes on consents_user (app, user_id, seq): one per user for the
    // newest row, and a walk back past any "Not now" rows for the decision.
    let sql = format!(
        "WITH k(app, user_id) AS (VALUES {values}) \
         SELECT {COLUMNS} FROM consents WHERE seq IN (\
           SELECT (SELECT c.seq FROM consents c WHERE c.app = k.app AND c.user_id = k.user_id \
                   ORDER BY c.seq DESC LIMIT 1) FROM k \
           UNION ALL \
           SELECT (SELECT c.seq FROM consents c WHERE c.app = k.app AND c.user_id = k.user_id \
                   AND c.action <> 'defer' ORDER BY c.seq DESC LIMIT 1) FROM k)"
    );
    let mut q = sqlx::query_as::<_, Row>(&sql);
    for (app, user) in keys {
        q = q.bind(*app).bind(*user);
    }
    Ok(q.fetch_all(&mut *conn).await?)
}

async fn insert_rows(conn: &mut SqliteConnection, rows: &[Row]) -> Result<()> {
    let values = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; rows.len()].join(", ");
    let sql = format!(
        "INSERT INTO consents (record_id, app, user_id, version, sha256, action, channel, \
         recorded_at, prev_hash, hash) VALUES {values}"
    );
    let mut q = sqlx::query(&sql);
    for r in rows {
        q = q
            .bind(&r.record_id)
            .bind(&r.app)
            .bind(&r.user_id)
            .bind(&r.version)
            .bind(&r.sha256)
            .bind(&r.action)
            .bind(&r.channel)
            .bind(&r.recorded_at)
            .bind(&r.prev_hash)
            .bind(&r.hash);
    }
    let inserted = q.execute(&mut *conn).await?.rows_affected();
    if inserted != rows.len() as u64 {
        return Err(Error::Internal(format!(
            "inserted {inserted} of {} ledger rows",
            rows.len()
        )));
    }
    Ok(())
}

/// The row `a` appends to the chain whose tip is `tip` (none for a user's
/// first record), or why it is refused.
fn next_row(tip: Option<&Tip>, a: &Append) -> Result<Row> {
    let decision = tip.and_then(|t| t.decision.as_ref());
    let (version, sha256, action) = match &a.event {
        Event::Accept { version, sha256 } => {
            (version.clone(), sha256.clone(), ConsentAction::Accept)
        }
        Event::Defer { version, sha256 } => {
            if decision.is_some_and(|d| {
                d.action == ConsentAction::Accept.as_str()
                    && d.version == *version
                    && d.sha256 == *sha256
            }) {
                return Err(Error::NothingToDefer(format!(
                    "you have already agreed to version {version}"
                )));
            }
            (version.clone(), sha256.clone(), ConsentAction::Defer)
        }
        Event::Withdraw { version, sha256 } => {
            let standing = decision
                .filter(|h| h.action == ConsentAction::Accept.as_str())
                .ok_or_else(|| {
                    Error::NothingToWithdraw("there is no standing consent to withdraw".to_owned())
                })?;
            let differs = version.as_ref().is_some_and(|v| *v != standing.version)
                || sha256.as_ref().is_some_and(|s| *s != standing.sha256);
            if differs {
                return Err(Error::NothingToWithdraw(format!(
                    "your standing consent is to version {}, not the one named",
                    standing.version
                )));
            }
            (
                standing.version.clone(),
                standing.sha256.clone(),
                ConsentAction::Withdraw,
            )
        }
    };
    let mut row = Row {
        seq: 0,
        record_id: random_hex(16),
        app: a.app.clone(),
        user_id: a.user_id.clone(),
        version,
        sha256,
        action: action.as_str().to_owned(),
        channel: a.channel.as_str().to_owned(),
        recorded_at: rfc3339_ms(now_ms()),
        prev_hash: tip.map_or_else(|| GENESIS.to_owned(), |t| t.last.hash.clone()),
        hash: String::new(),
    };
    row.hash = row.fields().hash();
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Vec<Row> {
        let mut rows: Vec<Row> = Vec::new();
        for i in 0..n {
            let mut row = Row {
                seq: i as i64 + 1,
                record_id: format!("{:032x}", i),
                app: "a".into(),
                user_id: "u".into(),
                version: format!("v{i}"),
                sha256: "f".repeat(64),
                action: "accept".into(),
                channel: "browser".into(),
                recorded_at: rfc3339_ms(i as i64),
                prev_hash: rows.last().map_or(GENESIS.into(), |r| r.hash.clone()),
                hash: String::new(),
            };
            row.hash = row.fields().hash();
            rows.push(row);
        }
        rows
    }

    #[tokio::test]
    async fn paging_does_not_split_or_merge_chains() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(dir.path()).await.unwrap();
        let ledger = Ledger::start(store.pool().clone(), 4);
        for (user, n) in [("a", 3), ("b", 1), ("c", 4)] {
            for i in 0..n {
                let event = if i % 2 == 0 {
                    Event::Accept {
                        version: "v".into(),
                        sha256: "e".repeat(64),
                    }
                } else {
                    Event::Withdraw {
                        version: None,
                        sha256: None,
                    }
                };
                ledger
                    .append(Append {
                        app: "app".into(),
                        user_id: user.into(),
                        channel: Channel::Webview,
                        event,
                    })
                    .await
                    .unwrap();
            }
        }
        for page in [1, 2, 3, 5000] {
            let report = verify_in_pages(store.pool(), page).await.unwrap();
            assert_eq!(
                report,
                Report {
                    chains: 3,
                    records: 8,
                    problems: vec![]
                },
                "page of {page}"
            );
        }
    }

    #[test]
    fn encoding_is_unambiguous() {
        let mut a = chain(1).remove(0);
        let mut b = a.clone();
        a.app = "ab".into();
        a.user_id = "c".into();
        b.app = "a".into();
        b.user_id = "bc".into();
        assert_ne!(a.fields().encode(), b.fields().encode());
        assert_ne!(a.fields().hash(), b.fields().hash());
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert!(verify_chain(&chain(4)).is_empty());
        assert!(verify_chain(&[]).is_empty());
    }

    #[test]
    fn an_altered_field_is_reported() {
        let mut rows = chain(3);
        rows[1].version = "forged".into();
        let problems = verify_chain(&rows);
        assert_eq!(
            problems,
            [Problem::Altered {
                seq: 2,
                record_id: rows[1].record_id.clone()
            }]
        );
    }

    #[test]
    fn an_altered_row_with_a_recomputed_hash_breaks_the_next_link() {
        let mut rows = chain(3);
        rows[1].version = "forged".into();
        rows[1].hash = rows[1].fields().hash();
        let problems = verify_chain(&rows);
        assert!(matches!(problems[..], [Problem::Missing { seq: 3, .. }]));
    }

    #[test]
    fn a_deleted_row_is_reported() {
        let mut rows = chain(3);
        rows.remove(1);
        assert!(matches!(
            verify_chain(&rows)[..],
            [Problem::Missing { seq: 3, .. }]
        ));
        let mut rows = chain(2);
        rows.remove(0);
        assert!(matches!(
            verify_chain(&rows)[..],
            [Problem::Missing { seq: 2, .. }]
        ));
    }

    #[test]
    fn swapped_rows_are_reported() {
        let mut rows = chain(3);
        rows.swap(0, 1);
        let problems = verify_chain(&rows);
        assert!(!problems.is_empty());
        assert!(problems
            .iter()
            .all(|p| matches!(p, Problem::Reordered { .. })));
    }
}
