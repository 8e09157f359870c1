//! Asking for consent on an app's policy page: the blocking dialog, the
//! limited-mode note, the "policy updated" banner and the "agreed" line.

use leptos::prelude::*;
use leptos_router::components::A;
use privacy_center_core::wire::{ConsentAction, ConsentRequest, ConsentState, CurrentPolicy, Me};

use crate::api;
use crate::components::focus::{focusables, keep_tab_inside};
use crate::components::session::use_session;
use crate::i18n::{local_date_time, use_i18n};
use crate::load::Submit;

/// The signed-in user, when signed in for `app`.
fn me_for(app: &str) -> Option<Me> {
    use_session().me().filter(|m| m.app == app)
}

/// Decides what the policy page asks of the signed-in user: a blocking
/// dialog (never agreed, withdrawn, or a material change since), a banner
/// (only non-material changes since), or nothing.
#[component]
pub fn ConsentGate(
    /// The app whose current policy the page shows.
    app_id: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // What the user chose on this page, over what the server says: `Some(true)`
    // after "Not now" (note at once, before the deferral is recorded),
    // `Some(false)` after "Review and agree" (the dialog again).
    let note_chosen = RwSignal::new(None::<bool>);
    let dismissed = RwSignal::new(false);
    // "Read it first": the prompt becomes a bar and the policy scrolls.
    let reading = RwSignal::new(false);
    let answer = Submit::new();
    let record = move |req: ConsentRequest| {
        answer.send(api::record_consent(req), move |_| session.refresh());
    };
    move || {
        let me = me_for(&app_id)?;
        let current = me.current.clone()?;
        let t = i18n.t();
        if me.status.needs_reconsent {
            // "Not now" holds for the session it was said in (the server
            // knows): reloads show the note, the next arrival from the app asks again.
            if note_chosen.get().unwrap_or(me.deferred_in_session) {
                return Some(
                    view! {
                        <div class="notice notice-limited" role="note">
                            <p>{t.limited_note}</p>
                            {answer.failed().then(|| view! { <p class="form-error" role="alert">{t.action_failed}</p> })}
                            <button type="button" on:click=move |_| note_chosen.set(Some(false))>{t.review_and_agree}</button>
                        </div>
                    }
                    .into_any(),
                );
            }
            let answer_with = |action| ConsentRequest {
                version: Some(current.version.clone()),
                sha256: Some(current.sha256.clone()),
                action,
            };
            let req = answer_with(ConsentAction::Accept);
            let defer = answer_with(ConsentAction::Defer);
            let on_agree = Callback::new(move |()| record(req.clone()));
            let already_deferred = me.deferred_in_session;
            let on_later = Callback::new(move |()| {
                note_chosen.set(Some(true));
                if !already_deferred {
                    record(defer.clone());
                }
            });
            let failed = Signal::derive(move || answer.failed());
            let pending = answer.pending_signal();
            return Some(if reading.get() {
                view! { <ConsentBar on_agree on_later on_back=Callback::new(move |()| reading.set(false)) pending failed /> }
                    .into_any()
            } else {
                let on_read = Callback::new(move |()| reading.set(true));
                view! { <ConsentDialog me current app_id=app_id.clone() on_agree on_later on_read pending failed /> }
                    .into_any()
            });
        }
        if me.status.consent == ConsentState::Outdated && !dismissed.get() {
            let href = format!("/{}/v/{}", app_id, current.version);
            return Some(
                view! {
                    <div class="notice notice-updated" role="status">
                        <p>{t.updated_banner}" "<A href=href>{t.read_update}</A></p>
                        <button type="button" class="button-quiet" on:click=move |_| dismissed.set(true)>{t.dismiss}</button>
                    </div>
                }
                .into_any(),
            );
        }
        None
    }
}

/// The blocking consent dialog: modal, focus kept inside. Escape (like
/// "Read it first") lets the user read the policy with the choice kept in
/// a bar; nothing but the two answers closes it.
#[component]
fn ConsentDialog(
    /// The user and their consent standing.
    me: Me,
    /// The version to agree to.
    current: CurrentPolicy,
    /// The app, for the compare link.
    app_id: String,
    /// Called when the user agrees.
    on_agree: Callback<()>,
    /// Called when the user chooses "Not now".
    on_later: Callback<()>,
    /// Called when the user wants to read the policy first.
    on_read: Callback<()>,
    /// True while the agreement is being recorded.
    pending: Signal<bool>,
    /// True when recording the agreement failed.
    failed: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let node = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(el) = node.get() {
            if let Some(first) = focusables(&el).first() {
                let _ = first.focus();
            }
            if let Some(root) = document().document_element() {
                let _ = root.class_list().add_1("modal-open");
            }
        }
    });
    on_cleanup(|| {
        if let Some(root) = document().document_element() {
            let _ = root.class_list().remove_1("modal-open");
        }
    });
    let on_keydown = move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
        // Not a dismissal: the user goes to the text, the choice stays in the bar.
        "Escape" => {
            ev.prevent_default();
            on_read.run(());
        }
        "Tab" => {
            if let Some(el) = node.get_untracked() {
                keep_tab_inside(&ev, &el);
            }
        }
        _ => {}
    };
    let reconsent = me.status.consent == ConsentState::Outdated;
    let withdrawn = me.status.consent == ConsentState::Withdrawn;
    let mut summaries: Vec<String> = me
        .status
        .newer_material
        .iter()
        .filter_map(|v| v.summary.clone())
        .collect();
    if summaries.is_empty() {
        summaries.extend(current.summary.clone());
    }
    let compare = me
        .status
        .consented_version
        .clone()
        .filter(|v| *v != current.version)
        .map(|old| format!("/{app_id}/compare/{old}/{}", current.version));
    view! {
        <div class="modal-backdrop">
            <div
                class="modal"
                role="dialog"
                aria-modal="true"
                aria-labelledby="consent-title"
                aria-describedby="consent-text"
                node_ref=node
                on:keydown=on_keydown
            >
                <h2 id="consent-title">
                    {move || if reconsent { i18n.t().consent_update_title } else { i18n.t().consent_first_title }}
                </h2>
                <p class="modal-policy">{current.title.clone()}" · "{current.version.clone()}</p>
                <p id="consent-text">
                    {move || {
                        let t = i18n.t();
                        if reconsent {
                            t.consent_update_body
                        } else if withdrawn {
                            t.consent_withdrawn_body
                        } else {
                            t.consent_first_body
                        }
                    }}
                </p>
                {reconsent.then(|| view! {
                    <ul class="modal-summary">
                        {summaries.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
                    </ul>
                })}
                {compare.map(|href| view! { <p><A href=href>{move || i18n.t().compare_versions}</A></p> })}
                {move || failed.get().then(|| view! { <p class="form-error" role="alert">{i18n.t().action_failed}</p> })}
                <div class="modal-actions">
                    <button type="button" class="button" disabled=pending on:click=move |_| on_agree.run(())>
                        {move || i18n.t().agree}
                    </button>
                    <button type="button" class="button-quiet" on:click=move |_| on_later.run(())>
                        {move || i18n.t().not_now}
                    </button>
                </div>
                <p class="modal-read">
                    <button type="button" class="link-button" on:click=move |_| on_read.run(())>
                        {move || i18n.t().read_full}
                    </button>
                </p>
            </div>
        </div>
    }
}

/// The consent prompt while the user reads the policy: a bar at the foot
/// of the screen with the two answers, the page free to scroll, the
/// contents and find working. Focus moves to the policy's text; Escape
/// brings it back to the bar's answers (as Escape in the dialog went to the
/// text), and screen readers find the bar as a named region.
#[component]
fn ConsentBar(
    /// Called when the user agrees.
    on_agree: Callback<()>,
    /// Called when the user chooses "Not now".
    on_later: Callback<()>,
    /// Called to show the whole prompt again.
    on_back: Callback<()>,
    /// True while the agreement is being recorded.
    pending: Signal<bool>,
    /// True when recording the agreement failed.
    failed: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let bar = NodeRef::<leptos::html::Div>::new();
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        // An Escape another control used (closing the find bar) is its own.
        if ev.key() == "Escape" && !ev.default_prevented() {
            if let Some(first) = bar
                .get_untracked()
                .and_then(|b| focusables(&b).into_iter().next())
            {
                ev.prevent_default();
                let _ = first.focus();
            }
        }
    });
    on_cleanup(move || escape.remove());
    Effect::new(move |_| {
        let body = document()
            .query_selector(".policy-body")
            .ok()
            .flatten()
            .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok());
        if let Some(body) = body {
            let _ = body.set_attribute("tabindex", "-1");
            let _ = body.focus();
        }
    });
    view! {
        <div class="consent-bar" role="region" aria-label=move || i18n.t().consent_bar_label node_ref=bar>
            <p>{move || i18n.t().consent_bar_text}</p>
            {move || failed.get().then(|| view! { <p class="form-error" role="alert">{i18n.t().action_failed}</p> })}
            <div class="consent-bar-actions">
                <button type="button" class="button" disabled=pending on:click=move |_| on_agree.run(())>
                    {move || i18n.t().agree}
                </button>
                <button type="button" class="button-quiet" on:click=move |_| on_later.run(())>
                    {move || i18n.t().not_now}
                </button>
                <button type="button" class="link-button" on:click=move |_| on_back.run(())>
                    {move || i18n.t().consent_bar_back}
                </button>
            </div>
        </div>
    }
}

/// "Agreed to the current version (date)" in the policy header, when it is so.
#[component]
pub fn AgreedLine(
    /// The app whose current policy the page shows.
    app_id: String,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let me = me_for(&app_id).filter(|m| m.status.consent == ConsentState::Current)?;
        let when = me.status.decided_at.as_deref().and_then(local_date_time);
        let t = i18n.t();
        Some(view! {
            <p class="agreed-line">
                "✓ "{t.agreed_current}
                {when.map(|(d, _)| format!(" ({})", (t.date)(d)))}
            </p>
        })
    }
}

/// Under the notice of an upcoming version: a signed-in user of `app_id`
/// who stands agreed to the current version may agree to the new one now,
/// and is then not asked on its effective day (`core::consent::may_record`
/// refuses it from anyone else, who is asked about the current one first).
#[component]
pub fn EarlyAgreement(
    /// The app whose current policy the page shows.
    app_id: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let answer = Submit::new();
    move || {
        let me = me_for(&app_id).filter(|m| !m.status.needs_reconsent)?;
        let upcoming = me.upcoming?;
        let t = i18n.t();
        if me.status.consented_version.as_ref() == Some(&upcoming.version) {
            return Some(
                view! { <p class="upcoming-agreed" role="status">{t.agreed_early}</p> }.into_any(),
            );
        }
        let req = ConsentRequest {
            version: Some(upcoming.version),
            sha256: Some(upcoming.sha256),
            action: ConsentAction::Accept,
        };
        let agree = move |_| {
            answer.send(api::record_consent(req.clone()), move |_| session.refresh());
        };
        Some(
            view! {
                <p class="upcoming-agree">
                    <button type="button" on:click=agree disabled=answer.pending_signal()>{t.agree_early}</button>
                    {answer.failed().then(|| view! { <span class="form-error" role="alert">{t.action_failed}</span> })}
                </p>
            }
            .into_any(),
        )
    }
}
