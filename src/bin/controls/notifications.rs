//! `/me/notifications`: push messages by category, a master switch, and
//! quiet hours. Each change is saved at once (`PUT /api/me/push`) and shown
//! before the answer; a failed save puts the old setting back and says so.
//! Another tab's changes show when this one gets the focus again.

use leptos::prelude::*;
use leptos_router::components::A;
use privacy_center_core::wire::{Me, PushCategory, PushSettings, PushUpdate, QuietHours};
use privacy_center_web::api;
use privacy_center_web::i18n::use_i18n;
use privacy_center_web::load::{load, Submit};
use std::collections::BTreeMap;

use privacy_center_web::components::signed_in::{browser_time_zone, title, SignedIn};

/// The notification settings, or how to get here when signed out.
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let i18n = use_i18n();
    title(move || i18n.c().notifications_heading);
    view! { <SignedIn page=notifications /> }
}

/// Quiet hours when first turned on: the night, in the browser's time zone.
fn default_quiet_hours() -> QuietHours {
    let zone = browser_time_zone();
    QuietHours {
        start: "22:00".to_owned(),
        end: "08:00".to_owned(),
        time_zone: zone,
    }
}

/// What to send so the server stores `s` (every switchable category named).
fn update_for(s: &PushSettings) -> PushUpdate {
    PushUpdate {
        enabled: s.enabled,
        categories: s
            .categories
            .iter()
            .filter(|c| c.switchable)
            .map(|c| (c.id.clone(), c.on))
            .collect::<BTreeMap<_, _>>(),
        quiet_hours: s.quiet_hours.clone(),
    }
}

fn notifications(_me: Me) -> impl IntoView {
    let i18n = use_i18n();
    let stored = load(|| (), |()| api::push());
    // What the page shows: the stored settings, or a change on its way.
    let shown = RwSignal::new(None::<PushSettings>);
    let submit = Submit::new();
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
    // Another tab may have changed them: ask again when this one is back.
    let focus = window_event_listener(leptos::ev::focus, move |_| stored.reload());
    on_cleanup(move || focus.remove());
    let change = move |edit: &dyn Fn(&mut PushSettings)| {
        let Some(mut next) = shown.get_untracked() else {
            return;
        };
        edit(&mut next);
        let request = api::save_push(update_for(&next));
        submit.send_optimistic(shown, Some(next), request, move |saved| {
            shown.set(Some(saved))
        });
    };
    let busy = submit.pending_signal();
    view! {
        <section class="settings">
            <p class="crumbs"><A href="/me">{move || i18n.c().back_to_hub}</A></p>
            <h1>{move || i18n.c().notifications_heading}</h1>
            <p class="lead">{move || i18n.c().notifications_intro}</p>
            {move || submit.failed().then(|| view! {
                <p class="form-error" role="alert">{i18n.c().save_failed}</p>
            })}
            {move || match shown.get() {
                None => stored.view(|_| ()).into_any(),
                Some(s) => {
                    let c = i18n.c();
                    let enabled = s.enabled;
                    let quiet = s.quiet_hours.clone();
                    let rows = s
                        .categories
                        .into_iter()
                        .map(|cat| category_row(cat, enabled, busy, change))
                        .collect_view();
                    view! {
                        <div class="setting-row setting-master">
                            <label>
                                <span class="setting-label">{c.push_master}</span>
                                <input
                                    type="checkbox"
                                    role="switch"
                                    prop:checked=enabled
                                    disabled=busy
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        change(&move |s| s.enabled = on);
                                    }
                                />
                            </label>
                            {(!enabled).then(|| view! { <p class="setting-note">{c.push_master_off}</p> })}
                        </div>
                        <ul class="settings-list">{rows}</ul>
                        <QuietHoursEditor quiet busy change />
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

/// One push category: its switch, or why it cannot be turned off.
fn category_row(
    cat: PushCategory,
    enabled: bool,
    busy: Signal<bool>,
    change: impl Fn(&dyn Fn(&mut PushSettings)) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = cat.id.clone();
    let input_id = format!("push-{}", cat.id);
    let control = if cat.switchable {
        view! {
            <input
                id=input_id.clone()
                type="checkbox"
                role="switch"
                prop:checked=cat.on && enabled
                disabled=move || busy.get() || !enabled
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    let id = id.clone();
                    change(&move |s| {
                        if let Some(c) = s.categories.iter_mut().find(|c| c.id == id) {
                            c.on = on;
                        }
                    });
                }
            />
        }
        .into_any()
    } else {
        view! {
            <input id=input_id.clone() type="checkbox" role="switch" checked=true disabled=true />
        }
        .into_any()
    };
    view! {
        <li class="setting-row" class:setting-locked=!cat.switchable>
            <label for=input_id>
                <span class="setting-label">{cat.label}</span>
            </label>
            {control}
            {(!cat.switchable).then(|| view! {
                <span class="badge setting-badge">{move || i18n.c().always_on}</span>
            })}
            {cat.note.map(|n| view! { <p class="setting-note">{n}</p> })}
        </li>
    }
}

/// Quiet hours: on or off, from and to, in the time zone they were set in.
#[component]
fn QuietHoursEditor(
    /// The stored quiet hours, if any.
    quiet: Option<QuietHours>,
    /// While a change is being saved.
    busy: Signal<bool>,
    /// Applies an edit and saves it.
    change: impl Fn(&dyn Fn(&mut PushSettings)) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let on = quiet.is_some();
    let hours = quiet.unwrap_or_else(default_quiet_hours);
    let zone = hours.time_zone.clone();
    let set_time = move |start: bool, value: String| {
        change(&move |s| {
            if let Some(q) = s.quiet_hours.as_mut() {
                if start {
                    q.start = value.clone();
                } else {
                    q.end = value.clone();
                }
            }
        });
    };
    view! {
        <fieldset class="quiet-hours">
            <legend>{move || i18n.c().quiet_hours}</legend>
            <label class="setting-row">
                <span class="setting-label">{move || i18n.c().quiet_hours_toggle}</span>
                <input
                    type="checkbox"
                    role="switch"
                    prop:checked=on
                    disabled=busy
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        change(&move |s| {
                            s.quiet_hours = on.then(default_quiet_hours);
                        });
                    }
                />
            </label>
            {on.then(|| view! {
                <div class="quiet-times">
                    <label>
                        {move || i18n.c().quiet_start}
                        <input type="time" prop:value=hours.start.clone() disabled=busy
                            on:change=move |ev| set_time(true, event_target_value(&ev)) />
                    </label>
                    <label>
                        {move || i18n.c().quiet_end}
                        <input type="time" prop:value=hours.end.clone() disabled=busy
                            on:change=move |ev| set_time(false, event_target_value(&ev)) />
                    </label>
                    <p class="setting-note">{move || (i18n.c().time_zone)(&zone)}</p>
                </div>
            })}
        </fieldset>
    }
}
