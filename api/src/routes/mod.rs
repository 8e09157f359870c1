//! `/api` routes, one module per feature.

mod health;
mod policies;

use axum::extract::OriginalUri;
use axum::Router;

use crate::error::Error;
use crate::AppState;

/// Everything under `/api`. Unknown paths and methods answer in the one error shape.
pub fn api(state: AppState) -> Router {
    Router::new()
        .merge(health::routes())
        .merge(policies::routes())
        .fallback(|OriginalUri(uri): OriginalUri| async move {
            Error::NotFound(format!("no API endpoint at {}", uri.path()))
        })
        .method_not_allowed_fallback(|| async { Error::MethodNotAllowed })
        .with_state(state)
}
