//! Teen mode for the signed-in user (issue #15): `GET|PUT /api/me/teen-mode`,
//! `POST /api/me/teen-mode/{on,off,pin,appeal}`. Every change but turning it
//! on needs the password; a bad field is refused before the password is
//! looked at (nothing counted, nothing changed); each write is one
//! transaction holding the new state and its history and feed rows.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use privacy_center_core::teen::{check_new_pin, is_pin_shaped, PinProblem};
use privacy_center_core::wire::{
    ChangeData, ErrorBody, TeenAppealRequest, TeenModeChange, TeenModeOff, TeenModeOn,
    TeenModeState, TeenPinChange,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::settings::{record, reply};
use crate::catalog::App;
use crate::clock::rfc3339_ms;
use crate::error::{Error, Result};
use crate::identity::CurrentUser;
use crate::json::ApiJson;
use crate::settings::on_off;
use crate::state::AppState;
use crate::store::AsConn;
use crate::teen::{self, Stored};

use super::doc::{BodyErrors, CrossSite, PinErrors, SignedOut};

/// Longest note on an appeal, in characters.
pub const MAX_APPEAL_NOTE: usize = 500;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_state, change))
        .routes(routes!(turn_on))
        .routes(routes!(turn_off))
        .routes(routes!(change_pin))
        .routes(routes!(appeal))
}

async fn answer(
    state: &AppState,
    app: &App,
    user: &CurrentUser,
    status: StatusCode,
) -> Result<Response> {
    let view = teen::view(
        state.store.pool(),
        &app.config,
        &user.user_id,
        state.clock.now_ms(),
    )
    .await?;
    Ok(reply(status, view))
}

/// Teen mode: on or off, its rules for the user's age band, the password
/// lock and any appeal.
#[utoipa::path(
    get,
    path = "/me/teen-mode",
    tag = "me",
    security(("session" = [])),
    responses((status = 200, description = "Teen mode as it stands", body = TeenModeState), SignedOut)
)]
async fn get_state(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    let app = user.app_in(&state.catalog)?;
    answer(&state, &app, &user, StatusCode::OK).await
}

/// 422 for a password that is not four digits (checked before the throttle:
/// a malformed code is no guess and costs nothing).
fn shaped(field: &'static str, pin: &str) -> Result<()> {
    if is_pin_shaped(pin) {
        Ok(())
    } else {
        Err(Error::WeakPin {
            field,
            problem: PinProblem::NotFourDigits,
        })
    }
}

/// 422 for a new password the rules refuse.
fn strong(field: &'static str, pin: &str) -> Result<()> {
    check_new_pin(pin).map_err(|problem| Error::WeakPin { field, problem })
}

async fn check(state: &AppState, user: &CurrentUser, pin: &str) -> Result<Stored> {
    shaped("pin", pin)?;
    let clock = state.clock.clone();
    teen::check_pin(
        state.store.pool(),
        &state.teen,
        move || clock.now_ms(),
        &user.app,
        &user.user_id,
        pin,
    )
    .await
}

/// Turns teen mode on for an age band, with a new 4-digit password.
#[utoipa::path(
    post,
    path = "/me/teen-mode/on",
    tag = "me",
    security(("session" = [])),
    request_body = TeenModeOn,
    responses(
        (status = 200, description = "On", body = TeenModeState),
        (status = 409, description = "`teen_mode_on`: it is already on", body = ErrorBody),
        SignedOut,
        BodyErrors,
        CrossSite,
    )
)]
async fn turn_on(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<TeenModeOn>,
) -> Result<Response> {
    let app = user.app_in(&state.catalog)?;
    strong("pin", &req.pin)?;
    let time_zone = req
        .time_zone
        .unwrap_or_else(|| teen::DEFAULT_TIME_ZONE.to_owned());
    if jiff::tz::TimeZone::get(&time_zone).is_err() {
        return Err(Error::invalid_field(
            "time_zone",
            format!("{time_zone:?} is not an IANA time zone such as Asia/Shanghai"),
        ));
    }
    let pool = state.store.pool();
    let already = || Error::TeenModeOn("teen mode is already on".into());
    {
        let mut conn = pool.acquire().await?;
        if teen::load(&mut conn, &user.app, &user.user_id)
            .await?
            .is_some()
        {
            return Err(already());
        }
    }
    // Setting a password costs a hash too: it passes the hourly count.
    teen::admit(pool, &user.app, &user.user_id, state.clock.now_ms()).await?;
    let salt = teen::new_salt();
    let hashed = state.teen.hash(&req.pin, &salt).await;
    teen::update_throttle(pool, &user.app, &user.user_id, |t| t.settled()).await?;
    let hash = hashed?;

    let at = rfc3339_ms(state.clock.now_ms());
    let rec = record(&user, &at);
    let mut tx = state.store.begin_write().await?;
    if teen::load(&mut tx, &user.app, &user.user_id)
        .await?
        .is_some()
    {
        return Err(already());
    }
    let stored = Stored {
        age_band: req.age_band,
        daily_minutes: None,
        time_zone,
        follow_device: req.follow_device,
        since: at.clone(),
        pin_salt: salt.to_vec(),
        pin_hash: hash.to_vec(),
    };
    teen::save(&mut tx, &user.app, &user.user_id, &stored).await?;
    let on = rec.item("enabled", Some(on_off(false)), on_off(true));
    rec.write(&mut tx, ChangeData::TeenMode(on)).await?;
    let band = rec.item("age_band", None, req.age_band.as_str().to_owned());
    rec.write(&mut tx, ChangeData::TeenMode(band)).await?;
    tx.commit().await?;
    answer(&state, &app, &user, StatusCode::OK).await
}

/// Turns teen mode off; needs the password.
#[utoipa::path(
    post,
    path = "/me/teen-mode/off",
    tag = "me",
    security(("session" = [])),
    request_body = TeenModeOff,
    responses(
        (status = 200, description = "Off", body = TeenModeState),
        PinErrors,
        SignedOut,
        BodyErrors,
        CrossSite,
    )
)]
async fn turn_off(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<TeenModeOff>,
) -> Result<Response> {
    let app = user.app_in(&state.catalog)?;
    let checked = check(&state, &user, &req.pin).await?;
    let at = rfc3339_ms(state.clock.now_ms());
    let rec = record(&user, &at);
    let mut tx = state.store.begin_write().await?;
    unchanged(&mut tx, &user, &checked).await?;
    teen::remove(&mut tx, &user.app, &user.user_id).await?;
    let off = rec.item("enabled", Some(on_off(true)), on_off(false));
    rec.write(&mut tx, ChangeData::TeenMode(off)).await?;
    tx.commit().await?;
    answer(&state, &app, &user, StatusCode::OK).await
}

/// 403 when the password changed (or teen mode went off) between the check
/// and this write: the code checked is no longer the one that guards it.
async fn unchanged(conn: &mut impl AsConn, user: &CurrentUser, checked: &Stored) -> Result<Stored> {
    match teen::load(conn, &user.app, &user.user_id).await? {
        Some(now) if now.pin_hash == checked.pin_hash => Ok(now),
        Some(_) => Err(Error::WrongPin {
            attempts_left: 0,
            locked_until: None,
        }),
        None => Err(teen::teen_mode_off()),
    }
}

/// Changes the age band or the daily limit; needs the password.
#[utoipa::path(
    put,
    path = "/me/teen-mode",
    tag = "me",
    security(("session" = [])),
    request_body = TeenModeChange,
    responses(
        (status = 200, description = "Changed", body = TeenModeState),
        PinErrors,
        SignedOut,
        BodyErrors,
        CrossSite,
    )
)]
async fn change(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<TeenModeChange>,
) -> Result<Response> {
    let app = user.app_in(&state.catalog)?;
    let budget = app.config.teen_mode.budget(req.age_band);
    if let Some(m) = req.daily_minutes {
        if m == 0 || m > budget {
            return Err(Error::invalid_field(
                "daily_minutes",
                format!(
                    "1 to {budget} minutes (the budget of band {})",
                    req.age_band.as_str()
                ),
            ));
        }
    }
    let checked = check(&state, &user, &req.pin).await?;
    let at = rfc3339_ms(state.clock.now_ms());
    let rec = record(&user, &at);
    let mut tx = state.store.begin_write().await?;
    let before = unchanged(&mut tx, &user, &checked).await?;
    let after = Stored {
        age_band: req.age_band,
        daily_minutes: req.daily_minutes.filter(|&m| m != budget),
        ..before.clone()
    };
    teen::save(&mut tx, &user.app, &user.user_id, &after).await?;
    if before.age_band != after.age_band {
        let c = rec.item(
            "age_band",
            Some(before.age_band.as_str().to_owned()),
            after.age_band.as_str().to_owned(),
        );
        rec.write(&mut tx, ChangeData::TeenMode(c)).await?;
    }
    let (old, new) = (
        teen::daily_minutes(&app.config, &before),
        teen::daily_minutes(&app.config, &after),
    );
    if old != new {
        let c = rec.item("daily_minutes", Some(old.to_string()), new.to_string());
        rec.write(&mut tx, ChangeData::TeenMode(c)).await?;
    }
    tx.commit().await?;
    answer(&state, &app, &user, StatusCode::OK).await
}

/// Changes the password; needs the current one.
#[utoipa::path(
    post,
    path = "/me/teen-mode/pin",
    tag = "me",
    security(("session" = [])),
    request_body = TeenPinChange,
    responses(
        (status = 200, description = "Changed", body = TeenModeState),
        PinErrors,
        SignedOut,
        BodyErrors,
        CrossSite,
    )
)]
async fn change_pin(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<TeenPinChange>,
) -> Result<Response> {
    let app = user.app_in(&state.catalog)?;
    shaped("pin", &req.pin)?;
    strong("new_pin", &req.new_pin)?;
    if req.new_pin == req.pin {
        return Err(Error::invalid_field(
            "new_pin",
            "the new password must differ from the current one",
        ));
    }
    let checked = check(&state, &user, &req.pin).await?;
    let salt = teen::new_salt();
    let hash = state.teen.hash(&req.new_pin, &salt).await?;
    let at = rfc3339_ms(state.clock.now_ms());
    let rec = record(&user, &at);
    let mut tx = state.store.begin_write().await?;
    let before = unchanged(&mut tx, &user, &checked).await?;
    let after = Stored {
        pin_salt: salt.to_vec(),
        pin_hash: hash.to_vec(),
        ..before
    };
    teen::save(&mut tx, &user.app, &user.user_id, &after).await?;
    let c = rec.item("pin", None, "changed".into());
    rec.write(&mut tx, ChangeData::TeenMode(c)).await?;
    tx.commit().await?;
    answer(&state, &app, &user, StatusCode::OK).await
}

/// "I forgot the password": files an appeal support resolves after checking
/// the user's identity offline (`privacy-center teen reset`).
#[utoipa::path(
    post,
    path = "/me/teen-mode/appeal",
    tag = "me",
    security(("session" = [])),
    request_body = TeenAppealRequest,
    responses(
        (status = 200, description = "Filed (or already open)", body = TeenModeState),
        (status = 409, description = "`teen_mode_off`: it is not on", body = ErrorBody),
        SignedOut,
        BodyErrors,
        CrossSite,
    )
)]
async fn appeal(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<TeenAppealRequest>,
) -> Result<Response> {
    let app = user.app_in(&state.catalog)?;
    let note = req.note.unwrap_or_default();
    if note.chars().count() > MAX_APPEAL_NOTE {
        return Err(Error::invalid_field(
            "note",
            format!("at most {MAX_APPEAL_NOTE} characters"),
        ));
    }
    let at = rfc3339_ms(state.clock.now_ms());
    let rec = record(&user, &at);
    let mut tx = state.store.begin_write().await?;
    if teen::load(&mut tx, &user.app, &user.user_id)
        .await?
        .is_none()
    {
        return Err(teen::teen_mode_off());
    }
    let filed =
        teen::file_appeal(&mut tx, &user.app, &user.user_id, user.channel, &note, &at).await?;
    if filed {
        let c = rec.item("appeal", None, "filed".into());
        rec.write(&mut tx, ChangeData::TeenMode(c)).await?;
    }
    tx.commit().await?;
    let status = if filed {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    answer(&state, &app, &user, status).await
}
