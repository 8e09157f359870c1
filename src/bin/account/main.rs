//! Teen mode and account closure (`/me/teen-mode`, `/me/account`): the
//! controls that guard the account, a Trunk target of its own
//! (`account/index.html`, served from `/account/`) with its own budget, so
//! their pages do not weigh on the hub's download.

mod account;
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
    leptos::mount::mount_to_body(AccountApp);
}

/// Session and translation context, the reader's frame and the controls' routes.
#[component]
fn AccountApp() -> impl IntoView {
    session::provide_session();
    i18n::provide_i18n();
    view! {
        <Router>
            <Shell>
                <Routes fallback=|| view! { <Elsewhere bundle=Bundle::Account /> }>
                    <Route path=path!("/me/teen-mode") view=teen_mode::TeenModePage />
                    <Route path=path!("/me/account") view=account::AccountPage />
                </Routes>
            </Shell>
        </Router>
    }
}

#[cfg(test)]
mod tests {
    /// The router's `path!` list is `core::routes` patterns for this build, which
    /// the server reads to send this build's shell.
    #[test]
    fn the_router_declares_the_core_routes() {
        assert_eq!(
            privacy_center_web::declared_patterns(include_str!("main.rs")),
            privacy_center_core::routes::ACCOUNT_PATTERNS
        );
    }
}
