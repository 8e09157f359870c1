//! `/me/data`: the user's settings history and the two copies of their data
//! (PIPL art. 45): a readable page for people (`?format=html`, printable
//! to PDF) and JSON for machines. The history rows read through
//! `core::words::RecordWords`, the words the readable copy uses too.

use leptos::prelude::*;
use leptos_router::components::A;
use privacy_center_core::wire::{Me, SettingChange};
use privacy_center_web::api;
use privacy_center_web::i18n::{local_date_time, use_i18n};
use privacy_center_web::load::load;

use privacy_center_web::components::signed_in::{title, SignedIn};

/// The history and the downloads, or how to get here when signed out.
#[component]
pub fn DataPage() -> impl IntoView {
    let i18n = use_i18n();
    title(move || i18n.c().data_heading);
    view! { <SignedIn page=data /> }
}

fn data(_me: Me) -> impl IntoView {
    let i18n = use_i18n();
    let history = load(|| (), |()| api::history());
    let readable = move || api::readable_export_url(i18n.locale().tag());
    view! {
        <section class="settings data-page">
            <p class="crumbs"><A href="/me">{move || i18n.c().back_to_hub}</A></p>
            <h1>{move || i18n.c().data_heading}</h1>
            <p class="lead">{move || i18n.c().data_intro}</p>
            <h2>{move || i18n.c().copies_heading}</h2>
            <ul class="downloads">
                <li>
                    <a class="button" href=readable download="">{move || i18n.c().download_readable}</a>
                    <p class="hint">{move || i18n.c().readable_note}</p>
                </li>
                <li>
                    <a class="button button-quiet" href=api::EXPORT_URL download="">
                        {move || i18n.c().download_json}
                    </a>
                    <p class="hint">{move || i18n.c().json_note}</p>
                </li>
            </ul>
            <h2 id="history">{move || i18n.c().history_heading}</h2>
            <p class="hint">{move || i18n.c().history_note}</p>
            {move || history.view(|rows| view! { <ChangeList rows=rows /> })}
        </section>
    }
}

/// Settings changes, newest first: when, what, old → new, where.
#[component]
pub fn ChangeList(
    /// The rows, as `GET /api/me/history` answers them.
    rows: Vec<SettingChange>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let (t, r) = (i18n.t(), i18n.r());
        if rows.is_empty() {
            return view! { <p class="changes-empty">{i18n.c().history_empty}</p> }.into_any();
        }
        let items = rows
            .iter()
            .map(|row| {
                let when = local_date_time(&row.at)
                    .map(|(d, hm)| format!("{} {hm}", (t.date)(d)))
                    .unwrap_or_else(|| row.at.clone());
                let kind = (r.kind)(&row.kind).unwrap_or(&row.kind).to_owned();
                let item = r.item(&row.item, row.label.as_deref()).to_owned();
                view! {
                    <li class="change">
                        <span class="change-what">{kind}" · "{item}</span>
                        <span class="change-value">{r.change(row.old.as_deref(), &row.new)}</span>
                        <span class="change-meta">
                            <time datetime=row.at.clone()>{when}</time>
                            " · "{(r.channel)(row.channel.as_str())}
                        </span>
                    </li>
                }
            })
            .collect_view();
        view! { <ol class="changes">{items}</ol> }.into_any()
    }
}
