//! One module per route.

pub mod history;
pub mod home;
pub mod not_found;
pub mod policy;
