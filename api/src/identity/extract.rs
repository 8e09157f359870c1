//! The signed-in user of a request, as an axum extractor
//! ([`CurrentUser`]) and as an optional lookup ([`CurrentUser::optional`]).

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use privacy_center_core::wire::Channel;
use std::sync::Arc;

use super::cookie::SessionCookie;
use super::session::USER;
use super::sha256_hex;
use super::user::{end_session, find_session, SessionCache, SessionRow};
use crate::catalog::Live;
use crate::clock::now_secs;
use crate::error::{Error, Result};
use crate::store::{Engine, Store};

/// What finding the signed-in user needs of the server's state (taken from
/// it with [`FromRef`], so this module does not depend on the whole state).
#[derive(Debug, Clone)]
pub struct UserSessions {
    /// The session cookie's name and attributes.
    pub cookie: SessionCookie,
    /// Sessions read so far.
    pub cache: Arc<SessionCache>,
    /// Sessions a [`LedgerUser`] has read on PostgreSQL, where [`Self::cache`]
    /// keeps nothing: whether each is still live, the ledger writer asks
    /// the database again.
    pub ledger_cache: Arc<SessionCache>,
    /// The database.
    pub store: Store,
    /// The apps served: a session of an app no longer served is no session.
    pub catalog: Live,
}

/// The signed-in user of a request: extracting it answers 401
/// `unauthenticated` when there is no live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentUser {
    /// App id.
    pub app: String,
    /// User id within the app.
    pub user_id: String,
    /// Where the session was started.
    pub channel: Channel,
    /// SHA-256 (hex) of the session cookie's value: the session row's key.
    pub session: String,
    /// When the session started, Unix milliseconds: a "Not now" after it
    /// holds for this session only.
    pub started_ms: i64,
}

/// What a request's session cookie names.
enum Lookup {
    /// No cookie, no such session, or one of an app no longer served.
    None,
    /// A session that has ended; the cookie's value.
    Ended(String),
    /// A live session.
    Live(CurrentUser, i64),
}

/// The session a request's cookie names, from `cache` or else the
/// database, live or not: the cookie's value, its id hash and the row.
async fn session_of(
    state: &UserSessions,
    cache: &SessionCache,
    headers: &HeaderMap,
) -> Result<Option<(String, String, SessionRow)>> {
    let Some(value) = state.cookie.read(headers) else {
        return Ok(None);
    };
    let id_hash = sha256_hex(value.as_bytes());
    let session = find_session(&state.store, cache, &id_hash).await?;
    Ok(session.map(|s| (value, id_hash, s)))
}

async fn lookup(state: &UserSessions, headers: &HeaderMap) -> Result<Lookup> {
    let Some((value, id_hash, session)) = session_of(state, &state.cache, headers).await? else {
        return Ok(Lookup::None);
    };
    if !USER.is_live(session.last_seen_at, session.expires_at, now_secs()) {
        return Ok(Lookup::Ended(value));
    }
    if state.catalog.app(&session.app).is_none() {
        return Ok(Lookup::None);
    }
    let last_seen_at = session.last_seen_at;
    Ok(Lookup::Live(
        CurrentUser::of(session, id_hash),
        last_seen_at,
    ))
}

impl CurrentUser {
    /// The app this user signed in to, while `catalog` serves it (401 once
    /// it no longer does, as for a session of an app no longer served).
    pub fn app_in(&self, catalog: &Live) -> Result<Arc<crate::catalog::App>> {
        catalog.app(&self.app).ok_or_else(Error::signed_out)
    }

    /// The user of `session`, whose id hash is `id_hash`.
    fn of(session: SessionRow, id_hash: String) -> CurrentUser {
        CurrentUser {
            app: session.app,
            user_id: session.user_id,
            channel: session.channel,
            session: id_hash,
            started_ms: session.created_ms,
        }
    }

    /// Records this use of the session (at most once a minute).
    async fn touch(&self, state: &UserSessions, last_seen_at: i64) -> Result<()> {
        let now = now_secs();
        if USER
            .touch(state.store.pool(), &self.session, last_seen_at, now)
            .await?
        {
            state
                .cache
                .update(&self.session, |s| s.last_seen_at = s.last_seen_at.max(now));
        }
        Ok(())
    }

    /// The signed-in user of a request, or `None` when signed out. Writes
    /// nothing for a signed-out request (an ended session's row is left for
    /// the next sign-in to prune); a live session's use is recorded as for
    /// the extractor.
    pub async fn optional(
        state: &UserSessions,
        headers: &HeaderMap,
    ) -> Result<Option<CurrentUser>> {
        match lookup(state, headers).await? {
            Lookup::Live(user, last_seen_at) => {
                user.touch(state, last_seen_at).await?;
                Ok(Some(user))
            }
            Lookup::None | Lookup::Ended(_) => Ok(None),
        }
    }
}

impl<S> FromRequestParts<S> for CurrentUser
where
    S: Send + Sync,
    UserSessions: FromRef<S>,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        let state = &UserSessions::from_ref(state);
        match lookup(state, &parts.headers).await? {
            Lookup::None => Err(Error::signed_out()),
            Lookup::Ended(value) => {
                end_session(&state.store, &state.cache, &value).await?;
                Err(Error::session_ended())
            }
            Lookup::Live(user, last_seen_at) => {
                user.touch(state, last_seen_at).await?;
                Ok(user)
            }
        }
    }
}

/// The signed-in user of a request whose one database write goes through
/// the ledger writer (recording a consent), and the session the writer
/// must find live before it writes (`check`).
///
/// On SQLite this is [`CurrentUser`] (no `check`): its cache is exact, as
/// this process makes every change to a session. On PostgreSQL another
/// instance may have ended the session, so [`CurrentUser`] reads it on
/// every request; a `LedgerUser` instead reads it once (then from
/// [`UserSessions::ledger_cache`]) and leaves the check to the writer,
/// which reads every session of its batch with one statement just before
/// writing. A session ended anywhere before the request reached the writer
/// is refused with the same 401 as by [`CurrentUser`], and a consent then
/// costs no statement of its own (docs/benchmarks.md, part 7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerUser {
    /// The user.
    pub user: CurrentUser,
    /// The session's id hash, for the writer to check; `None` when the
    /// extractor already did.
    pub check: Option<String>,
}

impl<S> FromRequestParts<S> for LedgerUser
where
    S: Send + Sync,
    UserSessions: FromRef<S>,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        let sessions = &UserSessions::from_ref(state);
        if sessions.store.engine() == Engine::Sqlite {
            let user = CurrentUser::from_request_parts(parts, state).await?;
            return Ok(LedgerUser { user, check: None });
        }
        let (_, id_hash, session) = session_of(sessions, &sessions.ledger_cache, &parts.headers)
            .await?
            .ok_or_else(Error::signed_out)?;
        // Only the absolute end is judged here: the idle one depends on
        // `last_seen_at`, which other instances move.
        if session.expires_at <= now_secs() {
            return Err(Error::session_ended());
        }
        if sessions.catalog.app(&session.app).is_none() {
            return Err(Error::signed_out());
        }
        Ok(LedgerUser {
            user: CurrentUser::of(session, id_hash.clone()),
            check: Some(id_hash),
        })
    }
}
