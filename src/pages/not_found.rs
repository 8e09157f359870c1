//! The 404 page, for unknown routes and for apps or versions that do not exist.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::prerender;
use crate::i18n::use_i18n;

/// "Page not found", with a way back.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    prerender::dismiss();
    view! {
        <section class="not-found">
            <p class="not-found-code" aria-hidden="true">"404"</p>
            <h1>{move || i18n.t().not_found_heading}</h1>
            <p>{move || i18n.t().not_found_body}</p>
            <A href="/" attr:class="button">{move || i18n.t().back_home}</A>
        </section>
    }
}
