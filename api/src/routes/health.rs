//! `GET /api/health`: is the database reachable and are policies loaded.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use privacy_center_core::wire::Health;

use crate::state::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let database = state.store.ping().await;
    let apps = state.catalog.apps().count();
    let versions = state.catalog.version_count();
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
