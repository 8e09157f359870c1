//! Find in policy: every match of a word highlighted with the CSS Custom
//! Highlight API (no change to the text's DOM, so matches may cross bold
//! or link boundaries), a "3 / 12" count, and next/previous.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::i18n::use_i18n;

#[wasm_bindgen]
extern "C" {
    /// `CSS.highlights` (a `HighlightRegistry`).
    type HighlightRegistry;
    #[wasm_bindgen(method)]
    fn set(this: &HighlightRegistry, name: &str, highlight: &JsValue);
    #[wasm_bindgen(method)]
    fn delete(this: &HighlightRegistry, name: &str) -> bool;
}

/// The highlight registry, when the browser has one (Chromium 105+,
/// Safari 17.2+); without it, matches are still counted and scrolled to.
fn registry() -> Option<HighlightRegistry> {
    let css = js_sys::Reflect::get(&js_sys::global(), &"CSS".into()).ok()?;
    let reg = js_sys::Reflect::get(&css, &"highlights".into()).ok()?;
    (!reg.is_undefined()).then(|| reg.unchecked_into())
}

/// Registers (or clears) the highlight `name` over `ranges`.
fn paint(name: &str, ranges: &[web_sys::Range]) {
    let Some(reg) = registry() else { return };
    if ranges.is_empty() {
        reg.delete(name);
        return;
    }
    let Ok(ctor) = js_sys::Reflect::get(&js_sys::global(), &"Highlight".into()) else {
        return;
    };
    let args: js_sys::Array = ranges.iter().collect();
    if let Ok(h) = js_sys::Reflect::construct(ctor.unchecked_ref::<js_sys::Function>(), &args) {
        reg.set(name, &h);
    }
}

/// ASCII case folding; Chinese has no case, and other scripts match exactly.
fn fold(u: u16) -> u16 {
    if (b'A' as u16..=b'Z' as u16).contains(&u) {
        u + 32
    } else {
        u
    }
}

/// Start offsets (UTF-16 units) of the non-overlapping occurrences of
/// `needle` in `hay`, left to right.
pub fn occurrences(hay: &[u16], needle: &[u16]) -> Vec<usize> {
    let mut out = Vec::new();
    if needle.is_empty() {
        return out;
    }
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        if hay[i..i + needle.len()] == *needle {
            out.push(i);
            i += needle.len();
        } else {
            i += 1;
        }
    }
    out
}

/// Every match of `query` in the text under `root`, as DOM ranges. The
/// text nodes are read as one string, so a match may span several nodes.
fn find_ranges(root: &web_sys::Element, query: &str) -> Vec<web_sys::Range> {
    let needle: Vec<u16> = query.trim().encode_utf16().map(fold).collect();
    if needle.is_empty() {
        return Vec::new();
    }
    let doc = document();
    // NodeFilter.SHOW_TEXT
    let Ok(walker) = doc.create_tree_walker_with_what_to_show(root, 0x4) else {
        return Vec::new();
    };
    let mut nodes: Vec<(web_sys::Node, usize)> = Vec::new();
    let mut text: Vec<u16> = Vec::new();
    while let Ok(Some(node)) = walker.next_node() {
        // The `#` section links are not part of the policy.
        let anchor = node
            .parent_element()
            .is_some_and(|p| p.class_list().contains("heading-anchor"));
        if anchor {
            continue;
        }
        let value = node.node_value().unwrap_or_default();
        nodes.push((node, text.len()));
        text.extend(value.encode_utf16().map(fold));
    }
    // The node holding unit `at`; `end` picks the earlier node at a boundary.
    let locate = |at: usize, end: bool| {
        let i = nodes.partition_point(|(_, s)| if end { *s < at } else { *s <= at });
        let (node, start) = &nodes[i.saturating_sub(1)];
        (node, (at - start) as u32)
    };
    occurrences(&text, &needle)
        .into_iter()
        .filter_map(|at| {
            let range = doc.create_range().ok()?;
            let (n, o) = locate(at, false);
            range.set_start(n, o).ok()?;
            let (n, o) = locate(at + needle.len(), true);
            range.set_end(n, o).ok()?;
            Some(range)
        })
        .collect()
}

/// Scrolls a match to the upper third of the viewport unless it is in view
/// below the sticky bars already.
fn reveal(range: &web_sys::Range) {
    let rect = range.get_bounding_client_rect();
    let height = window()
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(640.0);
    if rect.top() < height * 0.2 || rect.bottom() > height - 16.0 {
        let y = window().scroll_y().unwrap_or(0.0) + rect.top() - height / 3.0;
        crate::components::position::jump_to(y.max(0.0));
    }
}

/// The find bar. On phones it stays folded behind a button until `open`.
#[component]
pub fn FindBar(
    /// The policy text to search.
    body: NodeRef<leptos::html::Div>,
    /// Whether the bar is unfolded on phones.
    open: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = RwSignal::new(String::new());
    let matches = StoredValue::new_local(Vec::<web_sys::Range>::new());
    let count = RwSignal::new(0usize);
    let current = RwSignal::new(0usize);
    let input = NodeRef::<leptos::html::Input>::new();

    let show = move |i: usize| {
        matches.with_value(|m| {
            if let Some(r) = m.get(i) {
                paint("find-current", std::slice::from_ref(r));
                reveal(r);
            } else {
                paint("find-current", &[]);
            }
        });
        current.set(i);
    };
    let search = move |q: String| {
        let found = body
            .get_untracked()
            .map(|b| find_ranges(&b, &q))
            .unwrap_or_default();
        paint("find", &found);
        count.set(found.len());
        matches.set_value(found);
        query.set(q);
        show(0);
    };
    let step = move |forward: bool| {
        let n = count.get_untracked();
        if n == 0 {
            return;
        }
        let i = current.get_untracked();
        show(if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        });
    };
    let close = move || {
        search(String::new());
        open.set(false);
        if let Some(b) = document()
            .get_element_by_id("find-toggle")
            .and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = b.focus();
        }
    };
    on_cleanup(move || {
        paint("find", &[]);
        paint("find-current", &[]);
    });
    Effect::new(move |_| {
        if open.get() {
            if let Some(i) = input.get() {
                // Once the bar is displayed (the class applies this frame).
                request_animation_frame(move || {
                    let _ = i.focus();
                });
            }
        }
    });
    let on_keydown = move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            step(!ev.shift_key());
        }
        "Escape" => {
            ev.prevent_default();
            close();
        }
        _ => {}
    };
    let status = move || {
        let n = count.get();
        if n == 0 {
            if query.with(|q| q.trim().is_empty()) {
                String::new()
            } else {
                i18n.t().no_matches.to_owned()
            }
        } else {
            format!("{} / {n}", current.get() + 1)
        }
    };
    view! {
        <button
            type="button"
            id="find-toggle"
            class="find-toggle button-quiet"
            aria-expanded=move || open.get().to_string()
            aria-controls="find"
            on:click=move |_| open.set(true)
        >
            <span aria-hidden="true">"⌕ "</span>
            {move || i18n.t().find}
        </button>
        <div id="find" class="find" class:open=open role="search">
            <input
                type="search"
                node_ref=input
                enterkeyhint="search"
                placeholder=move || i18n.t().find_in_policy
                aria-label=move || i18n.t().find_in_policy
                prop:value=query
                on:input=move |ev| search(event_target_value(&ev))
                on:keydown=on_keydown
            />
            <output class="find-count" aria-live="polite">{status}</output>
            <button type="button" class="button-quiet" disabled=move || count.get() == 0 on:click=move |_| step(false)>
                <span aria-hidden="true">"↑"</span>
                <span class="visually-hidden">{move || i18n.t().find_previous}</span>
            </button>
            <button type="button" class="button-quiet" disabled=move || count.get() == 0 on:click=move |_| step(true)>
                <span aria-hidden="true">"↓"</span>
                <span class="visually-hidden">{move || i18n.t().find_next}</span>
            </button>
            <button type="button" class="button-quiet find-close" on:click=move |_| close()>
                <span aria-hidden="true">"✕"</span>
                <span class="visually-hidden">{move || i18n.t().close}</span>
            </button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::occurrences;

    fn u(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }

    #[test]
    fn finds_chinese_words_without_overlap() {
        assert_eq!(
            occurrences(&u("个人信息与个人信息"), &u("个人信息")),
            [0, 5]
        );
        assert_eq!(occurrences(&u("aaaa"), &u("aa")), [0, 2]);
        assert_eq!(occurrences(&u("信息"), &u("")), Vec::<usize>::new());
        assert_eq!(occurrences(&u("信"), &u("信息")), Vec::<usize>::new());
    }
}
