//! The app's two lists (双清单): `GET /api/apps/{app}/lists`, public like
//! the policy it comes from. The rows are `app.toml`'s `[[collected]]` and
//! `[[third_parties]]` (kept consistent with the permissions and the
//! current policy by `core::check`), each with its section resolved to the
//! heading's anchor on the policy page.

use axum::extract::{Path, State};
use axum::Json;
use privacy_center_core::app::AppConfig;
use privacy_center_core::render::section_anchor;
use privacy_center_core::wire::{AppLists, CollectedRow, ErrorBody, ThirdPartyRow, TocEntry};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::policies::find_app;
use crate::error::{Error, Result};
use crate::state::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(lists))
}

/// Both lists of an app, as its current published version states them.
#[utoipa::path(
    get,
    path = "/apps/{app}/lists",
    tag = "policies",
    params(("app" = String, Path, description = "App id")),
    responses(
        (status = 200, description = "The personal information collected and the third parties it is shared with (双清单)", body = AppLists),
        (status = 404, description = "No such app", body = ErrorBody),
    )
)]
async fn lists(
    State(state): State<AppState>,
    Path(app_id): Path<String>,
) -> Result<Json<AppLists>> {
    let app = find_app(&state, &app_id)?;
    let now_ms = state.clock.now_ms();
    let current = app
        .current(now_ms)
        .ok_or_else(|| Error::NotFound(format!("{app_id:?} has no published policy")))?;
    let toc = &current.rendered.toc;
    Ok(Json(AppLists {
        app: app.summary(now_ms),
        version: current.file.meta.version.clone(),
        collected: collected_rows(&app.config, toc),
        third_parties: app
            .config
            .third_parties
            .iter()
            .map(|t| ThirdPartyRow {
                id: t.id.clone(),
                name: t.name.clone(),
                company: t.company.clone(),
                kind: t.kind,
                data: t.data.clone(),
                purpose: t.purpose.clone(),
                link: t.link.clone(),
                section: t.section.clone(),
                section_id: anchor(toc, &t.section),
            })
            .collect(),
    }))
}

fn anchor(toc: &[TocEntry], section: &str) -> Option<String> {
    section_anchor(toc, section).map(str::to_owned)
}

/// The collected items, each naming its permissions by their labels (every
/// platform's, once each, in `app.toml`'s order).
fn collected_rows(config: &AppConfig, toc: &[TocEntry]) -> Vec<CollectedRow> {
    config
        .collected
        .iter()
        .map(|c| {
            let mut permissions: Vec<String> = Vec::new();
            for p in config
                .permissions
                .iter()
                .filter(|p| c.permissions.contains(&p.id))
            {
                if !permissions.contains(&p.label) {
                    permissions.push(p.label.clone());
                }
            }
            CollectedRow {
                id: c.id.clone(),
                info: c.info.clone(),
                purpose: c.purpose.clone(),
                scenario: c.scenario.clone(),
                sensitive: c.sensitive,
                permissions,
                section: c.section.clone(),
                section_id: anchor(toc, &c.section),
            }
        })
        .collect()
}
