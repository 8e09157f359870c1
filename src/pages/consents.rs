//! `/me/consents`: the signed-in user's consent history, their data export,
//! withdrawing consent and signing out.

use leptos::prelude::*;
use leptos_router::components::A;
use privacy_center_core::wire::{
    Channel, ConsentAction, ConsentRecord, ConsentRequest, ConsentState,
};

use crate::api::{self, ApiError};
use crate::components::session::use_session;
use crate::components::status::Loading;
use crate::i18n::{local_date_time, use_i18n, Messages};

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
    // Plain signals filled by `spawn_local` rather than a `LocalResource`
    // and `Action`s: the same states with less generic code in every
    // reader's download. `records` is None until the first answer and keeps
    // the last list while reloading.
    let records = RwSignal::new(None::<Result<Vec<ConsentRecord>, ApiError>>);
    let load = move || {
        leptos::task::spawn_local(async move {
            records.try_set(Some(api::consents().await));
        });
    };
    load();
    let confirming = RwSignal::new(false);
    // Whether the last withdrawal or sign-out failed.
    let failed = RwSignal::new(false);
    let withdraw = move |req: ConsentRequest| {
        failed.set(false);
        leptos::task::spawn_local(async move {
            if api::record_consent(req).await.is_ok() {
                confirming.try_set(false);
                load();
                session.refresh();
            } else {
                failed.try_set(true);
            }
        });
    };
    let sign_out = move || {
        failed.set(false);
        leptos::task::spawn_local(async move {
            if api::sign_out().await.is_ok() {
                session.refresh();
            } else {
                failed.try_set(true);
            }
        });
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
    let table = move || {
        let t = i18n.t();
        match records.get() {
            None => view! { <Loading /> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <p>{t.no_records}</p> }.into_any(),
            Some(Ok(list)) => record_table(list, t).into_any(),
            Some(Err(_)) => {
                view! { <p class="form-error" role="alert">{t.action_failed}</p> }.into_any()
            }
        }
    };
    let actions = move || {
        let t = i18n.t();
        let withdraw_part = if !can_withdraw() {
            None
        } else if confirming.get() {
            Some(
                view! {
                    <div class="confirm" role="group" aria-labelledby="withdraw-question">
                        <p id="withdraw-question">{t.withdraw_confirm}</p>
                        <button type="button" class="button button-danger" on:click=on_withdraw>{t.withdraw_yes}</button>
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
            {failed.get().then(|| view! { <p class="form-error" role="alert">{t.action_failed}</p> })}
            <div class="consent-actions">
                <a class="button" href=api::EXPORT_URL download="">{t.download_data}</a>
                {withdraw_part}
                <button type="button" class="button-quiet" on:click=move |_| sign_out()>{t.sign_out}</button>
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
            view! {
                <tr>
                    <td data-label=t.version>{r.version.clone()}</td>
                    <td data-label=t.action>{action}</td>
                    <td data-label=t.time><time datetime=r.recorded_at>{when}</time></td>
                    <td data-label=t.channel>{channel}</td>
                    <td data-label=t.text>
                        <A href=href>{r.version}</A>
                        " "
                        <code class="hash" title=r.sha256>{short}</code>
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
