//! The signed-in user's consent records: `GET|POST /api/me/consents`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use privacy_center_core::consent::{self, Answer};
use privacy_center_core::wire::{ConsentRecord, ConsentRequest};

use crate::error::{Error, Result};
use crate::identity::CurrentUser;
use crate::json::ApiJson;
use crate::ledger::{self, Append};
use crate::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/me/consents", get(list).post(record))
}

/// The user's records, newest first.
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<ConsentRecord>>> {
    let mut records = ledger::records_wire(state.store.pool(), &user.app, &user.user_id).await?;
    records.reverse();
    Ok(Json(records))
}

/// Accepts the current version, withdraws the standing acceptance, or
/// records "Not now" for the current version, as `core::consent` allows.
async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<ConsentRequest>,
) -> Result<(StatusCode, Json<ConsentRecord>)> {
    let app = super::me::app_of(&state, &user)?;
    let refused = |r| Error::refused(r, &user.app);
    let answer = Answer::from_request(app.current().map(|v| &v.file.meta), req).map_err(refused)?;
    if matches!(answer, Answer::Defer { .. }) {
        // Only "Not now" depends on the verdict; the writer then refuses a
        // deferral of an accepted version atomically.
        let status = super::me::status(&state, app, &user.user_id).await?;
        consent::may_defer(&answer, &status).map_err(refused)?;
    }
    let record = state
        .ledger
        .append(Append {
            app: user.app,
            user_id: user.user_id,
            channel: user.channel,
            answer,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(record)))
}
