//! This browser's side of a device permission: its state from the
//! Permissions API (followed on `change`), the real request behind
//! "Allow", and the device's memory of a refusal (48-hour rule,
//! `core::permissions::may_ask`).

use js_sys::{Object, Reflect};
use leptos::prelude::*;
use privacy_center_core::wire::{PermissionState, WebApi};
use send_wrapper::SendWrapper;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{MediaStream, MediaStreamConstraints, MediaStreamTrack, PermissionStatus};

fn to_state(s: web_sys::PermissionState) -> Option<PermissionState> {
    match s {
        web_sys::PermissionState::Granted => Some(PermissionState::Granted),
        web_sys::PermissionState::Denied => Some(PermissionState::Denied),
        web_sys::PermissionState::Prompt => Some(PermissionState::Prompt),
        _ => None,
    }
}

async fn status(api: WebApi) -> Option<PermissionStatus> {
    let permissions = window().navigator().permissions().ok()?;
    let query = Object::new();
    Reflect::set(&query, &"name".into(), &api.name().into()).ok()?;
    let promise = permissions.query(&query).ok()?;
    JsFuture::from(promise).await.ok()?.dyn_into().ok()
}

/// Follows `api`'s state in this browser: `state` gets the current one and
/// every change until the calling component is gone; `None` when the
/// browser cannot tell (no Permissions API, or not for this name).
pub fn watch(api: WebApi, state: RwSignal<Option<PermissionState>>) {
    let owner = Owner::current();
    spawn_local(async move {
        let Some(status) = status(api).await else {
            return;
        };
        let _ = state.try_set(to_state(status.state()));
        let on_change = {
            let status = status.clone();
            Closure::<dyn Fn()>::new(move || {
                let _ = state.try_set(to_state(status.state()));
            })
        };
        status.set_onchange(Some(on_change.as_ref().unchecked_ref()));
        let kept = SendWrapper::new((status, on_change));
        match owner {
            Some(owner) => owner.with(|| on_cleanup(move || kept.0.set_onchange(None))),
            None => kept.0.set_onchange(None),
        }
    });
}

/// Makes the real request for `api` ("Allow"): the browser asks the user.
/// Answers the outcome: granted, or denied (refused or dismissed);
/// `None` when the request failed for another reason (no camera, …).
pub async fn request(api: WebApi) -> Option<PermissionState> {
    let navigator = window().navigator();
    match api {
        WebApi::Camera | WebApi::Microphone => {
            let constraints = MediaStreamConstraints::new();
            if api == WebApi::Camera {
                constraints.set_video(&JsValue::TRUE);
            } else {
                constraints.set_audio(&JsValue::TRUE);
            }
            let promise = navigator
                .media_devices()
                .ok()?
                .get_user_media_with_constraints(&constraints)
                .ok()?;
            match JsFuture::from(promise).await {
                Ok(stream) => {
                    // Only the permission was wanted: release the device at once.
                    let stream: MediaStream = stream.dyn_into().ok()?;
                    for track in stream.get_tracks().iter() {
                        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
                            track.stop();
                        }
                    }
                    Some(PermissionState::Granted)
                }
                Err(e) => {
                    let name = Reflect::get(&e, &"name".into()).ok()?.as_string()?;
                    (name == "NotAllowedError").then_some(PermissionState::Denied)
                }
            }
        }
        WebApi::Geolocation => {
            let geolocation = navigator.geolocation().ok()?;
            let mut settle = None;
            let promise =
                js_sys::Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
            let (resolve, reject) = settle?;
            let ok = Closure::once_into_js(move |_: JsValue| {
                let _ = resolve.call0(&JsValue::NULL);
            });
            let err = Closure::once_into_js(move |e: JsValue| {
                let _ = reject.call1(&JsValue::NULL, &e);
            });
            let options = web_sys::PositionOptions::new();
            options.set_timeout(30_000);
            geolocation
                .get_current_position_with_error_callback_and_options(
                    ok.unchecked_ref(),
                    Some(err.unchecked_ref()),
                    &options,
                )
                .ok()?;
            match JsFuture::from(promise).await {
                Ok(_) => Some(PermissionState::Granted),
                // Code 1 is PERMISSION_DENIED; the others (no fix, timeout)
                // come after the permission was given.
                Err(e) => Some(
                    if Reflect::get(&e, &"code".into()).ok()?.as_f64() == Some(1.0) {
                        PermissionState::Denied
                    } else {
                        PermissionState::Granted
                    },
                ),
            }
        }
        WebApi::Notifications => {
            let answer = JsFuture::from(web_sys::Notification::request_permission().ok()?)
                .await
                .ok()?
                .as_string()?;
            Some(if answer == "granted" {
                PermissionState::Granted
            } else {
                PermissionState::Denied
            })
        }
        WebApi::None => None,
    }
}

fn refusal_key(app: &str, api: WebApi) -> String {
    format!("privacy-center.refused.{app}.{}", api.name())
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// When (Unix ms) this device last saw the user refuse `api` for `app`.
pub fn refused_at(app: &str, api: WebApi) -> Option<f64> {
    // Whole milliseconds: integer text keeps float formatting and parsing
    // out of the bundle.
    let ms: i64 = storage()?
        .get_item(&refusal_key(app, api))
        .ok()
        .flatten()?
        .parse()
        .ok()?;
    Some(ms as f64)
}

/// Remembers the outcome of a request on this device: a refusal with its
/// time, a grant by forgetting any refusal.
pub fn remember(app: &str, api: WebApi, outcome: PermissionState, now_ms: f64) {
    let Some(s) = storage() else {
        return;
    };
    let key = refusal_key(app, api);
    let _ = if outcome == PermissionState::Granted {
        s.remove_item(&key)
    } else {
        s.set_item(&key, &(now_ms as i64).to_string())
    };
}
