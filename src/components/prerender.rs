//! Taking over from the page the server sent. On a reader route the server
//! puts the policy's page into the HTML (`api/src/prerender.rs`), inside
//! `<div id="prerender">`, so the text shows before this app has loaded;
//! the stylesheet hides what the app mounts after it until the app's own
//! page is ready and removes it here.

use leptos::prelude::*;

/// The server's page, while it is still there.
fn element() -> Option<web_sys::Element> {
    document().get_element_by_id("prerender")
}

/// Removes the server's page and says how far into its text the reader had
/// scrolled (px below the top of the text), so the app's page can carry on
/// from there; `None` when the page was not scrolled or is gone already.
/// Call once the app's page is in the document: it becomes visible as this
/// returns, and ids (headings, `#main`) are unique again.
pub fn take_over() -> Option<f64> {
    let el = element()?;
    let scrolled = window().scroll_y().unwrap_or(0.0);
    let into_text = el
        .query_selector(".policy-body")
        .ok()
        .flatten()
        .map(|body| -body.get_bounding_client_rect().top());
    el.remove();
    into_text.filter(|_| scrolled > 0.0)
}

/// Removes the server's page, for a page of the app that does not show it
/// (another route, "not found").
pub fn dismiss() {
    if let Some(el) = element() {
        el.remove();
    }
}
