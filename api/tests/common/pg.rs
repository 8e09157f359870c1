//! A throwaway PostgreSQL cluster for the tests (Debian's PostgreSQL 15,
//! found with `pg_config --bindir`): `initdb` in a temporary directory and
//! the server on a free loopback port, run as the `postgres` user when the
//! tests run as root (initdb refuses root).
//!
//! One cluster per test binary, started on first use. The server is the
//! child of a thread that lives as long as the test process, with
//! `PR_SET_PDEATHSIG`, so it stops with the tests however they end
//! (success, a failed assertion, Ctrl-C, kill -9); a later run removes the
//! directories such an end leaves behind.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{mpsc, OnceLock};
use std::time::{Duration, Instant};

/// The superuser `initdb` creates (trust authentication, loopback only);
/// it owns every test database and runs their migrations.
const SUPERUSER: &str = "privacy_center";
/// The login role the API connects as in the tests: a member of
/// `privacy_center_api` (migrations-pg/0013), owning nothing, as in
/// docs/deploy.md.
pub const API_USER: &str = "pc_api";
/// Names the clusters' directories, so a later run can find stale ones.
const DIR_PREFIX: &str = "privacy-center-pg-";

/// A running cluster.
#[derive(Debug)]
pub struct Cluster {
    /// The loopback port it listens on.
    pub port: u16,
    /// Its data directory.
    pub dir: PathBuf,
    bindir: PathBuf,
}

/// Whether the cluster loads `pg_stat_statements`, for a benchmark to say
/// where the database's time went (`LOAD_PG_STATEMENTS=1`).
pub fn statement_stats() -> bool {
    std::env::var_os("LOAD_PG_STATEMENTS").is_some()
}

/// The test binary's cluster, started on first use.
pub fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(Cluster::start)
}

impl Cluster {
    /// `postgres://` URL of database `db`.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/{db}", self.port)
    }

    /// Creates an empty database of its own for one test; answers its URL.
    pub fn fresh_database(&self) -> String {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "t{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        self.psql("postgres", &format!("CREATE DATABASE {name}"));
        self.url(&name)
    }

    /// A fresh database, migrated by its owner (as `privacy-center migrate`
    /// would), and the URL the API connects to it with, as [`API_USER`].
    pub async fn fresh_api_database(&self) -> String {
        let owner_url = self.fresh_database();
        let store = privacy_center_api::store::Store::connect(&owner_url)
            .await
            .unwrap();
        store.close().await;
        owner_url.replacen(&format!("//{SUPERUSER}@"), &format!("//{API_USER}@"), 1)
    }

    /// The owner's URL of the database an API URL names (to look at rows
    /// the API's role may not touch, or to tamper as only an owner could).
    pub fn owner_url(&self, api_url: &str) -> String {
        api_url.replacen(&format!("//{API_USER}@"), &format!("//{SUPERUSER}@"), 1)
    }

    /// Runs one SQL command with `psql` as the superuser; panics with its
    /// output when it fails.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let out = Command::new(self.bindir.join("psql"))
            .args([
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-At",
                "-h",
                "127.0.0.1",
            ])
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                SUPERUSER,
                "-d",
                db,
                "-c",
                sql,
            ])
            .output()
            .expect("run psql");
        assert!(
            out.status.success(),
            "psql {sql:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn start() -> Cluster {
        let bindir = bindir();
        remove_stale();
        let dir = std::env::temp_dir().join(format!("{DIR_PREFIX}{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap();
        let owner = server_user();
        if let Some((uid, gid)) = owner {
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).unwrap();
        }
        let mut initdb = Command::new(bindir.join("initdb"));
        initdb
            .arg("-D")
            .arg(&dir)
            .args(["-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--locale=C"])
            .stdout(Stdio::null());
        as_server_user(&mut initdb, owner);
        let out = initdb.output().expect("run initdb");
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let port = free_port();
        let (started, ready) = mpsc::channel();
        let (postgres, data) = (bindir.join("postgres"), dir.clone());
        // The server's parent: lives (parked) as long as the process, since
        // PR_SET_PDEATHSIG fires when the thread that forked it ends.
        std::thread::Builder::new()
            .name("postgres-parent".into())
            .spawn(move || {
                let mut cmd = Command::new(postgres);
                cmd.arg("-D")
                    .arg(&data)
                    .args(["-p", &port.to_string(), "-c", "listen_addresses=127.0.0.1"])
                    .arg("-c")
                    .arg(format!("unix_socket_directories={}", data.display()))
                    .args(["-c", "max_connections=200", "-c", "synchronous_commit=on"])
                    .args(if statement_stats() {
                        &["-c", "shared_preload_libraries=pg_stat_statements"][..]
                    } else {
                        &[]
                    })
                    .stdout(Stdio::null())
                    .stderr(
                        std::fs::File::create(data.join("server.log"))
                            .map_or(Stdio::null(), Stdio::from),
                    );
                as_server_user(&mut cmd, owner);
                // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
                unsafe {
                    cmd.pre_exec(|| {
                        if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGINT) != 0 {
                            return Err(std::io::Error::last_os_error());
                        }
                        Ok(())
                    });
                }
                let child = cmd.spawn();
                let failed = child.is_err();
                let _ = started.send(child.map(|_| ()));
                if !failed {
                    loop {
                        std::thread::park();
                    }
                }
            })
            .unwrap();
        ready.recv().unwrap().expect("start postgres");
        let cluster = Cluster { port, dir, bindir };
        cluster.wait_ready();
        cluster.psql(
            "postgres",
            &format!(
                "CREATE ROLE privacy_center_api NOLOGIN; \
                 CREATE ROLE {API_USER} LOGIN IN ROLE privacy_center_api"
            ),
        );
        cluster
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let ok = Command::new(self.bindir.join("pg_isready"))
                .args(["-q", "-h", "127.0.0.1", "-p", &self.port.to_string()])
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "postgres did not start: {}",
                std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Where Debian keeps PostgreSQL's programs (`pg_config --bindir`).
fn bindir() -> PathBuf {
    let out = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .expect("pg_config not found: run scripts/setup, which installs Debian's postgresql");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

/// The `postgres` user's uid and gid when the tests run as root (initdb
/// refuses root); `None` otherwise (the server runs as the tester).
fn server_user() -> Option<(u32, u32)> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return None;
    }
    let id = |flag: &str| -> u32 {
        let out = Command::new("id")
            .args([flag, "postgres"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "no postgres user: install Debian's postgresql"
        );
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
    };
    Some((id("-u"), id("-g")))
}

fn as_server_user(cmd: &mut Command, owner: Option<(u32, u32)>) {
    if let Some((uid, gid)) = owner {
        cmd.uid(uid).gid(gid);
    }
}

/// A port nobody listens on now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Removes the directories of clusters whose test process is gone.
fn remove_stale() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(DIR_PREFIX))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}
