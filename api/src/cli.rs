//! The `privacy-center` command line: `serve` now; operations subcommands
//! (`policy`, `token`, `ledger`, …) join it as features land.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::web::Spa;
use crate::{router, AppState};

/// Privacy center: policies, consent and privacy settings for chat and live-streaming apps.
#[derive(Debug, Parser)]
#[command(name = "privacy-center", version, propagate_version = true)]
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
}

#[derive(Debug, Subcommand)]
enum PolicyCommand {
    /// Validate the whole policy tree; every problem names its file and line.
    /// Exits 0 only when there is none.
    Check {
        /// The policy tree.
        #[arg(default_value = "./policies")]
        dir: PathBuf,
    },
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
    /// Policy tree: one directory per app with app.toml and <version>.md files.
    #[arg(long, env = "PRIVACY_CENTER_POLICIES", default_value = "./policies")]
    pub policies: PathBuf,
    /// The SPA built by Trunk (index.html and assets).
    #[arg(long, env = "PRIVACY_CENTER_DIST", default_value = "./dist")]
    pub dist: PathBuf,
    /// Development conveniences for local use and tests. Never in production.
    #[arg(long)]
    pub dev: bool,
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
        Command::Policy(PolicyCommand::Check { dir }) => check_policies(&dir),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn check_policies(dir: &std::path::Path) -> Result<()> {
    let catalog = Catalog::load(dir)?;
    println!(
        "{}: {} apps, {} policy versions, no problems",
        dir.display(),
        catalog.apps().count(),
        catalog.version_count()
    );
    Ok(())
}

/// Loads policies, opens the store, and serves until SIGINT or SIGTERM.
pub async fn serve(args: ServeArgs) -> Result<()> {
    let catalog = Catalog::load(&args.policies)?;
    let store = Store::open(&args.data_dir).await?;
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
    let state = AppState {
        catalog: Arc::new(catalog),
        store,
        dev: args.dev,
    };
    let app = router(state, spa);
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(Error::io(format!("listen on {}", args.addr)))?;
    let addr = listener.local_addr().map_err(Error::io("listener"))?;
    println!("Privacy Center is running at http://{addr}/");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(Error::io("server"))?;
    Ok(())
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
