//! Signing in and out: `POST|DELETE /api/session`, and under `--dev` the
//! "sign in as" shortcut `POST /api/dev/session`. `GET /api/session` says
//! who is signed in (if anyone) and whether dev mode is on, always with 200;
//! `GET /api/dev` tells only the latter.

use axum::extract::{FromRef, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use privacy_center_core::wire::{
    Channel, DevClock, DevClockRequest, DevInfo, DevSessionRequest, ErrorBody, SessionInfo,
    SessionRequest, SessionState,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::clock::{now_secs, rfc3339_ms};
use crate::error::{Error, Result, TokenRefusal};
use crate::identity::{
    end_session, start_session, valid_user_id, Claims, CurrentUser, UserSessions,
    SESSION_ABSOLUTE_SECS,
};
use crate::json::ApiJson;
use crate::state::AppState;

use super::doc::{BodyErrors, CrossSite};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(session_state, sign_in, sign_out))
        .routes(routes!(dev_info))
}

/// Registered only under `serve --dev`.
pub(super) fn dev_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(dev_sign_in))
        .routes(routes!(dev_clock))
}

/// The most `POST /api/dev/clock` moves the clock at once: ten years.
const MAX_ADVANCE_SECS: i64 = 10 * 366 * 86_400;

/// Moves the server's clock forward (tests reaching the end of a wait), or
/// sets it to a time from which it runs on (tests of what happens on a
/// given day, such as a policy version taking effect).
#[utoipa::path(
    post,
    path = "/dev/clock",
    tag = "dev",
    request_body = DevClockRequest,
    responses((status = 200, description = "The time the server now reads", body = DevClock), BodyErrors, CrossSite)
)]
async fn dev_clock(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<DevClockRequest>,
) -> Result<Json<DevClock>> {
    match (req.advance_seconds, req.set) {
        (Some(seconds), None) => {
            if !(0..=MAX_ADVANCE_SECS).contains(&seconds) {
                return Err(Error::invalid_field(
                    "advance_seconds",
                    "must be between 0 and 10 years in seconds; `advance_seconds` only moves forward (`set` moves to any time)",
                ));
            }
            state.clock.advance(seconds * 1000);
        }
        (None, Some(time)) => {
            let ms = crate::clock::parse_rfc3339_ms(&time).ok_or_else(|| {
                Error::invalid_field(
                    "set",
                    "must be an RFC 3339 time between 2000 and 2100, e.g. 2026-12-15T00:00:00+08:00",
                )
            })?;
            state.clock.run_from(ms);
        }
        _ => {
            return Err(Error::invalid_field(
                "advance_seconds",
                "give either `advance_seconds` or `set`",
            ))
        }
    }
    // Requests whose cooling-off the move ended are finalised at once.
    state.cancellation_wake.notify_one();
    Ok(Json(DevClock {
        now: rfc3339_ms(state.clock.now_ms()),
    }))
}

/// Exchanges a host app's handoff token for a session cookie.
#[utoipa::path(
    post,
    path = "/session",
    tag = "session",
    request_body = SessionRequest,
    responses(
        (status = 201, description = "Signed in; the session cookie is set", body = SessionInfo),
        (status = 401, description = "`token_invalid`, `token_expired`, `token_replayed` or `token_wrong_app`", body = ErrorBody),
        BodyErrors,
        CrossSite,
    )
)]
async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<SessionRequest>,
) -> Result<Response> {
    let claims = state.keys.verify(&req.token, now_secs())?;
    if state.catalog.app(&claims.app).is_none() {
        return Err(Error::Token(TokenRefusal::WrongApp(
            "it names an app this server does not serve",
        )));
    }
    if req.app.as_ref().is_some_and(|page| *page != claims.app) {
        // Checked before the token is used up: the right page can still take it.
        return Err(Error::Token(TokenRefusal::WrongApp(
            "it was minted for another app than the page it was opened on",
        )));
    }
    let channel = req.channel.unwrap_or(Channel::Browser);
    session_response(
        &state,
        &headers,
        &claims.app,
        &claims.sub,
        channel,
        Some(&claims),
    )
    .await
}

/// Signs in as any user of an app, without a token.
#[utoipa::path(
    post,
    path = "/dev/session",
    tag = "dev",
    request_body = DevSessionRequest,
    responses((status = 201, description = "Signed in; the session cookie is set", body = SessionInfo), BodyErrors, CrossSite)
)]
async fn dev_sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<DevSessionRequest>,
) -> Result<Response> {
    if state.catalog.app(&req.app).is_none() {
        return Err(Error::invalid_field("app", "no such app"));
    }
    if !valid_user_id(&req.user) {
        return Err(Error::invalid_field(
            "user",
            "must be 1-128 printable ASCII characters without spaces",
        ));
    }
    session_response(
        &state,
        &headers,
        &req.app,
        &req.user,
        Channel::Browser,
        None,
    )
    .await
}

async fn session_response(
    state: &AppState,
    headers: &HeaderMap,
    app: &str,
    user: &str,
    channel: Channel,
    token: Option<&Claims>,
) -> Result<Response> {
    let old = state.cookie.read(headers);
    let value = start_session(
        &state.store,
        &state.sessions,
        app,
        user,
        channel,
        token,
        old.as_deref(),
        state.clock.now_ms(),
    )
    .await?;
    let body = SessionInfo {
        app: app.to_owned(),
        user: user.to_owned(),
        channel,
    };
    Ok((
        StatusCode::CREATED,
        [(
            header::SET_COOKIE,
            state.cookie.set(&value, SESSION_ABSOLUTE_SECS),
        )],
        Json(body),
    )
        .into_response())
}

/// Ends the session (if any) and tells the browser to forget the cookie.
#[utoipa::path(
    delete,
    path = "/session",
    tag = "session",
    responses((status = 204, description = "Signed out (also when no one was signed in)"), CrossSite)
)]
async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Result<Response> {
    if let Some(value) = state.cookie.read(&headers) {
        end_session(&state.store, &state.sessions, &value).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, state.cookie.clear())],
    )
        .into_response())
}

/// Whether the server runs under `serve --dev`.
#[utoipa::path(
    get,
    path = "/dev",
    tag = "operations",
    responses((status = 200, description = "Whether dev mode is on", body = DevInfo))
)]
async fn dev_info(State(state): State<AppState>) -> Json<DevInfo> {
    Json(DevInfo {
        dev: state.settings.dev,
    })
}

/// Who is signed in, if anyone, and whether dev mode is on. Signed out is
/// an answer (200, `me: null`), not an error, and writes nothing; never
/// cached, since it changes with the cookie.
#[utoipa::path(
    get,
    path = "/session",
    tag = "session",
    security((), ("session" = [])),
    responses((status = 200, description = "Who is signed in (`me: null` when no one) and whether dev mode is on", body = SessionState))
)]
async fn session_state(State(state): State<AppState>, headers: HeaderMap) -> Result<Response> {
    let me = match CurrentUser::optional(&UserSessions::from_ref(&state), &headers).await? {
        Some(user) => Some(super::me::me_of(&state, user).await?),
        None => None,
    };
    let body = SessionState {
        me,
        dev: state.settings.dev,
    };
    // `no-store` comes from `web::private_answers`, like every personal answer.
    Ok(Json(body).into_response())
}
