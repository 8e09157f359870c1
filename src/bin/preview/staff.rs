//! Whether this browser holds a staff session, and the sign-in form that
//! stands in for every preview page until it does.

use leptos::prelude::*;
use privacy_center_core::wire::StaffApp;
use privacy_center_web::api::{self, ApiError};
use privacy_center_web::components::status::{LoadError, Loading};
use privacy_center_web::i18n::use_i18n;
use privacy_center_web::load::{load, Load, Submit};

/// The staff context: every app with all its versions once signed in.
#[derive(Clone, Copy)]
pub struct Staff {
    apps: Load<Option<Vec<StaffApp>>>,
}

impl Staff {
    /// Asks the server again (after signing in or out).
    pub fn refresh(&self) {
        self.apps.reload();
    }

    /// Whether the last answer said "signed in" (tracked).
    pub fn signed_in(&self) -> bool {
        self.apps.with(|r| matches!(r, Some(Ok(Some(_)))))
    }

    /// Every app with its versions, once signed in (tracked).
    pub fn apps(&self) -> Option<Vec<StaffApp>> {
        self.apps.value().flatten()
    }
}

/// Provides the staff context; the cookie itself is HttpOnly, so the only
/// way to know is to ask the server.
pub fn provide_staff() -> Staff {
    let staff = Staff {
        apps: load(|| (), |()| api::staff_apps()),
    };
    provide_context(staff);
    staff
}

/// The staff context; panics outside [`provide_staff`]'s tree.
pub fn use_staff() -> Staff {
    expect_context::<Staff>()
}

/// Shows `children` to the product team and the sign-in form to anyone else.
#[component]
pub fn StaffGate(
    /// The page behind the gate.
    children: ChildrenFn,
) -> impl IntoView {
    let staff = use_staff();
    let retry = Callback::new(move |()| staff.refresh());
    move || match staff.apps.get() {
        None => view! { <Loading /> }.into_any(),
        Some(Err(error)) => view! { <LoadError error on_retry=retry /> }.into_any(),
        Some(Ok(None)) => view! { <SignInForm /> }.into_any(),
        Some(Ok(Some(_))) => children().into_any(),
    }
}

/// The staff credential form.
#[component]
fn SignInForm() -> impl IntoView {
    let i18n = use_i18n();
    let staff = use_staff();
    let credential = RwSignal::new(String::new());
    let sign_in = Submit::new();
    let error = move || {
        let p = i18n.p();
        match sign_in.error()? {
            ApiError::Server { status: 401, .. } => Some(p.wrong_credential.to_owned()),
            ApiError::Throttled(secs) => Some((p.throttled)(secs)),
            _ => Some(i18n.t().network_problem.to_owned()),
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sign_in.send(api::staff_sign_in(credential.get_untracked()), move |()| {
            staff.refresh()
        });
    };
    view! {
        <section class="staff-sign-in">
            <h1>{move || i18n.p().sign_in_heading}</h1>
            <p class="lead">{move || i18n.p().sign_in_intro}</p>
            <form class="form" on:submit=on_submit>
                <label for="staff-credential">{move || i18n.p().credential_label}</label>
                <input
                    id="staff-credential"
                    name="credential"
                    type="password"
                    required
                    autocomplete="current-password"
                    spellcheck="false"
                    prop:value=credential
                    on:input=move |ev| credential.set(event_target_value(&ev))
                />
                {move || error().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                <button type="submit" class="button" disabled=sign_in.pending_signal()>
                    {move || i18n.p().sign_in}
                </button>
            </form>
        </section>
    }
}
