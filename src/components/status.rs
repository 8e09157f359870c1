//! Loading, failure and "not found" states shared by pages.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;
use privacy_center_core::routes::{Bundle, Route};

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

/// The router's fallback in a build (`bundle`): a page that another build
/// serves (the reader's link to `/me`, the controls' link to a policy) is
/// loaded for real; anything else is "not found". If the server answered
/// that load with this build again (the other one is not built, as under
/// `trunk serve`), the page is "not found" rather than a reload loop.
#[component]
pub fn Elsewhere(
    /// The build this app is.
    bundle: Bundle,
) -> impl IntoView {
    const KEY: &str = "privacy-center.elsewhere";
    // The router's path: the address bar may not show it yet.
    let path = use_location().pathname.get_untracked();
    let theirs = Route::parse(&path).is_some_and(|r| r.bundle() != bundle);
    let storage = window().session_storage().ok().flatten();
    let now = js_sys::Date::now() as u64;
    let just_sent = storage
        .as_ref()
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .and_then(|v| {
            let (sent_path, at) = v.rsplit_once('|')?;
            Some(sent_path == path && now.saturating_sub(at.parse().ok()?) < 10_000)
        })
        .unwrap_or(false);
    if theirs && !just_sent {
        if let Some(s) = &storage {
            let _ = s.set_item(KEY, &format!("{path}|{now}"));
        }
        let _ = window().location().assign(&path);
        ().into_any()
    } else {
        if let Some(s) = &storage {
            let _ = s.remove_item(KEY);
        }
        view! { <NotFound /> }.into_any()
    }
}
