//! A running server reloads its policy tree (SIGHUP, `--watch-policies`)
//! without a restart, refuses a broken tree whole, and tells the product
//! team why; `policy publish` turns a draft into a published version.

mod common;

use common::server::{policy_check, request, run_ok, Conn, Server, BIN};
use hyper::{Method, StatusCode};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The published version the tests break and then change.
const FILE: &str = "vchat/2020-10-01.md";
/// A sentence no policy holds, added to the current version.
const ADDED: &str = "本段为重新加载测试新增的说明。";

/// A server on its own copy of the policy tree, with a staff session.
struct Running {
    server: Server,
    conn: Conn,
    staff: String,
    policies: tempfile::TempDir,
    data: tempfile::TempDir,
}

impl Running {
    async fn start(extra: &[&str]) -> Running {
        let policies = common::with_vchat_draft();
        let data = tempfile::tempdir().unwrap();
        let log = std::fs::File::create(data.path().join("server.log")).unwrap();
        let server = Server::start_on(policies.path(), data.path(), extra, log);
        let mut conn = Conn::open(&server.addr).await.unwrap();
        let out = run_ok(
            Command::new(BIN)
                .args(["staff-credential", "--data-dir"])
                .arg(data.path()),
        );
        let credential = String::from_utf8(out.stdout).unwrap().trim().to_owned();
        let body = json!({ "credential": credential }).to_string();
        let addr = server.addr.clone();
        let a = conn
            .send(request(
                Method::POST,
                &addr,
                "/api/staff/session",
                None,
                Some(&body),
            ))
            .await
            .unwrap();
        assert_eq!(a.status, StatusCode::NO_CONTENT);
        let staff = a.cookie();
        Running {
            server,
            conn,
            staff,
            policies,
            data,
        }
    }

    async fn get(&mut self, path: &str, cookie: Option<&str>) -> Value {
        let addr = self.server.addr.clone();
        let a = self
            .conn
            .send(request(Method::GET, &addr, path, cookie, None))
            .await
            .unwrap();
        assert_eq!(a.status, StatusCode::OK, "{path}");
        a.json()
    }

    /// `GET /api/staff/policies/reload`.
    async fn status(&mut self) -> Value {
        let cookie = self.staff.clone();
        self.get("/api/staff/policies/reload", Some(&cookie)).await
    }

    /// The reload status once `done` holds of it (within 20 s).
    async fn wait_for(&mut self, what: &str, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let status = self.status().await;
            if done(&status) {
                return status;
            }
            assert!(Instant::now() < deadline, "{what}: still {status}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The current version of V聊 as the public reads it.
    async fn current(&mut self) -> Value {
        self.get("/api/apps/vchat/policies/current", None).await
    }

    fn path(&self, relative: &str) -> std::path::PathBuf {
        self.policies.path().join(relative)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.data.path().join("server.log")).unwrap()
    }

    /// Breaks [`FILE`]'s front matter on line 4; returns its text before.
    fn break_file(&self) -> String {
        let path = self.path(FILE);
        let text = std::fs::read_to_string(&path).unwrap();
        let broken = text.replacen("status = \"published\"", "status = \"publishd\"", 1);
        assert_ne!(broken, text);
        std::fs::write(&path, broken).unwrap();
        text
    }

    /// Restores [`FILE`] with [`ADDED`] at the end of its text.
    fn fix_file(&self, text: &str) {
        std::fs::write(self.path(FILE), format!("{}\n{ADDED}\n", text.trim_end())).unwrap();
    }

    /// Whether the store archived the text with this hash.
    async fn archived(&self, sha256: &str) -> bool {
        let store = privacy_center_api::store::Store::open(self.data.path())
            .await
            .unwrap();
        store.policy_text(sha256).await.unwrap().is_some()
    }
}

fn refused(status: &Value) -> Option<Vec<String>> {
    status["refused"]["problems"].as_array().map(|p| {
        p.iter()
            .map(|s| s.as_str().unwrap_or_default().to_owned())
            .collect()
    })
}

/// Asserts that the last reload was refused with a problem starting `prefix`.
fn assert_refused(status: &Value, prefix: &str) {
    let problems = refused(status).expect("the reload is refused");
    assert!(
        problems.iter().any(|p| p.starts_with(prefix)),
        "{prefix}: {problems:?}"
    );
}

#[tokio::test]
async fn sighup_refuses_a_broken_tree_whole_and_serves_the_fixed_one() {
    let mut s = Running::start(&[]).await;
    let before = s.current().await;
    assert_eq!(s.status().await["loaded_by"], "start");

    let text = s.break_file();
    s.server.hang_up();
    let status = s
        .wait_for("the refused reload", |v| v["attempts"] == 1)
        .await;
    assert_refused(&status, "vchat/2020-10-01.md:4:");
    assert_eq!(status["refused"]["trigger"], "signal");
    assert_eq!(status["loaded_by"], "start");
    // The old tree keeps serving, and the operator's log names the line.
    assert_eq!(s.current().await, before);
    assert!(
        s.log()
            .contains("policy reload refused: vchat/2020-10-01.md:4:"),
        "{}",
        s.log()
    );

    s.fix_file(&text);
    s.server.hang_up();
    let status = s.wait_for("the reload", |v| v["attempts"] == 2).await;
    assert_eq!(status["refused"], Value::Null, "{status}");
    assert_eq!(status["loaded_by"], "signal");
    let after = s.current().await;
    assert!(after["html"].as_str().unwrap().contains(ADDED));
    let sha = after["meta"]["sha256"].as_str().unwrap();
    assert_ne!(sha, before["meta"]["sha256"].as_str().unwrap());
    assert!(
        s.archived(sha).await,
        "the new text is archived by its hash"
    );

    // A new app needs keys the server loads at start-up: refused, saying so.
    let new_app = s.path("newapp");
    std::fs::create_dir(&new_app).unwrap();
    for f in std::fs::read_dir(s.path("weimeng")).unwrap() {
        let f = f.unwrap().path();
        let text = std::fs::read_to_string(&f).unwrap();
        let text = text.replace("id = \"weimeng\"", "id = \"newapp\"");
        std::fs::write(new_app.join(f.file_name().unwrap()), text).unwrap();
    }
    s.server.hang_up();
    let status = s.wait_for("the refused app", |v| v["attempts"] == 3).await;
    assert_refused(&status, "newapp/app.toml: a new app needs a restart");
    assert_eq!(s.current().await, after);
}

#[tokio::test]
async fn watched_files_reload_by_themselves() {
    let mut s = Running::start(&["--watch-policies"]).await;
    let before = s.current().await;

    let text = s.break_file();
    let status = s
        .wait_for("the refused reload", |v| refused(v).is_some())
        .await;
    assert_eq!(status["refused"]["trigger"], "watch");
    assert_refused(&status, "vchat/2020-10-01.md:4:");
    assert_eq!(s.current().await, before);

    s.fix_file(&text);
    let status = s
        .wait_for("the reload", |v| {
            v["loaded_by"] == "watch" && v["refused"].is_null()
        })
        .await;
    assert!(status["attempts"].as_u64().unwrap() >= 2);
    let after = s.current().await;
    assert!(after["html"].as_str().unwrap().contains(ADDED));
    assert!(s.archived(after["meta"]["sha256"].as_str().unwrap()).await);

    // `policy publish` on the watched tree: the draft becomes current.
    run_ok(
        publish(s.policies.path(), "2026-12-15", "2026-11-25").args(["--published", "2026-11-20"]),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while s.current().await["meta"]["version"] != "2026-12-15" {
        assert!(Instant::now() < deadline, "{}", s.status().await);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `policy publish --app vchat --version V --effective E` on `policies`.
fn publish(policies: &Path, version: &str, effective: &str) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(["policy", "publish", "--app", "vchat", "--version", version])
        .args(["--effective", effective, "--policies"])
        .arg(policies);
    cmd
}

/// The body of a policy file: everything after the closing `+++` line.
fn body(text: &str) -> &str {
    let end = text[4..].find("\n+++\n").unwrap() + 4 + 5;
    &text[end..]
}

#[test]
fn publish_turns_the_draft_into_the_current_version_and_refuses_the_rest() {
    let dir = common::with_vchat_draft();
    let draft_path = dir.path().join("vchat/2026-12-15.md");
    let draft = std::fs::read_to_string(&draft_path).unwrap();
    let unchanged = |why: &str| {
        assert_eq!(
            std::fs::read_to_string(&draft_path).unwrap(),
            draft,
            "{why}: the file is untouched"
        );
    };
    let refusal = |cmd: &mut Command| {
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8(out.stderr).unwrap()
    };

    // Effective before published: the checker refuses the result.
    let err = refusal(
        publish(dir.path(), "2026-12-15", "2026-11-01").args(["--published", "2026-11-20"]),
    );
    assert!(
        err.contains("vchat/2026-12-15.md was not changed")
            && err.contains("effective 2026-11-01 is before published 2026-11-20"),
        "{err}"
    );
    unchanged("a tree that would fail the check");
    let err = refusal(&mut publish(dir.path(), "2027-01-01", "2027-01-01"));
    assert!(err.contains("vchat has no version \"2027-01-01\""), "{err}");
    let err = refusal(&mut publish(dir.path(), "2020-10-01", "2020-10-01"));
    assert!(err.contains("already published"), "{err}");
    unchanged("refusals");

    run_ok(publish(dir.path(), "2026-12-15", "2026-11-25").args(["--published", "2026-11-20"]));
    let published = std::fs::read_to_string(&draft_path).unwrap();
    assert_eq!(body(&published), body(&draft), "the body is byte-identical");
    let changed: Vec<&str> = published
        .lines()
        .filter(|l| !draft.lines().any(|d| d == *l))
        .collect();
    assert_eq!(
        changed,
        [
            "status = \"published\"",
            "published = 2026-11-20",
            "effective = 2026-11-25"
        ]
    );
    assert_eq!(published.lines().count(), draft.lines().count() + 2);
    let out = run_ok(&mut policy_check(dir.path()));
    assert!(String::from_utf8_lossy(&out.stdout).contains("no problems"));

    let err = refusal(&mut publish(dir.path(), "2026-12-15", "2026-12-20"));
    assert!(err.contains("\"2026-12-15\" is already published"), "{err}");
    assert_eq!(std::fs::read_to_string(&draft_path).unwrap(), published);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("vchat"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Without `--published`, the day is today in the app's `time_zone` (the
/// day its schedule is read on): the same draft published at the same
/// moment for an app in Kiritimati (UTC+14) and one in Pago Pago (UTC−11),
/// which never share a date, gets two dates.
#[test]
fn publish_dates_it_today_in_the_apps_time_zone() {
    let today = |zone: &str| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap();
        let now = jiff::Timestamp::from_millisecond(now.as_millis() as i64).unwrap();
        jiff::tz::TimeZone::get(zone)
            .unwrap()
            .to_datetime(now)
            .date()
            .to_string()
    };
    let published_in = |zone: &str| {
        let dir = common::with_vchat_draft();
        let app_toml = dir.path().join("vchat/app.toml");
        let config = std::fs::read_to_string(&app_toml).unwrap();
        std::fs::write(&app_toml, format!("time_zone = \"{zone}\"\n{config}")).unwrap();
        let before = today(zone);
        run_ok(&mut publish(dir.path(), "2026-12-15", "2099-01-01"));
        let after = today(zone);
        let text = std::fs::read_to_string(dir.path().join("vchat/2026-12-15.md")).unwrap();
        let published = text
            .lines()
            .find_map(|l| l.strip_prefix("published = "))
            .unwrap()
            .to_owned();
        assert!(
            published == before || published == after,
            "published {published}, today in {zone} {before}"
        );
        published
    };
    assert_ne!(
        published_in("Pacific/Kiritimati"),
        published_in("Pacific/Pago_Pago")
    );
}
