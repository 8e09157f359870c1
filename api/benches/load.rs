//! Load benchmark for issue #5: durable consent writes and `GET /api/me`
//! against the real release binary in its own process, over loopback HTTP.
//!
//! `cargo bench -p privacy-center-api --bench load` runs, in one process and
//! one sitting:
//!
//! 1. consent writes (`POST /api/me/consents`, synchronous=FULL) with group
//!    commit (the default `--ledger-batch`) and with `--ledger-batch 1`
//!    (one commit per request): the most acknowledged writes/s with many
//!    connections sending back to back, then an open-loop run at a fixed
//!    3,000 writes/s;
//! 2. latency at a fixed 1,000 writes/s, open loop, each request timed from
//!    the moment it was *scheduled* to be sent (so a stalled server cannot
//!    hide its stall by delaying the next send: no coordinated omission):
//!    once on the warmed-up server ("steady") and once right after the
//!    saturation runs ("after burst"), with the WAL's size after each;
//! 3. `GET /api/me` against a bare axum endpoint serving the same JSON from
//!    a separate tiny process (this bench binary re-run with `--bare-server`);
//! 4. settings writes (`PUT /api/me/push`, each one a real change: state,
//!    history row and feed row in one transaction) beside consent writes,
//!    on the same server, alternating, back to back and at 1,000/s.
//!
//! 5. teen-mode password checks (`POST /api/me/teen-mode/off` with a wrong
//!    code: one Argon2id each) at fixed rates beside `GET /api/me` at a
//!    fixed 200/s, to find how many checks per second the server takes
//!    before `/api/me` latency doubles. Every user sends at most 4 codes,
//!    so the throttle never stops a code before the hash.
//!
//! 6. the keyed ledger's cost (issue #12): consent writes with each row's
//!    MAC and the signed checkpoints every 2 s (the default) against a
//!    server started with `--ledger-unsealed` (neither), in alternating
//!    rounds on fresh data directories: back to back, and open loop at
//!    1,000/s.
//!
//! 7. the store's engines (issue #13): consent writes on SQLite with one
//!    instance, on PostgreSQL with one instance and with two instances on
//!    one database (connections split between them), back to back and open
//!    loop at 1,000/s, with the CPU of the instances and of the database.
//!
//! Environment: `LOAD_ONLY` (`writes`, `me`, `settings`, `pin`, `seal` or `engines`: one part only),
//! `LOAD_SECS` (default 5) per measurement, `LOAD_CONNS`
//! (default 64) connections for the saturation runs, `LOAD_THREADS`
//! (default 1) generator threads. It prints what it measures and the CPU
//! time the server and the generator each used, since on a 2-core machine
//! they compete. `LOAD_PG_STATEMENTS=1` also prints, for each saturation
//! run on PostgreSQL, the statements the database spent its time on
//! (`pg_stat_statements`, wall time, so it includes waits).

#[path = "../tests/common/pg.rs"]
#[allow(dead_code)]
mod pg;
#[path = "../tests/common/server.rs"]
mod server;

use hdrhistogram::Histogram;
use hyper::{Method, StatusCode};
use server::{request, Conn, Server};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const USERS: usize = 256;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--bare-server") {
        bare_server(&args[2]);
        return;
    }
    let threads: usize = env_or("LOAD_THREADS", 1);
    let rt = if threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
    }
    .unwrap();
    rt.block_on(run(threads));
}

/// What one request looks like, per connection.
#[derive(Clone)]
struct Shape {
    method: Method,
    path: &'static str,
    cookie: Option<String>,
    /// Sent in turn, the `i`-th request the `i % len`-th (none: no body).
    bodies: Vec<Arc<str>>,
    want: StatusCode,
}

impl Shape {
    fn build(
        &self,
        addr: &str,
        i: u64,
    ) -> hyper::Request<http_body_util::Full<hyper::body::Bytes>> {
        let body =
            (!self.bodies.is_empty()).then(|| self.bodies[i as usize % self.bodies.len()].as_ref());
        request(
            self.method.clone(),
            addr,
            self.path,
            self.cookie.as_deref(),
            body,
        )
    }
}

/// Outcome of one measurement.
struct Run {
    ok: u64,
    failed: u64,
    secs: f64,
    hist: Histogram<u64>,
    server_cpu: f64,
    own_cpu: f64,
    /// Cores the database server (PostgreSQL: the postmaster and its
    /// backends) used; 0 for SQLite, which runs inside the server.
    db_cpu: f64,
}

impl Run {
    fn rate(&self) -> f64 {
        self.ok as f64 / self.secs
    }

    fn ms(&self, q: f64) -> f64 {
        self.hist.value_at_quantile(q) as f64 / 1000.0
    }

    fn line(&self, what: &str) {
        println!(
            "{what:<44} {:>8.0}/s  ok {:>7}  failed {:>4}  p50 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms  \
             cpu: server {:.2} cores ({:.0} µs/request), generator {:.2} cores",
            self.rate(),
            self.ok,
            self.failed,
            self.ms(0.5),
            self.ms(0.99),
            self.hist.max() as f64 / 1000.0,
            self.server_cpu,
            self.server_cpu * 1e6 / self.rate().max(1.0),
            self.own_cpu,
        );
        if self.db_cpu > 0.0 {
            println!(
                "{:<44} database {:.2} cores ({:.0} µs/request); server + database {:.0} µs/request",
                "",
                self.db_cpu,
                self.db_cpu * 1e6 / self.rate().max(1.0),
                (self.server_cpu + self.db_cpu) * 1e6 / self.rate().max(1.0),
            );
        }
    }
}

/// CPU seconds a process and its children (PostgreSQL's postmaster and
/// backends) have used so far: `root` and every process whose parent it is.
fn tree_cpu_secs(root: u32) -> f64 {
    let mut total = cpu_secs(root);
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
        // Field 4 (after the name and state) is the parent's pid.
        if rest.split_whitespace().nth(1) == Some(&root.to_string()) {
            total += cpu_secs(pid);
        }
    }
    total
}

/// CPU seconds (user + system) a process has used so far.
fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    ticks / 100.0
}

/// fsyncs per second of a small file in `dir` (what a commit costs the disk).
fn fsyncs_per_sec(dir: &Path) -> f64 {
    use std::io::Write;
    let path = dir.join("fsync-probe");
    let mut f = std::fs::File::create(&path).unwrap();
    let started = Instant::now();
    let mut n = 0;
    while started.elapsed() < Duration::from_millis(500) {
        f.write_all(b"x").unwrap();
        f.sync_all().unwrap();
        n += 1;
    }
    let _ = std::fs::remove_file(&path);
    n as f64 / started.elapsed().as_secs_f64()
}

/// Size of the database's write-ahead log in MB (0 when there is none).
fn wal_mb(data: &Path) -> f64 {
    let wal = data.join(format!("{}-wal", privacy_center_api::store::DB_FILE));
    std::fs::metadata(wal).map_or(0.0, |m| m.len() as f64 / 1e6)
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// `rate` = None: every connection sends back to back (closed loop, for the
/// most a server can do). `rate` = Some(r): open loop at r requests/s spread
/// over the connections; each request is timed from its scheduled send time.
async fn measure(
    addr: &str,
    server_pid: u32,
    shapes: &[Shape],
    rate: Option<f64>,
    secs: f64,
) -> Run {
    measure_on(&[addr], &[server_pid], None, shapes, rate, secs).await
}

/// [`measure`] over several instances: connection k goes to `addrs[k % n]`;
/// the server CPU is every instance's, and the database's (the process tree
/// under `db_pid`) is counted apart.
async fn measure_on(
    addrs: &[&str],
    server_pids: &[u32],
    db_pid: Option<u32>,
    shapes: &[Shape],
    rate: Option<f64>,
    secs: f64,
) -> Run {
    let conns = shapes.len();
    let mut opened = Vec::with_capacity(conns);
    for k in 0..conns {
        opened.push(Conn::open(addrs[k % addrs.len()]).await.unwrap());
    }
    let servers_cpu = || server_pids.iter().map(|p| cpu_secs(*p)).sum::<f64>();
    let db_cpu = || db_pid.map_or(0.0, tree_cpu_secs);
    let (server0, own0, db0) = (servers_cpu(), cpu_secs(std::process::id()), db_cpu());
    let start = Instant::now() + Duration::from_millis(20);
    let end = start + Duration::from_secs_f64(secs);
    let mut tasks = tokio::task::JoinSet::new();
    for (k, (mut conn, shape)) in opened.into_iter().zip(shapes.iter().cloned()).enumerate() {
        let addr = conn.addr().to_owned();
        tasks.spawn(async move {
            let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).unwrap();
            let (mut ok, mut failed) = (0u64, 0u64);
            let mut i = 0u64;
            tokio::time::sleep_until(start.into()).await;
            loop {
                let scheduled = match rate {
                    Some(r) => {
                        let at = start
                            + Duration::from_secs_f64((k as u64 + i * conns as u64) as f64 / r);
                        if at >= end {
                            break;
                        }
                        tokio::time::sleep_until(at.into()).await;
                        at
                    }
                    None => {
                        let now = Instant::now();
                        if now >= end {
                            break;
                        }
                        now
                    }
                };
                i += 1;
                match conn.send(shape.build(&addr, i)).await {
                    Ok(a) if a.status == shape.want => {
                        ok += 1;
                        let us = scheduled.elapsed().as_micros() as u64;
                        hist.saturating_record(us.max(1));
                    }
                    Ok(_) | Err(_) => failed += 1,
                }
            }
            (hist, ok, failed)
        });
    }
    let mut hist = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).unwrap();
    let (mut ok, mut failed) = (0, 0);
    while let Some(done) = tasks.join_next().await {
        let (h, o, f) = done.unwrap();
        hist.add(h).unwrap();
        ok += o;
        failed += f;
    }
    let secs = start.elapsed().as_secs_f64();
    Run {
        ok,
        failed,
        secs,
        hist,
        server_cpu: (servers_cpu() - server0) / secs,
        own_cpu: (cpu_secs(std::process::id()) - own0) / secs,
        db_cpu: (db_cpu() - db0) / secs,
    }
}

/// Signs `n` users of vchat in with tokens minted by the server's own keys
/// (what `privacy-center token` does); returns their cookies.
async fn sign_in(addr: &str, data: &Path, n: usize) -> Vec<String> {
    let keys = privacy_center_api::identity::Keys::load(data, ["vchat"]).unwrap();
    let now = privacy_center_api::clock::now_secs();
    let mut conn = Conn::open(addr).await.unwrap();
    let mut cookies = Vec::with_capacity(n);
    for i in 0..n {
        let token = keys.mint("vchat", &format!("load-{i}"), 60, now).unwrap();
        cookies.push(conn.sign_in(serde_json::json!({ "token": token })).await);
    }
    cookies
}

/// The body of a request accepting the app's current version, as
/// `GET /api/me` names it.
async fn accept_current(addr: &str, cookie: &str) -> Arc<str> {
    let me = get_me(addr, cookie).await;
    serde_json::json!({
        "version": me["current"]["version"],
        "sha256": me["current"]["sha256"],
    })
    .to_string()
    .into()
}

async fn get_me(addr: &str, cookie: &str) -> serde_json::Value {
    let mut conn = Conn::open(addr).await.unwrap();
    let a = conn
        .send(request(Method::GET, addr, "/api/me", Some(cookie), None))
        .await
        .unwrap();
    assert_eq!(a.status, StatusCode::OK);
    a.json()
}

fn consent_shapes(cookies: &[String], body: &Arc<str>, conns: usize) -> Vec<Shape> {
    (0..conns)
        .map(|k| Shape {
            method: Method::POST,
            path: "/api/me/consents",
            cookie: Some(cookies[k % cookies.len()].clone()),
            bodies: vec![body.clone()],
            want: StatusCode::CREATED,
        })
        .collect()
}

/// One connection per user (so no two change one user's settings at
/// once), each turning a push category off and on in turn: every request
/// is a real change, recorded in the history and the feed.
fn settings_shapes(cookies: &[String], conns: usize) -> Vec<Shape> {
    let flip = |on: bool| -> Arc<str> {
        serde_json::json!({"enabled": true, "categories": {"message_push": on}})
            .to_string()
            .into()
    };
    (0..conns.min(cookies.len()))
        .map(|k| Shape {
            method: Method::PUT,
            path: "/api/me/push",
            cookie: Some(cookies[k].clone()),
            bodies: vec![flip(false), flip(true)],
            want: StatusCode::OK,
        })
        .collect()
}

/// Settings writes beside consent writes, on one server, in turns, so the
/// two figures share the machine's state.
async fn settings_writes(secs: f64, conns: usize) {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &[]);
    let cookies = sign_in(&server.addr, data.path(), USERS).await;
    let body = accept_current(&server.addr, &cookies[0]).await;
    let pid = server.pid();
    println!(
        "settings beside consents: server pid {pid}, disk {:.0} fsyncs/s, load average {}",
        fsyncs_per_sec(data.path()),
        loadavg()
    );
    let consents = consent_shapes(&cookies, &body, conns);
    let settings = settings_shapes(&cookies, conns);
    measure(&server.addr, pid, &settings, None, 1.0).await;
    let (mut c, mut s) = (Vec::new(), Vec::new());
    for round in 1..=2 {
        let run = measure(&server.addr, pid, &settings, None, secs).await;
        run.line(&format!("settings writes, {conns} conns, round {round}"));
        s.push(run.rate());
        let run = measure(&server.addr, pid, &consents, None, secs).await;
        run.line(&format!("consent writes, {conns} conns, round {round}"));
        c.push(run.rate());
    }
    measure(
        &server.addr,
        pid,
        &settings_shapes(&cookies, 100),
        Some(1000.0),
        secs.max(10.0),
    )
    .await
    .line("settings writes, open loop 1000/s");
    let (s, c) = (s.iter().sum::<f64>() / 2.0, c.iter().sum::<f64>() / 2.0);
    println!(
        "settings writes / consent writes = {s:.0}/s / {c:.0}/s = {:.0} %",
        100.0 * s / c
    );
    drop(server);
}

async fn consent_writes(batch: Option<usize>, secs: f64, conns: usize) {
    let data = tempfile::tempdir().unwrap();
    let batch_arg = batch.map(|b| b.to_string());
    let mut args = vec![];
    if let Some(b) = &batch_arg {
        args.extend(["--ledger-batch", b.as_str()]);
    }
    let server = Server::start(data.path(), &args);
    let label = match batch {
        Some(b) => format!("--ledger-batch {b}"),
        None => "group commit (default batch)".to_owned(),
    };
    let cookies = sign_in(&server.addr, data.path(), USERS).await;
    let body = accept_current(&server.addr, &cookies[0]).await;
    let pid = server.pid();
    println!(
        "{label}: server pid {pid}, disk {:.0} fsyncs/s, load average {}",
        fsyncs_per_sec(data.path()),
        loadavg()
    );
    // Warm up (page cache, connection pool, allocator).
    measure(
        &server.addr,
        pid,
        &consent_shapes(&cookies, &body, conns),
        None,
        1.0,
    )
    .await;
    let wal = || wal_mb(data.path());
    // Open loop at a fixed rate, with enough connections (rate / 10) that
    // one slow answer does not hold back the schedule. 1,000/s comes first,
    // on a server in its steady state, and again right after the
    // saturation runs, to show what a burst leaves behind.
    let fixed = |rate: f64, when: &'static str| {
        let (addr, cookies, body, label) = (&server.addr, &cookies, &body, &label);
        async move {
            measure(
                addr,
                pid,
                &consent_shapes(cookies, body, (rate / 10.0) as usize),
                Some(rate),
                secs.max(10.0),
            )
            .await
            .line(&format!("writes, open loop {rate:.0}/s{when}, {label}"));
            println!("  WAL after: {:.1} MB", wal());
        }
    };
    fixed(1000.0, " steady").await;
    measure(
        &server.addr,
        pid,
        &consent_shapes(&cookies, &body, conns),
        None,
        secs,
    )
    .await
    .line(&format!("writes, {conns} conns back to back, {label}"));
    if batch.is_none() {
        // More connections, bigger groups: the headroom of group commit.
        let many = conns * 4;
        measure(
            &server.addr,
            pid,
            &consent_shapes(&cookies, &body, many),
            None,
            secs,
        )
        .await
        .line(&format!("writes, {many} conns back to back, {label}"));
    }
    println!("  WAL after: {:.1} MB", wal());
    fixed(1000.0, " after burst").await;
    fixed(3000.0, "").await;
    drop(server);
}

/// Consent writes with the keyed chain and checkpoints against without, in
/// alternating rounds (each on a fresh data directory and server), so both
/// see the same machine.
async fn seal_cost(secs: f64, conns: usize) {
    let mut rates: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    for round in 1..=2 {
        for (i, (label, args)) in [
            ("keyed chain + checkpoints", &[][..]),
            ("unsealed", &["--ledger-unsealed"][..]),
        ]
        .into_iter()
        .enumerate()
        {
            let data = tempfile::tempdir().unwrap();
            let server = Server::start(data.path(), args);
            let cookies = sign_in(&server.addr, data.path(), USERS).await;
            let body = accept_current(&server.addr, &cookies[0]).await;
            let pid = server.pid();
            let shapes = consent_shapes(&cookies, &body, conns);
            measure(&server.addr, pid, &shapes, None, 1.0).await;
            let run = measure(&server.addr, pid, &shapes, None, secs).await;
            run.line(&format!(
                "writes, {conns} conns back to back, {label}, round {round}"
            ));
            rates[i].push(run.rate());
            measure(
                &server.addr,
                pid,
                &consent_shapes(&cookies, &body, 100),
                Some(1000.0),
                secs.max(10.0),
            )
            .await
            .line(&format!("writes, open loop 1000/s, {label}, round {round}"));
            let checkpoints = std::fs::read_to_string(data.path().join("checkpoints.log"))
                .map_or(0, |l| l.lines().count());
            println!("  checkpoints written: {checkpoints}");
            drop(server);
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (sealed, unsealed) = (mean(&rates[0]), mean(&rates[1]));
    println!(
        "keyed / unsealed back to back = {sealed:.0}/s / {unsealed:.0}/s = {:.1} % lost",
        100.0 * (1.0 - sealed / unsealed)
    );
}

/// Consent writes on each store (issue #13), one after the other on the
/// same machine: SQLite with one instance, PostgreSQL (a throwaway cluster
/// of Debian's PostgreSQL 15, `synchronous_commit=on`) with one instance
/// and with two sharing the database and the data directory, the
/// connections split between them as a load balancer would. Back to back
/// on `conns` connections, then open loop at 1,000/s.
async fn engine_writes(secs: f64, conns: usize) {
    let cluster = pg::cluster();
    let postmaster: u32 = std::fs::read_to_string(cluster.dir.join("postmaster.pid"))
        .ok()
        .and_then(|t| t.lines().next().and_then(|l| l.trim().parse().ok()))
        .expect("the cluster's postmaster.pid");
    for (label, instances) in [
        ("SQLite, 1 instance", 0),
        ("PostgreSQL, 1 instance", 1),
        ("PostgreSQL, 2 instances", 2),
    ] {
        let data = tempfile::tempdir().unwrap();
        let url = if instances > 0 {
            Some(cluster.fresh_api_database().await)
        } else {
            None
        };
        let args: Vec<&str> = url
            .iter()
            .flat_map(|u| ["--database-url", u.as_str()])
            .collect();
        let servers: Vec<Server> = (0..instances.max(1))
            .map(|_| Server::start(data.path(), &args))
            .collect();
        let addrs: Vec<&str> = servers.iter().map(|s| s.addr.as_str()).collect();
        let pids: Vec<u32> = servers.iter().map(Server::pid).collect();
        let db = url.is_some().then_some(postmaster);
        let cookies = sign_in(addrs[0], data.path(), USERS).await;
        let body = accept_current(addrs[0], &cookies[0]).await;
        println!("{label}: load average {}", loadavg());
        let shapes = consent_shapes(&cookies, &body, conns);
        measure_on(&addrs, &pids, db, &shapes, None, 1.0).await;
        let statements = instances > 0 && pg::statement_stats();
        if statements {
            cluster.psql(
                "postgres",
                "CREATE EXTENSION IF NOT EXISTS pg_stat_statements",
            );
            cluster.psql("postgres", "SELECT pg_stat_statements_reset()");
        }
        measure_on(&addrs, &pids, db, &shapes, None, secs)
            .await
            .line(&format!("writes, {conns} conns back to back, {label}"));
        if statements {
            println!("the database's statements (calls | ms in all | µs a call | rows | text):");
            println!(
                "{}",
                cluster.psql(
                    "postgres",
                    "SELECT calls, round(total_exec_time::numeric, 1), \
                     round((total_exec_time / calls * 1000)::numeric, 1), rows, \
                     left(regexp_replace(query, '\\s+', ' ', 'g'), 100) \
                     FROM pg_stat_statements WHERE calls > 10 \
                     ORDER BY total_exec_time DESC LIMIT 8"
                )
            );
        }
        measure_on(
            &addrs,
            &pids,
            db,
            &consent_shapes(&cookies, &body, 100),
            Some(1000.0),
            secs.max(10.0),
        )
        .await
        .line(&format!("writes, open loop 1000/s, {label}"));
        drop(servers);
    }
}

/// A tiny axum server answering `GET /api/me` with a fixed JSON value (read
/// from `json_file`), serialised per request as ours is; prints its address
/// like `privacy-center serve` does.
fn bare_server(json_file: &str) {
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json_file).unwrap()).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async move {
        let app = axum::Router::new().route(
            "/api/me",
            axum::routing::get(move || {
                let v = value.clone();
                async move { axum::Json(v) }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("bare server at http://{}/", listener.local_addr().unwrap());
        axum::serve(listener, app).await.unwrap();
    });
}

struct Bare {
    child: Child,
    addr: String,
}

impl Drop for Bare {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_bare(json_file: &Path) -> Bare {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .arg("--bare-server")
        .arg(json_file)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .rsplit(' ')
        .next()
        .unwrap()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    Bare { child, addr }
}

async fn me_vs_bare(secs: f64, conns: usize) {
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &[]);
    let cookies = sign_in(&server.addr, data.path(), USERS).await;
    // Half the users have consented, so both branches of the verdict run.
    let body = accept_current(&server.addr, &cookies[0]).await;
    let half = consent_shapes(&cookies[..USERS / 2], &body, USERS / 2);
    let mut conn = Conn::open(&server.addr).await.unwrap();
    for s in &half {
        assert_eq!(
            conn.send(s.build(&server.addr, 0)).await.unwrap().status,
            StatusCode::CREATED
        );
    }
    let sample = get_me(&server.addr, &cookies[0]).await;
    let json_file = data.path().join("me.json");
    std::fs::write(&json_file, sample.to_string()).unwrap();
    let bare = start_bare(&json_file);
    let me_shapes: Vec<Shape> = (0..conns)
        .map(|k| Shape {
            method: Method::GET,
            path: "/api/me",
            cookie: Some(cookies[k % cookies.len()].clone()),
            bodies: vec![],
            want: StatusCode::OK,
        })
        .collect();
    let bare_shapes: Vec<Shape> = (0..conns)
        .map(|_| Shape {
            method: Method::GET,
            path: "/api/me",
            cookie: None,
            bodies: vec![],
            want: StatusCode::OK,
        })
        .collect();
    let bare_pid = bare.child.id();
    println!(
        "GET /api/me: server pid {}, bare server pid {bare_pid}, load average {}",
        server.pid(),
        loadavg()
    );
    measure(&server.addr, server.pid(), &me_shapes, None, 1.0).await;
    measure(&bare.addr, bare_pid, &bare_shapes, None, 1.0).await;
    // Alternate in short rounds, so drift in the machine's load hits both alike.
    let rounds = 4;
    let round_secs = (secs * 2.0 / rounds as f64).max(1.0);
    let (mut ours, mut theirs, mut ratios) = (0.0, 0.0, Vec::new());
    for round in 1..=rounds {
        let a = measure(&server.addr, server.pid(), &me_shapes, None, round_secs).await;
        a.line(&format!("GET /api/me, {conns} conns, round {round}"));
        let b = measure(&bare.addr, bare_pid, &bare_shapes, None, round_secs).await;
        b.line(&format!("bare axum JSON, {conns} conns, round {round}"));
        ours += a.rate();
        theirs += b.rate();
        ratios.push(a.rate() / b.rate());
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "GET /api/me / bare axum = {:.0}/s / {:.0}/s = {:.0} % (rounds: {})",
        ours / rounds as f64,
        theirs / rounds as f64,
        100.0 * ours / theirs,
        ratios
            .iter()
            .map(|r| format!("{:.0} %", 100.0 * r))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

/// The teen-mode password every `pin_beside_me` user set, and the wrong one sent.
const PIN: &str = "5830";
const WRONG_PIN: &str = "3807";

/// `GET /api/me` at a fixed 200/s, alone and beside password checks at
/// fixed rates; each rate's checks come from users of their own, at most
/// four codes each (a fifth would lock and skip the hash).
async fn pin_beside_me(secs: f64) {
    const ME_RATE: f64 = 200.0;
    const RATES: [f64; 6] = [10.0, 20.0, 40.0, 60.0, 80.0, 100.0];
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(data.path(), &[]);
    let per_rate: Vec<usize> = RATES
        .iter()
        .map(|r| (r * secs / 4.0).ceil() as usize)
        .collect();
    let readers = 32;
    let cookies = sign_in(
        &server.addr,
        data.path(),
        readers + per_rate.iter().sum::<usize>(),
    )
    .await;
    let (readers, guarded) = cookies.split_at(readers);
    let mut conn = Conn::open(&server.addr).await.unwrap();
    let on = serde_json::json!({"pin": PIN, "age_band": "12_16"}).to_string();
    for cookie in guarded {
        let a = conn
            .send(request(
                Method::POST,
                &server.addr,
                "/api/me/teen-mode/on",
                Some(cookie),
                Some(&on),
            ))
            .await
            .unwrap();
        assert_eq!(a.status, StatusCode::OK, "teen mode on");
    }
    let pid = server.pid();
    println!(
        "password checks beside GET /api/me ({ME_RATE}/s): server pid {pid}, load average {}",
        loadavg()
    );
    let me: Vec<Shape> = readers
        .iter()
        .map(|c| Shape {
            method: Method::GET,
            path: "/api/me",
            cookie: Some(c.clone()),
            bodies: vec![],
            want: StatusCode::OK,
        })
        .collect();
    let wrong: Arc<str> = serde_json::json!({ "pin": WRONG_PIN }).to_string().into();
    measure(&server.addr, pid, &me, Some(ME_RATE), 1.0).await;
    let mut users = guarded;
    for (rate, n) in RATES.iter().zip(per_rate) {
        let (these, rest) = users.split_at(n);
        users = rest;
        let checks: Vec<Shape> = these
            .iter()
            .map(|c| Shape {
                method: Method::POST,
                path: "/api/me/teen-mode/off",
                cookie: Some(c.clone()),
                bodies: vec![wrong.clone()],
                want: StatusCode::FORBIDDEN,
            })
            .collect();
        // Alone just before, so drift in the machine's load hits both alike.
        let alone = measure(&server.addr, pid, &me, Some(ME_RATE), secs).await;
        alone.line("GET /api/me alone");
        let (reads, pins) = tokio::join!(
            measure(&server.addr, pid, &me, Some(ME_RATE), secs),
            measure(&server.addr, pid, &checks, Some(*rate), secs),
        );
        reads.line(&format!("GET /api/me beside {rate} checks/s"));
        pins.line(&format!("password checks at {rate}/s"));
        println!(
            "  {rate:>4} checks/s: /api/me p50 {:.2}x, p99 {:.2}x the p50/p99 alone",
            reads.ms(0.5) / alone.ms(0.5),
            reads.ms(0.99) / alone.ms(0.99)
        );
    }
    drop(server);
}

async fn run(threads: usize) {
    let secs: f64 = env_or("LOAD_SECS", 5.0);
    let conns: usize = env_or("LOAD_CONNS", 64);
    println!(
        "load: {} cores, generator {threads} thread(s), {secs} s per run, load average {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        loadavg()
    );
    let only = std::env::var("LOAD_ONLY").unwrap_or_default();
    if only.is_empty() || only == "writes" {
        consent_writes(None, secs, conns).await;
        consent_writes(Some(1), secs, conns).await;
    }
    if only.is_empty() || only == "me" {
        me_vs_bare(secs, conns).await;
    }
    if only.is_empty() || only == "settings" {
        settings_writes(secs, conns).await;
    }
    if only.is_empty() || only == "pin" {
        pin_beside_me(secs).await;
    }
    if only.is_empty() || only == "seal" {
        seal_cost(secs, conns).await;
    }
    if only.is_empty() || only == "engines" {
        engine_writes(secs, conns).await;
    }
    println!("load average after: {}", loadavg());
}
