//! The product team: `POST|DELETE /api/staff/session` (sign in with the
//! staff credential, sign out) and `GET /api/staff/apps` (every app with all
//! its versions, drafts included), `GET /api/staff/policies/reload` (this
//! instance's policy tree and its last refused reload).

use axum::extract::{FromRef, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use privacy_center_core::wire::{ErrorBody, PolicyTreeStatus, StaffApp, StaffSessionRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{Error, Result};
use crate::json::ApiJson;
use crate::staff::{
    end_staff_session, start_staff_session, ClientIp, Staff, StaffSessions, STAFF_ABSOLUTE_SECS,
};
use crate::state::AppState;

use super::doc::{BodyErrors, CrossSite};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_in, sign_out))
        .routes(routes!(list_apps))
        .routes(routes!(reload_status))
}

/// Exchanges the staff credential for a staff session cookie. A throttled
/// client is refused before the credential is compared; a wrong one counts.
#[utoipa::path(
    post,
    path = "/staff/session",
    operation_id = "staff_sign_in",
    tag = "staff",
    request_body = StaffSessionRequest,
    responses(
        (status = 204, description = "Signed in; the staff cookie is set"),
        (status = 401, description = "`invalid_credential`", body = ErrorBody),
        (status = 429, description = "`too_many_requests`, with `Retry-After`", body = ErrorBody),
        BodyErrors,
        CrossSite,
    )
)]
async fn sign_in(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<StaffSessionRequest>,
) -> Result<Response> {
    let now = state.clock.now_ms();
    let has_session = StaffSessions::from_ref(&state).is_staff(&headers).await?;
    let throttle = &state.staff.throttle;
    throttle
        .check(&state.store, client, has_session, now)
        .await?
        .map_err(Error::TooManyRequests)?;
    if !state.staff.credential.matches(&body.credential) {
        throttle.record(&state.store, client, now).await?;
        tracing::warn!(%client, "staff sign-in refused: wrong credential");
        return Err(Error::InvalidCredential);
    }
    let old = state.staff_cookie.read(&headers);
    let value = start_staff_session(&state.store, old.as_deref()).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(
            header::SET_COOKIE,
            state.staff_cookie.set(&value, STAFF_ABSOLUTE_SECS),
        )],
    )
        .into_response())
}

/// Ends the staff session (if any) and tells the browser to forget the cookie.
/// Ends the staff session (if any).
#[utoipa::path(
    delete,
    path = "/staff/session",
    operation_id = "staff_sign_out",
    tag = "staff",
    responses((status = 204, description = "Signed out"), CrossSite)
)]
async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Result<Response> {
    if let Some(value) = state.staff_cookie.read(&headers) {
        end_staff_session(&state.store, &value).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, state.staff_cookie.clear())],
    )
        .into_response())
}

/// Every app with every version, drafts included, and its `app.toml`.
/// Every app with all its versions, drafts included, and its `app.toml`.
#[utoipa::path(
    get,
    path = "/staff/apps",
    operation_id = "staff_list_apps",
    tag = "staff",
    security(("staff" = [])),
    responses(
        (status = 200, description = "Every app", body = Vec<StaffApp>),
        (status = 401, description = "`unauthenticated`: no staff cookie", body = ErrorBody),
    )
)]
async fn list_apps(_: Staff, State(state): State<AppState>) -> Json<Vec<StaffApp>> {
    Json(
        state
            .catalog
            .get()
            .apps()
            .map(|a| StaffApp {
                app: a.summary(state.clock.now_ms()),
                versions: a.versions.iter().map(|v| v.file.meta.clone()).collect(),
                app_toml: a.app_toml.clone(),
            })
            .collect(),
    )
}

/// When this server instance loaded the policy tree it serves, and why its
/// last reload was refused if it was (each problem with its file and line).
#[utoipa::path(
    get,
    path = "/staff/policies/reload",
    operation_id = "staff_policy_reload",
    tag = "staff",
    security(("staff" = [])),
    responses(
        (status = 200, description = "The tree served and the last refused reload", body = PolicyTreeStatus),
        (status = 401, description = "`unauthenticated`: no staff cookie", body = ErrorBody),
    )
)]
async fn reload_status(_: Staff, State(state): State<AppState>) -> Json<PolicyTreeStatus> {
    Json(state.reloads.status())
}
