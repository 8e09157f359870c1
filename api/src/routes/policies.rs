//! Policy reading: apps, their published versions, one version's text and
//! source (drafts only with a staff session), and comparisons.

use axum::extract::{FromRef, Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use privacy_center_core::compare::Uncomparable;
use privacy_center_core::wire::{
    AppPermissions, AppSummary, ErrorBody, PolicyComparison, PolicyDocument, PolicyList,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use std::sync::Arc;

use crate::catalog::{App, Version};
use crate::error::{Error, Result};
use crate::staff::StaffSessions;
use crate::state::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_apps))
        .routes(routes!(list_versions))
        .routes(routes!(get_version))
        .routes(routes!(get_source))
        .routes(routes!(compare))
        .routes(routes!(list_permissions))
}

pub(super) fn find_app(state: &AppState, id: &str) -> Result<Arc<App>> {
    state
        .catalog
        .app(id)
        .ok_or_else(|| Error::NotFound(format!("no app named {id:?}")))
}

/// Every app with its current version's metadata and the upcoming one's.
#[utoipa::path(
    get,
    path = "/apps",
    tag = "policies",
    responses((status = 200, description = "The apps", body = Vec<AppSummary>))
)]
async fn list_apps(State(state): State<AppState>) -> Json<Vec<AppSummary>> {
    let now_ms = state.clock.now_ms();
    Json(
        state
            .catalog
            .get()
            .apps()
            .map(|a| a.summary(now_ms))
            .collect(),
    )
}

/// An app's published versions, oldest first, upcoming ones included (the
/// app's `upcoming` names the next).
#[utoipa::path(
    get,
    path = "/apps/{app}/policies",
    tag = "policies",
    params(("app" = String, Path, description = "App id")),
    responses(
        (status = 200, description = "The app and its published versions", body = PolicyList),
        (status = 404, description = "No such app", body = ErrorBody),
    )
)]
async fn list_versions(
    State(state): State<AppState>,
    Path(app): Path<String>,
) -> Result<Json<PolicyList>> {
    let app = find_app(&state, &app)?;
    Ok(Json(PolicyList {
        app: app.summary(state.clock.now_ms()),
        versions: app.published_meta().to_vec(),
    }))
}

/// The app's published permission list, grouped by kind, each linked to
/// the section of the current policy that explains it.
#[utoipa::path(
    get,
    path = "/apps/{app}/permissions",
    tag = "policies",
    params(("app" = String, Path, description = "App id")),
    responses(
        (status = 200, description = "The app's permissions by kind and platform, with purposes and section links", body = AppPermissions),
        (status = 404, description = "No such app", body = ErrorBody),
    )
)]
async fn list_permissions(
    State(state): State<AppState>,
    Path(app): Path<String>,
) -> Result<Json<AppPermissions>> {
    Ok(Json(
        find_app(&state, &app)?.permissions(state.clock.now_ms()),
    ))
}

/// A published version by name; `current` names the one in force at
/// `now_ms`. Drafts are not public.
fn published<'a>(app: &'a App, name: &str, now_ms: i64) -> Result<&'a Version> {
    app.published(name, now_ms).ok_or_else(|| {
        Error::NotFound(format!(
            "{:?} has no published policy version {name:?}",
            app.config.id
        ))
    })
}

/// A version the caller may see: any published one, and drafts too when the
/// request carries a staff session. A draft is a 404 for everyone else, the
/// same answer as for a version that does not exist.
async fn visible<'a>(
    state: &AppState,
    headers: &HeaderMap,
    app: &'a App,
    name: &str,
) -> Result<&'a Version> {
    match published(app, name, state.clock.now_ms()) {
        Err(not_found) => match app.version(name) {
            Some(draft) if StaffSessions::from_ref(state).is_staff(headers).await? => Ok(draft),
            _ => Err(not_found),
        },
        found => found,
    }
}

/// One version with its text (drafts for the product team only).
#[utoipa::path(
    get,
    path = "/apps/{app}/policies/{version}",
    tag = "policies",
    params(
        ("app" = String, Path, description = "App id"),
        ("version" = String, Path, description = "Version name, or `current` for the one in force today (in the app's time zone)"),
    ),
    security((), ("staff" = [])),
    responses(
        (status = 200, description = "The version: metadata, hash, sanitised HTML and headings", body = PolicyDocument),
        (status = 404, description = "No such app or version (a draft, without a staff cookie)", body = ErrorBody),
    )
)]
async fn get_version(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((app_id, version)): Path<(String, String)>,
) -> Result<Json<PolicyDocument>> {
    let app = find_app(&state, &app_id)?;
    let found = visible(&state, &headers, &app, &version).await?;
    let now_ms = state.clock.now_ms();
    let is_current = app
        .current(now_ms)
        .is_some_and(|c| c.file.meta.version == found.file.meta.version);
    Ok(Json(PolicyDocument {
        app: app.summary(now_ms),
        meta: found.file.meta.clone(),
        html: found.rendered.html.clone(),
        toc: found.rendered.toc.clone(),
        is_current,
    }))
}

/// One version's file exactly as stored, front matter included, as
/// `text/markdown` (drafts for the product team only): what the preview's
/// editor starts from.
#[utoipa::path(
    get,
    path = "/apps/{app}/policies/{version}/source",
    tag = "policies",
    params(
        ("app" = String, Path, description = "App id"),
        ("version" = String, Path, description = "Version name, or `current`"),
    ),
    security((), ("staff" = [])),
    responses(
        (status = 200, description = "The file as stored", body = String, content_type = "text/markdown"),
        (status = 404, description = "No such app or version (a draft, without a staff cookie)", body = ErrorBody),
    )
)]
async fn get_source(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((app_id, version)): Path<(String, String)>,
) -> Result<Response> {
    let app = find_app(&state, &app_id)?;
    let found = visible(&state, &headers, &app, &version).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")],
        found.raw.clone(),
    )
        .into_response())
}

/// Two published versions compared section by section; a pair that would
/// mislead (the same version twice, or newer first) is refused with 422. The diff runs and is
/// laid out as HTML here, not in the browser, so the reader's bundle carries
/// neither a diff engine nor the diff's decoder and layout.
#[utoipa::path(
    get,
    path = "/apps/{app}/compare/{from}/{to}",
    tag = "policies",
    params(
        ("app" = String, Path, description = "App id"),
        ("from" = String, Path, description = "The older published version"),
        ("to" = String, Path, description = "The newer published version"),
    ),
    responses(
        (status = 200, description = "What changed, section by section", body = PolicyComparison),
        (status = 404, description = "No such app or published version", body = ErrorBody),
        (status = 422, description = "`same_version` or `reversed_versions`", body = ErrorBody),
    )
)]
async fn compare(
    State(state): State<AppState>,
    Path((app_id, from, to)): Path<(String, String, String)>,
) -> Result<Json<PolicyComparison>> {
    let app = find_app(&state, &app_id)?;
    let now_ms = state.clock.now_ms();
    let (old, new) = (
        published(&app, &from, now_ms)?,
        published(&app, &to, now_ms)?,
    );
    let (from, to) = (old.file.meta.clone(), new.file.meta.clone());
    if let Some(why) = privacy_center_core::compare::refuse_pair(&from, &to) {
        let message = match why {
            Uncomparable::Same => {
                format!("{} and {} are the same version", from.version, to.version)
            }
            Uncomparable::Reversed => format!(
                "{} was published after {}; compare them the other way round",
                from.version, to.version
            ),
        };
        return Err(Error::Uncomparable(why, message));
    }
    let mut diff = privacy_center_core::diff::diff(&old.file.markdown, &new.file.markdown);
    privacy_center_core::diff::render_bodies(&mut diff);
    let summary = app.summary(now_ms);
    Ok(Json(PolicyComparison {
        header_html: privacy_center_core::compare::header_html(&summary, &from, &to, &diff.summary),
        sections_html: privacy_center_core::compare::sections_html(
            &diff,
            &summary.locale,
            &from.version,
            &to.version,
        ),
        summary: diff.summary,
        app: summary,
        from,
        to,
    }))
}
