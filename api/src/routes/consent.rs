//! The signed-in user's consent records: `GET|POST /api/me/consents`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use privacy_center_core::consent::{self, Answer};
use privacy_center_core::wire::{ConsentRecord, ConsentRequest, ErrorBody};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::clock::now_secs;
use crate::error::{Error, Result};
use crate::identity::session::USER;
use crate::identity::{CurrentUser, LedgerUser};
use crate::json::ApiJson;
use crate::ledger::{self, Append};
use crate::state::AppState;

use super::doc::{BodyErrors, CrossSite, SignedOut};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, record))
}

/// The user's records, newest first.
#[utoipa::path(
    get,
    path = "/me/consents",
    tag = "me",
    security(("session" = [])),
    responses((status = 200, description = "Every record of the user's chain, newest first", body = Vec<ConsentRecord>), SignedOut)
)]
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<ConsentRecord>>> {
    let mut records = ledger::records_wire(
        state.store.pool(),
        state.ledger.keyring(),
        &user.app,
        &user.user_id,
    )
    .await?;
    records.reverse();
    Ok(Json(records))
}

/// Accepts the current version (or, early, the upcoming one), withdraws the
/// standing acceptance, or records "Not now" for the current version, as
/// `core::consent` allows.
#[utoipa::path(
    post,
    path = "/me/consents",
    tag = "me",
    security(("session" = [])),
    request_body = ConsentRequest,
    responses(
        (status = 201, description = "Recorded in the user's hash chain", body = ConsentRecord),
        (status = 409, description = "`stale_version` (neither the current version nor, for `accept`, the upcoming one, or another hash; or the upcoming one before the current one is agreed to), `nothing_to_withdraw`, `nothing_to_defer`", body = ErrorBody),
        SignedOut,
        BodyErrors,
        CrossSite,
    )
)]
async fn record(
    State(state): State<AppState>,
    LedgerUser { user, check }: LedgerUser,
    ApiJson(req): ApiJson<ConsentRequest>,
) -> Result<(StatusCode, Json<ConsentRecord>)> {
    let app = user.app_in(&state.catalog)?;
    let refused = |r| Error::refused(r, &user.app);
    let schedule = app.schedule(state.clock.now_ms());
    let answer = Answer::from_request(schedule, req).map_err(refused)?;
    if answer.needs_verdict(schedule) {
        // Only "Not now" and an early acceptance depend on the verdict; the
        // writer then refuses a deferral of an accepted version atomically.
        // The verdict is the user's own: only for a live session.
        if let Some(id) = &check {
            let live = USER.live_of(state.store.pool(), &[id], now_secs()).await?;
            if !live.contains(id) {
                return Err(Error::session_ended());
            }
        }
        let status = super::me::status(&state, &app, &user.user_id).await?;
        consent::may_record(&answer, schedule, &status).map_err(refused)?;
    }
    let record = state
        .ledger
        .append(Append {
            app: user.app,
            user_id: user.user_id,
            channel: user.channel,
            answer,
            session: check,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(record)))
}
