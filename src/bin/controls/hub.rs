//! `/me`: the signed-in user's privacy hub, one card per control, each
//! saying its state at a glance.

use leptos::prelude::*;
use leptos_router::components::A;
use privacy_center_core::routes::Route;
use privacy_center_core::wire::{ConsentState, Me};
use privacy_center_web::api;
use privacy_center_web::i18n::{local_date_time, use_i18n};
use privacy_center_web::load::load;

use crate::signed_in::{title, SignedIn};

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
    let account = load(|| (), |()| api::cancellation());
    let name = move || app.value().map(|l| l.app.name).unwrap_or_default();
    let policy_href = Route::Policy {
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
                <Coming label=move || i18n.c().card_permissions />
                <Coming label=move || i18n.c().card_teen />
                <li class="app-card hub-card">
                    <h2>
                        <A href="/me/account">{move || i18n.c().card_account}</A>
                        <span class="hub-go" aria-hidden="true">"›"</span>
                    </h2>
                    <p class="hub-state">{account_line}</p>
                </li>
                <li class="app-card hub-card">
                    <h2>{move || i18n.c().card_data}</h2>
                    <p>{move || i18n.c().data_body}</p>
                    <p class="hub-links">
                        <a class="button" href=api::EXPORT_URL download="">{move || i18n.t().download_data}</a>
                    </p>
                </li>
            </ul>
        </section>
    }
}

/// A control that is not built yet, said plainly.
#[component]
fn Coming(
    /// The control's name.
    label: impl Fn() -> &'static str + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <li class="app-card hub-card hub-coming">
            <h2>{label}</h2>
            <p class="hub-state">{move || i18n.c().coming}</p>
        </li>
    }
}
