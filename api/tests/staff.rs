//! The product team's preview access: the staff credential, its cookie
//! session, drafts visible only with it, and the sign-in throttle, through
//! `router()` with a real SQLite file.

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use common::server::run_ok;
use common::*;
use privacy_center_api::identity::sha256_hex;
use privacy_center_api::on_db;
use serde_json::json;
use std::net::SocketAddr;
use std::process::Command;

const DRAFT: &str = "/api/apps/vchat/policies/2026-12-15";

fn credential_body(credential: &str) -> String {
    json!({ "credential": credential }).to_string()
}

/// A staff sign-in as the browser at `client` sends it.
fn staff_sign_in(credential: &str, client: [u8; 4]) -> Request<Body> {
    let mut req = post("/api/staff/session", &credential_body(credential), None);
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((client, 40_000))));
    req
}

impl TestApp {
    fn credential(&self) -> String {
        self.state.staff.credential.secret().to_owned()
    }

    /// Signs in as staff; returns the `Cookie` header value.
    async fn staff_cookie(&self) -> String {
        let res = self
            .send(staff_sign_in(&self.credential(), [127, 0, 0, 1]))
            .await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.json);
        res.cookie()
    }
}

#[tokio::test]
async fn drafts_are_hidden_without_the_staff_cookie_and_shown_with_it() {
    let tree = with_vchat_draft();
    let t = TestApp::new(tree.path()).await;
    t.get(DRAFT, None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    t.get(&format!("{DRAFT}/source"), None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    t.get("/api/staff/apps", None)
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthenticated");
    // A user's session is not a staff session.
    let user = t.sign_in("vchat", "u").await;
    t.get(DRAFT, Some(&user))
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");

    let res = t.send(staff_sign_in(&t.credential(), [127, 0, 0, 1])).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.json);
    let set = res.set_cookie();
    assert!(set.starts_with("pc_staff="), "{set}");
    for attr in ["; HttpOnly", "; SameSite=Strict", "; Path=/"] {
        assert!(set.contains(attr), "{set}");
    }
    assert!(!set.contains("Secure"), "{set}");
    let cookie = res.cookie();
    let value = cookie.strip_prefix("pc_staff=").unwrap();
    let stored: Vec<(String,)> =
        on_db!(t.state.store.pool(), c => sqlx::query_as("SELECT id_hash FROM staff_sessions")
        .fetch_all(c).await)
        .unwrap();
    assert_eq!(
        stored,
        [(sha256_hex(value.as_bytes()),)],
        "only the hash is stored"
    );

    let draft = t.get(DRAFT, Some(&cookie)).await;
    assert_eq!(draft.status, StatusCode::OK, "{}", draft.json);
    assert_eq!(draft.json["meta"]["status"], "draft");
    assert_eq!(draft.json["is_current"], false);
    assert!(draft.json["html"].as_str().unwrap().contains("极光推送"));

    let apps = t.get("/api/staff/apps", Some(&cookie)).await;
    assert_eq!(apps.status, StatusCode::OK, "{}", apps.json);
    let vchat = apps
        .json
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["app"]["id"] == "vchat")
        .unwrap();
    let versions: Vec<(&str, &str)> = vchat["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["version"].as_str().unwrap(),
                v["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        versions,
        [
            ("2019-06-01", "published"),
            ("2020-10-01", "published"),
            ("2026-12-15", "draft")
        ]
    );
    assert!(vchat["app_toml"]
        .as_str()
        .unwrap()
        .contains("id = \"vchat\""));
    // The public list still has no draft.
    let public = t.get("/api/apps/vchat/policies", None).await;
    assert_eq!(public.json["versions"].as_array().unwrap().len(), 2);

    // Sign out: the row is gone and the draft is a 404 again.
    t.sign_out("/api/staff/session", &cookie).await;
    assert_eq!(t.count("staff_sessions").await, 0);
    t.get(DRAFT, Some(&cookie))
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn source_is_the_raw_file_public_for_published_versions() {
    let tree = with_vchat_draft();
    let t = TestApp::new(tree.path()).await;
    let req = get("/api/apps/vchat/policies/2020-10-01/source", None);
    let res = t.send_text(req).await;
    assert_eq!(res.0, StatusCode::OK);
    assert_eq!(res.1, "text/markdown; charset=utf-8");
    let file = std::fs::read_to_string(repo_policies().join("vchat/2020-10-01.md")).unwrap();
    assert_eq!(res.2, file, "front matter included, byte for byte");
    let cookie = t.staff_cookie().await;
    let draft = t
        .send_text(get(&format!("{DRAFT}/source"), Some(&cookie)))
        .await;
    assert_eq!(draft.0, StatusCode::OK);
    assert!(
        draft.2.starts_with("+++\nversion = \"2026-12-15\""),
        "{}",
        draft.2
    );
}

#[tokio::test]
async fn a_wrong_credential_is_a_clear_401_and_starts_nothing() {
    let tree = with_vchat_draft();
    let t = TestApp::new(tree.path()).await;
    let res = t
        .send(staff_sign_in("not-the-credential", [10, 0, 0, 1]))
        .await;
    res.assert_error(StatusCode::UNAUTHORIZED, "invalid_credential");
    assert_eq!(res.json["message"], "the staff credential is not correct");
    assert!(!res.headers.contains_key(header::SET_COOKIE));
    assert_eq!(t.count("staff_sessions").await, 0);
    // Almost right is wrong too.
    let almost = format!("{}x", t.credential());
    t.send(staff_sign_in(&almost, [10, 0, 0, 1]))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "invalid_credential");
    t.send(post("/api/staff/session", "{\"credential\": 1}", None))
        .await
        .assert_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid");
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_per_client_then_globally() {
    let tree = with_vchat_draft();
    let t = TestApp::new(tree.path()).await;
    let a = [10, 0, 0, 1];
    for _ in 0..5 {
        t.send(staff_sign_in("wrong", a))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "invalid_credential");
    }
    // The sixth attempt from the same address is refused before the
    // credential is compared: even the right one.
    let res = t.send(staff_sign_in(&t.credential(), a)).await;
    res.assert_error(StatusCode::TOO_MANY_REQUESTS, "too_many_requests");
    let wait: u64 = res.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    assert_eq!(t.count("staff_sessions").await, 0);
    // Another address still gets in.
    let ok = t.send(staff_sign_in(&t.credential(), [10, 0, 0, 2])).await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT, "{}", ok.json);
    // Successful sign-ins do not count; failures from many addresses do.
    for i in 0..15u8 {
        t.send(staff_sign_in("wrong", [10, 0, 1, i]))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "invalid_credential");
    }
    t.send(staff_sign_in(&t.credential(), [10, 0, 2, 1]))
        .await
        .assert_error(StatusCode::TOO_MANY_REQUESTS, "too_many_requests");
}

#[tokio::test]
async fn https_makes_the_staff_cookie_host_prefixed_and_secure() {
    let tree = with_vchat_draft();
    let t = TestApp::with(tree.path(), |s| {
        s.public_url = "https://privacy.example".into()
    })
    .await;
    let req = https_post("/api/staff/session", &credential_body(&t.credential()));
    let res = t.send(req).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.json);
    let set = res.set_cookie();
    assert!(set.starts_with("__Host-pc_staff="), "{set}");
    assert!(
        set.contains("; Secure") && set.contains("; HttpOnly"),
        "{set}"
    );
    assert!(!set.contains("Domain"), "{set}");
    let draft = t.get(DRAFT, Some(&res.cookie())).await;
    assert_eq!(draft.status, StatusCode::OK);
    let value = res.cookie().split_once('=').unwrap().1.to_owned();
    t.get(DRAFT, Some(&format!("pc_staff={value}")))
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn cross_site_staff_requests_are_refused() {
    let tree = with_vchat_draft();
    let t = TestApp::new(tree.path()).await;
    let mut cross = staff_sign_in(&t.credential(), [127, 0, 0, 1]);
    cross
        .headers_mut()
        .insert(header::ORIGIN, "http://evil.example".parse().unwrap());
    t.send(cross)
        .await
        .assert_error(StatusCode::FORBIDDEN, "cross_site");
    assert_eq!(t.count("staff_sessions").await, 0);
    let cookie = t.staff_cookie().await;
    let mut logout = json_request(Method::DELETE, "/api/staff/session", "", Some(&cookie));
    logout
        .headers_mut()
        .insert("sec-fetch-site", "cross-site".parse().unwrap());
    t.send(logout)
        .await
        .assert_error(StatusCode::FORBIDDEN, "cross_site");
    assert_eq!(t.count("staff_sessions").await, 1);
}

#[tokio::test]
async fn the_cli_prints_the_credential_the_server_accepts() {
    let data = tempfile::tempdir().unwrap();
    let out = run_ok(
        Command::new(env!("CARGO_BIN_EXE_privacy-center"))
            .args(["staff-credential", "--data-dir"])
            .arg(data.path())
            .env_remove("PRIVACY_CENTER_STAFF_CREDENTIAL"),
    );
    let printed = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(printed.len() >= 32, "{printed}");
    let t = TestApp::on(&repo_policies(), data.path(), |_| {}).await;
    let res = t.send(staff_sign_in(&printed, [127, 0, 0, 1])).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.json);
}

/// Two real `serve` processes on one data directory (two API instances):
/// failures counted by one throttle the other, since they are rows of the
/// database, not memory of one process.
#[tokio::test]
async fn two_instances_count_the_same_failures() {
    use common::server::{request, Conn, Server};
    let data = tempfile::tempdir().unwrap();
    let a = Server::start(data.path(), &[]);
    let b = Server::start(data.path(), &[]);
    let attempt = |addr: String, credential: String| async move {
        let body = credential_body(&credential);
        let mut c = Conn::open(&addr).await.unwrap();
        c.send(request(
            Method::POST,
            &addr,
            "/api/staff/session",
            None,
            Some(&body),
        ))
        .await
        .unwrap()
        .status
    };
    for i in 0..5 {
        let addr = if i % 2 == 0 { &a.addr } else { &b.addr };
        assert_eq!(
            attempt(addr.clone(), "wrong".repeat(9)).await,
            StatusCode::UNAUTHORIZED
        );
    }
    let secret = String::from_utf8(
        run_ok(
            Command::new(common::server::BIN)
                .args(["staff-credential", "--data-dir"])
                .arg(data.path()),
        )
        .stdout,
    )
    .unwrap()
    .trim()
    .to_owned();
    // Both instances now refuse this client, even with the right credential.
    assert_eq!(
        attempt(a.addr.clone(), secret.clone()).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        attempt(b.addr.clone(), secret).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// Behind a trusted proxy (`--trusted-proxy`) the throttle counts the
/// client named by X-Forwarded-For, not the proxy; from anywhere else the
/// header is ignored.
#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_client_is_counted() {
    let t = TestApp::with(&repo_policies(), |s| {
        s.trusted_proxies = vec!["10.0.0.0/8".parse().unwrap()]
    })
    .await;
    let via_proxy = |credential: &str, client: &str| {
        let mut req = staff_sign_in(credential, [10, 0, 0, 2]);
        req.headers_mut()
            .insert("x-forwarded-for", client.parse().unwrap());
        req
    };
    for _ in 0..5 {
        t.send(via_proxy("wrong", "198.51.100.7"))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "invalid_credential");
    }
    t.send(via_proxy(&t.credential(), "198.51.100.7"))
        .await
        .assert_error(StatusCode::TOO_MANY_REQUESTS, "too_many_requests");
    // Another client behind the same proxy is not held back by the first.
    let ok = t.send(via_proxy(&t.credential(), "198.51.100.8")).await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT, "{}", ok.json);

    // Not from a trusted proxy: the header is the client's own claim.
    for _ in 0..5 {
        let mut req = staff_sign_in("wrong", [192, 0, 2, 1]);
        req.headers_mut()
            .insert("x-forwarded-for", "198.51.100.9".parse().unwrap());
        t.send(req).await;
    }
    let mut req = staff_sign_in(&t.credential(), [192, 0, 2, 1]);
    req.headers_mut()
        .insert("x-forwarded-for", "198.51.100.10".parse().unwrap());
    t.send(req)
        .await
        .assert_error(StatusCode::TOO_MANY_REQUESTS, "too_many_requests");
}
