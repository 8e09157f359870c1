//! The privacy center's API: axum routes, the SQLite store, the policy
//! catalog and the operations CLI behind the `privacy-center` binary.
//!
//! [`router`] builds the whole HTTP surface from an [`AppState`], so tests
//! drive it directly without a socket.

pub mod catalog;
pub mod cli;
pub mod error;
pub mod routes;
pub mod store;
pub mod web;

use axum::Router;
use std::sync::Arc;

pub use error::{Error, Result};

/// Shared, cheaply cloneable state of a running server.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The policy tree loaded at start-up.
    pub catalog: Arc<catalog::Catalog>,
    /// The database.
    pub store: store::Store,
    /// Whether `--dev` conveniences are on.
    pub dev: bool,
}

/// The whole HTTP surface: `/api/...` plus, when given, the built SPA.
pub fn router(state: AppState, spa: Option<web::Spa>) -> Router {
    let app = Router::new().nest("/api", routes::api(state));
    let app = match spa {
        Some(spa) => app.fallback_service(spa.service()),
        None => app,
    };
    web::with_security_headers(app)
}
