//! `/`: the apps this privacy center serves.

use leptos::prelude::*;
use leptos_router::components::A;
use privacy_center_core::wire::AppSummary;

use crate::api;
use crate::i18n::use_i18n;
use crate::load::load;

/// Lists every app with its current policy.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let apps = load(|| (), |()| api::apps());
    view! {
        <section class="home">
            <h1>{move || i18n.t().home_heading}</h1>
            <p class="lead">{move || i18n.t().home_intro}</p>
            {apps.view(|list: Vec<AppSummary>| view! {
                <ul class="app-list">
                    {list.into_iter().map(|a| view! { <AppCard app=a /> }).collect_view()}
                </ul>
            })}
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
