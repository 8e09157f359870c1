//! `/{app}` (the current published policy) and `/{app}/v/{version}` (any
//! published version), rendered in the browser by the same `core` renderer
//! the server hashes and checks with.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use privacy_center_core::render::{render, TocEntry};
use privacy_center_core::wire::PolicyDocument;

use crate::api;
use crate::components::consent::{AgreedLine, ConsentGate};
use crate::components::status::{LoadError, Loading};
use crate::i18n::use_i18n;

/// Loads and shows one version of an app's policy (the current one when the
/// route names none).
#[component]
pub fn PolicyPage() -> impl IntoView {
    let params = use_params_map();
    let doc = LocalResource::new(move || {
        let (app, version) = params.with(|p| {
            (
                p.get("app").unwrap_or_default(),
                p.get("version").unwrap_or_else(|| "current".into()),
            )
        });
        async move { api::policy(&app, &version).await }
    });
    let retry = Callback::new(move |()| doc.refetch());
    // Consent is asked for on the app's own address, not on a pinned version.
    let gate = move || params.with(|p| p.get("version").is_none());
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match doc.await {
                    Ok(doc) => view! { <PolicyView doc gate=gate() /> }.into_any(),
                    Err(error) => view! { <LoadError error on_retry=retry /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A policy: header with its dates, table of contents, and the text. The
/// product team's preview shows drafts and edits through this same view.
#[component]
pub fn PolicyView(
    /// The version to show.
    doc: PolicyDocument,
    /// Whether to ask the signed-in user for consent here.
    gate: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let rendered = render(&doc.markdown);
    let meta = doc.meta.clone();
    let title = meta.title.clone();
    Effect::new(move |_| document().set_title(&format!("{title} · {}", i18n.t().product_name)));
    let (html, toc) = match rendered {
        Ok(r) => (r.html, r.toc),
        // The server validates every policy at start-up, so this is a
        // corrupted response; show the text rather than nothing.
        Err(e) => (format!("<p>{e}</p>"), Vec::new()),
    };
    let effective = meta.effective;
    let published = meta.published;
    let version = meta.version.clone();
    let app_id = doc.app.id.clone();
    let history_href = format!("/{app_id}/history");
    let old_notice = (!doc.is_current).then(|| {
        let current_href = format!("/{app_id}");
        view! {
            <p class="notice notice-old" role="note">
                {move || i18n.t().old_version_notice}" "
                <A href=current_href>{move || i18n.t().view_current}</A>
            </p>
        }
    });
    view! {
        <article class="policy" lang=doc.app.locale.clone()>
            <header class="policy-header">
                <p class="policy-app">{doc.app.name.clone()}</p>
                <h1>{meta.title.clone()}</h1>
                <dl class="policy-facts">
                    <div>
                        <dt>{move || i18n.t().operator}</dt>
                        <dd>{doc.app.company.clone()}</dd>
                    </div>
                    {effective.map(|d| view! {
                        <div class="fact-effective">
                            <dt>{move || i18n.t().effective}</dt>
                            <dd><time datetime=d.to_string()>{move || (i18n.t().date)(d)}</time></dd>
                        </div>
                    })}
                    {published.map(|d| view! {
                        <div>
                            <dt>{move || i18n.t().published}</dt>
                            <dd><time datetime=d.to_string()>{move || (i18n.t().date)(d)}</time></dd>
                        </div>
                    })}
                    <div>
                        <dt>{move || i18n.t().version}</dt>
                        <dd>{version}</dd>
                    </div>
                </dl>
                <p class="policy-links">
                    <A href=history_href>{move || i18n.t().history}</A>
                </p>
                {gate.then(|| view! { <AgreedLine app_id=app_id.clone() /> })}
                {old_notice}
            </header>
            {gate.then(|| view! { <ConsentGate app_id=app_id.clone() /> })}
            <div class="policy-layout">
                <Toc entries=toc />
                <div class="policy-body" inner_html=html></div>
            </div>
        </article>
    }
}

/// The table of contents: top two heading levels, as in-page links.
#[component]
fn Toc(
    /// Headings in document order.
    entries: Vec<TocEntry>,
) -> impl IntoView {
    let i18n = use_i18n();
    let top = entries.iter().map(|e| e.level).min().unwrap_or(2);
    let items: Vec<_> = entries.into_iter().filter(|e| e.level <= top + 1).collect();
    // Open beside the text on wide screens; folded above it on phones.
    let wide = window()
        .match_media("(min-width: 60rem)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches());
    (!items.is_empty()).then(|| {
        view! {
            <nav class="toc" aria-label=move || i18n.t().contents>
                <details open=wide>
                    <summary class="toc-title">{move || i18n.t().contents}</summary>
                    <ol>
                        {items
                            .into_iter()
                            .map(|e| {
                                let class = if e.level == top { "toc-l1" } else { "toc-l2" };
                                view! {
                                    <li class=class>
                                        <a href=format!("#{}", e.id)>{e.text}</a>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                </details>
            </nav>
        }
    })
}
