//! One module per route.

pub mod compare;
pub mod consents;
pub mod dev_sign_in;
pub mod history;
pub mod home;
pub mod policy;
