//! The signed-in user: `GET /api/me` (consent standing) and
//! `GET /api/me/export` (everything held about them).

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use privacy_center_core::wire::{Channel, ConsentStatus, CurrentPolicy, Export, ExportSession, Me};

use crate::catalog::App;
use crate::clock::{now_ms, rfc3339_ms};
use crate::error::{Error, Result};
use crate::identity::CurrentUser;
use crate::ledger;
use crate::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/me", get(me))
        .route("/me/export", get(export))
}

/// The consent verdict for a user of `app`, from their latest decision and
/// any "Not now" since.
pub(super) async fn status(state: &AppState, app: &App, user: &str) -> Result<ConsentStatus> {
    let head = state
        .ledger
        .head(state.store.pool(), &app.config.id, user)
        .await?;
    Ok(head.status(&app.published_meta()))
}

/// The signed-in user's app (401 if it is no longer served).
pub(super) fn app_of<'a>(state: &'a AppState, user: &CurrentUser) -> Result<&'a App> {
    state
        .catalog
        .app(&user.app)
        .ok_or_else(|| Error::Unauthenticated("please sign in first".into()))
}

async fn me(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Me>> {
    Ok(Json(me_of(&state, user).await?))
}

/// The signed-in user with the app's current policy and their verdict.
pub(super) async fn me_of(state: &AppState, user: CurrentUser) -> Result<Me> {
    let app = app_of(state, &user)?;
    let current = app.current().map(|v| CurrentPolicy {
        version: v.file.meta.version.clone(),
        sha256: v.file.meta.sha256.clone(),
        title: v.file.meta.title.clone(),
        material: v.file.meta.material,
        summary: v.file.meta.summary.clone(),
    });
    let status = status(state, app, &user.user_id).await?;
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
        status,
        deferred_in_session,
    })
}

async fn export(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    app_of(&state, &user)?;
    let sessions: Vec<(String, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT id_hash, channel, created_at, last_seen_at, expires_at FROM sessions \
         WHERE app = ? AND user_id = ? ORDER BY created_at",
    )
    .bind(&user.app)
    .bind(&user.user_id)
    .fetch_all(state.store.pool())
    .await?;
    let consents = ledger::records_wire(state.store.pool(), &user.app, &user.user_id).await?;
    let (settings, history) = super::settings::export_settings(&state, &user).await?;
    let app = app_of(&state, &user)?;
    let teen_mode = crate::teen::export(state.store.pool(), &app.config, &user.user_id).await?;
    let body = Export {
        exported_at: rfc3339_ms(now_ms()),
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
    let disposition = format!(
        "attachment; filename=\"privacy-center-export-{}-{safe_user}.json\"",
        body.app
    );
    let disposition = HeaderValue::from_str(&disposition)
        .map_err(|e| Error::Internal(format!("content-disposition: {e}")))?;
    Ok((
        // `no-store` comes from `web::private_answers`, like every personal answer.
        [(header::CONTENT_DISPOSITION, disposition)],
        Json(body),
    )
        .into_response())
}
