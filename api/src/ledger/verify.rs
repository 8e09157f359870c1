//! `ledger verify`: recomputes every chain, checks each row's seal (its
//! MAC under the ledger key) and the signed checkpoints against both the
//! database and `checkpoints.log`, and names what is wrong.

use crate::store::{on_db, Db};
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::Path;

use super::chain::{Row, COLUMNS, FORMAT_V1, FORMAT_V2, GENESIS};
use super::checkpoint::{self, extend_root, Checkpoint, EMPTY_ROOT};
use super::seal::Keyring;
use crate::error::Result;

/// What a row's seal says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seal {
    /// Its MAC checks under the key it names.
    Valid,
    /// No MAC, and written before the ledger had keys: covered by the first
    /// checkpoint only.
    Unkeyed,
    /// No MAC, though written after the ledger had keys.
    Missing,
    /// It names a key the keyring does not have.
    UnknownKey(String),
    /// Its MAC does not match its hash.
    Wrong,
}

impl Seal {
    /// The seal of `row`; rows with `seq <= unkeyed_until` may be unkeyed.
    pub fn of(row: &Row, keyring: &Keyring, unkeyed_until: i64) -> Seal {
        match (&row.key_id, &row.mac) {
            (Some(key), Some(mac)) => match keyring.check_mac(key, &row.hash, mac) {
                Some(true) => Seal::Valid,
                Some(false) => Seal::Wrong,
                None => Seal::UnknownKey(key.clone()),
            },
            (None, None) if row.seq <= unkeyed_until => Seal::Unkeyed,
            _ => Seal::Missing,
        }
    }

    /// Whether the seal shows the row was written or changed without the key.
    fn is_broken(&self) -> bool {
        matches!(self, Seal::Missing | Seal::UnknownKey(_) | Seal::Wrong)
    }
}

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
    /// The row's hash matches its contents but its MAC does not: it was
    /// changed and re-hashed, or written, by someone without the ledger key.
    Rewritten {
        /// The row.
        seq: i64,
        /// Its record id.
        record_id: String,
    },
    /// The row has no MAC though it was written after the ledger had keys:
    /// it was inserted by someone without the key.
    Unsealed {
        /// The row.
        seq: i64,
        /// Its record id.
        record_id: String,
    },
    /// The row names a ledger key that is not in the keyring.
    UnknownKey {
        /// The row.
        seq: i64,
        /// Its record id.
        record_id: String,
        /// The key id it names.
        key_id: String,
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
    /// The row holds an action or channel the ledger does not know, so it
    /// cannot be read as any event (whether or not its hash matches).
    Unreadable {
        /// The row.
        seq: i64,
        /// Its record id.
        record_id: String,
        /// The column and the value found.
        what: String,
    },
    /// The row's lookup column disagrees with the user's pseudonymous
    /// subject: a live user whose mapping names another subject (or none),
    /// or a cancelled user's row not replaced by its subject.
    Subject {
        /// The row.
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
            Problem::Rewritten { seq, record_id } => write!(
                f,
                "seq {seq} (record {record_id}): rewritten without the ledger key: its hash matches its contents but its MAC does not (changed and re-hashed, or forged)"
            ),
            Problem::Unsealed { seq, record_id } => write!(
                f,
                "seq {seq} (record {record_id}): inserted without the ledger key: it has no MAC though the ledger had keys when it was written"
            ),
            Problem::UnknownKey {
                seq,
                record_id,
                key_id,
            } => write!(
                f,
                "seq {seq} (record {record_id}): sealed with key {key_id}, which is not in the ledger keyring"
            ),
            Problem::Missing { seq, record_id } => write!(
                f,
                "seq {seq} (record {record_id}): broken link: the record before it is missing"
            ),
            Problem::Reordered { seq, record_id } => write!(
                f,
                "seq {seq} (record {record_id}): reordered: it does not link to the record stored before it"
            ),
            Problem::Unreadable {
                seq,
                record_id,
                what,
            } => write!(f, "seq {seq} (record {record_id}): unreadable: {what}"),
            Problem::Subject { seq, record_id } => write!(
                f,
                "seq {seq} (record {record_id}): its user id does not agree with the user's ledger subject"
            ),
        }
    }
}

/// Checks one user's rows, in `seq` order, with each row's seal: every row
/// reads (a known action and channel), every hash recomputes, every seal
/// holds, the first links to [`GENESIS`] and every other to the row before
/// it. A link broken because the row before was rewritten (re-hashed
/// without the key) is reported as that rewrite, not as a missing record.
pub fn verify_chain(rows: &[Row], seals: &[Seal]) -> Vec<Problem> {
    let stored: HashSet<&str> = rows.iter().map(|r| r.hash.as_str()).collect();
    let mut problems = Vec::new();
    let mut expected_prev = GENESIS;
    let mut prev_broken = false;
    for (row, seal) in rows.iter().zip(seals) {
        let id = || (row.seq, row.record_id.clone());
        let format = row.format.to_string();
        for (column, value, known) in [
            ("action", &row.action, row.action().is_ok()),
            ("channel", &row.channel, row.channel().is_ok()),
            (
                "format",
                &format,
                [FORMAT_V1, FORMAT_V2].contains(&row.format),
            ),
        ] {
            if !known {
                let (seq, record_id) = id();
                problems.push(Problem::Unreadable {
                    seq,
                    record_id,
                    what: format!("unknown {column} {value:?}"),
                });
            }
        }
        let hash_ok = row.fields().hash() == row.hash;
        if !hash_ok {
            let (seq, record_id) = id();
            problems.push(Problem::Altered { seq, record_id });
        }
        let (seq, record_id) = id();
        match seal {
            Seal::Valid | Seal::Unkeyed => {}
            Seal::Missing => problems.push(Problem::Unsealed { seq, record_id }),
            Seal::UnknownKey(key_id) => problems.push(Problem::UnknownKey {
                seq,
                record_id,
                key_id: key_id.clone(),
            }),
            // With a hash that does not recompute, `Altered` says it already.
            Seal::Wrong if hash_ok => problems.push(Problem::Rewritten { seq, record_id }),
            Seal::Wrong => {}
        }
        if row.prev_hash != expected_prev && !prev_broken {
            let (seq, record_id) = id();
            let known = row.prev_hash == GENESIS || stored.contains(row.prev_hash.as_str());
            problems.push(if known {
                Problem::Reordered { seq, record_id }
            } else {
                Problem::Missing { seq, record_id }
            });
        }
        prev_broken = seal.is_broken();
        expected_prev = &row.hash;
    }
    problems
}

/// Whether a stored row's lookup column agrees with `mapped`, the subject
/// `ledger_subjects` gives its (app, user_id) if any. A live format-2 row
/// carries its user's mapped subject; a cancelled user's row (no mapping)
/// carries its subject as its user id. Format-1 rows hash the user id
/// itself: live, they name it twice; a cancelled user's have a pseudonym
/// in `user_id` and no mapping.
pub fn subject_agrees(row: &Row, mapped: Option<&str>) -> bool {
    match (row.format, mapped) {
        (FORMAT_V2, Some(m)) => m == row.subject,
        (FORMAT_V2, None) => row.user_id == row.subject,
        (_, Some(_)) => row.user_id == row.subject,
        (_, None) => true,
    }
}

/// A row as `ledger verify` reads it: with its user's mapped subject.
#[derive(sqlx::FromRow)]
struct Checked {
    #[sqlx(flatten)]
    row: Row,
    mapped: Option<String>,
}

/// The subject mapped to the row's (app, user_id), read with each row.
const MAPPED: &str = "(SELECT m.subject FROM ledger_subjects m \
     WHERE m.app = consents.app AND m.user_id = consents.user_id) AS mapped";

/// Outcome of [`verify_store`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Number of (app, user) chains.
    pub chains: usize,
    /// Number of records.
    pub records: usize,
    /// Number of checkpoints checked.
    pub checkpoints: usize,
    /// One line per problem, naming the chain or checkpoint.
    pub problems: Vec<String>,
    /// What is true but not wrong: unkeyed rows before the first
    /// checkpoint, rows not yet covered by one.
    pub notes: Vec<String>,
}

/// Walks every chain in the database page by page, checking links and
/// seals, then every checkpoint in the database and in
/// `<data_dir>/checkpoints.log` against the rows.
pub async fn verify_store(pool: &Db, keyring: &Keyring, data_dir: &Path) -> Result<Report> {
    verify_in_pages(pool, keyring, data_dir, 5000).await
}

async fn verify_in_pages(
    pool: &Db,
    keyring: &Keyring,
    data_dir: &Path,
    page_rows: i64,
) -> Result<Report> {
    let mut report = Report::default();
    let checkpoints = check_checkpoints(pool, keyring, data_dir, &mut report).await?;
    let unkeyed_until = checkpoints.first().map_or(i64::MAX, |c| c.last_seq);
    let mut unkeyed = 0usize;
    let mut chain: Vec<Row> = Vec::new();
    let mut misnamed: Vec<Problem> = Vec::new();
    let finish = |chain: &mut Vec<Row>, misnamed: &mut Vec<Problem>, report: &mut Report| {
        if let Some(first) = chain.first() {
            report.chains += 1;
            report.records += chain.len();
            let seals: Vec<Seal> = chain
                .iter()
                .map(|r| Seal::of(r, keyring, unkeyed_until))
                .collect();
            for p in verify_chain(chain, &seals)
                .into_iter()
                .chain(misnamed.drain(..))
            {
                report
                    .problems
                    .push(format!("{}/{}: {p}", first.app, first.user_id));
            }
        }
        chain.clear();
        misnamed.clear();
    };
    let mut after: Option<(String, String, i64)> = None;
    loop {
        let page: Vec<Checked> = match &after {
            None => on_db!(pool, c => sqlx::query_as(&format!(
                    "SELECT {COLUMNS}, {MAPPED} FROM consents ORDER BY app, user_id, seq LIMIT $1"
                ))
                .bind(page_rows)
                .fetch_all(c).await)?,
            Some((app, user, seq)) => on_db!(pool, c => sqlx::query_as(&format!(
                "SELECT {COLUMNS}, {MAPPED} FROM consents WHERE (app, user_id, seq) > ($1, $2, $3) \
                     ORDER BY app, user_id, seq LIMIT $4"
            ))
                .bind(app)
                .bind(user)
                .bind(seq)
                .bind(page_rows)
                .fetch_all(c).await)?,
        };
        let Some(last) = page.last() else { break };
        after = Some((last.row.app.clone(), last.row.user_id.clone(), last.row.seq));
        for Checked { row, mapped } in page {
            let same = chain
                .first()
                .is_some_and(|f| f.app == row.app && f.user_id == row.user_id);
            if !same {
                finish(&mut chain, &mut misnamed, &mut report);
            }
            if !subject_agrees(&row, mapped.as_deref()) {
                misnamed.push(Problem::Subject {
                    seq: row.seq,
                    record_id: row.record_id.clone(),
                });
            }
            if row.key_id.is_none() && row.seq <= unkeyed_until {
                unkeyed += 1;
            }
            chain.push(row);
        }
    }
    finish(&mut chain, &mut misnamed, &mut report);
    if unkeyed > 0 {
        report.notes.push(match checkpoints.first() {
            Some(first) => format!(
                "{unkeyed} record(s) unkeyed, written before {}: the ledger had no key then; the first checkpoint seals them",
                first.at
            ),
            None => format!(
                "{unkeyed} record(s) unkeyed and no checkpoint yet: the server has not run since the ledger got keys"
            ),
        });
    }
    check_rows_against(pool, &checkpoints, page_rows, &mut report).await?;
    Ok(report)
}

/// Checks every checkpoint's signature and compares the database's with
/// the log's; answers the checkpoints the rows are checked against (the
/// log's, where it has them), oldest first.
async fn check_checkpoints(
    pool: &Db,
    keyring: &Keyring,
    data_dir: &Path,
    report: &mut Report,
) -> Result<Vec<Checkpoint>> {
    let log_name = checkpoint::LOG_FILE;
    let logged = match checkpoint::read_log(data_dir) {
        Ok((logged, 0)) => logged,
        Ok((logged, skipped)) => {
            report.notes.push(format!(
                "{log_name}: {skipped} line(s) torn by a crash while written, skipped"
            ));
            logged
        }
        Err(e) => {
            report.problems.push(format!("{log_name}: {e}"));
            Vec::new()
        }
    };
    let stored = checkpoint::stored(pool).await?;
    let mut by_id: BTreeMap<i64, (Option<Checkpoint>, Option<Checkpoint>)> = BTreeMap::new();
    for c in logged {
        let id = c.id;
        by_id.entry(id).or_default().0 = Some(c);
    }
    for c in stored {
        let id = c.id;
        by_id.entry(id).or_default().1 = Some(c);
    }
    let last_stored = by_id
        .iter()
        .rev()
        .find(|(_, (_, s))| s.is_some())
        .map_or(0, |(id, _)| *id);
    let last_id = by_id.keys().next_back().copied().unwrap_or(0);
    let mut out: Vec<Checkpoint> = Vec::new();
    for (id, (logged, stored)) in by_id {
        let name = format!("checkpoint {id}");
        match (&logged, &stored) {
            (Some(l), Some(s)) if l != s => report.problems.push(format!(
                "{name}: differs between the database and {log_name}: one of them was edited"
            )),
            (None, Some(_)) => report.problems.push(format!(
                "{name}: in the database but not in {log_name}: the log was truncated or replaced"
            )),
            (Some(_), None) if id == last_id && id == last_stored + 1 => report.notes.push(format!(
                "{name}: in {log_name} but not in the database: the server stopped while writing it (its rows are checked against it)"
            )),
            (Some(_), None) => report.problems.push(format!(
                "{name}: in {log_name} but not in the database: it was deleted from the database"
            )),
            _ => {}
        }
        let Some(c) = logged.or(stored) else { continue };
        match keyring.check_signature(&c.key_id, &c.message(), &c.signature) {
            Some(true) => {
                report.checkpoints += 1;
                out.push(c);
            }
            Some(false) => report.problems.push(format!(
                "{name}: its signature does not match: it was forged or edited"
            )),
            None => report.problems.push(format!(
                "{name}: signed with key {}, which is not in the ledger keyring",
                c.key_id
            )),
        }
    }
    Ok(out)
}

/// Recomputes each checkpoint's root from the rows in `seq` order: a
/// mismatch names the range of rows that changed since it was signed.
async fn check_rows_against(
    pool: &Db,
    checkpoints: &[Checkpoint],
    page_rows: i64,
    report: &mut Report,
) -> Result<()> {
    let Some(last) = checkpoints.last() else {
        // Removing every checkpoint from the database shows against the
        // log above; removing the log too takes more than the database.
        if report.records > 0 {
            report.notes.push(
                "no checkpoint yet: nothing seals the ledger's extent (the server writes one at start-up)"
                    .to_owned(),
            );
        }
        return Ok(());
    };
    let mut prev: Option<&Checkpoint> = None;
    let mut pending: Vec<(i64, String)> = Vec::new();
    let mut next = checkpoints.iter().peekable();
    let mut after = 0i64;
    let mut beyond = 0usize;
    let compare = |cp: &Checkpoint,
                   prev: Option<&Checkpoint>,
                   rows: &[(i64, String)],
                   report: &mut Report| {
        let from = prev.map_or(EMPTY_ROOT, |p| p.root.as_str());
        let expected = cp.records - prev.map_or(0, |p| p.records);
        if extend_root(from, rows) != cp.root {
            report.problems.push(format!(
                "checkpoint {} ({}): the {expected} record(s) with seq {}..={} it sealed no longer match: {} such record(s) now (removed, inserted or replaced since)",
                cp.id,
                cp.at,
                prev.map_or(0, |p| p.last_seq) + 1,
                cp.last_seq,
                rows.len()
            ));
        }
    };
    loop {
        let page: Vec<(i64, String)> = on_db!(pool, c => sqlx::query_as("SELECT seq, hash FROM consents WHERE seq > $1 ORDER BY seq LIMIT $2")
                .bind(after)
                .bind(page_rows)
                .fetch_all(c).await)?;
        let Some(&(last_seq, _)) = page.last() else {
            break;
        };
        after = last_seq;
        for (seq, hash) in page {
            while let Some(cp) = next.next_if(|cp| cp.last_seq < seq) {
                compare(cp, prev, &pending, report);
                pending.clear();
                prev = Some(cp);
            }
            if next.peek().is_some() {
                pending.push((seq, hash));
            } else {
                beyond += 1;
            }
        }
    }
    for cp in next {
        compare(cp, prev, &pending, report);
        pending.clear();
        prev = Some(cp);
    }
    if beyond > 0 {
        report.notes.push(format!(
            "{beyond} record(s) after the last checkpoint ({}, seq {}): not yet sealed by a checkpoint, so a removal among them shows only against a receipt",
            last.at, last.last_seq
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::chain::tests::chain;
    use crate::ledger::{Append, Ledger};
    use std::sync::Arc;

    /// Seals of rows taken as valid: the link checks alone.
    fn valid(rows: &[Row]) -> Vec<Seal> {
        vec![Seal::Valid; rows.len()]
    }

    /// A keyring in a fresh directory.
    fn keyring() -> (tempfile::TempDir, Keyring) {
        let dir = tempfile::tempdir().unwrap();
        let keyring = Keyring::load_with(dir.path(), None).unwrap();
        (dir, keyring)
    }

    /// Seals every row with the keyring's current key.
    fn seal(rows: &mut [Row], keyring: &Keyring) {
        for row in rows {
            let (key_id, mac) = keyring.mac(&row.hash);
            row.key_id = Some(key_id);
            row.mac = Some(mac);
        }
    }

    fn seals(rows: &[Row], keyring: &Keyring) -> Vec<Seal> {
        rows.iter().map(|r| Seal::of(r, keyring, 0)).collect()
    }
    use privacy_center_core::consent::Answer;
    use privacy_center_core::wire::Channel;

    #[tokio::test]
    async fn paging_does_not_split_or_merge_chains_or_checkpoint_ranges() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(dir.path()).await.unwrap();
        let keyring = Arc::new(Keyring::load_with(dir.path(), None).unwrap());
        let ledger = Ledger::start(store.clone(), 4, keyring.clone());
        for (user, n) in [("a", 3), ("b", 1), ("c", 4)] {
            for i in 0..n {
                let answer = if i % 2 == 0 {
                    Answer::Accept {
                        version: "v".into(),
                        sha256: "e".repeat(64),
                    }
                } else {
                    Answer::Withdraw {
                        version: None,
                        sha256: None,
                    }
                };
                ledger
                    .append(Append {
                        app: "app".into(),
                        user_id: user.into(),
                        channel: Channel::Webview,
                        answer,
                        session: None,
                    })
                    .await
                    .unwrap();
            }
            if user != "c" {
                checkpoint::write(&store, &keyring, dir.path())
                    .await
                    .unwrap()
                    .unwrap();
            }
        }
        for page in [1, 2, 3, 5000] {
            let report = verify_in_pages(store.pool(), &keyring, dir.path(), page)
                .await
                .unwrap();
            assert_eq!(
                (report.chains, report.records, report.checkpoints),
                (3, 8, 2),
                "page of {page}"
            );
            assert_eq!(report.problems, Vec::<String>::new(), "page of {page}");
            assert!(
                report.notes[0].starts_with("4 record(s) after the last checkpoint"),
                "{:?}",
                report.notes
            );
        }
    }

    #[test]
    fn an_intact_chain_verifies() {
        let rows = chain(4);
        assert!(verify_chain(&rows, &valid(&rows)).is_empty());
        assert!(verify_chain(&[], &[]).is_empty());
    }

    #[test]
    fn an_altered_field_is_reported() {
        let mut rows = chain(3);
        rows[1].version = "forged".into();
        let problems = verify_chain(&rows, &valid(&rows));
        assert_eq!(
            problems,
            [Problem::Altered {
                seq: 2,
                record_id: rows[1].record_id.clone()
            }]
        );
    }

    #[test]
    fn an_unknown_action_is_reported_even_with_a_matching_hash() {
        let mut rows = chain(1);
        rows[0].action = "agree".into();
        rows[0].hash = rows[0].fields().hash();
        assert_eq!(
            verify_chain(&rows, &valid(&rows)),
            [Problem::Unreadable {
                seq: 1,
                record_id: rows[0].record_id.clone(),
                what: "unknown action \"agree\"".into()
            }]
        );
    }

    #[test]
    fn a_row_rewritten_and_rehashed_is_reported_as_such_not_as_a_gap() {
        let (_dir, keyring) = keyring();
        let mut rows = chain(3);
        seal(&mut rows, &keyring);
        rows[1].version = "forged".into();
        rows[1].hash = rows[1].fields().hash();
        assert_eq!(
            verify_chain(&rows, &seals(&rows, &keyring)),
            [Problem::Rewritten {
                seq: 2,
                record_id: rows[1].record_id.clone()
            }]
        );
    }

    #[test]
    fn a_forged_row_without_the_key_is_reported() {
        let (_dir, keyring) = keyring();
        let mut rows = chain(3);
        seal(&mut rows, &keyring);
        rows[2].key_id = None;
        rows[2].mac = None;
        assert!(matches!(
            verify_chain(&rows, &seals(&rows, &keyring))[..],
            [Problem::Unsealed { seq: 3, .. }]
        ));
        // Before the first checkpoint, an unkeyed row is the ledger's own past.
        let before: Vec<Seal> = rows.iter().map(|r| Seal::of(r, &keyring, 3)).collect();
        assert!(verify_chain(&rows, &before).is_empty());
    }

    #[test]
    fn a_deleted_row_is_reported() {
        let mut rows = chain(3);
        rows.remove(1);
        assert!(matches!(
            verify_chain(&rows, &valid(&rows))[..],
            [Problem::Missing { seq: 3, .. }]
        ));
        let mut rows = chain(2);
        rows.remove(0);
        assert!(matches!(
            verify_chain(&rows, &valid(&rows))[..],
            [Problem::Missing { seq: 2, .. }]
        ));
    }

    #[test]
    fn swapped_rows_are_reported() {
        let mut rows = chain(3);
        rows.swap(0, 1);
        let problems = verify_chain(&rows, &valid(&rows));
        assert!(!problems.is_empty());
        assert!(problems
            .iter()
            .all(|p| matches!(p, Problem::Reordered { .. })));
    }
}
