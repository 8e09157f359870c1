//! The consent proof against someone with write access to the database:
//! real rows written through a real `privacy-center serve`, then a copy of
//! its data directory tampered with in SQLite directly (with the
//! append-only triggers in place, and dropped), as issue #12's review did.
//! Each attack must make `privacy-center ledger verify` fail with a message
//! naming what happened, or a receipt show it; the untouched copy verifies,
//! a key rotation keeps old rows verifiable, and `kill -9` between a write
//! and the next checkpoint loses no acknowledged row.

mod common;

use common::server::{mint_token, request, Conn, Server, BIN};
use hyper::{Method, StatusCode};
use privacy_center_api::ledger::Row;
use privacy_center_api::store::DB_FILE;
use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// One user's session on the running server.
struct User {
    conn: Conn,
    cookie: String,
}

impl User {
    async fn sign_in(server: &Server, data: &Path, name: &str) -> User {
        let mut conn = Conn::open(&server.addr).await.unwrap();
        let token = mint_token(data, "vchat", name);
        let cookie = conn
            .sign_in(serde_json::json!({ "token": token, "channel": "webview" }))
            .await;
        User { conn, cookie }
    }

    /// Records `action` ("accept" or "withdraw") and answers the record
    /// the server acknowledged (with its receipt).
    async fn record(&mut self, action: &str) -> Value {
        let me = self.get("/api/me").await;
        let addr = self.conn.addr().to_owned();
        let body = if action == "withdraw" {
            serde_json::json!({ "action": "withdraw" })
        } else {
            serde_json::json!({
                "version": me["current"]["version"],
                "sha256": me["current"]["sha256"],
                "action": action,
            })
        };
        let a = self
            .conn
            .send(request(
                Method::POST,
                &addr,
                "/api/me/consents",
                Some(&self.cookie),
                Some(&body.to_string()),
            ))
            .await
            .unwrap();
        assert_eq!(
            a.status,
            StatusCode::CREATED,
            "{}",
            String::from_utf8_lossy(&a.body)
        );
        a.json()
    }

    /// The records page's records, newest first (their receipts issued as
    /// one batch).
    async fn records(&mut self) -> Vec<Value> {
        self.get("/api/me/consents")
            .await
            .as_array()
            .unwrap()
            .clone()
    }

    /// The JSON of a GET that must succeed.
    async fn get(&mut self, path: &str) -> Value {
        let addr = self.conn.addr().to_owned();
        let a = self
            .conn
            .send(request(Method::GET, &addr, path, Some(&self.cookie), None))
            .await
            .unwrap();
        assert_eq!(a.status, StatusCode::OK, "GET {path}");
        a.json()
    }
}

/// A data directory with real rows: alice accepted then withdrew, bob
/// accepted, carol accepted, withdrew and accepted again, dave accepted;
/// the server stopped gracefully. Checkpoints are an hour apart, so the
/// one at start-up (empty) and the one at shutdown (every row) are all.
/// Answers the directory and each acknowledged record, by user.
async fn real_data_dir() -> (tempfile::TempDir, Vec<(&'static str, Vec<Value>)>) {
    let data = tempfile::tempdir().unwrap();
    let mut server = Server::start(data.path(), &["--checkpoint-ms", "3600000"]);
    let mut written = Vec::new();
    for (name, actions) in [
        ("alice", &["accept", "withdraw"][..]),
        ("bob", &["accept"][..]),
        ("carol", &["accept", "withdraw", "accept"][..]),
        ("dave", &["accept"][..]),
    ] {
        let mut user = User::sign_in(&server, data.path(), name).await;
        let mut records = Vec::new();
        for action in actions {
            records.push(user.record(action).await);
        }
        written.push((name, records));
    }
    assert!(server.terminate(Duration::from_secs(10)), "graceful stop");
    (data, written)
}

/// A copy of a data directory (database, keys, checkpoint log).
fn copy_of(src: &Path) -> tempfile::TempDir {
    let dst = tempfile::tempdir().unwrap();
    copy_dir(src, dst.path());
    dst
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let to = dst.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            std::fs::copy(entry.path(), to).unwrap();
        }
    }
}

/// `privacy-center ledger <args> --data-dir <data>`: whether it exited 0,
/// and what it printed.
fn ledger_cli(data: &Path, args: &[&std::ffi::OsStr]) -> (bool, String) {
    let out = Command::new(BIN)
        .arg("ledger")
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// `ledger verify`.
fn verify(data: &Path) -> (bool, String) {
    ledger_cli(data, &["verify".as_ref()])
}

/// `ledger verify-receipt` of `receipt`.
fn verify_receipt(data: &Path, receipt: &Value) -> (bool, String) {
    let file = data.join("receipt.json");
    std::fs::write(&file, receipt.to_string()).unwrap();
    ledger_cli(data, &["verify-receipt".as_ref(), file.as_os_str()])
}

/// A batch receipt changed in each way that must make it fail its check:
/// a field, each hash of its audit path, its index, the batch's size.
fn tampered(receipt: &Value) -> Vec<(String, Value)> {
    let batch = &receipt["batch"];
    let (index, size) = (
        batch["index"].as_u64().unwrap(),
        batch["size"].as_u64().unwrap(),
    );
    let mut out = Vec::new();
    let mut with = |what: String, change: &dyn Fn(&mut Value)| {
        let mut t = receipt.clone();
        change(&mut t);
        out.push((what, t));
    };
    let other = if receipt["action"] == "accept" {
        "withdraw"
    } else {
        "accept"
    };
    with("action".into(), &|t| t["action"] = other.into());
    with("user".into(), &|t| t["user"] = "someone-else".into());
    for k in 0..batch["path"].as_array().unwrap().len() {
        with(format!("path hash {k}"), &|t| {
            let h = t["batch"]["path"][k].as_str().unwrap();
            let first = if h.starts_with('0') { "1" } else { "0" };
            t["batch"]["path"][k] = format!("{first}{}", &h[1..]).into();
        });
    }
    with("index".into(), &|t| {
        t["batch"]["index"] = ((index + 1) % size).into()
    });
    with("size".into(), &|t| t["batch"]["size"] = (size + 1).into());
    out
}

/// `receipt` as receipts were signed before batches: a signature of its
/// own message, no batch.
fn signed_alone(receipt: &Value, keyring: &privacy_center_api::ledger::Keyring) -> Value {
    let mut r: privacy_center_core::wire::Receipt =
        serde_json::from_value(receipt.clone()).unwrap();
    r.batch = None;
    r.signature = keyring.sign(&r.message()).1;
    serde_json::to_value(r).unwrap()
}

/// The database of `data`, opened directly as an attacker would.
async fn sqlite(data: &Path) -> sqlx::SqlitePool {
    let url = format!("sqlite://{}", data.join(DB_FILE).display());
    sqlx::SqlitePool::connect(&url).await.unwrap()
}

const COLUMNS: &str = "seq, record_id, app, user_id, format, subject, version, sha256, \
     action, channel, recorded_at, prev_hash, hash, key_id, mac";

/// A user's rows, oldest first.
async fn rows_of(pool: &sqlx::SqlitePool, user: &str) -> Vec<Row> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM consents WHERE user_id = ? ORDER BY seq"
    ))
    .bind(user)
    .fetch_all(pool)
    .await
    .unwrap()
}

/// A copy of `data` and its database opened as an attacker would, with the
/// append-only triggers of `consents` dropped first when `drop_triggers`.
async fn attack(data: &Path, drop_triggers: bool) -> (tempfile::TempDir, sqlx::SqlitePool) {
    let copy = copy_of(data);
    let pool = sqlite(copy.path()).await;
    if drop_triggers {
        for t in ["consents_no_update", "consents_no_delete"] {
            sqlx::query(&format!("DROP TRIGGER {t}"))
                .execute(&pool)
                .await
                .unwrap();
        }
    }
    (copy, pool)
}

/// Inserts `row` as it is (its `seq` given when not 0).
async fn insert(pool: &sqlx::SqlitePool, row: &Row) {
    sqlx::query(&format!(
        "INSERT INTO consents ({COLUMNS}) VALUES (nullif(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(row.seq)
    .bind(&row.record_id)
    .bind(&row.app)
    .bind(&row.user_id)
    .bind(row.format)
    .bind(&row.subject)
    .bind(&row.version)
    .bind(&row.sha256)
    .bind(&row.action)
    .bind(&row.channel)
    .bind(&row.recorded_at)
    .bind(&row.prev_hash)
    .bind(&row.hash)
    .bind(&row.key_id)
    .bind(&row.mac)
    .execute(pool)
    .await
    .unwrap();
}

/// Runs one statement of `sql` with `bind` bound.
async fn exec(pool: &sqlx::SqlitePool, sql: &str, bind: i64) {
    sqlx::query(sql).bind(bind).execute(pool).await.unwrap();
}

/// Rewrites a row's contents and hash in place (`seq` unchanged).
async fn rewrite(pool: &sqlx::SqlitePool, row: &Row) {
    sqlx::query(
        "UPDATE consents SET action = ?, version = ?, prev_hash = ?, hash = ? WHERE seq = ?",
    )
    .bind(&row.action)
    .bind(&row.version)
    .bind(&row.prev_hash)
    .bind(&row.hash)
    .bind(row.seq)
    .execute(pool)
    .await
    .unwrap();
}

fn rehash(row: &mut Row) {
    row.hash = row.fields().hash();
}

fn assert_fails_with(data: &Path, wanted: &[&str], unwanted: &[&str]) {
    let (ok, out) = verify(data);
    assert!(!ok, "verify passed after tampering:\n{out}");
    for w in wanted {
        assert!(out.contains(w), "missing {w:?} in:\n{out}");
    }
    for u in unwanted {
        assert!(!out.contains(u), "unexpected {u:?} in:\n{out}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_attack_of_the_review_is_detected_and_an_untouched_ledger_verifies() {
    let (data, written) = real_data_dir().await;
    let receipt = |user: &str, i: usize| -> Value {
        let records = &written.iter().find(|(n, _)| *n == user).unwrap().1;
        records[i]["receipt"].clone()
    };

    // Untouched: verifies, and every receipt is held.
    let (ok, out) = verify(data.path());
    assert!(ok, "{out}");
    assert!(
        out.contains("7 records in 4 chains: every chain verifies"),
        "{out}"
    );
    for (_, records) in &written {
        for r in records {
            assert!(
                r["receipt"].is_object(),
                "every decision has a receipt: {r}"
            );
            let (held, out) = verify_receipt(data.path(), &r["receipt"]);
            assert!(held, "{out}");
        }
    }

    // 1. Triggers in place: a forged `accept` after alice's withdraw, with
    // correctly computed hashes (and a made-up MAC, or none).
    for forged_mac in [None, Some("ab".repeat(32))] {
        let (copy, pool) = attack(data.path(), false).await;
        let alice = rows_of(&pool, "alice").await;
        let last = alice.last().unwrap();
        let mut forged = Row {
            seq: 0,
            record_id: "f".repeat(32),
            action: "accept".into(),
            recorded_at: "2030-01-01T00:00:00.000Z".into(),
            prev_hash: last.hash.clone(),
            version: alice[0].version.clone(),
            sha256: alice[0].sha256.clone(),
            key_id: forged_mac.as_ref().and(last.key_id.clone()),
            mac: forged_mac.clone(),
            ..last.clone()
        };
        rehash(&mut forged);
        insert(&pool, &forged).await;
        pool.close().await;
        let wanted = if forged_mac.is_some() {
            "vchat/alice: seq 8 (record ffffffffffffffffffffffffffffffff): rewritten without the ledger key"
        } else {
            "vchat/alice: seq 8 (record ffffffffffffffffffffffffffffffff): inserted without the ledger key"
        };
        assert_fails_with(copy.path(), &[wanted], &["missing"]);
    }

    // 2a. Triggers dropped: bob's last row edited (accept → withdraw) and
    // re-hashed; carol's middle row likewise: each reported as rewritten,
    // never as "the record before it is missing".
    {
        let (copy, pool) = attack(data.path(), true).await;
        let mut bob = rows_of(&pool, "bob").await.remove(0);
        bob.action = "withdraw".into();
        rehash(&mut bob);
        rewrite(&pool, &bob).await;
        let mut carol = rows_of(&pool, "carol").await;
        carol[1].version = "2099-01-01".into();
        rehash(&mut carol[1]);
        rewrite(&pool, &carol[1]).await;
        pool.close().await;
        let bob_line = format!(
            "vchat/bob: seq {} (record {}): rewritten without the ledger key",
            bob.seq, bob.record_id
        );
        let carol_line = format!(
            "vchat/carol: seq {} (record {}): rewritten without the ledger key",
            carol[1].seq, carol[1].record_id
        );
        assert_fails_with(
            copy.path(),
            &[&bob_line, &carol_line, "no longer match"],
            &["missing", "reordered"],
        );
        let (held, out) = verify_receipt(copy.path(), &receipt("bob", 0));
        assert!(!held && out.contains("it was rewritten"), "{out}");
    }

    // 2b. Carol's chain re-chained from its middle row onward.
    {
        let (copy, pool) = attack(data.path(), true).await;
        let mut carol = rows_of(&pool, "carol").await;
        carol[1].action = "accept".into();
        rehash(&mut carol[1]);
        carol[2].prev_hash = carol[1].hash.clone();
        carol[2].action = "withdraw".into();
        rehash(&mut carol[2]);
        for row in &carol[1..] {
            rewrite(&pool, row).await;
        }
        pool.close().await;
        let lines: Vec<String> = carol[1..]
            .iter()
            .map(|r| {
                format!(
                    "seq {} (record {}): rewritten without the ledger key",
                    r.seq, r.record_id
                )
            })
            .collect();
        assert_fails_with(
            copy.path(),
            &[&lines[0], &lines[1]],
            &["missing", "reordered"],
        );
    }

    // 2c. Carol's last row deleted: the checkpoint that sealed it no longer
    // matches, and her receipt for it says the record was removed.
    {
        let (copy, pool) = attack(data.path(), true).await;
        let last = rows_of(&pool, "carol").await.pop().unwrap();
        exec(&pool, "DELETE FROM consents WHERE seq = ?", last.seq).await;
        pool.close().await;
        assert_fails_with(
            copy.path(),
            &["record(s) with seq 1..=7 it sealed no longer match: 6 such record(s) now"],
            &[],
        );
        let (held, out) = verify_receipt(copy.path(), &receipt("carol", 2));
        assert!(
            !held && out.contains("no longer holds this record"),
            "{out}"
        );
    }

    // 2d. Dave's whole chain deleted.
    {
        let (copy, pool) = attack(data.path(), true).await;
        let dave = rows_of(&pool, "dave").await.remove(0);
        exec(&pool, "DELETE FROM consents WHERE seq = ?", dave.seq).await;
        pool.close().await;
        assert_fails_with(
            copy.path(),
            &[
                "no longer match: 6 such record(s) now",
                "6 records in 3 chains",
            ],
            &[],
        );
        let (held, out) = verify_receipt(copy.path(), &receipt("dave", 0));
        assert!(
            !held && out.contains("no longer holds this record"),
            "{out}"
        );
    }

    // And the checkpoints themselves: removed from the database, the log
    // still names them.
    {
        let (copy, pool) = attack(data.path(), false).await;
        sqlx::raw_sql("DROP TRIGGER ledger_checkpoints_no_delete; DELETE FROM ledger_checkpoints")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        assert_fails_with(copy.path(), &["it was deleted from the database"], &[]);
    }
}

/// Receipts signed as a batch (a user's records page: one signature for
/// all) and alone (before batches) verify with `ledger verify-receipt`; a
/// batch receipt with any field, path hash, index or size changed does not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batch_receipts_verify_with_the_cli_and_tampered_ones_do_not() {
    let data = tempfile::tempdir().unwrap();
    let mut server = Server::start(data.path(), &[]);
    let mut user = User::sign_in(&server, data.path(), "olga").await;
    let mut answered = Vec::new();
    for action in ["accept", "withdraw", "accept"] {
        answered.push(user.record(action).await["receipt"].clone());
    }
    let records = user.records().await;
    assert!(server.terminate(Duration::from_secs(10)));
    let page: Vec<Value> = records.iter().map(|r| r["receipt"].clone()).collect();
    assert_eq!(page.len(), 3);
    for (i, r) in page.iter().enumerate() {
        assert_eq!(r["batch"]["size"], 3, "one batch for the page: {r}");
        assert_eq!(
            r["batch"]["index"],
            2 - i as u64,
            "oldest first in the tree"
        );
        assert_eq!(r["signature"], page[0]["signature"]);
    }
    let keyring = privacy_center_api::ledger::Keyring::load(data.path()).unwrap();
    for r in page.iter().chain(&answered) {
        let (held, out) = verify_receipt(data.path(), r);
        assert!(held, "{out}");
        let (held, out) = verify_receipt(data.path(), &signed_alone(r, &keyring));
        assert!(held, "a receipt signed alone: {out}");
    }
    for r in &page {
        for (what, t) in tampered(r) {
            let (held, out) = verify_receipt(data.path(), &t);
            assert!(!held, "{what}: {out}");
            assert!(out.contains("does not match the receipt"), "{what}: {out}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_still_verifies_after_the_account_is_pseudonymised() {
    let (data, written) = real_data_dir().await;
    let receipt = written[0].1[0]["receipt"].clone();
    let pool = sqlite(data.path()).await;
    // What cancellation's erase does to the ledger (cancellation.rs,
    // `pseudonymise_ledger`), which the triggers allow.
    sqlx::raw_sql(
        "UPDATE consents SET user_id = subject WHERE user_id = 'alice'; \
         DELETE FROM ledger_subjects WHERE user_id = 'alice'",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    let (held, out) = verify_receipt(data.path(), &receipt);
    assert!(held, "{out}");
    assert!(out.contains("the account was erased since"), "{out}");
    let (ok, out) = verify(data.path());
    assert!(ok, "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_rotation_keeps_old_rows_and_receipts_verifiable() {
    let (data, written) = real_data_dir().await;
    let out = Command::new(BIN)
        .args(["ledger", "rotate-key", "--data-dir"])
        .arg(data.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut server = Server::start(data.path(), &[]);
    let mut erin = User::sign_in(&server, data.path(), "erin").await;
    let new = erin.record("accept").await;
    assert!(server.terminate(Duration::from_secs(10)));
    let old = &written[0].1[0]["receipt"];
    assert_ne!(new["receipt"]["key_id"], old["key_id"], "the new key signs");
    let (ok, out) = verify(data.path());
    assert!(ok, "{out}");
    assert!(
        out.contains("8 records in 5 chains: every chain verifies"),
        "{out}"
    );
    for r in [old, &new["receipt"]] {
        let (held, out) = verify_receipt(data.path(), r);
        assert!(held, "{out}");
    }
    let pool = sqlite(data.path()).await;
    let keys: i64 = sqlx::query_scalar("SELECT count(DISTINCT key_id) FROM consents")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        keys, 2,
        "old rows keep their key, new rows take the new one"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_before_the_next_checkpoint_loses_no_acknowledged_row() {
    let data = tempfile::tempdir().unwrap();
    // Checkpoints an hour apart: only the one at start-up is written.
    let server = Server::start(data.path(), &["--checkpoint-ms", "3600000"]);
    let mut acked = Vec::new();
    for name in ["kim", "lee", "max"] {
        let mut user = User::sign_in(&server, data.path(), name).await;
        acked.push(user.record("accept").await["record_id"].clone());
        acked.push(user.record("withdraw").await["record_id"].clone());
    }
    server.kill9();
    let (ok, out) = verify(data.path());
    assert!(ok, "{out}");
    assert!(
        out.contains("6 record(s) after the last checkpoint"),
        "the rows since are named as not yet sealed: {out}"
    );
    let pool = sqlite(data.path()).await;
    for id in &acked {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM consents WHERE record_id = ?")
            .bind(id.as_str().unwrap())
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(n, 1, "acknowledged record {id} is in the ledger");
    }
    pool.close().await;
    // After a restart, the start-up checkpoint seals them.
    let mut server = Server::start(data.path(), &["--checkpoint-ms", "3600000"]);
    assert!(server.terminate(Duration::from_secs(10)));
    let (ok, out) = verify(data.path());
    assert!(ok, "{out}");
    assert!(
        out.contains("6 records in 3 chains: every chain verifies"),
        "{out}"
    );
    assert!(!out.contains("after the last checkpoint"), "{out}");
}

/// The public check, in process: the verdict and nothing more, a clear 4xx
/// for what is not a receipt, and a flood from one address throttled.
#[tokio::test]
async fn the_public_check_answers_the_verdict_only_and_throttles_a_flood() {
    use common::{repo_policies, TestApp};
    let t = TestApp::new(&repo_policies()).await;
    let cookie = t.sign_in("vchat", "nina").await;
    let accepted = t.accept_current(&cookie).await;
    let receipt = accepted.json["receipt"].clone();
    let check = t
        .post("/api/receipts/verify", &receipt.to_string(), None)
        .await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.json);
    assert_eq!(
        check.json.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["held", "reason", "verdict"],
        "nothing beyond the verdict: {}",
        check.json
    );
    assert_eq!(check.json["verdict"], "held");
    let mut forged = receipt.clone();
    forged["user"] = "someone-else".into();
    let check = t
        .post("/api/receipts/verify", &forged.to_string(), None)
        .await;
    assert_eq!(check.json["verdict"], "bad_signature");
    t.post("/api/receipts/verify", "{\"record_id\": 1}", None)
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let huge = serde_json::json!({ "app": "x".repeat(5000) }).to_string();
    t.post("/api/receipts/verify", &huge, None)
        .await
        .assert_error(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    let keys = t.get("/api/receipts/keys", None).await;
    assert_eq!(keys.json[0]["key_id"], receipt["key_id"]);
    // Two checks so far; the rest of the minute's allowance, then 429.
    for _ in 2..privacy_center_api::state::RECEIPT_CHECKS_PER_MINUTE {
        let c = t
            .post("/api/receipts/verify", &receipt.to_string(), None)
            .await;
        assert_eq!(c.status, StatusCode::OK);
    }
    t.post("/api/receipts/verify", &receipt.to_string(), None)
        .await
        .assert_error(StatusCode::TOO_MANY_REQUESTS, "too_many_requests");
}

/// The public check takes batch receipts (the records page's, signed as
/// one) and receipts signed alone, and refuses a batch receipt changed in
/// any field, path hash, index or size.
#[tokio::test]
async fn the_public_check_takes_batch_receipts_and_refuses_tampered_ones() {
    use common::{repo_policies, TestApp};
    let t = TestApp::new(&repo_policies()).await;
    let cookie = t.sign_in("vchat", "pia").await;
    let accepted = t.accept_current(&cookie).await.json["receipt"].clone();
    assert_eq!(accepted["batch"]["size"], 1, "{accepted}");
    t.withdraw(&cookie).await;
    let page = t.get("/api/me/consents", Some(&cookie)).await;
    let page: Vec<Value> = page
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["receipt"].clone())
        .collect();
    assert_eq!(page[0]["batch"]["size"], 2, "{page:?}");
    let verdict = |r: &Value| {
        let t = &t;
        let body = r.to_string();
        async move {
            let c = t.post("/api/receipts/verify", &body, None).await;
            assert_eq!(c.status, StatusCode::OK, "{}", c.json);
            c.json["verdict"].as_str().unwrap().to_owned()
        }
    };
    let alone = signed_alone(&accepted, t.state.ledger.keyring());
    for r in page.iter().chain([&accepted, &alone]) {
        assert_eq!(verdict(r).await, "held", "{r}");
    }
    for (what, r) in tampered(&page[0]) {
        assert_eq!(verdict(&r).await, "bad_signature", "{what}");
    }
}

/// Rows written before the ledger had keys (an upgraded data directory):
/// the first start-up checkpoint seals them, `verify` names them as
/// unkeyed and passes; an unkeyed row added after that is a forgery.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rows_from_before_the_keys_are_sealed_by_the_first_checkpoint() {
    let data = tempfile::tempdir().unwrap();
    privacy_center_api::store::Store::open(data.path())
        .await
        .unwrap();
    let pool = sqlite(data.path()).await;
    let mut prev = privacy_center_api::ledger::GENESIS.to_owned();
    for (i, action) in ["accept", "withdraw"].into_iter().enumerate() {
        let mut row = Row {
            seq: i as i64 + 1,
            record_id: format!("{:032x}", i + 1),
            app: "vchat".into(),
            user_id: "olga".into(),
            format: privacy_center_api::ledger::FORMAT_V1,
            subject: "olga".into(),
            version: "2020-10-01".into(),
            sha256: "e".repeat(64),
            action: action.into(),
            channel: "webview".into(),
            recorded_at: format!("2025-01-0{}T08:00:00.000Z", i + 1),
            prev_hash: prev.clone(),
            hash: String::new(),
            key_id: None,
            mac: None,
        };
        rehash(&mut row);
        insert(&pool, &row).await;
        prev = row.hash;
    }
    pool.close().await;
    let mut server = Server::start(data.path(), &[]);
    assert!(server.terminate(Duration::from_secs(10)));
    let (ok, out) = verify(data.path());
    assert!(ok, "{out}");
    assert!(
        out.contains("note: 2 record(s) unkeyed, written before 20"),
        "{out}"
    );

    let (copy, pool) = attack(data.path(), false).await;
    let last = rows_of(&pool, "olga").await.pop().unwrap();
    let mut forged = Row {
        seq: 3,
        record_id: "f".repeat(32),
        action: "accept".into(),
        prev_hash: last.hash.clone(),
        ..last
    };
    rehash(&mut forged);
    insert(&pool, &forged).await;
    pool.close().await;
    assert_fails_with(
        copy.path(),
        &["vchat/olga: seq 3 (record ffffffffffffffffffffffffffffffff): inserted without the ledger key"],
        &[],
    );
}
