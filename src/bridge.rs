//! The webview bridge to the host app, protocol v1 (`docs/webview-bridge.md`).
//!
//! The host injects `window.PrivacyCenterBridge` with a `postMessage(string)`
//! method (Android `addJavascriptInterface` / `WebMessageListener`, iOS a
//! user script in front of `WKScriptMessageHandler`); the page sends JSON
//! requests through it and the host answers with `window.postMessage(reply,
//! <page origin>)` (or, with `WebMessageListener`, on the injected object).
//! Replies are accepted only from the page's own origin, must answer a
//! request still waiting, and are checked by `core::wire::BridgeReply`;
//! anything else is dropped without a word. No bridge, a host that does not
//! answer within [`TIMEOUT_MS`], or a refusal: the caller gets `None` and
//! shows the browser's view instead.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use js_sys::{Function, Promise, Reflect, JSON};
use privacy_center_core::wire::{
    BridgeAnswer, BridgeFailure, BridgeReply, BridgeRequest, BridgeRequestType, MinorMode,
    NativeState, Platform, BRIDGE_VERSION,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::MessageEvent;

/// The global the host injects.
pub const GLOBAL: &str = "PrivacyCenterBridge";

/// The event a host (or the reference shim) fires on `window` when it
/// installs the bridge after the page has started; pages connect again.
pub const READY_EVENT: &str = "privacycenterbridgeready";

/// How long a request waits for the host's reply.
pub const TIMEOUT_MS: i32 = 10_000;

struct Waiting {
    kind: BridgeRequestType,
    wake: Function,
    answer: Option<Result<BridgeAnswer, BridgeFailure>>,
}

thread_local! {
    static WAITING: RefCell<BTreeMap<String, Waiting>> = const { RefCell::new(BTreeMap::new()) };
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
    static LISTENING: Cell<bool> = const { Cell::new(false) };
}

/// The injected object, when it has a `postMessage` function.
fn bridge_object() -> Option<(JsValue, Function)> {
    let bridge = Reflect::get(&web_sys::window()?.into(), &GLOBAL.into()).ok()?;
    let post = Reflect::get(&bridge, &"postMessage".into()).ok()?;
    post.dyn_into::<Function>().ok().map(|post| (bridge, post))
}

/// Whether a host bridge is installed (feature detection; says nothing
/// about whether the host answers).
pub fn installed() -> bool {
    bridge_object().is_some()
}

/// Starts listening for replies, once per page load.
fn listen(bridge: &JsValue) {
    if LISTENING.replace(true) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_window = Closure::<dyn Fn(MessageEvent)>::new(|ev: MessageEvent| {
        let own = web_sys::window().and_then(|w| w.location().origin().ok());
        if own.as_deref() == Some(ev.origin().as_str()) {
            deliver(&ev.data());
        }
    });
    let _ = window.add_event_listener_with_callback("message", on_window.as_ref().unchecked_ref());
    // Android's WebMessageListener answers on the injected object itself;
    // only the host can post there.
    if let Ok(add) =
        Reflect::get(bridge, &"addEventListener".into()).and_then(|f| f.dyn_into::<Function>())
    {
        let on_bridge =
            Closure::<dyn Fn(MessageEvent)>::new(|ev: MessageEvent| deliver(&ev.data()));
        let _ = add.call2(bridge, &"message".into(), on_bridge.as_ref());
        on_bridge.forget();
    }
    // Both listeners live as long as the page.
    on_window.forget();
}

/// Hands a reply to the request it answers; anything that is not a valid
/// answer to a waiting request is ignored.
fn deliver(data: &JsValue) {
    let text = match data.as_string() {
        Some(s) => s,
        None if data.is_object() => match JSON::stringify(data).ok().and_then(|s| s.as_string()) {
            Some(s) => s,
            None => return,
        },
        None => return,
    };
    let Ok(reply) = serde_json::from_str::<BridgeReply>(&text) else {
        return;
    };
    WAITING.with(|w| {
        let mut w = w.borrow_mut();
        let Some(waiting) = w.get_mut(&reply.id) else {
            return;
        };
        if waiting.answer.is_some() {
            return;
        }
        let answer = reply.answer(waiting.kind);
        if answer == Err(BridgeFailure::Malformed) {
            return;
        }
        waiting.answer = Some(answer);
        let _ = waiting.wake.call0(&JsValue::NULL);
    });
}

/// Sends one request and waits for its checked answer.
async fn ask(kind: BridgeRequestType, permission: Option<String>) -> Option<BridgeAnswer> {
    let (bridge, post) = bridge_object()?;
    listen(&bridge);
    let id = format!("pc-{}", NEXT_ID.replace(NEXT_ID.get() + 1));
    let request = BridgeRequest {
        v: BRIDGE_VERSION,
        id: id.clone(),
        kind,
        permission,
    };
    let json = serde_json::to_string(&request).ok()?;
    let mut wake = None;
    let done = Promise::new(&mut |resolve, _| wake = Some(resolve));
    let wake = wake?;
    web_sys::window()?
        .set_timeout_with_callback_and_timeout_and_arguments_0(&wake, TIMEOUT_MS)
        .ok()?;
    WAITING.with(|w| {
        w.borrow_mut().insert(
            id.clone(),
            Waiting {
                kind,
                wake,
                answer: None,
            },
        )
    });
    let sent = post.call1(&bridge, &json.into()).is_ok();
    if sent {
        let _ = JsFuture::from(done).await;
    }
    let waiting = WAITING.with(|w| w.borrow_mut().remove(&id))?;
    waiting.answer?.ok()
}

/// `hello`: the host's platform when it speaks protocol v1.
pub async fn connect() -> Option<Platform> {
    match ask(BridgeRequestType::Hello, None).await? {
        BridgeAnswer::Hello(p) => Some(p),
        _ => None,
    }
}

/// `getPermissions`: each permission id's native state.
pub async fn permissions() -> Option<BTreeMap<String, NativeState>> {
    match ask(BridgeRequestType::GetPermissions, None).await? {
        BridgeAnswer::Permissions(p) => Some(p),
        _ => None,
    }
}

/// `openSettings`: opens the system settings page of one permission;
/// whether the host did.
pub async fn open_settings(permission: &str) -> bool {
    matches!(
        ask(BridgeRequestType::OpenSettings, Some(permission.to_owned())).await,
        Some(BridgeAnswer::Opened)
    )
}

/// `getMinorMode`: whether the device's minor mode (未成年人模式) is on.
pub async fn minor_mode() -> Option<MinorMode> {
    match ask(BridgeRequestType::GetMinorMode, None).await? {
        BridgeAnswer::MinorMode(m) => Some(m),
        _ => None,
    }
}
