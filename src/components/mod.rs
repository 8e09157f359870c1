//! Building blocks shared by pages.

pub mod consent;
pub mod session;
pub mod shell;
pub mod status;
