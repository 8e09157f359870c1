//! `/me/consents`: the signed-in user's consent history, their data export,
//! withdrawing consent and signing out.

use leptos::prelude::*;
use leptos_router::components::A;
use privacy_center_core::wire::{
    Channel, ConsentAction, ConsentRecord, ConsentRequest, ConsentState,
};

use crate::api;
use crate::components::session::use_session;
use crate::components::status::Loading;
use crate::i18n::{local_date_time, use_i18n};

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
    let records = LocalResource::new(api::consents);
    let confirming = RwSignal::new(false);
    let withdraw = Action::new_local(|(): &()| {
        api::record_consent(ConsentRequest {
            version: None,
            sha256: None,
            action: ConsentAction::Withdraw,
        })
    });
    let sign_out = Action::new_local(|(): &()| api::sign_out());
    Effect::new(move |_| {
        if withdraw.value().with(|v| matches!(v, Some(Ok(_)))) {
            confirming.set(false);
            records.refetch();
            session.refresh();
        }
    });
    Effect::new(move |_| {
        if sign_out.value().with(|v| matches!(v, Some(Ok(_)))) {
            session.refresh();
        }
    });
    let failed = move || {
        withdraw.value().with(|v| matches!(v, Some(Err(_))))
            || sign_out.value().with(|v| matches!(v, Some(Err(_))))
    };
    let can_withdraw = move || {
        session.me().is_some_and(|m| {
            matches!(
                m.status.consent,
                ConsentState::Current | ConsentState::Outdated
            )
        })
    };
    view! {
        <section class="consents">
            <h1>{move || i18n.t().my_consents}</h1>
            <p class="lead">{move || i18n.t().consents_intro}</p>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match records.await {
                        Ok(list) if list.is_empty() => view! { <p>{move || i18n.t().no_records}</p> }.into_any(),
                        Ok(list) => view! { <RecordTable list /> }.into_any(),
                        Err(_) => view! { <p class="form-error" role="alert">{move || i18n.t().action_failed}</p> }.into_any(),
                    }
                })}
            </Transition>
            {move || failed().then(|| view! { <p class="form-error" role="alert">{i18n.t().action_failed}</p> })}
            <div class="consent-actions">
                <a class="button" href=api::EXPORT_URL download="">{move || i18n.t().download_data}</a>
                {move || {
                    let t = i18n.t();
                    if !can_withdraw() {
                        None
                    } else if confirming.get() {
                        Some(
                            view! {
                                <div class="confirm" role="group" aria-labelledby="withdraw-question">
                                    <p id="withdraw-question">{t.withdraw_confirm}</p>
                                    <button type="button" class="button button-danger" on:click=move |_| { withdraw.dispatch(()); }>{t.withdraw_yes}</button>
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
                    }
                }}
                <button type="button" class="button-quiet" on:click=move |_| { sign_out.dispatch(()); }>{move || i18n.t().sign_out}</button>
            </div>
        </section>
    }
}

/// The records, newest first; stacks into cards on phones.
#[component]
fn RecordTable(
    /// The user's records, newest first.
    list: Vec<ConsentRecord>,
) -> impl IntoView {
    let i18n = use_i18n();
    let rows = list
        .into_iter()
        .map(|r| {
            let when = local_date_time(&r.recorded_at);
            let href = format!("/{}/v/{}", r.app, r.version);
            let short = r.sha256.chars().take(12).collect::<String>();
            let version = r.version.clone();
            view! {
                <tr>
                    <td data-label=move || i18n.t().version>{version.clone()}</td>
                    <td data-label=move || i18n.t().action>
                        {move || match r.action {
                            ConsentAction::Accept => i18n.t().action_accept,
                            ConsentAction::Withdraw => i18n.t().action_withdraw,
                        }}
                    </td>
                    <td data-label=move || i18n.t().time>
                        <time datetime=r.recorded_at.clone()>
                            {move || when.clone().map(|(d, hm)| format!("{} {hm}", (i18n.t().date)(d)))}
                        </time>
                    </td>
                    <td data-label=move || i18n.t().channel>
                        {move || match r.channel {
                            Channel::Browser => i18n.t().channel_browser,
                            Channel::Webview => i18n.t().channel_webview,
                        }}
                    </td>
                    <td data-label=move || i18n.t().text>
                        <A href=href>{version}</A>
                        " "
                        <code class="hash" title=r.sha256.clone()>{short}</code>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="consent-table">
            <thead>
                <tr>
                    <th scope="col">{move || i18n.t().version}</th>
                    <th scope="col">{move || i18n.t().action}</th>
                    <th scope="col">{move || i18n.t().time}</th>
                    <th scope="col">{move || i18n.t().channel}</th>
                    <th scope="col">{move || i18n.t().text}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
