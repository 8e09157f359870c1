//! `/{app}/permissions`: the app's published permission list (public),
//! grouped by kind, each with the policy's purpose and a link to the
//! section that explains it. In a browser, each kind with a Web API shows
//! this browser's live state with "Allow" (the real request) and how to
//! turn it off; a refusal is not asked again for 48 hours on this device
//! (`core::permissions::may_ask`). Inside the host app (`crate::bridge`),
//! the phone's own states replace the browser's, with a way to the system
//! settings of each permission. A signed-in user's decisions go to their
//! history (`POST /api/me/permission-choices`).

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use privacy_center_core::permissions::{may_ask, may_ask_from};
use privacy_center_core::routes::Route;
use privacy_center_core::wire::{
    AppPermissions, NativeState, PermissionChoice, PermissionEntry, PermissionGroup,
    PermissionSource, PermissionState, Platform, WebApi,
};
use privacy_center_web::components::session::use_session;
use privacy_center_web::components::status::NotFound;
use privacy_center_web::i18n::{local_date_time, use_i18n};
use privacy_center_web::load::{load, Submit};
use privacy_center_web::{api, bridge};
use wasm_bindgen_futures::spawn_local;

use crate::browser;
use privacy_center_web::components::signed_in::title;

/// The permission list of the app in the path; the 404 page for a path
/// segment that cannot be an app (and, through the API, for an unknown one).
#[component]
pub fn PermissionsPage() -> impl IntoView {
    let i18n = use_i18n();
    title(move || i18n.c().permissions_heading);
    let params = use_params_map();
    let app = Memo::new(move |_| {
        let app = params.with(|p| p.get("app"))?;
        matches!(
            Route::parse(&format!("/{app}/permissions")),
            Some(Route::Permissions { .. })
        )
        .then_some(app)
    });
    move || match app.get() {
        None => view! { <NotFound /> }.into_any(),
        Some(app) => view! { <PermissionList app /> }.into_any(),
    }
}

/// What the page knows of the host app, when it runs inside one.
#[derive(Clone, Copy)]
struct Native {
    /// The host's platform, once it said hello.
    platform: RwSignal<Option<Platform>>,
    /// Permission id → the phone's state.
    states: RwSignal<BTreeMap<String, NativeState>>,
    /// The user went to the system settings from here: changes seen when
    /// they come back are theirs to record.
    settings_opened: RwSignal<bool>,
}

/// Who may have decisions recorded: the signed-in user of this app only.
fn records_for(app: &str) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
    let session = use_session();
    let app = StoredValue::new(app.to_owned());
    move || {
        session
            .me()
            .is_some_and(|m| app.with_value(|a| *a == m.app))
    }
}

#[component]
fn PermissionList(app: String) -> impl IntoView {
    let i18n = use_i18n();
    let app_id = app.clone();
    let list = load(
        move || app_id.clone(),
        |a| async move { api::permissions(&a).await },
    );
    let native = Native {
        platform: RwSignal::new(None),
        states: RwSignal::new(BTreeMap::new()),
        settings_opened: RwSignal::new(false),
    };
    let records = records_for(&app);
    let record = Submit::new();
    let refresh = move || {
        spawn_local(async move {
            let Some(now) = bridge::permissions().await else {
                return;
            };
            let before = native.states.get_untracked();
            if native.settings_opened.get_untracked() && records() {
                let changed: Vec<PermissionChoice> = now
                    .iter()
                    .filter(|(id, state)| before.get(*id) != Some(state))
                    .map(|(id, state)| PermissionChoice {
                        permission: id.clone(),
                        state: (*state).into(),
                        source: PermissionSource::Native,
                    })
                    .collect();
                if !changed.is_empty() {
                    record.send(
                        async move {
                            for choice in changed {
                                api::record_permission(choice).await?;
                            }
                            Ok(())
                        },
                        |_| (),
                    );
                }
            }
            let _ = native.states.try_set(now);
        })
    };
    let connect = move || {
        if !bridge::installed() || native.platform.get_untracked().is_some() {
            return;
        }
        spawn_local(async move {
            if let Some(p) = bridge::connect().await {
                if native.platform.try_set(Some(p)).is_none() {
                    refresh();
                }
            }
        })
    };
    connect();
    let ready = window_event_listener_untyped(bridge::READY_EVENT, move |_| connect());
    let back = window_event_listener_untyped("visibilitychange", move |_| {
        if native.platform.get_untracked().is_some() && !document().hidden() {
            refresh();
        }
    });
    let focus = window_event_listener(leptos::ev::focus, move |_| {
        if native.platform.get_untracked().is_some() {
            refresh();
        }
    });
    on_cleanup(move || {
        ready.remove();
        back.remove();
        focus.remove();
    });
    let policy = Route::Policy { app: app.clone() }.href();
    let app = StoredValue::new(app);
    // The heading comes with the list: an unknown app gets the 404 page alone.
    list.view(move |l: AppPermissions| {
        let name = l.name.clone();
        let policy = policy.clone();
        view! {
            <section class="settings permissions">
                <p class="crumbs">
                    <a href=policy rel="external">{move || i18n.t().read_policy}</a>
                </p>
                <h1>{move || i18n.c().permissions_heading}</h1>
                <p class="lead">{move || (i18n.c().permissions_intro)(&name)}</p>
                <p class="perm-mode">
                    {move || match native.platform.get() {
                        Some(p) => {
                            let c = i18n.c();
                            (c.permissions_native_mode)((c.platform_name)(p))
                        }
                        None => i18n.c().permissions_browser_mode.to_owned(),
                    }}
                </p>
                {l.groups.is_empty().then(|| view! { <p>{move || i18n.c().no_permissions}</p> })}
                {l.groups
                    .into_iter()
                    .map(|g| group_view(app.get_value(), g, native, records))
                    .collect_view()}
            </section>
        }
    })
}

/// One kind: this browser's state (outside the app), then every declared
/// permission of the kind.
fn group_view(
    app: String,
    group: PermissionGroup,
    native: Native,
    records: impl Fn() -> bool + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let kind = group.kind;
    let heading_id = format!("kind-{}", kind as u8);
    let browser = group.browser_id.clone().map(|id| {
        let purpose = group
            .permissions
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.purpose.clone())
            .unwrap_or_default();
        let api = group.web_api;
        let app = app.clone();
        move || {
            native.platform.get().is_none().then(|| {
                view! {
                    <BrowserControl
                        app=app.clone()
                        api
                        kind_name=move || (i18n.c().kind_name)(kind)
                        choice_id=id.clone()
                        purpose=purpose.clone()
                        records
                    />
                }
            })
        }
    });
    let entries = group
        .permissions
        .into_iter()
        .map(|p| entry_view(p, native))
        .collect_view();
    let labelled_by = heading_id.clone();
    view! {
        <section class="perm-group" aria-labelledby=labelled_by>
            <h2 id=heading_id>{move || (i18n.c().kind_name)(kind)}</h2>
            {browser}
            <ul class="settings-list perm-list">{entries}</ul>
        </section>
    }
}

/// One declared permission: platform, label, purpose, the policy section;
/// inside the app on its platform, the phone's state and the way to the
/// system settings.
fn entry_view(p: PermissionEntry, native: Native) -> impl IntoView {
    let i18n = use_i18n();
    let platform = p.platform;
    let id = StoredValue::new(p.id.clone());
    let section = p.section.clone().map(|s| {
        let link = match p.section_href.clone() {
            Some(href) => view! { <a href=href rel="external">{s}</a> }.into_any(),
            None => view! { <span>{s}</span> }.into_any(),
        };
        view! { <p class="setting-source">{move || i18n.c().explained_in}{link}</p> }
    });
    let opened = RwSignal::new(None::<bool>);
    let on_this_phone = move || native.platform.get() == Some(platform);
    let state = move || {
        let c = i18n.c();
        let s = native
            .states
            .with(|m| id.with_value(|id| m.get(id).copied()));
        match s {
            Some(NativeState::NotAsked) => (c.state_not_asked, "prompt"),
            Some(s) => {
                let s = PermissionState::from(s);
                ((c.state_name)(s), s.as_str())
            }
            None => (c.state_unknown, "unknown"),
        }
    };
    let open = move |_| {
        native.settings_opened.set(true);
        spawn_local(async move {
            let ok = bridge::open_settings(&id.get_value()).await;
            let _ = opened.try_set(Some(ok));
        });
    };
    view! {
        <li class="setting-row perm-item" data-permission=p.id.clone() data-platform=move || (i18n.c().platform_name)(platform)>
            <p class="perm-title">
                <span class="badge perm-platform">{move || (i18n.c().platform_name)(platform)}</span>
                <span class="setting-label">{p.label}</span>
            </p>
            {move || on_this_phone().then(|| {
                let (word, class) = state();
                view! { <span class=format!("badge perm-state state-{class}")>{word}</span> }
            })}
            <p class="setting-note perm-purpose">{p.purpose}</p>
            <p class="setting-source perm-os"><code>{p.os_name}</code></p>
            {section}
            {move || on_this_phone().then(|| view! {
                <p class="perm-actions">
                    <button type="button" class="button-quiet" on:click=open>
                        {move || i18n.c().open_settings}
                    </button>
                    {move || opened.get().map(|ok| {
                        let c = i18n.c();
                        view! { <span role="status">{if ok { c.settings_opened } else { c.settings_failed }}</span> }
                    })}
                </p>
            })}
        </li>
    }
}

/// This browser's state of one kind, "Allow" and "How to turn off".
#[component]
fn BrowserControl(
    /// App id (the device's refusal memory is per app and Web API).
    app: String,
    /// The Web API.
    api: WebApi,
    /// The kind's name, for the explanations.
    kind_name: impl Fn() -> &'static str + Copy + Send + Sync + 'static,
    /// The `app.toml` id a decision is recorded under.
    choice_id: String,
    /// Why the app asks, shown with the request.
    purpose: String,
    /// Whether decisions are recorded (the app's signed-in user).
    records: impl Fn() -> bool + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = RwSignal::new(None::<PermissionState>);
    browser::watch(api, state);
    let refused = RwSignal::new(browser::refused_at(&app, api));
    let asking = RwSignal::new(false);
    let failed = RwSignal::new(false);
    let explain = RwSignal::new(false);
    let record = Submit::new();
    let app = StoredValue::new(app);
    let choice_id = StoredValue::new(choice_id);
    let allow = move |_| {
        if asking.get_untracked() || !may_ask(refused.get_untracked(), js_sys::Date::now()) {
            return;
        }
        asking.set(true);
        failed.set(false);
        spawn_local(async move {
            let outcome = browser::request(api).await;
            if asking.try_set(false).is_some() {
                return;
            }
            let Some(outcome) = outcome else {
                failed.set(true);
                return;
            };
            let now = js_sys::Date::now();
            browser::remember(&app.get_value(), api, outcome, now);
            refused.set((outcome != PermissionState::Granted).then_some(now));
            if outcome == PermissionState::Granted {
                state.set(Some(outcome));
            }
            if records() {
                record.send(
                    api::record_permission(PermissionChoice {
                        permission: choice_id.get_value(),
                        state: outcome,
                        source: PermissionSource::Browser,
                    }),
                    |_| (),
                );
            }
        });
    };
    let until = move || {
        let at = refused.get()?;
        (!may_ask(Some(at), js_sys::Date::now())).then(|| {
            let iso = js_sys::Date::new(&may_ask_from(at).into()).to_iso_string();
            local_date_time(&String::from(iso))
                .map(|(d, t)| format!("{d} {t}"))
                .unwrap_or_default()
        })
    };
    let purpose = StoredValue::new(purpose);
    view! {
        <div class="perm-browser notice">
            <p class="perm-browser-state">
                {move || i18n.c().in_this_browser}
                {move || {
                    let c = i18n.c();
                    let (word, class) = match state.get() {
                        Some(s) => ((c.state_name)(s), s.as_str()),
                        None => (c.state_unknown, "unknown"),
                    };
                    view! { <span class=format!("badge perm-state state-{class}")>{word}</span> }
                }}
            </p>
            {move || {
                let c = i18n.c();
                match (state.get(), until()) {
                    (Some(PermissionState::Granted), _) => view! {
                        <p class="perm-actions">
                            <button type="button" class="button-quiet" aria-expanded=move || explain.get().to_string()
                                on:click=move |_| explain.update(|e| *e = !*e)>
                                {c.turn_off}
                            </button>
                        </p>
                        {move || explain.get().then(|| view! { <p class="perm-explain">{(c.how_to_turn_off)(kind_name())}</p> })}
                    }
                    .into_any(),
                    (s, Some(t)) => view! {
                        <p class="perm-explain" role="status">{(c.refused_until)(&t)}</p>
                        {(s == Some(PermissionState::Denied)).then(|| view! {
                            <p class="perm-explain">{(c.blocked_here)(kind_name())}</p>
                        })}
                    }
                    .into_any(),
                    (Some(PermissionState::Denied), None) => {
                        view! { <p class="perm-explain">{(c.blocked_here)(kind_name())}</p> }.into_any()
                    }
                    _ => view! {
                        <p class="perm-purpose-ask">
                            <span class="setting-label">{c.purpose_label}</span>
                            {purpose.get_value()}
                        </p>
                        <p class="perm-actions">
                            <button type="button" class="button" disabled=move || asking.get() on:click=allow>
                                {c.allow}
                            </button>
                        </p>
                    }
                    .into_any(),
                }
            }}
            {move || failed.get().then(|| view! { <p class="form-error" role="alert">{i18n.c().request_failed}</p> })}
        </div>
    }
}
