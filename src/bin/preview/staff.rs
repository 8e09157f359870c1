//! Whether this browser holds a staff session, and the sign-in form that
//! stands in for every preview page until it does.

use leptos::prelude::*;
use privacy_center_core::wire::StaffApp;
use privacy_center_web::api::{self, ApiError};
use privacy_center_web::components::status::{LoadError, Loading};
use privacy_center_web::i18n::use_i18n;

/// The staff context: every app with all its versions once signed in.
#[derive(Clone, Copy)]
pub struct Staff {
    apps: LocalResource<Result<Option<Vec<StaffApp>>, ApiError>>,
}

impl Staff {
    /// Asks the server again (after signing in or out).
    pub fn refresh(&self) {
        self.apps.refetch();
    }

    /// Whether the last answer said "signed in" (tracked).
    pub fn signed_in(&self) -> bool {
        self.apps.get().is_some_and(|r| matches!(r, Ok(Some(_))))
    }

    /// Every app with its versions, once signed in (tracked).
    pub fn apps(&self) -> Option<Vec<StaffApp>> {
        self.apps.get().and_then(|r| r.ok().flatten())
    }
}

/// Provides the staff context; the cookie itself is HttpOnly, so the only
/// way to know is to ask the server.
pub fn provide_staff() -> Staff {
    let staff = Staff {
        apps: LocalResource::new(api::staff_apps),
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
    let sign_in = Action::new_local(|credential: &String| api::staff_sign_in(credential.clone()));
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_in.value().get() {
            staff.refresh();
        }
    });
    let error = move || {
        let p = i18n.p();
        sign_in.value().with(|v| match v {
            Some(Err(ApiError::Server { status: 401, .. })) => Some(p.wrong_credential.to_owned()),
            Some(Err(ApiError::Throttled(secs))) => Some((p.throttled)(*secs)),
            Some(Err(_)) => Some(i18n.t().network_problem.to_owned()),
            _ => None,
        })
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        sign_in.dispatch(credential.get_untracked());
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
                <button type="submit" class="button" disabled=sign_in.pending()>
                    {move || i18n.p().sign_in}
                </button>
            </form>
        </section>
    }
}
