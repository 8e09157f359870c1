//! The product team's preview (`/preview`), a second Trunk target
//! (`preview/index.html`). It reuses the reader's library (translations, the
//! API client, the policy view) and adds what only the team needs: the staff
//! sign-in, every version including drafts, the live editor that runs
//! the importer, checker, renderer and diff in the browser, and the banner
//! of a refused reload of the policy files. Being its own
//! binary, none of that reaches the reader's download.

mod editor;
mod reload;
mod staff;
mod versions;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::hooks::use_location;
use leptos_router::path;
use privacy_center_web::components::shell::LanguageMenu;
use privacy_center_web::components::status::NotFound;
use privacy_center_web::i18n::{self, use_i18n};
use privacy_center_web::load::Submit;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(PreviewApp);
}

/// Translation and staff context, the preview's frame and its routes.
#[component]
fn PreviewApp() -> impl IntoView {
    i18n::provide_i18n();
    let staff = staff::provide_staff();
    let i18n = use_i18n();
    Effect::new(move |_| {
        document().set_title(&format!("{} · {}", i18n.p().title, i18n.t().product_name))
    });
    let sign_out = Submit::new();
    let on_sign_out = move |_| {
        sign_out.send(privacy_center_web::api::staff_sign_out(), move |()| {
            staff.refresh()
        });
    };
    view! {
        <Router>
            <a class="skip-link" href="#main">{move || i18n.t().skip_to_content}</a>
            <header class="site-header preview-header">
                <A href="/preview" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">"◈"</span>
                    <span>{move || i18n.p().title}</span>
                </A>
                <nav class="header-nav" aria-label=move || i18n.p().title>
                    {move || staff.signed_in().then(|| view! {
                        <A href="/preview" exact=true>{move || i18n.p().nav_versions}</A>
                        <A href="/preview/editor">{move || i18n.p().nav_editor}</A>
                        <button type="button" class="button-quiet" disabled=sign_out.pending_signal() on:click=on_sign_out>
                            {move || i18n.p().sign_out}
                        </button>
                    })}
                    <LanguageMenu />
                </nav>
            </header>
            <main id="main" tabindex="-1">
                <reload::ReloadBanner />
                <Routes fallback=|| view! { <Leave /> }>
                    <Route path=path!("/preview") view=versions::VersionsPage />
                    <Route path=path!("/preview/editor") view=editor::EditorPage />
                    <Route path=path!("/preview/:app/:version") view=versions::VersionPage />
                </Routes>
            </main>
        </Router>
    }
}

/// A path outside the preview (say the history link of a previewed page)
/// belongs to the reader, a different bundle: load it for real. An unknown
/// path inside the preview is a 404.
#[component]
fn Leave() -> impl IntoView {
    let path = use_location().pathname.get_untracked();
    if path == "/preview" || path.starts_with("/preview/") {
        view! { <NotFound /> }.into_any()
    } else {
        let _ = window().location().assign(&path);
        ().into_any()
    }
}
