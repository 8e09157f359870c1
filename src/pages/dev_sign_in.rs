//! `/dev/sign-in`: "sign in as" anyone, only while the server runs with `--dev`.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::api;
use crate::components::session::use_session;
use crate::components::status::{Loading, NotFound};
use crate::i18n::use_i18n;
use crate::load::{load, Submit};

/// The development sign-in form; the 404 page outside development mode.
#[component]
pub fn DevSignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let apps = load(|| (), |()| api::apps());
    let app = RwSignal::new(String::new());
    let user = RwSignal::new(String::new());
    let navigate = StoredValue::new_local(use_navigate());
    let submit = Submit::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = api::dev_sign_in(app.get_untracked(), user.get_untracked());
        submit.send(request, move |info| {
            session.refresh();
            navigate.with_value(|go| go(&format!("/{}", info.app), Default::default()));
        });
    };
    move || {
        let list = match (session.dev_known(), apps.get()) {
            (Some(false), _) => return view! { <NotFound /> }.into_any(),
            (Some(true), Some(list)) => list.unwrap_or_default(),
            _ => return view! { <Loading /> }.into_any(),
        };
        if app.get_untracked().is_empty() {
            if let Some(first) = list.first() {
                app.set(first.id.clone());
            }
        }
        let t = i18n.t();
        let options = list
            .into_iter()
            .map(|a| view! { <option value=a.id.clone()>{format!("{} ({})", a.name, a.id)}</option> })
            .collect_view();
        view! {
            <section class="dev-sign-in">
                <h1>{t.dev_sign_in}</h1>
                <p class="lead">{t.dev_sign_in_intro}</p>
                <form class="form" on:submit=on_submit>
                    <label for="dev-app">{t.app_label}</label>
                    <select id="dev-app" name="app" prop:value=app on:change=move |ev| app.set(event_target_value(&ev))>
                        {options}
                    </select>
                    <label for="dev-user">{t.user_id_label}</label>
                    <input
                        id="dev-user"
                        name="user"
                        type="text"
                        required
                        autocomplete="off"
                        spellcheck="false"
                        prop:value=user
                        on:input=move |ev| user.set(event_target_value(&ev))
                    />
                    {move || submit.failed().then(|| view! { <p class="form-error" role="alert">{t.sign_in_failed}</p> })}
                    <button type="submit" class="button" disabled=submit.pending_signal()>{t.sign_in}</button>
                </form>
            </section>
        }
        .into_any()
    }
}
