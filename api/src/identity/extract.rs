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
use super::user::{end_session, find_session, SessionCache};
use crate::catalog::Live;
use crate::clock::now_secs;
use crate::error::{Error, Result};
use crate::store::Store;

/// What finding the signed-in user needs of the server's state (taken from
/// it with [`FromRef`], so this module does not depend on the whole state).
#[derive(Debug, Clone)]
pub struct UserSessions {
    /// The session cookie's name and attributes.
    pub cookie: SessionCookie,
    /// Sessions read so far.
    pub cache: Arc<SessionCache>,
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

async fn lookup(state: &UserSessions, headers: &HeaderMap) -> Result<Lookup> {
    let Some(value) = state.cookie.read(headers) else {
        return Ok(Lookup::None);
    };
    let id_hash = sha256_hex(value.as_bytes());
    let Some(session) = find_session(&state.store, &state.cache, &id_hash).await? else {
        return Ok(Lookup::None);
    };
    if !USER.is_live(session.last_seen_at, session.expires_at, now_secs()) {
        return Ok(Lookup::Ended(value));
    }
    if state.catalog.app(&session.app).is_none() {
        return Ok(Lookup::None);
    }
    let user = CurrentUser {
        app: session.app,
        user_id: session.user_id,
        channel: session.channel,
        session: id_hash,
        started_ms: session.created_ms,
    };
    Ok(Lookup::Live(user, session.last_seen_at))
}

impl CurrentUser {
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
            Lookup::None => Err(Error::Unauthenticated("please sign in first".to_owned())),
            Lookup::Ended(value) => {
                end_session(&state.store, &state.cache, &value).await?;
                Err(Error::Unauthenticated(
                    "your session has ended; please sign in again".to_owned(),
                ))
            }
            Lookup::Live(user, last_seen_at) => {
                user.touch(state, last_seen_at).await?;
                Ok(user)
            }
        }
    }
}
