//! `kill -9` during a stream of consent writes: the real binary on one data
//! directory is killed at random moments and restarted while signed-in users
//! keep writing over HTTP. Afterwards every write answered 201 is in the
//! ledger exactly as answered, no write appears that was not sent, and
//! `privacy-center ledger verify` passes. And a server killed at each step
//! of an account cancellation's completion comes back with the account
//! whole and completes it once it runs again.

mod common;

use common::server::{account_state, call, mint_token, request, Conn, Server};
use hyper::{Method, StatusCode};
use privacy_center_api::ledger::{self, GENESIS};
use privacy_center_api::on_db;
use privacy_center_api::store::{Store, DB_FILE};
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

const USERS: usize = 8;
const MIN_ACKED: usize = 600;
const MIN_KILLS: usize = 4;

/// What one request came to.
#[derive(Debug, Clone)]
enum Outcome {
    /// 201 with the record the server says it committed.
    Acked {
        record_id: String,
        hash: String,
        prev_hash: String,
        action: String,
    },
    /// A definite refusal (409 nothing to withdraw): nothing was written.
    Refused,
    /// No answer (connection refused, reset or closed): may or may not be written.
    Unknown,
}

/// One user's sequential stream of writes, in turn accept, withdraw and
/// "Not now" (defer: a chain whose newest row is not the decision).
async fn writer(
    user: usize,
    cookie: String,
    answers: [String; 2],
    mut addr: watch::Receiver<String>,
    stop: Arc<AtomicBool>,
    acked: Arc<AtomicUsize>,
) -> Vec<(&'static str, Outcome)> {
    let withdraw = serde_json::json!({"action": "withdraw"}).to_string();
    let [accept, defer] = answers;
    let mut log: Vec<(&'static str, Outcome)> = Vec::new();
    let mut conn: Option<Conn> = None;
    while !stop.load(Ordering::Relaxed) {
        let current = addr.borrow_and_update().clone();
        if conn.as_ref().is_none_or(|c| c.addr() != current) {
            conn = match Conn::open(&current).await {
                Ok(c) => Some(c),
                Err(_) => {
                    // Down: wait for the restart (or a moment, if it is just slow).
                    let _ = tokio::time::timeout(Duration::from_millis(50), addr.changed()).await;
                    continue;
                }
            };
        }
        let c = conn.as_mut().unwrap();
        let (kind, body) = match log.len() % 3 {
            0 => ("accept", accept.as_str()),
            1 => ("withdraw", withdraw.as_str()),
            _ => ("defer", defer.as_str()),
        };
        let req = request(
            Method::POST,
            &current,
            "/api/me/consents",
            Some(&cookie),
            Some(body),
        );
        let outcome = match c.send(req).await {
            Ok(a) if a.status == StatusCode::CREATED => {
                let j = a.json();
                acked.fetch_add(1, Ordering::Relaxed);
                Outcome::Acked {
                    record_id: j["record_id"].as_str().unwrap().to_owned(),
                    hash: j["hash"].as_str().unwrap().to_owned(),
                    prev_hash: j["prev_hash"].as_str().unwrap().to_owned(),
                    action: j["action"].as_str().unwrap().to_owned(),
                }
            }
            Ok(a) if a.status == StatusCode::CONFLICT && kind != "accept" => {
                assert_eq!(
                    a.json()["code"],
                    format!("nothing_to_{kind}"),
                    "user {user}"
                );
                Outcome::Refused
            }
            Ok(a) => panic!(
                "user {user}: {kind} answered {}: {}",
                a.status,
                String::from_utf8_lossy(&a.body)
            ),
            Err(_) => {
                conn = None;
                Outcome::Unknown
            }
        };
        log.push((kind, outcome));
    }
    log
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_consents_survive_repeated_kill_9() {
    let seed: u64 = std::env::var("DURABILITY_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    println!("DURABILITY_SEED={seed}");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let started = Instant::now();
    let data = tempfile::tempdir().unwrap();
    let log_dir = tempfile::tempdir().unwrap();
    let log_file =
        |n: usize| std::fs::File::create(log_dir.path().join(format!("{n}.log"))).unwrap();

    let url = common::test_database(data.path()).await;
    let db = common::database_args(&url);
    let mut server = Server::start_with(data.path(), &db, log_file(0));
    // Users sign in with tokens minted by the CLI, as a host app's backend would.
    let mut cookies = Vec::new();
    let mut conn = Conn::open(&server.addr).await.unwrap();
    for i in 0..USERS {
        let token = mint_token(data.path(), "vchat", &format!("durable-{i}"));
        let body = serde_json::json!({ "token": token, "channel": "webview" });
        cookies.push(conn.sign_in(body).await);
    }
    let me = conn
        .send(request(
            Method::GET,
            &server.addr,
            "/api/me",
            Some(&cookies[0]),
            None,
        ))
        .await
        .unwrap()
        .json();
    let answer = |action: &str| {
        serde_json::json!({
            "version": me["current"]["version"],
            "sha256": me["current"]["sha256"],
            "action": action,
        })
        .to_string()
    };
    let answers = [answer("accept"), answer("defer")];
    drop(conn);

    let (addr_tx, addr_rx) = watch::channel(server.addr.clone());
    let stop = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = cookies
        .into_iter()
        .enumerate()
        .map(|(i, cookie)| {
            tokio::spawn(writer(
                i,
                cookie,
                answers.clone(),
                addr_rx.clone(),
                stop.clone(),
                acked.clone(),
            ))
        })
        .collect();

    // Kill at random moments while the stream runs, restarting on the same data.
    let mut kills = 0;
    while kills < MIN_KILLS || acked.load(Ordering::Relaxed) < MIN_ACKED {
        let wait = rng.gen_range(100..500);
        tokio::time::sleep(Duration::from_millis(wait)).await;
        let before = acked.load(Ordering::Relaxed);
        server.kill9();
        kills += 1;
        println!("kill {kills} after {wait} ms, {before} writes acknowledged so far");
        // Let the writers hit the dead server for a moment.
        tokio::time::sleep(Duration::from_millis(rng.gen_range(0..50))).await;
        server = Server::start_with(data.path(), &db, log_file(kills));
        addr_tx.send(server.addr.clone()).unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(45),
            "too slow: {} acknowledged after {kills} kills",
            acked.load(Ordering::Relaxed)
        );
    }
    // One last kill with writes in flight, then stop the writers.
    tokio::time::sleep(Duration::from_millis(rng.gen_range(50..200))).await;
    server.kill9();
    kills += 1;
    stop.store(true, Ordering::Relaxed);
    let mut logs = Vec::new();
    for w in writers {
        logs.push(w.await.unwrap());
    }

    let (ok, out) = common::server::ledger_verify(data.path(), url.as_deref());
    assert!(ok, "ledger verify: {out}");
    assert!(out.contains("every chain verifies"), "{out}");

    let store = Store::open_either(data.path(), url.as_deref())
        .await
        .unwrap();
    if url.is_none() {
        let integrity: String =
            on_db!(store.pool(), c => sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(c).await)
            .unwrap();
        assert_eq!(integrity, "ok", "{}", data.path().join(DB_FILE).display());
    }
    let (mut total_acked, mut total_unknown, mut total_stored) = (0, 0, 0);
    for (i, log) in logs.iter().enumerate() {
        let user = format!("durable-{i}");
        let rows = ledger::records(store.pool(), "vchat", &user).await.unwrap();
        let by_id: HashMap<&str, (usize, &ledger::Row)> = rows
            .iter()
            .enumerate()
            .map(|(n, r)| (r.record_id.as_str(), (n, r)))
            .collect();
        let mut last_pos: Option<usize> = None;
        let mut previous: Option<&Outcome> = None;
        let mut unknown = 0;
        for (n, (kind, outcome)) in log.iter().enumerate() {
            match outcome {
                Outcome::Acked {
                    record_id,
                    hash,
                    prev_hash,
                    action,
                } => {
                    total_acked += 1;
                    assert_eq!(action, kind, "{user} request {n}");
                    let (pos, row) = by_id.get(record_id.as_str()).unwrap_or_else(|| {
                        panic!("{user} request {n}: acknowledged record {record_id} is missing")
                    });
                    assert_eq!(&row.hash, hash, "{user} request {n}: stored as answered");
                    assert_eq!(&row.prev_hash, prev_hash, "{user} request {n}");
                    assert!(
                        last_pos.is_none_or(|p| p < *pos),
                        "{user} request {n}: acknowledged writes keep their order"
                    );
                    // Nothing unanswered in between: the server built on the
                    // previous acknowledged record, so it had not lost it.
                    if let Some(Outcome::Acked { hash: prev, .. }) = previous {
                        assert_eq!(prev_hash, prev, "{user} request {n}");
                    }
                    if n == 0 {
                        assert_eq!(prev_hash, GENESIS);
                    }
                    last_pos = Some(*pos);
                }
                Outcome::Refused => {
                    // A withdraw right after an acknowledged accept must find
                    // it; a "Not now" right after an acknowledged withdraw
                    // must see that consent is wanted again.
                    let before = if *kind == "withdraw" {
                        "accept"
                    } else {
                        "withdraw"
                    };
                    assert!(
                        !matches!(previous, Some(Outcome::Acked { action, .. }) if action == before),
                        "{user} request {n}: {kind} refused although the {before} before it was acknowledged"
                    );
                }
                Outcome::Unknown => unknown += 1,
            }
            previous = Some(outcome);
        }
        let acked_here = log
            .iter()
            .filter(|(_, o)| matches!(o, Outcome::Acked { .. }))
            .count();
        // Every stored row is an acknowledged write or one that got no answer.
        assert!(
            rows.len() >= acked_here && rows.len() <= acked_here + unknown,
            "{user}: {} rows for {acked_here} acknowledged and {unknown} unanswered writes",
            rows.len()
        );
        total_unknown += unknown;
        total_stored += rows.len();
    }
    println!(
        "{kills} kills; {total_acked} writes acknowledged, {total_unknown} unanswered, \
         {total_stored} stored; {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(total_acked >= MIN_ACKED);
    assert!(kills > MIN_KILLS);
}

/// A real server sends itself SIGKILL at each step of an account
/// cancellation's completion (`serve --dev --dev-kill-at`). Started again,
/// it holds the old state whole (the request pending, the user's data and
/// session there); once its clock passes the crashed claim's lease it
/// completes the request, and `ledger verify` passes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_at_each_step_of_a_cancellation_leaves_the_old_state_and_the_next_run_completes() {
    const DAY_SECS: i64 = 86_400;
    for step in [
        "claimed",
        "settings-deleted",
        "pseudonymised",
        "before-commit",
    ] {
        let data = tempfile::tempdir().unwrap();
        let url = common::test_database(data.path()).await;
        let db = common::database_args(&url);
        let mut server = Server::start(
            data.path(),
            &[&["--dev", "--dev-kill-at", step][..], &db].concat(),
        );
        let user = format!("kill-{step}");
        let token = mint_token(data.path(), "vchat", &user);
        let cookie = Conn::open(&server.addr)
            .await
            .unwrap()
            .sign_in(serde_json::json!({ "token": token }))
            .await;
        let me = call(&server.addr, Method::GET, "/api/me", Some(&cookie), None)
            .await
            .json();
        let accept = serde_json::json!({"version": me["current"]["version"], "sha256": me["current"]["sha256"]}).to_string();
        let a = call(
            &server.addr,
            Method::POST,
            "/api/me/consents",
            Some(&cookie),
            Some(&accept),
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{step}");
        let a = call(
            &server.addr,
            Method::PUT,
            "/api/me/push",
            Some(&cookie),
            Some(r#"{"enabled": false}"#),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{step}");
        let a = call(
            &server.addr,
            Method::POST,
            "/api/me/cancellation",
            Some(&cookie),
            Some(r#"{"confirmation": "注销账号"}"#),
        )
        .await;
        assert_eq!(
            a.status,
            StatusCode::CREATED,
            "{step}: {}",
            String::from_utf8_lossy(&a.body)
        );

        // Past the cooling-off: the scheduler wakes and the process dies at `step`
        // (perhaps before it answers this request).
        let mut c = Conn::open(&server.addr).await.unwrap();
        let advance = format!(r#"{{"advance_seconds": {}}}"#, 16 * DAY_SECS);
        let _ = c
            .send(request(
                Method::POST,
                &server.addr,
                "/api/dev/clock",
                None,
                Some(&advance),
            ))
            .await;
        let status = server
            .exit_within(Duration::from_secs(30))
            .expect("the server kills itself");
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(9), "{step}: {status:?}");

        // Back up, with its own clock (the request not yet due): the old state, whole.
        let server = Server::start(data.path(), &[&["--dev"][..], &db].concat());
        assert_eq!(
            account_state(&server.addr, data.path(), &user).await,
            "pending",
            "{step}"
        );
        let push = call(
            &server.addr,
            Method::GET,
            "/api/me/push",
            Some(&cookie),
            None,
        )
        .await;
        assert_eq!(
            push.status,
            StatusCode::OK,
            "{step}: the session is still there"
        );
        assert_eq!(
            push.json()["enabled"],
            false,
            "{step}: the settings are still there"
        );

        // Past the cooling-off and the dead instance's claim: completed, once.
        let advance = format!(r#"{{"advance_seconds": {}}}"#, 16 * DAY_SECS + 120);
        let a = call(
            &server.addr,
            Method::POST,
            "/api/dev/clock",
            None,
            Some(&advance),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK);
        let deadline = Instant::now() + Duration::from_secs(30);
        while account_state(&server.addr, data.path(), &user).await != "cancelled" {
            assert!(
                Instant::now() < deadline,
                "{step}: not completed after the restart"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let me = call(&server.addr, Method::GET, "/api/me", Some(&cookie), None).await;
        assert_eq!(
            me.status,
            StatusCode::UNAUTHORIZED,
            "{step}: the session is gone"
        );
        let store = Store::open_either(data.path(), url.as_deref())
            .await
            .unwrap();
        for table in ["push_settings", "sessions", "consents", "ledger_subjects"] {
            let n: i64 = on_db!(store.pool(), c => sqlx::query_scalar(&format!(
                "SELECT count(*) FROM {table} WHERE app = 'vchat' AND user_id = $1"
            ))
            .bind(&user)
            .fetch_one(c).await)
            .unwrap();
            assert_eq!(n, 0, "{step}: {table}");
        }
        let completed: i64 =
            on_db!(store.pool(), c => sqlx::query_scalar("SELECT count(*) FROM cancellations WHERE state = 'completed'")
                .fetch_one(c).await)
                .unwrap();
        assert_eq!(completed, 1, "{step}");
        let (ok, out) = common::server::ledger_verify(data.path(), url.as_deref());
        assert!(ok, "{step}: {out}");
    }
}
