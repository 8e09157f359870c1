//! The signed-in user's controls (`/me` and below), a third Trunk target
//! (`controls/index.html`). It reuses the reader's library (session,
//! translations, the API client, the frame, the loading helpers) and adds
//! the hub and the pages behind it. Being its own binary, none of that
//! reaches the reader's download, and it has a budget of its own
//! (`scripts/sizes`).

mod account;
mod browser;
mod data;
mod hub;
mod lists;
mod notifications;
mod permissions;
mod privacy;
mod signed_in;
mod teen_mode;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use privacy_center_core::routes::Bundle;
use privacy_center_web::components::session;
use privacy_center_web::components::shell::Shell;
use privacy_center_web::components::status::Elsewhere;
use privacy_center_web::i18n;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(ControlsApp);
}

/// Session and translation context, the reader's frame and the controls' routes.
#[component]
fn ControlsApp() -> impl IntoView {
    session::provide_session();
    i18n::provide_i18n();
    view! {
        <Router>
            <Shell>
                <Routes fallback=|| view! { <Elsewhere bundle=Bundle::Controls /> }>
                    <Route path=path!("/me") view=hub::HubPage />
                    <Route path=path!("/me/notifications") view=notifications::NotificationsPage />
                    <Route path=path!("/me/privacy") view=privacy::PrivacyPage />
                    <Route path=path!("/me/data") view=data::DataPage />
                    <Route path=path!("/:app/permissions") view=permissions::PermissionsPage />
                    <Route path=path!("/:app/lists") view=lists::ListsPage />
                    <Route path=path!("/me/teen-mode") view=teen_mode::TeenModePage />
                    <Route path=path!("/me/account") view=account::AccountPage />
                </Routes>
            </Shell>
        </Router>
    }
}

#[cfg(test)]
mod tests {
    /// The router's `path!` list is `core::routes::CONTROLS_PATTERNS`, which
    /// the server reads to send this build's shell.
    #[test]
    fn the_router_declares_the_core_routes() {
        assert_eq!(
            privacy_center_web::declared_patterns(include_str!("main.rs")),
            privacy_center_core::routes::CONTROLS_PATTERNS
        );
    }
}
