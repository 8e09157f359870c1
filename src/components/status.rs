//! Loading, failure and "not found" states shared by pages.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::ApiError;
use crate::components::prerender;
use crate::i18n::use_i18n;

/// A polite, screen-reader-announced loading line.
#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="loading" role="status">{move || i18n.t().loading}</p> }
}

/// Shows why a load failed: the 404 page for missing things, otherwise a
/// message and a retry button.
#[component]
pub fn LoadError(
    /// What went wrong.
    error: ApiError,
    /// Called when the user asks to try again.
    on_retry: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    if error == ApiError::NotFound {
        return view! { <NotFound /> }.into_any();
    }
    let detail = match &error {
        ApiError::Network(_) => None,
        other => Some(other.to_string()),
    };
    view! {
        <section class="load-error" role="alert">
            <h1>{move || i18n.t().load_failed}</h1>
            <p>{move || i18n.t().network_problem}</p>
            {detail.map(|d| view! { <p class="detail">{d}</p> })}
            <button type="button" on:click=move |_| on_retry.run(())>{move || i18n.t().retry}</button>
        </section>
    }
    .into_any()
}

/// "Page not found", with a way back: the router's fallback, and what a
/// page shows for an app or version that does not exist.
#[component]
pub fn NotFound() -> impl IntoView {
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
