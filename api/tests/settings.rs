//! User controls (issue #14): push settings, switches, profile reset,
//! permission choices, history, and what host apps read of them (status,
//! push-check, the change feed).

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{add_other_app, copy_policies, json_request, repo_policies, Resp, TestApp, HOST};
use privacy_center_api::on_db;
use serde_json::{json, Value};

/// 2026-01-01T00:00:00Z.
const NEW_YEAR_MS: i64 = 1_767_225_600_000;
const HOUR_MS: i64 = 3_600_000;

async fn put(t: &TestApp, uri: &str, body: Value, cookie: &str) -> Resp {
    t.send(json_request(
        Method::PUT,
        uri,
        &body.to_string(),
        Some(cookie),
    ))
    .await
}

/// A request with `app`'s service token (or `token`, when given).
fn service(method: Method, uri: &str, body: Option<Value>, token: &str) -> Request<Body> {
    let b = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, HOST)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    match body {
        Some(v) => b
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(v.to_string()))
            .unwrap(),
        None => b.body(Body::empty()).unwrap(),
    }
}

fn token(t: &TestApp, app: &str) -> String {
    t.state.keys.service_token(app).unwrap().to_owned()
}

async fn push_check(t: &TestApp, category: &str, users: &[&str]) -> Resp {
    let body = json!({ "category": category, "users": users });
    t.send(service(
        Method::POST,
        "/api/internal/apps/vchat/push-check",
        Some(body),
        &token(t, "vchat"),
    ))
    .await
}

async fn feed(t: &TestApp, after: i64, limit: i64) -> Resp {
    t.send(service(
        Method::GET,
        &format!("/api/internal/apps/vchat/changes?after={after}&limit={limit}"),
        None,
        &token(t, "vchat"),
    ))
    .await
}

#[tokio::test]
async fn push_settings_start_at_the_defaults_and_keep_what_the_user_sets() {
    let t = TestApp::new(&repo_policies()).await;
    let cookie = t.sign_in("vchat", "alice").await;
    let first = t.get("/api/me/push", Some(&cookie)).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.json);
    assert_eq!(first.headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(first.json["enabled"], true);
    assert_eq!(first.json["quiet_hours"], Value::Null);
    let service_cat = &first.json["categories"][0];
    assert_eq!(service_cat["id"], "service");
    assert_eq!(service_cat["switchable"], false);
    assert_eq!(service_cat["on"], true);
    assert!(service_cat["note"].as_str().unwrap().contains("无法取消"));
    assert_eq!(first.json["categories"][1]["id"], "message_push");

    let saved = put(
        &t,
        "/api/me/push",
        json!({"enabled": true, "categories": {"message_push": false},
               "quiet_hours": {"start": "22:00", "end": "07:00", "time_zone": "Asia/Shanghai"}}),
        &cookie,
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.json);
    assert_eq!(saved.headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(saved.json["categories"][1]["on"], false);
    assert_eq!(saved.json["quiet_hours"]["time_zone"], "Asia/Shanghai");
    assert_eq!(t.get("/api/me/push", Some(&cookie)).await.json, saved.json);

    // Categories not named keep their value; only what changed is recorded.
    let again = put(
        &t,
        "/api/me/push",
        json!({"enabled": false, "quiet_hours": null}),
        &cookie,
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.json);
    assert_eq!(again.json["categories"][1]["on"], false);
    assert_eq!(again.json["enabled"], false);

    let history = t.get("/api/me/history", Some(&cookie)).await;
    assert_eq!(history.headers[header::CACHE_CONTROL], "no-store");
    let rows: Vec<(String, String, String)> = history
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["item"].as_str().unwrap().to_owned(),
                r["old"].as_str().unwrap_or("-").to_owned(),
                r["new"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let s = |a: &str, b: &str, c: &str| (a.to_owned(), b.to_owned(), c.to_owned());
    assert_eq!(
        rows,
        [
            s("quiet_hours", "22:00-07:00 Asia/Shanghai", "off"),
            s("enabled", "on", "off"),
            s("quiet_hours", "off", "22:00-07:00 Asia/Shanghai"),
            s("message_push", "on", "off"),
        ],
        "newest first"
    );
    assert_eq!(history.json[0]["kind"], "push");
    assert_eq!(history.json[0]["channel"], "browser");

    let export = t.get("/api/me/export", Some(&cookie)).await;
    assert_eq!(export.json["settings"]["push"], again.json);
    assert_eq!(export.json["history"], history.json);
    assert_eq!(
        export.json["settings"]["switches"][0]["id"],
        "do_not_disturb"
    );

    // The history and the feed are evidence: the store refuses to rewrite them.
    for sql in [
        "UPDATE setting_changes SET new = 'on'",
        "DELETE FROM setting_changes",
        "UPDATE changes SET kind = 'switch'",
        "DELETE FROM changes",
    ] {
        let err = on_db!(t.state.store.pool(), c => sqlx::query(sql)
            .execute(c).await.map(|r| r.rows_affected()))
        .unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
}

#[tokio::test]
async fn bad_push_updates_are_refused_whole_and_save_nothing() {
    let t = TestApp::new(&repo_policies()).await;
    let cookie = t.sign_in("vchat", "bob").await;
    let before = t.get("/api/me/push", Some(&cookie)).await.json;
    let cases = [
        (
            json!({"enabled": false, "categories": {"message_push": false, "nope": false}}),
            "categories.nope",
            "no push category",
        ),
        (
            json!({"enabled": false, "categories": {"service": false}}),
            "categories.service",
            "cannot be turned off: 因系统维护",
        ),
        (
            json!({"enabled": false, "quiet_hours": {"start": "25:00", "end": "07:00", "time_zone": "Asia/Shanghai"}}),
            "quiet_hours.start",
            "HH:MM",
        ),
        (
            json!({"enabled": false, "quiet_hours": {"start": "22:00", "end": "07:00", "time_zone": "Mars/Olympus"}}),
            "quiet_hours.time_zone",
            "IANA",
        ),
    ];
    for (body, field, words) in cases {
        let res = put(&t, "/api/me/push", body.clone(), &cookie).await;
        res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        let problem = res.json["fields"][field].as_str().unwrap_or_default();
        assert!(problem.contains(words), "{body}: {}", res.json);
    }
    assert_eq!(t.get("/api/me/push", Some(&cookie)).await.json, before);
    assert_eq!(t.count("push_settings").await, 0);
    assert_eq!(t.count("setting_changes").await, 0);
    assert_eq!(t.count("changes").await, 0);
    // Unknown fields are refused too (deny_unknown_fields).
    let extra = put(
        &t,
        "/api/me/push",
        json!({"enabled": true, "volume": 3}),
        &cookie,
    )
    .await;
    extra.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
}

#[tokio::test]
async fn switches_link_to_their_policy_section_and_refuse_unknown_ids() {
    let t = TestApp::new(&repo_policies()).await;
    let cookie = t.sign_in("vchat", "carol").await;
    let first = t.get("/api/me/switches", Some(&cookie)).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.json);
    assert_eq!(first.headers[header::CACHE_CONTROL], "no-store");
    let dnd = &first.json["switches"][0];
    assert_eq!(dnd["id"], "do_not_disturb");
    assert_eq!(dnd["on"], false);
    assert_eq!(dnd["section"], "（八）设置");
    // The anchor is one the current policy's toc really has.
    let policy = t.get("/api/apps/vchat/policies/current", None).await;
    let ids: Vec<&str> = policy.json["toc"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&dnd["section_id"].as_str().unwrap()), "{dnd}");

    let bad = put(
        &t,
        "/api/me/switches",
        json!({"switches": {"do_not_disturb": true, "teleport": true}}),
        &cookie,
    )
    .await;
    bad.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert!(
        bad.json["fields"]["switches.teleport"].is_string(),
        "{}",
        bad.json
    );
    assert_eq!(
        t.get("/api/me/switches", Some(&cookie)).await.json,
        first.json
    );
    assert_eq!(t.count("switch_values").await, 0);

    let ok = put(
        &t,
        "/api/me/switches",
        json!({"switches": {"do_not_disturb": true}}),
        &cookie,
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.json);
    assert_eq!(ok.json["switches"][0]["on"], true);
    let history = t.get("/api/me/history", Some(&cookie)).await.json;
    assert_eq!(history[0]["kind"], "switch");
    assert_eq!(history[0]["item"], "do_not_disturb");
    assert_eq!(
        (history[0]["old"].clone(), history[0]["new"].clone()),
        (json!("off"), json!("on"))
    );
}

#[tokio::test]
async fn each_user_reads_and_changes_only_their_own_settings() {
    let t = TestApp::new(&repo_policies()).await;
    let alice = t.sign_in("vchat", "alice").await;
    let bob = t.sign_in("vchat", "bob").await;
    let res = put(&t, "/api/me/push", json!({"enabled": false}), &alice).await;
    assert_eq!(res.status, StatusCode::OK);
    put(
        &t,
        "/api/me/switches",
        json!({"switches": {"hide_online": true}}),
        &alice,
    )
    .await;
    assert_eq!(
        t.get("/api/me/push", Some(&bob)).await.json["enabled"],
        true
    );
    assert_eq!(
        t.get("/api/me/push", Some(&alice)).await.json["enabled"],
        false
    );
    let bob_switches = t.get("/api/me/switches", Some(&bob)).await.json;
    assert!(bob_switches["switches"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["on"] == false));
    assert_eq!(t.get("/api/me/history", Some(&bob)).await.json, json!([]));
    // Signed out: nothing.
    t.get("/api/me/push", None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn profile_reset_and_permission_choices_are_recorded_for_the_host_app() {
    let t = TestApp::new(&repo_policies()).await;
    let vchat = t.sign_in("vchat", "dan").await;
    // vchat promises no recommendation switch.
    let none = t
        .post(
            "/api/me/profile-reset",
            r#"{"switch":"personalised_recommendations"}"#,
            Some(&vchat),
        )
        .await;
    none.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert!(none.json["fields"]["switch"].is_string());

    let huajian = t.sign_in("huajian", "dan").await;
    let switches = t.get("/api/me/switches", Some(&huajian)).await.json;
    assert_eq!(
        switches["switches"][0]["id"],
        "personalised_recommendations"
    );
    assert_eq!(switches["switches"][0]["clears_profile"], true);
    assert_eq!(
        switches["switches"][0]["section"],
        "3.实现直播推荐、音视频信息功能或服务"
    );
    assert!(
        switches["switches"][0]["section_id"].is_string(),
        "{switches}"
    );
    let reset = t
        .post(
            "/api/me/profile-reset",
            r#"{"switch":"personalised_recommendations"}"#,
            Some(&huajian),
        )
        .await;
    assert_eq!(reset.status, StatusCode::ACCEPTED, "{}", reset.json);
    assert!(reset.json["at"].as_str().unwrap().ends_with('Z'));

    // An unknown permission, an unknown state.
    for (permission, state) in [("teleport", "denied"), ("camera", "maybe")] {
        let body = json!({"permission": permission, "state": state, "source": "browser"});
        t.post(
            "/api/me/permission-choices",
            &body.to_string(),
            Some(&huajian),
        )
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    }
    for state in ["denied", "granted"] {
        let body = json!({"permission": "camera", "state": state, "source": "native"}).to_string();
        let ok = t
            .post("/api/me/permission-choices", &body, Some(&huajian))
            .await;
        assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.json);
    }
    let history = t.get("/api/me/history", Some(&huajian)).await.json;
    let rows: Vec<(&str, &str, Option<&str>, &str)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap(),
                r["item"].as_str().unwrap(),
                r["old"].as_str(),
                r["new"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("permission", "camera", Some("denied"), "granted"),
            ("permission", "camera", None, "denied"),
            (
                "profile_reset",
                "personalised_recommendations",
                None,
                "requested"
            ),
        ]
    );
    let changes = t
        .send(service(
            Method::GET,
            "/api/internal/apps/huajian/changes",
            None,
            &token(&t, "huajian"),
        ))
        .await;
    assert_eq!(changes.status, StatusCode::OK, "{}", changes.json);
    let kinds: Vec<&str> = changes.json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["profile_reset", "permission", "permission"]);
    assert_eq!(changes.json["changes"][1]["data"]["source"], "native");
    assert_eq!(changes.json["changes"][0]["user"], "dan");
}

#[tokio::test]
async fn the_status_route_tells_push_settings_switches_and_quiet_hours_now() {
    let t = TestApp::new(&repo_policies()).await;
    let cookie = t.sign_in("vchat", "erin").await;
    put(
        &t,
        "/api/me/push",
        json!({"enabled": true, "categories": {"message_push": false},
               "quiet_hours": {"start": "22:00", "end": "07:00", "time_zone": "Asia/Shanghai"}}),
        &cookie,
    )
    .await;
    put(
        &t,
        "/api/me/switches",
        json!({"switches": {"hide_online": true}}),
        &cookie,
    )
    .await;

    // 15:00 UTC is 23:00 in Shanghai: quiet.
    t.state.clock.set(NEW_YEAR_MS + 15 * HOUR_MS);
    let night = t.internal_status("vchat", "erin").await;
    assert_eq!(night.status, StatusCode::OK, "{}", night.json);
    assert_eq!(night.headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(
        night.json["push"],
        json!({"enabled": true, "quiet_now": true,
               "categories": {"service": true, "message_push": false}})
    );
    assert_eq!(night.json["switches"]["hide_online"], true);
    assert_eq!(night.json["switches"]["do_not_disturb"], false);
    // 04:00 UTC is noon there: not quiet.
    t.state.clock.set(NEW_YEAR_MS + 4 * HOUR_MS);
    assert_eq!(
        t.internal_status("vchat", "erin").await.json["push"]["quiet_now"],
        false
    );
    // 23:00 UTC is 07:00 there: the end is exclusive.
    t.state.clock.set(NEW_YEAR_MS + 23 * HOUR_MS);
    assert_eq!(
        t.internal_status("vchat", "erin").await.json["push"]["quiet_now"],
        false
    );
}

#[tokio::test]
async fn push_check_refuses_by_master_switch_category_and_quiet_hours() {
    let t = TestApp::new(&repo_policies()).await;
    let off = t.sign_in("vchat", "off").await;
    put(&t, "/api/me/push", json!({"enabled": false}), &off).await;
    let opted = t.sign_in("vchat", "opted").await;
    put(
        &t,
        "/api/me/push",
        json!({"enabled": true, "categories": {"message_push": false}}),
        &opted,
    )
    .await;
    let quiet = t.sign_in("vchat", "quiet").await;
    put(
        &t,
        "/api/me/push",
        json!({"enabled": true, "quiet_hours": {"start": "22:00", "end": "07:00", "time_zone": "Asia/Shanghai"}}),
        &quiet,
    )
    .await;
    t.state.clock.set(NEW_YEAR_MS + 15 * HOUR_MS);

    let users = ["fresh", "off", "opted", "quiet"];
    let res = push_check(&t, "message_push", &users).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(
        res.json,
        json!({"category": "message_push", "allowed": ["fresh"], "refused": [
            {"user": "off", "reason": "push_off"},
            {"user": "opted", "reason": "opted_out"},
            {"user": "quiet", "reason": "quiet_hours"},
        ]})
    );
    // Service notices cannot be turned off: everyone gets them.
    let service_notice = push_check(&t, "service", &users).await;
    assert_eq!(service_notice.json["allowed"], json!(users));
    assert_eq!(service_notice.json["refused"], json!([]));
    // Outside quiet hours the quiet user is allowed again.
    t.state.clock.set(NEW_YEAR_MS + 4 * HOUR_MS);
    let day = push_check(&t, "message_push", &users).await;
    assert_eq!(day.json["allowed"], json!(["fresh", "quiet"]));

    let unknown = push_check(&t, "nope", &users).await;
    unknown.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert!(unknown.json["fields"]["category"].is_string());
    let many: Vec<String> = (0..10_001).map(|i| format!("u{i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let too_many = push_check(&t, "message_push", &many).await;
    too_many.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    assert!(too_many.json["fields"]["users"].is_string());
    push_check(&t, "message_push", &[])
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    // 10,000 is allowed, with every answer in order.
    let full = push_check(&t, "message_push", &many[..10_000]).await;
    assert_eq!(full.status, StatusCode::OK);
    assert_eq!(full.json["allowed"].as_array().unwrap().len(), 10_000);
    // A body over this route's own limit says that limit, not the API-wide one.
    let huge = "u".repeat(128);
    let huge: Vec<&str> = vec![huge.as_str(); 20_000];
    let over = push_check(&t, "message_push", &huge).await;
    over.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    let message = over.json["message"].as_str().unwrap();
    assert!(message.contains("2097152"), "{message}");
}

#[tokio::test]
async fn another_apps_service_token_opens_none_of_the_host_routes() {
    let policies = copy_policies();
    add_other_app(policies.path());
    let t = TestApp::new(policies.path()).await;
    let other = token(&t, "other");
    let requests = [
        service(
            Method::GET,
            "/api/internal/apps/vchat/users/alice/status",
            None,
            &other,
        ),
        service(
            Method::POST,
            "/api/internal/apps/vchat/push-check",
            Some(json!({"category": "message_push", "users": ["alice"]})),
            &other,
        ),
        service(
            Method::GET,
            "/api/internal/apps/vchat/changes",
            None,
            &other,
        ),
        service(Method::GET, "/api/internal/apps/vchat/changes", None, ""),
    ];
    for req in requests {
        let uri = req.uri().to_string();
        let res = t.send(req).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{uri}: {}", res.json);
    }
    // Each app's feed holds only its own users' changes.
    let cookie = t.sign_in("other", "alice").await;
    put(&t, "/api/me/push", json!({"enabled": false}), &cookie).await;
    assert_eq!(feed(&t, 0, 100).await.json["changes"], json!([]));
}

#[tokio::test]
async fn user_ids_no_token_can_carry_are_refused_not_answered_as_never_seen() {
    let t = TestApp::new(&repo_policies()).await;
    let vchat = token(&t, "vchat");
    for user in ["a%20b", "%C3%A9", &"x".repeat(129)] {
        let uri = format!("/api/internal/apps/vchat/users/{user}/status");
        let res = t.send(service(Method::GET, &uri, None, &vchat)).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{uri}: {}",
            res.json
        );
        assert!(res.json["fields"]["user"].is_string(), "{}", res.json);
    }
    // Another app's token is still refused first: nothing is said about ids to it.
    let other = service(
        Method::GET,
        "/api/internal/apps/vchat/users/a%20b/status",
        None,
        "not-a-token",
    );
    assert_eq!(t.send(other).await.status, StatusCode::UNAUTHORIZED);
    let res = push_check(&t, "message_push", &["alice", "b o b"]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.json);
    assert!(res.json["fields"]["users[1]"].is_string(), "{}", res.json);
    let fine = t
        .send(service(
            Method::GET,
            "/api/internal/apps/vchat/users/u_1@x/status",
            None,
            &vchat,
        ))
        .await;
    assert_eq!(fine.status, StatusCode::OK);
}

#[tokio::test]
async fn state_changing_settings_routes_refuse_cross_site_requests() {
    let t = TestApp::new(&repo_policies()).await;
    let cookie = t.sign_in("vchat", "frank").await;
    for (method, uri, body) in [
        (Method::PUT, "/api/me/push", r#"{"enabled":false}"#),
        (
            Method::PUT,
            "/api/me/switches",
            r#"{"switches":{"hide_online":true}}"#,
        ),
        (Method::POST, "/api/me/profile-reset", r#"{"switch":"x"}"#),
        (
            Method::POST,
            "/api/me/permission-choices",
            r#"{"permission":"camera","state":"denied","source":"browser"}"#,
        ),
    ] {
        let mut req = json_request(method, uri, body, Some(&cookie));
        req.headers_mut()
            .insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        req.headers_mut()
            .insert("sec-fetch-site", "cross-site".parse().unwrap());
        t.send(req)
            .await
            .assert_error(StatusCode::FORBIDDEN, "cross_site");
    }
    assert_eq!(t.count("setting_changes").await, 0);
    assert_eq!(
        t.get("/api/me/push", Some(&cookie)).await.json["enabled"],
        true
    );
}

#[tokio::test]
async fn the_change_feed_lists_consents_and_settings_in_order() {
    let t = TestApp::new(&repo_policies()).await;
    let cookie = t.sign_in("vchat", "gina").await;
    assert_eq!(t.accept_current(&cookie).await.status, StatusCode::CREATED);
    put(&t, "/api/me/push", json!({"enabled": false}), &cookie).await;
    assert_eq!(t.withdraw(&cookie).await.status, StatusCode::CREATED);
    put(
        &t,
        "/api/me/switches",
        json!({"switches": {"hide_online": true}}),
        &cookie,
    )
    .await;

    let page = feed(&t, 0, 100).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.json);
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-store");
    let changes = page.json["changes"].as_array().unwrap();
    let kinds: Vec<(&str, &str)> = changes
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap(),
                c["data"]["action"]
                    .as_str()
                    .or(c["data"]["item"].as_str())
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("consent", "accept"),
            ("push", "enabled"),
            ("consent", "withdraw"),
            ("switch", "hide_online"),
        ]
    );
    let (version, sha256) = t.vchat_current().await;
    assert_eq!(
        changes[0]["data"],
        json!({"action": "accept", "version": version, "sha256": sha256, "channel": "browser"})
    );
    assert_eq!(page.json["next"], changes[3]["cursor"]);
    // Paging: two at a time, then nothing new.
    let first = feed(&t, 0, 2).await.json;
    let second = feed(&t, first["next"].as_i64().unwrap(), 2).await.json;
    assert_eq!(
        [
            first["changes"].as_array().unwrap().clone(),
            second["changes"].as_array().unwrap().clone()
        ]
        .concat(),
        *changes
    );
    let end = feed(&t, second["next"].as_i64().unwrap(), 2).await.json;
    assert_eq!(end["changes"], json!([]));
    assert_eq!(end["next"], second["next"]);
    // Bad parameters are named.
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("after=x", "after"),
        ("since=3", "since"),
    ] {
        let res = t
            .send(service(
                Method::GET,
                &format!("/api/internal/apps/vchat/changes?{query}"),
                None,
                &token(&t, "vchat"),
            ))
            .await;
        res.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
        assert!(
            res.json["fields"][field].is_string(),
            "{query}: {}",
            res.json
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn paging_the_feed_while_others_write_skips_and_repeats_nothing() {
    let t = TestApp::new(&repo_policies()).await;
    let (version, sha256) = t.vchat_current().await;
    let mut writers = Vec::new();
    for w in 0..4 {
        let cookie = t.sign_in("vchat", &format!("writer{w}")).await;
        let router = t.router.clone();
        let (version, sha256) = (version.clone(), sha256.clone());
        writers.push(tokio::spawn(async move {
            use tower::ServiceExt;
            for i in 0..15 {
                let body = if w % 2 == 0 {
                    json!({"enabled": i % 2 == 1}).to_string()
                } else {
                    json!({"switches": {"hide_online": i % 2 == 0}}).to_string()
                };
                let uri = if w % 2 == 0 {
                    "/api/me/push"
                } else {
                    "/api/me/switches"
                };
                let res = router
                    .clone()
                    .oneshot(json_request(Method::PUT, uri, &body, Some(&cookie)))
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::OK);
                let action = if i % 2 == 0 { "accept" } else { "withdraw" };
                let body = json!({"version": version, "sha256": sha256, "action": action});
                let res = router
                    .clone()
                    .oneshot(json_request(
                        Method::POST,
                        "/api/me/consents",
                        &body.to_string(),
                        Some(&cookie),
                    ))
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::CREATED);
            }
        }));
    }
    let mut seen: Vec<i64> = Vec::new();
    let mut after = 0;
    loop {
        // Asked before the page is read: once every writer is done, an
        // empty page means the feed holds everything.
        let done = writers.iter().all(|w| w.is_finished());
        let page = feed(&t, after, 7).await.json;
        for c in page["changes"].as_array().unwrap() {
            seen.push(c["cursor"].as_i64().unwrap());
        }
        after = page["next"].as_i64().unwrap();
        if done && page["changes"].as_array().unwrap().is_empty() {
            break;
        }
        tokio::task::yield_now().await;
    }
    for w in writers {
        w.await.unwrap();
    }
    let stored: Vec<i64> =
        on_db!(t.state.store.pool(), c => sqlx::query_scalar("SELECT seq FROM changes WHERE app = 'vchat' ORDER BY seq")
            .fetch_all(c).await)
            .unwrap();
    assert_eq!(stored.len(), 120, "60 settings changes and 60 consents");
    assert_eq!(seen, stored, "every change once, in order");
}

#[tokio::test]
async fn the_readable_copy_names_every_setting_and_change_in_words_and_escapes_them() {
    let t = TestApp::new(&repo_policies()).await;
    // User ids are any printable ASCII, so the page must escape them.
    let cookie = t.sign_in("vchat", "<b>eve</b>").await;
    put(
        &t,
        "/api/me/push",
        json!({"enabled": true, "categories": {"message_push": false}}),
        &cookie,
    )
    .await;
    let history = t.get("/api/me/history", Some(&cookie)).await;
    assert_eq!(history.json[0]["label"], "消息推送", "{}", history.json);

    let uri = "/api/me/export?format=html";
    let res = t.get(uri, Some(&cookie)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.headers[header::CACHE_CONTROL], "no-store");
    assert_eq!(
        res.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"privacy-center-export-vchat-_b_eve__b_.html\""
    );
    let csp = res.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(
        csp.contains("style-src 'sha256-") && !csp.contains("script"),
        "{csp}"
    );
    let (status, content_type, page) = t.send_text(common::get(uri, Some(&cookie))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "text/html; charset=utf-8");
    for words in [
        "我的个人信息副本",
        "&lt;b&gt;eve&lt;/b&gt;",
        "消息推送 · 消息推送",
        "开启 → 关闭",
        "与服务有关的公告</td><td>开启（不可关闭）",
        "北京时间",
    ] {
        assert!(page.contains(words), "{words:?} missing from {page}");
    }
    assert!(!page.contains("<b>eve"), "the user id is escaped");

    let (_, _, english) = t
        .send_text(common::get(
            "/api/me/export?format=html&lang=en",
            Some(&cookie),
        ))
        .await;
    assert!(english.contains("A copy of my personal information"));
    assert!(english.contains("on → off"));

    for bad in [
        "/api/me/export?format=pdf",
        "/api/me/export?lang=fr&format=html",
        "/api/me/export?format=html&pages=2",
    ] {
        t.get(bad, Some(&cookie))
            .await
            .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
    }
    t.get(uri, None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
}
