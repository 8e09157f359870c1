//! Server-to-server: a host app's back end asks about one of its users with
//! its service token (`Authorization: Bearer …`). No cookie sessions here.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::routing::get;
use axum::{Json, Router};
use privacy_center_core::wire::InternalStatus;

use crate::error::{Error, Result};
use crate::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/internal/apps/{app}/users/{user}/status", get(status))
}

async fn status(
    State(state): State<AppState>,
    Path((app_id, user)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<InternalStatus>> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let app = state
        .catalog
        .app(&app_id)
        .filter(|_| state.keys.check_service_token(&app_id, presented))
        .ok_or_else(|| {
            Error::Unauthenticated(format!(
                "send the service token of {app_id:?} as Authorization: Bearer <token>"
            ))
        })?;
    let s = super::me::status(&state, app, &user).await?;
    Ok(Json(InternalStatus {
        consented_version: s.consented_version,
        consent: s.consent,
        needs_reconsent: s.needs_reconsent,
        limited_mode: s.limited_mode,
        deferred_version: s.deferred_version,
        deferred_at: s.deferred_at,
    }))
}
