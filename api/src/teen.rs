//! Teen mode in the store (issue #15): the state per user, the password
//! (Argon2id with a pepper kept outside the database), the throttle that
//! counts every check *before* hashing, and the forgotten-password appeals.
//! The rules themselves (weak codes, budgets, the throttle's arithmetic) are
//! `core::teen`; the routes are `routes::teen`.

use crate::store::{on, AsConn, Db};
use argon2::{Algorithm, Argon2, Params, Version};
use privacy_center_core::app::AppConfig;
use privacy_center_core::teen::{Gate, Throttle};
use privacy_center_core::wire::{
    AgeBand, AppealStatus, ChangeData, Channel, ExportTeenMode, PinLock, TeenAppeal, TeenModeState,
    TeenStatus,
};
use rand::RngCore;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;

use crate::clock::rfc3339_ms;
use crate::error::{Error, Result};
use crate::identity::{file_secret, KEYS_DIR, SECRET_BYTES};
use crate::settings;

/// Argon2id memory in KiB: OWASP's 19 MiB.
pub const ARGON2_M_KIB: u32 = 19_456;
/// Argon2id passes (OWASP: 2 with 19 MiB).
pub const ARGON2_T: u32 = 2;
/// Argon2id lanes.
pub const ARGON2_P: u32 = 1;
/// Bytes of a stored hash.
pub const HASH_LEN: usize = 32;
/// Bytes of a password's salt.
pub const SALT_LEN: usize = 16;
/// The pepper's file in `<data-dir>/keys/` (generated like the app keys).
pub const PEPPER_FILE: &str = "teen.pepper";
/// The environment variable that overrides the pepper file (hex).
pub const PEPPER_ENV: &str = "PRIVACY_CENTER_TEEN_PEPPER";
/// The time zone a curfew is read in when the browser sent none.
pub const DEFAULT_TIME_ZONE: &str = "Asia/Shanghai";

/// One Argon2id hash of `pin` at the OWASP parameters, keyed with the
/// pepper. Blocking (about 20 MiB and tens of milliseconds): call it through
/// [`PinHasher`], which runs it off the async executor.
pub fn hash_pin(pepper: &[u8], pin: &[u8], salt: &[u8]) -> Result<[u8; HASH_LEN]> {
    let params = Params::new(ARGON2_M_KIB, ARGON2_T, ARGON2_P, Some(HASH_LEN))
        .map_err(|e| Error::Internal(format!("argon2 parameters: {e}")))?;
    let argon = Argon2::new_with_secret(pepper, Algorithm::Argon2id, Version::V0x13, params)
        .map_err(|e| Error::Internal(format!("argon2 pepper: {e}")))?;
    let mut out = [0u8; HASH_LEN];
    argon
        .hash_password_into(pin, salt, &mut out)
        .map_err(|e| Error::Internal(format!("argon2: {e}")))?;
    Ok(out)
}

/// Hashes passwords off the async executor, a few at a time (each takes
/// 19 MiB), and counts every hash it computes.
#[derive(Debug)]
pub struct PinHasher {
    pepper: Arc<Vec<u8>>,
    permits: Semaphore,
    calls: AtomicU64,
}

impl PinHasher {
    /// The pepper from `PRIVACY_CENTER_TEEN_PEPPER` (hex), else
    /// `<data_dir>/keys/teen.pepper`, generated on first use. Every API
    /// instance on the same data directory (or environment) shares it.
    pub fn load(data_dir: &Path) -> Result<PinHasher> {
        let hex_pepper = match std::env::var(PEPPER_ENV) {
            Ok(v) => v,
            Err(_) => file_secret(&data_dir.join(KEYS_DIR), PEPPER_FILE)?,
        };
        let pepper = hex::decode(hex_pepper.trim())
            .ok()
            .filter(|p| p.len() >= SECRET_BYTES)
            .ok_or_else(|| {
                Error::Config(format!(
                    "the teen-mode pepper ({PEPPER_ENV} or keys/{PEPPER_FILE}) must be at least {SECRET_BYTES} bytes of hex"
                ))
            })?;
        Ok(PinHasher::new(pepper))
    }

    /// A hasher with this pepper.
    pub fn new(pepper: Vec<u8>) -> PinHasher {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        PinHasher {
            pepper: Arc::new(pepper),
            permits: Semaphore::new(cores),
            calls: AtomicU64::new(0),
        }
    }

    /// How many hashes this hasher has computed (tests assert the throttle with it).
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// Hashes `pin` with `salt` on the blocking pool.
    pub async fn hash(&self, pin: &str, salt: &[u8]) -> Result<[u8; HASH_LEN]> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| Error::Internal(format!("hasher closed: {e}")))?;
        self.calls.fetch_add(1, Ordering::Relaxed);
        let (pepper, pin, salt) = (self.pepper.clone(), pin.to_owned(), salt.to_owned());
        tokio::task::spawn_blocking(move || hash_pin(&pepper, pin.as_bytes(), &salt))
            .await
            .map_err(|e| Error::Internal(format!("hashing task: {e}")))?
    }

    /// Whether `pin` hashes to `expected` (compared in constant time).
    pub async fn verify(&self, pin: &str, salt: &[u8], expected: &[u8]) -> Result<bool> {
        let got = self.hash(pin, salt).await?;
        Ok(got.ct_eq(expected).into())
    }
}

/// A fresh random salt.
pub fn new_salt() -> [u8; SALT_LEN] {
    let mut salt = [0u8; SALT_LEN];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    salt
}

/// A user's teen mode while it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The band.
    pub age_band: AgeBand,
    /// A limit set below the band's budget.
    pub daily_minutes: Option<u16>,
    /// IANA zone the curfew is read in.
    pub time_zone: String,
    /// Whether it follows the device's minor mode.
    pub follow_device: bool,
    /// When it was turned on, RFC 3339 UTC.
    pub since: String,
    /// The password's salt.
    pub pin_salt: Vec<u8>,
    /// Argon2id(pin, salt) with the pepper.
    pub pin_hash: Vec<u8>,
}

type Row = (String, Option<i64>, String, bool, String, Vec<u8>, Vec<u8>);

/// A user's teen mode, `None` when off.
pub async fn load(conn: &mut impl AsConn, app: &str, user: &str) -> Result<Option<Stored>> {
    let row: Option<Row> = on!(conn, c => sqlx::query_as(
        "SELECT age_band, daily_minutes, time_zone, follow_device, since, pin_salt, pin_hash \
         FROM teen_mode WHERE app = $1 AND user_id = $2",
    )
    .bind(app)
    .bind(user)
    .fetch_optional(c).await)?;
    row.map(
        |(band, minutes, time_zone, follow, since, pin_salt, pin_hash)| {
            Ok(Stored {
                age_band: AgeBand::parse(&band)
                    .ok_or_else(|| Error::Unreadable(format!("teen-mode age band {band:?}")))?,
                daily_minutes: minutes.and_then(|m| u16::try_from(m).ok()),
                time_zone,
                follow_device: follow,
                since,
                pin_salt,
                pin_hash,
            })
        },
    )
    .transpose()
}

/// Writes (inserts or replaces) a user's teen mode.
pub async fn save(conn: &mut impl AsConn, app: &str, user: &str, s: &Stored) -> Result<()> {
    on!(conn, c => sqlx::query(
        "INSERT INTO teen_mode (app, user_id, age_band, daily_minutes, time_zone, \
         follow_device, since, pin_salt, pin_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (app, user_id) DO UPDATE SET age_band = excluded.age_band, \
         daily_minutes = excluded.daily_minutes, time_zone = excluded.time_zone, \
         follow_device = excluded.follow_device, since = excluded.since, \
         pin_salt = excluded.pin_salt, pin_hash = excluded.pin_hash",
    )
    .bind(app)
    .bind(user)
    .bind(s.age_band.as_str())
    .bind(s.daily_minutes.map(i64::from))
    .bind(&s.time_zone)
    .bind(s.follow_device)
    .bind(&s.since)
    .bind(&s.pin_salt)
    .bind(&s.pin_hash)
    .execute(c).await.map(drop))?;
    Ok(())
}

/// Turns teen mode off: removes the state, the password and its throttle.
pub async fn remove(conn: &mut impl AsConn, app: &str, user: &str) -> Result<()> {
    for sql in [
        "DELETE FROM teen_mode WHERE app = $1 AND user_id = $2",
        "DELETE FROM teen_pin_throttle WHERE app = $1 AND user_id = $2",
    ] {
        on!(conn, c => sqlx::query(sql)
            .bind(app)
            .bind(user)
            .execute(c).await.map(drop))?;
    }
    Ok(())
}

/// Deletes everything teen mode holds about a user (state, password,
/// throttle, appeals): what account cancellation calls when it completes,
/// inside its own transaction. The history and feed rows stay with the
/// rest of the user's history.
pub async fn delete_user_data(conn: &mut impl AsConn, app: &str, user: &str) -> Result<()> {
    remove(conn, app, user).await?;
    on!(conn, c => sqlx::query("DELETE FROM teen_appeals WHERE app = $1 AND user_id = $2")
        .bind(app)
        .bind(user)
        .execute(c).await.map(drop))?;
    Ok(())
}

/// A user's throttle (a fresh one when none is stored).
pub async fn load_throttle(conn: &mut impl AsConn, app: &str, user: &str) -> Result<Throttle> {
    let row: Option<(i64, i64, i64, String)> = on!(conn, c => sqlx::query_as(
        "SELECT failures, locks, locked_until_ms, recent_ms FROM teen_pin_throttle \
         WHERE app = $1 AND user_id = $2",
    )
    .bind(app)
    .bind(user)
    .fetch_optional(c).await)?;
    let Some((failures, locks, locked_until_ms, recent)) = row else {
        return Ok(Throttle::default());
    };
    let recent_ms = recent
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse()
                .map_err(|_| Error::Unreadable(format!("teen throttle time {s:?}")))
        })
        .collect::<Result<Vec<i64>>>()?;
    Ok(Throttle {
        failures: u32::try_from(failures).unwrap_or(u32::MAX),
        locks: u32::try_from(locks).unwrap_or(u32::MAX),
        locked_until_ms,
        recent_ms,
    })
}

/// Stores a user's throttle.
pub async fn save_throttle(
    conn: &mut impl AsConn,
    app: &str,
    user: &str,
    t: &Throttle,
) -> Result<()> {
    let recent = t
        .recent_ms
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    on!(conn, c => sqlx::query(
        "INSERT INTO teen_pin_throttle (app, user_id, failures, locks, \
         locked_until_ms, recent_ms) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (app, user_id) DO UPDATE SET failures = excluded.failures, \
         locks = excluded.locks, locked_until_ms = excluded.locked_until_ms, \
         recent_ms = excluded.recent_ms",
    )
    .bind(app)
    .bind(user)
    .bind(i64::from(t.failures))
    .bind(i64::from(t.locks))
    .bind(t.locked_until_ms)
    .bind(recent)
    .execute(c).await.map(drop))?;
    Ok(())
}

/// The throttle as the user sees it at `now_ms`.
pub fn lock_of(t: &Throttle, now_ms: i64) -> PinLock {
    PinLock {
        attempts_left: t.attempts_left(now_ms),
        locked_until: t.blocked_until(now_ms).map(rfc3339_ms),
    }
}

/// Counts one hash for `app`/`user` in the throttle, in its own write
/// transaction, before any hashing: [`Error::PinLocked`] when it may not run.
pub async fn admit(pool: &Db, app: &str, user: &str, now_ms: i64) -> Result<()> {
    let mut conn = pool.acquire().await?;
    let mut tx = conn.conn().begin_write().await?;
    let mut t = load_throttle(&mut tx, app, user).await?;
    match t.admit(now_ms) {
        Gate::Wait(until) => Err(Error::PinLocked {
            retry_after_secs: u64::try_from((until - now_ms + 999) / 1000).unwrap_or(1),
            until: rfc3339_ms(until),
        }),
        Gate::Go => {
            save_throttle(&mut tx, app, user, &t).await?;
            tx.commit().await?;
            Ok(())
        }
    }
}

/// Applies `f` to the stored throttle in one write transaction.
pub async fn update_throttle(
    pool: &Db,
    app: &str,
    user: &str,
    f: impl FnOnce(&mut Throttle),
) -> Result<Throttle> {
    let mut conn = pool.acquire().await?;
    let mut tx = conn.conn().begin_write().await?;
    let mut t = load_throttle(&mut tx, app, user).await?;
    f(&mut t);
    save_throttle(&mut tx, app, user, &t).await?;
    tx.commit().await?;
    Ok(t)
}

/// Checks a password for a user whose teen mode is on: throttled first
/// (429 `pin_locked`, nothing hashed), then one Argon2id off the executor;
/// a wrong code answers 403 `wrong_pin` (and may start the lock). Every
/// failure of a code that reached the hash takes one hash's time.
pub async fn check_pin(
    pool: &Db,
    hasher: &PinHasher,
    now_ms: impl Fn() -> i64,
    app: &str,
    user: &str,
    pin: &str,
) -> Result<Stored> {
    let stored = {
        let mut conn = pool.acquire().await?;
        load(&mut conn, app, user).await?
    }
    .ok_or_else(teen_mode_off)?;
    admit(pool, app, user, now_ms()).await?;
    let right = hasher
        .verify(pin, &stored.pin_salt, &stored.pin_hash)
        .await?;
    let now = now_ms();
    let t = update_throttle(pool, app, user, |t| {
        if right {
            t.right();
        } else {
            t.wrong(now);
        }
    })
    .await?;
    if right {
        Ok(stored)
    } else {
        let lock = lock_of(&t, now);
        Err(Error::WrongPin {
            attempts_left: lock.attempts_left,
            locked_until: lock.locked_until,
        })
    }
}

/// Today's limit: the user's own, else the band's budget.
pub fn daily_minutes(config: &AppConfig, s: &Stored) -> u16 {
    s.daily_minutes
        .unwrap_or_else(|| config.teen_mode.budget(s.age_band))
}

/// Whether the curfew holds at `now_ms` in the user's time zone.
pub fn curfew_now(config: &AppConfig, s: &Stored, now_ms: i64) -> bool {
    settings::local_minute(&s.time_zone, now_ms).is_some_and(|m| config.teen_mode.curfew_at(m))
}

/// `GET /api/me/teen-mode`'s answer for a user at `now_ms`.
pub async fn view(pool: &Db, config: &AppConfig, user: &str, now_ms: i64) -> Result<TeenModeState> {
    let mut conn = pool.acquire().await?;
    let app = config.id.as_str();
    let stored = load(&mut conn, app, user).await?;
    let throttle = load_throttle(&mut conn, app, user).await?;
    let appeal = appeals(&mut conn, app, user).await?.pop();
    Ok(TeenModeState {
        on: stored.is_some(),
        age_band: stored.as_ref().map(|s| s.age_band),
        follow_device: stored.as_ref().is_some_and(|s| s.follow_device),
        time_zone: stored.as_ref().map(|s| s.time_zone.clone()),
        since: stored.as_ref().map(|s| s.since.clone()),
        daily_minutes: stored.as_ref().map(|s| daily_minutes(config, s)),
        curfew_now: stored
            .as_ref()
            .is_some_and(|s| curfew_now(config, s, now_ms)),
        rules: config.teen_mode.rules(),
        lock: lock_of(&throttle, now_ms),
        appeal,
    })
}

/// What a host app reads of a user's teen mode at `now_ms`.
pub async fn status(pool: &Db, config: &AppConfig, user: &str, now_ms: i64) -> Result<TeenStatus> {
    let mut conn = pool.acquire().await?;
    let Some(s) = load(&mut conn, &config.id, user).await? else {
        return Ok(TeenStatus::default());
    };
    Ok(TeenStatus {
        on: true,
        age_band: Some(s.age_band),
        daily_minutes: Some(daily_minutes(config, &s)),
        rest_reminder_minutes: Some(config.teen_mode.rest_reminder_minutes),
        curfew_now: curfew_now(config, &s, now_ms),
        restrictions: config
            .teen_mode
            .restrictions
            .iter()
            .map(|r| r.id.clone())
            .collect(),
        follow_device: s.follow_device,
    })
}

/// Teen mode in the user's data export (never the password or its hash).
pub async fn export(pool: &Db, config: &AppConfig, user: &str) -> Result<ExportTeenMode> {
    let mut conn = pool.acquire().await?;
    let s = load(&mut conn, &config.id, user).await?;
    Ok(ExportTeenMode {
        on: s.is_some(),
        age_band: s.as_ref().map(|s| s.age_band),
        daily_minutes: s.as_ref().map(|s| daily_minutes(config, s)),
        time_zone: s.as_ref().map(|s| s.time_zone.clone()),
        follow_device: s.as_ref().is_some_and(|s| s.follow_device),
        since: s.as_ref().map(|s| s.since.clone()),
        appeals: appeals(&mut conn, &config.id, user).await?,
    })
}

/// What [`support_reset`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reset {
    /// Teen mode was on and is now off.
    pub was_on: bool,
    /// An open appeal was resolved.
    pub appeal_resolved: bool,
}

/// Support's reset after checking the user's identity outside the app
/// (`privacy-center teen reset`): teen mode off, password and throttle
/// gone, the open appeal resolved, all in one transaction with history and
/// feed rows (item `support_reset`, on the channel the appeal came from).
pub async fn support_reset(pool: &Db, app: &str, user: &str, now_ms: i64) -> Result<Reset> {
    let at = rfc3339_ms(now_ms);
    let mut conn = pool.acquire().await?;
    let mut tx = conn.conn().begin_write().await?;
    let was_on = load(&mut tx, app, user).await?.is_some();
    let channel = resolve_appeal(&mut tx, app, user, &at).await?;
    remove(&mut tx, app, user).await?;
    let rec = settings::Record {
        app,
        user,
        channel: channel.unwrap_or_default(),
        at: &at,
    };
    if was_on {
        let c = rec.item(
            "support_reset",
            Some(settings::on_off(true)),
            settings::on_off(false),
        );
        rec.write(&mut tx, ChangeData::TeenMode(c)).await?;
    }
    if channel.is_some() {
        let c = rec.item("appeal", Some("filed".into()), "resolved".into());
        rec.write(&mut tx, ChangeData::TeenMode(c)).await?;
    }
    tx.commit().await?;
    Ok(Reset {
        was_on,
        appeal_resolved: channel.is_some(),
    })
}

/// 409: the change needs teen mode on.
pub fn teen_mode_off() -> Error {
    Error::TeenModeOff("teen mode is off".into())
}

type AppealRow = (String, String, Option<String>);

/// A user's appeals, oldest first.
pub async fn appeals(conn: &mut impl AsConn, app: &str, user: &str) -> Result<Vec<TeenAppeal>> {
    let rows: Vec<AppealRow> = on!(conn, c => sqlx::query_as(
        "SELECT status, filed_at, resolved_at FROM teen_appeals \
         WHERE app = $1 AND user_id = $2 ORDER BY id",
    )
    .bind(app)
    .bind(user)
    .fetch_all(c).await)?;
    rows.into_iter()
        .map(|(status, filed_at, resolved_at)| {
            let status = match status.as_str() {
                "open" => AppealStatus::Open,
                "resolved" => AppealStatus::Resolved,
                other => return Err(Error::Unreadable(format!("appeal status {other:?}"))),
            };
            Ok(TeenAppeal {
                status,
                filed_at,
                resolved_at,
            })
        })
        .collect()
}

/// Files an appeal unless one is open; answers whether one was filed.
pub async fn file_appeal(
    conn: &mut impl AsConn,
    app: &str,
    user: &str,
    channel: Channel,
    note: &str,
    at: &str,
) -> Result<bool> {
    let done = on!(conn, c => sqlx::query(
        "INSERT INTO teen_appeals (app, user_id, channel, note, filed_at, status) \
         VALUES ($1, $2, $3, $4, $5, 'open') ON CONFLICT DO NOTHING",
    )
    .bind(app)
    .bind(user)
    .bind(channel.as_str())
    .bind(note)
    .bind(at)
    .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// Resolves the user's open appeal; answers the channel it was filed from.
pub async fn resolve_appeal(
    conn: &mut impl AsConn,
    app: &str,
    user: &str,
    at: &str,
) -> Result<Option<Channel>> {
    let channel: Option<String> = on!(conn, c => sqlx::query_scalar(
        "UPDATE teen_appeals SET status = 'resolved', resolved_at = $1 \
         WHERE app = $2 AND user_id = $3 AND status = 'open' RETURNING channel",
    )
    .bind(at)
    .bind(app)
    .bind(user)
    .fetch_optional(c).await)?;
    Ok(channel.and_then(|c| Channel::parse(&c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pepper_is_part_of_the_hash() {
        let salt = [7u8; SALT_LEN];
        let a = hash_pin(&[1; 32], b"3807", &salt).unwrap();
        assert_eq!(a, hash_pin(&[1; 32], b"3807", &salt).unwrap());
        assert_ne!(a, hash_pin(&[2; 32], b"3807", &salt).unwrap());
        assert_ne!(a, hash_pin(&[1; 32], b"3808", &salt).unwrap());
    }
}
