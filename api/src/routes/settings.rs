//! The signed-in user's controls: push settings, privacy switches, profile
//! reset, permission choices and the settings history. Every answer is
//! personal (`Cache-Control: no-store`); every write is one transaction
//! holding the new state, its history rows and its feed rows, and a request
//! with any bad field saves nothing.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use privacy_center_core::wire::{
    ChangeData, ItemChange, PermissionChoice, ProfileReset, ProfileResetAccepted, PushSettings,
    PushUpdate, SettingChange, Switches, SwitchesUpdate,
};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::clock::rfc3339_ms;
use crate::error::{Error, Result};
use crate::identity::CurrentUser;
use crate::json::ApiJson;
use crate::settings::{self, on_off, quiet_words, Record};
use crate::state::AppState;

use super::doc::{BodyErrors, CrossSite, SignedOut};

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_push, put_push))
        .routes(routes!(get_switches, put_switches))
        .routes(routes!(profile_reset))
        .routes(routes!(permission_choice))
        .routes(routes!(history))
}

/// A JSON answer with its status. It is personal: `web::private_answers`,
/// the one place that keeps such answers out of caches, marks it `no-store`
/// (every route here is under `/api/me` or `/api/internal`).
pub(super) fn reply<T: Serialize>(status: StatusCode, body: T) -> Response {
    (status, Json(body)).into_response()
}

/// 422 naming every field in `fields`, or nothing.
fn refuse(fields: BTreeMap<String, String>) -> Result<()> {
    if fields.is_empty() {
        return Ok(());
    }
    let message = fields
        .iter()
        .map(|(k, v)| format!("`{k}`: {v}"))
        .collect::<Vec<_>>()
        .join("; ");
    Err(Error::Invalid { message, fields })
}

/// The user's push settings: master switch, every category, quiet hours.
#[utoipa::path(
    get,
    path = "/me/push",
    tag = "me",
    security(("session" = [])),
    responses((status = 200, description = "The push settings", body = PushSettings), SignedOut)
)]
async fn get_push(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    let app = user.app_in(&state.catalog)?;
    let stored = settings::load_from(state.store.pool(), &user.app, &user.user_id).await?;
    Ok(reply(StatusCode::OK, stored.push(&app.config)))
}

/// Saves the push settings; categories not named keep their value.
#[utoipa::path(
    put,
    path = "/me/push",
    tag = "me",
    security(("session" = [])),
    request_body = PushUpdate,
    responses(
        (status = 200, description = "Saved; what is now stored", body = PushSettings),
        SignedOut,
        BodyErrors,
        CrossSite,
    )
)]
async fn put_push(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(update): ApiJson<PushUpdate>,
) -> Result<Response> {
    let app = user.app_in(&state.catalog)?;
    let mut fields = BTreeMap::new();
    for (id, on) in &update.categories {
        match app.config.push_categories.iter().find(|c| &c.id == id) {
            None => {
                fields.insert(
                    format!("categories.{id}"),
                    format!("{} has no push category {id:?}", app.config.id),
                );
            }
            Some(c) if !c.opt_out && !on => {
                fields.insert(
                    format!("categories.{id}"),
                    format!(
                        "cannot be turned off: {}",
                        c.note.as_deref().unwrap_or("the policy requires it")
                    ),
                );
            }
            Some(_) => {}
        }
    }
    if let Some(q) = &update.quiet_hours {
        settings::check_quiet_hours(q, &mut fields);
    }
    refuse(fields)?;

    let at = rfc3339_ms(state.clock.now_ms());
    let rec = record(&user, &at);
    let mut tx = state.store.begin_write().await?;
    let before = settings::load(&mut tx, &user.app, &user.user_id).await?;
    settings::save_push(
        &mut tx,
        &user.app,
        &user.user_id,
        update.enabled,
        update.quiet_hours.as_ref(),
    )
    .await?;
    if before.enabled != update.enabled {
        let c = rec.item(
            "enabled",
            Some(on_off(before.enabled)),
            on_off(update.enabled),
        );
        rec.write(&mut tx, ChangeData::Push(c)).await?;
    }
    for c in app.config.push_categories.iter().filter(|c| c.opt_out) {
        let Some(&on) = update.categories.get(&c.id) else {
            continue;
        };
        let was = before.category_on(c);
        if was != on {
            settings::save_category(&mut tx, &user.app, &user.user_id, &c.id, on).await?;
            let change = rec.item(&c.id, Some(on_off(was)), on_off(on));
            rec.write(&mut tx, ChangeData::Push(change)).await?;
        }
    }
    if before.quiet != update.quiet_hours {
        let change = rec.item(
            "quiet_hours",
            Some(quiet_words(before.quiet.as_ref())),
            quiet_words(update.quiet_hours.as_ref()),
        );
        rec.write(&mut tx, ChangeData::Push(change)).await?;
    }
    let after = settings::load(&mut tx, &user.app, &user.user_id).await?;
    tx.commit().await?;
    Ok(reply(StatusCode::OK, after.push(&app.config)))
}

/// The privacy switches the app's policy promises, with the user's values.
#[utoipa::path(
    get,
    path = "/me/switches",
    tag = "me",
    security(("session" = [])),
    responses((status = 200, description = "Every switch", body = Switches), SignedOut)
)]
async fn get_switches(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    let app = user.app_in(&state.catalog)?;
    let stored = settings::load_from(state.store.pool(), &user.app, &user.user_id).await?;
    Ok(reply(
        StatusCode::OK,
        Switches {
            switches: stored.switches(&app, state.clock.now_ms()),
        },
    ))
}

/// Sets the named switches; the others keep their value.
#[utoipa::path(
    put,
    path = "/me/switches",
    tag = "me",
    security(("session" = [])),
    request_body = SwitchesUpdate,
    responses(
        (status = 200, description = "Saved; every switch", body = Switches),
        SignedOut,
        BodyErrors,
        CrossSite,
    )
)]
async fn put_switches(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(update): ApiJson<SwitchesUpdate>,
) -> Result<Response> {
    let app = user.app_in(&state.catalog)?;
    let fields: BTreeMap<String, String> = update
        .switches
        .keys()
        .filter(|id| !app.config.switches.iter().any(|s| &s.id == *id))
        .map(|id| {
            (
                format!("switches.{id}"),
                format!("{} has no switch {id:?}", app.config.id),
            )
        })
        .collect();
    refuse(fields)?;

    let at = rfc3339_ms(state.clock.now_ms());
    let rec = record(&user, &at);
    let mut tx = state.store.begin_write().await?;
    let before = settings::load(&mut tx, &user.app, &user.user_id).await?;
    let was = before.switch_values(&app.config);
    for (id, &on) in &update.switches {
        let old = was.get(id).copied().unwrap_or_default();
        // A value the user sets is kept even when it equals the default:
        // the default may change later, the user's choice must not.
        settings::save_switch(&mut tx, &user.app, &user.user_id, id, on).await?;
        if old != on {
            let change = rec.item(id, Some(on_off(old)), on_off(on));
            rec.write(&mut tx, ChangeData::Switch(change)).await?;
        }
    }
    let after = settings::load(&mut tx, &user.app, &user.user_id).await?;
    tx.commit().await?;
    Ok(reply(
        StatusCode::OK,
        Switches {
            switches: after.switches(&app, state.clock.now_ms()),
        },
    ))
}

/// Asks the host app (through the change feed) to clear the profile a
/// recommendation switch feeds.
#[utoipa::path(
    post,
    path = "/me/profile-reset",
    tag = "me",
    security(("session" = [])),
    request_body = ProfileReset,
    responses(
        (status = 202, description = "Recorded; the host app clears the profile when it reads the feed", body = ProfileResetAccepted),
        SignedOut,
        BodyErrors,
        CrossSite,
    )
)]
async fn profile_reset(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<ProfileReset>,
) -> Result<Response> {
    let app = user.app_in(&state.catalog)?;
    if !app
        .config
        .switches
        .iter()
        .any(|s| s.id == req.switch && s.resets_profile())
    {
        return Err(Error::invalid_field(
            "switch",
            format!(
                "{} has no switch {:?} whose profile can be cleared",
                app.config.id, req.switch
            ),
        ));
    }
    let at = rfc3339_ms(state.clock.now_ms());
    let rec = record(&user, &at);
    let mut tx = state.store.begin_write().await?;
    let change = rec.item(&req.switch, None, "requested".into());
    rec.write(&mut tx, ChangeData::ProfileReset(change)).await?;
    tx.commit().await?;
    Ok(reply(StatusCode::ACCEPTED, ProfileResetAccepted { at }))
}

/// Records a permission state the user chose or saw (browser or native).
#[utoipa::path(
    post,
    path = "/me/permission-choices",
    tag = "me",
    security(("session" = [])),
    request_body = PermissionChoice,
    responses(
        (status = 201, description = "Recorded in the history and the feed", body = SettingChange),
        SignedOut,
        BodyErrors,
        CrossSite,
    )
)]
async fn permission_choice(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(choice): ApiJson<PermissionChoice>,
) -> Result<Response> {
    let app = user.app_in(&state.catalog)?;
    if !app
        .config
        .permissions
        .iter()
        .any(|p| p.id == choice.permission)
    {
        return Err(Error::invalid_field(
            "permission",
            format!(
                "{} has no permission {:?}",
                app.config.id, choice.permission
            ),
        ));
    }
    let at = rfc3339_ms(state.clock.now_ms());
    let rec = record(&user, &at);
    let mut tx = state.store.begin_write().await?;
    let old = settings::save_permission(&mut tx, &user.app, &user.user_id, &choice).await?;
    let change = ItemChange {
        source: Some(choice.source),
        ..rec.item(
            &choice.permission,
            old.clone(),
            choice.state.as_str().to_owned(),
        )
    };
    rec.write(&mut tx, ChangeData::Permission(change)).await?;
    tx.commit().await?;
    let history = SettingChange {
        label: app
            .config
            .item_label("permission", &choice.permission)
            .map(str::to_owned),
        kind: "permission".into(),
        item: choice.permission,
        old,
        new: choice.state.as_str().to_owned(),
        channel: user.channel,
        at,
    };
    Ok(reply(StatusCode::CREATED, history))
}

/// The user's settings changes, newest first (the latest 500).
#[utoipa::path(
    get,
    path = "/me/history",
    tag = "me",
    security(("session" = [])),
    responses((status = 200, description = "Changes, newest first", body = Vec<SettingChange>), SignedOut)
)]
async fn history(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    let app = user.app_in(&state.catalog)?;
    let rows = settings::history(
        state.store.pool(),
        &app.config,
        &user.user_id,
        settings::HISTORY_LIMIT,
    )
    .await?;
    Ok(reply(StatusCode::OK, rows))
}

/// How the signed-in user's changes are recorded, at `at` (from the
/// state's clock, which tests may set).
pub(super) fn record<'a>(user: &'a CurrentUser, at: &'a str) -> Record<'a> {
    Record {
        app: &user.app,
        user: &user.user_id,
        channel: user.channel,
        at,
    }
}

/// The settings part of the export.
pub(super) async fn export_settings(
    state: &AppState,
    user: &CurrentUser,
) -> Result<(
    privacy_center_core::wire::ExportSettings,
    Vec<SettingChange>,
)> {
    let app = user.app_in(&state.catalog)?;
    let stored = settings::load_from(state.store.pool(), &user.app, &user.user_id).await?;
    let push: PushSettings = stored.push(&app.config);
    let history =
        settings::history(state.store.pool(), &app.config, &user.user_id, i64::MAX).await?;
    Ok((
        privacy_center_core::wire::ExportSettings {
            push,
            switches: stored.switches(&app, state.clock.now_ms()),
        },
        history,
    ))
}
