//! Findings of the security review (issue #11, "Hardening"): connection time
//! limits on the real binary, answers that must not be cached, long path
//! segments, the public origin, HSTS, token ids and the staff throttle.

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use common::server::Server;
use common::*;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{timeout, Instant};

/// Reads until the server closes the connection; `Err` with what arrived if
/// it is still open after `within`.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> Result<Vec<u8>, Vec<u8>> {
    let deadline = Instant::now() + within;
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match timeout(
            deadline.saturating_duration_since(Instant::now()),
            stream.read(&mut buf),
        )
        .await
        {
            Err(_) => return Err(got),
            Ok(Ok(0) | Err(_)) => return Ok(got),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// The binary on a fresh data directory with these limits, in seconds.
fn limited(header: u32, idle: u32, body: u32, max_connections: u32) -> (Server, tempfile::TempDir) {
    let data = tempfile::tempdir().unwrap();
    let flags = [
        ("--header-timeout-secs", header),
        ("--idle-timeout-secs", idle),
        ("--body-timeout-secs", body),
        ("--max-connections", max_connections),
    ];
    let args: Vec<String> = flags
        .iter()
        .flat_map(|(flag, v)| [flag.to_string(), v.to_string()])
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    (Server::start(data.path(), &args), data)
}

/// Sends `GET /api/health` on `s` (kept alive).
async fn ask_health(s: &mut TcpStream, addr: &str) {
    let req = format!("GET /api/health HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
}

/// What the server sends before closing `s`, which it must do within the
/// `limit_secs` being tested plus a 3 s margin.
async fn answer_then_close(s: &mut TcpStream, limit_secs: u64) -> String {
    let got = read_until_closed(s, Duration::from_secs(limit_secs + 3))
        .await
        .unwrap_or_else(|got| panic!("still open; got {:?}", String::from_utf8_lossy(&got)));
    String::from_utf8_lossy(&got).into_owned()
}

/// One request on a fresh connection, `Connection: close`; the whole answer.
async fn get_once(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let got = read_until_closed(&mut s, Duration::from_secs(10))
        .await
        .expect("answered and closed");
    String::from_utf8_lossy(&got).into_owned()
}

#[tokio::test]
async fn a_client_that_stops_mid_request_is_cut_off_while_others_are_served() {
    let (server, _data) = limited(1, 60, 30, 1024);
    let mut silent = TcpStream::connect(&server.addr).await.unwrap();
    let mut half = TcpStream::connect(&server.addr).await.unwrap();
    half.write_all(b"GET /api/health HT").await.unwrap();

    let answer = get_once(&server.addr, "/api/health").await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    // Header timeout 1 s, plus a generous margin.
    for (name, stream) in [("silent", &mut silent), ("half-sent", &mut half)] {
        let got = read_until_closed(stream, Duration::from_secs(4)).await;
        assert!(got.is_ok(), "the {name} connection is still open");
    }
}

#[tokio::test]
async fn a_request_head_sent_a_byte_at_a_time_is_cut_off_at_the_header_timeout() {
    let (server, _data) = limited(1, 60, 30, 1024);
    let stream = TcpStream::connect(&server.addr).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    // Keeps sending header bytes (the idle timeout never fires) for 10 s at most.
    let trickle = tokio::spawn(async move {
        let head = format!("GET /api/health HTTP/1.1\r\nX-Slow: {}", "a".repeat(100));
        for b in head.bytes() {
            if write.write_all(&[b]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let mut got = Vec::new();
    let closed = timeout(Duration::from_secs(4), read.read_to_end(&mut got)).await;
    trickle.abort();
    assert!(closed.is_ok(), "still open after the header timeout + 3 s");
    assert!(
        !got.starts_with(b"HTTP/1.1 200"),
        "served a trickled request"
    );
}

#[tokio::test]
async fn a_request_body_that_stalls_is_answered_and_closed() {
    let (server, _data) = limited(60, 60, 1, 1024);
    let mut s = TcpStream::connect(&server.addr).await.unwrap();
    let head = format!(
        "POST /api/session HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Content-Length: 100\r\n\r\n{{\"token\"",
        server.addr
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let got = answer_then_close(&mut s, 1).await;
    assert!(got.starts_with("HTTP/1.1 400"), "{got}");
}

#[tokio::test]
async fn a_stop_signal_still_ends_the_server_with_idle_connections_open() {
    let data = tempfile::tempdir().unwrap();
    let mut server = Server::start(data.path(), &[]);
    let mut idle = TcpStream::connect(&server.addr).await.unwrap();
    ask_health(&mut idle, &server.addr).await;
    let mut buf = [0u8; 12];
    timeout(Duration::from_secs(10), idle.read_exact(&mut buf))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(&buf, b"HTTP/1.1 200");
    let _silent = TcpStream::connect(&server.addr).await.unwrap();
    assert!(
        server.terminate(Duration::from_secs(5)),
        "still running 5 s after SIGTERM"
    );
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    // The header timeout is long, so only the idle timeout can close it.
    let (server, _data) = limited(60, 1, 30, 1024);
    let mut s = TcpStream::connect(&server.addr).await.unwrap();
    ask_health(&mut s, &server.addr).await;
    let got = answer_then_close(&mut s, 1).await;
    assert!(got.starts_with("HTTP/1.1 200"), "answered first: {got}");
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_until_one_closes() {
    let (server, _data) = limited(2, 60, 30, 2);
    let _a = TcpStream::connect(&server.addr).await.unwrap();
    let _b = TcpStream::connect(&server.addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let start = Instant::now();
    // Waits in the backlog until the silent ones are cut off (2 s), then served.
    let answer = timeout(
        Duration::from_secs(10),
        get_once(&server.addr, "/api/health"),
    )
    .await
    .expect("served once a slot frees");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        start.elapsed() >= Duration::from_millis(1000),
        "served at once although both slots were taken"
    );
}

// ---- Personal answers are never cached ----

/// A draft (seen by staff only) in the tree of `with_vchat_draft`.
const DRAFT: &str = "/api/apps/vchat/policies/2026-12-15";

impl TestApp {
    /// Signs in as staff from `client`; returns the `Cookie` header value.
    async fn staff_cookie_from(&self, client: [u8; 4]) -> String {
        let res = self
            .send(staff_sign_in(self.state.staff.credential.secret(), client))
            .await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.json);
        res.cookie()
    }
}

/// A staff sign-in as the browser at `client` sends it.
fn staff_sign_in(credential: &str, client: [u8; 4]) -> Request<Body> {
    let body = serde_json::json!({ "credential": credential }).to_string();
    let mut req = post("/api/staff/session", &body, None);
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((client, 40_000))));
    req
}

fn cache_control(res: &Resp) -> &str {
    res.headers
        .get(header::CACHE_CONTROL)
        .map_or("", |v| v.to_str().unwrap())
}

fn varies_on_cookie(res: &Resp) -> bool {
    res.headers
        .get_all(header::VARY)
        .iter()
        .any(|v| v.to_str().unwrap().to_ascii_lowercase().contains("cookie"))
}

#[tokio::test]
async fn answers_that_depend_on_who_asks_are_never_stored() {
    let tree = with_vchat_draft();
    let t = TestApp::new(tree.path()).await;
    let user = t.sign_in("vchat", "cache-user").await;
    let staff = t.staff_cookie_from([127, 0, 0, 1]).await;
    let personal = [
        ("/api/me", Some(&user)),
        ("/api/me", None),
        ("/api/me/consents", Some(&user)),
        ("/api/me/export", Some(&user)),
        ("/api/session", Some(&user)),
        ("/api/session", None),
        ("/api/staff/apps", Some(&staff)),
        ("/api/staff/apps", None),
        (DRAFT, Some(&staff)),
        ("/api/apps/vchat/policies/2026-12-15/source", Some(&staff)),
        ("/api/apps/vchat/policies/current", Some(&staff)),
    ];
    for (path, cookie) in personal {
        let res = t.get(path, cookie.map(String::as_str)).await;
        assert_eq!(cache_control(&res), "no-store", "{path} {cookie:?}");
        assert!(varies_on_cookie(&res), "{path} {cookie:?}");
    }
    let res = t.internal_status("vchat", "cache-user").await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(cache_control(&res), "no-store", "internal status");

    // Public policy answers keep their caching, keyed on the cookie.
    for cookie in [None, Some(user.as_str())] {
        for path in [
            "/api/apps",
            "/api/apps/vchat/policies",
            "/api/apps/vchat/policies/current",
        ] {
            let res = t.get(path, cookie).await;
            assert_eq!(res.status, StatusCode::OK, "{path}");
            assert_ne!(cache_control(&res), "no-store", "{path} {cookie:?}");
            assert!(varies_on_cookie(&res), "{path}");
        }
    }
}

// ---- Paths a user can type never answer 500 ----

#[tokio::test]
async fn long_path_segments_answer_the_shell_or_404_never_500() {
    let dist = tempfile::tempdir().unwrap();
    let shell = "<html><head><script type=\"module\">start()</script></head></html>";
    std::fs::write(dist.path().join("index.html"), shell).unwrap();
    let preview = dist.path().join("preview");
    std::fs::create_dir(&preview).unwrap();
    std::fs::write(preview.join("index.html"), shell).unwrap();
    let spa = privacy_center_api::web::Spa::load(dist.path()).unwrap();
    let t = TestApp::new(&repo_policies()).await;
    let app = privacy_center_api::router(t.state.clone(), Some(spa));
    for n in [255, 256, 1000] {
        let name = "a".repeat(n);
        for (path, want) in [
            (format!("/{name}"), StatusCode::OK),
            (format!("/preview/{name}"), StatusCode::OK),
            (format!("/{name}.js"), StatusCode::NOT_FOUND),
            (format!("/x/{name}.js"), StatusCode::NOT_FOUND),
        ] {
            let res = tower::ServiceExt::oneshot(app.clone(), get(&path, None))
                .await
                .unwrap();
            assert_eq!(res.status(), want, "{n} characters: {}", &path[..12]);
        }
    }
}

// ---- The configured public origin: Host, Origin and HSTS ----

/// A server configured with `--public-url https://privacy.example`.
async fn behind_public_url() -> TestApp {
    TestApp::with(&repo_policies(), |s| {
        s.public_url = "https://privacy.example/".into();
        s.pin_origin = true;
    })
    .await
}

/// A sign-in attempt (a token that is not one) naming `host` and, if given, `origin`.
fn sign_in_at(host: &str, origin: Option<&str>) -> Request<Body> {
    let mut b = Request::builder()
        .method("POST")
        .uri("/api/session")
        .header(header::HOST, host)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(o) = origin {
        b = b.header(header::ORIGIN, o);
    }
    b.body(Body::from(r#"{"token":"x.y"}"#)).unwrap()
}

#[tokio::test]
async fn state_changing_requests_must_name_the_configured_origin() {
    let t = behind_public_url().await;
    t.send(sign_in_at(
        "privacy.example",
        Some("https://privacy.example"),
    ))
    .await
    .assert_error(StatusCode::UNAUTHORIZED, "token_invalid");
    t.send(sign_in_at("PRIVACY.example", None))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "token_invalid");
    for (host, origin) in [
        // Origin agrees with Host, but neither is the configured origin.
        ("evil.example", Some("https://evil.example")),
        ("evil.example", None),
        ("privacy.example", Some("https://evil.example")),
        ("privacy.example", Some("http://privacy.example")),
    ] {
        let res = t.send(sign_in_at(host, origin)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{host} {origin:?}");
        res.assert_error(StatusCode::FORBIDDEN, "cross_site");
    }
    // Reading is not refused for another Host.
    let res = t.send(get("/api/health", None)).await;
    assert_eq!(res.status, StatusCode::OK);
}

#[tokio::test]
async fn https_answers_carry_hsts_and_http_ones_do_not() {
    let t = behind_public_url().await;
    for path in ["/api/health", "/api/nothing-here"] {
        let res = t.get(path, None).await;
        assert_eq!(
            res.headers[header::STRICT_TRANSPORT_SECURITY],
            "max-age=63072000; includeSubDomains",
            "{path}"
        );
    }
    let plain = TestApp::new(&repo_policies()).await;
    let res = plain.get("/api/health", None).await;
    assert!(!res.headers.contains_key(header::STRICT_TRANSPORT_SECURITY));
}

// ---- The staff sign-in throttle cannot lock the team out ----

#[tokio::test]
async fn a_flood_of_wrong_guesses_does_not_lock_out_a_team_member_with_a_session() {
    let t = TestApp::new(&repo_policies()).await;
    let member = t.staff_cookie_from([10, 9, 9, 9]).await;
    let with_cookie = |client: [u8; 4], credential: &str, cookie: &str| {
        let mut req = staff_sign_in(credential, client);
        req.headers_mut()
            .insert(header::COOKIE, cookie.parse().unwrap());
        req
    };
    // 20 wrong guesses from four addresses use up the global limit.
    for i in 0..20u8 {
        t.send(staff_sign_in("wrong", [10, 0, 0, i % 4]))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "invalid_credential");
    }
    let secret = t.state.staff.credential.secret().to_owned();
    t.send(staff_sign_in(&secret, [10, 9, 9, 8]))
        .await
        .assert_error(StatusCode::TOO_MANY_REQUESTS, "too_many_requests");
    // The team member with a live staff session signs in again.
    let res = t.send(with_cookie([10, 9, 9, 9], &secret, &member)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.json);
    // A staff cookie does not lift an address's own limit.
    let guesser = [10, 0, 0, 1];
    let res = t.send(with_cookie(guesser, &secret, &res.cookie())).await;
    res.assert_error(StatusCode::TOO_MANY_REQUESTS, "too_many_requests");
}
