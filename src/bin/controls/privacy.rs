//! `/me/privacy`: the switches the app's policy promises (personalised
//! recommendations, recommending me to others, …), each saved at once
//! (`PUT /api/me/switches`) and linked to the policy section that promises
//! it. Turning personalised recommendations off offers to clear the
//! recommendation profile (PIPL art. 24; 算法推荐管理规定 art. 17).

use leptos::prelude::*;
use leptos_router::components::A;
use privacy_center_core::routes::Route;
use privacy_center_core::wire::{Me, SwitchState, Switches, SwitchesUpdate};
use privacy_center_web::api;
use privacy_center_web::i18n::use_i18n;
use privacy_center_web::load::{load, Submit};

use privacy_center_web::components::signed_in::{title, SignedIn};

/// The privacy switches, or how to get here when signed out.
#[component]
pub fn PrivacyPage() -> impl IntoView {
    let i18n = use_i18n();
    title(move || i18n.c().privacy_heading);
    view! { <SignedIn page=privacy /> }
}

fn privacy(me: Me) -> impl IntoView {
    let i18n = use_i18n();
    let app_id = me.app.clone();
    let app = load(
        move || app_id.clone(),
        |a| async move { api::versions(&a).await },
    );
    let name = move || app.value().map(|l| l.app.name).unwrap_or_default();
    let stored = load(|| (), |()| api::switches());
    let shown = RwSignal::new(None::<Switches>);
    let submit = Submit::new();
    let reset = Submit::new();
    let cleared = RwSignal::new(false);
    // A new answer from the server replaces what is shown, unless a change
    // is on its way (its own answer will). Only the answer is tracked: the
    // end of a save must not bring back the value loaded before it.
    Effect::new(move |_| {
        if let Some(s) = stored.value() {
            if !untrack(|| submit.pending()) {
                shown.set(Some(s));
            }
        }
    });
    let focus = window_event_listener(leptos::ev::focus, move |_| stored.reload());
    on_cleanup(move || focus.remove());
    let set = move |id: String, on: bool| {
        let Some(mut next) = shown.get_untracked() else {
            return;
        };
        if let Some(s) = next.switches.iter_mut().find(|s| s.id == id) {
            s.on = on;
        }
        let update = SwitchesUpdate {
            switches: [(id, on)].into_iter().collect(),
        };
        submit.send_optimistic(
            shown,
            Some(next),
            api::save_switches(update),
            move |saved| shown.set(Some(saved)),
        );
    };
    let clear = move |switch: String| {
        reset.send(api::reset_profile(switch), move |_| cleared.set(true));
    };
    let policy = Route::Policy {
        app: me.app.clone(),
    }
    .href();
    view! {
        <section class="settings">
            <p class="crumbs"><A href="/me">{move || i18n.c().back_to_hub}</A></p>
            <h1>{move || i18n.c().privacy_heading}</h1>
            <p class="lead">{move || (i18n.c().privacy_intro)(&name())}</p>
            {move || (submit.failed() || reset.failed()).then(|| view! {
                <p class="form-error" role="alert">{i18n.c().save_failed}</p>
            })}
            {move || match shown.get() {
                None => stored.view(|_| ()).into_any(),
                Some(s) if s.switches.is_empty() => {
                    view! { <p>{i18n.c().no_switches}</p> }.into_any()
                }
                Some(s) => {
                    // A switch that feeds a profile (personalised
                    // recommendations), turned off: offer to clear it.
                    let profile = s
                        .switches
                        .iter()
                        .find(|s| s.clears_profile && !s.on)
                        .map(|s| s.id.clone());
                    let rows = s
                        .switches
                        .into_iter()
                        .map(|sw| switch_row(sw, policy.clone(), submit.pending_signal(), set))
                        .collect_view();
                    view! {
                        <ul class="settings-list">{rows}</ul>
                        {profile.map(|switch| view! {
                            <div class="notice profile-reset">
                                <p>{i18n.c().clear_profile_body}</p>
                                {move || {
                                    let switch = switch.clone();
                                    if cleared.get() {
                                    view! { <p role="status">{i18n.c().profile_cleared}</p> }.into_any()
                                } else {
                                    view! {
                                        <button type="button" class="button-quiet"
                                            disabled=reset.pending_signal()
                                            on:click=move |_| clear(switch.clone())>
                                            {i18n.c().clear_profile}
                                        </button>
                                    }
                                    .into_any()
                                }}}
                            </div>
                        })}
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

/// One switch: what it does, where the policy promises it, on or off.
fn switch_row(
    sw: SwitchState,
    policy: String,
    busy: Signal<bool>,
    set: impl Fn(String, bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let input_id = format!("switch-{}", sw.id);
    let id = sw.id.clone();
    let promise = sw.section.clone().map(|section| {
        let href = match &sw.section_id {
            Some(anchor) => format!("{policy}#{anchor}"),
            None => policy.clone(),
        };
        view! {
            <p class="setting-source">
                {move || i18n.c().promised_in}
                <a href=href rel="external">{section}</a>
            </p>
        }
    });
    view! {
        <li class="setting-row">
            <label for=input_id.clone()>
                <span class="setting-label">{sw.label}</span>
            </label>
            <input
                id=input_id
                type="checkbox"
                role="switch"
                prop:checked=sw.on
                disabled=busy
                on:change=move |ev| set(id.clone(), event_target_checked(&ev))
            />
            <p class="setting-note">{sw.description}</p>
            {promise}
        </li>
    }
}
