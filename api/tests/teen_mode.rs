//! Teen mode (issue #15): turning it on and off with the password, the
//! throttle that stops guessing before the hash, weak and malformed codes,
//! appeals and support's reset, and what host apps read of it.

mod common;

use axum::http::{Method, StatusCode};
use common::{json_request, repo_policies, Resp, TestApp};
use serde_json::{json, Value};
use std::sync::Arc;

/// 2026-01-01T04:00:00Z: 12:00 in Shanghai.
const NOON_SHANGHAI_MS: i64 = 1_767_225_600_000 + 4 * HOUR_MS;
const HOUR_MS: i64 = 3_600_000;
const MINUTE_MS: i64 = 60_000;
const PIN: &str = "5192";

async fn teen(t: &TestApp, cookie: &str) -> Resp {
    t.get("/api/me/teen-mode", Some(cookie)).await
}

async fn turn_on(t: &TestApp, cookie: &str, pin: &str, band: &str) -> Resp {
    let body = json!({ "pin": pin, "age_band": band, "time_zone": "Asia/Shanghai" });
    t.post("/api/me/teen-mode/on", &body.to_string(), Some(cookie))
        .await
}

async fn turn_off(t: &TestApp, cookie: &str, pin: &str) -> Resp {
    let body = json!({ "pin": pin }).to_string();
    t.post("/api/me/teen-mode/off", &body, Some(cookie)).await
}

/// A vchat user with teen mode on (band 12–16, password [`PIN`]), the clock stopped at noon in Shanghai.
async fn on_user(t: &TestApp, user: &str) -> String {
    t.state.clock.set(NOON_SHANGHAI_MS);
    let cookie = t.sign_in("vchat", user).await;
    let res = turn_on(t, &cookie, PIN, "12_16").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    cookie
}

/// The user's history, newest first, as `item=new`.
async fn history(t: &TestApp, cookie: &str) -> Vec<String> {
    let res = t.get("/api/me/history", Some(cookie)).await;
    res.json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{}={}",
                r["item"].as_str().unwrap(),
                r["new"].as_str().unwrap()
            )
        })
        .collect()
}

/// `privacy-center teen reset` for a vchat user on the test's data directory.
fn support_reset(t: &TestApp, user: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_privacy-center"))
        .args([
            "teen",
            "reset",
            "--app",
            "vchat",
            "--user",
            user,
            "--data-dir",
        ])
        .envs(t.cli_env())
        .arg(&t.data)
        .output()
        .unwrap()
}

#[tokio::test]
async fn on_then_off_with_the_password_is_recorded_and_reported() {
    let t = TestApp::new(&repo_policies()).await;
    let cookie = t.sign_in("vchat", "kid").await;
    let before = teen(&t, &cookie).await;
    assert_eq!(before.json["on"], false);
    assert_eq!(before.json["rules"]["curfew_start"], "22:00");
    assert_eq!(before.json["rules"]["rest_reminder_minutes"], 30);
    let budgets = &before.json["rules"]["budgets"];
    assert_eq!(budgets[1], json!({"band": "3_8", "daily_minutes": 40}));
    assert_eq!(budgets[4], json!({"band": "16_18", "daily_minutes": 120}));
    let restrictions: Vec<&str> = before.json["rules"]["restrictions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(restrictions.contains(&"tipping") && restrictions.contains(&"go_live"));

    t.state.clock.set(NOON_SHANGHAI_MS);
    let on = turn_on(&t, &cookie, PIN, "12_16").await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.json);
    assert_eq!(on.json["on"], true);
    assert_eq!(on.json["age_band"], "12_16");
    assert_eq!(on.json["daily_minutes"], 60);
    assert_eq!(on.json["lock"]["attempts_left"], 5);
    turn_on(&t, &cookie, "3807", "8_12")
        .await
        .assert_error(StatusCode::CONFLICT, "teen_mode_on");

    let off = turn_off(&t, &cookie, PIN).await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.json);
    assert_eq!(off.json["on"], false);
    assert_eq!(
        history(&t, &cookie).await,
        ["enabled=off", "age_band=12_16", "enabled=on"]
    );
    turn_off(&t, &cookie, PIN)
        .await
        .assert_error(StatusCode::CONFLICT, "teen_mode_off");
}

#[tokio::test]
async fn weak_and_malformed_codes_are_refused_with_a_reason_and_change_nothing() {
    let t = TestApp::new(&repo_policies()).await;
    let cookie = t.sign_in("vchat", "weak").await;
    for (pin, reason) in [
        ("0000", "all_same"),
        ("1111", "all_same"),
        ("1234", "sequence"),
        ("1212", "pattern"),
        ("2012", "year"),
        ("2580", "common"),
        ("12a4", "not_four_digits"),
        ("12345", "not_four_digits"),
        ("", "not_four_digits"),
    ] {
        let res = turn_on(&t, &cookie, pin, "8_12").await;
        res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "weak_pin");
        assert_eq!(res.json["fields"]["pin"], reason, "{pin}");
    }
    let bad_band = json!({ "pin": PIN, "age_band": "18_99" }).to_string();
    t.post("/api/me/teen-mode/on", &bad_band, Some(&cookie))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let bad_zone = json!({ "pin": PIN, "age_band": "8_12", "time_zone": "Mars/Base" });
    t.post("/api/me/teen-mode/on", &bad_zone.to_string(), Some(&cookie))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let overlong = json!({ "pin": "1".repeat(70_000), "age_band": "8_12" }).to_string();
    t.post("/api/me/teen-mode/on", &overlong, Some(&cookie))
        .await
        .assert_error(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    assert_eq!(teen(&t, &cookie).await.json["on"], false);
    assert_eq!(t.state.teen.calls(), 0, "nothing refused reached the hash");

    // With teen mode on, malformed codes are no guesses: 422, not counted.
    let cookie = on_user(&t, "weak-on").await;
    let calls = t.state.teen.calls();
    for pin in ["12a4", "١٢٣٤", "12345", "123"] {
        turn_off(&t, &cookie, pin)
            .await
            .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "weak_pin");
    }
    let extra = json!({ "pin": PIN, "force": true }).to_string();
    t.post("/api/me/teen-mode/off", &extra, Some(&cookie))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let state = teen(&t, &cookie).await;
    assert_eq!(state.json["on"], true);
    assert_eq!(state.json["lock"]["attempts_left"], 5);
    assert_eq!(t.state.teen.calls(), calls);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_wrong_codes_from_two_servers_reach_argon2_at_most_ten_times() {
    let policies = repo_policies();
    let first = TestApp::new(&policies).await;
    // A second API instance on the same database: the throttle is in it.
    let second = TestApp::on(&policies, &first.data, |_| {}).await;
    let cookie = on_user(&first, "target").await;
    second.state.clock.set(NOON_SHANGHAI_MS);
    let calls_before = first.state.teen.calls() + second.state.teen.calls();

    let servers = Arc::new([first, second]);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..1000 {
        let (servers, cookie) = (servers.clone(), cookie.clone());
        tasks.spawn(async move {
            let wrong = format!("{:04}", 3000 + i);
            turn_off(&servers[i % 2], &cookie, &wrong).await
        });
    }
    let (mut wrong, mut locked) = (0, 0);
    while let Some(res) = tasks.join_next().await {
        let res = res.unwrap();
        match res.status {
            StatusCode::FORBIDDEN => {
                res.assert_error(StatusCode::FORBIDDEN, "wrong_pin");
                wrong += 1;
            }
            StatusCode::TOO_MANY_REQUESTS => {
                res.assert_error(StatusCode::TOO_MANY_REQUESTS, "pin_locked");
                let secs: i64 = res.headers["retry-after"]
                    .to_str()
                    .unwrap()
                    .parse()
                    .unwrap();
                assert!((1..=15 * 60).contains(&secs), "{secs}");
                locked += 1;
            }
            other => panic!("unexpected {other}: {}", res.json),
        }
    }
    let [first, second] = Arc::into_inner(servers).unwrap();
    let hashed = first.state.teen.calls() + second.state.teen.calls() - calls_before;
    assert_eq!(wrong + locked, 1000);
    assert!(hashed <= 10, "{hashed} hashes");
    assert_eq!(hashed, wrong, "every wrong answer came from one hash");
    assert_eq!(wrong, 5, "five wrong codes start the lock");

    // Locked: even the right code is refused, unhashed, until the lock ends.
    let state = teen(&first, &cookie).await;
    assert_eq!(state.json["lock"]["attempts_left"], 0);
    assert_eq!(
        state.json["lock"]["locked_until"],
        "2026-01-01T04:15:00.000Z"
    );
    turn_off(&second, &cookie, PIN)
        .await
        .assert_error(StatusCode::TOO_MANY_REQUESTS, "pin_locked");
    for s in [&first, &second] {
        s.state.clock.advance(15 * MINUTE_MS);
    }
    let off = turn_off(&second, &cookie, PIN).await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.json);
    assert_eq!(off.json["on"], false);
}

#[tokio::test]
async fn the_hourly_cap_holds_once_the_first_lock_has_ended() {
    let t = TestApp::new(&repo_policies()).await;
    let cookie = on_user(&t, "patient").await;
    // 1,000 wrong codes, one every 3 s (50 minutes): 5, the 15-minute lock,
    // 4 more, and the hourly cap of 10 hashes holds (setting the password
    // when turning it on was the first), though no lock does.
    let mut hashed_at = Vec::new();
    for i in 0..1000 {
        let res = turn_off(&t, &cookie, &format!("{:04}", 3000 + i)).await;
        if res.status == StatusCode::FORBIDDEN {
            hashed_at.push(t.state.clock.now_ms());
        } else {
            res.assert_error(StatusCode::TOO_MANY_REQUESTS, "pin_locked");
        }
        t.state.clock.advance(3000);
    }
    assert_eq!(
        t.state.teen.calls(),
        10,
        "one to set the password, nine guesses"
    );
    assert_eq!(hashed_at.len(), 9);
    assert_eq!(hashed_at[5] - hashed_at[0], 15 * MINUTE_MS + 12_000);
    let state = teen(&t, &cookie).await;
    assert_eq!(
        state.json["lock"]["locked_until"], "2026-01-01T05:00:00.000Z",
        "the cap ends an hour after the first hash"
    );
}

#[tokio::test]
async fn band_limit_and_password_changes_need_the_password() {
    let t = TestApp::new(&repo_policies()).await;
    let cookie = on_user(&t, "changer").await;
    let put = |body: Value| {
        let t = &t;
        let cookie = cookie.clone();
        async move {
            t.send(json_request(
                Method::PUT,
                "/api/me/teen-mode",
                &body.to_string(),
                Some(&cookie),
            ))
            .await
        }
    };
    put(json!({ "pin": "3807", "age_band": "16_18" }))
        .await
        .assert_error(StatusCode::FORBIDDEN, "wrong_pin");
    put(json!({ "pin": PIN, "age_band": "12_16", "daily_minutes": 90 }))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let res = put(json!({ "pin": PIN, "age_band": "16_18" })).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["daily_minutes"], 120);
    assert_eq!(
        res.json["lock"]["attempts_left"], 5,
        "a right code resets the count"
    );
    let res = put(json!({ "pin": PIN, "age_band": "16_18", "daily_minutes": 45 })).await;
    assert_eq!(res.json["daily_minutes"], 45);

    let pin = |old: &str, new: &str| json!({ "pin": old, "new_pin": new }).to_string();
    t.post("/api/me/teen-mode/pin", &pin(PIN, "4321"), Some(&cookie))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "weak_pin");
    t.post("/api/me/teen-mode/pin", &pin("3807", "8461"), Some(&cookie))
        .await
        .assert_error(StatusCode::FORBIDDEN, "wrong_pin");
    let res = t
        .post("/api/me/teen-mode/pin", &pin(PIN, "8461"), Some(&cookie))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    turn_off(&t, &cookie, PIN)
        .await
        .assert_error(StatusCode::FORBIDDEN, "wrong_pin");
    assert_eq!(turn_off(&t, &cookie, "8461").await.status, StatusCode::OK);
    let items = history(&t, &cookie).await;
    assert_eq!(
        items[..4],
        [
            "enabled=off",
            "pin=changed",
            "daily_minutes=45",
            "daily_minutes=120"
        ]
    );
}

#[tokio::test]
async fn another_users_teen_mode_is_out_of_reach() {
    let t = TestApp::new(&repo_policies()).await;
    let owner = on_user(&t, "owner").await;
    let other = t.sign_in("vchat", "other").await;
    assert_eq!(teen(&t, &other).await.json["on"], false);
    turn_off(&t, &other, PIN)
        .await
        .assert_error(StatusCode::CONFLICT, "teen_mode_off");
    t.post("/api/me/teen-mode/appeal", "{}", Some(&other))
        .await
        .assert_error(StatusCode::CONFLICT, "teen_mode_off");
    assert_eq!(teen(&t, &owner).await.json["on"], true);
    // The same user id in another app is another person.
    let elsewhere = t.sign_in("huajian", "owner").await;
    assert_eq!(teen(&t, &elsewhere).await.json["on"], false);
    assert_eq!(
        t.internal_status("huajian", "owner").await.json["teen_mode"]["on"],
        false
    );
    t.get("/api/me/teen-mode", None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn the_status_api_tells_the_host_app_what_to_enforce_now() {
    let t = TestApp::new(&repo_policies()).await;
    let cookie = t.sign_in("vchat", "watched").await;
    t.state.clock.set(NOON_SHANGHAI_MS);
    let body = json!({ "pin": PIN, "age_band": "3_8", "time_zone": "Asia/Shanghai", "follow_device": true });
    let res = t
        .post("/api/me/teen-mode/on", &body.to_string(), Some(&cookie))
        .await;
    assert_eq!(res.json["follow_device"], true);
    let status = t.internal_status("vchat", "watched").await;
    assert_eq!(status.status, StatusCode::OK);
    assert_eq!(
        status.json["teen_mode"],
        json!({
            "on": true,
            "age_band": "3_8",
            "daily_minutes": 40,
            "rest_reminder_minutes": 30,
            "curfew_now": false,
            "restrictions": ["go_live", "tipping", "top_up", "withdrawal"],
            "follow_device": true,
        })
    );
    // 22:30 in Shanghai (14:30 UTC): the curfew holds; 06:00 it has ended.
    t.state
        .clock
        .set(NOON_SHANGHAI_MS + 10 * HOUR_MS + 30 * MINUTE_MS);
    let status = t.internal_status("vchat", "watched").await;
    assert_eq!(status.json["teen_mode"]["curfew_now"], true);
    assert_eq!(teen(&t, &cookie).await.json["curfew_now"], true);
    t.state.clock.set(NOON_SHANGHAI_MS + 18 * HOUR_MS);
    let status = t.internal_status("vchat", "watched").await;
    assert_eq!(status.json["teen_mode"]["curfew_now"], false);
    let nobody = t.internal_status("vchat", "nobody").await;
    assert_eq!(nobody.json["teen_mode"]["on"], false);

    // The change feed carries on/band changes, never the password.
    let token = t.state.keys.service_token("vchat").unwrap().to_owned();
    let req = axum::http::Request::builder()
        .uri("/api/internal/apps/vchat/changes?after=0&limit=1000")
        .header("host", common::HOST)
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let feed = t.send(req).await;
    let teen_rows: Vec<&Value> = feed.json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "teen_mode")
        .collect();
    assert_eq!(teen_rows.len(), 2);
    assert_eq!(teen_rows[0]["data"]["item"], "enabled");
    assert_eq!(teen_rows[1]["data"]["new"], "3_8");
    assert!(!feed.json.to_string().contains(PIN));
}

#[tokio::test]
async fn a_forgotten_password_is_appealed_and_reset_by_support_only() {
    let t = TestApp::new(&repo_policies()).await;
    let cookie = on_user(&t, "forgetful").await;
    let note = json!({ "note": "x".repeat(501) }).to_string();
    t.post("/api/me/teen-mode/appeal", &note, Some(&cookie))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    let filed = t
        .post(
            "/api/me/teen-mode/appeal",
            r#"{"note":"换了手机"}"#,
            Some(&cookie),
        )
        .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.json);
    assert_eq!(filed.json["appeal"]["status"], "open");
    assert_eq!(filed.json["on"], true, "an appeal alone changes nothing");
    let again = t
        .post("/api/me/teen-mode/appeal", "{}", Some(&cookie))
        .await;
    assert_eq!(again.status, StatusCode::OK, "one open appeal at a time");

    let out = support_reset(&t, "forgetful");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let state = teen(&t, &cookie).await;
    assert_eq!(state.json["on"], false);
    assert_eq!(state.json["appeal"]["status"], "resolved");
    let items = history(&t, &cookie).await;
    assert_eq!(
        items[..3],
        ["appeal=resolved", "support_reset=off", "appeal=filed"]
    );
    let again = support_reset(&t, "forgetful");
    assert!(!again.status.success(), "nothing left to reset");

    let export = t.get("/api/me/export", Some(&cookie)).await;
    assert_eq!(export.json["teen_mode"]["on"], false);
    assert_eq!(export.json["teen_mode"]["appeals"][0]["status"], "resolved");
}

#[tokio::test]
async fn the_export_carries_the_state_and_cancellation_can_delete_it() {
    let t = TestApp::new(&repo_policies()).await;
    let cookie = on_user(&t, "exported").await;
    let export = t.get("/api/me/export", Some(&cookie)).await;
    assert_eq!(export.json["teen_mode"]["on"], true);
    assert_eq!(export.json["teen_mode"]["age_band"], "12_16");
    assert_eq!(export.json["teen_mode"]["time_zone"], "Asia/Shanghai");
    let text = export.json.to_string();
    assert!(!text.contains("pin_hash") && !text.contains("salt") && !text.contains(PIN));

    t.post("/api/me/teen-mode/appeal", "{}", Some(&cookie))
        .await;
    let mut conn = t.state.store.pool().acquire().await.unwrap();
    privacy_center_api::teen::delete_user_data(&mut conn, "vchat", "exported")
        .await
        .unwrap();
    drop(conn);
    for table in ["teen_mode", "teen_pin_throttle", "teen_appeals"] {
        assert_eq!(t.count(table).await, 0, "{table}");
    }
}
