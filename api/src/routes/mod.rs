//! `/api` routes, one module per feature, and [`router`], the whole HTTP
//! surface (the API plus the SPA's files).

mod cancellation;
mod consent;
mod doc;
mod health;
mod internal;
mod lists;
mod me;
mod policies;
mod receipts;
mod session;
mod settings;
mod staff;
mod teen;

use axum::extract::{DefaultBodyLimit, OriginalUri};
use axum::middleware;
use axum::Router;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::Error;
use crate::json::MAX_BODY_BYTES;
use crate::state::AppState;
use crate::web;

/// Every route under `/api` with its description, from one list (`dev`:
/// with the routes that exist only under `serve --dev`).
fn parts(dev: bool) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let mut router = OpenApiRouter::with_openapi(doc::base())
        .routes(routes!(doc::openapi_json))
        .merge(health::routes())
        .merge(policies::routes())
        .merge(lists::routes())
        .merge(session::routes())
        .merge(me::routes())
        .merge(consent::routes())
        .merge(receipts::routes())
        .merge(settings::routes())
        .merge(cancellation::routes())
        .merge(internal::routes())
        .merge(staff::routes())
        .merge(teen::routes());
    if dev {
        router = router.merge(session::dev_routes());
    }
    router.split_for_parts()
}

/// The OpenAPI description of the API (`dev`: with the `--dev` routes), its
/// paths as clients call them (under `/api`).
pub fn described(dev: bool) -> utoipa::openapi::OpenApi {
    let mut api = parts(dev).1;
    api.paths.paths = std::mem::take(&mut api.paths.paths)
        .into_iter()
        .map(|(path, item)| (format!("/api{path}"), item))
        .collect();
    api
}

/// Everything under `/api`. Unknown paths and methods answer in the one error
/// shape; state-changing requests pass the cross-site guard first.
pub fn api(state: AppState) -> Router {
    parts(state.settings.dev)
        .0
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
    let (catalog, clock, staff_cookie) = (
        state.catalog.clone(),
        state.clock.clone(),
        state.staff_cookie,
    );
    let https = state.settings.is_https();
    let app = Router::new().nest("/api", api(state));
    let app = app.layer(middleware::from_fn_with_state(
        staff_cookie,
        web::private_answers,
    ));
    let app = match spa {
        Some(spa) => app.fallback_service(spa.service(catalog, clock)),
        None => app,
    };
    web::with_security_headers(web::with_compression(app), https)
}
