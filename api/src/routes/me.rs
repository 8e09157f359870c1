//! The signed-in user: `GET /api/me` (consent standing) and
//! `GET /api/me/export` (everything held about them: JSON for machines, or
//! with `?format=html` a readable page for people).

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use privacy_center_core::wire::{
    Channel, ConsentStatus, CurrentPolicy, ErrorBody, Export, ExportSession, Me, PolicyMeta,
};
use privacy_center_core::words::Lang;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::catalog::App;
use crate::clock::rfc3339_ms;
use crate::error::{Error, Result};
use crate::identity::CurrentUser;
use crate::json::ApiQuery;
use crate::ledger;
use crate::state::AppState;
use crate::store::on_db;

use super::doc::SignedOut;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(export))
}

/// The consent verdict for a user of `app`, from their latest decision and
/// any "Not now" since.
pub(super) async fn status(state: &AppState, app: &App, user: &str) -> Result<ConsentStatus> {
    let head = state
        .ledger
        .head(state.store.pool(), &app.config.id, user)
        .await?;
    Ok(head.status(app.schedule(state.clock.now_ms())))
}

/// The signed-in user, the app's current policy and where they stand.
#[utoipa::path(
    get,
    path = "/me",
    tag = "me",
    security(("session" = [])),
    responses((status = 200, description = "The user and their consent verdict", body = Me), SignedOut)
)]
async fn me(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Me>> {
    Ok(Json(me_of(&state, user).await?))
}

/// The signed-in user with the app's current policy and their verdict.
pub(super) async fn me_of(state: &AppState, user: CurrentUser) -> Result<Me> {
    let app = user.app_in(&state.catalog)?;
    let schedule = app.schedule(state.clock.now_ms());
    let policy = |m: &PolicyMeta| CurrentPolicy {
        version: m.version.clone(),
        sha256: m.sha256.clone(),
        title: m.title.clone(),
        material: m.material,
        summary: m.summary.clone(),
        effective: m.effective,
    };
    let current = schedule.current().map(policy);
    let upcoming = schedule.upcoming().map(policy);
    let status = status(state, &app, &user.user_id).await?;
    // Both are RFC 3339 UTC with milliseconds, so they compare as text.
    let deferred_in_session = status
        .deferred_at
        .as_ref()
        .is_some_and(|at| *at > rfc3339_ms(user.started_ms));
    Ok(Me {
        app: user.app,
        user: user.user_id,
        channel: user.channel,
        current,
        upcoming,
        status,
        deferred_in_session,
    })
}

/// `GET /api/me/export` query: `format` `json` (the default) or `html`;
/// `lang` (`zh-CN` or `en`) for the readable page, else `Accept-Language`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ExportQuery {
    /// `json` (the default) or `html` (a readable page).
    format: Option<String>,
    /// `zh-CN` or `en`, for the readable page; else `Accept-Language`.
    lang: Option<String>,
}

/// Everything the privacy center holds about the user, as an attachment:
/// JSON for machines, or a readable page (`format=html`).
#[utoipa::path(
    get,
    path = "/me/export",
    tag = "me",
    security(("session" = [])),
    params(ExportQuery),
    responses(
        (status = 200, description = "The user's data", content(
            (Export = "application/json"),
            (String = "text/html"),
        )),
        (status = 422, description = "`invalid`: an unknown `format`, `lang` or query key", body = ErrorBody),
        SignedOut,
    )
)]
async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response> {
    let html = match query.format.as_deref() {
        None | Some("json") => false,
        Some("html") => true,
        Some(_) => return Err(Error::invalid_field("format", "must be json or html")),
    };
    let lang = match query.lang.as_deref() {
        Some(tag) => Lang::from_tag(tag)
            .ok_or_else(|| Error::invalid_field("lang", "must be zh-CN or en"))?,
        None => headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map_or(Lang::ZhCn, Lang::from_accept_language),
    };
    let app = user.app_in(&state.catalog)?;
    let sessions: Vec<(String, String, i64, i64, i64)> = on_db!(state.store.pool(), c => sqlx::query_as(
        "SELECT id_hash, channel, created_at, last_seen_at, expires_at FROM sessions \
         WHERE app = $1 AND user_id = $2 ORDER BY created_at",
    )
    .bind(&user.app)
    .bind(&user.user_id)
    .fetch_all(c).await)?;
    let consents = ledger::records_wire(
        state.store.pool(),
        state.ledger.keyring(),
        &user.app,
        &user.user_id,
    )
    .await?;
    let (settings, history) = super::settings::export_settings(&state, &user).await?;
    let teen_mode = crate::teen::export(state.store.pool(), &app.config, &user.user_id).await?;
    let body = Export {
        exported_at: rfc3339_ms(state.clock.now_ms()),
        sessions: sessions
            .into_iter()
            .map(|(hash, channel, created, seen, expires)| ExportSession {
                channel: Channel::parse(&channel).unwrap_or_default(),
                created_at: rfc3339_ms(created * 1000),
                last_seen_at: rfc3339_ms(seen * 1000),
                expires_at: rfc3339_ms(expires * 1000),
                current: hash == user.session,
            })
            .collect(),
        consents,
        settings,
        history,
        teen_mode,
        app: user.app,
        user: user.user_id,
    };
    // App ids are [a-z0-9._-]; user ids may hold any printable ASCII, so
    // only a safe subset goes into the header.
    let safe_user: String = body
        .user
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let extension = if html { "html" } else { "json" };
    let disposition = format!(
        "attachment; filename=\"privacy-center-export-{}-{safe_user}.{extension}\"",
        body.app
    );
    let disposition = HeaderValue::from_str(&disposition)
        .map_err(|e| Error::Internal(format!("content-disposition: {e}")))?;
    // `no-store` comes from `web::private_answers`, like every personal answer.
    if html {
        let page = crate::export_doc::render(&body, &app.config, lang);
        let csp = HeaderValue::from_str(&crate::export_doc::CSP)
            .map_err(|e| Error::Internal(format!("export csp: {e}")))?;
        return Ok((
            [
                (header::CONTENT_DISPOSITION, disposition),
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                ),
                (header::CONTENT_SECURITY_POLICY, csp),
            ],
            page,
        )
            .into_response());
    }
    Ok(([(header::CONTENT_DISPOSITION, disposition)], Json(body)).into_response())
}
