//! Keyboard focus inside overlays (the consent dialog, the contents drawer).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The elements Tab can reach inside `root`, in document order.
pub fn focusables(root: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
    let Ok(list) =
        root.query_selector_all("a[href], button:not([disabled]), input, select, textarea")
    else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect()
}

/// Handles Tab and Shift+Tab so focus cycles inside `root` instead of
/// reaching the page behind an overlay.
pub fn keep_tab_inside(ev: &web_sys::KeyboardEvent, root: &web_sys::Element) {
    if ev.key() != "Tab" {
        return;
    }
    let items = focusables(root);
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        return;
    };
    let active = document().active_element();
    let at = |e: &web_sys::HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a == e.unchecked_ref::<web_sys::Element>())
    };
    let inside = active.as_ref().is_some_and(|a| root.contains(Some(a)));
    if ev.shift_key() && (at(first) || !inside) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && (at(last) || !inside) {
        ev.prevent_default();
        let _ = first.focus();
    }
}
