//! `/{app}` (the current published policy) and `/{app}/v/{version}` (any
//! published version). The server renders and sanitises the text once at
//! start-up (`core::render`); the page only inserts that HTML, so no
//! Markdown renderer ships to readers.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_params_map};
use privacy_center_core::render::listed_toc;
use privacy_center_core::wire::PolicyDocument;
use privacy_center_core::wire::TocEntry;
use privacy_center_core::words::{upcoming_notice_html, UPCOMING_TITLE_ID};

use crate::api;
use crate::components::consent::{AgreedLine, ConsentGate, EarlyAgreement};
use crate::components::find::FindBar;
use crate::components::position;
use crate::components::prerender;
use crate::components::toc::{self, Toc, TocToggle};
use crate::i18n::use_i18n;
use crate::load::load;

/// Loads and shows one version of an app's policy (the current one when the
/// route names none).
#[component]
pub fn PolicyPage() -> impl IntoView {
    let params = use_params_map();
    let doc = load(
        move || {
            params.with(|p| {
                (
                    p.get("app").unwrap_or_default(),
                    p.get("version").unwrap_or_else(|| "current".into()),
                )
            })
        },
        |(app, version)| async move { api::policy(&app, &version).await },
    );
    // Consent is asked for on the app's own address, not on a pinned version.
    let gate = move || params.with_untracked(|p| p.get("version").is_none());
    doc.view(move |doc| view! { <PolicyView doc gate=gate() /> })
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
    let meta = doc.meta.clone();
    let title = meta.title.clone();
    Effect::new(move |_| document().set_title(&format!("{title} · {}", i18n.t().product_name)));
    let (html, toc) = (doc.html, doc.toc);
    let effective = meta.effective;
    let published = meta.published;
    let version = meta.version.clone();
    let app_id = doc.app.id.clone();
    let history_href = format!("/{app_id}/history");
    let lists_href = format!("/{app_id}/lists");
    // The version after the current one, announced; the same markup as the
    // server's pre-rendered page (`core::words::upcoming_notice_html`).
    let upcoming = doc.app.upcoming.clone();
    let upcoming_notice = upcoming.clone().filter(|_| doc.is_current).map(|up| {
        let (app, current) = (app_id.clone(), version.clone());
        let html = move || upcoming_notice_html(i18n.t(), &app, &current, &up);
        view! {
            <section class="notice notice-upcoming" aria-labelledby=UPCOMING_TITLE_ID>
                <div inner_html=html></div>
                {gate.then(|| view! { <EarlyAgreement app_id=app_id.clone() /> })}
            </section>
        }
    });
    // A version not in force: replaced, or announced for a later day.
    let ahead = upcoming
        .filter(|u| u.version == version)
        .and_then(|u| u.effective);
    let old_notice = (!doc.is_current).then(|| {
        let current_href = format!("/{app_id}");
        let note = move || match ahead {
            Some(d) => (i18n.t().upcoming_version_notice)(d),
            None => i18n.t().old_version_notice.to_owned(),
        };
        view! {
            <p class="notice notice-old" role="note">
                {note}" "
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
                    <a href=lists_href rel="external">{move || i18n.t().lists}</a>
                </p>
                {gate.then(|| view! { <AgreedLine app_id=app_id.clone() /> })}
                {old_notice}
                {upcoming_notice}
            </header>
            {gate.then(|| view! { <ConsentGate app_id=app_id.clone() /> })}
            <Reader html toc />
        </article>
    }
}

/// The text with its reading aids: contents (sidebar or drawer), find bar,
/// section links and the remembered reading position.
#[component]
fn Reader(
    /// Sanitised HTML of the policy body.
    html: String,
    /// Every heading, in document order.
    toc: Vec<TocEntry>,
) -> impl IntoView {
    let body = NodeRef::<leptos::html::Div>::new();
    let drawer = RwSignal::new(false);
    let finding = RwSignal::new(false);
    let (active, set_active) = signal(None::<String>);
    let listed: Vec<TocEntry> = listed_toc(&toc)
        .into_iter()
        .map(|l| l.entry.clone())
        .collect();
    let spied: Vec<String> = listed.iter().map(|e| e.id.clone()).collect();
    let location = use_location();
    position::remember_position();
    // The page's owner, not the effect's: the effect's is cleaned up each
    // time the fragment changes, and the scroll-spy must outlive that.
    let owner = Owner::current();
    // Once the text is in the page: section links, scroll-spy, and the
    // position to start from. Later fragment changes (a contents or `#`
    // link, back/forward between sections) highlight their section.
    Effect::new(move |prepared: Option<bool>| {
        let hash = location.hash.get();
        let Some(el) = body.get() else {
            return false;
        };
        if prepared == Some(true) {
            if let Some(el) = position::fragment_target(&hash) {
                position::flash(&el);
            }
        } else {
            // The element may exist before it is in the document; ids are
            // looked up once it is.
            let ids: Vec<String> = toc.iter().map(|e| e.id.clone()).collect();
            let spied = spied.clone();
            let owner = owner.clone();
            position::when_in_document(el.into(), move || {
                // First: the server's copy of this page goes (its ids would
                // shadow these), and the reader keeps their place in the text.
                let scrolled = prerender::take_over();
                position::add_heading_anchors(ids.iter().map(String::as_str));
                // The observer is disconnected when this page goes away.
                match owner {
                    Some(o) => o.with(|| toc::spy_on_sections(spied, set_active)),
                    None => toc::spy_on_sections(spied, set_active),
                }
                position::restore_or_go_to_fragment(scrolled);
            });
        }
        true
    });
    let has_toc = !listed.is_empty();
    view! {
        <div class="policy-layout">
            <aside class="reader-side">
                <div class="reader-bar" class:finding=finding>
                    {has_toc.then(|| view! { <TocToggle open=drawer /> })}
                    <FindBar body open=finding />
                </div>
                {has_toc.then(|| view! { <Toc entries=listed open=drawer active /> })}
            </aside>
            <div class="policy-body" node_ref=body inner_html=html></div>
        </div>
    }
}
