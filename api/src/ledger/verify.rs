//! `ledger verify`: recomputes every chain and names what is wrong with it.

use sqlx::SqlitePool;
use std::collections::HashSet;
use std::fmt;

use super::chain::{Row, COLUMNS, FORMAT_V1, FORMAT_V2, GENESIS};
use crate::error::Result;

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

/// Checks one user's rows, in `seq` order: every row reads (a known action
/// and channel), every hash recomputes, the first links to [`GENESIS`] and
/// every other to the row before it.
pub fn verify_chain(rows: &[Row]) -> Vec<Problem> {
    let stored: HashSet<&str> = rows.iter().map(|r| r.hash.as_str()).collect();
    let mut problems = Vec::new();
    let mut expected_prev = GENESIS;
    for row in rows {
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
    let mut misnamed: Vec<Problem> = Vec::new();
    let finish = |chain: &mut Vec<Row>, misnamed: &mut Vec<Problem>, report: &mut Report| {
        if let Some(first) = chain.first() {
            report.chains += 1;
            report.records += chain.len();
            for p in verify_chain(chain).into_iter().chain(misnamed.drain(..)) {
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
            None => {
                sqlx::query_as(&format!(
                    "SELECT {COLUMNS}, {MAPPED} FROM consents ORDER BY app, user_id, seq LIMIT ?"
                ))
                .bind(page_rows)
                .fetch_all(pool)
                .await?
            }
            Some((app, user, seq)) => {
                sqlx::query_as(&format!(
                "SELECT {COLUMNS}, {MAPPED} FROM consents WHERE (app, user_id, seq) > (?, ?, ?) \
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
            chain.push(row);
        }
    }
    finish(&mut chain, &mut misnamed, &mut report);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::chain::tests::chain;
    use crate::ledger::{Append, Ledger};
    use privacy_center_core::consent::Answer;
    use privacy_center_core::wire::Channel;

    #[tokio::test]
    async fn paging_does_not_split_or_merge_chains() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(dir.path()).await.unwrap();
        let ledger = Ledger::start(store.clone(), 4);
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
    fn an_unknown_action_is_reported_even_with_a_matching_hash() {
        let mut rows = chain(1);
        rows[0].action = "agree".into();
        rows[0].hash = rows[0].fields().hash();
        assert_eq!(
            verify_chain(&rows),
            [Problem::Unreadable {
                seq: 1,
                record_id: rows[0].record_id.clone(),
                what: "unknown action \"agree\"".into()
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
