//! The consent ledger over HTTP: recording, reading, exporting, the internal
//! status, re-consent after material changes, group commit, and
//! `privacy-center ledger verify` against tampering.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::*;
use privacy_center_api::ledger::{self, GENESIS};
use serde_json::{json, Value};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_privacy-center");

#[tokio::test]
async fn consent_is_recorded_read_exported_and_withdrawn() {
    let t = TestApp::new(&repo_policies()).await;
    let cookie = t.sign_in("vchat", "alice").await;
    let (version, sha256) = t.vchat_current().await;

    let me = t.get("/api/me", Some(&cookie)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json["consent"], "never");
    assert_eq!(me.json["needs_reconsent"], true);
    assert_eq!(me.json["limited_mode"], true);
    assert_eq!(me.json["current"]["version"], version.as_str());
    assert_eq!(me.json["current"]["sha256"], sha256.as_str());

    let rec = t.accept_current(&cookie).await;
    assert_eq!(rec.status, StatusCode::CREATED, "{}", rec.json);
    let r = &rec.json;
    assert_eq!(r["app"], "vchat");
    assert_eq!(r["user"], "alice");
    assert_eq!(r["version"], version.as_str());
    assert_eq!(r["sha256"], sha256.as_str());
    assert_eq!(r["action"], "accept");
    assert_eq!(r["state"], "given");
    assert_eq!(r["channel"], "browser");
    assert_eq!(r["prev_hash"], GENESIS);
    assert_eq!(r["record_id"].as_str().unwrap().len(), 32);
    assert_eq!(r["hash"].as_str().unwrap().len(), 64);
    let at = r["recorded_at"].as_str().unwrap();
    assert!(
        at.len() == 24 && at.ends_with('Z') && at.as_bytes()[19] == b'.',
        "{at}"
    );

    let me = t.get("/api/me", Some(&cookie)).await;
    assert_eq!(me.json["consent"], "current");
    assert_eq!(me.json["consented_version"], version.as_str());
    assert_eq!(me.json["needs_reconsent"], false);
    assert_eq!(me.json["limited_mode"], false);
    assert_eq!(me.json["newer_material"], json!([]));

    let list = t.get("/api/me/consents", Some(&cookie)).await;
    assert_eq!(list.json, json!([rec.json]));

    let export = t.get("/api/me/export", Some(&cookie)).await;
    assert_eq!(export.status, StatusCode::OK);
    assert_eq!(
        export.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"privacy-center-export-vchat-alice.json\""
    );
    assert_eq!(export.json["consents"], json!([rec.json]));
    let sessions = export.json["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["current"], true);
    let text = export.json.to_string();
    let id_hash: String = sqlx::query_scalar("SELECT id_hash FROM sessions")
        .fetch_one(t.state.store.pool())
        .await
        .unwrap();
    assert!(!text.contains(&id_hash), "no session hashes in the export");
    assert!(!text.contains(cookie.split_once('=').unwrap().1));

    let withdraw = t
        .post(
            "/api/me/consents",
            &json!({"action": "withdraw"}).to_string(),
            Some(&cookie),
        )
        .await;
    assert_eq!(withdraw.status, StatusCode::CREATED, "{}", withdraw.json);
    assert_eq!(withdraw.json["action"], "withdraw");
    assert_eq!(withdraw.json["state"], "withdrawn");
    assert_eq!(withdraw.json["version"], version.as_str());
    assert_eq!(withdraw.json["prev_hash"], rec.json["hash"]);
    let me = t.get("/api/me", Some(&cookie)).await;
    assert_eq!(me.json["consent"], "withdrawn");
    assert_eq!(me.json["needs_reconsent"], true);
    let list = t.get("/api/me/consents", Some(&cookie)).await;
    assert_eq!(list.json[0]["action"], "withdraw", "newest first");
    assert_eq!(list.json.as_array().unwrap().len(), 2);

    t.post(
        "/api/me/consents",
        &json!({"action": "withdraw"}).to_string(),
        Some(&cookie),
    )
    .await
    .assert_error(StatusCode::CONFLICT, "nothing_to_withdraw");
    assert_eq!(t.count("consents").await, 2);

    let out = t
        .send(json_request(
            Method::DELETE,
            "/api/session",
            "",
            Some(&cookie),
        ))
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    for uri in ["/api/me", "/api/me/consents", "/api/me/export"] {
        t.get(uri, Some(&cookie))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
    }
}

#[tokio::test]
async fn refused_consents_write_nothing() {
    let t = TestApp::new(&repo_policies()).await;
    let cookie = t.sign_in("vchat", "bob").await;
    let (version, sha256) = t.vchat_current().await;
    let post = |body: Value| {
        let cookie = cookie.clone();
        let t = &t;
        async move {
            t.post("/api/me/consents", &body.to_string(), Some(&cookie))
                .await
        }
    };

    let wrong_version = post(json!({"version": "2019-01-01", "sha256": sha256})).await;
    wrong_version.assert_error(StatusCode::CONFLICT, "stale_version");
    assert!(
        wrong_version.json["message"]
            .as_str()
            .unwrap()
            .contains(&version),
        "names the current version: {}",
        wrong_version.json
    );
    post(json!({"version": version, "sha256": "0".repeat(64)}))
        .await
        .assert_error(StatusCode::CONFLICT, "stale_version");
    let missing = post(json!({"sha256": sha256})).await;
    missing.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(missing.json["fields"]["version"], "required");
    let unknown = post(json!({"version": version, "sha256": sha256, "user": "mallory"})).await;
    unknown.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(unknown.json["fields"]["user"], "unknown field");
    post(json!({"version": version, "sha256": sha256, "action": "maybe"}))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    t.post("/api/me/consents", "{\"version\":", Some(&cookie))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "bad_json");
    let huge = json!({"version": "x".repeat(65 * 1024), "sha256": sha256}).to_string();
    t.post("/api/me/consents", &huge, Some(&cookie))
        .await
        .assert_error(StatusCode::PAYLOAD_TOO_LARGE, "too_large");

    let good = json!({"version": version, "sha256": sha256}).to_string();
    let mut no_type = common::post("/api/me/consents", &good, Some(&cookie));
    no_type.headers_mut().remove(header::CONTENT_TYPE);
    t.send(no_type)
        .await
        .assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    let mut cross = common::post("/api/me/consents", &good, Some(&cookie));
    cross
        .headers_mut()
        .insert("sec-fetch-site", "cross-site".parse().unwrap());
    t.send(cross)
        .await
        .assert_error(StatusCode::FORBIDDEN, "cross_site");
    let mut foreign = common::post("/api/me/consents", &good, Some(&cookie));
    foreign
        .headers_mut()
        .insert(header::ORIGIN, "https://evil.example".parse().unwrap());
    t.send(foreign)
        .await
        .assert_error(StatusCode::FORBIDDEN, "cross_site");
    t.post("/api/me/consents", &good, None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");

    assert_eq!(t.count("consents").await, 0);
    // GET never changes state, whatever it is sent with.
    let get_with_body = Request::builder()
        .method(Method::GET)
        .uri("/api/me/consents")
        .header(header::HOST, HOST)
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(good.clone()))
        .unwrap();
    assert_eq!(t.send(get_with_body).await.json, json!([]));
    assert_eq!(t.count("consents").await, 0);
}

#[tokio::test]
async fn users_never_see_each_others_records() {
    let dir = copy_policies();
    add_other_app(dir.path());
    let t = TestApp::new(dir.path()).await;
    let alice = t.sign_in("vchat", "alice").await;
    let bob = t.sign_in("vchat", "bob").await;
    // Same user id in another app is another person.
    let alice_other = t.sign_in("other", "alice").await;
    assert_eq!(t.accept_current(&alice).await.status, StatusCode::CREATED);

    for cookie in [&bob, &alice_other] {
        let me = t.get("/api/me", Some(cookie)).await;
        assert_eq!(me.json["consent"], "never");
        assert_eq!(
            t.get("/api/me/consents", Some(cookie)).await.json,
            json!([])
        );
        let export = t.get("/api/me/export", Some(cookie)).await;
        assert_eq!(export.json["consents"], json!([]));
        assert_eq!(export.json["sessions"].as_array().unwrap().len(), 1);
    }
    let withdraw = t
        .post(
            "/api/me/consents",
            &json!({"action": "withdraw"}).to_string(),
            Some(&bob),
        )
        .await;
    withdraw.assert_error(StatusCode::CONFLICT, "nothing_to_withdraw");
    assert_eq!(t.count("consents").await, 1);

    let status_of = |app: &str, user: &str, token: Option<String>| {
        let mut b = Request::builder()
            .uri(format!("/api/internal/apps/{app}/users/{user}/status"))
            .header(header::HOST, HOST);
        if let Some(token) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        b.body(Body::empty()).unwrap()
    };
    let vchat_token = t.state.keys.service_token("vchat").unwrap().to_owned();
    let other_token = t.state.keys.service_token("other").unwrap().to_owned();
    let ok = t
        .send(status_of("vchat", "alice", Some(vchat_token.clone())))
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.json);
    let (version, _) = t.vchat_current().await;
    assert_eq!(
        ok.json,
        json!({"consented_version": version, "consent": "current",
               "needs_reconsent": false, "limited_mode": false})
    );
    let never = t
        .send(status_of("vchat", "bob", Some(vchat_token.clone())))
        .await;
    assert_eq!(never.json["consent"], "never");
    for (what, req) in [
        (
            "other app's token",
            status_of("vchat", "alice", Some(other_token)),
        ),
        ("no token", status_of("vchat", "alice", None)),
        (
            "wrong token",
            status_of("vchat", "alice", Some("x".repeat(64))),
        ),
        (
            "unknown app",
            status_of("nope", "alice", Some(vchat_token.clone())),
        ),
    ] {
        let res = t.send(req).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{what}");
        res.assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
    }
    // A cookie session does not open the internal route.
    let mut with_cookie = status_of("vchat", "alice", None);
    with_cookie
        .headers_mut()
        .insert(header::COOKIE, alice.parse().unwrap());
    assert_eq!(t.send(with_cookie).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_material_new_version_asks_for_consent_again() {
    let dir = copy_policies();
    let data = tempfile::tempdir().unwrap();
    let t = TestApp::on(dir.path(), data.path(), |_| {}).await;
    let cookie = t.sign_in("vchat", "carol").await;
    let (old_version, _) = t.vchat_current().await;
    assert_eq!(t.accept_current(&cookie).await.status, StatusCode::CREATED);
    drop(t);

    add_vchat_version(dir.path(), "2030-01-01", true, "新增直播打赏数据的处理");
    let t = TestApp::on(dir.path(), data.path(), |_| {}).await;
    let me = t.get("/api/me", Some(&cookie)).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.json);
    assert_eq!(me.json["consent"], "outdated");
    assert_eq!(me.json["consented_version"], old_version.as_str());
    assert_eq!(me.json["needs_reconsent"], true);
    assert_eq!(me.json["limited_mode"], true);
    assert_eq!(me.json["current"]["version"], "2030-01-01");
    assert_eq!(me.json["current"]["material"], true);
    assert_eq!(
        me.json["newer_material"],
        json!([{"version": "2030-01-01", "summary": "新增直播打赏数据的处理"}])
    );
    // Accepting the old version now is stale; accepting the new one is current.
    let (_, old_sha) = {
        let rows = ledger::records(t.state.store.pool(), "vchat", "carol")
            .await
            .unwrap();
        (rows[0].version.clone(), rows[0].sha256.clone())
    };
    t.post(
        "/api/me/consents",
        &json!({"version": old_version, "sha256": old_sha}).to_string(),
        Some(&cookie),
    )
    .await
    .assert_error(StatusCode::CONFLICT, "stale_version");
    assert_eq!(t.accept_current(&cookie).await.status, StatusCode::CREATED);
    let me = t.get("/api/me", Some(&cookie)).await;
    assert_eq!(me.json["consent"], "current");
    assert_eq!(me.json["needs_reconsent"], false);
}

#[tokio::test]
async fn a_minor_new_version_is_outdated_but_needs_no_reconsent() {
    let dir = copy_policies();
    let data = tempfile::tempdir().unwrap();
    let t = TestApp::on(dir.path(), data.path(), |_| {}).await;
    let cookie = t.sign_in("vchat", "dave").await;
    assert_eq!(t.accept_current(&cookie).await.status, StatusCode::CREATED);
    drop(t);

    add_vchat_version(dir.path(), "2030-02-01", false, "更正联系地址");
    let t = TestApp::on(dir.path(), data.path(), |_| {}).await;
    let me = t.get("/api/me", Some(&cookie)).await;
    assert_eq!(me.json["consent"], "outdated");
    assert_eq!(me.json["needs_reconsent"], false);
    assert_eq!(me.json["limited_mode"], false);
    assert_eq!(me.json["newer_material"], json!([]));
}

async fn concurrent_consents(t: &TestApp, users: usize) {
    let mut cookies = Vec::new();
    for i in 0..users {
        cookies.push(t.sign_in("vchat", &format!("user-{i}")).await);
    }
    accept_concurrently(t, cookies).await;
    assert_eq!(t.count("consents").await, users as i64);
    let report = ledger::verify_store(t.state.store.pool()).await.unwrap();
    assert_eq!((report.records, report.chains), (users, users));
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_consents_share_commits() {
    let t = TestApp::new(&repo_policies()).await;
    concurrent_consents(&t, 200).await;
    let stats = t.state.ledger.stats();
    assert_eq!(stats.records(), 200);
    assert!(
        stats.commits() < 200,
        "group commit: {} commits for 200 records",
        stats.commits()
    );
    let out = Command::new(BIN)
        .args(["ledger", "verify", "--data-dir"])
        .arg(&t.data)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("200 records in 200 chains: every chain verifies"),
        "{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ledger_batch_one_commits_each_request() {
    let t = TestApp::with(&repo_policies(), |s| s.ledger_batch = 1).await;
    concurrent_consents(&t, 40).await;
    assert_eq!(t.state.ledger.stats().commits(), 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_refused_row_does_not_fail_its_batch() {
    let t = TestApp::new(&repo_policies()).await;
    let (version, sha256) = t.vchat_current().await;
    let accept = json!({"version": version, "sha256": sha256}).to_string();
    let withdraw = json!({"action": "withdraw"}).to_string();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..60 {
        let cookie = t.sign_in("vchat", &format!("mixed-{i}")).await;
        let body = if i % 2 == 0 { &accept } else { &withdraw };
        let req = common::post("/api/me/consents", body, Some(&cookie));
        let router = t.router.clone();
        tasks.spawn(async move {
            use tower::ServiceExt;
            (i, router.oneshot(req).await.unwrap().status())
        });
    }
    while let Some(done) = tasks.join_next().await {
        let (i, status) = done.unwrap();
        let want = if i % 2 == 0 {
            StatusCode::CREATED
        } else {
            StatusCode::CONFLICT
        };
        assert_eq!(status, want, "request {i}");
    }
    assert_eq!(t.count("consents").await, 30);
    assert!(ledger::verify_store(t.state.store.pool())
        .await
        .unwrap()
        .problems
        .is_empty());
}

#[tokio::test]
async fn the_ledger_refuses_update_and_delete() {
    let t = TestApp::new(&repo_policies()).await;
    let cookie = t.sign_in("vchat", "erin").await;
    t.accept_current(&cookie).await;
    let pool = t.state.store.pool();
    let update = sqlx::query("UPDATE consents SET version = 'x'")
        .execute(pool)
        .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = sqlx::query("DELETE FROM consents").execute(pool).await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
}

/// Three records for `frank` (accept, withdraw, accept) and one for `grace`;
/// then `tamper` runs with the triggers dropped, as an attacker with the file would.
async fn tampered_verify(tamper: &str) -> (bool, String) {
    let t = TestApp::new(&repo_policies()).await;
    let frank = t.sign_in("vchat", "frank").await;
    let grace = t.sign_in("vchat", "grace").await;
    let withdraw = json!({"action": "withdraw"}).to_string();
    assert_eq!(t.accept_current(&frank).await.status, StatusCode::CREATED);
    assert_eq!(t.accept_current(&grace).await.status, StatusCode::CREATED);
    let w = t.post("/api/me/consents", &withdraw, Some(&frank)).await;
    assert_eq!(w.status, StatusCode::CREATED);
    assert_eq!(t.accept_current(&frank).await.status, StatusCode::CREATED);

    let db = t.data.join(privacy_center_api::store::DB_FILE);
    {
        use sqlx::Connection;
        let mut raw = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        sqlx::raw_sql("DROP TRIGGER consents_no_update; DROP TRIGGER consents_no_delete;")
            .execute(&mut raw)
            .await
            .unwrap();
        sqlx::raw_sql(tamper).execute(&mut raw).await.unwrap();
        raw.close().await.unwrap();
    }
    let out = Command::new(BIN)
        .args(["ledger", "verify", "--data-dir"])
        .arg(&t.data)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// frank's rows have seq 1, 3, 4; grace's has seq 2.
#[tokio::test]
async fn verify_passes_on_an_untouched_ledger() {
    let (ok, out) = tampered_verify("SELECT 1").await;
    assert!(ok, "{out}");
    assert!(
        out.contains("4 records in 2 chains: every chain verifies"),
        "{out}"
    );
}

#[tokio::test]
async fn verify_reports_an_altered_field() {
    let (ok, out) = tampered_verify("UPDATE consents SET channel = 'webview' WHERE seq = 3").await;
    assert!(!ok, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with("vchat/frank: seq 3 "), "{out}");
    assert!(lines[0].contains("altered"), "{out}");
    assert!(lines[1].contains("1 problem(s)"), "{out}");
}

#[tokio::test]
async fn verify_reports_a_deleted_row() {
    let (ok, out) = tampered_verify("DELETE FROM consents WHERE seq = 3").await;
    assert!(!ok, "{out}");
    assert!(out.contains("vchat/frank: seq 4 "), "{out}");
    assert!(out.contains("broken link"), "{out}");
    assert!(!out.contains("grace"), "{out}");
}

#[tokio::test]
async fn verify_reports_reordered_rows() {
    // Swap the contents of frank's first two rows by swapping their seq.
    let (ok, out) = tampered_verify(
        "UPDATE consents SET seq = 100 WHERE seq = 1; \
         UPDATE consents SET seq = 1 WHERE seq = 3; \
         UPDATE consents SET seq = 3 WHERE seq = 100;",
    )
    .await;
    assert!(!ok, "{out}");
    assert!(out.contains("reordered"), "{out}");
    assert!(out.lines().all(|l| !l.contains("altered")), "{out}");
}

/// Not a correctness test: `cargo test -p privacy-center-api --release --test
/// consent -- --ignored --nocapture` prints consents per second with group
/// commit and with one commit per request.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "benchmark"]
async fn group_commit_throughput() {
    for batch in [1, privacy_center_api::ledger::DEFAULT_BATCH] {
        let t = TestApp::with(&repo_policies(), |s| s.ledger_batch = batch).await;
        let users = 1000;
        let mut cookies = Vec::new();
        for i in 0..users {
            cookies.push(t.sign_in("vchat", &format!("bench-{i}")).await);
        }
        let started = std::time::Instant::now();
        accept_concurrently(&t, cookies).await;
        let secs = started.elapsed().as_secs_f64();
        let stats = t.state.ledger.stats();
        println!(
            "--ledger-batch {batch}: {users} consents in {secs:.2} s = {:.0}/s, {} commits",
            users as f64 / secs,
            stats.commits()
        );
    }
}

/// Every session accepts vchat's current version at once; each must get 201.
async fn accept_concurrently(t: &common::TestApp, cookies: Vec<String>) {
    let (version, sha256) = t.vchat_current().await;
    let body = json!({"version": version, "sha256": sha256}).to_string();
    let mut tasks = tokio::task::JoinSet::new();
    for cookie in cookies {
        let router = t.router.clone();
        let req = common::post("/api/me/consents", &body, Some(&cookie));
        tasks.spawn(async move {
            use tower::ServiceExt;
            router.oneshot(req).await.unwrap().status()
        });
    }
    while let Some(status) = tasks.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::CREATED);
    }
}
