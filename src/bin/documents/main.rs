//! An app's public documents beside its policy: its device permissions
//! (`/{app}/permissions`, with this browser's or the host app's live
//! states) and its two lists (`/{app}/lists`). A Trunk target of its own
//! (`documents/index.html`, served from `/documents/`) with its own budget.

mod browser;
mod lists;
mod permissions;

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
    leptos::mount::mount_to_body(DocumentsApp);
}

/// Session and translation context, the reader's frame and the controls' routes.
#[component]
fn DocumentsApp() -> impl IntoView {
    session::provide_session();
    i18n::provide_i18n();
    view! {
        <Router>
            <Shell>
                <Routes fallback=|| view! { <Elsewhere bundle=Bundle::Documents /> }>
                    <Route path=path!("/:app/permissions") view=permissions::PermissionsPage />
                    <Route path=path!("/:app/lists") view=lists::ListsPage />
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
            privacy_center_core::routes::DOCUMENTS_PATTERNS
        );
    }
}
