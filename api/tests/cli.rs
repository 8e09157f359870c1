//! The `privacy-center` binary as an operator runs it.

mod common;

use common::server::{policy_check, run_ok, Server, BIN};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;

fn policies() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies")
}

#[test]
fn policy_check_passes_on_the_repository_tree() {
    let out = run_ok(&mut policy_check(&policies()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("no problems"), "{stdout}");
    assert!(!stdout.contains("warning"), "{stdout}");
}

#[test]
fn policy_check_asks_for_the_holiday_arrangement_of_the_year_it_checks() {
    // `--year` lets an operator ask ahead: is the tree ready for next year?
    let check_in = |year: &str| {
        Command::new(BIN)
            .args(["policy", "check", "--year", year])
            .arg(policies())
            .output()
            .unwrap()
    };
    let err = check_in("2999");
    assert_eq!(err.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&err.stderr);
    assert!(
        stderr.contains("holidays/cn-2999.toml: missing: the holiday arrangement of 2999"),
        "{stderr}"
    );
    let bad = check_in("26");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--year"));
}

#[test]
fn policy_check_warns_about_a_permission_section_but_passes() {
    let dir = common::copy_policies();
    let toml = dir.path().join("vchat/app.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let broken = text.replacen(
        "section = \"安卓操作系统应用权限列表\"",
        "section = \"不存在的章节\"",
        1,
    );
    assert_ne!(broken, text);
    std::fs::write(&toml, broken).unwrap();
    let out = run_ok(&mut policy_check(dir.path()));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("warning: vchat/app.toml:") && stdout.contains("\"不存在的章节\""),
        "{stdout}"
    );
    assert!(stdout.contains("no problems, 1 warning(s)"), "{stdout}");
}

#[test]
fn policy_check_fails_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("demo")).unwrap();
    std::fs::write(
        dir.path().join("demo/app.toml"),
        "id = \"demo\"\nname = 3\n",
    )
    .unwrap();
    let err = check_fails(dir.path());
    assert!(err.contains("demo/app.toml:2: app.toml: "), "{err}");
}

/// Runs `policy check` on a tree that must fail; answers its stderr.
fn check_fails(dir: &Path) -> String {
    let out = policy_check(dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn policy_check_refuses_a_cooling_off_that_cannot_finish_in_time() {
    let dir = common::copy_policies();
    let app_toml = dir.path().join("weimeng/app.toml");
    let text = std::fs::read_to_string(&app_toml).unwrap();
    std::fs::write(
        &app_toml,
        text.replace("cooling_off_days = 3", "cooling_off_days = 21"),
    )
    .unwrap();
    let err = check_fails(dir.path());
    assert!(
        err.contains(
            "weimeng/app.toml: [cancellation] cooling_off_days: a cooling-off of 21 days \
             cannot finish within 15 working days"
        ),
        "{err}"
    );
    // Without the current year's holiday arrangement the tree is incomplete:
    // the check fails, but a server still loads it (counting Monday to
    // Friday) rather than take every policy down over a calendar file.
    let dir = common::copy_policies();
    std::fs::remove_dir_all(dir.path().join("holidays")).unwrap();
    assert!(check_fails(dir.path()).contains(".toml: missing"));
    let served = privacy_center_api::catalog::Catalog::load(dir.path()).unwrap();
    assert!(served
        .missing_holidays()
        .unwrap()
        .contains("count Monday to Friday"));
    assert!(served
        .warnings()
        .iter()
        .any(|w| w.contains(".toml: missing")));
}

#[test]
fn serve_creates_the_database_and_answers_real_http() {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(&data.path().join("nested"), &[]);
    let addr = server.addr.clone();
    let response = http(
        &addr,
        &format!("GET /api/health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    );
    drop(server);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"database\":true"), "{response}");
    assert!(data.path().join("nested/privacy-center.sqlite3").is_file());
}

#[test]
fn serve_refuses_to_start_on_a_broken_policy_tree() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .arg("--policies")
        .arg(dir.path().join("missing"))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing"));
}

fn run_token(args: &[&str], data: &Path) -> String {
    let out = run_ok(
        Command::new(BIN)
            .arg("token")
            .args(args)
            .arg("--data-dir")
            .arg(data)
            .arg("--policies")
            .arg(policies()),
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "the token alone: {stdout}");
    stdout.trim().to_owned()
}

fn http(addr: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn cli_tokens_are_accepted_by_a_server_on_the_same_data_dir() {
    let data = tempfile::tempdir().unwrap();
    // The CLI runs first and generates the keys the server then uses.
    let token = run_token(&["--app", "vchat", "--user", "cli-user"], data.path());
    assert_eq!(token.matches('.').count(), 1, "{token}");
    let service = run_token(&["--service", "--app", "vchat"], data.path());
    assert_eq!(service.len(), 64, "{service}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for f in ["vchat.key", "vchat.service"] {
            let mode = std::fs::metadata(data.path().join("keys").join(f))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{f}");
        }
    }

    let server = Server::start(data.path(), &[]);
    let addr = server.addr.clone();

    let body = format!("{{\"token\":\"{token}\",\"channel\":\"webview\"}}");
    let response = http(
        &addr,
        &format!(
            "POST /api/session HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");
    assert!(response.contains("set-cookie: pc_session="), "{response}");
    assert!(response.contains("\"user\":\"cli-user\""), "{response}");
    // A second token minted while the server runs works too.
    let again = run_token(
        &["--app", "vchat", "--user", "cli-user", "--ttl-secs", "120"],
        data.path(),
    );
    let body = format!("{{\"token\":\"{again}\"}}");
    let response = http(
        &addr,
        &format!(
            "POST /api/session HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");

    let status = http(
        &addr,
        &format!(
            "GET /api/internal/apps/vchat/users/cli-user/status HTTP/1.1\r\nHost: {addr}\r\n\
             Authorization: Bearer {service}\r\nConnection: close\r\n\r\n"
        ),
    );
    drop(server);
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    assert!(status.contains("\"consent\":\"never\""), "{status}");
}

#[test]
fn token_refuses_bad_arguments_and_documents_itself() {
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(BIN)
            .arg("token")
            .args(args)
            .arg("--data-dir")
            .arg(data.path())
            .arg("--policies")
            .arg(policies())
            .output()
            .unwrap()
    };
    for args in [
        &["--app", "vchat", "--user", "u", "--ttl-secs", "121"][..],
        &["--app", "nope", "--user", "u"],
        &["--app", "vchat", "--user", "has space"],
        &["--app", "vchat"],
    ] {
        let out = run(args);
        assert!(!out.status.success(), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let help = Command::new(BIN)
        .args(["token", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for word in ["--app", "--user", "--service", "--ttl-secs", "--data-dir"] {
        assert!(help.contains(word), "{help}");
    }
    let help = Command::new(BIN)
        .args(["ledger", "verify", "--help"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("--data-dir"));
    let help = Command::new(BIN)
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("--public-url") && help.contains("--ledger-batch"),
        "{help}"
    );
}

#[test]
fn ledger_verify_needs_an_existing_database() {
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["ledger", "verify", "--data-dir"])
        .arg(data.path().join("missing"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no database"));
    assert!(!data.path().join("missing").exists());
}

#[test]
fn policy_import_turns_raw_text_into_a_file_the_checker_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let app_dir = dir.path().join("vchat");
    std::fs::create_dir(&app_dir).unwrap();
    std::fs::copy(policies().join("vchat/app.toml"), app_dir.join("app.toml")).unwrap();
    std::fs::create_dir(dir.path().join("holidays")).unwrap();
    for f in std::fs::read_dir(policies().join("holidays")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, dir.path().join("holidays").join(f.file_name().unwrap())).unwrap();
    }
    let raw = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/vchat-raw.txt");
    run_ok(
        Command::new(BIN)
            .args(["policy", "import", "--app", "vchat", "--out"])
            .arg(app_dir.join("2020-10-01.md"))
            .arg("--policies")
            .arg(dir.path())
            .arg(&raw),
    );
    let file = std::fs::read_to_string(app_dir.join("2020-10-01.md")).unwrap();
    assert!(
        file.contains("version = \"2020-10-01\""),
        "the version comes from 更新日期"
    );
    assert!(file.contains("title = \"V聊隐私政策\""), "{}", &file[..300]);
    assert!(file.contains("## 一、我们收集的信息"));
    // An imported file is a draft: the tree still needs a published version.
    let check = policy_check(dir.path()).output().unwrap();
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stderr).contains("vchat: no published version"));
    std::fs::write(
        app_dir.join("2020-10-01.md"),
        file.replace(
            "status = \"draft\"",
            "status = \"published\"\neffective = 2020-10-01",
        ),
    )
    .unwrap();
    run_ok(&mut policy_check(dir.path()));
}

#[test]
fn policy_import_refuses_bad_input_clearly() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes, expected) in [
        ("empty.txt", &b"  \n"[..], "empty"),
        ("image.png", &b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"[..], "binary"),
        ("latin1.txt", &b"caf\xe9 policy"[..], "UTF-8"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = Command::new(BIN)
            .args(["policy", "import", "--app", "vchat"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(name) && err.contains(expected),
            "{name}: {err}"
        );
        assert!(out.stdout.is_empty(), "{name}: nothing is written on error");
    }
}
