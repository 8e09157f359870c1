//! The page frame: skip link, header with the language menu, main landmark, footer.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use privacy_center_core::words::Lang;

use crate::components::prerender;
use crate::components::session::{use_session, DevBanner, HandoffAlert};
use crate::i18n::use_i18n;

/// Wraps every page in the site's header and footer.
#[component]
pub fn Shell(
    /// The routed page.
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    Effect::new(move |_| document().set_title(i18n.t().product_name));
    // The server's pre-rendered page belongs to the address it was sent
    // for: once the app moves elsewhere, the app's pages show.
    let location = use_location();
    Effect::new(move |first: Option<String>| {
        let path = location.pathname.get();
        if first.as_ref().is_some_and(|f| *f != path) {
            prerender::dismiss();
        }
        first.unwrap_or(path)
    });
    let signed_in = move || session.me().is_some();
    view! {
        <a class="skip-link" href="#main">{move || i18n.t().skip_to_content}</a>
        <DevBanner />
        <header class="site-header">
            <A href="/" attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"◈"</span>
                <span>{move || i18n.t().product_name}</span>
            </A>
            <nav class="header-nav">
                {move || signed_in().then(|| view! {
                    // The controls are another build: a real page load
                    // (the reader's `/:app` route would take "me" for an app).
                    <a href="/me" rel="external">{move || i18n.t().my_privacy}</a>
                    <A href="/me/consents">{move || i18n.t().my_consents}</A>
                })}
                <LanguageMenu />
            </nav>
        </header>
        <main id="main" tabindex="-1">
            <HandoffAlert />
            {children()}
        </main>
        <footer class="site-footer">{move || i18n.t().footer}</footer>
    }
}

/// A labelled `<select>` that switches the UI language.
#[component]
pub fn LanguageMenu() -> impl IntoView {
    let i18n = use_i18n();
    let on_change = move |ev| {
        let tag = event_target_value(&ev);
        if let Some(l) = Lang::from_tag(&tag) {
            i18n.set_locale(l);
        }
    };
    view! {
        <label class="language">
            <span class="visually-hidden">{move || i18n.t().language}</span>
            <select on:change=on_change prop:value=move || i18n.locale().tag()>
                {Lang::ALL
                    .into_iter()
                    .map(|l| view! { <option value=l.tag() lang=l.tag()>{l.native_name()}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}
