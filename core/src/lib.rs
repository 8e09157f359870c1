//! The privacy center's shared core: wire types, the policy model (front
//! matter, `app.toml`), content hashing and the Markdown renderer.
//!
//! Everything here is pure (no I/O) and builds for both `wasm32` and native,
//! so the text a user consents to is parsed, rendered and hashed by the same
//! code in the browser and on the server.

pub mod app;
pub mod calendar;
pub mod check;
pub mod compare;
pub mod consent;
pub mod diff;
pub mod error;
pub mod import;
pub mod permissions;
pub mod policy;
pub mod publish;
pub mod render;
pub mod routes;
pub mod schedule;
pub mod teen;
pub mod wire;
pub mod words;

pub use error::Error;
