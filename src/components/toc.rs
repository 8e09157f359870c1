//! A policy's table of contents: sticky beside the text on wide screens, a
//! drawer on phones, with the section in view highlighted (scroll-spy).

use leptos::prelude::*;
use privacy_center_core::render::{listed_toc, Listed};
use privacy_center_core::wire::TocEntry;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::focus::{focusables, keep_tab_inside};
use crate::i18n::use_i18n;

/// The contents. `open` is the phone drawer's state (wide screens show the
/// list regardless); `active` is the id of the section in view.
#[component]
pub fn Toc(
    /// The listed headings (`core::render::listed_toc`), in document order.
    entries: Vec<TocEntry>,
    /// Whether the phone drawer is open.
    open: RwSignal<bool>,
    /// The section in view.
    active: ReadSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let nav = NodeRef::<leptos::html::Nav>::new();
    let close = move || {
        open.set(false);
        // Back to the button that opened the drawer.
        if let Some(button) = document()
            .get_element_by_id("toc-toggle")
            .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = button.focus();
        }
    };
    // Focus moves into the drawer when it opens: onto the section in view.
    Effect::new(move |_| {
        if !open.get() {
            return;
        }
        let Some(nav) = nav.get() else { return };
        // After this frame's style change has made the drawer visible.
        request_animation_frame(move || {
            let current = nav.query_selector("a[aria-current]").ok().flatten();
            let target = current
                .and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok())
                .or_else(|| focusables(&nav).into_iter().nth(1));
            if let Some(t) = target {
                let _ = t.focus();
            }
        });
    });
    // Keep the highlighted entry visible inside the sidebar's own scroll.
    Effect::new(move |_| {
        let Some(id) = active.get() else { return };
        let Some(nav) = nav.get() else { return };
        let Some(link) = nav
            .query_selector(&format!("a[data-id=\"{}\"]", id.replace('"', "")))
            .ok()
            .flatten()
            .and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            return;
        };
        let (top, view) = (nav.scroll_top(), nav.client_height());
        let y = link.offset_top();
        if y < top || y + link.offset_height() > top + view {
            nav.set_scroll_top(y - view / 3);
        }
    });
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        if !open.get_untracked() {
            return;
        }
        if ev.key() == "Escape" {
            ev.prevent_default();
            close();
        } else if let Some(nav) = nav.get_untracked() {
            keep_tab_inside(&ev, &nav);
        }
    };
    let items = listed_toc(&entries)
        .into_iter()
        .map(|Listed { entry: e, depth }| {
            let class = if depth == 1 { "toc-l1" } else { "toc-l2" };
            let id = e.id.clone();
            let is_active = move || active.with(|a| a.as_deref() == Some(id.as_str()));
            view! {
                <li class=class>
                    <a
                        href=format!("#{}", e.id)
                        data-id=e.id.clone()
                        class:active=is_active.clone()
                        aria-current=move || is_active().then_some("location")
                        on:click=move |_| open.set(false)
                    >
                        {e.text.clone()}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="toc-backdrop" class:open=open on:click=move |_| close() aria-hidden="true"></div>
        <nav
            id="toc"
            class="toc"
            class:open=open
            aria-label=move || i18n.t().contents
            node_ref=nav
            on:keydown=on_keydown
        >
            <div class="toc-head">
                <h2 class="toc-title">{move || i18n.t().contents}</h2>
                <button type="button" class="toc-close button-quiet" on:click=move |_| close()>
                    <span aria-hidden="true">"✕"</span>
                    <span class="visually-hidden">{move || i18n.t().close}</span>
                </button>
            </div>
            <ol>{items}</ol>
        </nav>
    }
}

/// Button that opens the contents drawer (shown on phones only).
#[component]
pub fn TocToggle(
    /// Whether the drawer is open.
    open: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            type="button"
            id="toc-toggle"
            class="toc-toggle button-quiet"
            aria-controls="toc"
            aria-expanded=move || open.get().to_string()
            on:click=move |_| open.set(true)
        >
            <span aria-hidden="true">"☰ "</span>
            {move || i18n.t().contents}
        </button>
    }
}

/// Tracks which listed section is being read: the last heading above a line
/// just below where section links land (the sticky bars' height). An
/// `IntersectionObserver` wakes this up only when a heading crosses that
/// line, so scrolling costs nothing in between.
pub fn spy_on_sections(ids: Vec<String>, active: WriteSignal<Option<String>>) {
    let headings: Vec<web_sys::Element> = ids
        .iter()
        .filter_map(|id| document().get_element_by_id(id))
        .collect();
    if headings.is_empty() {
        return;
    }
    let height = window()
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(640.0);
    // 15% of the viewport, at least 6rem (section links land at 4.5rem).
    let line = (height * 0.15).max(96.0).min(height);
    let update = {
        let headings = headings.clone();
        move || {
            let current = headings
                .iter()
                .take_while(|h| h.get_bounding_client_rect().top() <= line + 1.0)
                .last()
                .map(|h| h.id());
            active.maybe_update(|a| {
                let changed = *a != current;
                if changed {
                    *a = current;
                }
                changed
            });
        }
    };
    update();
    let callback =
        Closure::<dyn FnMut(JsValue, JsValue)>::new(move |_: JsValue, _: JsValue| update())
            .into_js_value();
    let options = web_sys::IntersectionObserverInit::new();
    // Whole pixels: formatting an `f64` would pull float printing (~11 KB)
    // into every reader's download.
    options.set_root_margin(&format!("0px 0px {}px 0px", (line - height) as i32));
    let Ok(observer) =
        web_sys::IntersectionObserver::new_with_options(callback.unchecked_ref(), &options)
    else {
        return;
    };
    for h in &headings {
        observer.observe(h);
    }
    let observer = send_wrapper::SendWrapper::new(observer);
    on_cleanup(move || observer.disconnect());
}
