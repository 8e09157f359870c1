//! The real `privacy-center` binary in its own process, and a small HTTP/1.1
//! client for it: used by the tests that need a socket (CLI, kill -9) and by
//! the load benchmark (`benches/load.rs` includes this file by path).
#![allow(dead_code)]

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::{HeaderMap, Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};

/// The binary under test (debug under `cargo test`, release under `cargo bench`).
pub const BIN: &str = env!("CARGO_BIN_EXE_privacy-center");

/// A year the repository's holiday files cover (`policies/holidays/`):
/// `policy check` asks for the current year's arrangement, so tests of the
/// shipped tree pin this one to pass in any year.
pub const CALENDAR_YEAR: &str = "2026";

/// `privacy-center policy check DIR` for [`CALENDAR_YEAR`].
pub fn policy_check(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(["policy", "check", "--year", CALENDAR_YEAR])
        .arg(dir);
    cmd
}

/// The repository's policy tree.
pub fn policies() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies")
}

/// A running `privacy-center serve`.
pub struct Server {
    child: Child,
    /// Kept open so the server can still write to its stdout.
    _stdout: BufReader<ChildStdout>,
    /// `127.0.0.1:port`.
    pub addr: String,
}

impl Server {
    /// Starts `serve` on a free loopback port with `data_dir`, the
    /// repository's policies, no SPA and `extra` arguments; returns once it
    /// has printed the address it listens on.
    pub fn start(data_dir: &Path, extra: &[&str]) -> Server {
        Server::start_with(data_dir, extra, Stdio::null())
    }

    /// [`Server::start`] with the server's stderr (its log) sent to `stderr`.
    pub fn start_with(data_dir: &Path, extra: &[&str], stderr: impl Into<Stdio>) -> Server {
        Server::start_on(&policies(), data_dir, extra, stderr)
    }

    /// [`Server::start_with`] serving the policy tree at `policies`.
    pub fn start_on(
        policies: &Path,
        data_dir: &Path,
        extra: &[&str],
        stderr: impl Into<Stdio>,
    ) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--addr", "127.0.0.1:0", "--dist", "/nonexistent"])
            .arg("--data-dir")
            .arg(data_dir)
            .arg("--policies")
            .arg(policies)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let url = line.trim().rsplit(' ').next().unwrap_or_default();
        assert!(url.starts_with("http://127.0.0.1:"), "server said {line:?}");
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        Server {
            child,
            _stdout: stdout,
            addr,
        }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGHUP (reload the policy tree).
    pub fn hang_up(&self) {
        let sent = Command::new("kill")
            .args(["-HUP", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    }

    /// `kill -9`: SIGKILL (what `Child::kill` sends on Unix), then reaps it.
    pub fn kill9(mut self) {
        self.stop();
    }

    /// Sends SIGTERM (a graceful stop); whether the process exited within `within`.
    pub fn terminate(&mut self, within: std::time::Duration) -> bool {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        self.exit_within(within).is_some()
    }

    /// How the process ended, if it ends within `within`.
    pub fn exit_within(&mut self, within: std::time::Duration) -> Option<std::process::ExitStatus> {
        let deadline = std::time::Instant::now() + within;
        while std::time::Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        None
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Runs a command that must succeed (the test fails with its stderr
/// otherwise) and returns what it printed.
pub fn run_ok(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `privacy-center ledger verify` on the store of `data` (the PostgreSQL
/// database at `database_url` when given): (exit 0, stdout and stderr).
pub fn ledger_verify(data: &Path, database_url: Option<&str>) -> (bool, String) {
    let out = Command::new(BIN)
        .args(["ledger", "verify", "--data-dir"])
        .arg(data)
        .args(database_url.iter().flat_map(|u| ["--database-url", u]))
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// Runs `privacy-center token` as a host app's backend would mint: the
/// token alone, signed with the keys in `data_dir`.
pub fn mint_token(data_dir: &Path, app: &str, user: &str) -> String {
    let out = run_ok(
        Command::new(BIN)
            .args(["token", "--app", app, "--user", user, "--data-dir"])
            .arg(data_dir)
            .arg("--policies")
            .arg(policies()),
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// One keep-alive HTTP/1.1 connection.
pub struct Conn {
    sender: SendRequest<Full<Bytes>>,
    addr: String,
}

/// An answer: status, headers, body.
pub struct Answer {
    /// Status code.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// Whole body.
    pub body: Bytes,
}

impl Answer {
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// `name=value` of the Set-Cookie header.
    pub fn cookie(&self) -> String {
        let set = self.headers[hyper::header::SET_COOKIE].to_str().unwrap();
        set.split(';').next().unwrap().to_owned()
    }
}

/// Any failure to get an answer: refused connection, reset, closed mid-response.
pub type NoAnswer = Box<dyn std::error::Error + Send + Sync>;

impl Conn {
    /// Opens a connection; its I/O runs on a task of the current runtime.
    pub async fn open(addr: &str) -> Result<Conn, NoAnswer> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(Conn {
            sender,
            addr: addr.to_owned(),
        })
    }

    /// Sends a request built by [`request`] and reads the whole answer.
    pub async fn send(&mut self, req: Request<Full<Bytes>>) -> Result<Answer, NoAnswer> {
        self.sender.ready().await?;
        let res = self.sender.send_request(req).await?;
        let (parts, body) = res.into_parts();
        let body = body.collect().await?.to_bytes();
        Ok(Answer {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    }

    /// Exchanges a handoff token for a session (`POST /api/session` with
    /// `body`, e.g. `{"token": …}`) and returns the session cookie.
    pub async fn sign_in(&mut self, body: serde_json::Value) -> String {
        let addr = self.addr.clone();
        let body = body.to_string();
        let a = self
            .send(request(
                Method::POST,
                &addr,
                "/api/session",
                None,
                Some(&body),
            ))
            .await
            .unwrap();
        assert_eq!(
            a.status,
            StatusCode::CREATED,
            "{}",
            String::from_utf8_lossy(&a.body)
        );
        a.cookie()
    }

    /// The `host:port` this connection goes to.
    pub fn addr(&self) -> &str {
        &self.addr
    }
}

/// A request as the SPA sends it to `addr`: same-origin headers, the session
/// cookie when given, and a JSON body when given.
pub fn request(
    method: Method,
    addr: &str,
    path: &str,
    cookie: Option<&str>,
    json: Option<&str>,
) -> Request<Full<Bytes>> {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(hyper::header::HOST, addr);
    if let Some(c) = cookie {
        b = b.header(hyper::header::COOKIE, c);
    }
    let body = match json {
        Some(j) => {
            b = b
                .header(hyper::header::CONTENT_TYPE, "application/json")
                .header("sec-fetch-site", "same-origin")
                .header(hyper::header::ORIGIN, format!("http://{addr}"));
            Bytes::copy_from_slice(j.as_bytes())
        }
        None => Bytes::new(),
    };
    b.body(Full::new(body)).unwrap()
}

/// Sends one request on a fresh connection.
pub async fn call(
    addr: &str,
    method: Method,
    path: &str,
    cookie: Option<&str>,
    body: Option<&str>,
) -> Answer {
    let mut c = Conn::open(addr).await.unwrap();
    c.send(request(method, addr, path, cookie, body))
        .await
        .unwrap()
}

/// What the host app's status API says of `user`'s account.
pub async fn account_state(addr: &str, data: &std::path::Path, user: &str) -> serde_json::Value {
    let keys = privacy_center_api::identity::Keys::load(data, ["vchat"]).unwrap();
    let mut c = Conn::open(addr).await.unwrap();
    let mut req = request(
        Method::GET,
        addr,
        &format!("/api/internal/apps/vchat/users/{user}/status"),
        None,
        None,
    );
    let bearer = format!("Bearer {}", keys.service_token("vchat").unwrap());
    req.headers_mut()
        .insert(hyper::header::AUTHORIZATION, bearer.parse().unwrap());
    let a = c.send(req).await.unwrap();
    assert_eq!(a.status, StatusCode::OK);
    a.json()["account"]["state"].clone()
}
