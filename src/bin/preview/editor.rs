//! `/preview/editor`: the live editor. Raw legal text (imported in the
//! browser by `core::import`) or Markdown with front matter goes in; the
//! rendered page (the reader's own `PolicyView`, with its contents), the
//! checker's findings (`core::check::check_file`) and the diff against the
//! current published version (`core::diff`) come out, 150 ms after the last
//! keystroke. Each update is wrapped in `performance.mark/measure`
//! (`preview-update`) so its cost can be read back.
//!
//! Text pasted in Markdown mode without front matter is raw text: the
//! editor switches to raw import and says so (one click takes it back).
//! While the text makes no page, the last good page stays in view, dimmed,
//! under a note saying it is not what was typed.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use privacy_center_core::check::{check_file, Diagnostic, Source};
use privacy_center_core::diff::{diff, PolicyDiff, SectionDiff, SectionStatus, SpanOp};
use privacy_center_core::import::{import, ImportOptions};
use privacy_center_core::policy::{has_front_matter, PolicyFile};
use privacy_center_core::render::render;
use privacy_center_core::wire::{PolicyDocument, StaffApp, TocEntry};
use privacy_center_web::api;
use privacy_center_web::i18n::use_i18n;
use privacy_center_web::load::load;
use privacy_center_web::pages::policy::PolicyView;
use std::time::Duration;
use wasm_bindgen::JsCast;

use crate::staff::{use_staff, StaffGate};

/// Quiet time after the last keystroke before the preview updates.
const DEBOUNCE: Duration = Duration::from_millis(150);
/// Name of the `performance.measure` entry of one update.
const MEASURE: &str = "preview-update";
const MARK: &str = "preview-update-start";
/// Name of the `performance.measure` entry of an update's computing part
/// (importer, checker, diff), before the page is rendered.
const COMPUTE_MEASURE: &str = "preview-compute";

/// What the text area holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A policy file: `+++` front matter, then Markdown.
    Markdown,
    /// Raw legal text, run through the importer on every update.
    Raw,
}

/// The result of one update.
#[derive(Debug, Clone, Default)]
struct Output {
    /// The page the text makes; `None` while the front matter does not
    /// parse (the last good page then stays in view).
    doc: Option<PolicyDocument>,
    /// The checker's findings.
    diagnostics: Vec<Diagnostic>,
    /// Why the importer refused the raw text.
    import_error: Option<String>,
    /// The policy file the importer made of the raw text.
    imported: Option<String>,
    /// Changes against the current published version.
    diff: Option<PolicyDiff>,
}

/// Runs importer (raw mode), checker, and diff over the editor's text.
/// Rendering uses `core::render`, the renderer the server runs for readers,
/// and the page is shown by the reader's own `PolicyView`.
fn update(
    app: &StaffApp,
    file_name: &str,
    mode: Mode,
    text: &str,
    current: Option<&str>,
) -> Output {
    let mut out = Output::default();
    let (name, file) = match mode {
        Mode::Markdown => (file_name.to_owned(), text.to_owned()),
        Mode::Raw => {
            let opts = ImportOptions {
                app_name: Some(app.app.name.clone()),
            };
            match import(text.as_bytes(), &opts) {
                Ok(imported) => {
                    let version = imported
                        .updated
                        .or(imported.effective)
                        .or(imported.drafted)
                        .map_or_else(|| "draft".to_owned(), |d| d.to_string());
                    let file = imported.to_policy_file(&version);
                    out.imported = Some(file.clone());
                    (format!("{version}.md"), file)
                }
                Err(e) => {
                    out.import_error = Some(e.to_string());
                    return out;
                }
            }
        }
    };
    let (parsed, diagnostics) = check_file(
        &app.app.id,
        Some(&app.app_toml),
        Source {
            name: &name,
            text: &file,
        },
    );
    out.diagnostics = diagnostics;
    if let Some(f) = parsed {
        out.diff = current.map(|c| diff(c, &f.markdown));
        // The same renderer the server runs for readers.
        match render(&f.markdown) {
            Ok(rendered) => {
                out.doc = Some(PolicyDocument {
                    app: app.app.clone(),
                    meta: f.meta,
                    html: rendered.html,
                    toc: rendered.toc,
                    is_current: true,
                })
            }
            Err(e) => out.diagnostics.push(Diagnostic {
                file: format!("{}/{name}", app.app.id),
                line: 0,
                message: e.to_string(),
                severity: Default::default(),
            }),
        }
    }
    out
}

/// The live editor, behind the staff sign-in.
#[component]
pub fn EditorPage() -> impl IntoView {
    view! {
        <StaffGate>
            <Editor />
        </StaffGate>
    }
}

#[component]
fn Editor() -> impl IntoView {
    let i18n = use_i18n();
    let staff = use_staff();
    let query = use_query_map();
    let apps = move || staff.apps().unwrap_or_default();
    let newest = move |id: &str| {
        apps()
            .into_iter()
            .find(|a| a.app.id == id)
            .and_then(|a| a.versions.last().map(|v| v.version.clone()))
            .unwrap_or_default()
    };
    let (initial_app, initial_version) = query.with_untracked(|q| (q.get("app"), q.get("version")));
    let app_id = RwSignal::new(
        initial_app
            .or_else(|| apps().first().map(|a| a.app.id.clone()))
            .unwrap_or_default(),
    );
    let version = RwSignal::new(initial_version.unwrap_or_else(|| newest(&app_id.get_untracked())));
    let mode = RwSignal::new(Mode::Markdown);
    let text = RwSignal::new(String::new());
    let output = RwSignal::new(Output::default());
    // The page in view, and what its header and contents were made from.
    let shown = RwSignal::new(None::<PolicyDocument>);
    let shown_shell = StoredValue::new(None::<Shell>);
    let took = RwSignal::new(None::<f64>);
    let pending = StoredValue::new(None::<TimeoutHandle>);
    // The text makes no page: the one in view is an older text's.
    let stale = RwSignal::new(false);
    // The last paste switched the editor to raw import by itself.
    let switched = RwSignal::new(false);
    // A paste happened; the `input` event that follows carries its text.
    let pasted = StoredValue::new(false);

    let source = load(
        move || (app_id.get(), version.get()),
        |(a, v)| async move { api::policy_source(&a, &v).await },
    );
    let current = load(
        move || app_id.get(),
        |a| async move {
            let file = api::policy_source(&a, "current").await.ok();
            Ok(file.and_then(|f| PolicyFile::parse(&f).ok().map(|f| f.markdown)))
        },
    );

    let run = move || {
        let Some(app) = apps_untracked(staff, &app_id.get_untracked()) else {
            return;
        };
        let performance = window().performance();
        if let Some(p) = &performance {
            p.clear_marks_with_mark_name(MARK);
            let _ = p.mark(MARK);
        }
        let current = current.with_value_untracked(|c| c.cloned().flatten());
        let file_name = format!("{}.md", version.get_untracked());
        let mut out = text.with_untracked(|t| {
            update(
                &app,
                &file_name,
                mode.get_untracked(),
                t,
                current.as_deref(),
            )
        });
        if let Some(p) = &performance {
            let _ = p.measure_with_start_mark(COMPUTE_MEASURE, MARK);
        }
        stale.set(out.doc.is_none());
        match out.doc.take() {
            Some(doc) => show(doc, shown, shown_shell),
            // Like the page, the last good diff stays while the text does not parse.
            None => out.diff = output.with_untracked(|o| o.diff.clone()),
        }
        output.set(out);
        // A re-created page is rendered in a microtask after the signal
        // changes; a zero-delay timeout runs after it, and reading the
        // layout makes the measure include style and layout of the new page.
        set_timeout(
            move || {
                let _ = document().body().map(|b| b.offset_height());
                if let Some(p) = performance {
                    let _ = p.measure_with_start_mark(MEASURE, MARK);
                    let last = p.get_entries_by_name(MEASURE).pop();
                    if let Ok(entry) = last.dyn_into::<web_sys::PerformanceEntry>() {
                        took.set(Some(entry.duration()));
                    }
                }
            },
            Duration::ZERO,
        );
    };
    let schedule = move || {
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        pending.set_value(set_timeout_with_handle(run, DEBOUNCE).ok());
    };

    // A newly loaded version replaces the text; the published version the
    // diff compares against may arrive later and triggers an update too.
    Effect::new(move |_| {
        if let Some(Ok(src)) = source.get() {
            mode.set(Mode::Markdown);
            switched.set(false);
            text.set(src);
        }
        current.track();
        run();
    });

    let on_app = move |ev| {
        let id = event_target_value(&ev);
        version.set(newest(&id));
        app_id.set(id);
    };
    let on_mode = move |m: Mode| {
        mode.set(m);
        switched.set(false);
        if m == Mode::Raw {
            text.set(String::new());
        }
        run();
    };
    // Raw text typed or pasted in Markdown mode: import it as it stands.
    let as_raw = move |_| {
        mode.set(Mode::Raw);
        run();
    };
    let keep_markdown = move |_| {
        mode.set(Mode::Markdown);
        switched.set(false);
        run();
    };
    let on_input = move |ev| {
        let value = event_target_value(&ev);
        let raw_paste = pasted.try_update_value(std::mem::take) == Some(true)
            && mode.get_untracked() == Mode::Markdown
            && !has_front_matter(&value);
        text.set(value);
        if raw_paste {
            mode.set(Mode::Raw);
            switched.set(true);
            run();
        } else {
            schedule();
        }
    };
    let use_imported = move |_| {
        if let Some(file) = output.with_untracked(|o| o.imported.clone()) {
            mode.set(Mode::Markdown);
            text.set(file);
            run();
        }
    };

    view! {
        <section class="editor">
            <h1>{move || i18n.p().editor_heading}</h1>
            <p class="lead">{move || i18n.p().editor_intro}</p>
            <div class="editor-grid">
                <div class="editor-input">
                    <div class="editor-controls">
                        <label>
                            <span>{move || i18n.p().app_label}</span>
                            <select prop:value=app_id on:change=on_app>
                                {move || apps().into_iter().map(|a| view! {
                                    <option value=a.app.id.clone()>{format!("{} ({})", a.app.name, a.app.id)}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        <label>
                            <span>{move || i18n.p().start_from}</span>
                            <select prop:value=version on:change=move |ev| version.set(event_target_value(&ev))>
                                {move || {
                                    let id = app_id.get();
                                    apps().into_iter().filter(|a| a.app.id == id).flat_map(|a| a.versions).rev().map(|v| {
                                        let label = format!("{} · {}", v.version, match v.status {
                                            privacy_center_core::wire::PolicyStatus::Draft => i18n.p().draft,
                                            privacy_center_core::wire::PolicyStatus::Published => i18n.p().published,
                                        });
                                        view! { <option value=v.version.clone()>{label}</option> }
                                    }).collect_view()
                                }}
                            </select>
                        </label>
                    </div>
                    <fieldset class="editor-mode">
                        <legend class="visually-hidden">{move || i18n.p().source_label}</legend>
                        <label>
                            <input type="radio" name="mode" prop:checked=move || mode.get() == Mode::Markdown on:change=move |_| on_mode(Mode::Markdown) />
                            {move || i18n.p().mode_markdown}
                        </label>
                        <label>
                            <input type="radio" name="mode" prop:checked=move || mode.get() == Mode::Raw on:change=move |_| on_mode(Mode::Raw) />
                            {move || i18n.p().mode_raw}
                        </label>
                    </fieldset>
                    {move || (switched.get() && mode.get() == Mode::Raw).then(|| view! {
                        <p class="notice editor-notice" role="status">
                            {move || i18n.p().pasted_raw} " "
                            <button type="button" class="button-quiet" on:click=keep_markdown>{move || i18n.p().keep_markdown}</button>
                        </p>
                    })}
                    <label class="editor-source-label" for="editor-source">{move || i18n.p().source_label}</label>
                    <textarea
                        id="editor-source"
                        class="editor-source"
                        spellcheck="false"
                        autocomplete="off"
                        prop:value=text
                        on:paste=move |_| pasted.set_value(true)
                        on:input=on_input
                    ></textarea>
                    {move || output.with(|o| o.imported.is_some()).then(|| view! {
                        <button type="button" class="button" on:click=use_imported>{move || i18n.p().use_imported}</button>
                    })}
                    <p class="editor-timing" aria-live="off">{move || took.get().map(|ms| (i18n.p().update_took)(ms))}</p>
                    <Diagnostics output />
                    <DiffList output />
                </div>
                <div class="editor-output">
                    <h2 class="editor-output-heading">{move || i18n.p().rendered_heading}</h2>
                    {move || {
                        let shown_page = shown.with(|d| d.as_ref().map(|d| format!("{} {}", d.meta.title, d.meta.version)));
                        let shown_page = shown_page.filter(|_| stale.get())?;
                        let raw_looking = mode.get() == Mode::Markdown && text.with(|t| !t.trim().is_empty() && !has_front_matter(t));
                        Some(view! {
                            <div class="notice notice-draft editor-stale" role="status">
                                <p>{move || (i18n.p().stale_page)(&shown_page)}</p>
                                {raw_looking.then(|| view! {
                                    <p>
                                        {move || i18n.p().looks_raw} " "
                                        <button type="button" class="button" on:click=as_raw>{move || i18n.p().import_as_raw}</button>
                                    </p>
                                })}
                            </div>
                        })
                    }}
                    <div class="editor-rendered" class:editor-rendered-stale=move || stale.get() && shown.with(Option::is_some)>
                        {move || shown.get().map(|doc| view! { <PolicyView doc gate=false /> })}
                    </div>
                </div>
            </div>
        </section>
    }
}

/// What a page's header and contents are made of: when only the body of
/// the text changes, the page is patched in place instead of re-created.
#[derive(Debug, Clone, PartialEq)]
struct Shell {
    app: String,
    title: String,
    version: String,
    published: Option<privacy_center_core::wire::Date>,
    effective: Option<privacy_center_core::wire::Date>,
    toc: Vec<TocEntry>,
}

/// Puts a new page in view. Re-creating the whole `PolicyView` for every
/// key re-styles and re-lays out all of a 42 KB policy; so when the header
/// and contents stay the same, only the body's changed blocks are swapped,
/// with the HTML the same renderer makes.
fn show(
    doc: PolicyDocument,
    shown: RwSignal<Option<PolicyDocument>>,
    shell: StoredValue<Option<Shell>>,
) {
    let next = Shell {
        app: doc.app.id.clone(),
        title: doc.meta.title.clone(),
        version: doc.meta.version.clone(),
        published: doc.meta.published,
        effective: doc.meta.effective,
        toc: doc.toc.clone(),
    };
    let body = document()
        .query_selector(".editor-rendered .policy-body")
        .ok()
        .flatten();
    let same_shell = shell.with_value(|s| s.as_ref() == Some(&next));
    match body {
        Some(body) if same_shell && patch(&body, &doc.html).is_ok() => {
            // Keep the signal's copy current without re-rendering.
            shown.update_untracked(|s| *s = Some(doc));
        }
        _ => {
            shell.set_value(Some(next));
            shown.set(Some(doc));
        }
    }
}

/// Replaces the children of `body` that differ from `html`'s: the common
/// leading and trailing blocks stay, the middle is swapped.
fn patch(body: &web_sys::Element, html: &str) -> Result<(), wasm_bindgen::JsValue> {
    let template: web_sys::HtmlTemplateElement =
        document().create_element("template")?.unchecked_into();
    template.set_inner_html(html);
    let children = |list: web_sys::NodeList| -> Vec<web_sys::Node> {
        (0..list.length()).filter_map(|i| list.item(i)).collect()
    };
    let old = children(body.child_nodes());
    let new = children(template.content().child_nodes());
    let same = |a: &web_sys::Node, b: &web_sys::Node| a.is_equal_node(Some(b));
    let mut start = 0;
    while start < old.len() && start < new.len() && same(&old[start], &new[start]) {
        start += 1;
    }
    let mut end = 0;
    while end < old.len() - start
        && end < new.len() - start
        && same(&old[old.len() - 1 - end], &new[new.len() - 1 - end])
    {
        end += 1;
    }
    let anchor = old.get(old.len() - end).cloned();
    for node in &old[start..old.len() - end] {
        body.remove_child(node)?;
    }
    for node in &new[start..new.len() - end] {
        body.insert_before(node, anchor.as_ref())?;
    }
    Ok(())
}

/// The app with its versions and `app.toml`, without tracking.
fn apps_untracked(staff: crate::staff::Staff, id: &str) -> Option<StaffApp> {
    untrack(|| staff.apps())
        .unwrap_or_default()
        .into_iter()
        .find(|a| a.app.id == id)
}

/// The checker's findings, each with its file and line.
#[component]
fn Diagnostics(output: RwSignal<Output>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="editor-panel" aria-labelledby="diagnostics-heading">
            <h2 id="diagnostics-heading">{move || i18n.p().diagnostics_heading}</h2>
            {move || {
                let p = i18n.p();
                output.with(|o| {
                    if let Some(e) = &o.import_error {
                        return view! { <p class="diagnostic" role="alert">{(p.import_failed)(e)}</p> }.into_any();
                    }
                    if o.diagnostics.is_empty() {
                        return view! { <p class="no-problems">{p.no_problems}</p> }.into_any();
                    }
                    view! {
                        <ul class="diagnostics">
                            {o.diagnostics.iter().map(|d| {
                                let place = if d.line == 0 { d.file.clone() } else { format!("{}:{}", d.file, d.line) };
                                let line = (d.line > 0).then(|| (p.line)(d.line));
                                view! {
                                    <li class="diagnostic">
                                        <code>{place}</code>
                                        {line.map(|l| view! { " " <span class="diagnostic-line">{l}</span> })}
                                        " " {d.message.clone()}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }
                    .into_any()
                })
            }}
        </section>
    }
}

/// The sections that differ from the current published version, with
/// character-level changes inside changed ones.
#[component]
fn DiffList(output: RwSignal<Output>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="editor-panel" aria-labelledby="diff-heading">
            <h2 id="diff-heading">{move || i18n.p().diff_heading}</h2>
            {move || output.with(|o| o.diff.clone()).map(|d| {
                let p = i18n.p();
                let s = d.summary;
                if s.added + s.removed + s.changed + s.moved == 0 {
                    return view! { <p class="no-problems">{p.diff_none}</p> }.into_any();
                }
                view! {
                    <p class="diff-counts">{(p.diff_counts)(s.added, s.removed, s.changed, s.moved)}</p>
                    <ol class="diff-sections">
                        {d.sections.into_iter().filter(|s| s.status != SectionStatus::Unchanged).map(|s| view! { <DiffSection section=s /> }).collect_view()}
                    </ol>
                }
                .into_any()
            })}
        </section>
    }
}

/// Characters of unchanged text kept on each side of a change.
const CONTEXT_CHARS: usize = 24;

/// One changed section: its status, heading and what changed in its text.
#[component]
fn DiffSection(section: SectionDiff) -> impl IntoView {
    let i18n = use_i18n();
    let status = section.status;
    let heading = section.new_heading.clone().or(section.old_heading.clone());
    let spans = section.spans.into_iter().enumerate();
    let count = spans.len();
    let spans = spans
        .map(|(i, span)| match span.op {
            SpanOp::Insert => view! { <ins>{span.text}</ins> }.into_any(),
            SpanOp::Delete => view! { <del>{span.text}</del> }.into_any(),
            SpanOp::Equal => {
                view! { <span>{elide(&span.text, i == 0, i + 1 == count)}</span> }.into_any()
            }
        })
        .collect_view();
    view! {
        <li class=format!("diff-section diff-{}", status_class(status))>
            <span class="badge">{move || {
                let p = i18n.p();
                match status {
                    SectionStatus::Added => p.added,
                    SectionStatus::Removed => p.removed,
                    SectionStatus::Moved => p.moved,
                    _ => p.changed,
                }
            }}</span>
            " "
            <strong>{move || heading.clone().unwrap_or_else(|| i18n.p().preamble.to_owned())}</strong>
            <p class="diff-spans">{spans}</p>
        </li>
    }
}

fn status_class(status: SectionStatus) -> &'static str {
    match status {
        SectionStatus::Added => "added",
        SectionStatus::Removed => "removed",
        SectionStatus::Moved => "moved",
        SectionStatus::Changed => "changed",
        SectionStatus::Unchanged => "unchanged",
    }
}

/// Shortens unchanged text to the characters next to the changes.
fn elide(text: &str, first: bool, last: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let keep = CONTEXT_CHARS;
    if chars.len() <= keep * 2 {
        return text.to_owned();
    }
    let head: String = chars[..keep].iter().collect();
    let tail: String = chars[chars.len() - keep..].iter().collect();
    match (first, last) {
        (true, true) => format!("{head}…"),
        (true, false) => format!("…{tail}"),
        (false, true) => format!("{head}…"),
        (false, false) => format!("{head} … {tail}"),
    }
}
