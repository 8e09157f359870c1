//! The privacy center's single-page app (Leptos 0.8, client-side rendered).
//!
//! `api` is the only module that speaks HTTP; `load` is how every page
//! loads data and sends changes; `i18n` holds every UI word; `pages` map
//! one-to-one to routes.

pub mod api;
pub mod bridge;
pub mod components;
pub mod i18n;
pub mod load;
pub mod pages;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use components::shell::Shell;
use components::status::Elsewhere;
use pages::{
    compare::ComparePage, consents::ConsentsPage, dev_sign_in::DevSignInPage, history::HistoryPage,
    home::HomePage, policy::PolicyPage,
};
use privacy_center_core::routes::Bundle;

/// The whole app: translation and session context, layout and routes.
#[component]
pub fn App() -> impl IntoView {
    // First, before the router or anything else can read the URL: the
    // session context takes a handoff token out of the fragment.
    components::session::provide_session();
    i18n::provide_i18n();
    view! {
        <Router>
            <Shell>
                <Routes fallback=|| view! { <Elsewhere bundle=Bundle::Reader /> }>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/dev/sign-in") view=DevSignInPage />
                    <Route path=path!("/me/consents") view=ConsentsPage />
                    <Route path=path!("/:app") view=PolicyPage />
                    <Route path=path!("/:app/v/:version") view=PolicyPage />
                    <Route path=path!("/:app/history") view=HistoryPage />
                    <Route path=path!("/:app/compare/:from/:to") view=ComparePage />
                </Routes>
            </Shell>
        </Router>
    }
}

/// The patterns of the routes written in `source` with the `path!` macro, in order:
/// the router tests of the reader and the controls check them against
/// `core::routes`.
#[doc(hidden)]
pub fn declared_patterns(source: &str) -> Vec<&str> {
    source
        .split(concat!("path!", "(\""))
        .skip(1)
        .filter_map(|rest| rest.split_once("\")").map(|(p, _)| p))
        .collect()
}

#[cfg(test)]
mod tests {
    /// The router's `path!` list is the one in `core::routes` (which the
    /// server's pre-render and the handoff read), in the same order.
    #[test]
    fn the_router_declares_the_core_routes() {
        assert_eq!(
            super::declared_patterns(include_str!("lib.rs")),
            privacy_center_core::routes::PATTERNS
        );
    }
}
