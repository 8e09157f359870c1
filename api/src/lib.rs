//! The privacy center's API: axum routes, the SQLite store, the policy
//! catalog, identity (tokens and sessions), the consent ledger and the
//! operations CLI behind the `privacy-center` binary.
//!
//! [`router`] builds the whole HTTP surface from an [`AppState`], so tests
//! drive it directly without a socket.

pub mod cache;
pub mod cancellation;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod csrf;
pub mod error;
pub mod export_doc;
pub mod identity;
pub mod json;
pub mod ledger;
pub mod migrate_store;
pub mod prerender;
pub mod publish;
pub mod reload;
pub mod routes;
pub mod server;
pub mod settings;
pub mod staff;
pub mod state;
pub mod store;
pub mod teen;
pub mod throttle;
pub mod web;

pub use error::{Error, Result};
pub use routes::router;
pub use state::{AppState, Settings};
