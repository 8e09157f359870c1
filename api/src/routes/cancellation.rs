//! The signed-in user's account cancellation: `GET|POST|DELETE
//! /api/me/cancellation` (the rules and the store side are
//! `crate::cancellation`). Every answer is the page's whole state.

use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::response::Response;
use privacy_center_core::calendar::{confirms, CONFIRMATIONS};
use privacy_center_core::wire::{CancellationRequest, CancellationStatus, ErrorBody};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::settings::reply;
use crate::cancellation::Cancellations;
use crate::error::{Error, Result};
use crate::identity::CurrentUser;
use crate::json::ApiJson;
use crate::state::AppState;

use super::doc::{BodyErrors, CrossSite, SignedOut};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(status, request, withdraw))
}

/// The account's cancellation state: what happens, the app's conditions,
/// any pending request with both clocks, and whether this session may ask.
#[utoipa::path(
    get,
    path = "/me/cancellation",
    operation_id = "cancellation_status",
    tag = "me",
    security(("session" = [])),
    responses((status = 200, description = "The cancellation page's state", body = CancellationStatus), SignedOut)
)]
async fn status(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    let app = user.app_in(&state.catalog)?;
    let c = Cancellations::from_ref(&state);
    let body = c.status(&app, &user.user_id, user.started_ms).await?;
    Ok(reply(StatusCode::OK, body))
}

/// 201 with the page's state: the request is pending. The confirmation is
/// checked before freshness, so a mistyped phrase never costs a sign-in.
#[utoipa::path(
    post,
    path = "/me/cancellation",
    operation_id = "request_cancellation",
    tag = "me",
    security(("session" = [])),
    request_body = CancellationRequest,
    responses(
        (status = 201, description = "Requested; pending until the cooling-off ends", body = CancellationStatus),
        (status = 403, description = "`reverify_required`: open the page from the app again (a fresh sign-in)", body = ErrorBody),
        (status = 409, description = "`already_requested`", body = ErrorBody),
        (status = 422, description = "`wrong_confirmation`, or `invalid`", body = ErrorBody),
        SignedOut,
        BodyErrors,
        CrossSite,
    )
)]
async fn request(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<CancellationRequest>,
) -> Result<Response> {
    let app = user.app_in(&state.catalog)?;
    if !confirms(&req.confirmation) {
        return Err(Error::WrongConfirmation(format!(
            "type {} (or {:?}) to confirm; nothing was requested",
            CONFIRMATIONS[0], CONFIRMATIONS[1]
        )));
    }
    let c = Cancellations::from_ref(&state);
    c.request(&app, &user.user_id, user.channel, user.started_ms)
        .await?;
    let body = c.status(&app, &user.user_id, user.started_ms).await?;
    Ok(reply(StatusCode::CREATED, body))
}

/// Withdraws the pending request.
#[utoipa::path(
    delete,
    path = "/me/cancellation",
    operation_id = "withdraw_cancellation",
    tag = "me",
    security(("session" = [])),
    responses(
        (status = 200, description = "Withdrawn", body = CancellationStatus),
        (status = 409, description = "`nothing_to_cancel`", body = ErrorBody),
        SignedOut,
        CrossSite,
    )
)]
async fn withdraw(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    let app = user.app_in(&state.catalog)?;
    let c = Cancellations::from_ref(&state);
    c.withdraw(&user.app, &user.user_id).await?;
    let body = c.status(&app, &user.user_id, user.started_ms).await?;
    Ok(reply(StatusCode::OK, body))
}
