//! The consent ledger over HTTP: recording, reading, exporting, the internal
//! status, re-consent after material changes, group commit, and
//! `privacy-center ledger verify` against tampering.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::*;
use privacy_center_api::ledger::{self, GENESIS};
use privacy_center_api::on_db;
use serde_json::{json, Value};

#[tokio::test]
async fn consent_is_recorded_read_exported_and_withdrawn() {
    let t = TestApp::new(&repo_policies()).await;
    let cookie = t.sign_in("vchat", "alice").await;
    let (version, sha256) = t.vchat_current().await;

    let me = t.get("/api/me", Some(&cookie)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_fields(
        &me.json,
        json!({"consent": "never", "needs_reconsent": true, "limited_mode": true,
               "current": {"version": version, "sha256": sha256}}),
    );

    let rec = t.accept_current(&cookie).await;
    assert_eq!(rec.status, StatusCode::CREATED, "{}", rec.json);
    let r = &rec.json;
    assert_fields(
        r,
        json!({"app": "vchat", "user": "alice", "version": version, "sha256": sha256,
               "action": "accept", "state": "given", "channel": "browser", "prev_hash": GENESIS}),
    );
    assert_eq!(r["record_id"].as_str().unwrap().len(), 32);
    assert_eq!(r["hash"].as_str().unwrap().len(), 64);
    let at = r["recorded_at"].as_str().unwrap();
    assert!(
        at.len() == 24 && at.ends_with('Z') && at.as_bytes()[19] == b'.',
        "{at}"
    );

    let me = t.get("/api/me", Some(&cookie)).await;
    assert_fields(
        &me.json,
        json!({"consent": "current", "consented_version": version, "needs_reconsent": false,
               "limited_mode": false, "newer_material": [], "deferred_version": null}),
    );

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
    let id_hash: String =
        on_db!(t.state.store.pool(), c => sqlx::query_scalar("SELECT id_hash FROM sessions")
        .fetch_one(c).await)
        .unwrap();
    assert!(!text.contains(&id_hash), "no session hashes in the export");
    assert!(!text.contains(cookie.split_once('=').unwrap().1));

    let withdraw = t.withdraw(&cookie).await;
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

    t.withdraw(&cookie)
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
    assert_refused_off_site(&t, &good, &cookie).await;

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
    let withdraw = t.withdraw(&bob).await;
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
               "needs_reconsent": false, "limited_mode": false,
               "deferred_version": null, "deferred_at": null,
               // Issue #16 adds the version announced to take effect later.
               "upcoming": {"version": "2026-12-15", "effective": "2026-12-15",
                            "material": true, "agreed": false},
               // Issue #14 adds the user's push settings and switches (defaults here).
               "push": {"enabled": true, "quiet_now": false,
                        "categories": {"service": true, "message_push": true}},
               "switches": {"do_not_disturb": false, "hide_intimacy_ranking": false,
                            "hide_online": false, "hide_recharge": false},
               // Issue #15 adds teen mode (off here) and the account's state.
               "teen_mode": {"on": false, "age_band": null, "daily_minutes": null,
                             "rest_reminder_minutes": null, "curfew_now": false,
                             "restrictions": [], "follow_device": false},
               "account": {"state": "active", "due_at": null, "deadline_at": null,
                           "cancelled_at": null}})
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
    // After 2026-12-15 took effect: nothing else is newer than what is agreed.
    t.state.clock.run_from(at("2027-01-01T00:00:00+08:00"));
    let cookie = t.sign_in("vchat", "carol").await;
    let (old_version, _) = t.vchat_current().await;
    assert_eq!(t.accept_current(&cookie).await.status, StatusCode::CREATED);
    drop(t);

    add_vchat_version(dir.path(), "2030-01-01", true, "新增直播打赏数据的处理");
    let t = TestApp::on(dir.path(), data.path(), |_| {}).await;
    // The new version is in force from its day on.
    t.state.clock.run_from(at("2030-01-01T00:00:00+08:00"));
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
    // After 2026-12-15 took effect: nothing else is newer than what is agreed.
    t.state.clock.run_from(at("2027-01-01T00:00:00+08:00"));
    let cookie = t.sign_in("vchat", "dave").await;
    assert_eq!(t.accept_current(&cookie).await.status, StatusCode::CREATED);
    drop(t);

    add_vchat_version(dir.path(), "2030-02-01", false, "更正联系地址");
    let t = TestApp::on(dir.path(), data.path(), |_| {}).await;
    // The new version is in force from its day on.
    t.state.clock.run_from(at("2030-02-01T00:00:00+08:00"));
    let me = t.get("/api/me", Some(&cookie)).await;
    assert_eq!(me.json["consent"], "outdated");
    assert_eq!(me.json["needs_reconsent"], false);
    assert_eq!(me.json["limited_mode"], false);
    assert_eq!(me.json["newer_material"], json!([]));
}

#[tokio::test]
async fn not_now_is_recorded_and_reported_until_the_user_decides() {
    let dir = copy_policies();
    let data = tempfile::tempdir().unwrap();
    let t = TestApp::on(dir.path(), data.path(), |_| {}).await;
    // After 2026-12-15 took effect: nothing else is newer than what is agreed.
    t.state.clock.run_from(at("2027-01-01T00:00:00+08:00"));
    let cookie = t.sign_in("vchat", "heidi").await;
    let (old_version, _) = t.vchat_current().await;
    let accepted = t.accept_current(&cookie).await;
    assert_eq!(accepted.status, StatusCode::CREATED);
    drop(t);

    add_vchat_version(dir.path(), "2030-01-01", true, "新增直播打赏数据的处理");
    let t = TestApp::on(dir.path(), data.path(), |_| {}).await;
    // The new version is in force from its day on.
    t.state.clock.run_from(at("2030-01-01T00:00:00+08:00"));
    let (version, sha256) = t.vchat_current().await;
    let me = t.get("/api/me", Some(&cookie)).await;
    // Not asked yet.
    assert_fields(
        &me.json,
        json!({"needs_reconsent": true, "deferred_version": null, "deferred_in_session": false}),
    );

    let deferred = t.defer_current(&cookie).await;
    assert_eq!(deferred.status, StatusCode::CREATED, "{}", deferred.json);
    let d = &deferred.json;
    // One chain: it follows the acceptance.
    assert_fields(
        d,
        json!({"user": "heidi", "version": version, "sha256": sha256, "action": "defer",
               "state": "deferred", "channel": "browser", "prev_hash": accepted.json["hash"]}),
    );
    let at = d["recorded_at"].as_str().unwrap();

    // The old acceptance stands, the app stays limited, and the deferral is told.
    let me = t.get("/api/me", Some(&cookie)).await;
    assert_fields(
        &me.json,
        json!({"consent": "outdated", "consented_version": old_version, "needs_reconsent": true,
               "limited_mode": true, "deferred_version": version, "deferred_at": at,
               "deferred_in_session": true}),
    );
    assert_eq!(
        t.internal_status("vchat", "heidi").await.json,
        json!({"consented_version": old_version, "consent": "outdated",
               "needs_reconsent": true, "limited_mode": true,
               "deferred_version": version, "deferred_at": at, "upcoming": null,
               "push": {"enabled": true, "quiet_now": false,
                        "categories": {"service": true, "message_push": true}},
               "switches": {"do_not_disturb": false, "hide_intimacy_ranking": false,
                            "hide_online": false, "hide_recharge": false},
               // Issue #15 adds teen mode (off here) and the account's state.
               "teen_mode": {"on": false, "age_band": null, "daily_minutes": null,
                             "rest_reminder_minutes": null, "curfew_now": false,
                             "restrictions": [], "follow_device": false},
               "account": {"state": "active", "due_at": null, "deadline_at": null,
                           "cancelled_at": null}})
    );
    // The same records and receipts, each receipt now signed with the
    // user's others as one batch rather than with its write's.
    let list = t.get("/api/me/consents", Some(&cookie)).await;
    assert_eq!(
        unsigned(&list.json),
        unsigned(&json!([deferred.json, accepted.json])),
        "newest first"
    );
    assert_eq!(list.json[0]["receipt"]["batch"]["size"], 2);
    let export = t.get("/api/me/export", Some(&cookie)).await;
    assert_eq!(
        unsigned(&export.json["consents"]),
        unsigned(&json!([accepted.json, deferred.json]))
    );

    // Arriving from the app again is a new session: it is asked again, and
    // the earlier "Not now" is still on record.
    let again = t.sign_in("vchat", "heidi").await;
    let me = t.get("/api/me", Some(&again)).await;
    assert_eq!(me.json["deferred_in_session"], false);
    assert_eq!(me.json["deferred_at"], at);
    let twice = t.defer_current(&again).await;
    assert_eq!(twice.status, StatusCode::CREATED);
    assert_eq!(twice.json["prev_hash"], d["hash"]);
    assert_eq!(
        t.get("/api/me", Some(&again)).await.json["deferred_at"],
        twice.json["recorded_at"]
    );

    // Withdrawing after "Not now" withdraws the acceptance that stood.
    let withdraw = t.withdraw(&again).await;
    assert_eq!(withdraw.status, StatusCode::CREATED, "{}", withdraw.json);
    assert_eq!(withdraw.json["version"], old_version.as_str());
    let status = t.internal_status("vchat", "heidi").await;
    assert_eq!(status.json["consent"], "withdrawn");
    assert_eq!(status.json["deferred_at"], Value::Null, "decided since");
    assert_eq!(status.json["limited_mode"], true);

    // Put off again, then agreed: nothing is pending any more.
    assert_eq!(t.defer_current(&again).await.status, StatusCode::CREATED);
    assert_eq!(t.accept_current(&again).await.status, StatusCode::CREATED);
    let status = t.internal_status("vchat", "heidi").await;
    assert_eq!(status.json["consent"], "current");
    assert_eq!(status.json["limited_mode"], false);
    assert_eq!(status.json["deferred_version"], Value::Null);
    t.defer_current(&again)
        .await
        .assert_error(StatusCode::CONFLICT, "nothing_to_defer");
    assert_eq!(t.count("consents").await, 6);

    // A restart (on the same day) reads the same standing from the database.
    drop(t);
    let t = TestApp::on(dir.path(), data.path(), |_| {}).await;
    t.state
        .clock
        .run_from(common::at("2030-01-01T00:00:00+08:00"));
    assert_eq!(t.internal_status("vchat", "heidi").await.json, status.json);
    assert_verifies(t.ledger_verify(), 6, 1);
}

/// `records` with each receipt's signature and batch proof left out: what
/// the receipts state, whichever batch signed them.
fn unsigned(records: &Value) -> Value {
    let mut records = records.clone();
    for r in records.as_array_mut().unwrap() {
        let receipt = r["receipt"].as_object_mut().unwrap();
        receipt.remove("signature");
        receipt.remove("batch");
    }
    records
}

#[tokio::test]
async fn not_now_before_ever_agreeing_is_told_apart_from_never_asked() {
    let t = TestApp::new(&repo_policies()).await;
    let asked = t.sign_in("vchat", "ivan").await;
    t.sign_in("vchat", "judy").await;
    assert_eq!(t.defer_current(&asked).await.status, StatusCode::CREATED);
    let ivan = t.internal_status("vchat", "ivan").await.json;
    let judy = t.internal_status("vchat", "judy").await.json;
    for s in [&ivan, &judy] {
        assert_eq!(s["consent"], "never");
        assert_eq!(s["limited_mode"], true);
    }
    assert_eq!(ivan["deferred_version"], t.vchat_current().await.0.as_str());
    assert!(ivan["deferred_at"].is_string());
    assert_eq!(judy["deferred_version"], Value::Null);
    assert_eq!(judy["deferred_at"], Value::Null);
}

#[tokio::test]
async fn refused_deferrals_write_nothing() {
    let t = TestApp::new(&repo_policies()).await;
    let cookie = t.sign_in("vchat", "mallory").await;
    let (version, sha256) = t.vchat_current().await;
    let defer = |version: &str, sha256: &str| {
        json!({"version": version, "sha256": sha256, "action": "defer"}).to_string()
    };
    let wrong = t
        .post(
            "/api/me/consents",
            &defer("2019-01-01", &sha256),
            Some(&cookie),
        )
        .await;
    wrong.assert_error(StatusCode::CONFLICT, "stale_version");
    assert!(wrong.json["message"].as_str().unwrap().contains(&version));
    t.post(
        "/api/me/consents",
        &defer(&version, &"0".repeat(64)),
        Some(&cookie),
    )
    .await
    .assert_error(StatusCode::CONFLICT, "stale_version");
    let missing = t
        .post(
            "/api/me/consents",
            &json!({"action": "defer", "version": version}).to_string(),
            Some(&cookie),
        )
        .await;
    missing.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(missing.json["fields"]["sha256"], "required");
    let good = defer(&version, &sha256);
    assert_refused_off_site(&t, &good, &cookie).await;
    assert_eq!(t.count("consents").await, 0);
    let me = t.get("/api/me", Some(&cookie)).await;
    assert_eq!(me.json["deferred_version"], Value::Null);

    // Agreed to the current version: there is nothing to put off.
    assert_eq!(t.accept_current(&cookie).await.status, StatusCode::CREATED);
    t.post("/api/me/consents", &good, Some(&cookie))
        .await
        .assert_error(StatusCode::CONFLICT, "nothing_to_defer");
    assert_eq!(t.count("consents").await, 1);
}

/// A database written before "Not now" existed (migrations 0001–0003, a
/// ledger and a live session in it) is upgraded at start: every record kept
/// as it was, the chain still verifies and stays append-only, the session
/// still signs its user in, and the ledger takes `defer` records.
#[tokio::test]
async fn an_old_database_is_upgraded_with_its_ledger_and_sessions_intact() {
    sqlite_only!();
    let data = tempfile::tempdir().unwrap();
    let db = data.path().join(privacy_center_api::store::DB_FILE);
    let (version, sha256) = {
        let t = TestApp::new(&repo_policies()).await;
        t.vchat_current().await
    };
    let old_rows: Vec<ledger::Row> = {
        use sqlx::Connection;
        let url = format!("sqlite://{}?mode=rwc", db.display());
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut old = sqlx::migrate::Migrator::new(dir).await.unwrap();
        old.migrations = old
            .migrations
            .iter()
            .filter(|m| m.version <= 3)
            .cloned()
            .collect::<Vec<_>>()
            .into();
        old.run(&mut conn).await.unwrap();
        let mut rows: Vec<ledger::Row> = Vec::new();
        for (i, action) in ["accept", "withdraw", "accept"].into_iter().enumerate() {
            let mut row = ledger::Row {
                seq: i as i64 + 1,
                record_id: format!("{:032x}", i + 1),
                app: "vchat".into(),
                user_id: "olga".into(),
                // Written before format 2: the hash covers the user id.
                format: ledger::FORMAT_V1,
                subject: "olga".into(),
                version: version.clone(),
                sha256: sha256.clone(),
                action: action.into(),
                channel: "webview".into(),
                recorded_at: format!("2025-01-0{}T08:00:00.000Z", i + 1),
                prev_hash: rows.last().map_or(GENESIS.into(), |r| r.hash.clone()),
                hash: String::new(),
                key_id: None,
                mac: None,
            };
            row.hash = ledger::Fields {
                format: row.format,
                record_id: &row.record_id,
                app: &row.app,
                subject: &row.user_id,
                version: &row.version,
                sha256: &row.sha256,
                action: &row.action,
                channel: &row.channel,
                recorded_at: &row.recorded_at,
                prev_hash: &row.prev_hash,
            }
            .hash();
            insert_row(&mut conn, &row).await;
            rows.push(row);
        }
        let now = privacy_center_api::clock::now_secs();
        sqlx::query(
            "INSERT INTO sessions (id_hash, app, user_id, channel, created_at, last_seen_at, expires_at) \
             VALUES ($1, 'vchat', 'olga', 'webview', $2, $3, $4)",
        )
        .bind(privacy_center_api::identity::sha256_hex(b"old-session"))
        .bind(now - 60)
        .bind(now - 60)
        .bind(now + 3600)
        .execute(&mut conn).await
        .unwrap();
        conn.close().await.unwrap();
        rows
    };

    let t = TestApp::on(&repo_policies(), data.path(), |_| {}).await;
    let kept = ledger::records(t.state.store.pool(), "vchat", "olga")
        .await
        .unwrap();
    assert_eq!(kept, old_rows, "every record as it was, same seq");
    let cookie = "pc_session=old-session";
    let me = t.get("/api/me", Some(cookie)).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.json);
    assert_eq!(me.json["consent"], "current");
    // A later version asks again; "Not now" joins the old chain.
    drop(t);
    let dir = copy_policies();
    add_vchat_version(dir.path(), "2030-01-01", true, "新增直播打赏数据的处理");
    let t = TestApp::on(dir.path(), data.path(), |_| {}).await;
    // The new version is in force from its day on.
    t.state.clock.run_from(at("2030-01-01T00:00:00+08:00"));
    let deferred = t.defer_current(cookie).await;
    assert_eq!(deferred.status, StatusCode::CREATED, "{}", deferred.json);
    assert_eq!(deferred.json["prev_hash"], old_rows[2].hash.as_str());
    assert_eq!(deferred.json["channel"], "webview");
    let me = t.get("/api/me", Some(cookie)).await;
    assert_eq!(me.json["deferred_in_session"], true);
    let pool = t.state.store.pool();
    let update = on_db!(pool, c => sqlx::query("UPDATE consents SET action = 'accept'")
        .execute(c).await.map(|r| r.rows_affected()));
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = on_db!(pool, c => sqlx::query("DELETE FROM consents").execute(c).await.map(|r| r.rows_affected()));
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    assert_verifies(ledger_verify(data.path()), 4, 1);
}

async fn concurrent_consents(t: &TestApp, users: usize) {
    let mut cookies = Vec::new();
    for i in 0..users {
        cookies.push(t.sign_in("vchat", &format!("user-{i}")).await);
    }
    accept_concurrently(t, cookies).await;
    assert_eq!(t.count("consents").await, users as i64);
    let report = ledger::verify_store(t.state.store.pool(), t.state.ledger.keyring(), &t.data)
        .await
        .unwrap();
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
    assert_verifies(t.ledger_verify(), 200, 200);
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
    assert!(
        ledger::verify_store(t.state.store.pool(), t.state.ledger.keyring(), &t.data)
            .await
            .unwrap()
            .problems
            .is_empty()
    );
}

#[tokio::test]
async fn the_ledger_refuses_update_and_delete() {
    let t = TestApp::new(&repo_policies()).await;
    let cookie = t.sign_in("vchat", "erin").await;
    t.accept_current(&cookie).await;
    let pool = t.state.store.pool();
    // SQLite's triggers refuse; on PostgreSQL the API's role has no UPDATE,
    // DELETE or TRUNCATE on the table at all (and the triggers stand behind).
    let refusal = common::ledger_refusal();
    let mut statements = vec!["UPDATE consents SET version = 'x'", "DELETE FROM consents"];
    if common::on_postgres() {
        statements.push("TRUNCATE consents");
    }
    for sql in statements {
        let refused =
            on_db!(pool, c => sqlx::query(sql).execute(c).await.map(|r| r.rows_affected()));
        let err = refused.expect_err(sql).to_string();
        assert!(err.contains(refusal), "{sql}: {err}");
    }
    assert_eq!(t.count("consents").await, 1);
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
    t.ledger_verify()
}

/// Asserts that `body`, fine as a same-origin POST to `/api/me/consents`
/// with `cookie`, is refused sent cross-site, from another origin, or
/// without a session.
async fn assert_refused_off_site(t: &TestApp, body: &str, cookie: &str) {
    for (name, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
    ] {
        let mut cross = common::post("/api/me/consents", body, Some(cookie));
        cross.headers_mut().insert(name, value.parse().unwrap());
        t.send(cross)
            .await
            .assert_error(StatusCode::FORBIDDEN, "cross_site");
    }
    t.post("/api/me/consents", body, None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
}

/// Asserts that `value` has each member of the object `expected` with that
/// value (for a nested object: with at least its members).
#[track_caller]
fn assert_fields(value: &Value, expected: Value) {
    for (key, want) in expected.as_object().unwrap() {
        if want.is_object() {
            assert_fields(&value[key], want.clone());
        } else {
            assert_eq!(&value[key], want, "`{key}` in {value}");
        }
    }
}

/// Asserts that `privacy-center ledger verify` passed (its `(exit 0, stdout)`)
/// over so many records and chains.
#[track_caller]
fn assert_verifies((ok, out): (bool, String), records: usize, chains: usize) {
    assert!(ok, "{out}");
    let all_good = format!("{records} records in {chains} chains: every chain verifies");
    assert!(out.contains(&all_good), "{out}");
}

/// Runs `privacy-center ledger verify` on a SQLite data directory.
fn ledger_verify(data: &std::path::Path) -> (bool, String) {
    common::server::ledger_verify(data, None)
}

/// frank's rows have seq 1, 3, 4; grace's has seq 2.
#[tokio::test]
async fn verify_passes_on_an_untouched_ledger() {
    sqlite_only!();
    assert_verifies(tampered_verify("SELECT 1").await, 4, 2);
}

#[tokio::test]
async fn verify_reports_an_altered_field() {
    sqlite_only!();
    let (ok, out) = tampered_verify("UPDATE consents SET channel = 'webview' WHERE seq = 3").await;
    assert!(!ok, "{out}");
    // Notes (no checkpoint in an in-process server) are not problems.
    let lines: Vec<&str> = out.lines().filter(|l| !l.starts_with("note:")).collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with("vchat/frank: seq 3 "), "{out}");
    assert!(lines[0].contains("altered"), "{out}");
    assert!(lines[1].contains("1 problem(s)"), "{out}");
}

#[tokio::test]
async fn verify_reports_a_deleted_row() {
    sqlite_only!();
    let (ok, out) = tampered_verify("DELETE FROM consents WHERE seq = 3").await;
    assert!(!ok, "{out}");
    assert!(out.contains("vchat/frank: seq 4 "), "{out}");
    assert!(out.contains("broken link"), "{out}");
    assert!(!out.contains("grace"), "{out}");
}

#[tokio::test]
async fn verify_reports_reordered_rows() {
    sqlite_only!();
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

/// A stored row whose action the ledger does not know (only possible with
/// the CHECK constraint bypassed, as by someone with the file) is an error
/// everywhere it is read, never taken for an acceptance.
#[tokio::test]
async fn an_unknown_stored_action_is_an_error_never_an_acceptance() {
    sqlite_only!();
    let t = TestApp::new(&repo_policies()).await;
    let cookie = t.sign_in("vchat", "mallory").await;
    let (version, sha256) = t.vchat_current().await;
    let mut row = ledger::Row {
        seq: 1,
        record_id: "ab".repeat(16),
        app: "vchat".into(),
        user_id: "mallory".into(),
        format: ledger::FORMAT_V1,
        subject: String::new(),
        version,
        sha256,
        action: "agree".into(),
        channel: "browser".into(),
        recorded_at: "2030-01-01T00:00:00.000Z".into(),
        prev_hash: GENESIS.into(),
        hash: String::new(),
        key_id: None,
        mac: None,
    };
    row.hash = row.fields().hash();
    {
        use sqlx::Connection;
        let db = t.data.join(privacy_center_api::store::DB_FILE);
        let mut raw = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        sqlx::raw_sql("PRAGMA ignore_check_constraints = ON")
            .execute(&mut raw)
            .await
            .unwrap();
        insert_row(&mut raw, &row).await;
        raw.close().await.unwrap();
    }
    for uri in ["/api/me", "/api/me/consents", "/api/me/export"] {
        t.get(uri, Some(&cookie))
            .await
            .assert_error(StatusCode::INTERNAL_SERVER_ERROR, "internal");
    }
    t.internal_status("vchat", "mallory")
        .await
        .assert_error(StatusCode::INTERNAL_SERVER_ERROR, "internal");
    t.accept_current(&cookie)
        .await
        .assert_error(StatusCode::INTERNAL_SERVER_ERROR, "internal");
    assert_eq!(t.count("consents").await, 1, "nothing linked to it");
    let (ok, out) = t.ledger_verify();
    assert!(!ok, "{out}");
    assert!(out.contains("vchat/mallory: seq 1 "), "{out}");
    assert!(
        out.contains("unreadable: unknown action \"agree\""),
        "{out}"
    );
}

/// Writes `row` into `consents` as it is, past the ledger writer.
async fn insert_row(conn: &mut sqlx::SqliteConnection, row: &ledger::Row) {
    sqlx::query(
        "INSERT INTO consents (record_id, app, user_id, version, sha256, action, channel, \
         recorded_at, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&row.record_id)
    .bind(&row.app)
    .bind(&row.user_id)
    .bind(&row.version)
    .bind(&row.sha256)
    .bind(&row.action)
    .bind(&row.channel)
    .bind(&row.recorded_at)
    .bind(&row.prev_hash)
    .bind(&row.hash)
    .execute(&mut *conn)
    .await
    .unwrap();
}

#[tokio::test]
async fn me_carries_the_date_of_the_latest_decision() {
    let t = TestApp::new(&repo_policies()).await;
    let cookie = t.sign_in("vchat", "dora").await;
    let me = t.get("/api/me", Some(&cookie)).await;
    assert_eq!(me.json["decided_at"], Value::Null, "never decided");
    let accepted = t.accept_current(&cookie).await;
    assert_eq!(accepted.status, StatusCode::CREATED, "{}", accepted.json);
    let me = t.get("/api/me", Some(&cookie)).await;
    assert_eq!(me.json["decided_at"], accepted.json["recorded_at"]);
    let session = t.get("/api/session", Some(&cookie)).await;
    assert_eq!(
        session.json["me"]["decided_at"],
        accepted.json["recorded_at"]
    );
    let withdrawn = t.withdraw(&cookie).await;
    assert_eq!(withdrawn.status, StatusCode::CREATED, "{}", withdrawn.json);
    let me = t.get("/api/me", Some(&cookie)).await;
    assert_eq!(me.json["decided_at"], withdrawn.json["recorded_at"]);
}

/// The moment V聊's announced 2026-12-15 takes effect: midnight in
/// Asia/Shanghai (the app's time zone), 16:00 the day before in UTC.
const EFFECTIVE: &str = "2026-12-14T16:00:00Z";

/// V聊's entry in `GET /api/apps`.
fn vchat_of(apps: &Value) -> &Value {
    apps.as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "vchat")
        .unwrap()
}

#[tokio::test]
async fn an_announced_version_is_upcoming_may_be_agreed_early_and_becomes_current_on_its_day() {
    let t = TestApp::new(&repo_policies()).await;
    // Announced, not in force: named with its date beside the current one.
    let apps = t.get("/api/apps", None).await;
    let vchat = vchat_of(&apps.json);
    assert_eq!(vchat["current"]["version"], "2020-10-01");
    assert_eq!(vchat["upcoming"]["version"], "2026-12-15");
    assert_eq!(vchat["upcoming"]["effective"], "2026-12-15");
    let current = t.get("/api/apps/vchat/policies/current", None).await;
    assert_eq!(current.json["meta"]["version"], "2020-10-01");
    let upcoming = t.get("/api/apps/vchat/policies/2026-12-15", None).await;
    assert_eq!(upcoming.json["is_current"], false);
    let up_sha = upcoming.json["meta"]["sha256"].as_str().unwrap().to_owned();
    let early = json!({"action": "accept", "version": "2026-12-15", "sha256": up_sha}).to_string();

    // Agreeing early needs the current version agreed first.
    let early_bird = t.sign_in("vchat", "early-bird").await;
    t.post("/api/me/consents", &early, Some(&early_bird))
        .await
        .assert_error(StatusCode::CONFLICT, "stale_version");
    assert_eq!(
        t.accept_current(&early_bird).await.status,
        StatusCode::CREATED
    );
    let me = t.get("/api/me", Some(&early_bird)).await;
    assert_eq!(me.json["upcoming"]["version"], "2026-12-15");
    assert_eq!(me.json["upcoming"]["effective"], "2026-12-15");
    assert_eq!(me.json["upcoming"]["summary"], vchat["upcoming"]["summary"]);
    let res = t.post("/api/me/consents", &early, Some(&early_bird)).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    // "Not now" is for the current version only.
    let later = json!({"action": "defer", "version": "2026-12-15", "sha256": up_sha}).to_string();
    t.post("/api/me/consents", &later, Some(&early_bird))
        .await
        .assert_error(StatusCode::CONFLICT, "stale_version");
    let status = t.internal_status("vchat", "early-bird").await.json;
    assert_eq!(status["consent"], "current");
    assert_eq!(status["needs_reconsent"], false);
    assert_eq!(
        status["upcoming"],
        json!({"version": "2026-12-15", "effective": "2026-12-15", "material": true, "agreed": true})
    );

    let late = t.sign_in("vchat", "agreed-to-the-old-one").await;
    assert_eq!(t.accept_current(&late).await.status, StatusCode::CREATED);
    assert_eq!(
        t.internal_status("vchat", "agreed-to-the-old-one")
            .await
            .json["upcoming"]["agreed"],
        false
    );

    // One second before midnight in Shanghai nothing has changed ...
    t.state.clock.run_from(at(EFFECTIVE) - 1000);
    let me = t.get("/api/me", Some(&late)).await;
    assert_eq!(
        (
            me.json["current"]["version"].as_str(),
            me.json["needs_reconsent"].as_bool()
        ),
        (Some("2020-10-01"), Some(false))
    );
    // ... and from midnight the new version is current, without a restart:
    t.state.clock.run_from(at(EFFECTIVE));
    let apps = t.get("/api/apps", None).await;
    let vchat = vchat_of(&apps.json);
    assert_eq!(vchat["current"]["version"], "2026-12-15");
    assert_eq!(vchat["upcoming"], Value::Null);
    assert_eq!(t.vchat_current().await.0, "2026-12-15");
    // the early agreement stands, everyone else is asked.
    let me = t.get("/api/me", Some(&early_bird)).await;
    assert_eq!(me.json["consent"], "current");
    assert_eq!(me.json["needs_reconsent"], false);
    let me = t.get("/api/me", Some(&late)).await;
    assert_eq!(me.json["consent"], "outdated");
    assert_eq!(me.json["needs_reconsent"], true);
    assert_eq!(me.json["newer_material"][0]["version"], "2026-12-15");
    let status = t
        .internal_status("vchat", "agreed-to-the-old-one")
        .await
        .json;
    assert_eq!(
        (status["limited_mode"].as_bool(), &status["upcoming"]),
        (Some(true), &Value::Null)
    );
    // Agreeing now is an ordinary agreement to the current version.
    assert_eq!(t.accept_current(&late).await.status, StatusCode::CREATED);
    assert_eq!(
        t.get("/api/me", Some(&late)).await.json["needs_reconsent"],
        false
    );
}
