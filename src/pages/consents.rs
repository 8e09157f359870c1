//! `/me/consents`: the signed-in user's consent history, their data export,
//! withdrawing consent and signing out.

use leptos::prelude::*;
use leptos_router::components::A;
use privacy_center_core::wire::{
    Channel, ConsentAction, ConsentRecord, ConsentRequest, ConsentState, Receipt,
};

use crate::api;
use crate::components::session::use_session;
use crate::components::status::Loading;
use crate::i18n::{local_date_time, use_i18n, Messages};
use crate::load::{load, Submit};

/// The consent records page; a "please open this from the app" message when signed out.
#[component]
pub fn ConsentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    Effect::new(move |_| {
        document().set_title(&format!(
            "{} · {}",
            i18n.t().my_consents,
            i18n.t().product_name
        ))
    });
    move || {
        if !session.loaded() {
            return view! { <Loading /> }.into_any();
        }
        if session.me().is_none() {
            let t = i18n.t();
            return view! {
                <section class="signed-out">
                    <h1>{t.signed_out_heading}</h1>
                    <p>{t.signed_out_body}</p>
                </section>
            }
            .into_any();
        }
        view! { <ConsentHistory /> }.into_any()
    }
}

/// The records table and the actions on them.
#[component]
fn ConsentHistory() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let records = load(|| (), |()| api::consents());
    let confirming = RwSignal::new(false);
    // Withdrawing and signing out: one request at a time.
    let submit = Submit::new();
    let withdraw = move |req: ConsentRequest| {
        submit.send(api::record_consent(req), move |_| {
            confirming.set(false);
            records.reload();
            session.refresh();
        });
    };
    let sign_out = move || {
        submit.send(api::sign_out(), move |()| session.refresh());
    };
    let can_withdraw = move || {
        session.me().is_some_and(|m| {
            matches!(
                m.status.consent,
                ConsentState::Current | ConsentState::Outdated
            )
        })
    };
    let on_withdraw = move |_| {
        withdraw(ConsentRequest {
            version: None,
            sha256: None,
            action: ConsentAction::Withdraw,
        });
    };
    let table = records.view(move |list: Vec<ConsentRecord>| {
        let t = i18n.t();
        if list.is_empty() {
            view! { <p>{t.no_records}</p> }.into_any()
        } else {
            record_table(list, t).into_any()
        }
    });
    let actions = move || {
        let t = i18n.t();
        let withdraw_part = if !can_withdraw() {
            None
        } else if confirming.get() {
            Some(
                view! {
                    <div class="confirm" role="group" aria-labelledby="withdraw-question">
                        <p id="withdraw-question">{t.withdraw_confirm}</p>
                        <button type="button" class="button button-danger" aria-busy=move || submit.pending().to_string() disabled=submit.pending_signal() on:click=on_withdraw>{t.withdraw_yes}</button>
                        <button type="button" class="button-quiet" on:click=move |_| confirming.set(false)>{t.cancel}</button>
                    </div>
                }
                .into_any(),
            )
        } else {
            Some(
                view! {
                    <button type="button" class="button-quiet" on:click=move |_| confirming.set(true)>{t.withdraw}</button>
                }
                .into_any(),
            )
        };
        view! {
            {submit.failed().then(|| view! { <p class="form-error" role="alert">{t.action_failed}</p> })}
            <div class="consent-actions">
                <a class="button" href=api::EXPORT_URL download="">{t.download_data}</a>
                {withdraw_part}
                <button type="button" class="button-quiet" disabled=submit.pending_signal() on:click=move |_| sign_out()>{t.sign_out}</button>
            </div>
        }
        .into_any()
    };
    let heading = move || {
        let t = i18n.t();
        view! {
            <h1>{t.my_consents}</h1>
            <p class="lead">{t.consents_intro}</p>
        }
    };
    view! { <section class="consents">{heading}{table}{actions}</section> }
}

/// The records, newest first, as a table that stacks into cards on phones.
fn record_table(list: Vec<ConsentRecord>, t: &'static Messages) -> impl IntoView {
    let rows = list
        .into_iter()
        .map(|r| {
            let when = local_date_time(&r.recorded_at)
                .map(|(d, hm)| format!("{} {hm}", (t.date)(d)))
                .unwrap_or_default();
            let href = format!("/{}/v/{}", r.app, r.version);
            let short: String = r.sha256.chars().take(12).collect();
            let action = match r.action {
                ConsentAction::Accept => t.action_accept,
                ConsentAction::Withdraw => t.action_withdraw,
                ConsentAction::Defer => t.action_defer,
            };
            let channel = match r.channel {
                Channel::Browser => t.channel_browser,
                Channel::Webview => t.channel_webview,
            };
            let receipt = r.receipt.as_ref().map(|receipt| {
                let file = format!("receipt-{}.json", receipt.record_id);
                view! {
                    " "
                    <a class="receipt" href=receipt_href(receipt) download=file title=t.receipt_hint>{t.receipt}</a>
                }
            });
            view! {
                <tr>
                    <td data-label=t.version>{r.version.clone()}</td>
                    <td data-label=t.action>{action}</td>
                    <td data-label=t.time><time datetime=r.recorded_at>{when}</time></td>
                    <td data-label=t.channel>{channel}</td>
                    <td data-label=t.text>
                        <span class="record-text">
                            <A href=href>{r.version}</A>
                            " "
                            <code class="hash" title=r.sha256>{short}</code>
                            {receipt}
                        </span>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="consent-table">
            <thead>
                <tr>
                    <th scope="col">{t.version}</th>
                    <th scope="col">{t.action}</th>
                    <th scope="col">{t.time}</th>
                    <th scope="col">{t.channel}</th>
                    <th scope="col">{t.text}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// A receipt as a `data:` URL the link downloads: the JSON the server
/// signed, as it came (the signature covers its fields, not this text).
fn receipt_href(receipt: &Receipt) -> String {
    let json = serde_json::to_string(receipt).unwrap_or_default();
    let encoded: String = js_sys::encode_uri_component(&json).into();
    format!("data:application/json;charset=utf-8,{encoded}")
}
