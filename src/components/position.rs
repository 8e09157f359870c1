//! Where the reader is in a policy: section links (`/{app}#id`), the brief
//! highlight of the section a link lands on, and the reading position kept
//! in the history entry so back/forward and reload return to it.

use leptos::prelude::*;
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};

/// How long a section stays highlighted after a link lands on it.
const FLASH: Duration = Duration::from_millis(2600);
/// Scrolling must pause this long before the position is written to history.
const SAVE_AFTER: Duration = Duration::from_millis(200);
/// Key of the reading position inside `history.state`.
const STATE_KEY: &str = "readerY";

/// Runs `f` once `el` is part of the document (checked once a frame, for
/// at most about half a minute).
pub fn when_in_document(el: web_sys::Element, f: impl FnOnce() + 'static) {
    fn poll(el: web_sys::Element, f: impl FnOnce() + 'static, frames_left: u32) {
        if el.is_connected() {
            f();
        } else if frames_left > 0 {
            request_animation_frame(move || poll(el, f, frames_left - 1));
        }
    }
    poll(el, f, 2000);
}

/// The element a URL fragment names (`#一-我们收集的信息`, percent-encoded or
/// not), if the page has it.
pub fn fragment_target(hash: &str) -> Option<web_sys::Element> {
    let raw = hash.strip_prefix('#').unwrap_or(hash);
    if raw.is_empty() {
        return None;
    }
    let id = js_sys::decode_uri_component(raw)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| raw.to_owned());
    document().get_element_by_id(&id)
}

/// Gives every listed heading a focus target and a `#` link to itself, so a
/// section's address can be copied from the text as well as from the
/// contents. The link is hidden from assistive technology: the contents
/// already offer the same links by name.
pub fn add_heading_anchors<'a>(ids: impl IntoIterator<Item = &'a str>) {
    let doc = document();
    for id in ids {
        let Some(heading) = doc.get_element_by_id(id) else {
            continue;
        };
        let _ = heading.set_attribute("tabindex", "-1");
        let Ok(a) = doc.create_element("a") else {
            continue;
        };
        let _ = a.set_attribute("class", "heading-anchor");
        let _ = a.set_attribute("href", &format!("#{id}"));
        let _ = a.set_attribute("aria-hidden", "true");
        let _ = a.set_attribute("tabindex", "-1");
        a.set_text_content(Some("#"));
        let _ = heading.append_child(&a);
    }
}

/// Highlights a section heading for a moment and moves keyboard focus to it
/// (without scrolling: the caller or the browser already did).
pub fn flash(el: &web_sys::Element) {
    let classes = el.class_list();
    let _ = classes.remove_1("flash");
    let _ = classes.add_1("flash");
    if let Some(h) = el.dyn_ref::<web_sys::HtmlElement>() {
        let opts = web_sys::FocusOptions::new();
        opts.set_prevent_scroll(true);
        let _ = h.focus_with_options(&opts);
    }
    let el = send_wrapper::SendWrapper::new(el.clone());
    set_timeout(
        move || {
            let _ = el.class_list().remove_1("flash");
        },
        FLASH,
    );
}

/// Scrolls without animation, whatever `scroll-behavior` says.
pub fn jump_to(y: f64) {
    let opts = web_sys::ScrollToOptions::new();
    opts.set_top(y);
    opts.set_behavior(web_sys::ScrollBehavior::Instant);
    window().scroll_to_with_scroll_to_options(&opts);
}

/// Where the policy text starts in the document. Positions are kept
/// relative to it, so a banner that appears above the text after the
/// position was restored (dev bar, consent line) does not shift the reader.
fn text_top() -> f64 {
    document()
        .query_selector(".policy-body")
        .ok()
        .flatten()
        .map(|el| el.get_bounding_client_rect().top() + window().scroll_y().unwrap_or(0.0))
        .unwrap_or(0.0)
}

/// The reading position saved in the current history entry, if any.
fn saved_position() -> Option<f64> {
    let state = window().history().ok()?.state().ok()?;
    let offset = js_sys::Reflect::get(&state, &JsValue::from_str(STATE_KEY))
        .ok()?
        .as_f64()?;
    Some(text_top() + offset)
}

/// Puts the reader back where they were in this history entry (back/forward,
/// reload), or where they had scrolled to in the server's copy of the page
/// (`into_text`: px below the top of the text); otherwise onto the section
/// the URL names, highlighted. Call once the text is in the page.
pub fn restore_or_go_to_fragment(into_text: Option<f64>) {
    if let Some(y) = saved_position() {
        jump_to(y);
    } else if let Some(offset) =
        into_text.filter(|_| window().location().hash().unwrap_or_default().is_empty())
    {
        jump_to(text_top() + offset);
    } else if let Some(el) = fragment_target(&window().location().hash().unwrap_or_default()) {
        // Straight there: a page that opens scrolling through the whole
        // text would make the reader wait.
        let opts = web_sys::ScrollIntoViewOptions::new();
        opts.set_behavior(web_sys::ScrollBehavior::Instant);
        el.scroll_into_view_with_scroll_into_view_options(&opts);
        flash(&el);
    }
}

/// Keeps the reading position in the current history entry while the
/// calling component lives. Writes only after scrolling pauses, and never
/// after the page is left (the document then shrinks and scrolls by itself).
pub fn remember_position() {
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let listener = window_event_listener(leptos::ev::scroll, move |_| {
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        let handle = set_timeout_with_handle(save_position, SAVE_AFTER).ok();
        pending.set_value(handle);
    });
    on_cleanup(move || {
        listener.remove();
        if let Some(h) = pending.try_get_value().flatten() {
            h.clear();
        }
    });
}

fn save_position() {
    let Ok(history) = window().history() else {
        return;
    };
    let state = js_sys::Object::new();
    let y = window().scroll_y().unwrap_or(0.0) - text_top();
    let _ = js_sys::Reflect::set(&state, &JsValue::from_str(STATE_KEY), &y.into());
    let _ = history.replace_state(&state, "");
}
