//! Every word the UI shows, in Simplified Chinese (default) and English.
//!
//! The languages are `core::words::Lang` (the server's list too). A
//! translation is a `Messages` value per language, so the compiler refuses
//! a language that misses a key. The words around a policy's text come from
//! `core::words`, which the server uses for the page it pre-renders. The
//! chosen language follows the browser's languages until the user picks
//! one, which is then remembered on this device.

use leptos::prelude::*;
use privacy_center_core::wire::Date;
use privacy_center_core::words::{self, Lang, PageWords};

/// The UI words of `lang`.
pub fn messages(lang: Lang) -> &'static Messages {
    match lang {
        Lang::ZhCn => &ZH_CN,
        Lang::En => &EN,
    }
}

/// All UI words of one language.
pub struct Messages {
    /// The words around a policy's text, shared with the server's
    /// pre-rendered page; `Messages` derefs to them (`t.contents`).
    pub page: &'static PageWords,
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
    /// Button that closes a drawer or bar.
    pub close: &'static str,
    /// Label and placeholder of the find box.
    pub find_in_policy: &'static str,
    /// Button: previous match.
    pub find_previous: &'static str,
    /// Button: next match.
    pub find_next: &'static str,
    /// Shown when the word does not occur.
    pub no_matches: &'static str,
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
    /// Introduction of the version history page.
    pub history_intro: &'static str,
    /// Badge on the current version.
    pub current_badge: &'static str,
    /// Badge on versions that require consent again.
    pub material_badge: &'static str,
    /// Link to read one version.
    pub read_version: &'static str,
    /// The development-mode bar on every page.
    pub dev_banner: &'static str,
    /// Link to, and heading of, the development sign-in page.
    pub dev_sign_in: &'static str,
    /// Explanation on the development sign-in page.
    pub dev_sign_in_intro: &'static str,
    /// Label of the app field.
    pub app_label: &'static str,
    /// Label of the user id field.
    pub user_id_label: &'static str,
    /// Submit button of the sign-in form.
    pub sign_in: &'static str,
    /// Shown when signing in failed.
    pub sign_in_failed: &'static str,
    /// Heading when the sign-in link from the app was refused.
    pub handoff_failed: &'static str,
    /// The sign-in link expired.
    pub handoff_expired: &'static str,
    /// The sign-in link was used before.
    pub handoff_used: &'static str,
    /// The sign-in link belongs to another app.
    pub handoff_wrong_app: &'static str,
    /// The sign-in link is invalid.
    pub handoff_invalid: &'static str,
    /// What to do after a refused sign-in link.
    pub handoff_reopen: &'static str,
    /// Header link and heading of the consent records page.
    pub my_consents: &'static str,
    /// Header link to the user's privacy hub (`/me`).
    pub my_privacy: &'static str,
    /// Dialog title when the user has not agreed yet.
    pub consent_first_title: &'static str,
    /// Dialog text on a first visit.
    pub consent_first_body: &'static str,
    /// Dialog text after the user withdrew consent.
    pub consent_withdrawn_body: &'static str,
    /// Dialog title when a material version asks for consent again.
    pub consent_update_title: &'static str,
    /// Dialog text before the summary of what changed.
    pub consent_update_body: &'static str,
    /// Link to the comparison with the version the user agreed to.
    pub compare_versions: &'static str,
    /// Button that gives consent.
    pub agree: &'static str,
    /// Button that closes the consent dialog without agreeing.
    pub not_now: &'static str,
    /// Note shown while the user has not agreed.
    pub limited_note: &'static str,
    /// Button that reopens the consent dialog.
    pub review_and_agree: &'static str,
    /// Banner after a non-material update.
    pub updated_banner: &'static str,
    /// Link to the updated policy.
    pub read_update: &'static str,
    /// Button that hides a banner.
    pub dismiss: &'static str,
    /// Policy header line when the user agreed to this version.
    pub agreed_current: &'static str,
    /// Introduction of the consent records page.
    pub consents_intro: &'static str,
    /// Column: what the user did.
    pub action: &'static str,
    /// Column: when.
    pub time: &'static str,
    /// Column: where the consent was given.
    pub channel: &'static str,
    /// Column: the text agreed to.
    pub text: &'static str,
    /// A consent record that agrees.
    pub action_accept: &'static str,
    /// A consent record that withdraws.
    pub action_withdraw: &'static str,
    /// A consent record of "Not now": asked, no decision yet.
    pub action_defer: &'static str,
    /// Consent given in a browser.
    pub channel_browser: &'static str,
    /// Consent given inside the app.
    pub channel_webview: &'static str,
    /// Shown when the user has no consent records.
    pub no_records: &'static str,
    /// Link that downloads everything held about the user.
    pub download_data: &'static str,
    /// Button that starts withdrawing consent.
    pub withdraw: &'static str,
    /// Question before withdrawing.
    pub withdraw_confirm: &'static str,
    /// Button that confirms the withdrawal.
    pub withdraw_yes: &'static str,
    /// Button that cancels a step.
    pub cancel: &'static str,
    /// Button that ends the session.
    pub sign_out: &'static str,
    /// Heading of pages that need a signed-in user.
    pub signed_out_heading: &'static str,
    /// Explanation on pages that need a signed-in user.
    pub signed_out_body: &'static str,
    /// Shown when a button's request failed.
    pub action_failed: &'static str,
    /// Heading of the compare page (after the app name).
    pub compare_heading: &'static str,
    /// Heading of the "what changed" summary.
    pub what_changed: &'static str,
    /// Label before the publisher's note on the newer version.
    pub publisher_note: &'static str,
    /// The older side of a comparison.
    pub older_version: &'static str,
    /// The newer side of a comparison.
    pub newer_version: &'static str,
    /// Link to a version's full text.
    pub read_full_text: &'static str,
    /// Caption of the per-status section counts.
    pub section_counts: &'static str,
    /// Section status: only in the newer version.
    pub status_added: &'static str,
    /// Section status: only in the older version.
    pub status_removed: &'static str,
    /// Section status: text changed in place.
    pub status_changed: &'static str,
    /// Section status: now elsewhere in the policy.
    pub status_moved: &'static str,
    /// Section status: left as it was.
    pub status_unchanged: &'static str,
    /// Legend sample for deleted text.
    pub legend_deleted: &'static str,
    /// Legend sample for inserted text.
    pub legend_inserted: &'static str,
    /// Read by screen readers where deleted text starts.
    pub deletion_start: &'static str,
    /// Read by screen readers where deleted text ends.
    pub deletion_end: &'static str,
    /// Read by screen readers where inserted text starts.
    pub insertion_start: &'static str,
    /// Read by screen readers where inserted text ends.
    pub insertion_end: &'static str,
    /// Heading of the section-by-section part.
    pub section_by_section: &'static str,
    /// Label of the change navigation.
    pub change_navigation: &'static str,
    /// Button: previous change.
    pub previous_change: &'static str,
    /// Button: next change.
    pub next_change: &'static str,
    /// How many changes there are, before one is picked.
    pub change_count: fn(usize) -> String,
    /// Which change is in view: (position, total).
    pub change_position: fn(usize, usize) -> String,
    /// The keyboard shortcuts of the change navigation.
    pub change_keys: &'static str,
    /// Shown when two versions have the same text.
    pub no_changes: &'static str,
    /// Summary of a folded run of unchanged sections.
    pub unchanged_sections: fn(usize) -> String,
    /// Name of the text before the first heading.
    pub preamble: &'static str,
    /// Label before a section's old heading.
    pub heading_was: &'static str,
    /// Shown when only a section's heading changed.
    pub only_heading_changed: &'static str,
    /// Summary that unfolds a section's unchanged text.
    pub show_text: &'static str,
    /// Note on a moved section.
    pub moved_note: &'static str,
    /// Heading when two versions cannot be compared.
    pub compare_failed: &'static str,
    /// A version to compare does not exist or is not published.
    pub compare_unknown: &'static str,
    /// The same version was named twice.
    pub compare_same: &'static str,
    /// The older side is the newer version.
    pub compare_reversed: &'static str,
    /// Link that swaps the two sides.
    pub compare_swap: &'static str,
    /// Link to the history to pick versions.
    pub pick_in_history: &'static str,
    /// Link from a version on the timeline to its comparison with the one before.
    pub compare_with_previous: &'static str,
}

impl std::ops::Deref for Messages {
    type Target = PageWords;

    fn deref(&self) -> &PageWords {
        self.page
    }
}

static ZH_CN: Messages = Messages {
    page: &words::ZH_CN,
    language: "语言",
    home_heading: "隐私政策与个人信息保护",
    home_intro: "选择一个应用，阅读它当前的隐私政策，了解你的个人信息如何被收集、使用和保护。",
    read_policy: "阅读隐私政策",
    no_policy_yet: "尚未发布隐私政策",
    loading: "正在加载…",
    close: "关闭",
    find_in_policy: "在本政策中查找",
    find_previous: "上一个",
    find_next: "下一个",
    no_matches: "无结果",
    not_found_heading: "找不到这个页面",
    not_found_body: "链接可能有误，或者页面已被移除。",
    back_home: "返回隐私中心首页",
    load_failed: "加载失败",
    network_problem: "暂时无法连接到服务器，请检查网络后重试。",
    retry: "重试",
    history_intro:
        "这个应用发布过的每一版隐私政策，最新的在最上面。标记为“重大变更”的版本需要你重新同意。",
    current_badge: "当前版本",
    material_badge: "重大变更",
    read_version: "阅读此版本",
    dev_banner: "开发模式 · Development mode — 请勿用于生产环境",
    dev_sign_in: "以任意用户登录",
    dev_sign_in_intro: "仅在开发模式下可用：选择应用并输入用户 ID，即可以该用户身份登录。",
    app_label: "应用",
    user_id_label: "用户 ID",
    sign_in: "登录",
    sign_in_failed: "登录失败，请检查应用和用户 ID 后重试。",
    handoff_failed: "无法通过应用登录",
    handoff_expired: "登录链接已过期。",
    handoff_used: "登录链接已被使用过，每个链接只能登录一次。",
    handoff_wrong_app: "登录链接属于另一个应用。",
    handoff_invalid: "登录链接无效。",
    handoff_reopen: "请返回应用重新打开此页面。",
    my_consents: "我的同意记录",
    my_privacy: "我的隐私",
    consent_first_title: "请阅读并同意隐私政策",
    consent_first_body: "在继续使用之前，请阅读本隐私政策，了解我们如何收集、使用和保护你的个人信息。点击“同意”即表示你已阅读并同意当前版本。",
    consent_withdrawn_body: "你已撤回对隐私政策的同意。如需使用全部功能，请阅读并同意当前版本。",
    consent_update_title: "隐私政策有重要更新",
    consent_update_body: "我们更新了隐私政策，主要变更如下。请阅读后重新确认：",
    compare_versions: "对比你上次同意的版本",
    agree: "同意",
    not_now: "暂不同意",
    limited_note: "你暂未同意当前隐私政策，应用将以受限模式运行：仅提供基本功能。",
    review_and_agree: "查看并同意",
    updated_banner: "隐私政策已更新，这次变更不需要你重新同意。",
    read_update: "阅读新版本",
    dismiss: "知道了",
    agreed_current: "已同意当前版本",
    consents_intro: "你对隐私政策的每一次同意、暂不同意与撤回，最新的在最上面。每条记录都链接到当时所针对的确切文本。",
    action: "操作",
    time: "时间",
    channel: "方式",
    text: "文本",
    action_accept: "同意",
    action_withdraw: "撤回",
    action_defer: "暂不同意",
    channel_browser: "浏览器",
    channel_webview: "应用内",
    no_records: "还没有任何记录。",
    download_data: "下载我的数据",
    withdraw: "撤回同意",
    withdraw_confirm: "撤回后，应用将以受限模式运行，仅提供基本功能。确定要撤回同意吗？",
    withdraw_yes: "确认撤回",
    cancel: "取消",
    sign_out: "退出登录",
    signed_out_heading: "请从应用内打开此页面",
    signed_out_body: "同意记录只对已登录的用户显示。请在应用的隐私设置中打开隐私中心。",
    action_failed: "操作失败，请重试。",
    compare_heading: "版本对比",
    what_changed: "变更摘要",
    publisher_note: "更新说明：",
    older_version: "旧版",
    newer_version: "新版",
    read_full_text: "阅读全文",
    section_counts: "按章节统计",
    status_added: "新增",
    status_removed: "删除",
    status_changed: "修改",
    status_moved: "移动",
    status_unchanged: "未变",
    legend_deleted: "删除的文字",
    legend_inserted: "新增的文字",
    deletion_start: "［删除开始］",
    deletion_end: "［删除结束］",
    insertion_start: "［新增开始］",
    insertion_end: "［新增结束］",
    section_by_section: "逐节对比",
    change_navigation: "变更导航",
    previous_change: "上一处",
    next_change: "下一处",
    change_count: |n| format!("共 {n} 处变更"),
    change_position: |i, n| format!("第 {i} 处变更，共 {n} 处"),
    change_keys: "快捷键：N 下一处，P 上一处",
    no_changes: "这两个版本的正文完全相同。",
    unchanged_sections: |n| format!("{n} 个章节没有变化"),
    preamble: "开头部分",
    heading_was: "原标题：",
    only_heading_changed: "只有标题改变，正文没有变化。",
    show_text: "查看正文",
    moved_note: "这一节移到了新的位置。",
    compare_failed: "无法对比这两个版本",
    compare_unknown: "至少有一个版本不存在或尚未发布。",
    compare_same: "你选择了同一个版本两次，请选择两个不同的版本。",
    compare_reversed: "第一个版本比第二个版本新。对比时请把较早的版本放在前面。",
    compare_swap: "按从旧到新的顺序对比",
    pick_in_history: "在版本历史中选择版本",
    compare_with_previous: "与上一版对比",
};

static EN: Messages = Messages {
    page: &words::EN,
    language: "Language",
    home_heading: "Privacy policies and your personal information",
    home_intro: "Choose an app to read its current privacy policy and see how your personal information is collected, used and protected.",
    read_policy: "Read the privacy policy",
    no_policy_yet: "No privacy policy published yet",
    loading: "Loading…",
    close: "Close",
    find_in_policy: "Find in this policy",
    find_previous: "Previous match",
    find_next: "Next match",
    no_matches: "No matches",
    not_found_heading: "Page not found",
    not_found_body: "The link may be wrong, or the page has been removed.",
    back_home: "Back to the Privacy Center",
    load_failed: "Could not load this page",
    network_problem: "The server cannot be reached right now. Check your connection and try again.",
    retry: "Try again",
    history_intro: "Every version of this app's privacy policy, newest first. Versions marked “material change” ask for your consent again.",
    current_badge: "Current",
    material_badge: "Material change",
    read_version: "Read this version",
    dev_banner: "Development mode — not for production",
    dev_sign_in: "Sign in as any user",
    dev_sign_in_intro: "Only in development mode: pick an app and type a user id to sign in as that user.",
    app_label: "App",
    user_id_label: "User ID",
    sign_in: "Sign in",
    sign_in_failed: "Sign-in failed. Check the app and user id and try again.",
    handoff_failed: "Could not sign you in from the app",
    handoff_expired: "The sign-in link has expired.",
    handoff_used: "The sign-in link has already been used; each link signs in once.",
    handoff_wrong_app: "The sign-in link belongs to another app.",
    handoff_invalid: "The sign-in link is invalid.",
    handoff_reopen: "Please go back to the app and open this page again.",
    my_consents: "My consent records",
    my_privacy: "My privacy",
    consent_first_title: "Please read and agree to the privacy policy",
    consent_first_body: "Before you continue, please read this privacy policy to learn how your personal information is collected, used and protected. Choosing “Agree” means you have read and agree to the current version.",
    consent_withdrawn_body: "You withdrew your consent to the privacy policy. To use every function again, please read and agree to the current version.",
    consent_update_title: "Our privacy policy has changed",
    consent_update_body: "We have made important changes to the privacy policy. Please read them and confirm again:",
    compare_versions: "Compare with the version you agreed to",
    agree: "Agree",
    not_now: "Not now",
    limited_note: "You have not agreed to the current privacy policy, so the app runs in limited mode: only basic functions are available.",
    review_and_agree: "Review and agree",
    updated_banner: "The privacy policy has been updated; you do not need to agree again.",
    read_update: "Read the new version",
    dismiss: "Dismiss",
    agreed_current: "Agreed to the current version",
    consents_intro: "Every time you agreed to, put off or withdrew from the privacy policy, newest first. Each record links to the exact text it was about.",
    action: "Action",
    time: "Time",
    channel: "Channel",
    text: "Text",
    action_accept: "Agreed",
    action_withdraw: "Withdrew",
    action_defer: "Not now",
    channel_browser: "Browser",
    channel_webview: "In the app",
    no_records: "No records yet.",
    download_data: "Download my data",
    withdraw: "Withdraw consent",
    withdraw_confirm: "After withdrawing, the app runs in limited mode with only basic functions. Withdraw your consent?",
    withdraw_yes: "Yes, withdraw",
    cancel: "Cancel",
    sign_out: "Sign out",
    signed_out_heading: "Please open this page from the app",
    signed_out_body: "Consent records are shown only to signed-in users. Open the Privacy Center from the app's privacy settings.",
    action_failed: "That did not work. Please try again.",
    compare_heading: "Compare versions",
    what_changed: "What changed",
    publisher_note: "Publisher's note: ",
    older_version: "Older",
    newer_version: "Newer",
    read_full_text: "Read the full text",
    section_counts: "Sections",
    status_added: "Added",
    status_removed: "Removed",
    status_changed: "Changed",
    status_moved: "Moved",
    status_unchanged: "Unchanged",
    legend_deleted: "removed text",
    legend_inserted: "added text",
    deletion_start: "[deletion start] ",
    deletion_end: " [deletion end]",
    insertion_start: "[insertion start] ",
    insertion_end: " [insertion end]",
    section_by_section: "Section by section",
    change_navigation: "Changes",
    previous_change: "Previous",
    next_change: "Next",
    change_count: |n| if n == 1 { "1 change".into() } else { format!("{n} changes") },
    change_position: |i, n| format!("Change {i} of {n}"),
    change_keys: "Keys: N next, P previous",
    no_changes: "The two versions have the same text.",
    unchanged_sections: |n| if n == 1 { "1 unchanged section".into() } else { format!("{n} unchanged sections") },
    preamble: "Opening text",
    heading_was: "Previously titled: ",
    only_heading_changed: "Only the heading changed; the text is the same.",
    show_text: "Show the text",
    moved_note: "This section now sits elsewhere in the policy.",
    compare_failed: "These versions cannot be compared",
    compare_unknown: "At least one of the versions does not exist or is not published.",
    compare_same: "You chose the same version twice. Please pick two different versions.",
    compare_reversed: "The first version is newer than the second. Put the earlier version first.",
    compare_swap: "Compare from older to newer",
    pick_in_history: "Pick versions in the history",
    compare_with_previous: "Compare with the previous version",
};

/// The product team's preview (`/preview`, its own bundle): words that the
/// reader never shows, kept apart so they never reach the reader's download.
pub struct PreviewMessages {
    /// Name of the preview in the header and the tab title.
    pub title: &'static str,
    /// Navigation: the version list.
    pub nav_versions: &'static str,
    /// Navigation: the live editor.
    pub nav_editor: &'static str,
    /// Heading of the staff sign-in form.
    pub sign_in_heading: &'static str,
    /// What the credential is and where it comes from.
    pub sign_in_intro: &'static str,
    /// Label of the credential field.
    pub credential_label: &'static str,
    /// Sign-in button.
    pub sign_in: &'static str,
    /// Sign-out button.
    pub sign_out: &'static str,
    /// The credential was refused.
    pub wrong_credential: &'static str,
    /// Too many failed attempts; argument: seconds to wait.
    pub throttled: fn(u64) -> String,
    /// Heading of the version list.
    pub versions_heading: &'static str,
    /// Introduction of the version list.
    pub versions_intro: &'static str,
    /// Status badge: draft.
    pub draft: &'static str,
    /// Status badge: published.
    pub published: &'static str,
    /// Badge of the current published version.
    pub current: &'static str,
    /// Link that opens a version's rendered page.
    pub open: &'static str,
    /// Link that opens a version in the editor.
    pub edit: &'static str,
    /// Note above a previewed page.
    pub preview_note: &'static str,
    /// Note above a previewed draft.
    pub draft_note: &'static str,
    /// Heading of the live editor.
    pub editor_heading: &'static str,
    /// Introduction of the live editor.
    pub editor_intro: &'static str,
    /// Label of the app menu.
    pub app_label: &'static str,
    /// Label of the version menu the editor starts from.
    pub start_from: &'static str,
    /// Input mode: Markdown with front matter.
    pub mode_markdown: &'static str,
    /// Input mode: raw legal text, imported as you type.
    pub mode_raw: &'static str,
    /// Label of the text area.
    pub source_label: &'static str,
    /// Button: replace the raw text with the imported Markdown.
    pub use_imported: &'static str,
    /// Heading of the checker's findings.
    pub diagnostics_heading: &'static str,
    /// The checker found nothing.
    pub no_problems: &'static str,
    /// A line reference; argument: 1-based line.
    pub line: fn(usize) -> String,
    /// The importer refused the text; argument: why.
    pub import_failed: fn(&str) -> String,
    /// Heading of the diff against the current version.
    pub diff_heading: &'static str,
    /// The text equals the current version.
    pub diff_none: &'static str,
    /// Counts of added, removed, changed, moved sections.
    pub diff_counts: fn(usize, usize, usize, usize) -> String,
    /// Section badge: added.
    pub added: &'static str,
    /// Section badge: removed.
    pub removed: &'static str,
    /// Section badge: changed.
    pub changed: &'static str,
    /// Section badge: moved.
    pub moved: &'static str,
    /// Text before the first heading.
    pub preamble: &'static str,
    /// Heading of the rendered page.
    pub rendered_heading: &'static str,
    /// How long the last update took; argument: milliseconds.
    pub update_took: fn(f64) -> String,
}

/// The preview's words in `lang`.
pub fn preview_messages(lang: Lang) -> &'static PreviewMessages {
    match lang {
        Lang::ZhCn => &PREVIEW_ZH_CN,
        Lang::En => &PREVIEW_EN,
    }
}

static PREVIEW_ZH_CN: PreviewMessages = PreviewMessages {
    title: "产品预览",
    nav_versions: "全部版本",
    nav_editor: "实时编辑器",
    sign_in_heading: "团队登录",
    sign_in_intro: "草稿只对产品团队可见。请输入服务器配置的团队凭证（运维人员可用 privacy-center staff-credential 查看）；只需输入一次，之后由浏览器的 HttpOnly Cookie 携带。",
    credential_label: "团队凭证",
    sign_in: "登录",
    sign_out: "退出预览",
    wrong_credential: "团队凭证不正确，请检查后重试。",
    throttled: |s| format!("尝试次数过多，请在 {s} 秒后再试。"),
    versions_heading: "全部版本",
    versions_intro: "每个应用的全部版本，包括尚未发布的草稿。打开任一版本，即可看到用户将看到的页面。",
    draft: "草稿",
    published: "已发布",
    current: "当前版本",
    open: "预览",
    edit: "编辑",
    preview_note: "预览：以下是用户将看到的页面。",
    draft_note: "草稿：尚未发布，公众无法访问此版本。",
    editor_heading: "实时编辑器",
    editor_intro: "粘贴法务提供的原文，或编辑带前置信息的 Markdown。页面、目录、检查结果以及与当前发布版本的差异会随输入更新。",
    app_label: "应用",
    start_from: "起始版本",
    mode_markdown: "Markdown（含前置信息）",
    mode_raw: "法务原文（自动导入）",
    source_label: "政策文件",
    use_imported: "转为 Markdown 继续编辑",
    diagnostics_heading: "检查结果",
    no_problems: "没有发现问题。",
    line: |n| format!("第 {n} 行"),
    import_failed: |why| format!("无法导入：{why}"),
    diff_heading: "与当前发布版本的差异",
    diff_none: "与当前发布版本相同。",
    diff_counts: |a, r, c, m| format!("新增 {a} 节，删除 {r} 节，修改 {c} 节，移动 {m} 节"),
    added: "新增",
    removed: "删除",
    changed: "修改",
    moved: "移动",
    preamble: "（开头部分）",
    rendered_heading: "用户将看到的页面",
    update_took: |ms| format!("更新用时 {ms:.1} 毫秒"),
};

static PREVIEW_EN: PreviewMessages = PreviewMessages {
    title: "Product preview",
    nav_versions: "All versions",
    nav_editor: "Live editor",
    sign_in_heading: "Team sign-in",
    sign_in_intro: "Drafts are visible to the product team only. Enter the staff credential configured on the server (operators print it with privacy-center staff-credential); you enter it once, then an HttpOnly cookie carries it.",
    credential_label: "Staff credential",
    sign_in: "Sign in",
    sign_out: "Leave preview",
    wrong_credential: "That staff credential is not correct. Check it and try again.",
    throttled: |s| format!("Too many attempts. Try again in {s} seconds."),
    versions_heading: "All versions",
    versions_intro: "Every app's versions, drafts included. Open any of them to see the page exactly as users will.",
    draft: "Draft",
    published: "Published",
    current: "Current",
    open: "Preview",
    edit: "Edit",
    preview_note: "Preview: this is the page as users will see it.",
    draft_note: "Draft: not published; the public cannot open this version.",
    editor_heading: "Live editor",
    editor_intro: "Paste the raw text from legal, or edit Markdown with front matter. The page, its contents, the checker's findings and the changes against the current published version follow as you type.",
    app_label: "App",
    start_from: "Start from",
    mode_markdown: "Markdown (with front matter)",
    mode_raw: "Raw legal text (imported)",
    source_label: "Policy file",
    use_imported: "Continue as Markdown",
    diagnostics_heading: "Checker",
    no_problems: "No problems found.",
    line: |n| format!("line {n}"),
    import_failed: |why| format!("Cannot import: {why}"),
    diff_heading: "Changes against the current published version",
    diff_none: "Same as the current published version.",
    diff_counts: |a, r, c, m| format!("{a} added, {r} removed, {c} changed, {m} moved sections"),
    added: "Added",
    removed: "Removed",
    changed: "Changed",
    moved: "Moved",
    preamble: "(opening text)",
    rendered_heading: "What users will see",
    update_took: |ms| format!("Updated in {ms:.1} ms"),
};

/// An RFC 3339 instant from the API as the reader's local calendar date and
/// `HH:MM` time.
pub fn local_date_time(rfc3339: &str) -> Option<(Date, String)> {
    let t = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
    if t.get_time().is_nan() {
        return None;
    }
    let date = Date::new(
        u16::try_from(t.get_full_year()).ok()?,
        u8::try_from(t.get_month() + 1).ok()?,
        u8::try_from(t.get_date()).ok()?,
    )
    .ok()?;
    Some((date, format!("{:02}:{:02}", t.get_hours(), t.get_minutes())))
}

/// The signed-in user's controls (`/me` and below, its own bundle): words
/// that the reader never shows, kept apart so they never reach its download.
pub struct ControlsMessages {
    /// The hub's heading and the header link.
    pub my_privacy: &'static str,
    /// The hub's lead; argument: the app's name.
    pub hub_intro: fn(&str) -> String,
    /// Card: consent to the privacy policy.
    pub card_consent: &'static str,
    /// The user agreed to the current version; argument: the version.
    pub consent_agreed: fn(&str) -> String,
    /// The user has not agreed to the current version.
    pub consent_not_agreed: &'static str,
    /// Link to the consent records.
    pub consent_records: &'static str,
    /// Card: push notifications.
    pub card_notifications: &'static str,
    /// Push at a glance; arguments: master switch, categories off, switchable categories.
    pub push_summary: fn(bool, usize, usize) -> String,
    /// Card: privacy switches.
    pub card_privacy: &'static str,
    /// Switches at a glance; arguments: switches on, switches in all.
    pub switches_summary: fn(usize, usize) -> String,
    /// Card: device permissions.
    pub card_permissions: &'static str,
    /// Card: teen mode.
    pub card_teen: &'static str,
    /// Card: account cancellation.
    pub card_account: &'static str,
    /// A control that is not built yet.
    pub coming: &'static str,
    /// Card: the user's data.
    pub card_data: &'static str,
    /// What the download holds.
    pub data_body: &'static str,
    /// Link to a control's page.
    pub manage: &'static str,
    /// Signed out: how to get here from the app.
    pub open_from_app: &'static str,
    /// The notifications page's heading.
    pub notifications_heading: &'static str,
    /// Its lead.
    pub notifications_intro: &'static str,
    /// The master switch.
    pub push_master: &'static str,
    /// Under the master switch while it is off.
    pub push_master_off: &'static str,
    /// A category that cannot be turned off.
    pub always_on: &'static str,
    /// Quiet hours: heading.
    pub quiet_hours: &'static str,
    /// Quiet hours: the switch.
    pub quiet_hours_toggle: &'static str,
    /// Quiet hours: start.
    pub quiet_start: &'static str,
    /// Quiet hours: end.
    pub quiet_end: &'static str,
    /// Quiet hours: the time zone they are in; argument: IANA name.
    pub time_zone: fn(&str) -> String,
    /// A change could not be saved and was undone.
    pub save_failed: &'static str,
    /// The privacy page's heading.
    pub privacy_heading: &'static str,
    /// Its lead; argument: the app's name.
    pub privacy_intro: fn(&str) -> String,
    /// Before the policy section that promises a switch.
    pub promised_in: &'static str,
    /// The app promises no switches.
    pub no_switches: &'static str,
    /// Button: clear the recommendation profile.
    pub clear_profile: &'static str,
    /// What clearing the profile does.
    pub clear_profile_body: &'static str,
    /// The profile reset was passed on.
    pub profile_cleared: &'static str,
    /// Back to the hub.
    pub back_to_hub: &'static str,
    // ---- Account cancellation (`/me/account`) ----
    /// The hub card while no request is pending.
    pub account_card_active: &'static str,
    /// The hub card while a request is pending; argument: when (local).
    pub account_card_pending: fn(&str) -> String,
    /// The page's heading.
    pub account_heading: &'static str,
    /// Its lead; argument: the app's name.
    pub account_intro: fn(&str) -> String,
    /// That cancelling cannot be undone.
    pub account_irreversible: &'static str,
    /// Heading: what is deleted.
    pub account_deleted_heading: &'static str,
    /// What is deleted, one item each.
    pub account_deleted: &'static [&'static str],
    /// Heading: what is kept.
    pub account_kept_heading: &'static str,
    /// What is kept and why, one item each.
    pub account_kept: &'static [&'static str],
    /// Heading: the app's conditions.
    pub account_conditions_heading: &'static str,
    /// The conditions inform and never block.
    pub account_conditions_note: &'static str,
    /// Heading: the cooling-off.
    pub account_cooling_heading: &'static str,
    /// The cooling-off and the legal time; arguments: days, working days.
    pub account_clocks: fn(u16, u32) -> String,
    /// Label of the typed confirmation.
    pub account_confirm_label: &'static str,
    /// The request button.
    pub account_request: &'static str,
    /// The typed confirmation was not the phrase.
    pub account_wrong_confirmation: &'static str,
    /// Re-verification needed: how.
    pub account_reverify: &'static str,
    /// Under `--dev`: the dev sign-in counts as signing in again.
    pub account_reverify_dev: &'static str,
    /// Heading while a request is pending.
    pub account_pending_heading: &'static str,
    /// Label: cooling-off left.
    pub account_cooling_left_label: &'static str,
    /// Cooling-off left; arguments: days, hours, minutes.
    pub account_cooling_left: fn(i64, i64, i64) -> String,
    /// Label: when the account is deleted.
    pub account_due_label: &'static str,
    /// Label: the legal deadline.
    pub account_deadline_label: &'static str,
    /// The legal deadline; arguments: the last day, working days.
    pub account_deadline: fn(&str, u32) -> String,
    /// Signing in again also withdraws.
    pub account_pending_sign_in: &'static str,
    /// The withdraw button.
    pub account_withdraw: &'static str,
    /// The user withdrew the request.
    pub account_withdrawn_by_user: &'static str,
    /// Signing in again withdrew the request.
    pub account_withdrawn_by_sign_in: &'static str,
    /// A request or withdrawal failed.
    pub account_failed: &'static str,
}

/// The controls' words in `lang`.
pub fn controls_messages(lang: Lang) -> &'static ControlsMessages {
    match lang {
        Lang::ZhCn => &CONTROLS_ZH_CN,
        Lang::En => &CONTROLS_EN,
    }
}

static CONTROLS_ZH_CN: ControlsMessages = ControlsMessages {
    my_privacy: "我的隐私",
    hub_intro: |app| format!("查看和管理{app}如何使用你的个人信息。"),
    card_consent: "隐私政策",
    consent_agreed: |v| format!("已同意当前版本（{v}）"),
    consent_not_agreed: "尚未同意当前版本",
    consent_records: "同意记录",
    card_notifications: "消息通知",
    push_summary: |on, off, _| {
        if !on {
            "消息推送：已关闭".to_owned()
        } else if off == 0 {
            "消息推送：全部开启".to_owned()
        } else {
            format!("消息推送：已关闭 {off} 类")
        }
    },
    card_privacy: "隐私设置",
    switches_summary: |on, all| {
        if all == 0 {
            "无可单独设置的功能".to_owned()
        } else {
            format!("{all} 项，已开启 {on} 项")
        }
    },
    card_permissions: "设备权限",
    card_teen: "青少年模式",
    card_account: "注销账号",
    coming: "即将推出",
    card_data: "我的数据",
    data_body: "下载隐私中心保存的与你有关的全部信息（JSON）。",
    manage: "管理",
    open_from_app: "请在应用内的“我的-设置-隐私”中打开隐私中心，即可管理你的设置。",
    notifications_heading: "消息通知",
    notifications_intro: "选择希望收到的推送。与服务和安全有关的通知无法关闭。",
    push_master: "接收推送消息",
    push_master_off: "可关闭的推送已全部关闭；下列不可关闭的通知仍会送达。",
    always_on: "不可关闭",
    quiet_hours: "免打扰时段",
    quiet_hours_toggle: "在以下时段不推送",
    quiet_start: "开始",
    quiet_end: "结束",
    time_zone: |tz| format!("时区：{tz}"),
    save_failed: "保存失败，已恢复原来的设置。请检查网络后重试。",
    privacy_heading: "隐私设置",
    privacy_intro: |app| format!("{app}在隐私政策中承诺你可以控制以下功能。更改立即生效。"),
    promised_in: "政策依据：",
    no_switches: "该应用的隐私政策没有承诺可单独关闭的功能。",
    clear_profile: "清除推荐画像",
    clear_profile_body: "个性化推荐已关闭。你还可以让应用删除根据你的浏览和兴趣建立的推荐画像。",
    profile_cleared: "已通知应用清除你的推荐画像。",
    back_to_hub: "返回我的隐私",
    account_card_active: "可申请注销，有冷静期",
    account_card_pending: |due| format!("注销申请处理中，将于 {due} 删除"),
    account_heading: "注销账号",
    account_intro: |app| format!("注销后，你将无法再使用这个{app}账号。申请前，请先了解会发生什么。"),
    account_irreversible: "注销无法撤销：冷静期结束后，账号和下列信息会被永久删除，无法恢复。",
    account_deleted_heading: "将被删除",
    account_deleted: &[
        "消息通知、免打扰时段和隐私设置",
        "这些设置的更改记录",
        "你报告的设备权限选择",
        "青少年模式的设置",
        "所有登录状态（所有设备都会退出）",
    ],
    account_kept_heading: "依法保留",
    account_kept: &[
        "日志记录：至少保存六个月，这是《网络安全法》第二十一条的要求。",
        "隐私政策的同意记录：其中的用户 ID 会换成无法关联到你的假名编号，只用来证明当时同意的内容，任何人都无法再按你的 ID 查到。",
        "这次注销申请的记录：证明我们按时完成了注销。",
    ],
    account_conditions_heading: "注销须知",
    account_conditions_note: "以下内容供你了解，不会阻止你申请注销。",
    account_cooling_heading: "冷静期",
    account_clocks: |days, wd| {
        format!("提交申请后有 {days} 天冷静期，期间在应用内重新登录会自动撤回申请。冷静期结束后账号即被删除，最迟在提交后 {wd} 个工作日内完成。")
    },
    account_confirm_label: "请输入“注销账号”以确认",
    account_request: "申请注销账号",
    account_wrong_confirmation: "输入的内容不对，请输入“注销账号”四个字。",
    account_reverify: "为保护你的账号，申请注销前需要重新验证身份：请回到应用，在“我的-设置-隐私”中重新打开此页面。",
    account_reverify_dev: "开发模式：重新以该用户登录也算重新验证。",
    account_pending_heading: "注销申请已提交",
    account_cooling_left_label: "冷静期剩余",
    account_cooling_left: |d, h, m| {
        if d > 0 {
            format!("{d} 天 {h} 小时")
        } else {
            format!("{h} 小时 {m} 分钟")
        }
    },
    account_due_label: "账号删除时间",
    account_deadline_label: "法定完成期限",
    account_deadline: |day, wd| format!("{day} 前（提交后 {wd} 个工作日内）"),
    account_pending_sign_in: "冷静期内在应用内重新登录，也会自动撤回申请。",
    account_withdraw: "撤回注销申请",
    account_withdrawn_by_user: "你已撤回注销申请，账号会继续保留。",
    account_withdrawn_by_sign_in: "你在冷静期内重新登录，注销申请已自动撤回，账号会继续保留。",
    account_failed: "操作没有完成，请检查网络后重试。",
};

static CONTROLS_EN: ControlsMessages = ControlsMessages {
    my_privacy: "My privacy",
    hub_intro: |app| format!("See and manage how {app} uses your personal information."),
    card_consent: "Privacy policy",
    consent_agreed: |v| format!("You agreed to the current version ({v})"),
    consent_not_agreed: "You have not agreed to the current version",
    consent_records: "Consent records",
    card_notifications: "Notifications",
    push_summary: |on, off, _| {
        if !on {
            "Push messages: off".to_owned()
        } else if off == 0 {
            "Push messages: all on".to_owned()
        } else if off == 1 {
            "Push messages: 1 kind off".to_owned()
        } else {
            format!("Push messages: {off} kinds off")
        }
    },
    card_privacy: "Privacy settings",
    switches_summary: |on, all| {
        if all == 0 {
            "Nothing to set".to_owned()
        } else {
            format!("{all} settings, {on} on")
        }
    },
    card_permissions: "Device permissions",
    card_teen: "Teen mode",
    card_account: "Close my account",
    coming: "Coming soon",
    card_data: "My data",
    data_body: "Download everything the privacy center holds about you (JSON).",
    manage: "Manage",
    open_from_app: "Open the privacy center from the app (Me › Settings › Privacy) to manage your settings.",
    notifications_heading: "Notifications",
    notifications_intro: "Choose the push messages you want. Notices about the service and your security cannot be turned off.",
    push_master: "Receive push messages",
    push_master_off: "Every optional push is off; the notices below still arrive.",
    always_on: "Cannot be turned off",
    quiet_hours: "Quiet hours",
    quiet_hours_toggle: "No push messages during these hours",
    quiet_start: "From",
    quiet_end: "To",
    time_zone: |tz| format!("Time zone: {tz}"),
    save_failed: "Could not save; your previous setting is back. Check your connection and try again.",
    privacy_heading: "Privacy settings",
    privacy_intro: |app| format!("{app}'s privacy policy promises you control over these features. Changes take effect at once."),
    promised_in: "Promised in: ",
    no_switches: "This app's privacy policy promises no features you can turn off separately.",
    clear_profile: "Clear my recommendation profile",
    clear_profile_body: "Personalised recommendations are off. You can also have the app delete the profile it built from your browsing and interests.",
    profile_cleared: "The app has been told to clear your recommendation profile.",
    back_to_hub: "Back to My privacy",
    account_card_active: "You can close your account, with a cooling-off period",
    account_card_pending: |due| format!("Closing: the account will be deleted on {due}"),
    account_heading: "Close my account",
    account_intro: |app| format!("Once closed, you can no longer use this {app} account. Before you ask, see what will happen."),
    account_irreversible: "This cannot be undone: when the cooling-off period ends, the account and the information below are deleted for good.",
    account_deleted_heading: "Deleted",
    account_deleted: &[
        "Notification settings, quiet hours and privacy settings",
        "The history of those settings",
        "The device permission choices you reported",
        "Teen mode settings",
        "Every sign-in (you are signed out on every device)",
    ],
    account_kept_heading: "Kept, as the law requires",
    account_kept: &[
        "Logs: kept at least six months, as Article 21 of China's Cybersecurity Law requires.",
        "Your consent records for the privacy policy: your user ID in them is replaced by a pseudonym that cannot be linked to you; they only prove what was agreed, and nobody can find them by your ID any more.",
        "The record of this request: it proves the account was closed on time.",
    ],
    account_conditions_heading: "Before you close it",
    account_conditions_note: "For you to read; none of this stops you from asking.",
    account_cooling_heading: "Cooling-off period",
    account_clocks: |days, wd| {
        format!("After you ask, there is a {days}-day cooling-off period: signing in from the app during it withdraws the request. When it ends the account is deleted, at the latest {wd} working days after you asked.")
    },
    account_confirm_label: "Type \u{201c}delete my account\u{201d} to confirm",
    account_request: "Ask to close my account",
    account_wrong_confirmation: "That is not the phrase; type \u{201c}delete my account\u{201d}.",
    account_reverify: "To protect your account, confirm it is you first: go back to the app and open this page again (Me › Settings › Privacy).",
    account_reverify_dev: "Development mode: signing in again as this user counts.",
    account_pending_heading: "Your request to close the account is in",
    account_cooling_left_label: "Cooling-off left",
    account_cooling_left: |d, h, m| {
        if d > 0 {
            format!("{d} d {h} h")
        } else {
            format!("{h} h {m} min")
        }
    },
    account_due_label: "Account deleted on",
    account_deadline_label: "Legal deadline",
    account_deadline: |day, wd| format!("by {day} ({wd} working days after you asked)"),
    account_pending_sign_in: "Signing in from the app during the cooling-off period also withdraws the request.",
    account_withdraw: "Withdraw my request",
    account_withdrawn_by_user: "You withdrew your request; the account stays.",
    account_withdrawn_by_sign_in: "You signed in again during the cooling-off period, so your request was withdrawn; the account stays.",
    account_failed: "That did not go through. Check your connection and try again.",
};

const STORAGE_KEY: &str = "privacy-center.locale";

/// The translation context: the current locale, reactive.
#[derive(Clone, Copy)]
pub struct I18n {
    locale: RwSignal<Lang>,
}

impl I18n {
    /// The current locale (tracked).
    pub fn locale(&self) -> Lang {
        self.locale.get()
    }

    /// The current locale's words (tracked).
    pub fn t(&self) -> &'static Messages {
        messages(self.locale.get())
    }

    /// The current locale's words for the preview (tracked).
    pub fn p(&self) -> &'static PreviewMessages {
        preview_messages(self.locale.get())
    }

    /// The current locale's words for the controls (tracked).
    pub fn c(&self) -> &'static ControlsMessages {
        controls_messages(self.locale.get())
    }

    /// Switches language and remembers the choice on this device.
    pub fn set_locale(&self, locale: Lang) {
        if let Some(storage) = window().local_storage().ok().flatten() {
            let _ = storage.set_item(STORAGE_KEY, locale.tag());
        }
        self.locale.set(locale);
    }
}

fn initial_locale() -> Lang {
    let stored = window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
        .and_then(|tag| Lang::from_tag(&tag));
    stored.unwrap_or_else(|| {
        let langs: Vec<String> = window()
            .navigator()
            .languages()
            .iter()
            .filter_map(|v| v.as_string())
            .collect();
        Lang::negotiate(langs.iter().map(String::as_str))
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
    fn formats_dates_per_language() {
        let d = Date::try_from("2020-10-01").unwrap();
        assert_eq!((messages(Lang::ZhCn).date)(d), "2020年10月1日");
        assert_eq!((messages(Lang::En).date)(d), "1 October 2020");
    }
}
