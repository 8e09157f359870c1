//! The signed-in user's controls: the hub (`/me`), notifications, privacy
//! switches and their data, a Trunk target of its own
//! (`controls/index.html`). It reuses the reader's library (session,
//! translations, the API client, the frame, the loading helpers). Being its
//! own binary, none of it reaches the reader's download, and it has a
//! budget of its own (`scripts/sizes`); teen mode and account closure
//! (`src/bin/account/`) and the app's public documents
//! (`src/bin/documents/`) are builds of their own for the same reason.

mod data;
mod hub;
mod notifications;
mod privacy;

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
