//! `/{app}/lists`: the app's two lists (双清单, 工信部信管函〔2021〕292号):
//! the personal information it collects and the third parties (SDKs
//! included) it shares it with, as two tables (stacked cards on phones)
//! with one search box over both. Public like the policy the rows come
//! from (`GET /api/apps/{app}/lists`); each row links to the policy
//! section that says it.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use privacy_center_core::routes::Route;
use privacy_center_core::wire::{AppLists, CollectedRow, ThirdPartyKind, ThirdPartyRow};
use privacy_center_core::words::Lang;
use privacy_center_web::api;
use privacy_center_web::i18n::{controls_messages, use_i18n};
use privacy_center_web::load::load;

/// The two lists of the app in the path; an unknown app is "not found".
#[component]
pub fn ListsPage() -> impl IntoView {
    let params = use_params_map();
    let lists = load(
        move || params.with(|p| p.get("app").unwrap_or_default()),
        |app| async move { api::lists(&app).await },
    );
    lists.view(|lists| view! { <Lists lists /> })
}

/// The search's terms: lower-cased, split at white space. Every term must
/// appear in a row for it to show.
fn terms(query: &str) -> Vec<String> {
    query.split_whitespace().map(str::to_lowercase).collect()
}

fn matches(haystack: &str, terms: &[String]) -> bool {
    terms.iter().all(|t| haystack.contains(t.as_str()))
}

/// Everything a reader may search a row by, lower-cased: its columns and
/// its badges' words in every language.
fn haystack(columns: &[&str], badges: &[fn(Lang) -> &'static str]) -> String {
    let mut text = columns.join("\n");
    for badge in badges {
        for lang in Lang::ALL {
            text.push('\n');
            text.push_str(badge(lang));
        }
    }
    text.to_lowercase()
}

fn collected_haystack(row: &CollectedRow) -> String {
    let permissions = row.permissions.join("、");
    let mut columns = vec![
        row.info.as_str(),
        permissions.as_str(),
        row.section.as_str(),
    ];
    columns.extend(row.purpose.as_deref());
    columns.extend(row.scenario.as_deref());
    let sensitive: &[fn(Lang) -> &'static str] = if row.sensitive {
        &[|l| controls_messages(l).sensitive]
    } else {
        &[]
    };
    haystack(&columns, sensitive)
}

fn third_party_haystack(row: &ThirdPartyRow) -> String {
    let data = row.data.as_deref().unwrap_or_default().join("、");
    let mut columns = vec![row.name.as_str(), data.as_str(), row.section.as_str()];
    columns.extend(row.company.as_deref());
    columns.extend(row.purpose.as_deref());
    columns.extend(row.link.as_deref());
    let kind: fn(Lang) -> &'static str = match row.kind {
        ThirdPartyKind::Sdk => |l| controls_messages(l).kind_sdk,
        ThirdPartyKind::Partner => |l| controls_messages(l).kind_partner,
    };
    haystack(&columns, &[kind])
}

/// The page: heading, search, then both tables.
#[component]
fn Lists(
    /// Both lists, as the API answered them.
    lists: AppLists,
) -> impl IntoView {
    let i18n = use_i18n();
    let app = lists.app;
    let name = StoredValue::new(app.name.clone());
    Effect::new(move |_| {
        document().set_title(&format!(
            "{} · {} · {}",
            name.get_value(),
            i18n.t().lists,
            i18n.t().product_name
        ))
    });
    let query = RwSignal::new(String::new());
    let terms = Memo::new(move |_| query.with(|q| terms(q)));
    let searching = move || terms.with(|t| !t.is_empty());
    let collected_hay: Vec<String> = lists.collected.iter().map(collected_haystack).collect();
    let third_hay: Vec<String> = lists
        .third_parties
        .iter()
        .map(third_party_haystack)
        .collect();
    let total = collected_hay.len() + third_hay.len();
    let hays = StoredValue::new((collected_hay, third_hay));
    let shown = Memo::new(move |_| {
        terms.with(|t| {
            hays.with_value(|(c, p)| {
                let count = |h: &[String]| h.iter().filter(|h| matches(h, t)).count();
                (count(c), count(p))
            })
        })
    });
    let input = NodeRef::<leptos::html::Input>::new();
    let clear = move || {
        query.set(String::new());
        if let Some(el) = input.get_untracked() {
            let _ = el.focus();
        }
    };
    let policy = Route::Policy {
        app: app.id.clone(),
    }
    .href();
    let version = lists.version;
    // The rows are the policy's words, in its language whatever the UI's.
    let (collected_lang, third_lang) = (app.locale.clone(), app.locale.clone());
    let collected_total = lists.collected.len();
    let third_total = lists.third_parties.len();
    let collected_rows = lists
        .collected
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let visible = move || terms.with(|t| hays.with_value(|(c, _)| matches(&c[i], t)));
            collected_row(row, &policy, visible)
        })
        .collect_view();
    let third_rows = lists
        .third_parties
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            let visible = move || terms.with(|t| hays.with_value(|(_, p)| matches(&p[i], t)));
            third_party_row(row, &policy, visible)
        })
        .collect_view();
    view! {
        <section class="lists">
            <p class="crumbs">
                <a href=policy.clone() rel="external">
                    {move || (i18n.c().lists_back)(&name.get_value())}
                </a>
            </p>
            <h1>{move || i18n.t().lists}</h1>
            <p class="lead">
                {move || (i18n.c().lists_intro)(&name.get_value(), &version)}
            </p>
            <div class="lists-search" role="search">
                <label for="lists-q">{move || i18n.c().lists_search}</label>
                <div class="lists-search-row">
                    <input
                        id="lists-q"
                        type="search"
                        node_ref=input
                        autocomplete="off"
                        placeholder=move || i18n.c().lists_search_hint
                        prop:value=move || query.get()
                        on:input=move |ev| query.set(event_target_value(&ev))
                        on:keydown=move |ev| {
                            if ev.key() == "Escape" {
                                ev.prevent_default();
                                clear();
                            }
                        }
                    />
                    <button
                        type="button"
                        class="button-quiet"
                        hidden=move || query.with(String::is_empty)
                        on:click=move |_| clear()
                    >
                        {move || i18n.c().lists_clear}
                    </button>
                </div>
                <p class="lists-count" role="status">
                    {move || {
                        let (c, p) = shown.get();
                        (i18n.c().lists_shown)(c + p, total, searching())
                    }}
                </p>
            </div>
            <ListSection
                id="collected"
                heading=move || i18n.c().collected_heading
                shown=Signal::derive(move || shown.get().0)
                total=collected_total
                query
            >
                <table class="lists-table lists-collected">
                    <caption>{move || (i18n.c().collected_caption)(&name.get_value())}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{move || i18n.c().col_info}</th>
                            <th scope="col">{move || i18n.c().col_purpose}</th>
                            <th scope="col">{move || i18n.c().col_scenario}</th>
                            <th scope="col">{move || i18n.c().col_permissions}</th>
                            <th scope="col">{move || i18n.c().col_section}</th>
                        </tr>
                    </thead>
                    <tbody lang=collected_lang>{collected_rows}</tbody>
                </table>
            </ListSection>
            <ListSection
                id="third-parties"
                heading=move || i18n.c().third_parties_heading
                shown=Signal::derive(move || shown.get().1)
                total=third_total
                query
            >
                <table class="lists-table lists-third-parties">
                    <caption>{move || (i18n.c().third_parties_caption)(&name.get_value())}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{move || i18n.c().col_name}</th>
                            <th scope="col">{move || i18n.c().col_company}</th>
                            <th scope="col">{move || i18n.c().col_data}</th>
                            <th scope="col">{move || i18n.c().col_purpose}</th>
                            <th scope="col">{move || i18n.c().col_link}</th>
                            <th scope="col">{move || i18n.c().col_section}</th>
                        </tr>
                    </thead>
                    <tbody lang=third_lang>{third_rows}</tbody>
                </table>
            </ListSection>
        </section>
    }
}

/// One list: its heading with "n / m", the table (hidden when no row
/// shows), and why nothing shows.
#[component]
fn ListSection(
    /// The section's id, for its heading's `aria-labelledby`.
    id: &'static str,
    /// The list's name.
    heading: impl Fn() -> &'static str + Send + Sync + 'static,
    /// Rows the search leaves.
    shown: Signal<usize>,
    /// Rows in all.
    total: usize,
    /// The search, to say what found nothing.
    query: RwSignal<String>,
    /// The table.
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let heading_id = format!("{id}-heading");
    let labelled_by = heading_id.clone();
    let empty = move || shown.get() == 0;
    view! {
        <section class="lists-section" id=id aria-labelledby=labelled_by>
            <h2 id=heading_id>
                {heading}
                <span class="lists-tally">{move || format!("{} / {total}", shown.get())}</span>
            </h2>
            <div class="lists-table-wrap" hidden=empty>{children()}</div>
            {move || {
                empty()
                    .then(|| {
                        let message = if total == 0 {
                            i18n.c().lists_not_declared.to_owned()
                        } else {
                            (i18n.c().lists_no_match)(query.get().trim())
                        };
                        view! { <p class="lists-empty">{message}</p> }
                    })
            }}
        </section>
    }
}

/// The policy page's link to a row's section.
fn section_link(policy: &str, section: String, anchor: Option<String>) -> impl IntoView {
    let href = match anchor {
        Some(anchor) => format!("{policy}#{anchor}"),
        None => policy.to_owned(),
    };
    view! { <a href=href rel="external">{section}</a> }
}

/// The policy's words, or "not stated in the policy".
fn stated(text: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    match text {
        Some(text) => text.into_any(),
        None => view! { <span class="unstated">{move || i18n.c().unstated}</span> }.into_any(),
    }
}

fn collected_row(
    row: CollectedRow,
    policy: &str,
    visible: impl Fn() -> bool + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let permissions = if row.permissions.is_empty() {
        view! { <span class="unstated">{move || i18n.c().no_permission}</span> }.into_any()
    } else {
        row.permissions.join("、").into_any()
    };
    view! {
        <tr hidden=move || !visible()>
            <th scope="row">
                {row.info}
                {row
                    .sensitive
                    .then(|| {
                        view! {
                            <span class="badge badge-sensitive">{move || i18n.c().sensitive}</span>
                        }
                    })}
            </th>
            <td data-label=move || i18n.c().col_purpose>{stated(row.purpose)}</td>
            <td data-label=move || i18n.c().col_scenario>{stated(row.scenario)}</td>
            <td data-label=move || i18n.c().col_permissions>{permissions}</td>
            <td data-label=move || i18n.c().col_section>
                {section_link(policy, row.section, row.section_id)}
            </td>
        </tr>
    }
}

fn third_party_row(
    row: ThirdPartyRow,
    policy: &str,
    visible: impl Fn() -> bool + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let kind = move || match row.kind {
        ThirdPartyKind::Sdk => i18n.c().kind_sdk,
        ThirdPartyKind::Partner => i18n.c().kind_partner,
    };
    let data = match row.data {
        None => stated(None).into_any(),
        Some(d) if d.is_empty() => view! { {move || i18n.c().none_stated} }.into_any(),
        Some(d) => d.join("、").into_any(),
    };
    let link = match row.link {
        Some(url) => {
            // The host says where the link goes before the reader follows it.
            let host = url
                .split("://")
                .nth(1)
                .and_then(|rest| rest.split(['/', '?', '#']).next())
                .unwrap_or(&url)
                .to_owned();
            view! {
                <a href=url rel="noopener noreferrer external">{host}</a>
            }
            .into_any()
        }
        None => view! { <span class="unstated">{move || i18n.c().unstated}</span> }.into_any(),
    };
    view! {
        <tr hidden=move || !visible()>
            <th scope="row">
                {row.name}
                <span class="badge badge-kind">{kind}</span>
            </th>
            <td data-label=move || i18n.c().col_company>{stated(row.company)}</td>
            <td data-label=move || i18n.c().col_data>{data}</td>
            <td data-label=move || i18n.c().col_purpose>{stated(row.purpose)}</td>
            <td data-label=move || i18n.c().col_link>{link}</td>
            <td data-label=move || i18n.c().col_section>
                {section_link(policy, row.section, row.section_id)}
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_term_must_appear_in_any_column_in_any_case() {
        let row = CollectedRow {
            id: "location".into(),
            info: "GPS地理位置信息".into(),
            purpose: Some("推荐附近的人".into()),
            scenario: None,
            sensitive: true,
            permissions: vec!["精确地理位置".into()],
            section: "1.3 社交互动".into(),
            section_id: None,
        };
        let hay = collected_haystack(&row);
        for hit in [
            "gps",
            "附近",
            "位置 推荐",
            "社交互动",
            "敏感",
            "Sensitive",
            "",
        ] {
            assert!(matches(&hay, &terms(hit)), "{hit}");
        }
        for miss in ["手机号", "位置 手机号"] {
            assert!(!matches(&hay, &terms(miss)), "{miss}");
        }
    }
}
