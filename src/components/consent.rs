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
            return Some(
                view! { <ConsentDialog me current app_id=app_id.clone() on_agree on_later pending=answer.pending_signal() failed=Signal::derive(move || answer.failed()) /> }
                    .into_any(),
            );
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

/// The blocking consent dialog: modal, focus kept inside, not dismissed by Escape.
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
        // A blocking dialog: only its buttons close it.
        "Escape" => ev.prevent_default(),
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
