//! The signed-in user's consent records: `GET|POST /api/me/consents`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use privacy_center_core::wire::{ConsentAction, ConsentRecord, ConsentRequest};

use crate::error::{Error, Result};
use crate::identity::CurrentUser;
use crate::json::ApiJson;
use crate::ledger::{self, Append, Event};
use crate::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/me/consents", get(list).post(record))
}

/// The user's records, newest first.
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<ConsentRecord>>> {
    let rows = ledger::records(state.store.pool(), &user.app, &user.user_id).await?;
    Ok(Json(rows.iter().rev().map(ledger::Row::to_wire).collect()))
}

/// Accepts the current version, withdraws the standing acceptance, or
/// records "Not now" for the current version.
async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<ConsentRequest>,
) -> Result<(StatusCode, Json<ConsentRecord>)> {
    let event = match req.action {
        ConsentAction::Accept => {
            let (version, sha256) = current_named(&state, &user, req.version, req.sha256)?;
            Event::Accept { version, sha256 }
        }
        ConsentAction::Defer => {
            let (version, sha256) = current_named(&state, &user, req.version, req.sha256)?;
            let app = super::me::app_of(&state, &user)?;
            // The writer refuses a deferral of an accepted version atomically;
            // this also refuses one the verdict does not ask for (only minor
            // changes since the user's acceptance).
            if !super::me::status(&state, app, &user.user_id)
                .await?
                .needs_reconsent
            {
                return Err(Error::NothingToDefer(format!(
                    "you have agreed to what version {version} requires; there is nothing to put off"
                )));
            }
            Event::Defer { version, sha256 }
        }
        ConsentAction::Withdraw => Event::Withdraw {
            version: req.version,
            sha256: req.sha256,
        },
    };
    let record = state
        .ledger
        .append(Append {
            app: user.app,
            user_id: user.user_id,
            channel: user.channel,
            event,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(record)))
}

/// The `version` and `sha256` of a request, required and equal to the
/// app's current published version (409 `stale_version` otherwise).
fn current_named(
    state: &AppState,
    user: &CurrentUser,
    version: Option<String>,
    sha256: Option<String>,
) -> Result<(String, String)> {
    let version = version.ok_or_else(|| Error::invalid_field("version", "required"))?;
    let sha256 = sha256.ok_or_else(|| Error::invalid_field("sha256", "required"))?;
    let app = super::me::app_of(state, user)?;
    let current = app
        .current()
        .ok_or_else(|| Error::StaleVersion(format!("{} has no published policy", user.app)))?;
    let meta = &current.file.meta;
    if version != meta.version || sha256 != meta.sha256 {
        return Err(Error::StaleVersion(format!(
            "the current policy of {} is version {} (sha256 {}); please read it and answer about that one",
            user.app, meta.version, meta.sha256
        )));
    }
    Ok((version, sha256))
}
