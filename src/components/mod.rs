//! Building blocks shared by pages.

pub mod consent;
pub mod find;
pub mod focus;
pub mod position;
pub mod prerender;
pub mod session;
pub mod shell;
pub mod signed_in;
pub mod status;
pub mod toc;
