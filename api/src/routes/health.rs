//! `GET /api/health`: is the database reachable and are policies loaded.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use privacy_center_core::wire::Health;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health))
}

/// Whether the database answers and at least one app is loaded.
#[utoipa::path(
    get,
    path = "/health",
    tag = "operations",
    responses(
        (status = 200, description = "Healthy", body = Health),
        (status = 503, description = "The database does not answer or no app is loaded", body = Health),
    )
)]
async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let database = state.store.ping().await;
    let catalog = state.catalog.get();
    let apps = catalog.apps().count();
    let versions = catalog.version_count();
    let ok = database && apps > 0;
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = Health {
        status: if ok { "ok" } else { "degraded" }.to_owned(),
        database,
        apps,
        versions,
    };
    (status, Json(body))
}
