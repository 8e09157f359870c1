//! App users' sessions: started by exchanging a handoff token (or, under
//! `--dev`, by name), kept in memory after their first use.

use privacy_center_core::wire::Channel;

use super::session::{Column, USER};
use super::sha256_hex;
use super::token::Claims;
use crate::cache::EpochCache;
use crate::clock::now_ms;
use crate::error::{Error, Result, TokenRefusal};
use crate::store::{on, AsConn, Store};

/// A user session unused this long ends.
pub const SESSION_IDLE_SECS: i64 = USER.idle_secs;
/// A user session ends this long after it started, however busy.
pub const SESSION_ABSOLUTE_SECS: i64 = USER.absolute_secs;

/// The columns of `sessions` that make up a [`SessionRow`], in its order.
const COLUMNS: &str = "app, user_id, channel, created_ms, last_seen_at, expires_at";

/// A session row as the request path needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// App id.
    pub app: String,
    /// User id within the app.
    pub user_id: String,
    /// Where the session was started.
    pub channel: Channel,
    /// When it started, Unix milliseconds.
    pub created_ms: i64,
    /// Last use, Unix seconds (written at most once a minute).
    pub last_seen_at: i64,
    /// Absolute end, Unix seconds.
    pub expires_at: i64,
}

/// Sessions by the SHA-256 of their cookie value, kept in memory after
/// their first use so a signed-in request needs no database read. Every
/// change to a session row goes through this module, which updates or
/// invalidates the entry after the database; expiry is checked on each use.
pub type SessionCache = EpochCache<String, SessionRow>;

/// Sessions kept in memory.
pub const CACHED_SESSIONS: usize = 100_000;

/// Starts a session for `user` of `app`; returns the cookie value.
///
/// In one transaction: expired tokens and sessions are pruned, the token's
/// `jti` is consumed (a replay fails here and nothing else is written), the
/// session being replaced (if the browser presented one) is deleted, the
/// new session row is stored by the SHA-256 of its value, and the sign-in
/// withdraws a pending account cancellation
/// ([`crate::cancellation::on_sign_in`], at `clock_ms`, the server clock's time).
#[allow(clippy::too_many_arguments)]
pub async fn start_session(
    store: &Store,
    sessions: &SessionCache,
    app: &str,
    user: &str,
    channel: Channel,
    token: Option<&Claims>,
    replaces: Option<&str>,
    clock_ms: i64,
) -> Result<String> {
    let now_ms = now_ms();
    let now = now_ms.div_euclid(1000);
    let mut pooled = store.acquire().await?;
    let mut tx = pooled.conn().begin_write().await?;
    on!(&mut tx, c => sqlx::query("DELETE FROM used_tokens WHERE expires_at < $1")
        .bind(now)
        .execute(c)
        .await
        .map(drop))?;
    if let Some(claims) = token {
        let inserted = on!(&mut tx, c =>
            sqlx::query("INSERT INTO used_tokens (jti, app, expires_at) VALUES ($1, $2, $3)")
                .bind(&claims.jti)
                .bind(&claims.app)
                .bind(claims.exp)
                .execute(c)
                .await
                .map(drop));
        match inserted {
            Ok(_) => {}
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(Error::Token(TokenRefusal::Replayed));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let extra = [
        ("app", Column::Text(app)),
        ("user_id", Column::Text(user)),
        ("channel", Column::Text(channel.as_str())),
        ("created_ms", Column::Int(now_ms)),
    ];
    let value = USER.create(&mut tx.conn(), now, replaces, &extra).await?;
    crate::cancellation::on_sign_in(&mut tx.conn(), app, user, clock_ms).await?;
    tx.commit().await?;
    if let Some(old) = replaces {
        sessions.invalidate(&sha256_hex(old.as_bytes()));
    }
    Ok(value)
}

/// Ends the session whose cookie value is `value` (if it exists).
pub async fn end_session(store: &Store, sessions: &SessionCache, value: &str) -> Result<()> {
    USER.end(store.pool(), value).await?;
    sessions.invalidate(&sha256_hex(value.as_bytes()));
    Ok(())
}

/// The session row whose id hash is `id_hash`, live or not, from memory or
/// else the database; writes nothing (but remembers what it read).
pub async fn find_session(
    store: &Store,
    sessions: &SessionCache,
    id_hash: &str,
) -> Result<Option<SessionRow>> {
    if let Some(s) = sessions.get(&id_hash.to_owned()) {
        return Ok(Some(s));
    }
    let epoch = sessions.epoch();
    let row: Option<(String, String, String, i64, i64, i64)> =
        USER.find(store.pool(), id_hash, COLUMNS).await?;
    Ok(row.map(
        |(app, user_id, channel, created_ms, last_seen_at, expires_at)| {
            let s = SessionRow {
                app,
                user_id,
                channel: Channel::parse(&channel).unwrap_or_default(),
                created_ms,
                last_seen_at,
                expires_at,
            };
            sessions.fill(epoch, id_hash.to_owned(), s.clone());
            s
        },
    ))
}
