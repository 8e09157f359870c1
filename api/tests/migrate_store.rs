//! `privacy-center migrate-store` (issue #13): a data directory written by
//! the server's own code — consents and their ledger, settings, teen mode
//! with a wrong password and an appeal, a pending and a completed
//! cancellation, staff sessions and throttles, a signed checkpoint — is
//! copied into PostgreSQL (a throwaway cluster, `common::pg`) with every
//! row equal, column by column; the ledger still verifies there; the copy
//! includes rows that exist only in the write-ahead log; a non-empty
//! target, a table on one side only and a row PostgreSQL refuses each copy
//! nothing.

mod common;

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRef};
use axum::http::{Method, Request, StatusCode};
use common::server::{mint_token, request, Conn, Server, BIN};
use common::{json_request, post, repo_policies, TestApp};
use privacy_center_api::store::DB_FILE;
use serde_json::{json, Value};
use sqlx::{Column, Connection, Row as _, TypeInfo, ValueRef};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;

const DAY_MS: i64 = 86_400_000;
const PIN: &str = "5192";
const CANCELLATION: &str = "/api/me/cancellation";

/// A value as both engines must hold it: SQLite's 0/1 is PostgreSQL's
/// BOOLEAN, SQLite's BLOB its BYTEA.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum V {
    Null,
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
}

/// Every table (but sqlx's own) with its rows, each row as column → value,
/// rows sorted.
type Dump = BTreeMap<String, Vec<BTreeMap<String, V>>>;

/// `privacy-center migrate-store --from <from> --to <to>`: (exit 0, stdout, stderr).
fn migrate(from: &Path, to: &str) -> (bool, String, String) {
    let out = Command::new(BIN)
        .arg("migrate-store")
        .arg("--from")
        .arg(from)
        .args(["--to", to])
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

async fn sqlite(data: &Path) -> sqlx::SqliteConnection {
    let url = format!("sqlite://{}?mode=ro", data.join(DB_FILE).display());
    sqlx::SqliteConnection::connect(&url).await.unwrap()
}

async fn postgres(url: &str) -> sqlx::PgConnection {
    sqlx::PgConnection::connect(url).await.unwrap()
}

/// A table's rows, each as column → value (`value` reads a non-NULL
/// one), sorted.
fn rows_of<R: sqlx::Row>(rows: &[R], value: fn(&R, usize) -> V) -> Vec<BTreeMap<String, V>>
where
    usize: sqlx::ColumnIndex<R>,
{
    let mut read: Vec<BTreeMap<String, V>> = rows
        .iter()
        .map(|row| {
            row.columns()
                .iter()
                .map(|c| {
                    let null = row.try_get_raw(c.ordinal()).unwrap().is_null();
                    let v = if null {
                        V::Null
                    } else {
                        value(row, c.ordinal())
                    };
                    (c.name().to_owned(), v)
                })
                .collect()
        })
        .collect();
    read.sort();
    read
}

fn sqlite_value(row: &sqlx::sqlite::SqliteRow, i: usize) -> V {
    match row.try_get_raw(i).unwrap().type_info().name() {
        "INTEGER" => V::Int(row.get(i)),
        "TEXT" => V::Text(row.get(i)),
        "BLOB" => V::Bytes(row.get(i)),
        other => panic!("{}: SQLite type {other}", row.column(i).name()),
    }
}

fn pg_value(row: &sqlx::postgres::PgRow, i: usize) -> V {
    match row.column(i).type_info().name() {
        "BOOL" => V::Int(i64::from(row.get::<bool, _>(i))),
        "INT8" => V::Int(row.get(i)),
        "TEXT" => V::Text(row.get(i)),
        "BYTEA" => V::Bytes(row.get(i)),
        other => panic!("{}: PostgreSQL type {other}", row.column(i).name()),
    }
}

/// Every table `list` names, read with `value`.
async fn dump<DB: sqlx::Database>(
    conn: &mut DB::Connection,
    list: &str,
    value: fn(&DB::Row, usize) -> V,
) -> Dump
where
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    (String,): for<'r> sqlx::FromRow<'r, DB::Row>,
    usize: sqlx::ColumnIndex<DB::Row>,
{
    let tables: Vec<String> = sqlx::query_scalar(list)
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    let mut dump = Dump::new();
    for table in tables {
        let select = format!("SELECT * FROM {table}");
        let rows = sqlx::query(&select).fetch_all(&mut *conn).await.unwrap();
        dump.insert(table, rows_of(&rows, value));
    }
    dump
}

async fn sqlite_dump(data: &Path) -> Dump {
    let tables = "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite%' AND name <> '_sqlx_migrations'";
    dump::<sqlx::Sqlite>(&mut sqlite(data).await, tables, sqlite_value).await
}

async fn pg_dump(url: &str) -> Dump {
    let tables = "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'";
    dump::<sqlx::Postgres>(&mut postgres(url).await, tables, pg_value).await
}

/// Asserts both dumps hold the same tables with the same rows, naming the
/// first table that differs.
#[track_caller]
fn assert_same(sqlite: &Dump, pg: &Dump) {
    assert_eq!(
        sqlite.keys().collect::<Vec<_>>(),
        pg.keys().collect::<Vec<_>>()
    );
    for (table, rows) in sqlite {
        assert_eq!(rows, &pg[table], "{table}: rows differ");
    }
}

/// Every identity sequence of the target: (table.column, the last value
/// handed out or None, the highest id in the table or None).
async fn sequences(url: &str) -> Vec<(String, Option<i64>, Option<i64>)> {
    let mut conn = postgres(url).await;
    let identity: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND is_identity = 'YES' ORDER BY 1, 2",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(identity.len() >= 5, "{identity:?}");
    let mut out = Vec::new();
    for (table, column) in identity {
        let (last, max): (Option<i64>, Option<i64>) = sqlx::query_as(&format!(
            "SELECT pg_sequence_last_value(pg_get_serial_sequence('{table}', '{column}')::regclass), \
                    (SELECT max({column}) FROM {table})"
        ))
        .fetch_one(&mut conn)
        .await
        .unwrap();
        out.push((format!("{table}.{column}"), last, max));
    }
    out
}

/// A staff sign-in from 127.0.0.1 with `credential`.
fn staff_sign_in(credential: &str) -> Request<Body> {
    let body = json!({ "credential": credential }).to_string();
    let mut req = post("/api/staff/session", &body, None);
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40_000))));
    req
}

/// Sends a same-origin JSON request as the user of `cookie`; asserts the
/// answer's status.
async fn call(t: &TestApp, method: Method, uri: &str, body: Value, cookie: &str, want: StatusCode) {
    let req = json_request(method, uri, &body.to_string(), Some(cookie));
    let res = t.send(req).await;
    assert_eq!(res.status, want, "{uri}: {}", res.json);
}

/// A server that has written a row into every table, through its routes
/// (and the cancellation scheduler and checkpointer it runs).
async fn busy_server() -> TestApp {
    use StatusCode as S;
    let t = TestApp::new(&repo_policies()).await;
    let cancel = json!({ "confirmation": "注销账号" });
    // erin cancels her account; it completes after the cooling-off.
    let erin = t.sign_in("vchat", "erin").await;
    assert_eq!(t.accept_current(&erin).await.status, S::CREATED);
    let push_off = json!({ "enabled": false });
    call(&t, Method::PUT, "/api/me/push", push_off, &erin, S::OK).await;
    call(
        &t,
        Method::POST,
        CANCELLATION,
        cancel.clone(),
        &erin,
        S::CREATED,
    )
    .await;
    t.state.clock.advance(16 * DAY_MS);
    let scheduler = privacy_center_api::cancellation::Cancellations::from_ref(&t.state);
    assert_eq!(scheduler.run_due("test").await.unwrap(), 1);

    // alice: a chain of three, push with quiet hours and an opt-out, a
    // switch, a permission choice.
    let alice = t.sign_in("vchat", "alice").await;
    for answer in ["accept", "withdraw", "accept"] {
        let res = if answer == "withdraw" {
            t.withdraw(&alice).await
        } else {
            t.accept_current(&alice).await
        };
        assert_eq!(res.status, S::CREATED, "{}", res.json);
    }
    let push = json!({ "enabled": true, "categories": { "message_push": false },
        "quiet_hours": { "start": "22:00", "end": "07:00", "time_zone": "Asia/Shanghai" } });
    call(&t, Method::PUT, "/api/me/push", push, &alice, S::OK).await;
    let switch = json!({ "switches": { "hide_online": true } });
    call(&t, Method::PUT, "/api/me/switches", switch, &alice, S::OK).await;
    let choice = json!({ "permission": "camera", "state": "denied", "source": "browser" });
    call(
        &t,
        Method::POST,
        "/api/me/permission-choices",
        choice,
        &alice,
        S::CREATED,
    )
    .await;

    // bob puts off, then cancels (still cooling off); a huajian user resets
    // the recommendation profile.
    let bob = t.sign_in("vchat", "bob").await;
    assert_eq!(t.defer_current(&bob).await.status, S::CREATED);
    call(&t, Method::POST, CANCELLATION, cancel, &bob, S::CREATED).await;
    let dan = t.sign_in("huajian", "dan").await;
    let reset = json!({ "switch": "personalised_recommendations" });
    call(
        &t,
        Method::POST,
        "/api/me/profile-reset",
        reset,
        &dan,
        S::ACCEPTED,
    )
    .await;

    // carol: teen mode with a password (salt and hash are BLOBs), one wrong
    // password, an appeal.
    let carol = t.sign_in("vchat", "carol").await;
    let on = json!({ "pin": PIN, "age_band": "12_16", "time_zone": "Asia/Shanghai" });
    call(&t, Method::POST, "/api/me/teen-mode/on", on, &carol, S::OK).await;
    let wrong = json!({ "pin": "3807" });
    call(
        &t,
        Method::POST,
        "/api/me/teen-mode/off",
        wrong,
        &carol,
        S::FORBIDDEN,
    )
    .await;
    let appeal = json!({ "note": "换了手机" });
    call(
        &t,
        Method::POST,
        "/api/me/teen-mode/appeal",
        appeal,
        &carol,
        S::CREATED,
    )
    .await;

    // Staff: one wrong credential (a throttle event), one session.
    let wrong = t.send(staff_sign_in("not-the-credential")).await;
    assert_eq!(wrong.status, S::UNAUTHORIZED);
    let staff = t
        .send(staff_sign_in(t.state.staff.credential.secret()))
        .await;
    assert_eq!(staff.status, S::NO_CONTENT, "{}", staff.json);

    // A signed checkpoint (the lease row changes hands too).
    assert!(t.state.checkpointer.tick().await.unwrap().is_some());
    t
}

/// `privacy-center ledger verify` on the PostgreSQL copy, with the data
/// directory's ledger keys and checkpoints.log: every chain links, every
/// MAC checks, every checkpoint is signed, logged and recomputes. Answers
/// the number of chains.
fn assert_ledger_verifies(url: &str, data: &Path) -> usize {
    let (ok, text) = common::server::ledger_verify(data, Some(url));
    assert!(ok, "{text}");
    assert!(text.contains("every chain verifies"), "{text}");
    let chains = text
        .split(" chains:")
        .next()
        .and_then(|head| head.rsplit(' ').next())
        .and_then(|n| n.parse().ok());
    chains.unwrap_or_else(|| panic!("no chain count in {text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_table_is_copied_as_it_is_and_the_ledger_still_verifies() {
    let t = busy_server().await;
    // A reader that started before the next writes keeps the checkpointer
    // from copying them into the database file: they are in the
    // write-ahead log only when migrate-store runs.
    let mut old_reader = sqlite(&t.data).await;
    let mut held = old_reader.begin().await.unwrap();
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM consents")
        .fetch_one(&mut *held)
        .await
        .unwrap();
    let late = t.sign_in("vchat", "late").await;
    assert_eq!(t.accept_current(&late).await.status, StatusCode::CREATED);

    let source = sqlite_dump(&t.data).await;
    for (table, rows) in &source {
        assert!(
            !rows.is_empty(),
            "the test writes no row into {table}: add one, so that every table's copy is checked"
        );
    }
    assert_eq!(source["consents"].len() as i64, before + 1);

    let url = common::pg::cluster().fresh_database();
    let (ok, out, err) = migrate(&t.data, &url);
    assert!(ok, "{out}{err}");
    held.rollback().await.unwrap();
    assert!(
        out.lines().any(|l| l.split_whitespace().collect::<Vec<_>>()
            == ["consents", &source["consents"].len().to_string(), "rows"]),
        "{out}"
    );
    assert!(
        out.contains("keys/") && out.contains("checkpoints.log"),
        "{out}"
    );

    let copied = pg_dump(&url).await;
    assert_same(&source, &copied);
    assert_eq!(
        sqlite_dump(&t.data).await,
        source,
        "the source is untouched"
    );
    let chains = assert_ledger_verifies(&url, &t.data);
    assert_eq!(
        chains, 4,
        "erin (under her pseudonym now), alice, bob, late"
    );

    // Each identity sequence stands at the highest copied id.
    let moved = sequences(&url).await;
    for (column, last, max) in &moved {
        assert_eq!(last, max, "{column}");
    }

    // A second run refuses, naming what holds rows, and changes nothing.
    let (ok, out, err) = migrate(&t.data, &url);
    assert!(!ok, "{out}");
    assert!(
        err.contains("not empty") && err.contains("consents") && err.contains("policy_texts"),
        "{err}"
    );
    assert_same(&source, &pg_dump(&url).await);
    assert_eq!(sequences(&url).await, moved);

    // New rows get fresh ids; the ledger's guards are in force.
    let mut pg = postgres(&url).await;
    let max_seq = source["consents"]
        .iter()
        .map(|r| match r["seq"] {
            V::Int(n) => n,
            _ => unreachable!(),
        })
        .max()
        .unwrap();
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO consents (record_id, app, user_id, version, sha256, action, channel, \
         recorded_at, prev_hash, hash, format, subject) \
         VALUES (repeat('r', 32), 'vchat', 'new', 'v', repeat('a', 64), 'accept', 'browser', \
         't', repeat('0', 64), repeat('b', 64), 2, repeat('s', 32)) RETURNING seq",
    )
    .fetch_one(&mut pg)
    .await
    .unwrap();
    assert_eq!(seq, max_seq + 1);
    let feed: i64 = sqlx::query_scalar(
        "INSERT INTO changes (app, user_id, kind, at, data) VALUES ('vchat', 'new', 'push', 't', '{}') RETURNING seq",
    )
    .fetch_one(&mut pg)
    .await
    .unwrap();
    assert!(source["changes"].iter().all(|r| r["seq"] < V::Int(feed)));
    let err = sqlx::query("UPDATE consents SET version = 'forged' WHERE seq = $1")
        .bind(max_seq)
        .execute(&mut pg)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    drop(t);
}

/// The target holds no row but the one the migrations write.
async fn assert_nothing_copied(url: &str) {
    for (table, rows) in pg_dump(url).await {
        if table == "ledger_checkpoint_lease" {
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0]["holder"], V::Null, "the migrations' row, untouched");
        } else {
            assert!(rows.is_empty(), "{table}: {rows:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_table_on_one_side_only_or_a_row_postgresql_refuses_copies_nothing() {
    let t = TestApp::new(&repo_policies()).await;
    let alice = t.sign_in("vchat", "alice").await;
    assert_eq!(t.accept_current(&alice).await.status, StatusCode::CREATED);
    let switch = json!({ "switches": { "hide_online": true } });
    call(
        &t,
        Method::PUT,
        "/api/me/switches",
        switch,
        &alice,
        StatusCode::OK,
    )
    .await;
    let url = common::pg::cluster().fresh_database();
    let mut pg = postgres(&url).await;
    sqlx::migrate!("./migrations-pg")
        .run(&mut pg)
        .await
        .unwrap();

    sqlx::query("CREATE TABLE notes (id BIGINT)")
        .execute(&mut pg)
        .await
        .unwrap();
    let mut source =
        sqlx::SqliteConnection::connect(&format!("sqlite://{}", t.data.join(DB_FILE).display()))
            .await
            .unwrap();
    sqlx::query("CREATE TABLE scratch (id INTEGER)")
        .execute(&mut source)
        .await
        .unwrap();
    let (ok, out, err) = migrate(&t.data, &url);
    assert!(!ok, "{out}");
    assert!(
        err.contains("notes: exists in PostgreSQL only")
            && err.contains("scratch: exists in SQLite only"),
        "{err}"
    );
    assert_nothing_copied(&url).await;
    sqlx::query("DROP TABLE notes")
        .execute(&mut pg)
        .await
        .unwrap();
    sqlx::query("DROP TABLE scratch")
        .execute(&mut source)
        .await
        .unwrap();

    // switch_values comes after most tables: they were written, then rolled back.
    sqlx::query("ALTER TABLE switch_values ADD CONSTRAINT no_switches CHECK (NOT is_on)")
        .execute(&mut pg)
        .await
        .unwrap();
    let (ok, out, err) = migrate(&t.data, &url);
    assert!(!ok, "{out}");
    assert!(
        err.contains("switch_values: ")
            && err.contains("no_switches")
            && err.contains("nothing was copied"),
        "{err}"
    );
    assert_nothing_copied(&url).await;

    // Once the target takes every row, the same store copies (the target
    // already migrated, holding only the migrations' row).
    sqlx::query("ALTER TABLE switch_values DROP CONSTRAINT no_switches")
        .execute(&mut pg)
        .await
        .unwrap();
    let (ok, out, err) = migrate(&t.data, &url);
    assert!(ok, "{out}{err}");
    assert_same(&sqlite_dump(&t.data).await, &pg_dump(&url).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_of_a_server_killed_with_kill_9_is_copied_whole() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &["--checkpoint-ms", "3600000"]);
    let mut conn = Conn::open(&server.addr).await.unwrap();
    let token = mint_token(data.path(), "vchat", "kim");
    let cookie = conn.sign_in(json!({ "token": token })).await;
    let addr = server.addr.clone();
    let me = conn
        .send(request(Method::GET, &addr, "/api/me", Some(&cookie), None))
        .await
        .unwrap()
        .json();
    let body = json!({ "version": me["current"]["version"], "sha256": me["current"]["sha256"],
        "action": "accept" })
    .to_string();
    let answer = conn
        .send(request(
            Method::POST,
            &addr,
            "/api/me/consents",
            Some(&cookie),
            Some(&body),
        ))
        .await
        .unwrap();
    assert_eq!(answer.status, StatusCode::CREATED);
    server.kill9();

    let url = common::pg::cluster().fresh_database();
    let (ok, out, err) = migrate(data.path(), &url);
    assert!(ok, "{out}{err}");
    let source = sqlite_dump(data.path()).await;
    assert_eq!(source["consents"].len(), 1);
    assert_same(&source, &pg_dump(&url).await);
    assert_ledger_verifies(&url, data.path());
}

#[tokio::test]
async fn help_names_what_is_not_copied_and_bad_arguments_are_refused() {
    let out = Command::new(BIN)
        .args(["migrate-store", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for words in [
        "keys/",
        "checkpoints.log",
        "PRIVACY_CENTER_LEDGER_KEYS",
        "stop the server",
    ] {
        assert!(help.contains(words), "{words}: {help}");
    }
    let empty = tempfile::tempdir().unwrap();
    let (ok, _, err) = migrate(empty.path(), "postgres://nobody@127.0.0.1:1/none");
    assert!(!ok);
    assert!(err.contains("no SQLite store at"), "{err}");
    let t = TestApp::new(&repo_policies()).await;
    let (ok, _, err) = migrate(&t.data, "sqlite://elsewhere.sqlite3");
    assert!(!ok);
    assert!(err.contains("--to is not a PostgreSQL URL"), "{err}");
}
