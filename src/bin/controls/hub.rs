//! `/me`: the signed-in user's privacy hub, one card per control, each
//! saying its state at a glance.

use leptos::prelude::*;
use leptos_router::components::A;
use privacy_center_core::routes::Route;
use privacy_center_core::wire::{ConsentState, Me};
use privacy_center_web::api;
use privacy_center_web::i18n::{local_date_time, use_i18n};
use privacy_center_web::load::load;

use crate::data::ChangeList;
use privacy_center_web::components::signed_in::{title, SignedIn};

/// How many of the latest settings changes the hub shows.
const RECENT: usize = 3;

/// The hub, or how to get here when signed out.
#[component]
pub fn HubPage() -> impl IntoView {
    let i18n = use_i18n();
    title(move || i18n.c().my_privacy);
    view! { <SignedIn page=hub /> }
}

fn hub(me: Me) -> impl IntoView {
    let i18n = use_i18n();
    let app_id = me.app.clone();
    let app = load(
        move || app_id.clone(),
        |app| async move { api::versions(&app).await },
    );
    let push = load(|| (), |()| api::push());
    let switches = load(|| (), |()| api::switches());
    let history = load(|| (), |()| api::history());
    let perm_app = me.app.clone();
    let permissions = load(
        move || perm_app.clone(),
        |app| async move { api::permissions(&app).await },
    );
    let permissions_href = Route::Permissions {
        app: me.app.clone(),
    }
    .href();
    let teen = load(|| (), |()| api::teen_mode());
    let account = load(|| (), |()| api::cancellation());
    let name = move || app.value().map(|l| l.app.name).unwrap_or_default();
    let policy_href = Route::Policy {
        app: me.app.clone(),
    }
    .href();
    let lists_href = Route::Lists {
        app: me.app.clone(),
    }
    .href();
    let consent_line = move || {
        let c = i18n.c();
        match (&me.status.consent, &me.current) {
            (ConsentState::Current, Some(cur)) => (c.consent_agreed)(&cur.version),
            _ => c.consent_not_agreed.to_owned(),
        }
    };
    let push_line = move || {
        push.value().map(|p| {
            let switchable = p.categories.iter().filter(|c| c.switchable);
            let off = switchable.clone().filter(|c| !c.on).count();
            (i18n.c().push_summary)(p.enabled, off, switchable.count())
        })
    };
    let switches_line = move || {
        switches.value().map(|s| {
            let on = s.switches.iter().filter(|s| s.on).count();
            (i18n.c().switches_summary)(on, s.switches.len())
        })
    };
    let permissions_line = move || {
        permissions.value().map(|p| {
            let n = p.groups.iter().map(|g| g.permissions.len()).sum();
            (i18n.c().permissions_summary)(n, p.groups.len())
        })
    };
    let teen_line = move || {
        teen.value()
            .map(|t| (i18n.c().teen_summary)(t.on, t.age_band, t.daily_minutes))
    };
    let account_line = move || {
        account.value().map(|a| match a.pending {
            Some(p) => {
                let due = local_date_time(&p.due_at)
                    .map(|(d, t)| format!("{d} {t}"))
                    .unwrap_or(p.due_at);
                (i18n.c().account_card_pending)(&due)
            }
            None => i18n.c().account_card_active.to_owned(),
        })
    };
    view! {
        <section class="hub">
            <h1>{move || i18n.c().my_privacy}</h1>
            <p class="lead">{move || (i18n.c().hub_intro)(&name())}</p>
            <ul class="app-list hub-cards">
                <li class="app-card hub-card">
                    <h2>{move || i18n.c().card_consent}</h2>
                    <p class="hub-state">{consent_line}</p>
                    <p class="hub-links">
                        <a href=policy_href rel="external">{move || i18n.t().read_policy}</a>
                        <a href="/me/consents" rel="external">{move || i18n.c().consent_records}</a>
                    </p>
                </li>
                <li class="app-card hub-card">
                    <h2>
                        <A href="/me/notifications">{move || i18n.c().card_notifications}</A>
                        <span class="hub-go" aria-hidden="true">"›"</span>
                    </h2>
                    <p class="hub-state">{push_line}</p>
                </li>
                <li class="app-card hub-card">
                    <h2>
                        <A href="/me/privacy">{move || i18n.c().card_privacy}</A>
                        <span class="hub-go" aria-hidden="true">"›"</span>
                    </h2>
                    <p class="hub-state">{switches_line}</p>
                </li>
                <li class="app-card hub-card">
                    <h2>
                        <A href=permissions_href>{move || i18n.c().card_permissions}</A>
                        <span class="hub-go" aria-hidden="true">"›"</span>
                    </h2>
                    <p class="hub-state">{permissions_line}</p>
                </li>
                <li class="app-card hub-card">
                    <h2>
                        <A href=lists_href>{move || i18n.t().lists}</A>
                        <span class="hub-go" aria-hidden="true">"›"</span>
                    </h2>
                    <p class="hub-state">{move || (i18n.c().lists_card_body)(&name())}</p>
                </li>
                <li class="app-card hub-card">
                    <h2>
                        <A href="/me/teen-mode">{move || i18n.c().card_teen}</A>
                        <span class="hub-go" aria-hidden="true">"›"</span>
                    </h2>
                    <p class="hub-state">{teen_line}</p>
                </li>
                <li class="app-card hub-card">
                    <h2>
                        <A href="/me/account">{move || i18n.c().card_account}</A>
                        <span class="hub-go" aria-hidden="true">"›"</span>
                    </h2>
                    <p class="hub-state">{account_line}</p>
                </li>
                <li class="app-card hub-card hub-data">
                    <h2>
                        <A href="/me/data">{move || i18n.c().card_data}</A>
                        <span class="hub-go" aria-hidden="true">"›"</span>
                    </h2>
                    <p>{move || i18n.c().data_body}</p>
                    <h3>{move || i18n.c().recent_changes}</h3>
                    {move || history.view(|rows| view! {
                        <ChangeList rows=rows.into_iter().take(RECENT).collect() />
                    })}
                    <p class="hub-links">
                        <A href="/me/data">{move || i18n.c().all_history}</A>
                        <a href=api::EXPORT_URL download="">{move || i18n.t().download_data}</a>
                    </p>
                </li>
            </ul>
        </section>
    }
}
