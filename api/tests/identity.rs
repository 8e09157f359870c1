//! Identity handoff: tokens, sessions, cookies, the cross-site guard and the
//! JSON body rules, through `router()` with a real SQLite file.

mod common;

use axum::http::{header, Method, StatusCode};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::*;
use privacy_center_api::clock::now_secs;
use privacy_center_api::identity::sha256_hex;
use privacy_center_api::on_db;
use serde_json::json;

fn session_body(token: &str) -> String {
    json!({ "token": token }).to_string()
}

async fn nothing_written(t: &TestApp) {
    assert_eq!(t.count("sessions").await, 0, "sessions");
    assert_eq!(t.count("used_tokens").await, 0, "used_tokens");
    assert_eq!(t.count("consents").await, 0, "consents");
}

#[tokio::test]
async fn a_token_becomes_a_session_cookie_and_logout_ends_it() {
    let t = TestApp::new(&repo_policies()).await;
    let res = t
        .post(
            "/api/session",
            &session_body(&t.token("vchat", "u-1")),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    assert_eq!(
        res.json,
        json!({"app": "vchat", "user": "u-1", "channel": "browser"})
    );
    let set = res.set_cookie();
    assert!(set.starts_with("pc_session="), "{set}");
    for attr in ["; HttpOnly", "; SameSite=Lax", "; Path=/"] {
        assert!(set.contains(attr), "{set}");
    }
    assert!(!set.contains("Secure"), "{set}");
    let cookie = res.cookie();
    let value = cookie.strip_prefix("pc_session=").unwrap();
    assert!(URL_SAFE_NO_PAD.decode(value).unwrap().len() >= 16);
    let stored: Vec<(String, String)> =
        on_db!(t.state.store.pool(), c => sqlx::query_as("SELECT id_hash, channel FROM sessions")
        .fetch_all(c).await)
        .unwrap();
    assert_eq!(
        stored,
        [(sha256_hex(value.as_bytes()), "browser".to_owned())],
        "only the hash is stored"
    );

    let me = t.get("/api/me", Some(&cookie)).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.json);
    assert_eq!(
        (me.json["app"].as_str(), me.json["user"].as_str()),
        (Some("vchat"), Some("u-1"))
    );

    t.sign_out("/api/session", &cookie).await;
    assert_eq!(t.count("sessions").await, 0);
    t.get("/api/me", Some(&cookie))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
    t.get("/api/me", None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn https_public_url_makes_host_prefixed_secure_cookies() {
    let t = TestApp::with(&repo_policies(), |s| {
        s.public_url = "https://privacy.example".into()
    })
    .await;
    let req = https_post("/api/session", &session_body(&t.token("vchat", "u")));
    let res = t.send(req).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    let set = res.set_cookie();
    assert!(set.starts_with("__Host-pc_session="), "{set}");
    assert!(
        set.contains("; Secure") && set.contains("; Path=/"),
        "{set}"
    );
    assert!(!set.contains("Domain"), "{set}");
    let me = t.get("/api/me", Some(&res.cookie())).await;
    assert_eq!(me.status, StatusCode::OK);
    // The plain name is not accepted over https.
    let value = res.cookie().split_once('=').unwrap().1.to_owned();
    t.get("/api/me", Some(&format!("pc_session={value}")))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn the_webview_channel_is_recorded() {
    let t = TestApp::new(&repo_policies()).await;
    let body = json!({"token": t.token("vchat", "u"), "channel": "webview"}).to_string();
    let res = t.post("/api/session", &body, None).await;
    assert_eq!(res.json["channel"], "webview");
    let me = t.get("/api/me", Some(&res.cookie())).await;
    assert_eq!(me.json["channel"], "webview");
}

#[tokio::test]
async fn signing_in_again_replaces_the_old_session() {
    let t = TestApp::new(&repo_policies()).await;
    let old = t.sign_in("vchat", "u").await;
    // Used once, so the server has it in memory as well as in the database.
    assert_eq!(t.get("/api/me", Some(&old)).await.status, StatusCode::OK);
    let body = session_body(&t.token("vchat", "u"));
    let res = t.post("/api/session", &body, Some(&old)).await;
    assert_eq!(res.status, StatusCode::CREATED);
    assert_eq!(t.count("sessions").await, 1);
    t.get("/api/me", Some(&old))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
    assert_eq!(
        t.get("/api/me", Some(&res.cookie())).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn idle_and_absolute_expiry_end_sessions() {
    let t = TestApp::new(&repo_policies()).await;
    let idle = t.sign_in("vchat", "idle").await;
    let old = t.sign_in("vchat", "old").await;
    let pool = t.state.store.pool();
    let now = now_secs();
    on_db!(pool, c => sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE user_id = 'idle'")
        .bind(now - 31 * 60)
        .execute(c).await.map(|r| r.rows_affected()))
    .unwrap();
    on_db!(pool, c => sqlx::query("UPDATE sessions SET expires_at = $1 WHERE user_id = 'old'")
        .bind(now - 1)
        .execute(c).await.map(|r| r.rows_affected()))
    .unwrap();
    for cookie in [idle, old] {
        t.get("/api/me", Some(&cookie))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
    }
    assert_eq!(t.count("sessions").await, 0, "ended sessions are deleted");

    // Activity slides the idle window, at most once a minute.
    let busy = t.sign_in("vchat", "busy").await;
    on_db!(pool, c => sqlx::query("UPDATE sessions SET last_seen_at = $1")
        .bind(now - 29 * 60)
        .execute(c).await.map(|r| r.rows_affected()))
    .unwrap();
    assert_eq!(t.get("/api/me", Some(&busy)).await.status, StatusCode::OK);
    let seen: i64 = on_db!(pool, c => sqlx::query_scalar("SELECT last_seen_at FROM sessions")
        .fetch_one(c).await)
    .unwrap();
    assert!(seen >= now, "last_seen_at moved forward");
}

/// Signs `claims` as a host backend does: `base64url(json) "." base64url(HMAC-SHA256(key, first part))`.
fn sign(claims: &serde_json::Value, key_hex: &str) -> String {
    use hmac::{Hmac, Mac};
    let first = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap());
    let mut mac =
        Hmac::<sha2::Sha256>::new_from_slice(&hex::decode(key_hex.trim()).unwrap()).unwrap();
    mac.update(first.as_bytes());
    format!(
        "{first}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

fn claims(app: &str, exp: i64) -> serde_json::Value {
    json!({"v": 1, "app": app, "sub": "u", "exp": exp, "jti": "0123456789abcdef0123456789abcdef"})
}

#[tokio::test]
async fn refused_tokens_write_nothing_and_say_why() {
    let dir = copy_policies();
    add_other_app(dir.path());
    let t = TestApp::new(dir.path()).await;
    let now = now_secs();
    let key = |app: &str| std::fs::read_to_string(t.data.join(format!("keys/{app}.key"))).unwrap();

    let expired = t.state.keys.mint("vchat", "u", 10, now - 60).unwrap();
    let good = t.token("vchat", "u");
    let (payload, sig) = good.split_once('.').unwrap();
    let mut bad_sig = URL_SAFE_NO_PAD.decode(sig).unwrap();
    bad_sig[5] ^= 0x40;
    let forged = format!("{payload}.{}", URL_SAFE_NO_PAD.encode(bad_sig));
    // vchat's token with its payload rewritten to claim app `other`: no key signed that.
    let mut rewritten: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    rewritten["app"] = json!("other");
    let rewritten = format!(
        "{}.{sig}",
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&rewritten).unwrap())
    );
    // A backend that names vchat but signs with other's key.
    let other_key_for_vchat = sign(&claims("vchat", now + 60), &key("other"));
    let unknown_app = sign(&claims("nope", now + 60), &"ab".repeat(32));
    let too_long = sign(&claims("vchat", now + 600), &key("vchat"));
    let mut bad_user = claims("vchat", now + 60);
    bad_user["sub"] = json!("has space");
    let bad_user = sign(&bad_user, &key("vchat"));

    for (what, token, code, says) in [
        ("expired", expired, "token_expired", "expired"),
        ("forged signature", forged, "token_invalid", "signature"),
        ("rewritten payload", rewritten, "token_invalid", "signature"),
        (
            "another app's key",
            other_key_for_vchat,
            "token_wrong_app",
            "another app",
        ),
        (
            "unknown app",
            unknown_app,
            "token_wrong_app",
            "does not serve",
        ),
        ("valid too long", too_long, "token_invalid", "120 s"),
        ("bad user id", bad_user, "token_invalid", "user id"),
        (
            "garbage",
            "not-a-token".to_owned(),
            "token_invalid",
            "malformed",
        ),
    ] {
        let res = t.post("/api/session", &session_body(&token), None).await;
        res.assert_error(StatusCode::UNAUTHORIZED, code);
        let message = res.json["message"].as_str().unwrap();
        assert!(message.contains(says), "{what}: {message}");
        assert!(!res.headers.contains_key(header::SET_COOKIE), "{what}");
        nothing_written(&t).await;
    }
    // The same construction with the right key is accepted: the helper signs as the server checks.
    let right = sign(&claims("vchat", now + 60), &key("vchat"));
    let res = t.post("/api/session", &session_body(&right), None).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
}

#[tokio::test]
async fn a_token_opened_on_another_apps_page_is_refused_and_not_used_up() {
    let dir = copy_policies();
    add_other_app(dir.path());
    let t = TestApp::new(dir.path()).await;
    let token = t.token("other", "u");
    let on_vchat = json!({"token": token, "channel": "webview", "app": "vchat"}).to_string();
    let res = t.post("/api/session", &on_vchat, None).await;
    res.assert_error(StatusCode::UNAUTHORIZED, "token_wrong_app");
    assert!(res.json["message"]
        .as_str()
        .unwrap()
        .contains("another app"));
    nothing_written(&t).await;
    let on_other = json!({"token": token, "channel": "webview", "app": "other"}).to_string();
    let res = t.post("/api/session", &on_other, None).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    assert_eq!(res.json["app"], "other");
}

#[tokio::test]
async fn a_token_works_once() {
    let t = TestApp::new(&repo_policies()).await;
    let body = session_body(&t.token("vchat", "u"));
    assert_eq!(
        t.post("/api/session", &body, None).await.status,
        StatusCode::CREATED
    );
    let replay = t.post("/api/session", &body, None).await;
    replay.assert_error(StatusCode::UNAUTHORIZED, "token_replayed");
    assert!(replay.json["message"]
        .as_str()
        .unwrap()
        .contains("already been used"));
    assert!(!replay.headers.contains_key(header::SET_COOKIE));
    assert_eq!(t.count("sessions").await, 1);
    assert_eq!(t.count("used_tokens").await, 1);
}

#[tokio::test]
async fn bad_bodies_are_refused_in_the_error_shape() {
    let t = TestApp::new(&repo_policies()).await;
    let token = t.token("vchat", "u");

    t.post("/api/session", "{\"token\": ", None)
        .await
        .assert_error(StatusCode::BAD_REQUEST, "bad_json");
    let unknown = t
        .post(
            "/api/session",
            &json!({"token": token, "admin": true}).to_string(),
            None,
        )
        .await;
    unknown.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(unknown.json["fields"]["admin"], "unknown field");
    let missing = t.post("/api/session", "{}", None).await;
    missing.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert_eq!(missing.json["fields"]["token"], "required");
    let huge = json!({ "token": "x".repeat(70 * 1024) }).to_string();
    t.post("/api/session", &huge, None)
        .await
        .assert_error(StatusCode::PAYLOAD_TOO_LARGE, "too_large");

    let mut no_type = post("/api/session", &session_body(&token), None);
    no_type.headers_mut().remove(header::CONTENT_TYPE);
    t.send(no_type)
        .await
        .assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    let mut form = post("/api/session", &session_body(&token), None);
    form.headers_mut().insert(
        header::CONTENT_TYPE,
        "application/x-www-form-urlencoded".parse().unwrap(),
    );
    t.send(form)
        .await
        .assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    nothing_written(&t).await;
    // The token was never consumed, so it still works.
    assert_eq!(
        t.post("/api/session", &session_body(&token), None)
            .await
            .status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn cross_site_requests_are_refused() {
    let t = TestApp::new(&repo_policies()).await;
    let body = session_body(&t.token("vchat", "u"));
    let mut cross = post("/api/session", &body, None);
    cross
        .headers_mut()
        .insert("sec-fetch-site", "cross-site".parse().unwrap());
    t.send(cross)
        .await
        .assert_error(StatusCode::FORBIDDEN, "cross_site");
    let mut same_site = post("/api/session", &body, None);
    same_site
        .headers_mut()
        .insert("sec-fetch-site", "same-site".parse().unwrap());
    t.send(same_site)
        .await
        .assert_error(StatusCode::FORBIDDEN, "cross_site");
    for origin in ["http://evil.example", "https://localhost", "null"] {
        let mut foreign = post("/api/session", &body, None);
        foreign
            .headers_mut()
            .insert(header::ORIGIN, origin.parse().unwrap());
        t.send(foreign)
            .await
            .assert_error(StatusCode::FORBIDDEN, "cross_site");
    }
    // Logging out someone from another site is refused too.
    let cookie = t.sign_in("vchat", "v").await;
    let mut logout = json_request(Method::DELETE, "/api/session", "", Some(&cookie));
    logout
        .headers_mut()
        .insert(header::ORIGIN, "http://evil.example".parse().unwrap());
    t.send(logout)
        .await
        .assert_error(StatusCode::FORBIDDEN, "cross_site");
    assert_eq!(t.count("sessions").await, 1);
    assert_eq!(t.count("used_tokens").await, 1);
    // A request without Sec-Fetch-Site and Origin (curl, old browsers) passes.
    let mut plain = post("/api/session", &body, None);
    plain.headers_mut().remove("sec-fetch-site");
    plain.headers_mut().remove(header::ORIGIN);
    assert_eq!(t.send(plain).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn dev_sign_in_exists_only_under_dev() {
    let t = TestApp::new(&repo_policies()).await;
    let body = json!({"app": "vchat", "user": "tester"}).to_string();
    t.post("/api/dev/session", &body, None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(t.get("/api/dev", None).await.json, json!({"dev": false}));
    nothing_written(&t).await;

    let t = TestApp::with(&repo_policies(), |s| s.dev = true).await;
    assert_eq!(t.get("/api/dev", None).await.json, json!({"dev": true}));
    let res = t.post("/api/dev/session", &body, None).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    let me = t.get("/api/me", Some(&res.cookie())).await;
    assert_eq!(me.json["user"], "tester");
    t.post(
        "/api/dev/session",
        &json!({"app": "nope", "user": "x"}).to_string(),
        None,
    )
    .await
    .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
}

#[tokio::test]
async fn the_dev_clock_moves_forward_only_under_dev() {
    let body = json!({"advance_seconds": 3600}).to_string();
    let t = TestApp::new(&repo_policies()).await;
    t.post("/api/dev/clock", &body, None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");

    let t = TestApp::with(&repo_policies(), |s| s.dev = true).await;
    let before = t.state.clock.now_ms();
    let res = t.post("/api/dev/clock", &body, None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let moved = t.state.clock.now_ms() - before;
    assert!((3_600_000..3_660_000).contains(&moved), "{moved}");
    assert!(res.json["now"].as_str().unwrap().ends_with('Z'));
    for bad in [
        json!({"advance_seconds": -1}),
        json!({"advance_seconds": 400_000_000}),
    ] {
        t.post("/api/dev/clock", &bad.to_string(), None)
            .await
            .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    }
    let after_bad = t.state.clock.now_ms() - before;
    assert!(after_bad < 3_660_000, "a refused move changed the clock");

    // `set` moves it to any time, earlier too, and it runs on from there.
    let set = json!({"set": "2026-12-15T00:00:00+08:00"}).to_string();
    let res = t.post("/api/dev/clock", &set, None).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert!(res.json["now"]
        .as_str()
        .unwrap()
        .starts_with("2026-12-14T16:00:0"));
    let read = t.state.clock.now_ms() - at("2026-12-14T16:00:00Z");
    assert!((0..60_000).contains(&read), "{read}");
    for bad in [
        json!({"set": "tomorrow"}),
        json!({"set": "1999-12-31T23:59:59Z"}),
        json!({"set": "2026-12-15T00:00:00Z", "advance_seconds": 1}),
        json!({}),
    ] {
        t.post("/api/dev/clock", &bad.to_string(), None)
            .await
            .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    }
}

#[tokio::test]
async fn the_session_state_answers_signed_out_without_an_error_and_writes_nothing() {
    let t = TestApp::new(&repo_policies()).await;
    for cookie in [None, Some("pc_session=not-a-session")] {
        let res = t.get("/api/session", cookie).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        assert_eq!(res.json, json!({"me": null, "dev": false}));
        assert_eq!(res.headers[header::CACHE_CONTROL], "no-store");
    }
    nothing_written(&t).await;
    t.get("/api/me", None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");

    // An ended session reads as signed out, and its row is left alone.
    let ended = t.sign_in("vchat", "ended").await;
    let pool = t.state.store.pool();
    let idle_since = now_secs() - 31 * 60;
    on_db!(pool, c => sqlx::query("UPDATE sessions SET last_seen_at = $1")
        .bind(idle_since)
        .execute(c).await.map(|r| r.rows_affected()))
    .unwrap();
    let res = t.get("/api/session", Some(&ended)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.json["me"], json!(null));
    let seen: i64 = on_db!(pool, c => sqlx::query_scalar("SELECT last_seen_at FROM sessions")
        .fetch_one(c).await)
    .unwrap();
    assert_eq!(seen, idle_since, "nothing written");
}

#[tokio::test]
async fn the_session_state_carries_the_signed_in_user_as_me_does() {
    let t = TestApp::new(&repo_policies()).await;
    let cookie = t.sign_in("vchat", "sam").await;
    let res = t.get("/api/session", Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.headers[header::CACHE_CONTROL], "no-store");
    let me = t.get("/api/me", Some(&cookie)).await;
    assert_eq!(res.json, json!({"me": me.json, "dev": false}));
    assert_eq!(res.json["me"]["user"], "sam");
}

#[tokio::test]
async fn the_session_state_says_whether_dev_mode_is_on() {
    let t = TestApp::with(&repo_policies(), |s| s.dev = true).await;
    assert_eq!(
        t.get("/api/session", None).await.json,
        json!({"me": null, "dev": true})
    );
    let body = json!({"app": "vchat", "user": "tester"}).to_string();
    let cookie = t.post("/api/dev/session", &body, None).await.cookie();
    let res = t.get("/api/session", Some(&cookie)).await;
    assert_eq!(res.json["dev"], true);
    assert_eq!(res.json["me"]["user"], "tester");
}
