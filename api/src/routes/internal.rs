//! Server-to-server: a host app's back end asks about its users with its
//! service token (`Authorization: Bearer …`). No cookie sessions here; one
//! app's token opens none of another app's routes.

use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use privacy_center_core::wire::{
    Change, ChangeData, ChangeFeed, ConsentState, ErrorBody, InternalStatus, PushCheck,
    PushCheckAnswer, PushRefusal, UpcomingPolicy,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::settings::reply;
use std::sync::Arc;

use crate::catalog::App;
use crate::error::{Error, Result};
use crate::identity::valid_user_id;
use crate::json::ApiJson;
use crate::settings;
use crate::state::AppState;
use crate::store::on_db;

/// Most users one push-check asks about.
pub const MAX_PUSH_CHECK_USERS: usize = 10_000;
/// Why a user id in a host app's question is refused (the handoff token's rule).
const USER_ID_RULE: &str = "a user id is 1-128 printable ASCII characters without spaces";

/// Largest push-check body: 10,000 user ids of up to 128 characters, quoted.
const PUSH_CHECK_BODY_BYTES: usize = 2 << 20;
/// Most changes one feed page holds, and how many it holds by default.
const MAX_FEED_PAGE: i64 = 1000;
const DEFAULT_FEED_PAGE: i64 = 100;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    let (schemas, paths, push_check) = routes!(push_check);
    OpenApiRouter::new()
        .routes(routes!(status))
        .routes((
            schemas,
            paths,
            push_check.layer(DefaultBodyLimit::max(PUSH_CHECK_BODY_BYTES)),
        ))
        .routes(routes!(changes))
}

/// The app whose service token came with the request (401 otherwise).
fn host_app(state: &AppState, app_id: &str, headers: &HeaderMap) -> Result<Arc<App>> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    state
        .catalog
        .app(app_id)
        .filter(|_| state.keys.check_service_token(app_id, presented))
        .ok_or_else(|| {
            Error::Unauthenticated(format!(
                "send the service token of {app_id:?} as Authorization: Bearer <token>"
            ))
        })
}

/// Where one user stands: consent, push settings (quiet hours resolved to
/// now) and privacy switches.
#[utoipa::path(
    get,
    path = "/internal/apps/{app}/users/{user}/status",
    tag = "host",
    security(("service" = [])),
    params(
        ("app" = String, Path, description = "App id (the token's app)"),
        ("user" = String, Path, description = "User id: 1-128 printable ASCII characters without spaces"),
    ),
    responses(
        (status = 200, description = "The user's state (a user never seen has the defaults)", body = InternalStatus),
        (status = 401, description = "`unauthenticated`: no service token of this app", body = ErrorBody),
        (status = 422, description = "`invalid`: a user id no handoff token can carry", body = ErrorBody),
    )
)]
async fn status(
    State(state): State<AppState>,
    Path((app_id, user)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response> {
    let app = host_app(&state, &app_id, &headers)?;
    if !valid_user_id(&user) {
        // No token can carry it, so "never consented" would be a guess.
        return Err(Error::invalid_field("user", USER_ID_RULE));
    }
    let s = super::me::status(&state, &app, &user).await?;
    let upcoming = app
        .schedule(state.clock.now_ms())
        .upcoming()
        .map(|m| UpcomingPolicy {
            version: m.version.clone(),
            effective: m.effective,
            material: m.material,
            // `Current` only when the accepted hash is this version's text.
            agreed: s.consent == ConsentState::Current
                && s.consented_version.as_deref() == Some(m.version.as_str()),
        });
    let stored = settings::load_from(state.store.pool(), &app_id, &user).await?;
    Ok(reply(
        StatusCode::OK,
        InternalStatus {
            consented_version: s.consented_version,
            consent: s.consent,
            needs_reconsent: s.needs_reconsent,
            limited_mode: s.limited_mode,
            deferred_version: s.deferred_version,
            deferred_at: s.deferred_at,
            upcoming,
            push: stored.push_status(&app.config, state.clock.now_ms()),
            switches: stored.switch_values(&app.config),
            teen_mode: crate::teen::status(
                state.store.pool(),
                &app.config,
                &user,
                state.clock.now_ms(),
            )
            .await?,
            account: crate::cancellation::account_status(state.store.pool(), &app_id, &user)
                .await?,
        },
    ))
}

/// Which of up to 10,000 users may be sent a push of one category now.
#[utoipa::path(
    post,
    path = "/internal/apps/{app}/push-check",
    tag = "host",
    security(("service" = [])),
    params(("app" = String, Path, description = "App id (the token's app)")),
    request_body = PushCheck,
    responses(
        (status = 200, description = "Every user asked, allowed or refused with the reason, in the order asked", body = PushCheckAnswer),
        (status = 401, description = "`unauthenticated`: no service token of this app", body = ErrorBody),
        (status = 400, description = "`bad_json`", body = ErrorBody),
        (status = 413, description = "`too_large`: over 2 MiB", body = ErrorBody),
        (status = 415, description = "`unsupported_media_type`", body = ErrorBody),
        (status = 422, description = "`invalid`: unknown category, no users, over 10,000, or an impossible user id", body = ErrorBody),
    )
)]
async fn push_check(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
    headers: HeaderMap,
    ApiJson(check): ApiJson<PushCheck, PUSH_CHECK_BODY_BYTES>,
) -> Result<Response> {
    let app = host_app(&state, &app_id, &headers)?;
    let Some(category) = app
        .config
        .push_categories
        .iter()
        .find(|c| c.id == check.category)
    else {
        return Err(Error::invalid_field(
            "category",
            format!("{app_id} has no push category {:?}", check.category),
        ));
    };
    if check.users.is_empty() || check.users.len() > MAX_PUSH_CHECK_USERS {
        return Err(Error::invalid_field(
            "users",
            format!(
                "ask about 1 to {MAX_PUSH_CHECK_USERS} users at a time, not {}",
                check.users.len()
            ),
        ));
    }
    if let Some(i) = check.users.iter().position(|u| !valid_user_id(u)) {
        return Err(Error::invalid_field(&format!("users[{i}]"), USER_ID_RULE));
    }
    let mut answer = PushCheckAnswer {
        category: check.category.clone(),
        allowed: Vec::with_capacity(check.users.len()),
        refused: Vec::new(),
    };
    if !category.opt_out {
        // Users cannot turn it off, and quiet hours do not hold it back.
        answer.allowed = check.users;
        return Ok(reply(StatusCode::OK, answer));
    }
    let reasons = settings::push_check(
        state.store.pool(),
        &app_id,
        &check.category,
        &check.users,
        state.clock.now_ms(),
    )
    .await?;
    for (user, reason) in check.users.into_iter().zip(reasons) {
        match reason {
            None => answer.allowed.push(user),
            Some(reason) => answer.refused.push(PushRefusal { user, reason }),
        }
    }
    Ok(reply(StatusCode::OK, answer))
}

/// `after` and `limit` of a feed request; anything else is refused.
fn feed_query(query: Option<&str>) -> Result<(i64, i64)> {
    let (mut after, mut limit) = (0, DEFAULT_FEED_PAGE);
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let parsed = value.parse::<i64>();
        match (key, parsed) {
            ("after", Ok(v)) if v >= 0 => after = v,
            ("limit", Ok(v)) if (1..=MAX_FEED_PAGE).contains(&v) => limit = v,
            ("after", _) => {
                return Err(Error::invalid_field(
                    "after",
                    "a cursor: 0 or the `next` of the previous page",
                ))
            }
            ("limit", _) => {
                return Err(Error::invalid_field(
                    "limit",
                    format!("a number from 1 to {MAX_FEED_PAGE}"),
                ))
            }
            (other, _) => {
                return Err(Error::invalid_field(
                    other,
                    "unknown parameter; use after and limit",
                ))
            }
        }
    }
    Ok((after, limit))
}

/// The app's change feed: every consent decision and settings change, in
/// order, after a cursor.
#[utoipa::path(
    get,
    path = "/internal/apps/{app}/changes",
    tag = "host",
    security(("service" = [])),
    params(
        ("app" = String, Path, description = "App id (the token's app)"),
        ("after" = Option<i64>, Query, description = "The cursor to read after (`next` of the page before); 0 or absent from the start", minimum = 0),
        ("limit" = Option<i64>, Query, description = "Most changes in the page, 1-1000 (default 100)", minimum = 1, maximum = 1000),
    ),
    responses(
        (status = 200, description = "Changes after the cursor, oldest first, and the next cursor", body = ChangeFeed),
        (status = 401, description = "`unauthenticated`: no service token of this app", body = ErrorBody),
        (status = 422, description = "`invalid`: a bad `after` or `limit`, or an unknown query key", body = ErrorBody),
    )
)]
async fn changes(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response> {
    host_app(&state, &app_id, &headers)?;
    let (after, limit) = feed_query(query.as_deref())?;
    let rows: Vec<(i64, String, String, String, String)> = on_db!(state.store.pool(), c => sqlx::query_as(
        "SELECT seq, user_id, kind, at, data FROM changes WHERE app = $1 AND seq > $2 \
         ORDER BY seq LIMIT $3",
    )
    .bind(&app_id)
    .bind(after)
    .bind(limit)
    .fetch_all(c).await)?;
    let mut feed = ChangeFeed {
        changes: Vec::with_capacity(rows.len()),
        next: rows.last().map_or(after, |r| r.0),
    };
    for (cursor, user, kind, at, data) in rows {
        let unreadable = |e: serde_json::Error| {
            Error::Unreadable(format!("change {cursor} ({kind}) cannot be read: {e}"))
        };
        let data: serde_json::Value = serde_json::from_str(&data).map_err(unreadable)?;
        let change: ChangeData =
            serde_json::from_value(serde_json::json!({ "kind": kind, "data": data }))
                .map_err(unreadable)?;
        feed.changes.push(Change {
            cursor,
            user,
            at,
            change,
        });
    }
    Ok(reply(StatusCode::OK, feed))
}
