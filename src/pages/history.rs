//! `/{app}/history`: every published version of an app's policy, newest first.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use privacy_center_core::wire::{PolicyList, PolicyMeta};

use crate::api;
use crate::i18n::use_i18n;
use crate::load::load;

/// The version timeline of one app.
#[component]
pub fn HistoryPage() -> impl IntoView {
    let params = use_params_map();
    let list = load(
        move || params.with(|p| p.get("app").unwrap_or_default()),
        |app| async move { api::versions(&app).await },
    );
    list.view(|list| view! { <Timeline list /> })
}

/// The list of versions, newest first, with dates, badges and summaries.
#[component]
fn Timeline(
    /// The app and its published versions, oldest first.
    list: PolicyList,
) -> impl IntoView {
    let i18n = use_i18n();
    let app = list.app;
    let name = app.name.clone();
    let heading = move || format!("{name} · {}", i18n.t().history);
    let tab_title = heading.clone();
    Effect::new(move |_| {
        document().set_title(&format!("{} · {}", tab_title(), i18n.t().product_name))
    });
    let current = app.current.as_ref().map(|m| m.version.clone());
    let names: Vec<String> = list.versions.iter().map(|m| m.version.clone()).collect();
    // Versions after the current one are announced, not in force yet.
    let current_at = names.iter().position(|n| current.as_ref() == Some(n));
    let items = list
        .versions
        .into_iter()
        .enumerate()
        .rev()
        .map(|(i, meta)| {
            let is_current = current_at == Some(i);
            let is_upcoming = current_at.is_none_or(|c| i > c);
            let previous = i.checked_sub(1).map(|p| names[p].clone());
            view! { <VersionItem app_id=app.id.clone() meta is_current is_upcoming previous /> }
        })
        .collect_view();
    view! {
        <section class="history">
            <p class="policy-app">
                <A href=format!("/{}", app.id)>{app.name.clone()}</A>
            </p>
            <h1>{heading}</h1>
            <p class="lead">{move || i18n.t().history_intro}</p>
            <ol class="timeline">{items}</ol>
        </section>
    }
}

/// One version on the timeline.
#[component]
fn VersionItem(
    /// The app's id, for links.
    app_id: String,
    /// The version.
    meta: PolicyMeta,
    /// Whether it is the current version.
    is_current: bool,
    /// Whether it is announced and not in force yet.
    is_upcoming: bool,
    /// The version published before it, if any.
    previous: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/{app_id}/v/{}", meta.version);
    let compare = previous.map(|p| format!("/{app_id}/compare/{p}/{}", meta.version));
    let published = meta.published;
    let effective = meta.effective;
    let class = match (is_current, is_upcoming) {
        (true, _) => "timeline-item current",
        (_, true) => "timeline-item upcoming",
        _ => "timeline-item",
    };
    view! {
        <li class=class>
            <div class="timeline-head">
                <h2>
                    <A href=href>{meta.title.clone()}" · "{meta.version.clone()}</A>
                </h2>
                {is_current.then(|| view! { <span class="badge badge-current">{move || i18n.t().current_badge}</span> })}
                {is_upcoming.then(|| view! { <span class="badge badge-upcoming">{move || i18n.t().upcoming_badge}</span> })}
                {meta.material.then(|| view! { <span class="badge badge-material">{move || i18n.t().material_badge}</span> })}
            </div>
            <p class="timeline-dates">
                {published.map(|d| view! {
                    <span>{move || i18n.t().published}" "<time datetime=d.to_string()>{move || (i18n.t().date)(d)}</time></span>
                })}
                {effective.map(|d| view! {
                    <span>{move || i18n.t().effective}" "<time datetime=d.to_string()>{move || (i18n.t().date)(d)}</time></span>
                })}
            </p>
            {meta.summary.clone().map(|s| view! { <p class="timeline-summary">{s}</p> })}
            {compare.map(|href| view! {
                <p class="timeline-compare">
                    <a href=href>{move || i18n.t().compare_with_previous}</a>
                </p>
            })}
        </li>
    }
}
