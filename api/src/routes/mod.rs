//! `/api` routes, one module per feature, and [`router`], the whole HTTP
//! surface (the API plus the SPA's files).

mod cancellation;
mod consent;
mod health;
mod internal;
mod me;
mod policies;
mod session;
mod settings;
mod staff;

use axum::extract::{DefaultBodyLimit, OriginalUri};
use axum::middleware;
use axum::Router;

use crate::error::Error;
use crate::json::MAX_BODY_BYTES;
use crate::state::AppState;
use crate::web;

/// Everything under `/api`. Unknown paths and methods answer in the one error
/// shape; state-changing requests pass the cross-site guard first.
pub fn api(state: AppState) -> Router {
    let mut router = Router::new()
        .merge(health::routes())
        .merge(policies::routes())
        .merge(session::routes())
        .merge(me::routes())
        .merge(consent::routes())
        .merge(settings::routes())
        .merge(cancellation::routes())
        .merge(internal::routes())
        .merge(staff::routes());
    if state.settings.dev {
        router = router.merge(session::dev_routes());
    }
    router
        .fallback(|OriginalUri(uri): OriginalUri| async move {
            Error::NotFound(format!("no API endpoint at {}", uri.path()))
        })
        .method_not_allowed_fallback(|| async { Error::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(
            state.settings.clone(),
            crate::csrf::guard,
        ))
        .with_state(state)
}

/// The whole HTTP surface: `/api/...` plus, when given, the built SPA.
pub fn router(state: AppState, spa: Option<web::Spa>) -> Router {
    let (catalog, staff_cookie) = (state.catalog.clone(), state.staff_cookie);
    let https = state.settings.is_https();
    let app = Router::new().nest("/api", api(state));
    let app = app.layer(middleware::from_fn_with_state(
        staff_cookie,
        web::private_answers,
    ));
    let app = match spa {
        Some(spa) => app.fallback_service(spa.service(catalog)),
        None => app,
    };
    web::with_security_headers(web::with_compression(app), https)
}
