//! `/me/teen-mode`: teen mode (issue #15). Off, it says what turning it on
//! changes (from the app's `app.toml`) and asks for an age band and a
//! 4-digit password twice; on, it shows the limits in force and asks for
//! the password to turn it off or change the band or the password, with the
//! lock message while too many wrong codes lock it, and the
//! forgotten-password appeal. Passwords are never echoed, never kept by the
//! browser, and cleared after each attempt.

use leptos::prelude::*;
use leptos_router::components::A;
use privacy_center_core::teen::{check_new_pin, FAILURES_BEFORE_LOCK};
use privacy_center_core::wire::{
    AgeBand, AppealStatus, ErrorCode, Me, MinorMode, TeenModeChange, TeenModeOn, TeenModeState,
    TeenPinChange,
};
use privacy_center_web::api::{self, ApiError};
use privacy_center_web::bridge;
use privacy_center_web::i18n::{local_date_time, use_i18n, ControlsMessages};
use privacy_center_web::load::{load, Submit};

use privacy_center_web::components::signed_in::{browser_time_zone, title, SignedIn};

/// Teen mode, or how to get here when signed out.
#[component]
pub fn TeenModePage() -> impl IntoView {
    let i18n = use_i18n();
    title(move || i18n.c().teen_heading);
    view! { <SignedIn page=teen /> }
}

/// A local `date HH:MM` for an RFC 3339 instant from the API.
fn local(at: &str) -> String {
    local_date_time(at).map_or_else(|| at.to_owned(), |(d, t)| format!("{d} {t}"))
}

fn teen(_me: Me) -> impl IntoView {
    let i18n = use_i18n();
    let stored = load(|| (), |()| api::teen_mode());
    let shown = RwSignal::new(None::<TeenModeState>);
    // Why the last attempt was refused, shown in the form that sent it.
    let message = RwSignal::new(None::<(Form, String)>);
    let last = RwSignal::new(Form::On);
    Effect::new(move |_| {
        if let Some(s) = stored.value() {
            shown.set(Some(s));
        }
    });
    let submit = Submit::new();
    // After a refusal the lock may have changed: ask again, then say why.
    let refused = move |err: ApiError| {
        let c = i18n.c();
        let text = match &err {
            ApiError::Server {
                body: Some(body), ..
            } => match body.code {
                ErrorCode::WeakPin => body
                    .fields
                    .values()
                    .next()
                    .map(|name| (c.teen_pin_problem)(name).to_owned()),
                ErrorCode::WrongPin | ErrorCode::PinLocked => None,
                _ => Some(c.save_failed.to_owned()),
            },
            ApiError::Throttled(_) => None,
            _ => Some(c.save_failed.to_owned()),
        };
        message.set(text.map(|t| (last.get_untracked(), t)));
        stored.reload();
    };
    let done = move |s: TeenModeState| {
        // Turned on or off: the page changes, so start reading it from the top.
        if shown.get_untracked().is_some_and(|old| old.on != s.on) {
            window().scroll_to_with_x_and_y(0.0, 0.0);
        }
        shown.set(Some(s));
    };
    // Effects of a failed send: read by `refused` once the request ends.
    Effect::new(move |_| {
        if let Some(err) = submit.error() {
            // Only a new failure runs this: what `refused` reads and
            // reloads must not make the effect run (and reload) again.
            untrack(|| refused(err));
        }
    });
    let send = move |form: Form, req: Request| {
        last.set(form);
        message.set(None);
        submit.send(req, done);
    };
    view! {
        <section class="settings teen">
            <p class="crumbs"><A href="/me">{move || i18n.c().back_to_hub}</A></p>
            <h1>{move || i18n.c().teen_heading}</h1>
            <p class="lead">{move || i18n.c().teen_intro}</p>
            {move || match shown.get() {
                None => stored.view(|_| ()).into_any(),
                Some(s) if s.on => on_view(s, message, submit, send).into_any(),
                Some(s) => off_view(s, message, submit, send).into_any(),
            }}
        </section>
    }
}

/// Daily limits a parent may pick below a band's budget, in minutes.
const LIMITS: [u16; 6] = [15, 20, 30, 40, 60, 90];

/// Why a new password (typed twice) cannot be sent, in the page's words.
fn new_pin_refusal(c: &ControlsMessages, pin: &str, again: &str) -> Option<&'static str> {
    match check_new_pin(pin) {
        Err(problem) => Some((c.teen_pin_problem)(problem.name())),
        Ok(()) if pin != again => Some(c.teen_pin_mismatch),
        Ok(()) => None,
    }
}

/// The page's forms, so a refusal shows where the code was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    On,
    Off,
    Band,
    Pin,
    Appeal,
}

/// Why the last attempt was refused.
type Message = RwSignal<Option<(Form, String)>>;

/// A request the page sends; every teen-mode call answers the new state.
type Request =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<TeenModeState, ApiError>>>>;

/// Why the last attempt from `form` was refused.
fn said(message: Message, form: Form) -> impl IntoView {
    move || {
        message.get().filter(|(f, _)| *f == form).map(|(_, m)| {
            view! { <p class="form-error teen-message" role="alert">{m}</p> }
        })
    }
}

/// A 4-digit password field: numeric keypad on phones, never echoed,
/// never offered to the browser's password manager or autofill.
fn pin_input(
    id: &'static str,
    label: impl Fn() -> &'static str + Send + Sync + 'static,
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <p class="pin-field">
            <label for=id>{label}</label>
            <input id=id name=id type="password" inputmode="numeric" pattern="[0-9]{4}"
                maxlength="4" minlength="4" autocomplete="off"
                autocapitalize="off" spellcheck="false" data-lpignore="true" data-1p-ignore="true"
                required=true class="pin"
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev)) />
        </p>
    }
}

/// Radio buttons for the five age bands.
fn band_choice(name: &'static str, chosen: RwSignal<AgeBand>) -> impl IntoView {
    let i18n = use_i18n();
    let options = AgeBand::ALL
        .into_iter()
        .map(|band| {
            let id = format!("{name}-{}", band.as_str());
            view! {
                <label class="band" for=id.clone()>
                    <input type="radio" id=id.clone() name=name value=band.as_str()
                        prop:checked=move || chosen.get() == band
                        on:change=move |_| chosen.set(band) />
                    {move || (i18n.c().teen_band)(band)}
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="bands">
            <legend>{move || i18n.c().teen_choose_band}</legend>
            {options}
        </fieldset>
    }
}

/// Teen mode off: what it changes, then the band and the password twice.
fn off_view(
    s: TeenModeState,
    message: Message,
    submit: Submit,
    send: impl Fn(Form, Request) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let band = RwSignal::new(AgeBand::From12To16);
    let (pin, again) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let (device_on, follow) = device_minor_mode();
    let rules = s.rules.clone();
    let budgets = rules
        .budgets
        .iter()
        .map(|b| {
            let (band, minutes) = (b.band, b.daily_minutes);
            view! { <li>{move || (i18n.c().teen_budget)((i18n.c().teen_band)(band), minutes)}</li> }
        })
        .collect_view();
    let restricted = (!rules.restrictions.is_empty()).then(|| {
        let labels = rules
            .restrictions
            .iter()
            .map(|r| r.label.clone())
            .collect::<Vec<_>>()
            .join("、");
        view! { <li>{move || i18n.c().teen_restricted}{labels}</li> }
    });
    let (rest, start, end) = (
        rules.rest_reminder_minutes,
        rules.curfew_start.clone(),
        rules.curfew_end.clone(),
    );
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (p, a) = (pin.get_untracked(), again.get_untracked());
        pin.set(String::new());
        again.set(String::new());
        match new_pin_refusal(i18n.c(), &p, &a) {
            Some(why) => message.set(Some((Form::On, why.to_owned()))),
            None => send(
                Form::On,
                Box::pin(api::teen_on(TeenModeOn {
                    pin: p,
                    age_band: band.get_untracked(),
                    time_zone: Some(browser_time_zone()),
                    follow_device: device_on.get_untracked() && follow.get_untracked(),
                })),
            ),
        }
    };
    view! {
        {move || device_on.get().then(|| view! {
            <div class="teen-device" role="note">
                <p>{move || i18n.c().teen_device_on}</p>
                <label>
                    <input type="checkbox" name="follow-device"
                        prop:checked=move || follow.get()
                        on:change=move |ev| follow.set(event_target_checked(&ev)) />
                    {move || i18n.c().teen_follow_device}
                </label>
            </div>
        })}
        <h2>{move || i18n.c().teen_changes}</h2>
        <ul class="teen-rules">
            {budgets}
            <li>{move || (i18n.c().teen_rest)(rest)}</li>
            <li>{move || (i18n.c().teen_curfew)(&start, &end)}</li>
            <li>{move || i18n.c().teen_content}</li>
            {restricted}
        </ul>
        <form class="teen-form" on:submit=on_submit autocomplete="off">
            {band_choice("band", band)}
            {pin_input("teen-new-pin", move || i18n.c().teen_new_pin, pin)}
            {pin_input("teen-pin-again", move || i18n.c().teen_pin_again, again)}
            <p class="setting-note">{move || i18n.c().teen_pin_hint}</p>
            {said(message, Form::On)}
            <button type="submit" disabled=submit.pending_signal()>
                {move || i18n.c().teen_turn_on}
            </button>
        </form>
    }
}

/// Inside the host app, whether the device's own minor mode is on (asked
/// through the webview bridge, again when the host says its bridge is
/// ready), and whether the user chose to follow it (proposed when it is).
fn device_minor_mode() -> (RwSignal<bool>, RwSignal<bool>) {
    let (device_on, follow) = (RwSignal::new(false), RwSignal::new(true));
    let ask = move || {
        if !bridge::installed() || device_on.get_untracked() {
            return;
        }
        leptos::task::spawn_local(async move {
            let on = bridge::minor_mode().await == Some(MinorMode::On);
            let _ = device_on.try_set(on);
        });
    };
    ask();
    let ready = window_event_listener_untyped(bridge::READY_EVENT, move |_| ask());
    on_cleanup(move || ready.remove());
    (device_on, follow)
}

/// Teen mode on: the limits in force, the lock, turning off, changes, the appeal.
fn on_view(
    s: TeenModeState,
    message: Message,
    submit: Submit,
    send: impl Fn(Form, Request) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let pin = RwSignal::new(String::new());
    let band_pin = RwSignal::new(String::new());
    let band = RwSignal::new(s.age_band.unwrap_or(AgeBand::From12To16));
    // A parent may set a daily limit below the band's budget.
    let limit = RwSignal::new(s.daily_minutes.unwrap_or(0));
    let budgets = s.rules.budgets.clone();
    let budget = Memo::new(move |_| {
        let b = band.get();
        budgets
            .iter()
            .find(|x| x.band == b)
            .map_or(0, |x| x.daily_minutes)
    });
    let (old_pin, new_pin, new_again) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let (on, age_band, minutes) = (s.on, s.age_band, s.daily_minutes);
    let rules = s.rules.clone();
    let lock = s.lock.clone();
    let locked = lock.locked_until.as_deref().map(local);
    // The lock (or the attempts left), next to every password field.
    let lock_note = move || {
        let text = match &locked {
            Some(until) => Some((i18n.c().teen_locked)(until)),
            None if lock.attempts_left < FAILURES_BEFORE_LOCK => {
                Some((i18n.c().teen_wrong_pin)(lock.attempts_left))
            }
            None => None,
        };
        text.map(|l| view! { <p class="notice teen-lock" role="status">{l}</p> })
    };
    let appeal = s.appeal.clone().map(|a| match a.status {
        AppealStatus::Open => (i18n.c().teen_appeal_open)(&local(&a.filed_at)),
        AppealStatus::Resolved => {
            (i18n.c().teen_appeal_resolved)(&local(a.resolved_at.as_deref().unwrap_or_default()))
        }
    });
    let appeal_open = s
        .appeal
        .as_ref()
        .is_some_and(|a| a.status == AppealStatus::Open);
    let turn_off = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let p = pin.get_untracked();
        pin.set(String::new());
        send(Form::Off, Box::pin(api::teen_off(p)));
    };
    let change_band = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let p = band_pin.get_untracked();
        band_pin.set(String::new());
        send(
            Form::Band,
            Box::pin(api::teen_change(TeenModeChange {
                pin: p,
                age_band: band.get_untracked(),
                daily_minutes: Some(limit.get_untracked().min(budget.get_untracked()))
                    .filter(|&m| m > 0),
            })),
        );
    };
    let change_pin = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (p, n, a) = (
            old_pin.get_untracked(),
            new_pin.get_untracked(),
            new_again.get_untracked(),
        );
        for field in [old_pin, new_pin, new_again] {
            field.set(String::new());
        }
        match new_pin_refusal(i18n.c(), &n, &a) {
            Some(why) => message.set(Some((Form::Pin, why.to_owned()))),
            None => send(
                Form::Pin,
                Box::pin(api::teen_pin(TeenPinChange { pin: p, new_pin: n })),
            ),
        }
    };
    let (start, end) = (rules.curfew_start.clone(), rules.curfew_end.clone());
    view! {
        <div class="notice teen-state">
            <p class="hub-state">{move || (i18n.c().teen_summary)(on, age_band, minutes)}</p>
            <p>{move || (i18n.c().teen_curfew)(&start, &end)}</p>
            {s.curfew_now.then(|| view! { <p>{move || i18n.c().teen_curfew_now}</p> })}
            {s.follow_device.then(|| view! { <p>{move || i18n.c().teen_follows_device}</p> })}
        </div>
        <form class="teen-form" on:submit=turn_off autocomplete="off">
            <h2>{move || i18n.c().teen_turn_off}</h2>
            {lock_note()}
            {pin_input("teen-pin", move || i18n.c().teen_pin, pin)}
            {said(message, Form::Off)}
            <button type="submit" disabled=submit.pending_signal()>
                {move || i18n.c().teen_turn_off}
            </button>
        </form>
        <details class="teen-more">
            <summary>{move || i18n.c().teen_change_band}</summary>
            <form class="teen-form" on:submit=change_band autocomplete="off">
                {band_choice("new-band", band)}
                <p class="pin-field">
                    <label for="teen-limit">{move || i18n.c().teen_daily_limit}</label>
                    <select id="teen-limit"
                        on:change=move |ev| limit.set(event_target_value(&ev).parse().unwrap_or(0))>
                        {move || {
                            let top = budget.get();
                            let chosen = limit.get().min(top);
                            LIMITS
                                .iter()
                                .copied()
                                .filter(|&m| m < top)
                                .chain([top])
                                .map(|m| view! {
                                    <option value=m.to_string() selected=m == chosen>
                                        {(i18n.c().teen_minutes)(m)}
                                    </option>
                                })
                                .collect_view()
                        }}
                    </select>
                </p>
                {lock_note()}
                {pin_input("teen-band-pin", move || i18n.c().teen_pin, band_pin)}
                {said(message, Form::Band)}
                <button type="submit" class="button-quiet" disabled=submit.pending_signal()>
                    {move || i18n.c().teen_change_band}
                </button>
            </form>
        </details>
        <details class="teen-more">
            <summary>{move || i18n.c().teen_change_pin}</summary>
            <form class="teen-form" on:submit=change_pin autocomplete="off">
                {pin_input("teen-old-pin", move || i18n.c().teen_pin, old_pin)}
                {pin_input("teen-next-pin", move || i18n.c().teen_new_pin, new_pin)}
                {pin_input("teen-next-again", move || i18n.c().teen_pin_again, new_again)}
                {lock_note()}
                {said(message, Form::Pin)}
                <button type="submit" class="button-quiet" disabled=submit.pending_signal()>
                    {move || i18n.c().teen_change_pin}
                </button>
            </form>
        </details>
        <section class="teen-forgot">
            <h2>{move || i18n.c().teen_forgot}</h2>
            <p>{move || i18n.c().teen_forgot_body}</p>
            {appeal.map(|a| view! { <p role="status">{a}</p> })}
            {said(message, Form::Appeal)}
            {(!appeal_open).then(|| view! {
                <button type="button" class="button-quiet" disabled=submit.pending_signal()
                    on:click=move |_| send(Form::Appeal, Box::pin(api::teen_appeal()))>
                    {move || i18n.c().teen_appeal}
                </button>
            })}
        </section>
    }
}
