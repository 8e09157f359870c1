//! Shared helpers for the API's integration tests: a real SQLite file in a
//! temporary directory, requests driven through `router()`.
#![allow(dead_code)]

pub mod pg;
pub mod server;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use privacy_center_api::catalog::Catalog;
use privacy_center_api::clock::now_secs;
use privacy_center_api::on_db;
use privacy_center_api::store::Store;
use privacy_center_api::{router, AppState, Settings};
use serde_json::Value;
use std::path::{Path, PathBuf};
use tower::ServiceExt;

/// The host every test request names; the server's own origin is `http://localhost`.
pub const HOST: &str = "localhost";

pub fn repo_policies() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies")
}

/// Copies the repository's policy tree so a test can add files to it.
pub fn copy_policies() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for app in std::fs::read_dir(repo_policies()).unwrap() {
        let app = app.unwrap().path();
        if !app.is_dir() {
            continue;
        }
        let target = dir.path().join(app.file_name().unwrap());
        std::fs::create_dir_all(&target).unwrap();
        for f in std::fs::read_dir(&app).unwrap() {
            let f = f.unwrap().path();
            std::fs::copy(&f, target.join(f.file_name().unwrap())).unwrap();
        }
    }
    dir
}

/// The time every test server's clock starts at (it runs on from there):
/// the repository's V聊 2026-12-15 is announced (published 2026-11-29) and
/// not in force yet, whatever the real date, so which version is current
/// does not depend on the day the tests run.
pub const TEST_NOW: &str = "2026-12-01T00:00:00Z";

/// Milliseconds since the epoch at an RFC 3339 time.
pub fn at(time: &str) -> i64 {
    privacy_center_api::clock::parse_rfc3339_ms(time).unwrap()
}

/// A copy of the repository's policy tree in which V聊's announced
/// 2026-12-15 is still a draft, for tests of what only staff may see.
pub fn with_vchat_draft() -> tempfile::TempDir {
    let dir = copy_policies();
    let path = dir.path().join("vchat/2026-12-15.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let draft = text
        .replace("status = \"published\"", "status = \"draft\"")
        .replace("published = 2026-11-29\neffective = 2026-12-15\n", "");
    assert_ne!(draft, text);
    std::fs::write(path, draft).unwrap();
    dir
}

/// Adds a second app, `other`, as a copy of `vchat`.
pub fn add_other_app(policies: &Path) {
    let target = policies.join("other");
    std::fs::create_dir_all(&target).unwrap();
    for f in std::fs::read_dir(policies.join("vchat")).unwrap() {
        let f = f.unwrap().path();
        let text = std::fs::read_to_string(&f).unwrap();
        let text = if f.file_name().unwrap() == "app.toml" {
            text.replace("id = \"vchat\"", "id = \"other\"")
        } else {
            text
        };
        std::fs::write(target.join(f.file_name().unwrap()), text).unwrap();
    }
}

/// Writes a newer published version of vchat's policy: the current
/// version's text with a new paragraph, so every section `app.toml` names
/// (switches, the two lists) is still a heading, as the checker requires.
pub fn add_vchat_version(policies: &Path, version: &str, material: bool, summary: &str) {
    let current = std::fs::read_to_string(repo_policies().join("vchat/2020-10-01.md")).unwrap();
    let body = current.splitn(3, "+++\n").nth(2).unwrap();
    std::fs::write(
        policies.join(format!("vchat/{version}.md")),
        format!(
            "+++\nversion = \"{version}\"\ntitle = \"V聊隐私政策\"\nstatus = \"published\"\n\
             published = {version}\neffective = {version}\nmaterial = {material}\n\
             summary = \"{summary}\"\n+++\n{body}\n新的内容。\n"
        ),
    )
    .unwrap();
}

/// Whether the in-process suites run on PostgreSQL (a throwaway cluster
/// of the test binary's own, [`pg::cluster`]):
/// `PRIVACY_CENTER_TEST_ENGINE=postgres`. SQLite otherwise.
pub fn on_postgres() -> bool {
    std::env::var("PRIVACY_CENTER_TEST_ENGINE").is_ok_and(|e| e == "postgres")
}

/// What the database answers the API's own connection that tries to change
/// or remove a ledger row: SQLite's append-only triggers, or on PostgreSQL
/// the missing privilege of the API's role (the triggers stand behind it).
pub fn ledger_refusal() -> &'static str {
    if on_postgres() {
        "permission denied for table consents"
    } else {
        "append-only"
    }
}

/// SQL for the text of field `key` of the JSON held in text column `column`.
pub fn json_text(column: &str, key: &str) -> String {
    if on_postgres() {
        format!("({column}::jsonb ->> '{key}')")
    } else {
        format!("json_extract({column}, '$.{key}')")
    }
}

/// On PostgreSQL, the database of the test whose data directory is `data`
/// (created and migrated on first use, the same one after a restart).
pub async fn test_database(data: &Path) -> Option<String> {
    if !on_postgres() {
        return None;
    }
    let file = data.join("test-database-url");
    if let Ok(url) = std::fs::read_to_string(&file) {
        return Some(url);
    }
    let url = pg::cluster().fresh_api_database().await;
    std::fs::create_dir_all(data).unwrap();
    std::fs::write(&file, &url).unwrap();
    Some(url)
}

/// Ends a test that works on the SQLite file itself (opens it raw, drops
/// its triggers) when the suites run on PostgreSQL, saying so.
#[macro_export]
macro_rules! sqlite_only {
    () => {
        if $crate::common::on_postgres() {
            eprintln!("works on the SQLite file itself: not run on PostgreSQL");
            return;
        }
    };
}

/// The `serve` / CLI arguments naming a test's database: `--database-url
/// URL` on PostgreSQL ([`test_database`]), none on SQLite.
pub fn database_args(url: &Option<String>) -> Vec<&str> {
    url.iter()
        .flat_map(|u| ["--database-url", u.as_str()])
        .collect()
}

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub data: PathBuf,
    /// The PostgreSQL database, when the suites run there ([`on_postgres`]).
    pub database_url: Option<String>,
    _data: Option<tempfile::TempDir>,
}

impl TestApp {
    pub async fn new(policies: &Path) -> TestApp {
        TestApp::with(policies, |_| {}).await
    }

    pub async fn with(policies: &Path, tweak: impl FnOnce(&mut Settings)) -> TestApp {
        let data = tempfile::tempdir().unwrap();
        let mut t = TestApp::on(policies, data.path(), tweak).await;
        t._data = Some(data);
        t
    }

    /// A server on an existing data directory (a restart).
    pub async fn on(policies: &Path, data: &Path, tweak: impl FnOnce(&mut Settings)) -> TestApp {
        let catalog = Catalog::load(policies).unwrap();
        let database_url = test_database(data).await;
        let store = Store::open_either(data, database_url.as_deref())
            .await
            .unwrap();
        store.archive_policy_texts(&catalog).await.unwrap();
        let mut settings = Settings::new(data);
        tweak(&mut settings);
        let state = AppState::new(catalog, store, settings).unwrap();
        state.clock.run_from(at(TEST_NOW));
        TestApp {
            router: router(state.clone(), None),
            state,
            data: data.to_owned(),
            database_url,
            _data: None,
        }
    }

    /// `privacy-center ledger verify` on this server's store: (exit 0,
    /// stdout and stderr).
    pub fn ledger_verify(&self) -> (bool, String) {
        server::ledger_verify(&self.data, self.database_url.as_deref())
    }

    /// The environment a `privacy-center` command run on this test's data
    /// directory needs: the database URL on PostgreSQL.
    pub fn cli_env(&self) -> Vec<(&'static str, String)> {
        self.database_url
            .iter()
            .map(|url| ("DATABASE_URL", url.clone()))
            .collect()
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            json,
        }
    }

    /// Sends a request whose answer is not JSON: (status, content type, body).
    pub async fn send_text(&self, req: Request<Body>) -> (StatusCode, String, String) {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let content_type = res
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            content_type,
            String::from_utf8(bytes.to_vec()).unwrap(),
        )
    }

    pub async fn get(&self, uri: &str, cookie: Option<&str>) -> Resp {
        self.send(get(uri, cookie)).await
    }

    pub async fn post(&self, uri: &str, body: &str, cookie: Option<&str>) -> Resp {
        self.send(post(uri, body, cookie)).await
    }

    /// `DELETE`s a session at `uri`; asserts 204 and that the cookie is cleared.
    pub async fn sign_out(&self, uri: &str, cookie: &str) {
        let out = self
            .send(json_request(Method::DELETE, uri, "", Some(cookie)))
            .await;
        assert_eq!(out.status, StatusCode::NO_CONTENT);
        assert!(
            out.set_cookie().contains("Max-Age=0"),
            "{}",
            out.set_cookie()
        );
    }

    /// Rows in a table.
    pub async fn count(&self, table: &str) -> i64 {
        on_db!(self.state.store.pool(), c => sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(c).await)
            .unwrap()
    }

    pub fn token(&self, app: &str, user: &str) -> String {
        self.state.keys.mint(app, user, 60, now_secs()).unwrap()
    }

    /// Signs in with a freshly minted token; returns the `Cookie` header value.
    pub async fn sign_in(&self, app: &str, user: &str) -> String {
        let body = serde_json::json!({ "token": self.token(app, user) }).to_string();
        let res = self.post("/api/session", &body, None).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
        res.cookie()
    }

    /// The current policy's (version, sha256) of vchat.
    pub async fn vchat_current(&self) -> (String, String) {
        let res = self.get("/api/apps/vchat/policies/current", None).await;
        (
            res.json["meta"]["version"].as_str().unwrap().to_owned(),
            res.json["meta"]["sha256"].as_str().unwrap().to_owned(),
        )
    }

    pub async fn accept_current(&self, cookie: &str) -> Resp {
        self.answer_current(cookie, "accept").await
    }

    /// Withdraws the standing acceptance.
    pub async fn withdraw(&self, cookie: &str) -> Resp {
        let body = serde_json::json!({ "action": "withdraw" }).to_string();
        self.post("/api/me/consents", &body, Some(cookie)).await
    }

    /// "Not now" for vchat's current version.
    pub async fn defer_current(&self, cookie: &str) -> Resp {
        self.answer_current(cookie, "defer").await
    }

    async fn answer_current(&self, cookie: &str, action: &str) -> Resp {
        let (version, sha256) = self.vchat_current().await;
        let body = serde_json::json!({ "version": version, "sha256": sha256, "action": action })
            .to_string();
        self.post("/api/me/consents", &body, Some(cookie)).await
    }

    /// `GET /api/internal/apps/{app}/users/{user}/status` with the app's service token.
    pub async fn internal_status(&self, app: &str, user: &str) -> Resp {
        let token = self.state.keys.service_token(app).unwrap();
        let req = Request::builder()
            .uri(format!("/api/internal/apps/{app}/users/{user}/status"))
            .header(header::HOST, HOST)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }
}

pub fn get(uri: &str, cookie: Option<&str>) -> Request<Body> {
    let mut b = Request::builder()
        .method(Method::GET)
        .uri(uri)
        .header(header::HOST, HOST);
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::empty()).unwrap()
}

/// A same-origin JSON POST as the SPA sends it.
pub fn post(uri: &str, body: &str, cookie: Option<&str>) -> Request<Body> {
    json_request(Method::POST, uri, body, cookie)
}

pub fn json_request(method: Method, uri: &str, body: &str, cookie: Option<&str>) -> Request<Body> {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, body.len())
        .header("sec-fetch-site", "same-origin")
        .header(header::ORIGIN, format!("http://{HOST}"));
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::from(body.to_owned())).unwrap()
}

/// A same-origin JSON POST to a server whose public URL is `https://privacy.example`.
pub fn https_post(uri: &str, body: &str) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::HOST, "privacy.example")
        .header(header::ORIGIN, "https://privacy.example")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub json: Value,
}

impl Resp {
    /// `name=value` of the Set-Cookie header, ready to send back.
    pub fn cookie(&self) -> String {
        self.set_cookie().split(';').next().unwrap().to_owned()
    }

    pub fn set_cookie(&self) -> String {
        self.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .to_owned()
    }

    /// Asserts the error shape and code.
    #[track_caller]
    pub fn assert_error(&self, status: StatusCode, code: &str) {
        assert_eq!(self.status, status, "{}", self.json);
        assert_eq!(self.json["code"], code, "{}", self.json);
        assert!(
            !self.json["message"].as_str().unwrap_or_default().is_empty(),
            "{}",
            self.json
        );
        assert!(self.json["fields"].is_object(), "{}", self.json);
    }
}
