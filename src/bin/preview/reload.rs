//! The banner that tells the product team, on every preview page, that the
//! server refused its last reload of the policy files: the old tree keeps
//! serving readers, so what the team changed is not what users see.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use privacy_center_web::api;
use privacy_center_web::i18n::{local_date_time, use_i18n, I18n};
use privacy_center_web::load::load;

use crate::staff::use_staff;

/// Shown while the last reload stands refused, with each problem's place.
/// Asked again on every move between preview pages, so a fix (or a new
/// refusal) shows without reloading the page.
#[component]
pub fn ReloadBanner() -> impl IntoView {
    let i18n = use_i18n();
    let staff = use_staff();
    let path = use_location().pathname;
    let status = load(
        move || (staff.signed_in(), path.get()),
        |(signed_in, _)| async move {
            if signed_in {
                api::staff_policy_reload().await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    move || {
        let status = status.value().flatten()?;
        let refused = status.refused?;
        let p = i18n.p();
        Some(view! {
            <section class="notice notice-error reload-refused" role="alert" aria-labelledby="reload-refused-heading">
                <h2 id="reload-refused-heading">{p.reload_refused_heading}</h2>
                <p>{(p.reload_refused)(&when(i18n, &refused.at), &when(i18n, &status.loaded_at))}</p>
                <ul class="diagnostics">
                    {refused.problems.into_iter().map(|line| view! {
                        <li class="diagnostic"><code>{line}</code></li>
                    }).collect_view()}
                </ul>
            </section>
        })
    }
}

/// An RFC 3339 time as the reader's own date and time of day (the
/// browser's time zone: the team reads it where it works), as the data page
/// shows times; the text as it came when it does not read.
fn when(i18n: I18n, rfc3339: &str) -> String {
    local_date_time(rfc3339)
        .map(|(d, hm)| format!("{} {hm}", (i18n.t().date)(d)))
        .unwrap_or_else(|| rfc3339.to_owned())
}
