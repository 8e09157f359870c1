//! The consent ledger: an append-only table holding one SHA-256 hash chain
//! per (app, user), written by a single group-committing writer task.
//!
//! Each record's hash covers a length-prefixed encoding of its fields and the
//! previous record's hash, so altering, removing or reordering rows breaks a
//! link that [`verify_chain`] reports. Against someone who can write the
//! database, each row also carries a MAC under a key kept outside it
//! ([`seal`]), signed checkpoints of the whole ledger ([`checkpoint`]) show
//! removed tails and chains, and each user gets a signed [`receipt`] (one
//! signature per batch of receipts, over a [`merkle`] tree).
//!
//! Events are decisions (`accept`, `withdraw`) and "Not now" (`defer`), in
//! one chain: the order of what a user was asked and answered is evidence
//! too. The consent verdict reads the latest decision and any `defer` after it.
//! What may be recorded is decided by `core::consent`; the ledger keeps the
//! chain's own rules: [`chain`] (fields, encoding, hash, the stored row),
//! [`verify`] (`ledger verify`), and `writer` (the group-commit task).

pub mod chain;
pub mod checkpoint;
pub mod merkle;
pub mod receipt;
pub mod seal;
pub mod verify;
mod writer;

use crate::store::{on_db, AsConn, Db};
use privacy_center_core::consent::{self, Answer, Deferral, Latest};
use privacy_center_core::schedule::Schedule;
use privacy_center_core::wire::{Channel, ConsentAction, ConsentRecord, ConsentStatus};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

use crate::cache::EpochCache;
use crate::error::{Error, Result};
use crate::store::Store;

pub use chain::{Fields, Row, FORMAT_V1, FORMAT_V2, GENESIS};
pub use checkpoint::{Checkpoint, Checkpointer};
pub use seal::Keyring;
pub use verify::{verify_chain, verify_store, Problem, Report};
pub use writer::Stats;
use writer::Tip;

/// Default largest number of requests written in one transaction.
pub const DEFAULT_BATCH: usize = 512;

/// Users whose chain heads are kept in memory.
const CACHED_HEADS: usize = 100_000;

/// A user's records, oldest first.
pub async fn records(db: &Db, app: &str, user: &str) -> Result<Vec<Row>> {
    let sql = format!(
        "SELECT {} FROM consents WHERE app = $1 AND user_id = $2 ORDER BY seq",
        chain::COLUMNS
    );
    Ok(on_db!(db, c => sqlx::query_as(&sql).bind(app).bind(user).fetch_all(c).await)?)
}

/// A user's records as sent on the wire, oldest first, each with its
/// receipt where its seal checks (all signed as one batch); fails if any
/// row cannot be read.
pub async fn records_wire(
    db: &Db,
    keyring: &Keyring,
    app: &str,
    user: &str,
) -> Result<Vec<ConsentRecord>> {
    let rows = records(db, app, user).await?;
    rows.iter()
        .zip(receipt::issue_all(keyring, &rows))
        .map(|(row, receipt)| {
            let mut record = row.to_wire()?;
            record.receipt = receipt;
            Ok(record)
        })
        .collect()
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
    /// The answer, as read by [`Answer::from_request`]; the writer checks it
    /// against the chain with [`consent::record`].
    pub answer: Answer,
    /// The id hash of a session the writer must find live before it writes
    /// (`crate::identity::LedgerUser::check`); `None`: already checked.
    pub session: Option<String>,
}

#[cfg(test)]
impl Append {
    /// For tests: `user` of app `app` accepts version `v`, in a browser.
    pub(crate) fn accept(user: String) -> Append {
        Append {
            app: "app".into(),
            user_id: user,
            channel: Channel::Browser,
            answer: Answer::Accept {
                version: "v".into(),
                sha256: "e".repeat(64),
            },
            session: None,
        }
    }
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
    /// The record as [`consent::evaluate`] and [`consent::record`] take a
    /// user's latest decision.
    pub fn as_latest(&self) -> Latest<'_> {
        Latest {
            action: self.action,
            version: &self.version,
            sha256: &self.sha256,
            at: &self.recorded_at,
        }
    }

    /// Reads a stored row; an unknown action is an error.
    fn of(row: &Row) -> Result<Mark> {
        Ok(Mark {
            action: row.action()?,
            version: row.version.clone(),
            sha256: row.sha256.clone(),
            recorded_at: row.recorded_at.clone(),
        })
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

impl Head {
    /// The user's verdict given the app's published versions as they stand
    /// today ([`consent::evaluate`]).
    pub fn status(&self, schedule: Schedule<'_>) -> ConsentStatus {
        let latest = self.decision.as_ref().map(Mark::as_latest);
        let deferral = self.deferral.as_ref().map(|d| Deferral {
            version: &d.version,
            sha256: &d.sha256,
            at: &d.recorded_at,
        });
        consent::evaluate(schedule, latest, deferral)
    }
}

/// Chain heads by (app, user).
type Heads = EpochCache<(String, String), Head>;

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
    tx: mpsc::Sender<writer::Job>,
    stats: Arc<Stats>,
    heads: Arc<Heads>,
    keyring: Arc<Keyring>,
}

impl Ledger {
    /// Starts the writer on the current Tokio runtime, sealing each row
    /// with the current key of `keyring`. `max_batch` (≥ 1) caps the
    /// requests per transaction; 1 means one commit per request.
    pub fn start(store: Store, max_batch: usize, keyring: Arc<Keyring>) -> Ledger {
        Ledger::start_with(store, max_batch, keyring, true)
    }

    /// [`Ledger::start`], or with `sealed` false a writer that leaves rows
    /// without a MAC: only for the load bench's comparison (`ledger verify`
    /// reports every such row).
    pub fn start_with(
        store: Store,
        max_batch: usize,
        keyring: Arc<Keyring>,
        sealed: bool,
    ) -> Ledger {
        let max_batch = max_batch.max(1);
        let (tx, rx) = mpsc::channel(max_batch.max(1024));
        let stats = Arc::new(Stats::default());
        let heads = Arc::new(Heads::new(store.cache_capacity(CACHED_HEADS)));
        tokio::spawn(writer::run(
            store,
            rx,
            max_batch,
            stats.clone(),
            heads.clone(),
            sealed.then(|| keyring.clone()),
        ));
        Ledger {
            tx,
            stats,
            heads,
            keyring,
        }
    }

    /// The ledger's keys.
    pub fn keyring(&self) -> &Arc<Keyring> {
        &self.keyring
    }

    /// A user's latest decision and any "Not now" since, as the consent
    /// verdict needs them. Served from memory once read: the writer task is
    /// the only thing that changes chain heads, and it updates the cache
    /// after each commit.
    pub async fn head(&self, db: &Db, app: &str, user: &str) -> Result<Head> {
        let key = (app.to_owned(), user.to_owned());
        if let Some(head) = self.heads.get(&key) {
            return Ok(head);
        }
        let epoch = self.heads.epoch();
        let mut conn = db.acquire().await?;
        let head = Tip::group(writer::tips_of(&mut conn.conn(), &[(app, user)]).await?)?
            .remove(&key)
            .map(|tip| tip.head())
            .unwrap_or_default();
        self.heads.fill(epoch, key, head.clone());
        Ok(head)
    }

    /// Drops a user's chain head from memory: their rows were renamed (an
    /// account cancelled), so the next read finds a chain no more.
    pub fn forget(&self, app: &str, user: &str) {
        self.heads.invalidate(&(app.to_owned(), user.to_owned()));
    }

    /// Appends a record; answers once it is committed, with its receipt
    /// (signed with the rest of its batch's).
    pub async fn append(&self, append: Append) -> Result<ConsentRecord> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(writer::Job { append, reply })
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
