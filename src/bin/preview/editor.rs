//! `/preview/editor`: the live editor.

use leptos::prelude::*;

use crate::staff::StaffGate;

/// The live editor.
#[component]
pub fn EditorPage() -> impl IntoView {
    view! {
        <StaffGate>
            <section class="editor"></section>
        </StaffGate>
    }
}
