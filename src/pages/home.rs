//! `/`: the apps this privacy center serves.

use leptos::prelude::*;
use leptos_router::components::A;
use privacy_center_core::wire::AppSummary;

use crate::api::{self, ApiError};
use crate::components::status::{LoadError, Loading};
use crate::i18n::use_i18n;

/// Lists every app with its current policy.
///
/// A signal filled by `spawn_local` rather than `LocalResource` + `Suspense`
/// (as on the compare page): the same states with less generic code.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    // None while loading.
    let apps = RwSignal::new(None::<Result<Vec<AppSummary>, ApiError>>);
    let load = move || {
        apps.set(None);
        leptos::task::spawn_local(async move {
            apps.try_set(Some(api::apps().await));
        });
    };
    load();
    let retry = Callback::new(move |()| load());
    view! {
        <section class="home">
            <h1>{move || i18n.t().home_heading}</h1>
            <p class="lead">{move || i18n.t().home_intro}</p>
            {move || match apps.get() {
                None => view! { <Loading /> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="app-list">
                        {list.into_iter().map(|a| view! { <AppCard app=a /> }).collect_view()}
                    </ul>
                }
                .into_any(),
                Some(Err(error)) => view! { <LoadError error on_retry=retry /> }.into_any(),
            }}
        </section>
    }
}

/// One app on the home page.
#[component]
fn AppCard(
    /// The app to show.
    app: AppSummary,
) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/{}", app.id);
    let current = app.current.clone();
    view! {
        <li class="app-card">
            <h2>
                <A href=href>{app.name.clone()}</A>
            </h2>
            <p class="company">{app.company.clone()}</p>
            {(!app.description.is_empty()).then(|| view! { <p class="description">{app.description.clone()}</p> })}
            <p class="meta">
                {move || match &current {
                    Some(m) => {
                        let t = i18n.t();
                        let date = m.effective.map(t.date).unwrap_or_default();
                        view! {
                            <span>{format!("{} {}", t.version, m.version)}</span>
                            " · "
                            <span>{format!("{} {date}", t.effective)}</span>
                        }
                            .into_any()
                    }
                    None => view! { <span>{i18n.t().no_policy_yet}</span> }.into_any(),
                }}
            </p>
            <p class="cta" aria-hidden="true">{move || i18n.t().read_policy}" →"</p>
        </li>
    }
}
