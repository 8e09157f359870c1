//! Public policy reading: apps, their versions, and one version's text.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use privacy_center_core::policy::CURRENT_ALIAS;
use privacy_center_core::wire::{AppSummary, PolicyDocument, PolicyList};

use crate::catalog::App;
use crate::error::{Error, Result};
use crate::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/apps", get(list_apps))
        .route("/apps/{app}/policies", get(list_versions))
        .route("/apps/{app}/policies/{version}", get(get_version))
}

fn find_app<'a>(state: &'a AppState, id: &str) -> Result<&'a App> {
    state
        .catalog
        .app(id)
        .ok_or_else(|| Error::NotFound(format!("no app named {id:?}")))
}

async fn list_apps(State(state): State<AppState>) -> Json<Vec<AppSummary>> {
    Json(state.catalog.apps().map(App::summary).collect())
}

async fn list_versions(
    State(state): State<AppState>,
    Path(app): Path<String>,
) -> Result<Json<PolicyList>> {
    let app = find_app(&state, &app)?;
    Ok(Json(PolicyList {
        app: app.summary(),
        versions: app.published_meta(),
    }))
}

/// One published version; `current` names the newest. Drafts are not public.
async fn get_version(
    State(state): State<AppState>,
    Path((app_id, version)): Path<(String, String)>,
) -> Result<Json<PolicyDocument>> {
    let app = find_app(&state, &app_id)?;
    let current = app.current();
    let found = if version == CURRENT_ALIAS {
        current
    } else {
        app.version(&version)
    };
    let found = found.filter(|v| v.is_published()).ok_or_else(|| {
        Error::NotFound(format!(
            "{app_id:?} has no published policy version {version:?}"
        ))
    })?;
    let is_current = current.is_some_and(|c| c.file.meta.version == found.file.meta.version);
    Ok(Json(PolicyDocument {
        app: app.summary(),
        meta: found.file.meta.clone(),
        markdown: found.file.markdown.clone(),
        is_current,
    }))
}
