//! The words of a policy page that both the SPA and the server print: the
//! server puts a policy's page into the HTML it sends (so text shows before
//! the app has loaded), and the app then draws the same page. One table for
//! both keeps the two from drifting apart; the SPA's `i18n` takes these
//! entries from here and holds every other word itself.

use crate::wire::{Date, PolicyMeta};

/// A language the privacy center speaks: the one list of UI languages,
/// for the server's pre-rendered page and the SPA alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// Simplified Chinese, the default.
    ZhCn,
    /// English.
    En,
}

impl Lang {
    /// Every language, in menu order.
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    /// BCP 47 tag, for `<html lang>` and storage.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The language whose [`tag`](Lang::tag) is exactly `tag` (a stored
    /// choice); `None` for any other string.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.tag() == tag)
    }

    /// The language's own name, for a language menu.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::ZhCn => "简体中文",
            Lang::En => "English",
        }
    }

    /// Picks the first supported language from a preference list, most
    /// preferred first; Chinese when none is supported.
    pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Lang {
        for tag in preferred {
            let tag = tag.trim().to_ascii_lowercase();
            if tag == "zh" || tag.starts_with("zh-") {
                return Lang::ZhCn;
            }
            if tag == "en" || tag.starts_with("en-") {
                return Lang::En;
            }
        }
        Lang::ZhCn
    }

    /// The language an HTTP `Accept-Language` header asks for: its tags by
    /// quality (highest first, ties in the order given), `q=0` excluded.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut tags: Vec<(u16, usize, &str)> = header
            .split(',')
            .enumerate()
            .filter_map(|(i, item)| {
                let mut parts = item.split(';');
                let tag = parts.next()?.trim();
                let q = parts
                    .filter_map(|p| p.trim().strip_prefix("q="))
                    .filter_map(|q| q.trim().parse::<f32>().ok())
                    .next()
                    .unwrap_or(1.0);
                // Thousandths, so the sort needs no float comparison.
                let q = (q.clamp(0.0, 1.0) * 1000.0) as u16;
                (!tag.is_empty() && q > 0).then_some((q, i, tag))
            })
            .collect();
        tags.sort_by_key(|&(q, i, _)| (std::cmp::Reverse(q), i));
        Lang::negotiate(tags.into_iter().map(|(_, _, t)| t))
    }

    /// This language's words.
    pub fn words(self) -> &'static PageWords {
        match self {
            Lang::ZhCn => &ZH_CN,
            Lang::En => &EN,
        }
    }
}

/// The words around a policy's text: the site frame and the policy header.
#[derive(Debug)]
pub struct PageWords {
    /// Product name in the header and the tab title.
    pub product_name: &'static str,
    /// The skip link to the main content.
    pub skip_to_content: &'static str,
    /// Footer line.
    pub footer: &'static str,
    /// Label before the version name.
    pub version: &'static str,
    /// Label before the effective date.
    pub effective: &'static str,
    /// Label before the publication date.
    pub published: &'static str,
    /// Label before the company operating the app.
    pub operator: &'static str,
    /// Heading of the table of contents and its button on phones.
    pub contents: &'static str,
    /// The find-in-policy button.
    pub find: &'static str,
    /// Link to the version history.
    pub history: &'static str,
    /// Link to the app's two lists (双清单, `/{app}/lists`).
    pub lists: &'static str,
    /// Shown above a version that is no longer current.
    pub old_version_notice: &'static str,
    /// Link from an old version to the current one.
    pub view_current: &'static str,
    /// Heading of the notice above the current version when a new one is
    /// announced: when it takes effect.
    pub upcoming_notice: fn(Date) -> String,
    /// Before the new version's summary in that notice.
    pub upcoming_changes: &'static str,
    /// Link from the notice to the comparison of the two versions.
    pub upcoming_compare: &'static str,
    /// Link from the notice to the new version's text.
    pub upcoming_read: &'static str,
    /// Shown above an announced version that is not in force yet.
    pub upcoming_version_notice: fn(Date) -> String,
    /// Badge of an announced version in the history.
    pub upcoming_badge: &'static str,
    /// A date written out.
    pub date: fn(Date) -> String,
}

/// Simplified Chinese.
pub const ZH_CN: PageWords = PageWords {
    product_name: "隐私中心",
    skip_to_content: "跳到正文",
    footer: "隐私中心 · 你的个人信息，由你掌控",
    version: "版本",
    effective: "生效日期",
    published: "更新日期",
    operator: "运营方",
    contents: "目录",
    find: "查找",
    history: "版本历史",
    lists: "个人信息收集与共享清单",
    old_version_notice: "你正在阅读的是历史版本，它已被更新的版本取代。",
    view_current: "查看当前版本",
    upcoming_notice: |d| format!("本政策将于{}年{}月{}日更新", d.year(), d.month(), d.day()),
    upcoming_changes: "主要变更：",
    upcoming_compare: "查看变更对比",
    upcoming_read: "阅读新版本",
    upcoming_version_notice: |d| {
        format!(
            "这是即将于{}年{}月{}日生效的新版本，在此之前仍适用当前版本。",
            d.year(),
            d.month(),
            d.day()
        )
    },
    upcoming_badge: "即将生效",
    date: |d| format!("{}年{}月{}日", d.year(), d.month(), d.day()),
};

/// English.
pub const EN: PageWords = PageWords {
    product_name: "Privacy Center",
    skip_to_content: "Skip to content",
    footer: "Privacy Center · your personal information, under your control",
    version: "Version",
    effective: "Effective",
    published: "Updated",
    operator: "Operated by",
    contents: "Contents",
    find: "Find",
    history: "Version history",
    lists: "What we collect and share",
    old_version_notice: "You are reading an earlier version; a newer one has replaced it.",
    view_current: "Read the current version",
    upcoming_notice: |d| format!("This policy changes on {}", (EN.date)(d)),
    upcoming_changes: "What changes:",
    upcoming_compare: "See what changes",
    upcoming_read: "Read the new version",
    upcoming_version_notice: |d| {
        format!(
            "This new version takes effect on {}; until then the current version applies.",
            (EN.date)(d)
        )
    },
    upcoming_badge: "Upcoming",
    date: |d| {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        format!(
            "{} {} {}",
            d.day(),
            MONTHS[usize::from(d.month()) - 1],
            d.year()
        )
    },
};

/// The id of the notice's title, which names the notice (`aria-labelledby`).
pub const UPCOMING_TITLE_ID: &str = "upcoming-title";

/// The notice above the current version of `app` when `upcoming` is
/// announced: when it takes effect, what changes (its `summary`), and links
/// to the comparison with `current` and to its text. The server's
/// pre-rendered page and the SPA's page print this same markup (the SPA
/// adds the early-agreement button after it for a signed-in user), so the
/// reader's bundle carries no layout of its own for it.
pub fn upcoming_notice_html(
    w: &PageWords,
    app: &str,
    current: &str,
    upcoming: &PolicyMeta,
) -> String {
    let app = escape_html(app);
    let (from, to) = (escape_html(current), escape_html(&upcoming.version));
    let when = upcoming
        .effective
        .or(upcoming.published)
        .map(|d| escape_html(&(w.upcoming_notice)(d)))
        .unwrap_or_default();
    let summary = upcoming
        .summary
        .as_deref()
        .map(|s| {
            format!(
                r#"<p class="upcoming-summary"><strong>{}</strong>{}</p>"#,
                w.upcoming_changes,
                escape_html(s)
            )
        })
        .unwrap_or_default();
    format!(
        r#"<p class="upcoming-title" id="{UPCOMING_TITLE_ID}"><strong>{when}</strong></p>{summary}<p class="upcoming-links"><a href="/{app}/compare/{from}/{to}">{}</a><a href="/{app}/v/{to}">{}</a></p>"#,
        w.upcoming_compare, w.upcoming_read
    )
}

/// The words for a user's own records: the rows of their settings history
/// (the `/me/data` page shows them) and the readable copy of their data
/// (`GET /api/me/export?format=html`, written by the server). One table
/// for both, so the page and the document name things alike.
#[derive(Debug)]
pub struct RecordWords {
    /// The document's title.
    pub export_title: &'static str,
    /// The line under it: app name, user id, when made.
    pub export_intro: fn(&str, &str, &str) -> String,
    /// How times are shown in the document.
    pub times_note: &'static str,
    /// What the JSON copy is for, said in the document.
    pub machine_copy_note: &'static str,
    /// Under the consent records: each has a signed receipt in the JSON copy.
    pub receipts_note: &'static str,
    /// Headings of the document's sections.
    pub sessions: &'static str,
    /// Heading: consent records.
    pub consents: &'static str,
    /// Heading: push settings.
    pub push: &'static str,
    /// Heading: privacy switches.
    pub switches: &'static str,
    /// Heading: the history of changes.
    pub history: &'static str,
    /// Column: when.
    pub col_time: &'static str,
    /// Column: what.
    pub col_item: &'static str,
    /// Column: before → after.
    pub col_change: &'static str,
    /// Column: where.
    pub col_channel: &'static str,
    /// Column: policy version.
    pub col_version: &'static str,
    /// Column: consent action.
    pub col_action: &'static str,
    /// Column: content hash.
    pub col_hash: &'static str,
    /// Column: state.
    pub col_state: &'static str,
    /// Session columns: started, last seen, expires.
    pub col_started: &'static str,
    /// Column: last seen.
    pub col_last_seen: &'static str,
    /// Column: expires.
    pub col_expires: &'static str,
    /// Marks the session that made the export.
    pub this_session: &'static str,
    /// Shown for an empty table.
    pub none: &'static str,
    /// The push master switch.
    pub item_enabled: &'static str,
    /// Quiet hours.
    pub item_quiet_hours: &'static str,
    /// A history kind's name: `push`, `switch`, `profile_reset`, `permission`.
    pub kind: fn(&str) -> Option<&'static str>,
    /// A stored value's name (`on`, `off`, `granted`, `requested` …), or
    /// `None` to show it as stored (quiet hours, versions).
    pub value: fn(&str) -> Option<&'static str>,
    /// `browser` or `webview`.
    pub channel: fn(&str) -> &'static str,
    /// `accept`, `withdraw` or `defer`.
    pub action: fn(&str) -> &'static str,
    /// Shown for a category or switch whose state cannot change.
    pub locked: &'static str,
}

impl Lang {
    /// This language's words for a user's own records.
    pub fn record_words(self) -> &'static RecordWords {
        match self {
            Lang::ZhCn => &RECORDS_ZH_CN,
            Lang::En => &RECORDS_EN,
        }
    }
}

/// Simplified Chinese.
pub const RECORDS_ZH_CN: RecordWords = RecordWords {
    export_title: "我的个人信息副本",
    export_intro: |app, user, at| {
        format!("隐私中心为「{app}」用户 {user} 保存的全部信息，生成于 {at}。")
    },
    times_note: "时间均为北京时间（UTC+8）。",
    machine_copy_note: "同样的内容另有 JSON 格式，便于转移到其他服务（“我的数据”页面）。",
    receipts_note: "JSON 格式中每条同意记录都附有签名回执（receipt）；日后可凭回执在 /api/receipts/verify 核对记录是否仍原样保存。",
    sessions: "登录会话",
    consents: "同意记录",
    push: "消息推送",
    switches: "隐私开关",
    history: "设置变更记录",
    col_time: "时间",
    col_item: "项目",
    col_change: "变更",
    col_channel: "渠道",
    col_version: "政策版本",
    col_action: "操作",
    col_hash: "内容哈希（SHA-256）",
    col_state: "状态",
    col_started: "开始",
    col_last_seen: "最近使用",
    col_expires: "到期",
    this_session: "（本次）",
    none: "无",
    item_enabled: "推送总开关",
    item_quiet_hours: "免打扰时段",
    kind: |k| match k {
        "push" => Some("消息推送"),
        "switch" => Some("隐私开关"),
        "profile_reset" => Some("清除推荐画像"),
        "permission" => Some("权限"),
        _ => None,
    },
    value: |v| match v {
        "on" => Some("开启"),
        "off" => Some("关闭"),
        "granted" => Some("允许"),
        "denied" => Some("拒绝"),
        "prompt" => Some("未决定"),
        "restricted" => Some("受限"),
        "requested" => Some("已申请"),
        _ => None,
    },
    channel: |c| match c {
        "webview" => "App 内",
        _ => "浏览器",
    },
    action: |a| match a {
        "accept" => "同意",
        "withdraw" => "撤回同意",
        _ => "暂不同意",
    },
    locked: "不可关闭",
};

/// English.
pub const RECORDS_EN: RecordWords = RecordWords {
    export_title: "A copy of my personal information",
    export_intro: |app, user, at| {
        format!("Everything the privacy center holds about {app} user {user}, made {at}.")
    },
    times_note: "Times are China Standard Time (UTC+8).",
    machine_copy_note:
        "The same content is available as JSON, to move to another service (the My data page).",
    receipts_note: "In the JSON copy each consent record carries a signed receipt; with it, /api/receipts/verify says later whether the record is still held exactly as it was.",
    sessions: "Sign-in sessions",
    consents: "Consent records",
    push: "Push notifications",
    switches: "Privacy switches",
    history: "Settings changes",
    col_time: "Time",
    col_item: "Item",
    col_change: "Change",
    col_channel: "Channel",
    col_version: "Policy version",
    col_action: "Action",
    col_hash: "Content hash (SHA-256)",
    col_state: "State",
    col_started: "Started",
    col_last_seen: "Last used",
    col_expires: "Expires",
    this_session: " (this one)",
    none: "None",
    item_enabled: "All push notifications",
    item_quiet_hours: "Quiet hours",
    kind: |k| match k {
        "push" => Some("Push"),
        "switch" => Some("Privacy switch"),
        "profile_reset" => Some("Clear recommendation profile"),
        "permission" => Some("Permission"),
        _ => None,
    },
    value: |v| match v {
        "on" => Some("on"),
        "off" => Some("off"),
        "granted" => Some("allowed"),
        "denied" => Some("refused"),
        "prompt" => Some("not decided"),
        "restricted" => Some("restricted"),
        "requested" => Some("requested"),
        _ => None,
    },
    channel: |c| match c {
        "webview" => "In the app",
        _ => "Browser",
    },
    action: |a| match a {
        "accept" => "Agreed",
        "withdraw" => "Withdrew consent",
        _ => "Not now",
    },
    locked: "cannot be turned off",
};

impl RecordWords {
    /// A history row's item in words: the label `app.toml` gives it, the
    /// master switch or quiet hours, or the id as stored.
    pub fn item<'a>(&self, item: &'a str, label: Option<&'a str>) -> &'a str {
        match (label, item) {
            (Some(label), _) => label,
            (None, "enabled") => self.item_enabled,
            (None, "quiet_hours") => self.item_quiet_hours,
            (None, item) => item,
        }
    }

    /// A stored value in words (`on` → 开启), or as stored.
    pub fn shown<'a>(&self, value: &'a str) -> &'a str {
        (self.value)(value).unwrap_or(value)
    }

    /// `old → new` in words; a first value has no arrow.
    pub fn change(&self, old: Option<&str>, new: &str) -> String {
        match old {
            Some(old) => format!("{} → {}", self.shown(old), self.shown(new)),
            None => self.shown(new).to_owned(),
        }
    }
}

/// `s` with the characters HTML gives meaning to replaced by references, for
/// text and quoted attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_rows_read_as_words_in_both_languages() {
        for lang in Lang::ALL {
            let w = lang.record_words();
            for kind in ["push", "switch", "profile_reset", "permission"] {
                assert!((w.kind)(kind).is_some(), "{lang:?} names no kind {kind}");
            }
            assert_eq!(w.item("message_push", Some("消息推送")), "消息推送");
            assert_eq!(w.item("enabled", None), w.item_enabled);
            assert_eq!(w.item("unknown_id", None), "unknown_id");
            assert_eq!(
                w.shown("22:00-07:00 Asia/Shanghai"),
                "22:00-07:00 Asia/Shanghai"
            );
        }
        let zh = Lang::ZhCn.record_words();
        assert_eq!(zh.change(Some("on"), "off"), "开启 → 关闭");
        assert_eq!(zh.change(None, "granted"), "允许");
    }

    #[test]
    fn every_language_has_a_tag_that_names_it() {
        for l in Lang::ALL {
            assert_eq!(Lang::from_tag(l.tag()), Some(l));
            assert_eq!(Lang::negotiate([l.tag()]), l);
            assert!(!l.native_name().is_empty());
        }
        assert_eq!(Lang::from_tag("zh"), None);
        assert_eq!(Lang::from_tag("EN"), None);
    }

    #[test]
    fn follows_the_first_supported_language() {
        assert_eq!(Lang::negotiate(["en-US", "zh-CN"]), Lang::En);
        assert_eq!(Lang::negotiate(["fr-FR", "zh-TW", "en"]), Lang::ZhCn);
        assert_eq!(Lang::negotiate(["fr-FR", "de"]), Lang::ZhCn);
        assert_eq!(Lang::negotiate([]), Lang::ZhCn);
    }

    #[test]
    fn reads_accept_language_by_quality() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,zh-CN;q=0.8"),
            Lang::En
        );
        assert_eq!(
            Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"),
            Lang::ZhCn
        );
        // Quality wins over order; q=0 means "not this one".
        assert_eq!(
            Lang::from_accept_language("en;q=0.2, zh-TW;q=0.5"),
            Lang::ZhCn
        );
        assert_eq!(Lang::from_accept_language("zh;q=0, en"), Lang::En);
        assert_eq!(Lang::from_accept_language("fr, de;q=0.5"), Lang::ZhCn);
        assert_eq!(Lang::from_accept_language(""), Lang::ZhCn);
        assert_eq!(Lang::from_accept_language(";;,q=,  ,en;q=abc"), Lang::En);
    }

    #[test]
    fn writes_dates_per_language() {
        let d = Date::new(2024, 3, 9).unwrap();
        assert_eq!((ZH_CN.date)(d), "2024年3月9日");
        assert_eq!((EN.date)(d), "9 March 2024");
    }

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape_html(r#"<b>"A" & 'B'</b>"#),
            "&lt;b&gt;&quot;A&quot; &amp; &#39;B&#39;&lt;/b&gt;"
        );
        assert_eq!(escape_html("微萌 · 隐私"), "微萌 · 隐私");
    }
}
