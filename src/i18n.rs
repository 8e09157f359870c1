//! Every word the UI shows, in Simplified Chinese (default) and English.
//!
//! The languages are `core::words::Lang` (the server's list too). A
//! translation is a `Messages` value per language, so the compiler refuses
//! a language that misses a key. The words around a policy's text come from
//! `core::words`, which the server uses for the page it pre-renders. The
//! chosen language follows the browser's languages until the user picks
//! one, which is then remembered on this device.

use leptos::prelude::*;
use privacy_center_core::wire::{AgeBand, Date, PermissionKind, PermissionState, Platform};
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
    /// Button that turns the consent dialog into a bar while the user reads.
    pub read_full: &'static str,
    /// The consent bar's name for screen readers.
    pub consent_bar_label: &'static str,
    /// The consent bar's line.
    pub consent_bar_text: &'static str,
    /// The consent bar's button back to the whole prompt.
    pub consent_bar_back: &'static str,
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
    /// Button in the notice of an upcoming version: agree to it now.
    pub agree_early: &'static str,
    /// Said in that notice once the user has agreed to it early.
    pub agreed_early: &'static str,
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
    /// Link that downloads one record's signed receipt (consent ledger).
    pub receipt: &'static str,
    /// What a receipt is for (the link's title).
    pub receipt_hint: &'static str,
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
    read_full: "先阅读全文",
    consent_bar_label: "是否同意隐私政策",
    consent_bar_text: "读完后，请选择是否同意当前版本。",
    consent_bar_back: "查看说明",
    limited_note: "你暂未同意当前隐私政策，应用将以受限模式运行：仅提供基本功能。",
    review_and_agree: "查看并同意",
    updated_banner: "隐私政策已更新，这次变更不需要你重新同意。",
    read_update: "阅读新版本",
    dismiss: "知道了",
    agreed_current: "已同意当前版本",
    agree_early: "现在同意新版本",
    agreed_early: "✓ 你已同意新版本，生效时不会再次询问你。",
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
    receipt: "回执",
    receipt_hint: "下载这条记录的签名回执：日后可凭它核对记录是否仍原样保存",
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
    read_full: "Read it first",
    consent_bar_label: "Agree to the privacy policy?",
    consent_bar_text: "When you have read it, choose whether you agree to the current version.",
    consent_bar_back: "Show the summary",
    limited_note: "You have not agreed to the current privacy policy, so the app runs in limited mode: only basic functions are available.",
    review_and_agree: "Review and agree",
    updated_banner: "The privacy policy has been updated; you do not need to agree again.",
    read_update: "Read the new version",
    dismiss: "Dismiss",
    agreed_current: "Agreed to the current version",
    agree_early: "Agree to the new version now",
    agreed_early: "✓ You have agreed to the new version; you will not be asked again when it takes effect.",
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
    receipt: "Receipt",
    receipt_hint: "Download this record's signed receipt: with it you can check later that the record is still kept exactly as it was",
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
    /// Pasted text without front matter was switched to raw import.
    pub pasted_raw: &'static str,
    /// Button: take the pasted text as Markdown after all.
    pub keep_markdown: &'static str,
    /// The page in view is not what the text says; argument: the page
    /// shown (title and version).
    pub stale_page: fn(&str) -> String,
    /// The Markdown text has no front matter: it looks like raw text.
    pub looks_raw: &'static str,
    /// Button: import the text as raw legal text.
    pub import_as_raw: &'static str,
    /// Heading of the banner of a refused reload of the policy files.
    pub reload_refused_heading: &'static str,
    /// What a refused reload means; arguments: when it was refused, when
    /// the tree still served was loaded.
    pub reload_refused: fn(&str, &str) -> String,
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
    pasted_raw: "粘贴的文本没有前置信息（以 +++ 开头的版本信息），已按法务原文导入。",
    keep_markdown: "仍按 Markdown 处理",
    stale_page: |shown| format!("显示的仍是上一次能生成的页面（{shown}），不是你现在输入的文本：当前文本无法生成页面，原因见“检查结果”。"),
    looks_raw: "这段文本没有前置信息，像是法务原文。",
    import_as_raw: "按法务原文导入",
    reload_refused_heading: "服务器没有采用修改后的政策文件",
    reload_refused: |at, loaded| format!("{at} 重新加载政策文件时，文件没有通过检查，整套文件均未采用。在修正以下问题之前，用户看到的仍是 {loaded} 加载的版本。"),
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
    pasted_raw: "The pasted text has no front matter (the +++ version block), so it is imported as raw legal text.",
    keep_markdown: "Treat it as Markdown",
    stale_page: |shown| format!("The page shown is still the last one the text could make ({shown}), not what you typed: the current text makes no page; the checker says why."),
    looks_raw: "This text has no front matter; it looks like raw legal text.",
    import_as_raw: "Import as raw legal text",
    reload_refused_heading: "The server did not take the changed policy files",
    reload_refused: |at, loaded| format!("Reloading the policy files at {at} was refused: they do not pass the check, so none of them was taken. Until the problems below are fixed, users see the files loaded at {loaded}."),
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
    /// The data page's heading.
    pub data_heading: &'static str,
    /// Its lead.
    pub data_intro: &'static str,
    /// Heading: the copies of the user's data.
    pub copies_heading: &'static str,
    /// Button: the readable copy.
    pub download_readable: &'static str,
    /// What the readable copy is.
    pub readable_note: &'static str,
    /// Button: the JSON copy.
    pub download_json: &'static str,
    /// What the JSON copy is.
    pub json_note: &'static str,
    /// Heading: the settings history.
    pub history_heading: &'static str,
    /// What the history holds.
    pub history_note: &'static str,
    /// No changes yet.
    pub history_empty: &'static str,
    /// Hub: heading of the latest changes.
    pub recent_changes: &'static str,
    /// Hub: link to the whole history and the downloads.
    pub all_history: &'static str,
    // The permissions page (`/{app}/permissions`).
    /// Permissions at a glance on the hub; arguments: permissions, kinds.
    pub permissions_summary: fn(usize, usize) -> String,
    /// The permissions page's heading.
    pub permissions_heading: &'static str,
    /// Its lead; argument: the app's name.
    pub permissions_intro: fn(&str) -> String,
    /// What the page shows in a browser.
    pub permissions_browser_mode: &'static str,
    /// What the page shows inside the app; argument: the platform's name.
    pub permissions_native_mode: fn(&str) -> String,
    /// The app declares no permissions.
    pub no_permissions: &'static str,
    /// A kind of permission, as a heading.
    pub kind_name: fn(PermissionKind) -> &'static str,
    /// A platform's name.
    pub platform_name: fn(Platform) -> &'static str,
    /// Before a permission's policy section.
    pub explained_in: &'static str,
    /// Before the browser's state.
    pub in_this_browser: &'static str,
    /// A browser or native state.
    pub state_name: fn(PermissionState) -> &'static str,
    /// A native state: never asked.
    pub state_not_asked: &'static str,
    /// The browser or host cannot tell.
    pub state_unknown: &'static str,
    /// Button: make the browser's request.
    pub allow: &'static str,
    /// Button: how to turn a permission off.
    pub turn_off: &'static str,
    /// Before the purpose, next to the request.
    pub purpose_label: &'static str,
    /// Pages cannot revoke: how to in this browser; argument: the kind.
    pub how_to_turn_off: fn(&str) -> String,
    /// Blocked in this browser: how to allow it again; argument: the kind.
    pub blocked_here: fn(&str) -> String,
    /// Refused lately: not asked again until; argument: date and time.
    pub refused_until: fn(&str) -> String,
    /// The request ended without an answer (no device, …).
    pub request_failed: &'static str,
    /// Button: open the system settings page of one permission.
    pub open_settings: &'static str,
    /// The settings page was opened.
    pub settings_opened: &'static str,
    /// The host could not open it.
    pub settings_failed: &'static str,
    // The app's two lists (`/{app}/lists`); its heading is the reader's
    // `PageWords::lists`, the link on the policy page.
    /// Hub card: what the lists are; argument: the app's name.
    pub lists_card_body: fn(&str) -> String,
    /// The lead; arguments: the app's name, the policy version.
    pub lists_intro: fn(&str, &str) -> String,
    /// Link back to the policy; argument: the app's name.
    pub lists_back: fn(&str) -> String,
    /// The search box's label.
    pub lists_search: &'static str,
    /// Its placeholder.
    pub lists_search_hint: &'static str,
    /// Button: clear the search.
    pub lists_clear: &'static str,
    /// Rows shown; arguments: shown, in all, whether a search is on.
    pub lists_shown: fn(usize, usize, bool) -> String,
    /// No row of one list matches; argument: the search.
    pub lists_no_match: fn(&str) -> String,
    /// The app declares no rows for a list.
    pub lists_not_declared: &'static str,
    /// Heading of the first list.
    pub collected_heading: &'static str,
    /// Its caption; argument: the app's name.
    pub collected_caption: fn(&str) -> String,
    /// Column: the personal information.
    pub col_info: &'static str,
    /// Column: why.
    pub col_purpose: &'static str,
    /// Column: when.
    pub col_scenario: &'static str,
    /// Column: device permissions.
    pub col_permissions: &'static str,
    /// Column: the policy section that says it.
    pub col_section: &'static str,
    /// Badge: sensitive personal information.
    pub sensitive: &'static str,
    /// Heading of the second list.
    pub third_parties_heading: &'static str,
    /// Its caption; argument: the app's name.
    pub third_parties_caption: fn(&str) -> String,
    /// Column: the third party.
    pub col_name: &'static str,
    /// Column: its company.
    pub col_company: &'static str,
    /// Column: the information it gets.
    pub col_data: &'static str,
    /// Column: its privacy policy.
    pub col_link: &'static str,
    /// Badge: an SDK.
    pub kind_sdk: &'static str,
    /// Badge: a partner.
    pub kind_partner: &'static str,
    /// A field the policy does not state.
    pub unstated: &'static str,
    /// The policy says there is none.
    pub none_stated: &'static str,
    /// A row that relies on no device permission.
    pub no_permission: &'static str,
    /// Teen mode: the page's heading.
    pub teen_heading: &'static str,
    /// Its lead.
    pub teen_intro: &'static str,
    /// An age band's name.
    pub teen_band: fn(AgeBand) -> &'static str,
    /// The hub card and the page's state line; arguments: on, band, today's minutes.
    pub teen_summary: fn(bool, Option<AgeBand>, Option<u16>) -> String,
    /// Heading: what turning it on changes.
    pub teen_changes: &'static str,
    /// A band's daily budget; arguments: band name, minutes.
    pub teen_budget: fn(&str, u16) -> String,
    /// The rest reminder; argument: minutes.
    pub teen_rest: fn(u16) -> String,
    /// The curfew; arguments: start, end.
    pub teen_curfew: fn(&str, &str) -> String,
    /// Content limited to the band.
    pub teen_content: &'static str,
    /// Before the list of features withheld.
    pub teen_restricted: &'static str,
    /// Legend of the band choice.
    pub teen_choose_band: &'static str,
    /// Label: a new password.
    pub teen_new_pin: &'static str,
    /// Label: the new password again.
    pub teen_pin_again: &'static str,
    /// Label: the current password.
    pub teen_pin: &'static str,
    /// Under the password fields: what it is for.
    pub teen_pin_hint: &'static str,
    /// The two new passwords differ.
    pub teen_pin_mismatch: &'static str,
    /// Why a new password is refused; argument: `core::teen::PinProblem::name`.
    pub teen_pin_problem: fn(&str) -> &'static str,
    /// Button: turn it on.
    pub teen_turn_on: &'static str,
    /// Heading and button: turn it off.
    pub teen_turn_off: &'static str,
    /// A wrong password; argument: attempts left before a lock.
    pub teen_wrong_pin: fn(u32) -> String,
    /// Locked; argument: the local time it ends (`HH:MM`, or a date and time).
    pub teen_locked: fn(&str) -> String,
    /// The curfew holds now.
    pub teen_curfew_now: &'static str,
    /// It follows the device's own minor mode.
    pub teen_follows_device: &'static str,
    /// Inside the host app, the device's own minor mode is on.
    pub teen_device_on: &'static str,
    /// Checkbox: turn teen mode on together with the device's minor mode.
    pub teen_follow_device: &'static str,
    /// Heading and button: change the age band.
    pub teen_change_band: &'static str,
    /// Heading and button: change the password.
    pub teen_change_pin: &'static str,
    /// Label: the daily limit.
    pub teen_daily_limit: &'static str,
    /// A limit in minutes.
    pub teen_minutes: fn(u16) -> String,
    /// Heading: forgot the password.
    pub teen_forgot: &'static str,
    /// What an appeal does.
    pub teen_forgot_body: &'static str,
    /// Button: file an appeal.
    pub teen_appeal: &'static str,
    /// An appeal is open; argument: when it was filed (local).
    pub teen_appeal_open: fn(&str) -> String,
    /// The latest appeal was resolved; argument: when (local).
    pub teen_appeal_resolved: fn(&str) -> String,
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
    card_data: "我的数据",
    data_body: "隐私中心保存的与你有关的全部信息：查看变更记录，下载副本。",
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
    data_heading: "我的数据",
    data_intro:
        "你有权查阅、复制隐私中心保存的与你有关的个人信息（《个人信息保护法》第四十五条）。",
    copies_heading: "下载副本",
    download_readable: "下载可阅读的副本",
    readable_note: "网页文件，可直接打开阅读，也可用浏览器“打印”另存为 PDF。",
    download_json: "下载 JSON 文件",
    json_note: "同样的内容，机器可读，便于转移到其他服务。",
    history_heading: "设置变更记录",
    history_note:
        "你在这里做出的每一项更改：改了什么、从什么改成什么、何时、在哪里。记录只增不改。",
    history_empty: "还没有更改过任何设置。",
    recent_changes: "最近的更改",
    all_history: "全部记录与下载",
    permissions_summary: |n, kinds| format!("声明 {n} 项权限，{kinds} 类"),
    permissions_heading: "设备权限",
    permissions_intro: |app| {
        format!("{app}可能向你申请以下权限。每项用途摘自隐私政策，并链接到说明它的章节。")
    },
    permissions_browser_mode:
        "在浏览器中，可查看和开启本浏览器的相应权限；在应用内打开时，显示手机系统中的授权状态。",
    permissions_native_mode: |p| format!("以下状态来自你手机的 {p} 系统设置，可直接前往修改。"),
    no_permissions: "该应用没有声明设备权限。",
    kind_name: |k| match k {
        PermissionKind::Location => "位置",
        PermissionKind::Camera => "相机",
        PermissionKind::Microphone => "麦克风",
        PermissionKind::Photos => "照片与存储",
        PermissionKind::Contacts => "通讯录",
        PermissionKind::Notifications => "通知",
        PermissionKind::PhoneState => "电话与设备信息",
        PermissionKind::Sms => "短信",
        PermissionKind::Network => "网络与WLAN信息",
        PermissionKind::InstalledApps => "已安装应用列表",
        PermissionKind::Tracking => "跨应用追踪（IDFA）",
        PermissionKind::Clipboard => "剪贴板",
        PermissionKind::Other => "其他",
    },
    platform_name: |p| match p {
        Platform::Android => "Android",
        Platform::Ios => "iOS",
        Platform::Web => "网页",
    },
    explained_in: "政策说明：",
    in_this_browser: "在此浏览器中：",
    state_name: |s| match s {
        PermissionState::Granted => "已允许",
        PermissionState::Denied => "已禁止",
        PermissionState::Prompt => "未决定",
        PermissionState::Restricted => "受限制",
    },
    state_not_asked: "未询问",
    state_unknown: "未知",
    allow: "允许",
    turn_off: "如何关闭",
    purpose_label: "用途：",
    how_to_turn_off: |k| {
        format!("网页无法自行撤销权限。要在此浏览器中关闭，请点击地址栏左侧的网站信息图标，进入“网站设置”，将“{k}”改为“禁止”。")
    },
    blocked_here: |k| {
        format!("你已在此浏览器中禁止{k}权限。如需开启，请点击地址栏左侧的网站信息图标，在“网站设置”中改为“允许”。")
    },
    refused_until: |t| format!("你拒绝了此权限。为避免频繁打扰，{t} 之前不会再次询问。"),
    request_failed: "请求没有完成（可能没有可用的设备）。",
    open_settings: "去系统设置",
    settings_opened: "已打开系统设置。返回此页后状态会自动更新。",
    settings_failed: "无法打开系统设置，请在手机“设置”中找到本应用修改。",
    lists_card_body: |app| format!("{app}收集哪些个人信息、与哪些第三方（含SDK）共享。"),
    lists_intro: |app, v| {
        format!("按照工业和信息化部的要求，{app}公开以下两份清单：收集的个人信息，以及与之共享个人信息的第三方（含SDK）。内容摘自当前隐私政策（版本 {v}），每一项都链接到政策中的原文。")
    },
    lists_back: |app| format!("{app}隐私政策"),
    lists_search: "搜索清单",
    lists_search_hint: "例如：位置、手机号、推送",
    lists_clear: "清除",
    lists_shown: |n, m, searching| {
        if searching {
            format!("找到 {n} 项，共 {m} 项")
        } else {
            format!("共 {m} 项")
        }
    },
    lists_no_match: |q| format!("没有与“{q}”匹配的项目。"),
    lists_not_declared: "该应用尚未公开此清单。",
    collected_heading: "个人信息收集清单",
    collected_caption: |app| format!("{app}收集的个人信息，及其目的和场景"),
    col_info: "个人信息",
    col_purpose: "使用目的",
    col_scenario: "使用场景",
    col_permissions: "相关权限",
    col_section: "政策原文",
    sensitive: "敏感",
    third_parties_heading: "第三方共享清单",
    third_parties_caption: |app| format!("{app}与之共享个人信息的第三方，含第三方SDK"),
    col_name: "第三方",
    col_company: "公司",
    col_data: "涉及的个人信息",
    col_link: "第三方隐私政策",
    kind_sdk: "SDK",
    kind_partner: "合作方",
    unstated: "政策未说明",
    none_stated: "无",
    no_permission: "不涉及",
    teen_heading: "青少年模式",
    teen_intro: "开启后，应用按年龄段限制使用时长和时段，只展示适龄内容。关闭或修改设置需要输入开启时设置的密码。",
    teen_band: |b| match b {
        AgeBand::Under3 => "不满3岁",
        AgeBand::From3To8 => "3至8岁",
        AgeBand::From8To12 => "8至12岁",
        AgeBand::From12To16 => "12至16岁",
        AgeBand::From16To18 => "16至18岁",
    },
    teen_summary: |on, band, minutes| match (on, band, minutes) {
        (true, Some(b), Some(m)) => format!(
            "已开启 · {} · 每天 {m} 分钟",
            (CONTROLS_ZH_CN.teen_band)(b)
        ),
        (true, _, _) => "已开启".to_owned(),
        _ => "未开启".to_owned(),
    },
    teen_changes: "开启后会有哪些变化",
    teen_budget: |band, m| format!("{band}：每天最多使用 {m} 分钟"),
    teen_rest: |m| format!("连续使用 {m} 分钟提醒休息"),
    teen_curfew: |a, b| format!("每天 {a} 至次日 {b} 无法使用"),
    teen_content: "只展示适合所选年龄段的内容",
    teen_restricted: "暂停使用：",
    teen_choose_band: "选择年龄段",
    teen_new_pin: "设置 4 位数字密码",
    teen_pin_again: "再次输入密码",
    teen_pin: "输入密码",
    teen_pin_hint: "关闭青少年模式或修改设置时需要这个密码，请由家长设置并牢记。",
    teen_pin_mismatch: "两次输入的密码不一致，请重新输入。",
    teen_pin_problem: |name| match name {
        "not_four_digits" => "密码须为 4 位数字。",
        "all_same" => "不能使用四个相同的数字（如 0000）。",
        "sequence" => "不能使用连续的数字（如 1234、4321）。",
        "pattern" => "不能使用重复的组合（如 1212、1122）。",
        "year" => "不能使用年份（如 2010），它最容易被猜到。",
        "common" => "这是最常用的密码之一，请换一个。",
        _ => "这个密码不能使用，请换一个。",
    },
    teen_turn_on: "开启青少年模式",
    teen_turn_off: "关闭青少年模式",
    teen_wrong_pin: |left| format!("密码不正确，还可以再试 {left} 次。"),
    teen_locked: |t| format!("密码错误次数过多，已暂时锁定。请在 {t} 后再试。"),
    teen_curfew_now: "现在是休息时段，应用暂停使用。",
    teen_follows_device: "跟随设备的未成年人模式",
    teen_device_on: "这台设备已在系统设置中开启未成年人模式。按照国家的未成年人模式建设指南，本应用可以跟随设备，一同开启青少年模式。",
    teen_follow_device: "跟随设备的未成年人模式开启（关闭仍需下面设置的密码）",
    teen_change_band: "修改年龄段和时长",
    teen_change_pin: "修改密码",
    teen_daily_limit: "每天可用时长",
    teen_minutes: |m| format!("{m} 分钟"),
    teen_forgot: "忘记密码",
    teen_forgot_body: "无法自行重置密码。提交申诉后，客服会在核实身份后为你关闭青少年模式，之后可以重新设置。",
    teen_appeal: "提交申诉",
    teen_appeal_open: |at| format!("申诉已提交（{at}），等待客服核实身份。"),
    teen_appeal_resolved: |at| format!("申诉已处理（{at}），密码已重置。"),
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
        "日志记录：注销完成后保存六个月（184 天；《网络安全法》第二十一条要求至少六个月），期满后删除。",
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
    card_data: "My data",
    data_body: "Everything the privacy center holds about you: see your changes, download a copy.",
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
    data_heading: "My data",
    data_intro: "You may see and copy the personal information the privacy center holds about you (PIPL art. 45).",
    copies_heading: "Download a copy",
    download_readable: "Download a readable copy",
    readable_note: "A web page you can open and read, or print to PDF from the browser.",
    download_json: "Download as JSON",
    json_note: "The same content for machines, to move to another service.",
    history_heading: "Settings history",
    history_note: "Every change you made here: what, from what to what, when and where. Entries are never changed.",
    history_empty: "You have not changed any setting yet.",
    recent_changes: "Latest changes",
    all_history: "All changes and downloads",
    permissions_summary: |n, kinds| format!("{n} permissions of {kinds} kinds"),
    permissions_heading: "Device permissions",
    permissions_intro: |app| format!("{app} may ask you for these permissions. Each purpose is quoted from the privacy policy and links to the section that explains it."),
    permissions_browser_mode: "In a browser you can see and allow this browser's permissions; opened inside the app, the page shows your phone's settings.",
    permissions_native_mode: |p| format!("These states come from your phone's {p} settings; you can change them there."),
    no_permissions: "This app declares no device permissions.",
    kind_name: |k| match k {
        PermissionKind::Location => "Location",
        PermissionKind::Camera => "Camera",
        PermissionKind::Microphone => "Microphone",
        PermissionKind::Photos => "Photos and storage",
        PermissionKind::Contacts => "Contacts",
        PermissionKind::Notifications => "Notifications",
        PermissionKind::PhoneState => "Phone and device identity",
        PermissionKind::Sms => "Text messages",
        PermissionKind::Network => "Network and Wi-Fi details",
        PermissionKind::InstalledApps => "Installed apps",
        PermissionKind::Tracking => "Cross-app tracking (IDFA)",
        PermissionKind::Clipboard => "Clipboard",
        PermissionKind::Other => "Other",
    },
    platform_name: |p| match p {
        Platform::Android => "Android",
        Platform::Ios => "iOS",
        Platform::Web => "Web",
    },
    explained_in: "Explained in: ",
    in_this_browser: "In this browser: ",
    state_name: |s| match s {
        PermissionState::Granted => "Allowed",
        PermissionState::Denied => "Blocked",
        PermissionState::Prompt => "Not decided",
        PermissionState::Restricted => "Restricted",
    },
    state_not_asked: "Not asked",
    state_unknown: "Unknown",
    allow: "Allow",
    turn_off: "How to turn off",
    purpose_label: "Purpose: ",
    how_to_turn_off: |k| format!("A page cannot take a permission back itself. To turn it off in this browser, click the site information icon left of the address, open Site settings and set “{k}” to Block."),
    blocked_here: |k| format!("You blocked {k} in this browser. To allow it again, click the site information icon left of the address and allow it in Site settings."),
    refused_until: |t| format!("You refused this permission. So as not to keep asking, you will not be asked again before {t}."),
    request_failed: "The request did not finish (there may be no such device).",
    open_settings: "Open system settings",
    settings_opened: "System settings are open. Come back here and the state updates by itself.",
    settings_failed: "Could not open system settings; change it for this app in your phone's Settings.",
    lists_card_body: |app| format!("What {app} collects and which third parties (SDKs included) it shares it with."),
    lists_intro: |app, v| format!("As China's Ministry of Industry and Information Technology requires, {app} publishes two lists: the personal information it collects, and the third parties (SDKs included) it shares it with. They are taken from the current privacy policy (version {v}); each row links to the words it comes from."),
    lists_back: |app| format!("{app} privacy policy"),
    lists_search: "Search the lists",
    lists_search_hint: "e.g. location, phone number, push",
    lists_clear: "Clear",
    lists_shown: |n, m, searching| {
        if searching {
            format!("{n} of {m} rows match")
        } else if m == 1 {
            "1 row".to_owned()
        } else {
            format!("{m} rows")
        }
    },
    lists_no_match: |q| format!("Nothing matches “{q}”."),
    lists_not_declared: "The app has not published this list yet.",
    collected_heading: "Personal information collected",
    collected_caption: |app| format!("The personal information {app} collects, why and when"),
    col_info: "Information",
    col_purpose: "Purpose",
    col_scenario: "When",
    col_permissions: "Permissions",
    col_section: "Policy text",
    sensitive: "Sensitive",
    third_parties_heading: "Third parties it is shared with",
    third_parties_caption: |app| format!("The third parties {app} shares personal information with, SDKs included"),
    col_name: "Third party",
    col_company: "Company",
    col_data: "Information",
    col_link: "Their privacy policy",
    kind_sdk: "SDK",
    kind_partner: "Partner",
    unstated: "Not stated in the policy",
    none_stated: "None",
    no_permission: "None",
    teen_heading: "Teen mode",
    teen_intro: "When it is on, the app limits when and how long it can be used for the age band and shows only suitable content. Turning it off or changing it needs the password set when turning it on.",
    teen_band: |b| match b {
        AgeBand::Under3 => "Under 3",
        AgeBand::From3To8 => "3 to 8",
        AgeBand::From8To12 => "8 to 12",
        AgeBand::From12To16 => "12 to 16",
        AgeBand::From16To18 => "16 to 18",
    },
    teen_summary: |on, band, minutes| match (on, band, minutes) {
        (true, Some(b), Some(m)) => format!(
            "On · {} · {m} minutes a day",
            (CONTROLS_EN.teen_band)(b)
        ),
        (true, _, _) => "On".to_owned(),
        _ => "Off".to_owned(),
    },
    teen_changes: "What changes when it is on",
    teen_budget: |band, m| format!("{band}: at most {m} minutes a day"),
    teen_rest: |m| format!("A reminder to rest after {m} minutes of continuous use"),
    teen_curfew: |a, b| format!("No use from {a} to {b}"),
    teen_content: "Only content suitable for the chosen age band",
    teen_restricted: "Not available: ",
    teen_choose_band: "Age band",
    teen_new_pin: "Set a 4-digit password",
    teen_pin_again: "Enter the password again",
    teen_pin: "Password",
    teen_pin_hint: "This password is needed to turn teen mode off or change it. A parent should set it and remember it.",
    teen_pin_mismatch: "The two passwords differ; please enter them again.",
    teen_pin_problem: |name| match name {
        "not_four_digits" => "The password is exactly 4 digits.",
        "all_same" => "Four equal digits (like 0000) are not allowed.",
        "sequence" => "Digits in a row (like 1234 or 4321) are not allowed.",
        "pattern" => "Repeated pairs (like 1212 or 1122) are not allowed.",
        "year" => "A year (like 2010) is guessed first; please choose another.",
        "common" => "This is one of the most used codes; please choose another.",
        _ => "This password cannot be used; please choose another.",
    },
    teen_turn_on: "Turn on teen mode",
    teen_turn_off: "Turn off teen mode",
    teen_wrong_pin: |left| format!("The password is not correct. {left} attempt(s) left."),
    teen_locked: |t| format!("Too many wrong passwords: locked for now. Try again after {t}."),
    teen_curfew_now: "It is rest time now: the app cannot be used.",
    teen_follows_device: "Follows the device's minor mode",
    teen_device_on: "This device has its minor mode on in the system settings. As the national minor-mode guideline asks, this app can follow the device and turn teen mode on too.",
    teen_follow_device: "Follow the device's minor mode (turning it off still needs the password set below)",
    teen_change_band: "Change the age band and limit",
    teen_change_pin: "Change the password",
    teen_daily_limit: "Daily limit",
    teen_minutes: |m| format!("{m} minutes"),
    teen_forgot: "Forgot the password",
    teen_forgot_body: "The password cannot be reset here. File an appeal: support checks your identity and then turns teen mode off, so you can set it up again.",
    teen_appeal: "File an appeal",
    teen_appeal_open: |at| format!("Appeal filed ({at}); support will check your identity."),
    teen_appeal_resolved: |at| format!("Appeal resolved ({at}); the password was reset."),
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
        "Logs: kept for six months (184 days) after the account is deleted, as Article 21 of China's Cybersecurity Law requires at least six months; then deleted.",
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

    /// The current locale's words for the user's own records: history rows
    /// and the readable copy of their data, shared with the server
    /// (`core::words::RecordWords`; tracked).
    pub fn r(&self) -> &'static privacy_center_core::words::RecordWords {
        self.locale.get().record_words()
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
