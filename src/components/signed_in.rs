//! What every control page (the controls, account and documents builds)
//! shows before and instead of itself, and what they share.

use crate::components::session::use_session;
use crate::components::status::Loading;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use privacy_center_core::wire::Me;

/// Shows `page` with the signed-in user; while the session loads, the
/// loading line; signed out, how to open the controls from the app (and,
/// in development mode, the "sign in as" page).
#[component]
pub fn SignedIn<V: IntoView + 'static>(
    /// The page, given the signed-in user.
    page: fn(Me) -> V,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // Re-created only when who is signed in changes, not on every refresh.
    let who = Memo::new(move |_| session.me().map(|m| (m.app, m.user)));
    move || {
        if !session.loaded() {
            return view! { <Loading /> }.into_any();
        }
        match who.get() {
            Some(_) => untrack(|| session.me()).map(page).into_any(),
            None => {
                let (t, c) = (i18n.t(), i18n.c());
                view! {
                    <section class="signed-out">
                        <h1>{t.signed_out_heading}</h1>
                        <p>{c.open_from_app}</p>
                        {session.dev().then(|| view! {
                            <p><a href="/dev/sign-in">{t.dev_sign_in}</a></p>
                        })}
                    </section>
                }
                .into_any()
            }
        }
    }
}

/// Sets the tab title to `title · product`.
pub fn title(title: impl Fn() -> &'static str + 'static) {
    let i18n = use_i18n();
    Effect::new(move |_| document().set_title(&format!("{} · {}", title(), i18n.t().product_name)));
}

/// The browser's IANA time zone (`Asia/Shanghai` when it names none), in
/// which quiet hours and the teen-mode curfew are read.
pub fn browser_time_zone() -> String {
    js_sys::Reflect::get(
        &js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
            .resolved_options(),
        &wasm_bindgen::JsValue::from_str("timeZone"),
    )
    .ok()
    .and_then(|z| z.as_string())
    .unwrap_or_else(|| "Asia/Shanghai".to_owned())
}
