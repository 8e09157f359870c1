//! Two API instances — two real `serve` processes — on one PostgreSQL
//! database and one shared data directory (keys, checkpoints.log), as
//! docs/deploy.md runs them behind a load balancer (issue #13). Requests
//! alternate between the instances; everything one instance promises holds
//! for the pair.

mod common;

use common::pg;
use common::server::{account_state, call, mint_token, Answer, Conn, Server};
use hyper::{Method, StatusCode};
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Two instances on a fresh database, both with `extra` arguments.
struct Pair {
    data: tempfile::TempDir,
    url: String,
    a: Server,
    b: Server,
}

impl Pair {
    async fn start(extra: &[&str]) -> Pair {
        let url = pg::cluster().fresh_api_database().await;
        let data = tempfile::tempdir().unwrap();
        let mut args = vec!["--database-url", url.as_str()];
        args.extend_from_slice(extra);
        // One at a time, so the first creates the keys the second reads.
        let a = Server::start(data.path(), &args);
        let b = Server::start(data.path(), &args);
        Pair { data, url, a, b }
    }

    /// Instance A for even `i`, B for odd.
    fn addr(&self, i: usize) -> &str {
        if i.is_multiple_of(2) {
            &self.a.addr
        } else {
            &self.b.addr
        }
    }

    /// A session for `user`, signed in on instance A.
    async fn sign_in(&self, user: &str) -> String {
        let token = mint_token(self.data.path(), "vchat", user);
        Conn::open(&self.a.addr)
            .await
            .unwrap()
            .sign_in(json!({ "token": token }))
            .await
    }

    /// `privacy-center ledger verify` on the pair's database: (exit 0, output).
    fn ledger_verify(&self) -> (bool, String) {
        common::server::ledger_verify(self.data.path(), Some(&self.url))
    }

    /// The database as its owner sees it (the API's role sees less).
    async fn owner(&self) -> sqlx::PgPool {
        sqlx::PgPool::connect(&pg::cluster().owner_url(&self.url))
            .await
            .unwrap()
    }
}

/// The body that agrees to the version `me` (GET /api/me) names as current.
fn accept_body(me: &serde_json::Value) -> String {
    json!({"version": me["current"]["version"], "sha256": me["current"]["sha256"], "action": "accept"})
        .to_string()
}

/// Every user writes from both instances at once, accept and withdraw in
/// turn: each write is either recorded or refused by the consent rules
/// (never a server error), and every user's records form one chain —
/// no fork, however the two instances interleave.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_for_one_user_from_both_instances_make_one_chain() {
    const USERS: usize = 4;
    const WRITES: usize = 24;
    let pair = Arc::new(Pair::start(&[]).await);
    let mut tasks = Vec::new();
    for u in 0..USERS {
        let cookie = pair.sign_in(&format!("duo{u}")).await;
        let me = call(&pair.a.addr, Method::GET, "/api/me", Some(&cookie), None).await;
        let accept = accept_body(&me.json());
        for side in 0..2 {
            let (pair, cookie, accept) = (pair.clone(), cookie.clone(), accept.clone());
            tasks.push(tokio::spawn(async move {
                let withdraw = json!({"action": "withdraw"}).to_string();
                let mut statuses = Vec::new();
                for i in 0..WRITES {
                    let body = if (i + side) % 2 == 0 {
                        &accept
                    } else {
                        &withdraw
                    };
                    let a: Answer = call(
                        pair.addr(side),
                        Method::POST,
                        "/api/me/consents",
                        Some(&cookie),
                        Some(body),
                    )
                    .await;
                    statuses.push((side, a.status));
                }
                statuses
            }));
        }
    }
    let mut recorded = [0usize; 2];
    for task in tasks {
        for (side, status) in task.await.unwrap() {
            match status {
                StatusCode::CREATED => recorded[side] += 1,
                StatusCode::CONFLICT => {}
                other => panic!("instance {side} answered {other}"),
            }
        }
    }
    assert!(
        recorded[0] > 0 && recorded[1] > 0,
        "both instances wrote: {recorded:?}"
    );
    let (ok, out) = pair.ledger_verify();
    assert!(ok, "{out}");
    let total = recorded[0] + recorded[1];
    assert!(
        out.contains(&format!(
            "{total} records in {USERS} chains: every chain verifies"
        )),
        "{total} recorded: {out}"
    );
}

/// What one instance changes, the other serves at once: a session ended
/// on A is refused by B, settings saved on B read back on A (neither
/// instance keeps rows in memory on PostgreSQL).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ended_or_a_setting_saved_on_one_instance_shows_on_the_other() {
    let pair = Pair::start(&[]).await;
    let cookie = pair.sign_in("ines").await;
    let me = call(&pair.b.addr, Method::GET, "/api/me", Some(&cookie), None).await;
    assert_eq!(me.status, StatusCode::OK);

    let saved = call(
        &pair.b.addr,
        Method::PUT,
        "/api/me/push",
        Some(&cookie),
        Some(r#"{"enabled": true, "categories": {"message_push": false}}"#),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK);
    let read = call(
        &pair.a.addr,
        Method::GET,
        "/api/me/push",
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(read.json(), saved.json());
    let again = call(
        &pair.a.addr,
        Method::PUT,
        "/api/me/push",
        Some(&cookie),
        Some(r#"{"enabled": false}"#),
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
    let read = call(
        &pair.b.addr,
        Method::GET,
        "/api/me/push",
        Some(&cookie),
        None,
    )
    .await;
    assert_eq!(read.json()["enabled"], false);

    // B has served this session (it would have cached it on SQLite).
    let ended = call(
        &pair.a.addr,
        Method::DELETE,
        "/api/session",
        Some(&cookie),
        None,
    )
    .await;
    assert!(ended.status.is_success(), "{}", ended.status);
    let me = call(&pair.b.addr, Method::GET, "/api/me", Some(&cookie), None).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);

    // A consent recorded on A is what B reports (no stale chain head).
    let cookie = pair.sign_in("jules").await;
    let me = call(&pair.b.addr, Method::GET, "/api/me", Some(&cookie), None).await;
    assert_eq!(me.json()["consent"], "never");
    let accept = accept_body(&me.json());
    let a = call(
        &pair.a.addr,
        Method::POST,
        "/api/me/consents",
        Some(&cookie),
        Some(&accept),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED);
    let me = call(&pair.b.addr, Method::GET, "/api/me", Some(&cookie), None).await;
    assert_eq!(me.json()["consent"], "current");
}

/// A consent is refused on one instance once its session ended anywhere,
/// although that instance has recorded consents in this session before
/// (and so knows it): signed out on A, or left idle past 30 minutes as the
/// database records it, whichever instance saw its last use. A live
/// session's last use is recorded by the consent as by any request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consent_is_refused_on_one_instance_once_the_session_ended_anywhere() {
    let pair = Pair::start(&[]).await;
    let owner = pair.owner().await;
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
    };
    let last_seen = |user: &'static str| {
        let owner = owner.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT last_seen_at FROM sessions WHERE app = 'vchat' AND user_id = $1",
            )
            .bind(user)
            .fetch_one(&owner)
            .await
            .unwrap()
        }
    };
    // Agrees on B, so B has read the session.
    let consent = |cookie: String| {
        let addr = pair.b.addr.clone();
        async move {
            let me = call(&addr, Method::GET, "/api/me", Some(&cookie), None).await;
            let body = accept_body(&me.json());
            call(
                &addr,
                Method::POST,
                "/api/me/consents",
                Some(&cookie),
                Some(&body),
            )
            .await
        }
    };
    // Withdraws on B: what B answers.
    let withdraw = |cookie: String| {
        let addr = pair.b.addr.clone();
        async move {
            let body = r#"{"action": "withdraw"}"#;
            let answer = call(
                &addr,
                Method::POST,
                "/api/me/consents",
                Some(&cookie),
                Some(body),
            )
            .await;
            (answer.status, answer.json())
        }
    };
    let last_used = |user: &'static str, secs_ago: i64| {
        let owner = owner.clone();
        async move {
            sqlx::query(
                "UPDATE sessions SET last_seen_at = $1 WHERE app = 'vchat' AND user_id = $2",
            )
            .bind(now() - secs_ago)
            .bind(user)
            .execute(&owner)
            .await
            .unwrap();
        }
    };

    // Signed out through A.
    let kim = pair.sign_in("kim").await;
    assert_eq!(consent(kim.clone()).await.status, StatusCode::CREATED);
    let out = call(
        &pair.a.addr,
        Method::DELETE,
        "/api/session",
        Some(&kim),
        None,
    )
    .await;
    assert!(out.status.is_success(), "{}", out.status);
    let (status, body) = withdraw(kim).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");

    // Idle: its last use, as the database has it, 31 minutes ago.
    let lea = pair.sign_in("lea").await;
    assert_eq!(consent(lea.clone()).await.status, StatusCode::CREATED);
    last_used("lea", 31 * 60).await;
    let (status, body) = withdraw(lea).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");

    // Live, last written five minutes ago: recorded, and the use with it.
    let max = pair.sign_in("max").await;
    assert_eq!(consent(max.clone()).await.status, StatusCode::CREATED);
    last_used("max", 5 * 60).await;
    let (status, body) = withdraw(max).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert!(
        last_seen("max").await >= now() - 60,
        "the consent counts as a use"
    );
}

/// A throttle counts across instances: wrong staff credentials sent to A
/// and B in turn lock the client out of both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttle_counts_what_both_instances_saw() {
    let pair = Pair::start(&[]).await;
    let attempt = |addr: String, credential: String| async move {
        let body = json!({ "credential": credential }).to_string();
        call(&addr, Method::POST, "/api/staff/session", None, Some(&body))
            .await
            .status
    };
    for i in 0..5 {
        let status = attempt(pair.addr(i).to_owned(), "wrong".repeat(9)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    for i in 0..2 {
        let status = attempt(pair.addr(i).to_owned(), "wrong".repeat(9)).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "instance {i}");
    }
}

/// Both instances run the cancellation scheduler; each due request is
/// completed exactly once, whichever instance gets to it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_schedulers_complete_each_cancellation_once() {
    const DAY_SECS: i64 = 86_400;
    let start = ["--dev", "--dev-clock-start", "2026-12-01T10:00:00+08:00"];
    let pair = Pair::start(&start).await;
    let users: Vec<String> = (0..6).map(|i| format!("leaver{i}")).collect();
    for (i, user) in users.iter().enumerate() {
        let cookie = pair.sign_in(user).await;
        let a = call(
            pair.addr(i),
            Method::POST,
            "/api/me/cancellation",
            Some(&cookie),
            Some(r#"{"confirmation": "注销账号"}"#),
        )
        .await;
        assert_eq!(
            a.status,
            StatusCode::CREATED,
            "{}",
            String::from_utf8_lossy(&a.body)
        );
    }
    // Both clocks past every cooling-off period.
    let advance = format!(r#"{{"advance_seconds": {}}}"#, 16 * DAY_SECS);
    for i in 0..2 {
        let a = call(
            pair.addr(i),
            Method::POST,
            "/api/dev/clock",
            None,
            Some(&advance),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK);
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    for user in &users {
        while account_state(&pair.b.addr, pair.data.path(), user).await != "cancelled" {
            assert!(Instant::now() < deadline, "{user} not completed");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let owner = pair.owner().await;
    let completions: Vec<(String, i64)> = sqlx::query_as(
        "SELECT user_id, count(*) FROM changes WHERE kind = 'account' \
         AND (data::jsonb ->> 'event') = 'completed' GROUP BY user_id ORDER BY user_id",
    )
    .fetch_all(&owner)
    .await
    .unwrap();
    let want: Vec<(String, i64)> = users.iter().map(|u| (u.clone(), 1)).collect();
    assert_eq!(completions, want, "one completion per request");
    let claimed: BTreeSet<String> = sqlx::query_scalar(
        "SELECT DISTINCT claimed_by FROM cancellations WHERE claimed_by IS NOT NULL",
    )
    .fetch_all(&owner)
    .await
    .unwrap()
    .into_iter()
    .collect();
    assert!(claimed.is_empty(), "no claim left behind: {claimed:?}");
    let (ok, out) = pair.ledger_verify();
    assert!(ok, "{out}");
}

/// kill -9 of one instance while both take writes: every write either
/// instance acknowledged is in the database, and the ledger verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_of_one_instance_loses_no_acknowledged_write() {
    const USERS: usize = 6;
    let mut pair = Pair::start(&[]).await;
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for u in 0..USERS {
        let cookie = pair.sign_in(&format!("kim{u}")).await;
        let me = call(&pair.a.addr, Method::GET, "/api/me", Some(&cookie), None).await;
        let accept = accept_body(&me.json());
        let addr = pair.addr(u).to_owned();
        let stop = stop.clone();
        tasks.push(tokio::spawn(async move {
            let withdraw = json!({"action": "withdraw"}).to_string();
            let mut acked = Vec::new();
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                let body = if i % 2 == 0 { &accept } else { &withdraw };
                i += 1;
                let Ok(mut c) = Conn::open(&addr).await else {
                    break; // this instance is gone
                };
                let req = common::server::request(
                    Method::POST,
                    &addr,
                    "/api/me/consents",
                    Some(&cookie),
                    Some(body),
                );
                match c.send(req).await {
                    Ok(a) if a.status == StatusCode::CREATED => {
                        acked.push(a.json()["record_id"].as_str().unwrap().to_owned());
                    }
                    Ok(a) => assert_eq!(a.status, StatusCode::CONFLICT),
                    Err(_) => break, // killed mid-request: unknown, not acknowledged
                }
            }
            acked
        }));
    }
    // Let both take writes, then kill A in the middle of them; a new
    // instance starts in its place, as a supervisor would start one.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let replacement = Server::start(pair.data.path(), &["--database-url", &pair.url]);
    std::mem::replace(&mut pair.a, replacement).kill9();
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    let mut acked = BTreeSet::new();
    for task in tasks {
        acked.extend(task.await.unwrap());
    }
    let owner = pair.owner().await;
    let stored: BTreeSet<String> = sqlx::query_scalar("SELECT record_id FROM consents")
        .fetch_all(&owner)
        .await
        .unwrap()
        .into_iter()
        .collect();
    assert!(acked.len() > 20, "only {} writes acknowledged", acked.len());
    let lost: Vec<&String> = acked.difference(&stored).collect();
    assert!(lost.is_empty(), "acknowledged but not stored: {lost:?}");
    let (ok, out) = pair.ledger_verify();
    assert!(ok, "{out}");
}
