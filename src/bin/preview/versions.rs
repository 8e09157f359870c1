//! `/preview`: every app's versions with their status, and
//! `/preview/{app}/{version}`: one version rendered exactly as the reader
//! renders it (the same `PolicyView`), drafts included.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use privacy_center_core::wire::{PolicyMeta, PolicyStatus, StaffApp};
use privacy_center_web::api;
use privacy_center_web::i18n::use_i18n;
use privacy_center_web::load::load;
use privacy_center_web::pages::policy::PolicyView;

use crate::staff::{use_staff, StaffGate};

/// Every app and version, for the product team.
#[component]
pub fn VersionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let staff = use_staff();
    view! {
        <StaffGate>
            <section class="preview-versions">
                <h1>{move || i18n.p().versions_heading}</h1>
                <p class="lead">{move || i18n.p().versions_intro}</p>
                {move || staff.apps().unwrap_or_default().into_iter().map(|a| view! { <AppVersions app=a /> }).collect_view()}
            </section>
        </StaffGate>
    }
}

/// One app's versions, newest first.
#[component]
fn AppVersions(
    /// The app and all its versions.
    app: StaffApp,
) -> impl IntoView {
    let current = app.app.current.as_ref().map(|m| m.version.clone());
    let id = app.app.id.clone();
    let heading_id = format!("app-{id}");
    view! {
        <section class="preview-app" aria-labelledby=heading_id.clone()>
            <h2 id=heading_id.clone()>{app.app.name.clone()}" "<span class="preview-app-id">{id.clone()}</span></h2>
            <ul class="version-list">
                {app
                    .versions
                    .into_iter()
                    .rev()
                    .map(|m| {
                        let is_current = current.as_deref() == Some(m.version.as_str());
                        view! { <VersionRow app_id=id.clone() meta=m is_current /> }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// One version: name, title, dates, status, and where to open it.
#[component]
fn VersionRow(
    /// The app's id.
    app_id: String,
    /// The version.
    meta: PolicyMeta,
    /// Whether it is the app's current published version.
    is_current: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let draft = meta.status == PolicyStatus::Draft;
    let open = format!("/preview/{app_id}/{}", meta.version);
    let edit = format!("/preview/editor?app={app_id}&version={}", meta.version);
    let published = meta.published;
    view! {
        <li class="version-row" class:version-draft=draft>
            <div class="version-name">
                <strong>{meta.version.clone()}</strong>
                {move || {
                    let p = i18n.p();
                    if draft {
                        view! { <span class="badge badge-draft">{p.draft}</span> }.into_any()
                    } else {
                        view! { <span class="badge badge-published">{p.published}</span> }.into_any()
                    }
                }}
                {is_current.then(|| view! { <span class="badge badge-current">{move || i18n.p().current}</span> })}
                {meta.material.then(|| view! { <span class="badge badge-material">{move || i18n.t().material_badge}</span> })}
            </div>
            <p class="version-title">
                {meta.title.clone()}
                {published.map(|d| view! { " · "<time datetime=d.to_string()>{move || (i18n.t().date)(d)}</time> })}
            </p>
            <p class="version-actions">
                <A href=open>{move || i18n.p().open}</A>
                <A href=edit>{move || i18n.p().edit}</A>
            </p>
        </li>
    }
}

/// One version rendered as users will see it.
#[component]
pub fn VersionPage() -> impl IntoView {
    view! {
        <StaffGate>
            <VersionPreview />
        </StaffGate>
    }
}

#[component]
fn VersionPreview() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let doc = load(
        move || {
            params.with(|p| {
                (
                    p.get("app").unwrap_or_default(),
                    p.get("version").unwrap_or_default(),
                )
            })
        },
        |(app, version)| async move { api::policy(&app, &version).await },
    );
    doc.view(move |mut doc| {
        let draft = doc.meta.status == PolicyStatus::Draft;
        // A draft is shown as it will be once published: the
        // current version, without the "earlier version" note.
        doc.is_current |= draft;
        view! {
            <p class="notice preview-note" class:notice-draft=draft role="note">
                {move || if draft { i18n.p().draft_note } else { i18n.p().preview_note }}
            </p>
            <PolicyView doc gate=false />
        }
    })
}
