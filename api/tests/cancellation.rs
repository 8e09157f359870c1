//! Account cancellation (issue #15): the state machine, re-verification,
//! completion by the scheduler (crash-safe, once), and the ledger staying
//! verifiable with no row naming the cancelled user.

mod common;

use axum::extract::FromRef;
use axum::http::{Method, StatusCode};
use common::{json_request, json_text, ledger_refusal, repo_policies, Resp, TestApp};
use privacy_center_api::cancellation::{Cancellations, FailPoint, LEASE_MS};
use privacy_center_api::clock::now_ms;
use privacy_center_api::ledger;
use privacy_center_api::on_db;
use privacy_center_core::calendar::LOG_KEEP_DAYS;
use serde_json::{json, Value};

const DAY_MS: i64 = 86_400_000;
const URI: &str = "/api/me/cancellation";

/// A server whose clock stands still until a test moves it.
async fn app() -> TestApp {
    let t = TestApp::new(&repo_policies()).await;
    t.state.clock.set(now_ms());
    t
}

fn scheduler(t: &TestApp) -> Cancellations {
    Cancellations::from_ref(&t.state)
}

async fn request(t: &TestApp, cookie: &str, confirmation: &str) -> Resp {
    let body = json!({ "confirmation": confirmation }).to_string();
    t.post(URI, &body, Some(cookie)).await
}

async fn withdraw(t: &TestApp, cookie: &str) -> Resp {
    t.send(json_request(Method::DELETE, URI, "", Some(cookie)))
        .await
}

/// The `account` events of the feed for `user` of `app`, in order.
async fn account_events(t: &TestApp, app: &str, user: &str) -> Vec<String> {
    let sql = format!(
        "SELECT {} FROM changes WHERE app = $1 AND user_id = $2 AND kind = 'account' ORDER BY seq",
        json_text("data", "event")
    );
    on_db!(t.state.store.pool(), c => sqlx::query_scalar(&sql)
    .bind(app)
    .bind(user)
    .fetch_all(c).await)
    .unwrap()
}

async fn rows_of(t: &TestApp, table: &str, app: &str, user: &str) -> i64 {
    on_db!(t.state.store.pool(), c => sqlx::query_scalar(&format!(
        "SELECT count(*) FROM {table} WHERE app = $1 AND user_id = $2"
    ))
    .bind(app)
    .bind(user)
    .fetch_one(c).await)
    .unwrap()
}

/// A vchat user with a consent, push settings and a switch changed.
async fn user_with_data(t: &TestApp, user: &str) -> String {
    let cookie = t.sign_in("vchat", user).await;
    assert_eq!(t.accept_current(&cookie).await.status, StatusCode::CREATED);
    for (uri, body) in [
        ("/api/me/push", json!({"enabled": false})),
        (
            "/api/me/switches",
            json!({"switches": {"hide_online": true}}),
        ),
    ] {
        let res = t
            .send(json_request(
                Method::PUT,
                uri,
                &body.to_string(),
                Some(&cookie),
            ))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{uri}: {}", res.json);
    }
    cookie
}

#[tokio::test]
async fn a_request_shows_both_clocks_and_the_user_can_withdraw_it() {
    let t = app().await;
    let cookie = t.sign_in("weimeng", "amy").await;
    let page = t.get(URI, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.json);
    assert_eq!(page.json["state"], "active");
    assert_eq!(page.json["cooling_off_days"], 3);
    assert_eq!(page.json["legal_working_days"], 15);
    assert_eq!(page.json["verified"], true, "signed in just now");
    assert!(!page.json["conditions"].as_array().unwrap().is_empty());

    let made = request(&t, &cookie, "注销账号").await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.json);
    assert_eq!(made.json["state"], "pending");
    let p = &made.json["pending"];
    let requested = t.state.clock.now_ms();
    assert_eq!(
        p["due_at"],
        privacy_center_api::clock::rfc3339_ms(requested + 3 * DAY_MS)
    );
    let deadline = p["deadline_at"].as_str().unwrap();
    assert!(deadline > p["due_at"].as_str().unwrap(), "{p}");
    assert!(p["deadline_date"].as_str().unwrap().len() == 10);

    let host = t.internal_status("weimeng", "amy").await;
    assert_eq!(host.json["account"]["state"], "pending");
    assert_eq!(host.json["account"]["due_at"], p["due_at"]);

    request(&t, &cookie, "注销账号")
        .await
        .assert_error(StatusCode::CONFLICT, "already_requested");

    let back = withdraw(&t, &cookie).await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.json);
    assert_eq!(back.json["state"], "active");
    assert_eq!(back.json["withdrawn"]["by"], "user");
    withdraw(&t, &cookie)
        .await
        .assert_error(StatusCode::CONFLICT, "nothing_to_cancel");
    assert_eq!(
        t.internal_status("weimeng", "amy").await.json["account"]["state"],
        "active"
    );
    assert_eq!(
        account_events(&t, "weimeng", "amy").await,
        ["requested", "withdrawn"]
    );
    // Withdrawn, so nothing is due even long after.
    t.state.clock.advance(30 * DAY_MS);
    assert_eq!(scheduler(&t).run_due("s").await.unwrap(), 0);
}

#[tokio::test]
async fn a_wrong_confirmation_or_bad_body_requests_nothing() {
    let t = app().await;
    let cookie = t.sign_in("weimeng", "ben").await;
    for typed in ["", "注销", "yes", "delete"] {
        request(&t, &cookie, typed)
            .await
            .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "wrong_confirmation");
    }
    let extra = json!({"confirmation": "注销账号", "user": "someone-else"}).to_string();
    t.post(URI, &extra, Some(&cookie))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let huge = json!({ "confirmation": "x".repeat(100_000) }).to_string();
    t.post(URI, &huge, Some(&cookie))
        .await
        .assert_error(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    assert_eq!(t.count("cancellations").await, 0);
    // English works too, whatever the case.
    let made = request(&t, &cookie, " Delete my account ").await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.json);
}

#[tokio::test]
async fn an_old_session_must_sign_in_again_from_the_app() {
    let t = app().await;
    let cookie = t.sign_in("weimeng", "cora").await;
    // The session started ten minutes ago (before its first use, so the
    // server reads it from the database).
    on_db!(t.state.store.pool(), c => sqlx::query("UPDATE sessions SET created_ms = created_ms - 600000 WHERE user_id = 'cora'")
        .execute(c).await.map(|r| r.rows_affected()))
        .unwrap();
    let page = t.get(URI, Some(&cookie)).await;
    assert_eq!(page.json["verified"], false, "{}", page.json);
    assert_eq!(page.json["verified_until"], Value::Null);
    request(&t, &cookie, "注销账号")
        .await
        .assert_error(StatusCode::FORBIDDEN, "reverify_required");
    assert_eq!(t.count("cancellations").await, 0);
    // A fresh handoff counts.
    let fresh = t.sign_in("weimeng", "cora").await;
    assert_eq!(
        request(&t, &fresh, "注销账号").await.status,
        StatusCode::CREATED
    );
    // Signed out: 401, as everywhere under /api/me.
    t.get(URI, None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn signing_in_again_during_the_cooling_off_withdraws_the_request() {
    let t = app().await;
    let cookie = t.sign_in("huajian", "dan").await;
    assert_eq!(
        request(&t, &cookie, "注销账号").await.status,
        StatusCode::CREATED
    );
    t.state.clock.advance(10 * DAY_MS);
    let again = t.sign_in("huajian", "dan").await;
    let page = t.get(URI, Some(&again)).await;
    assert_eq!(page.json["state"], "active", "{}", page.json);
    assert_eq!(page.json["withdrawn"]["by"], "sign_in");
    assert_eq!(
        account_events(&t, "huajian", "dan").await,
        ["requested", "auto_withdrawn"]
    );
    t.state.clock.advance(10 * DAY_MS);
    assert_eq!(scheduler(&t).run_due("s").await.unwrap(), 0);
    assert_eq!(
        t.internal_status("huajian", "dan").await.json["account"]["state"],
        "active"
    );
}

#[tokio::test]
async fn another_users_request_is_out_of_reach() {
    let t = app().await;
    let eve = t.sign_in("vchat", "eve").await;
    assert_eq!(
        request(&t, &eve, "注销账号").await.status,
        StatusCode::CREATED
    );
    // Another user of the same app, and the same user id in another app.
    for (app, user) in [("vchat", "fay"), ("weimeng", "eve")] {
        let other = t.sign_in(app, user).await;
        let page = t.get(URI, Some(&other)).await;
        assert_eq!(page.json["state"], "active", "{app}/{user}");
        assert_eq!(page.json["pending"], Value::Null);
        withdraw(&t, &other)
            .await
            .assert_error(StatusCode::CONFLICT, "nothing_to_cancel");
    }
    assert_eq!(t.get(URI, Some(&eve)).await.json["state"], "pending");
}

#[tokio::test]
async fn completion_deletes_the_account_and_leaves_a_ledger_that_verifies() {
    let t = app().await;
    let cookie = user_with_data(&t, "gil").await;
    let _keep = user_with_data(&t, "hal").await;
    let gil_rows = rows_of(&t, "consents", "vchat", "gil").await;
    assert_eq!(gil_rows, 1);
    assert_eq!(
        request(&t, &cookie, "注销账号").await.status,
        StatusCode::CREATED
    );

    // Not before the cooling-off ends.
    t.state.clock.advance(15 * DAY_MS - 1000);
    assert_eq!(scheduler(&t).run_due("s").await.unwrap(), 0);
    t.state.clock.advance(1000);
    assert_eq!(scheduler(&t).run_due("s").await.unwrap(), 1);
    assert_eq!(scheduler(&t).run_due("s").await.unwrap(), 0, "once");

    for table in [
        "push_settings",
        "switch_values",
        "setting_changes",
        "sessions",
        "consents",
        "ledger_subjects",
    ] {
        assert_eq!(rows_of(&t, table, "vchat", "gil").await, 0, "{table}");
    }
    assert_eq!(t.count("consents").await, 2, "the records are kept");
    assert!(
        rows_of(&t, "push_settings", "vchat", "hal").await > 0,
        "others keep theirs"
    );
    let named: i64 = on_db!(t.state.store.pool(), c => sqlx::query_scalar(
        "SELECT count(*) FROM consents WHERE user_id = 'gil' OR subject = 'gil'",
    )
    .fetch_one(c).await)
    .unwrap();
    assert_eq!(named, 0, "no ledger row names the user");
    let (ok, out) = t.ledger_verify();
    assert!(ok, "{out}");
    assert!(
        out.contains("2 records in 2 chains: every chain verifies"),
        "{out}"
    );

    t.get("/api/me", Some(&cookie))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
    let host = t.internal_status("vchat", "gil").await.json;
    assert_eq!(host["account"]["state"], "cancelled", "{host}");
    assert!(host["account"]["cancelled_at"].is_string());
    assert_eq!(host["consent"], "never");
    assert_eq!(host["push"]["enabled"], true, "back to the defaults");
    assert_eq!(
        account_events(&t, "vchat", "gil").await,
        ["requested", "completed"]
    );

    // The same user id later: a fresh account with a chain of its own.
    let fresh = t.sign_in("vchat", "gil").await;
    assert_eq!(
        t.get("/api/me", Some(&fresh)).await.json["consent"],
        "never"
    );
    assert_eq!(
        t.internal_status("vchat", "gil").await.json["account"]["state"],
        "active"
    );
    let accepted = t.accept_current(&fresh).await;
    assert_eq!(accepted.json["prev_hash"], ledger::GENESIS);
    let (ok, out) = t.ledger_verify();
    assert!(
        out.contains("3 records in 3 chains: every chain verifies"),
        "{ok} {out}"
    );

    // Still append-only: no hashed field changes, and a live row's user id
    // can only become its own subject.
    let pool = t.state.store.pool();
    let err = on_db!(pool, c => sqlx::query("UPDATE consents SET version = 'x'")
        .execute(c).await.map(|r| r.rows_affected()))
    .unwrap_err();
    assert!(err.to_string().contains(ledger_refusal()), "{err}");
    let err = on_db!(pool, c => sqlx::query("UPDATE consents SET user_id = 'someone' WHERE user_id = 'hal'")
        .execute(c).await.map(|r| r.rows_affected()))
        .unwrap_err();
    assert!(err.to_string().contains(ledger_refusal()), "{err}");
    let err = on_db!(pool, c => sqlx::query("DELETE FROM setting_changes")
        .execute(c).await.map(|r| r.rows_affected()))
    .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

/// The feed rows of `user` of vchat.
async fn feed_rows(t: &TestApp, user: &str) -> i64 {
    rows_of(t, "changes", "vchat", user).await
}

#[tokio::test]
async fn a_cancelled_accounts_logs_are_kept_for_their_time_then_deleted() {
    let t = app().await;
    let cookie = user_with_data(&t, "ida").await;
    let _keep = user_with_data(&t, "jon").await;
    assert_eq!(
        request(&t, &cookie, "注销账号").await.status,
        StatusCode::CREATED
    );
    t.state.clock.advance(16 * DAY_MS);
    assert_eq!(scheduler(&t).run_due("s").await.unwrap(), 1);
    let kept = feed_rows(&t, "ida").await;
    assert!(
        kept >= 4,
        "consent, push, switch, requested, completed: {kept}"
    );
    let jon = feed_rows(&t, "jon").await;

    // A live account's log cannot be deleted.
    let pool = t.state.store.pool();
    let err = on_db!(pool, c => sqlx::query("DELETE FROM changes WHERE user_id = 'jon'")
        .execute(c).await.map(|r| r.rows_affected()))
    .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");

    // The user id comes back meanwhile: the fresh account's rows are its own.
    let fresh = t.sign_in("vchat", "ida").await;
    assert_eq!(t.accept_current(&fresh).await.status, StatusCode::CREATED);
    assert_eq!(feed_rows(&t, "ida").await, kept + 1);

    // Kept for the whole period…
    t.state.clock.advance(LOG_KEEP_DAYS * DAY_MS - 16 * DAY_MS);
    assert_eq!(scheduler(&t).run_due("s").await.unwrap(), 0);
    assert_eq!(feed_rows(&t, "ida").await, kept + 1);
    // …and deleted once it is over: the old account's rows only, once.
    t.state.clock.advance(16 * DAY_MS + 1000);
    scheduler(&t).run_due("s").await.unwrap();
    assert_eq!(
        feed_rows(&t, "ida").await,
        1,
        "the fresh account's consent stays"
    );
    assert_eq!(feed_rows(&t, "jon").await, jon, "others keep theirs");
    let again = scheduler(&t)
        .delete_expired_logs(t.state.clock.now_ms())
        .await
        .unwrap();
    assert_eq!(again, 0);
    let deleted_at: Option<i64> = on_db!(pool, c => sqlx::query_scalar(
        "SELECT logs_deleted_ms FROM cancellations WHERE app = 'vchat' AND user_id = 'ida'",
    )
    .fetch_one(c).await)
    .unwrap();
    assert!(deleted_at.is_some());
    // The request itself stays, as evidence it was honoured in time.
    assert_eq!(
        t.internal_status("vchat", "ida").await.json["account"]["state"],
        "active"
    );
    let (ok, out) = t.ledger_verify();
    assert!(ok, "{out}");
}

#[tokio::test]
async fn verify_reports_a_row_whose_user_id_disagrees_with_its_subject() {
    let t = app().await;
    let _ = user_with_data(&t, "ida").await;
    on_db!(t.state.store.pool(), c => sqlx::query("UPDATE ledger_subjects SET subject = $1 WHERE user_id = 'ida'")
        .bind("0".repeat(32))
        .execute(c).await.map(|r| r.rows_affected()))
        .unwrap();
    let (ok, out) = t.ledger_verify();
    assert!(!ok, "{out}");
    assert!(
        out.contains("does not agree with the user's ledger subject"),
        "{out}"
    );
}

#[tokio::test]
async fn a_crash_at_any_step_leaves_the_old_state_and_the_next_run_completes() {
    let t = app().await;
    let steps = [
        FailPoint::Claimed,
        FailPoint::SettingsDeleted,
        FailPoint::Pseudonymised,
        FailPoint::BeforeCommit,
    ];
    for (i, step) in steps.into_iter().enumerate() {
        let user = format!("crash-{i}");
        let cookie = user_with_data(&t, &user).await;
        assert_eq!(
            request(&t, &cookie, "注销账号").await.status,
            StatusCode::CREATED
        );
        t.state.clock.advance(16 * DAY_MS);
        let failed = scheduler(&t).run_due_failing("first", Some(step)).await;
        assert!(failed.is_err(), "{step:?}");
        // The old state, whole.
        for table in [
            "push_settings",
            "setting_changes",
            "sessions",
            "consents",
            "ledger_subjects",
        ] {
            assert!(
                rows_of(&t, table, "vchat", &user).await > 0,
                "{step:?}: {table}"
            );
        }
        assert_eq!(t.get(URI, Some(&cookie)).await.json["state"], "pending");
        assert_eq!(
            account_events(&t, "vchat", &user).await,
            ["requested"],
            "{step:?}"
        );
        // The crashed instance's claim holds until its lease runs out.
        assert_eq!(scheduler(&t).run_due("second").await.unwrap(), 0);
        t.state.clock.advance(LEASE_MS);
        assert_eq!(
            scheduler(&t).run_due("second").await.unwrap(),
            1,
            "{step:?}"
        );
        for table in [
            "push_settings",
            "setting_changes",
            "sessions",
            "consents",
            "ledger_subjects",
        ] {
            assert_eq!(
                rows_of(&t, table, "vchat", &user).await,
                0,
                "{step:?}: {table}"
            );
        }
        assert_eq!(
            account_events(&t, "vchat", &user).await,
            ["requested", "completed"]
        );
    }
    let (ok, out) = t.ledger_verify();
    assert!(ok, "{out}");
}

#[tokio::test]
async fn two_schedulers_racing_complete_each_request_once() {
    let t = app().await;
    let users: Vec<String> = (0..12).map(|i| format!("race-{i}")).collect();
    for user in &users {
        let cookie = t.sign_in("weimeng", user).await;
        assert_eq!(
            request(&t, &cookie, "注销账号").await.status,
            StatusCode::CREATED
        );
    }
    t.state.clock.advance(4 * DAY_MS);
    let (a, b) = (scheduler(&t), scheduler(&t));
    let (x, y) = tokio::join!(
        tokio::spawn(async move { a.run_due("a").await.unwrap() }),
        tokio::spawn(async move { b.run_due("b").await.unwrap() }),
    );
    assert_eq!(x.unwrap() + y.unwrap(), users.len());
    let sql = format!(
        "SELECT count(*) FROM changes WHERE kind = 'account' AND {} = 'completed'",
        json_text("data", "event")
    );
    let completed: i64 = on_db!(t.state.store.pool(), c => sqlx::query_scalar(&sql)
    .fetch_one(c).await)
    .unwrap();
    assert_eq!(completed, users.len() as i64, "one completion each");
    for user in &users {
        assert_eq!(
            t.internal_status("weimeng", user).await.json["account"]["state"],
            "cancelled"
        );
    }
}
