//! The words of a policy page that both the SPA and the server print: the
//! server puts a policy's page into the HTML it sends (so text shows before
//! the app has loaded), and the app then draws the same page. One table for
//! both keeps the two from drifting apart; the SPA's `i18n` takes these
//! entries from here and holds every other word itself.

use crate::wire::Date;

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
