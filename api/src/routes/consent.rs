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

/// Accepts the current version or withdraws the standing acceptance.
async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<ConsentRequest>,
) -> Result<(StatusCode, Json<ConsentRecord>)> {
    let event = match req.action {
        ConsentAction::Accept => {
            let version = req
                .version
                .ok_or_else(|| Error::invalid_field("version", "required"))?;
            let sha256 = req
                .sha256
                .ok_or_else(|| Error::invalid_field("sha256", "required"))?;
            let app = state
                .catalog
                .app(&user.app)
                .ok_or_else(|| Error::Unauthenticated("please sign in first".into()))?;
            let current = app.current().ok_or_else(|| {
                Error::StaleVersion(format!("{} has no published policy", user.app))
            })?;
            let meta = &current.file.meta;
            if version != meta.version || sha256 != meta.sha256 {
                return Err(Error::StaleVersion(format!(
                    "the current policy of {} is version {} (sha256 {}); please read it and accept that",
                    user.app, meta.version, meta.sha256
                )));
            }
            Event::Accept { version, sha256 }
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
