//! What every request handler shares: the server's [`Settings`] and the
//! [`AppState`] built from them at start-up.

use axum::extract::FromRef;
use std::path::PathBuf;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::{cancellation, catalog, identity, ledger, staff, store};

/// How a server runs, beyond the policy tree and the database.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Data directory (database, `keys/`).
    pub data_dir: PathBuf,
    /// The URL users reach the server at; `https://` turns on secure cookies.
    pub public_url: String,
    /// Whether the public URL was configured (`--public-url`) rather than
    /// derived from the listening address: state-changing requests must then
    /// name its origin in both `Host` and `Origin`.
    pub pin_origin: bool,
    /// Whether `--dev` conveniences are on.
    pub dev: bool,
    /// Most consent requests per ledger transaction (1 = one commit each).
    pub ledger_batch: usize,
    /// Load balancers and reverse proxies (`--trusted-proxy`) whose
    /// `X-Forwarded-For` names the client ([`crate::staff::ClientIp`]).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How often a ledger checkpoint is written when rows came since.
    pub checkpoint_every: std::time::Duration,
    /// Whether ledger rows are sealed with a MAC and checkpointed; off only
    /// for the load bench's comparison.
    pub ledger_sealed: bool,
}

impl Settings {
    /// Defaults for a server on `http://localhost`, without `--dev`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Settings {
        Settings {
            data_dir: data_dir.into(),
            public_url: "http://localhost".to_owned(),
            pin_origin: false,
            dev: false,
            ledger_batch: ledger::DEFAULT_BATCH,
            trusted_proxies: Vec::new(),
            checkpoint_every: ledger::checkpoint::DEFAULT_EVERY,
            ledger_sealed: true,
        }
    }

    /// Whether the server is reached over https.
    pub fn is_https(&self) -> bool {
        self.public_url
            .get(..8)
            .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
    }

    /// `scheme://host[:port]` of the public URL (its path dropped).
    pub fn origin(&self) -> &str {
        let after_scheme = self.public_url.find("://").map_or(0, |i| i + 3);
        let end = self.public_url[after_scheme..]
            .find(['/', '?', '#'])
            .map_or(self.public_url.len(), |i| after_scheme + i);
        &self.public_url[..end]
    }

    /// `https` or `http`.
    pub fn scheme(&self) -> &'static str {
        if self.is_https() {
            "https"
        } else {
            "http"
        }
    }
}

/// Receipt checks one client address may make per minute (on each instance):
/// a person checks a few; this stops only a flood.
pub const RECEIPT_CHECKS_PER_MINUTE: usize = 60;

/// Shared, cheaply cloneable state of a running server.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The policy tree served now (replaced whole by a reload).
    pub catalog: catalog::Live,
    /// The database.
    pub store: store::Store,
    /// Signing keys and service tokens of every app.
    pub keys: Arc<identity::Keys>,
    /// The consent ledger's writer.
    pub ledger: ledger::Ledger,
    /// Writes the ledger's signed checkpoints (`serve` starts it).
    pub checkpointer: ledger::Checkpointer,
    /// Checks of receipts per client address (`POST /api/receipts/verify`).
    pub receipt_checks: Arc<crate::throttle::Throttle>,
    /// The session cookie's name and attributes.
    pub cookie: identity::SessionCookie,
    /// The staff credential and its sign-in throttle.
    pub staff: Arc<staff::StaffAccess>,
    /// The staff session cookie's name and attributes.
    pub staff_cookie: identity::SessionCookie,
    /// Sessions read so far (see [`identity::SessionCache`]).
    pub sessions: Arc<identity::SessionCache>,
    /// Sessions read for consent writes on PostgreSQL (see
    /// [`identity::LedgerUser`]); nothing on SQLite.
    pub ledger_sessions: Arc<identity::SessionCache>,
    /// How the server runs.
    pub settings: Arc<Settings>,
    /// The clock time-of-day rules read (quiet hours); tests may set it.
    pub clock: crate::clock::Clock,
    /// Hashes teen-mode passwords with the pepper (`teen::PinHasher`).
    pub teen: Arc<crate::teen::PinHasher>,
    /// Wakes the cancellation scheduler (after the dev clock moved).
    pub cancellation_wake: Arc<tokio::sync::Notify>,
    /// This process's reloads of the policy tree (`reload`).
    pub reloads: Arc<crate::reload::Reloads>,
}

impl AppState {
    /// Loads (or generates) every app's keys, the ledger's keys and the
    /// staff credential, and starts the ledger writer; call inside a Tokio
    /// runtime.
    pub fn new(catalog: catalog::Catalog, store: store::Store, settings: Settings) -> Result<Self> {
        let public = &settings.public_url;
        let lower = public.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            return Err(Error::Config(format!(
                "--public-url {public:?} must start with http:// or https://"
            )));
        }
        let keys = identity::Keys::load(
            &settings.data_dir,
            catalog.apps().map(|a| a.config.id.as_str()),
        )?;
        let credential = staff::Credential::load(&settings.data_dir)?;
        let teen = crate::teen::PinHasher::load(&settings.data_dir)?;
        let keyring = Arc::new(ledger::Keyring::load(&settings.data_dir)?);
        let ledger = ledger::Ledger::start_with(
            store.clone(),
            settings.ledger_batch,
            keyring.clone(),
            settings.ledger_sealed,
        );
        let checkpointer =
            ledger::Checkpointer::new(store.clone(), keyring, settings.data_dir.clone());
        store.spawn_checkpointer(std::time::Duration::from_millis(200));
        Ok(AppState {
            catalog: catalog::Live::new(catalog),
            cookie: identity::SessionCookie::user(settings.is_https()),
            staff: Arc::new(staff::StaffAccess {
                credential,
                throttle: staff::sign_in_throttle(),
            }),
            staff_cookie: identity::SessionCookie::staff(settings.is_https()),
            sessions: Arc::new(identity::SessionCache::new(
                store.cache_capacity(identity::CACHED_SESSIONS),
            )),
            ledger_sessions: Arc::new(identity::SessionCache::new(match store.engine() {
                store::Engine::Sqlite => 0,
                store::Engine::Postgres => identity::CACHED_SESSIONS,
            })),
            store,
            keys: Arc::new(keys),
            ledger,
            checkpointer,
            receipt_checks: Arc::new(crate::throttle::Throttle::new(
                "receipt_check",
                std::time::Duration::from_secs(60),
                RECEIPT_CHECKS_PER_MINUTE,
                usize::MAX,
            )),
            settings: Arc::new(settings),
            clock: crate::clock::Clock::default(),
            teen: Arc::new(teen),
            cancellation_wake: Arc::new(tokio::sync::Notify::new()),
            reloads: Arc::default(),
        })
    }
}

impl FromRef<AppState> for Arc<Settings> {
    fn from_ref(state: &AppState) -> Self {
        state.settings.clone()
    }
}

impl FromRef<AppState> for identity::UserSessions {
    fn from_ref(state: &AppState) -> Self {
        identity::UserSessions {
            cookie: state.cookie,
            cache: state.sessions.clone(),
            ledger_cache: state.ledger_sessions.clone(),
            store: state.store.clone(),
            catalog: state.catalog.clone(),
        }
    }
}

impl FromRef<AppState> for crate::reload::Reloader {
    fn from_ref(state: &AppState) -> Self {
        crate::reload::Reloader {
            reloads: state.reloads.clone(),
            catalog: state.catalog.clone(),
            store: state.store.clone(),
        }
    }
}

impl FromRef<AppState> for staff::TrustedProxies {
    fn from_ref(state: &AppState) -> Self {
        staff::TrustedProxies(state.settings.trusted_proxies.clone().into())
    }
}

impl FromRef<AppState> for staff::StaffSessions {
    fn from_ref(state: &AppState) -> Self {
        staff::StaffSessions {
            cookie: state.staff_cookie,
            store: state.store.clone(),
        }
    }
}

impl FromRef<AppState> for cancellation::Cancellations {
    fn from_ref(state: &AppState) -> Self {
        cancellation::Cancellations {
            store: state.store.clone(),
            catalog: state.catalog.clone(),
            clock: state.clock.clone(),
            sessions: state.sessions.clone(),
            ledger: state.ledger.clone(),
            wake: state.cancellation_wake.clone(),
        }
    }
}
