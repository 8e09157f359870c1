//! The readable copy of a user's data (`GET /api/me/export?format=html`):
//! the same [`Export`] the JSON copy carries, laid out as one printable
//! HTML page for people (PIPL art. 45: a copy the user can read). Every
//! value is escaped; the page has no script and one inline style, allowed
//! by its hash in the page's own CSP.

use std::sync::LazyLock;

use base64::Engine;
use privacy_center_core::app::AppConfig;
use privacy_center_core::wire::Export;
use privacy_center_core::words::{escape_html, Lang, RecordWords};
use sha2::{Digest, Sha256};

/// The page's style: readable on a phone and when printed.
const STYLE: &str = "body{font:16px/1.6 system-ui,-apple-system,'PingFang SC','Noto Sans CJK SC',sans-serif;\
max-width:60rem;margin:0 auto;padding:1rem;color:#1a1a1a}\
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;width:100%;font-size:.9rem}\
th,td{border:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}\
th{background:#f4f4f4;white-space:nowrap}td.hash{font-family:monospace;word-break:break-all;font-size:.8rem}\
.note{color:#555}.wide{overflow-x:auto}@media print{h2{break-after:avoid}tr{break-inside:avoid}}";

/// The page's Content-Security-Policy: nothing but its own inline style.
pub static CSP: LazyLock<String> = LazyLock::new(|| {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLE));
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; frame-ancestors 'none'; \
         base-uri 'none'; form-action 'none'"
    )
});

/// `at` (RFC 3339) as China Standard Time, `YYYY-MM-DD HH:MM:SS`; as given
/// if it does not parse.
fn china_time(at: &str) -> String {
    at.parse::<jiff::Timestamp>()
        .map(|t| {
            // China has kept UTC+8 all year since 1991.
            let d = jiff::tz::TimeZone::fixed(jiff::tz::offset(8)).to_datetime(t);
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
                d.year(),
                d.month(),
                d.day(),
                d.hour(),
                d.minute(),
                d.second()
            )
        })
        .unwrap_or_else(|_| at.to_owned())
}

/// One table: a heading row and body rows of already-escaped cells.
fn table(out: &mut String, w: &RecordWords, head: &[&str], rows: &[Vec<String>]) {
    if rows.is_empty() {
        out.push_str(&format!("<p class=\"note\">{}</p>", escape_html(w.none)));
        return;
    }
    // A wide table scrolls inside its box, so a phone never scrolls the page sideways.
    out.push_str("<div class=\"wide\"><table><thead><tr>");
    for h in head {
        out.push_str(&format!("<th scope=\"col\">{}</th>", escape_html(h)));
    }
    out.push_str("</tr></thead><tbody>");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            out.push_str(cell);
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
}

/// A plain cell holding `text`, escaped.
fn td(text: &str) -> String {
    format!("<td>{}</td>", escape_html(text))
}

/// The whole page for `export` of an app configured as `app`, in `lang`.
pub fn render(export: &Export, app: &AppConfig, lang: Lang) -> String {
    let w = lang.record_words();
    let mut out = String::with_capacity(8192);
    out.push_str(&format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body><h1>{}</h1><p>{}</p>\
         <p class=\"note\">{} {}</p>",
        lang.tag(),
        escape_html(w.export_title),
        escape_html(w.export_title),
        escape_html(&(w.export_intro)(
            &app.name,
            &export.user,
            &china_time(&export.exported_at)
        )),
        escape_html(w.times_note),
        escape_html(w.machine_copy_note),
    ));

    out.push_str(&format!("<h2>{}</h2>", escape_html(w.consents)));
    let rows: Vec<Vec<String>> = export
        .consents
        .iter()
        .map(|c| {
            vec![
                td(&china_time(&c.recorded_at)),
                td(&c.version),
                td((w.action)(c.action.as_str())),
                td((w.channel)(c.channel.as_str())),
                format!("<td class=\"hash\">{}</td>", escape_html(&c.sha256)),
            ]
        })
        .collect();
    table(
        &mut out,
        w,
        &[
            w.col_time,
            w.col_version,
            w.col_action,
            w.col_channel,
            w.col_hash,
        ],
        &rows,
    );
    if export.consents.iter().any(|c| c.receipt.is_some()) {
        out.push_str(&format!(
            "<p class=\"note\">{}</p>",
            escape_html(w.receipts_note)
        ));
    }

    let push = &export.settings.push;
    out.push_str(&format!("<h2>{}</h2>", escape_html(w.push)));
    let on_off = |on: bool| w.shown(if on { "on" } else { "off" }).to_owned();
    let mut rows = vec![vec![td(w.item_enabled), td(&on_off(push.enabled))]];
    rows.extend(push.categories.iter().map(|c| {
        let state = if c.switchable {
            on_off(c.on)
        } else {
            format!("{}（{}）", on_off(true), w.locked)
        };
        vec![td(&c.label), td(&state)]
    }));
    let quiet = push.quiet_hours.as_ref().map_or_else(
        || on_off(false),
        |q| format!("{}–{} {}", q.start, q.end, q.time_zone),
    );
    rows.push(vec![td(w.item_quiet_hours), td(&quiet)]);
    table(&mut out, w, &[w.col_item, w.col_state], &rows);

    out.push_str(&format!("<h2>{}</h2>", escape_html(w.switches)));
    let rows: Vec<Vec<String>> = export
        .settings
        .switches
        .iter()
        .map(|s| vec![td(&s.label), td(&on_off(s.on))])
        .collect();
    table(&mut out, w, &[w.col_item, w.col_state], &rows);

    out.push_str(&format!("<h2>{}</h2>", escape_html(w.history)));
    let rows: Vec<Vec<String>> = export
        .history
        .iter()
        .map(|h| {
            let kind = (w.kind)(&h.kind).unwrap_or(&h.kind);
            vec![
                td(&china_time(&h.at)),
                td(&format!("{kind} · {}", w.item(&h.item, h.label.as_deref()))),
                td(&w.change(h.old.as_deref(), &h.new)),
                td((w.channel)(h.channel.as_str())),
            ]
        })
        .collect();
    table(
        &mut out,
        w,
        &[w.col_time, w.col_item, w.col_change, w.col_channel],
        &rows,
    );

    out.push_str(&format!("<h2>{}</h2>", escape_html(w.sessions)));
    let rows: Vec<Vec<String>> = export
        .sessions
        .iter()
        .map(|s| {
            let channel = format!(
                "{}{}",
                (w.channel)(s.channel.as_str()),
                if s.current { w.this_session } else { "" }
            );
            vec![
                td(&channel),
                td(&china_time(&s.created_at)),
                td(&china_time(&s.last_seen_at)),
                td(&china_time(&s.expires_at)),
            ]
        })
        .collect();
    table(
        &mut out,
        w,
        &[w.col_channel, w.col_started, w.col_last_seen, w.col_expires],
        &rows,
    );
    out.push_str("</body></html>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_china_time() {
        assert_eq!(
            china_time("2026-11-29T16:30:00.000Z"),
            "2026-11-30 00:30:00"
        );
        assert_eq!(china_time("not a time"), "not a time");
    }

    #[test]
    fn the_csp_allows_exactly_the_inline_style() {
        assert!(CSP.contains("style-src 'sha256-"));
        assert!(!CSP.contains("script-src"));
        assert!(CSP.starts_with("default-src 'none'"));
    }
}
