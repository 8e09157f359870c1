//! The `privacy-center` command line: `serve`, and the operations
//! subcommands `policy check|import|publish`, `token`, `staff-credential`,
//! `ledger verify|verify-receipt|rotate-key|public-keys`, `teen reset` and
//! `migrate-store`.

use axum::extract::FromRef;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crate::catalog::Catalog;
use crate::clock::{now_secs, rfc3339_ms};
use crate::error::{Error, Result};
use crate::identity::{Keys, DEFAULT_TTL_SECS, MAX_TTL_SECS};
use crate::ledger;
use crate::routes::router;
use crate::server;
use crate::staff::Credential;
use crate::state::{AppState, Settings};
use crate::store::{Store, DB_FILE};
use crate::web::Spa;
use privacy_center_core::wire::Date;

/// Privacy center: policies, consent and privacy settings for chat and live-streaming apps.
#[derive(Debug, Parser)]
#[command(name = "privacy-center", version)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API under /api and the built SPA everywhere else.
    Serve(ServeArgs),
    /// Work with the policy tree.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Print a handoff token for a user (as a host app would mint it), or with
    /// --service the app's service token. Keys are the ones a server on the
    /// same data directory uses, generated here if absent.
    Token(TokenArgs),
    /// Work with the consent ledger.
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// Print the staff credential the product team enters on /preview to see
    /// drafts: PRIVACY_CENTER_STAFF_CREDENTIAL, else keys/staff.credential in
    /// the data directory (generated here if absent, the same file a server
    /// on that directory uses).
    StaffCredential {
        /// Directory for the database and keys.
        #[arg(long, env = "PRIVACY_CENTER_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
    },
    /// Support's side of teen mode.
    #[command(subcommand)]
    Teen(TeenCommand),
    /// Create or bring up to date the PostgreSQL store's tables, as the
    /// schema's owner. Instances then connect as a role that owns nothing
    /// (granted privacy_center_api, which the migrations create): that role
    /// cannot change or remove ledger rows, nor migrate (docs/deploy.md).
    Migrate {
        /// The owner's connection URL (postgres://owner@host:port/db).
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
    },
    /// Copy the store of a SQLite data directory into an empty PostgreSQL
    /// database (to serve from PostgreSQL, e.g. several instances).
    ///
    /// Runs the PostgreSQL migrations on the target, refuses a target that
    /// holds any row, then copies every table in one transaction: every
    /// column, the same ids, the same ledger hashes and MACs. It reads one
    /// consistent snapshot of the SQLite store (what a running server has
    /// committed, write-ahead log included), so nothing written after the
    /// copy starts is copied: stop the server (or at least its writes)
    /// first. Prints the rows copied per table; on any error nothing is
    /// copied and the message names the table.
    ///
    /// Only the database is copied. The data directory's keys/ (each app's
    /// token key and service token, the staff credential, the teen-mode
    /// pepper, ledger.keys) and checkpoints.log must be shared with every
    /// instance that serves from PostgreSQL, or given to each of them in the
    /// environment (PRIVACY_CENTER_LEDGER_KEYS, PRIVACY_CENTER_KEY_<APP>, …):
    /// without the ledger keys no copied record's seal checks, without the
    /// log `ledger verify` reports every checkpoint missing from it, and
    /// without the pepper no teen-mode password verifies. Keep the database
    /// password out of the URL: PGPASSWORD or ~/.pgpass are read.
    MigrateStore {
        /// The SQLite data directory (the one `serve --data-dir` used).
        #[arg(long, value_name = "DATA_DIR")]
        from: PathBuf,
        /// The PostgreSQL database: postgres://user@host:port/database.
        #[arg(long, value_name = "URL")]
        to: String,
    },
}

#[derive(Debug, Subcommand)]
enum TeenCommand {
    /// A user forgot the teen-mode password: after checking their identity
    /// outside the app, turn teen mode off (the password goes with it) and
    /// resolve their appeal. Recorded in their history and the change feed.
    /// Exits 1 when there is nothing to reset.
    Reset {
        /// App id.
        #[arg(long)]
        app: String,
        /// User id within the app.
        #[arg(long)]
        user: String,
        /// Directory holding the database.
        #[arg(long, env = "PRIVACY_CENTER_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
        /// PostgreSQL database (postgres://user@host:port/db) instead of
        /// the SQLite file in the data directory.
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum LedgerCommand {
    /// Recompute every user's hash chain in order, check each row's MAC under
    /// the ledger keys and every signed checkpoint against the rows and
    /// checkpoints.log; print one line per problem (altered, rewritten or
    /// forged row, missing or reordered rows, a checkpoint that no longer
    /// matches) and a summary. Exits 0 only when nothing is wrong.
    Verify {
        /// Directory holding the database (and keys, checkpoints.log).
        #[arg(long, env = "PRIVACY_CENTER_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
        /// PostgreSQL database (postgres://user@host:port/db) instead of
        /// the SQLite file in the data directory.
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
    },
    /// Say whether the ledger still holds the exact record a receipt (a JSON
    /// file, as downloaded from the records page) describes. Exits 0 only
    /// when it does.
    VerifyReceipt {
        /// The receipt file.
        file: PathBuf,
        /// Directory holding the database (and keys).
        #[arg(long, env = "PRIVACY_CENTER_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
        /// PostgreSQL database (postgres://user@host:port/db) instead of
        /// the SQLite file in the data directory.
        #[arg(long, env = "DATABASE_URL")]
        database_url: Option<String>,
    },
    /// Add a new ledger key to keys/ledger.keys; it seals new rows and signs
    /// from the next server start, and the old keys stay for verification.
    RotateKey {
        /// Directory holding the database.
        #[arg(long, env = "PRIVACY_CENTER_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
    },
    /// Print each ledger key id and its Ed25519 public key, oldest first.
    PublicKeys {
        /// Directory holding the database.
        #[arg(long, env = "PRIVACY_CENTER_DATA_DIR", default_value = "./data")]
        data_dir: PathBuf,
    },
}

/// Options of `privacy-center token`.
#[derive(Debug, Args)]
struct TokenArgs {
    /// App id (a directory of the policy tree).
    #[arg(long)]
    app: String,
    /// User id within the app: 1-128 printable ASCII characters, no spaces.
    #[arg(long, required_unless_present = "service", conflicts_with = "service")]
    user: Option<String>,
    /// Print the app's service token (for GET /api/internal/...) instead.
    #[arg(long)]
    service: bool,
    /// Seconds the handoff token stays valid.
    #[arg(long, default_value_t = DEFAULT_TTL_SECS,
          value_parser = clap::value_parser!(u64).range(1..=MAX_TTL_SECS),
          conflicts_with = "service")]
    ttl_secs: u64,
    /// Directory for the database and keys (keys/<app>.key, keys/<app>.service).
    #[arg(long, env = "PRIVACY_CENTER_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
    /// Policy tree, to know which apps exist.
    #[arg(long, env = "PRIVACY_CENTER_POLICIES", default_value = "./policies")]
    policies: PathBuf,
}

#[derive(Debug, Subcommand)]
enum PolicyCommand {
    /// Validate the whole policy tree; every problem names its file and line.
    /// Exits 0 only when there is none.
    Check {
        /// The policy tree.
        #[arg(default_value = "./policies")]
        dir: PathBuf,
        /// Check the tree as it must be in this year (default: the current
        /// year in China): run `--year` with next year's number once the
        /// State Council has published its holiday arrangement.
        #[arg(long, value_parser = clap::value_parser!(u16).range(2000..=9999))]
        year: Option<u16>,
    },
    /// Turn raw legal text (UTF-8 plain text, as legal sends it) into a
    /// policy file: numbering becomes headings and lists, preamble dates
    /// become front matter. The result is a draft for the team to review.
    Import {
        /// The raw text file.
        raw: PathBuf,
        /// The app the policy belongs to (its id in the policy tree).
        #[arg(long)]
        app: String,
        /// Version name; defaults to the update date found in the text.
        #[arg(long)]
        version: Option<String>,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// The policy tree, to find the app's display name.
        #[arg(long, default_value = "./policies")]
        policies: PathBuf,
    },
    /// Turn a draft into a published version: only the front matter's
    /// status, published and effective lines are rewritten. Refused, with
    /// the file untouched, when the version is unknown or already
    /// published, or when the tree would then fail `policy check`. A server
    /// running with --watch-policies (or sent SIGHUP) then serves it.
    Publish(PublishArgs),
}

/// Options of `privacy-center policy publish`.
#[derive(Debug, Args)]
struct PublishArgs {
    /// App id (a directory of the policy tree).
    #[arg(long)]
    app: String,
    /// The draft's version name.
    #[arg(long)]
    version: String,
    /// The day the version takes effect (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    effective: Date,
    /// The day it is published (YYYY-MM-DD); by default today in the
    /// app's `time_zone`.
    #[arg(long, value_parser = parse_date)]
    published: Option<Date>,
    /// The policy tree.
    #[arg(long, env = "PRIVACY_CENTER_POLICIES", default_value = "./policies")]
    policies: PathBuf,
}

fn parse_date(s: &str) -> std::result::Result<Date, String> {
    Date::try_from(s).map_err(|_| format!("{s:?} is not a date such as 2026-12-15"))
}

/// Options of `privacy-center serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "PRIVACY_CENTER_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Directory for the SQLite database and keys; created if missing.
    #[arg(long, env = "PRIVACY_CENTER_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Keep state in this PostgreSQL database (postgres://user@host:port/db)
    /// instead of the SQLite file in the data directory, so several
    /// instances can serve side by side (docs/deploy.md). Keys and
    /// checkpoints.log stay in the data directory, shared by every instance.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Policy tree: one directory per app with app.toml and <version>.md files.
    #[arg(long, env = "PRIVACY_CENTER_POLICIES", default_value = "./policies")]
    pub policies: PathBuf,
    /// The SPA built by Trunk (index.html and assets).
    #[arg(long, env = "PRIVACY_CENTER_DIST", default_value = "./dist")]
    pub dist: PathBuf,
    /// Reload the policy tree when its files change (SIGHUP always reloads
    /// it). A tree that fails `policy check` is refused whole and the one
    /// loaded before keeps serving.
    #[arg(long, env = "PRIVACY_CENTER_WATCH_POLICIES")]
    pub watch_policies: bool,
    /// Development conveniences for local use and tests (POST /api/dev/session
    /// signs in as anyone). Never in production.
    #[arg(long)]
    pub dev: bool,
    /// Under --dev: the time (RFC 3339) the server's clock reads at start,
    /// running on from there, so tests see the same "today" (which policy
    /// version is in force) whatever the real date.
    #[arg(long, requires = "dev", value_parser = parse_clock_start)]
    pub dev_clock_start: Option<i64>,
    /// Test-only, with --dev: the server kills itself (SIGKILL) when an account
    /// cancellation's finalisation reaches this step.
    #[arg(long, requires = "dev", value_enum, hide = true)]
    pub dev_kill_at: Option<crate::cancellation::FailPoint>,
    /// The URL users reach the server at (default http://<addr>). An https URL
    /// makes session cookies Secure with the __Host- prefix and adds HSTS.
    /// When given, state-changing requests must name exactly its origin in
    /// Host and Origin (without it, Origin must match whatever Host says).
    #[arg(long, env = "PRIVACY_CENTER_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Most consent requests written per ledger transaction (group commit);
    /// 1 makes every request its own commit, for comparison.
    #[arg(long, env = "PRIVACY_CENTER_LEDGER_BATCH", default_value_t = ledger::DEFAULT_BATCH,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=65536))]
    pub ledger_batch: usize,
    /// Milliseconds between ledger checkpoints (written only when rows came
    /// since, and at shutdown).
    #[arg(long, env = "PRIVACY_CENTER_CHECKPOINT_MS", default_value_t = 2000,
          value_parser = clap::value_parser!(u64).range(100..=86_400_000))]
    pub checkpoint_ms: u64,
    /// Load-bench comparison only: write ledger rows without their MAC and
    /// no checkpoints (`ledger verify` then reports every such row).
    #[arg(long, hide = true)]
    pub ledger_unsealed: bool,
    /// Seconds a client has to send a request's head (request line and
    /// headers), counted from when the server waits for it: on a new
    /// connection and between requests on a keep-alive one.
    #[arg(long, env = "PRIVACY_CENTER_HEADER_TIMEOUT_SECS", default_value_t = server::DEFAULT_HEADER_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout_secs: u64,
    /// Seconds without a byte read or written after which a connection is closed.
    #[arg(long, env = "PRIVACY_CENTER_IDLE_TIMEOUT_SECS", default_value_t = server::DEFAULT_IDLE_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub idle_timeout_secs: u64,
    /// Seconds a request body may stall between two of its pieces.
    #[arg(long, env = "PRIVACY_CENTER_BODY_TIMEOUT_SECS", default_value_t = server::DEFAULT_BODY_TIMEOUT_SECS,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub body_timeout_secs: u64,
    /// Most client connections open at once; further ones wait to be accepted.
    #[arg(long, env = "PRIVACY_CENTER_MAX_CONNECTIONS", default_value_t = server::DEFAULT_MAX_CONNECTIONS,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1_000_000))]
    pub max_connections: usize,
    /// A load balancer or reverse proxy (an address or a CIDR block) whose
    /// X-Forwarded-For names the client, for the per-address throttles;
    /// repeatable. Without it no proxy header is trusted.
    #[arg(long = "trusted-proxy", env = "PRIVACY_CENTER_TRUSTED_PROXIES", value_delimiter = ',',
          value_parser = parse_proxy)]
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// Reads `--dev-clock-start`.
fn parse_clock_start(text: &str) -> std::result::Result<i64, String> {
    crate::clock::parse_rfc3339_ms(text)
        .ok_or_else(|| "an RFC 3339 time between 2000 and 2100, e.g. 2026-12-01T00:00:00Z".into())
}

/// Entry point of the binary: parses arguments, runs, maps errors to an exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PRIVACY_CENTER_LOG")
                .unwrap_or_else(|_| "privacy_center_api=info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = match cli.command {
        Command::Serve(args) => runtime.block_on(serve(args)),
        Command::Policy(PolicyCommand::Check { dir, year }) => check_policies(&dir, year),
        Command::Policy(PolicyCommand::Import {
            raw,
            app,
            version,
            out,
            policies,
        }) => import_policy(&raw, &app, version.as_deref(), out.as_deref(), &policies),
        Command::Policy(PolicyCommand::Publish(args)) => crate::publish::publish(
            &args.policies,
            &args.app,
            &args.version,
            args.published,
            args.effective,
        ),
        Command::Token(args) => token(&args),
        Command::StaffCredential { data_dir } => {
            Credential::load(&data_dir).map(|c| println!("{}", c.secret()))
        }
        Command::Teen(TeenCommand::Reset {
            app,
            user,
            data_dir,
            database_url,
        }) => runtime.block_on(teen_reset(&app, &user, &data_dir, database_url.as_deref())),
        Command::Ledger(LedgerCommand::Verify {
            data_dir,
            database_url,
        }) => match runtime.block_on(verify_ledger(&data_dir, database_url.as_deref())) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::FAILURE,
            Err(e) => Err(e),
        },
        Command::Ledger(LedgerCommand::VerifyReceipt {
            file,
            data_dir,
            database_url,
        }) => match runtime.block_on(verify_receipt(&file, &data_dir, database_url.as_deref())) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::FAILURE,
            Err(e) => Err(e),
        },
        Command::MigrateStore { from, to } => runtime.block_on(migrate_store(&from, &to)),
        Command::Migrate { database_url } => runtime.block_on(async {
            let store = Store::connect(&database_url).await?;
            store.close().await;
            println!("the PostgreSQL store is up to date");
            Ok(())
        }),
        Command::Ledger(LedgerCommand::RotateKey { data_dir }) => {
            ledger::seal::rotate(&data_dir, std::env::var(ledger::seal::KEYS_ENV).ok())
                .map(|id| println!("new ledger key {id}; restart every instance to seal with it"))
        }
        Command::Ledger(LedgerCommand::PublicKeys { data_dir }) => ledger::Keyring::load(&data_dir)
            .map(|k| {
                for (id, public) in k.public_keys() {
                    println!("{id} {public}");
                }
            }),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn teen_reset(
    app: &str,
    user: &str,
    data_dir: &std::path::Path,
    database_url: Option<&str>,
) -> Result<()> {
    if !crate::identity::valid_user_id(user) {
        return Err(Error::Config(format!("{user:?} is not a user id")));
    }
    let store = open_existing(data_dir, database_url).await?;
    let done = crate::teen::support_reset(store.pool(), app, user, crate::clock::now_ms()).await?;
    match (done.was_on, done.appeal_resolved) {
        (false, false) => Err(Error::Config(format!(
            "{app}/{user}: teen mode is off and no appeal is open; nothing to reset"
        ))),
        (on, appeal) => {
            println!(
                "{app}/{user}: {}{}",
                if on {
                    "teen mode turned off, password removed"
                } else {
                    "teen mode was already off"
                },
                if appeal {
                    "; appeal resolved"
                } else {
                    "; no open appeal"
                }
            );
            Ok(())
        }
    }
}

/// Copies the store and prints what it copied, table by table.
async fn migrate_store(from: &std::path::Path, to: &str) -> Result<()> {
    let copied = crate::migrate_store::migrate_store(from, to).await?;
    let width = copied.iter().map(|c| c.table.len()).max().unwrap_or(0);
    for c in &copied {
        let unit = if c.rows == 1 { "row" } else { "rows" };
        println!("{:width$}  {} {unit}", c.table, c.rows);
    }
    println!(
        "copied {} rows in {} tables; identity sequences moved past the copied ids",
        copied.iter().map(|c| c.rows).sum::<u64>(),
        copied.len()
    );
    println!(
        "not copied: {}/keys/ and {}/{} — share them with every PostgreSQL instance",
        from.display(),
        from.display(),
        ledger::checkpoint::LOG_FILE
    );
    Ok(())
}

fn check_policies(dir: &std::path::Path, year: Option<u16>) -> Result<()> {
    let catalog = match year {
        Some(year) => Catalog::load_for(dir, year)?,
        None => Catalog::load(dir)?,
    };
    if let Some(missing) = catalog.missing_holidays() {
        return Err(Error::Policies(vec![missing.to_owned()]));
    }
    for w in catalog.warnings() {
        println!("{w}");
    }
    println!(
        "{}: {} apps, {} policy versions, no problems{}",
        dir.display(),
        catalog.apps().count(),
        catalog.version_count(),
        match catalog.warnings().len() {
            0 => String::new(),
            n => format!(", {n} warning(s)"),
        }
    );
    Ok(())
}

fn import_policy(
    raw: &std::path::Path,
    app: &str,
    version: Option<&str>,
    out: Option<&std::path::Path>,
    policies: &std::path::Path,
) -> Result<()> {
    use privacy_center_core::import::{import, ImportOptions};
    privacy_center_core::policy::check_id("app id", app, 32)
        .map_err(|e| Error::Config(e.to_string()))?;
    // The display name comes from app.toml when the app already exists.
    let app_name = std::fs::read_to_string(policies.join(app).join("app.toml"))
        .ok()
        .and_then(|t| privacy_center_core::app::AppConfig::parse(&t).ok())
        .map(|c| c.name);
    let bytes = std::fs::read(raw).map_err(Error::io(raw))?;
    let imported = import(&bytes, &ImportOptions { app_name })
        .map_err(|e| Error::Config(format!("{}: {e}", raw.display())))?;
    let version = match version {
        Some(v) => v.to_owned(),
        None => imported
            .updated
            .or(imported.effective)
            .or(imported.drafted)
            .map(|d| d.to_string())
            .ok_or_else(|| {
                Error::Config(format!(
                    "{}: no date in the text; pass --version",
                    raw.display()
                ))
            })?,
    };
    privacy_center_core::policy::check_id("version", &version, 32)
        .map_err(|e| Error::Config(e.to_string()))?;
    let file = imported.to_policy_file(&version);
    match out {
        Some(path) => {
            std::fs::write(path, &file).map_err(Error::io(path))?;
            eprintln!(
                "wrote {} ({} bytes, version {version}, status draft)",
                path.display(),
                file.len()
            );
        }
        None => print!("{file}"),
    }
    Ok(())
}

fn token(args: &TokenArgs) -> Result<()> {
    let catalog = Catalog::load(&args.policies)?;
    if catalog.app(&args.app).is_none() {
        return Err(Error::NotFound(format!(
            "no app named {:?} in {}",
            args.app,
            args.policies.display()
        )));
    }
    let keys = Keys::load(&args.data_dir, catalog.apps().map(|a| a.config.id.as_str()))?;
    if args.service {
        println!("{}", keys.service_token(&args.app).unwrap_or_default());
        return Ok(());
    }
    let user = args.user.as_deref().unwrap_or_default();
    println!("{}", keys.mint(&args.app, user, args.ttl_secs, now_secs())?);
    Ok(())
}

/// Opens the PostgreSQL database at `database_url`, else an existing data
/// directory's SQLite database (never creating one).
async fn open_existing(data_dir: &std::path::Path, database_url: Option<&str>) -> Result<Store> {
    if let Some(url) = database_url {
        return Store::connect(url).await;
    }
    let db = data_dir.join(DB_FILE);
    if !db.is_file() {
        return Err(Error::NotFound(format!("no database at {}", db.display())));
    }
    Store::open(data_dir).await
}

/// Prints problems and a summary; `Ok(true)` when every chain verifies.
async fn verify_ledger(data_dir: &std::path::Path, database_url: Option<&str>) -> Result<bool> {
    let store = open_existing(data_dir, database_url).await?;
    let keyring = ledger::Keyring::load(data_dir)?;
    let report = ledger::verify_store(store.pool(), &keyring, data_dir).await?;
    for p in &report.problems {
        println!("{p}");
    }
    for n in &report.notes {
        println!("note: {n}");
    }
    println!(
        "{} records in {} chains: {}; {} checkpoint(s) checked",
        report.records,
        report.chains,
        if report.problems.is_empty() {
            "every chain verifies".to_owned()
        } else {
            format!("{} problem(s)", report.problems.len())
        },
        report.checkpoints,
    );
    Ok(report.problems.is_empty())
}

/// Prints the verdict on a receipt file; `Ok(true)` when the ledger holds it.
async fn verify_receipt(
    file: &std::path::Path,
    data_dir: &std::path::Path,
    database_url: Option<&str>,
) -> Result<bool> {
    let text = std::fs::read_to_string(file).map_err(Error::io(file))?;
    let receipt: privacy_center_core::wire::Receipt = serde_json::from_str(&text)
        .map_err(|e| Error::Config(format!("{} is not a receipt: {e}", file.display())))?;
    let store = open_existing(data_dir, database_url).await?;
    let keyring = ledger::Keyring::load(data_dir)?;
    let check = ledger::receipt::check(store.pool(), &keyring, &receipt).await?;
    println!("record {}: {}", receipt.record_id, check.reason);
    Ok(check.held)
}

/// Loads policies, opens the store, and serves until SIGINT or SIGTERM;
/// SIGHUP (and with `--watch-policies` a file change) reloads the policies.
pub async fn serve(args: ServeArgs) -> Result<()> {
    let catalog = Catalog::load(&args.policies)?;
    for w in catalog.warnings() {
        tracing::warn!("{w}");
    }
    let store = Store::open_either(&args.data_dir, args.database_url.as_deref()).await?;
    tracing::info!(engine = ?store.engine(), "store open");
    let archived = store.archive_policy_texts(&catalog).await?;
    tracing::info!(
        apps = catalog.apps().count(),
        versions = catalog.version_count(),
        new_texts = archived,
        "policies loaded"
    );
    let spa = match Spa::load(&args.dist) {
        Ok(spa) => Some(spa),
        Err(e) => {
            tracing::warn!(
                "serving the API only: {e} (build the SPA with `trunk build --release`)"
            );
            None
        }
    };
    if args.dev {
        tracing::warn!(
            "--dev is on: development conveniences are enabled; never use this in production"
        );
    }
    if let Some(point) = args.dev_kill_at {
        crate::cancellation::kill_self_at(point);
    }
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(Error::io(format!("listen on {}", args.addr)))?;
    let addr = listener.local_addr().map_err(Error::io("listener"))?;
    let settings = Settings {
        public_url: args
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}")),
        pin_origin: args.public_url.is_some(),
        dev: args.dev,
        ledger_batch: args.ledger_batch,
        trusted_proxies: args.trusted_proxies.clone(),
        checkpoint_every: Duration::from_millis(args.checkpoint_ms),
        ledger_sealed: !args.ledger_unsealed,
        ..Settings::new(&args.data_dir)
    };
    let state = AppState::new(catalog, store, settings)?;
    if let Some(ms) = args.dev_clock_start {
        state.clock.run_from(ms);
        tracing::warn!("--dev-clock-start: the clock reads {}", rfc3339_ms(ms));
    }
    let checkpointer = state
        .settings
        .ledger_sealed
        .then(|| state.checkpointer.clone());
    if let Some(checkpointer) = &checkpointer {
        checkpointer.start(state.settings.checkpoint_every).await?;
    }
    crate::reload::reload_on_hangup(FromRef::from_ref(&state), args.policies.clone())?;
    if args.watch_policies {
        crate::reload::reload_on_change(FromRef::from_ref(&state), args.policies.clone())?;
    }
    crate::cancellation::Cancellations::from_ref(&state).spawn_scheduler();
    let limits = server::Limits {
        header: Duration::from_secs(args.header_timeout_secs),
        idle: Duration::from_secs(args.idle_timeout_secs),
        body: Duration::from_secs(args.body_timeout_secs),
        max_connections: args.max_connections,
    };
    let app = limits.body(router(state, spa));
    println!("Privacy Center is running at http://{addr}/");
    // Each request carries its peer address (the staff sign-in throttle's key).
    server::serve(listener, app, limits, shutdown_signal()).await;
    // Every answered request is committed by now: seal them all.
    if let Some(checkpointer) = checkpointer {
        checkpointer.finish().await?;
    }
    Ok(())
}

/// `--trusted-proxy`: a CIDR block, or one address (a block of one).
fn parse_proxy(s: &str) -> std::result::Result<ipnet::IpNet, String> {
    s.parse::<ipnet::IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("{s:?} is neither an IP address nor a CIDR block"))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
