//! The privacy center's single-page app (Leptos 0.8, client-side rendered).
//!
//! `api` is the only module that speaks HTTP; `i18n` holds every UI word;
//! `pages` map one-to-one to routes.

pub mod api;
pub mod components;
pub mod i18n;
pub mod pages;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use components::shell::Shell;
use pages::{history::HistoryPage, home::HomePage, not_found::NotFoundPage, policy::PolicyPage};

/// The whole app: translation context, layout and routes.
#[component]
pub fn App() -> impl IntoView {
    i18n::provide_i18n();
    view! {
        <Router>
            <Shell>
                <Routes fallback=|| view! { <NotFoundPage /> }>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/:app") view=PolicyPage />
                    <Route path=path!("/:app/v/:version") view=PolicyPage />
                    <Route path=path!("/:app/history") view=HistoryPage />
                </Routes>
            </Shell>
        </Router>
    }
}
