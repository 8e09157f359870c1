//! The signed-in user's account cancellation: `GET|POST|DELETE
//! /api/me/cancellation` (the rules and the store side are
//! `crate::cancellation`). Every answer is the page's whole state.

use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use privacy_center_core::calendar::{confirms, CONFIRMATIONS};
use privacy_center_core::wire::CancellationRequest;

use super::me::app_of;
use super::settings::reply;
use crate::cancellation::Cancellations;
use crate::error::{Error, Result};
use crate::identity::CurrentUser;
use crate::json::ApiJson;
use crate::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route(
        "/me/cancellation",
        get(status).post(request).delete(withdraw),
    )
}

async fn status(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    let app = app_of(&state, &user)?;
    let c = Cancellations::from_ref(&state);
    let body = c.status(app, &user.user_id, user.started_ms).await?;
    Ok(reply(StatusCode::OK, body))
}

/// 201 with the page's state: the request is pending. The confirmation is
/// checked before freshness, so a mistyped phrase never costs a sign-in.
async fn request(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<CancellationRequest>,
) -> Result<Response> {
    let app = app_of(&state, &user)?;
    if !confirms(&req.confirmation) {
        return Err(Error::WrongConfirmation(format!(
            "type {} (or {:?}) to confirm; nothing was requested",
            CONFIRMATIONS[0], CONFIRMATIONS[1]
        )));
    }
    let c = Cancellations::from_ref(&state);
    c.request(app, &user.user_id, user.channel, user.started_ms)
        .await?;
    let body = c.status(app, &user.user_id, user.started_ms).await?;
    Ok(reply(StatusCode::CREATED, body))
}

async fn withdraw(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    let app = app_of(&state, &user)?;
    let c = Cancellations::from_ref(&state);
    c.withdraw(&user.app, &user.user_id).await?;
    let body = c.status(app, &user.user_id, user.started_ms).await?;
    Ok(reply(StatusCode::OK, body))
}
