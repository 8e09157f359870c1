//! `/me/account`: cancelling the account. Before a request: what happens in
//! plain words (irreversible; what is deleted; what the law keeps and why),
//! the app's conditions to read (they never block), the cooling-off, and a
//! typed confirmation, offered only to a session signed in from the app in
//! the last few minutes. While a request is pending: both clocks (the
//! cooling-off left, the legal deadline) and a withdraw button. A request
//! withdrawn by signing in again is said so.

use leptos::prelude::*;
use leptos_router::components::A;
use privacy_center_core::wire::{
    CancellationStatus, ErrorCode, Me, PendingCancellation, WithdrawnBy,
};
use privacy_center_web::api::{self, ApiError};
use privacy_center_web::components::session::use_session;
use privacy_center_web::i18n::{local_date_time, use_i18n};
use privacy_center_web::load::{load, Submit};

use privacy_center_web::components::signed_in::{title, SignedIn};

/// The account page, or how to get here when signed out.
#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    title(move || i18n.c().account_heading);
    view! { <SignedIn page=account /> }
}

fn account(me: Me) -> impl IntoView {
    let i18n = use_i18n();
    let app_id = me.app.clone();
    let app = load(
        move || app_id.clone(),
        |a| async move { api::versions(&a).await },
    );
    let name = move || app.value().map(|l| l.app.name).unwrap_or_default();
    let stored = load(|| (), |()| api::cancellation());
    // The latest answer, from the load or from a request or withdrawal.
    let shown = RwSignal::new(None::<CancellationStatus>);
    Effect::new(move |_| {
        if let Some(s) = stored.value() {
            shown.set(Some(s));
        }
    });
    view! {
        <section class="settings account">
            <p class="crumbs"><A href="/me">{move || i18n.c().back_to_hub}</A></p>
            <h1>{move || i18n.c().account_heading}</h1>
            {move || match shown.get() {
                None => stored.view(|_| ()).into_any(),
                Some(s) => match s.pending.clone() {
                    Some(p) => pending_view(p, &s, shown).into_any(),
                    None => before_view(s, name, shown).into_any(),
                },
            }}
        </section>
    }
}

/// Days, hours and minutes from `now` to `until` (RFC 3339), never negative.
fn left(now: &str, until: &str) -> (i64, i64, i64) {
    let ms = |t: &str| js_sys::Date::new(&wasm_bindgen::JsValue::from_str(t)).get_time();
    let mins = ((ms(until) - ms(now)) / 60_000.0).max(0.0) as i64;
    (mins / 1440, mins % 1440 / 60, mins % 60)
}

/// `YYYY-MM-DD HH:MM` in the reader's time zone.
fn local(rfc3339: &str) -> String {
    local_date_time(rfc3339)
        .map(|(d, t)| format!("{d} {t}"))
        .unwrap_or_else(|| rfc3339.to_owned())
}

/// A request is pending: both clocks and the way back.
fn pending_view(
    p: PendingCancellation,
    s: &CancellationStatus,
    shown: RwSignal<Option<CancellationStatus>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let submit = Submit::new();
    let (d, h, m) = left(&s.now, &p.due_at);
    let due = local(&p.due_at);
    let deadline = p.deadline_date.to_string();
    let days = s.legal_working_days;
    let withdraw = move |_| {
        submit.send(api::withdraw_cancellation(), move |s| shown.set(Some(s)));
    };
    view! {
        <div class="notice account-pending" role="status">
            <h2>{move || i18n.c().account_pending_heading}</h2>
            <dl class="account-clocks">
                <dt>{move || i18n.c().account_cooling_left_label}</dt>
                <dd class="account-left">{move || (i18n.c().account_cooling_left)(d, h, m)}</dd>
                <dt>{move || i18n.c().account_due_label}</dt>
                <dd>{due}</dd>
                <dt>{move || i18n.c().account_deadline_label}</dt>
                <dd>{move || (i18n.c().account_deadline)(&deadline, days)}</dd>
            </dl>
            <p>{move || i18n.c().account_pending_sign_in}</p>
        </div>
        {move || submit.failed().then(|| view! {
            <p class="form-error" role="alert">{i18n.c().account_failed}</p>
        })}
        <p>
            <button type="button" class="button" disabled=submit.pending_signal() on:click=withdraw>
                {move || i18n.c().account_withdraw}
            </button>
        </p>
    }
}

/// No request pending: what will happen, the conditions, and the request form.
fn before_view(
    s: CancellationStatus,
    name: impl Fn() -> String + Copy + Send + Sync + 'static,
    shown: RwSignal<Option<CancellationStatus>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let withdrawn = s.withdrawn.as_ref().map(|w| {
        let by = w.by;
        view! {
            <p class="notice account-withdrawn" role="status">
                {move || match by {
                    WithdrawnBy::SignIn => i18n.c().account_withdrawn_by_sign_in,
                    WithdrawnBy::User => i18n.c().account_withdrawn_by_user,
                }}
            </p>
        }
    });
    let conditions = (!s.conditions.is_empty()).then(|| {
        let items = s
            .conditions
            .iter()
            .map(|c| view! { <li>{c.clone()}</li> })
            .collect_view();
        view! {
            <h2>{move || i18n.c().account_conditions_heading}</h2>
            <p class="setting-note">{move || i18n.c().account_conditions_note}</p>
            <ul class="account-checklist">{items}</ul>
        }
    });
    let (cooling, working) = (s.cooling_off_days, s.legal_working_days);
    let list = |items: &'static [&'static str]| {
        items.iter().map(|i| view! { <li>{*i}</li> }).collect_view()
    };
    view! {
        {withdrawn}
        <p class="lead">{move || (i18n.c().account_intro)(&name())}</p>
        <p class="account-irreversible"><strong>{move || i18n.c().account_irreversible}</strong></p>
        <h2>{move || i18n.c().account_deleted_heading}</h2>
        <ul class="account-list">{move || list(i18n.c().account_deleted)}</ul>
        <h2>{move || i18n.c().account_kept_heading}</h2>
        <ul class="account-list">{move || list(i18n.c().account_kept)}</ul>
        {conditions}
        <h2>{move || i18n.c().account_cooling_heading}</h2>
        <p>{move || (i18n.c().account_clocks)(cooling, working)}</p>
        {request_form(s.verified, shown)}
    }
}

/// The typed confirmation, or — for a session not signed in from the app in
/// the last few minutes — how to sign in again.
fn request_form(verified: bool, shown: RwSignal<Option<CancellationStatus>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let submit = Submit::new();
    let typed = RwSignal::new(String::new());
    let code = move || match submit.error() {
        Some(ApiError::Server { body: Some(b), .. }) => Some(b.code),
        Some(_) => Some(ErrorCode::Internal),
        None => None,
    };
    let needs_reverify = move || !verified || code() == Some(ErrorCode::ReverifyRequired);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit.send(api::request_cancellation(typed.get_untracked()), move |s| {
            shown.set(Some(s))
        });
    };
    move || {
        if needs_reverify() {
            return view! {
                <div class="notice account-reverify" role="alert">
                    <p>{move || i18n.c().account_reverify}</p>
                    {session.dev().then(|| view! {
                        <p>
                            {move || i18n.c().account_reverify_dev}
                            " "
                            <a href="/dev/sign-in" rel="external">{move || i18n.t().dev_sign_in}</a>
                        </p>
                    })}
                </div>
            }
            .into_any();
        }
        view! {
            <form class="account-form" on:submit=send>
                <label for="account-confirm">{move || i18n.c().account_confirm_label}</label>
                <input
                    id="account-confirm"
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))
                />
                {move || code().map(|c| view! {
                    <p class="form-error" role="alert">
                        {if c == ErrorCode::WrongConfirmation {
                            i18n.c().account_wrong_confirmation
                        } else {
                            i18n.c().account_failed
                        }}
                    </p>
                })}
                <button type="submit" class="button button-danger" disabled=submit.pending_signal()>
                    {move || i18n.c().account_request}
                </button>
            </form>
        }
        .into_any()
    }
}
