//! Every word the UI shows, in Simplified Chinese (default) and English.
//!
//! A translation is a `Messages` value, so the compiler refuses a locale
//! that misses a key. The chosen locale follows the browser's languages
//! until the user picks one, which is then remembered on this device.

use leptos::prelude::*;
use privacy_center_core::date::Date;

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    /// Simplified Chinese.
    ZhCn,
    /// English.
    En,
}

impl Locale {
    /// Every supported locale, in menu order.
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    /// BCP 47 tag, used for `<html lang>` and storage.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// The language's own name, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::ZhCn => "简体中文",
            Locale::En => "English",
        }
    }

    /// Picks the first supported language from a browser's preference list.
    pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Locale {
        for tag in preferred {
            let tag = tag.to_ascii_lowercase();
            if tag == "zh" || tag.starts_with("zh-") {
                return Locale::ZhCn;
            }
            if tag == "en" || tag.starts_with("en-") {
                return Locale::En;
            }
        }
        Locale::ZhCn
    }

    fn from_tag(tag: &str) -> Option<Locale> {
        Locale::ALL.into_iter().find(|l| l.tag() == tag)
    }

    /// This locale's words.
    pub fn messages(self) -> &'static Messages {
        match self {
            Locale::ZhCn => &ZH_CN,
            Locale::En => &EN,
        }
    }
}

/// All UI words of one language.
pub struct Messages {
    /// Product name in the header and the tab title.
    pub product_name: &'static str,
    /// Link that skips the header for keyboard and screen-reader users.
    pub skip_to_content: &'static str,
    /// Label of the language menu.
    pub language: &'static str,
    /// Home page heading.
    pub home_heading: &'static str,
    /// Home page introduction.
    pub home_intro: &'static str,
    /// Call to action on an app card.
    pub read_policy: &'static str,
    /// Shown when an app has no published policy.
    pub no_policy_yet: &'static str,
    /// Shown while data loads.
    pub loading: &'static str,
    /// Label before a version name.
    pub version: &'static str,
    /// Label before the effective date.
    pub effective: &'static str,
    /// Label before the publication date.
    pub published: &'static str,
    /// Label before the operating company.
    pub operator: &'static str,
    /// Heading of the table of contents.
    pub contents: &'static str,
    /// 404 page heading.
    pub not_found_heading: &'static str,
    /// 404 page text.
    pub not_found_body: &'static str,
    /// Link back to the home page.
    pub back_home: &'static str,
    /// Heading when loading failed.
    pub load_failed: &'static str,
    /// Explanation when the server could not be reached.
    pub network_problem: &'static str,
    /// Retry button.
    pub retry: &'static str,
    /// Footer line.
    pub footer: &'static str,
    /// Heading and link text of the version history.
    pub history: &'static str,
    /// Introduction of the version history page.
    pub history_intro: &'static str,
    /// Shown above a version that is not the current one.
    pub old_version_notice: &'static str,
    /// Link to the current version.
    pub view_current: &'static str,
    /// Badge on the current version.
    pub current_badge: &'static str,
    /// Badge on versions that require consent again.
    pub material_badge: &'static str,
    /// Link to read one version.
    pub read_version: &'static str,
    /// Formats a calendar date.
    pub date: fn(Date) -> String,
}

static ZH_CN: Messages = Messages {
    product_name: "隐私中心",
    skip_to_content: "跳到正文",
    language: "语言",
    home_heading: "隐私政策与个人信息保护",
    home_intro: "选择一个应用，阅读它当前的隐私政策，了解你的个人信息如何被收集、使用和保护。",
    read_policy: "阅读隐私政策",
    no_policy_yet: "尚未发布隐私政策",
    loading: "正在加载…",
    version: "版本",
    effective: "生效日期",
    published: "更新日期",
    operator: "运营方",
    contents: "目录",
    not_found_heading: "找不到这个页面",
    not_found_body: "链接可能有误，或者页面已被移除。",
    back_home: "返回隐私中心首页",
    load_failed: "加载失败",
    network_problem: "暂时无法连接到服务器，请检查网络后重试。",
    retry: "重试",
    footer: "隐私中心 · 你的个人信息，由你掌控",
    history: "版本历史",
    history_intro:
        "这个应用发布过的每一版隐私政策，最新的在最上面。标记为“重大变更”的版本需要你重新同意。",
    old_version_notice: "你正在阅读的是历史版本，它已被更新的版本取代。",
    view_current: "查看当前版本",
    current_badge: "当前版本",
    material_badge: "重大变更",
    read_version: "阅读此版本",
    date: |d| format!("{}年{}月{}日", d.year(), d.month(), d.day()),
};

static EN: Messages = Messages {
    product_name: "Privacy Center",
    skip_to_content: "Skip to content",
    language: "Language",
    home_heading: "Privacy policies and your personal information",
    home_intro: "Choose an app to read its current privacy policy and see how your personal information is collected, used and protected.",
    read_policy: "Read the privacy policy",
    no_policy_yet: "No privacy policy published yet",
    loading: "Loading…",
    version: "Version",
    effective: "Effective",
    published: "Updated",
    operator: "Operated by",
    contents: "Contents",
    not_found_heading: "Page not found",
    not_found_body: "The link may be wrong, or the page has been removed.",
    back_home: "Back to the Privacy Center",
    load_failed: "Could not load this page",
    network_problem: "The server cannot be reached right now. Check your connection and try again.",
    retry: "Try again",
    footer: "Privacy Center · your personal information, under your control",
    history: "Version history",
    history_intro: "Every version of this app's privacy policy, newest first. Versions marked “material change” ask for your consent again.",
    old_version_notice: "You are reading an earlier version; a newer one has replaced it.",
    view_current: "Read the current version",
    current_badge: "Current",
    material_badge: "Material change",
    read_version: "Read this version",
    date: |d| {
        const MONTHS: [&str; 12] = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ];
        format!("{} {} {}", d.day(), MONTHS[usize::from(d.month()) - 1], d.year())
    },
};

const STORAGE_KEY: &str = "privacy-center.locale";

/// The translation context: the current locale, reactive.
#[derive(Clone, Copy)]
pub struct I18n {
    locale: RwSignal<Locale>,
}

impl I18n {
    /// The current locale (tracked).
    pub fn locale(&self) -> Locale {
        self.locale.get()
    }

    /// The current locale's words (tracked).
    pub fn t(&self) -> &'static Messages {
        self.locale.get().messages()
    }

    /// Switches language and remembers the choice on this device.
    pub fn set_locale(&self, locale: Locale) {
        if let Some(storage) = window().local_storage().ok().flatten() {
            let _ = storage.set_item(STORAGE_KEY, locale.tag());
        }
        self.locale.set(locale);
    }
}

fn initial_locale() -> Locale {
    let stored = window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|tag| Locale::from_tag(&tag));
    stored.unwrap_or_else(|| {
        let langs: Vec<String> = window()
            .navigator()
            .languages()
            .iter()
            .filter_map(|v| v.as_string())
            .collect();
        Locale::negotiate(langs.iter().map(String::as_str))
    })
}

/// Provides the translation context and keeps `<html lang>` in step with it.
pub fn provide_i18n() {
    let i18n = I18n {
        locale: RwSignal::new(initial_locale()),
    };
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", i18n.locale().tag());
        }
    });
    provide_context(i18n);
}

/// The translation context; panics outside [`provide_i18n`]'s tree.
pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_the_first_supported_browser_language() {
        assert_eq!(Locale::negotiate(["en-US", "zh-CN"]), Locale::En);
        assert_eq!(Locale::negotiate(["fr-FR", "zh-TW", "en"]), Locale::ZhCn);
        assert_eq!(Locale::negotiate(["fr-FR", "de"]), Locale::ZhCn);
        assert_eq!(Locale::negotiate([]), Locale::ZhCn);
    }

    #[test]
    fn formats_dates_per_language() {
        let d = Date::try_from("2020-10-01").unwrap();
        assert_eq!((Locale::ZhCn.messages().date)(d), "2020年10月1日");
        assert_eq!((Locale::En.messages().date)(d), "1 October 2020");
    }
}
