//! Importer: raw legal text, as legal sends it, → the project's policy Markdown.
//!
//! Chinese policies number their structure (`第一部分`, `一、`, `（一）`, `1.`,
//! `1.1`, `(1)`, `①`, `a.`, `G1.`); the importer turns that numbering into the
//! heading and list hierarchy, takes the title and the dates (at the top or in
//! the last lines) out for the front matter, and escapes everything else so it
//! renders literally.
//!
//! Nothing is dropped or reordered: apart from the title and date lines, the
//! Markdown holds every non-space character of the source in order, with
//! numbering kept verbatim inside headings and list items. After decoding
//! (here), the stages are a segmenter (`segment`: source → one segment per
//! logical line, recovering line breaks a web copy lost), a classifier
//! (`classify`: numbering, titles, table of contents, field records), a block
//! builder (`blocks`) and an emitter (`emit`). Hand-written scanning over
//! chars keeps it small enough for the browser.

use crate::policy::MAX_POLICY_BYTES;
use crate::wire::Date;
use crate::Error;

mod blocks;
mod classify;
mod emit;
mod segment;

pub use self::classify::TITLE_WORDS;

use self::blocks::build_blocks;
use self::classify::{classify, full_title, take_front};
use self::emit::emit;
use self::segment::segment;

/// What the caller knows about the text being imported.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// The app's display name (e.g. `V聊`), prefixed to a title that lacks it.
    pub app_name: Option<String>,
}

/// The result of an import: front matter fields and the Markdown body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The policy title (e.g. `闪聊隐私政策`); a bare title word (`隐私政策`) is prefixed with the app name.
    pub title: String,
    /// 更新日期 / 最近更新日期 / 更新时间; the 发布日期 when the text gives
    /// no update date (either is when this version was published).
    pub updated: Option<Date>,
    /// 生效日期 / 版本生效日期.
    pub effective: Option<Date>,
    /// 制定日期.
    pub drafted: Option<Date>,
    /// 发布日期 / 发布时间.
    pub published: Option<Date>,
    /// The CommonMark body, without front matter and without the title and date lines.
    pub markdown: String,
}

impl Imported {
    /// The complete policy file: `+++` TOML front matter (`version`, `title`,
    /// `status = "draft"`, `published` = the update date (else the drafting
    /// date), `effective`, `material = false`) followed by the Markdown.
    /// `version` must be a valid version name for the file to parse.
    pub fn to_policy_file(&self, version: &str) -> String {
        let mut out = String::with_capacity(self.markdown.len() + 200);
        out.push_str("+++\n");
        out.push_str(&format!("version = {}\n", toml_string(version)));
        out.push_str(&format!("title = {}\n", toml_string(&self.title)));
        out.push_str("status = \"draft\"\n");
        if let Some(d) = self.updated.or(self.drafted) {
            out.push_str(&format!("published = {d}\n"));
        }
        if let Some(d) = self.effective {
            out.push_str(&format!("effective = {d}\n"));
        }
        out.push_str("material = false\n+++\n");
        out.push_str(&self.markdown);
        out
    }
}

/// Imports raw policy text (UTF-8, BOM allowed) into policy Markdown.
///
/// Errors: [`Error::TooLarge`] above [`MAX_POLICY_BYTES`] (input, or the
/// Markdown it would become), [`Error::NotText`] for binary data,
/// [`Error::NotUtf8`] with the offset of the first bad byte, [`Error::Empty`]
/// when there is nothing but whitespace.
pub fn import(raw: &[u8], opts: &ImportOptions) -> Result<Imported, Error> {
    let text = normalise_spaces(decode(raw)?);
    let web = is_web_copy(&text);
    let mut segs = segment(&text, web);
    let front = take_front(&mut segs);
    let lines = classify(segs);
    let markdown = emit(&build_blocks(&lines));
    if markdown.len() > MAX_POLICY_BYTES {
        return Err(Error::TooLarge {
            size: markdown.len(),
            limit: MAX_POLICY_BYTES,
        });
    }
    Ok(Imported {
        title: full_title(front.title, opts.app_name.as_deref()),
        updated: front.updated.or(front.published),
        effective: front.effective,
        drafted: front.drafted,
        published: front.published,
        markdown,
    })
}

// ---------------------------------------------------------------------------
// Decoding

fn decode(raw: &[u8]) -> Result<&str, Error> {
    if raw.len() > MAX_POLICY_BYTES {
        return Err(Error::TooLarge {
            size: raw.len(),
            limit: MAX_POLICY_BYTES,
        });
    }
    if raw.contains(&0) {
        return Err(Error::NotText);
    }
    let text = std::str::from_utf8(raw).map_err(|e| Error::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (mut total, mut control) = (0usize, 0usize);
    for c in text.chars() {
        total += 1;
        if c.is_control() && !c.is_whitespace() {
            control += 1;
        }
    }
    if control * 10 > total {
        return Err(Error::NotText);
    }
    if text.trim().is_empty() {
        return Err(Error::Empty);
    }
    Ok(text)
}

/// `\n` line ends; every other whitespace character (NBSP, U+3000, tabs…) becomes a space.
fn normalise_spaces(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    text.chars()
        .map(|c| match c {
            '\n' | '\r' => '\n',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect()
}

/// Average characters per line above which line breaks are taken as lost.
const WEB_COPY_LINE_CHARS: usize = 200;

/// Text copied from a web page may have lost its line breaks.
fn is_web_copy(text: &str) -> bool {
    let lines = text.lines().filter(|l| !l.trim().is_empty()).count().max(1);
    let chars = text.chars().filter(|c| !c.is_whitespace()).count();
    chars >= 400 && chars / lines > WEB_COPY_LINE_CHARS
}

fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(text: &str) -> String {
        import(text.as_bytes(), &ImportOptions::default())
            .unwrap()
            .markdown
    }

    #[test]
    fn han_numbers_are_sections() {
        assert_eq!(
            md("一、我们收集的信息\n我们收集您的信息。\n十三、变更\n正文。"),
            "## 一、我们收集的信息\n\n我们收集您的信息。\n\n## 十三、变更\n\n正文。\n"
        );
    }

    #[test]
    fn parenthesised_han_numbers_are_subsections_in_either_width() {
        assert_eq!(
            md("一、信息\n（一）账号信息\n正文。\n(二)设备信息\n正文。"),
            "## 一、信息\n\n### （一）账号信息\n\n正文。\n\n### (二)设备信息\n\n正文。\n"
        );
    }

    #[test]
    fn parts_and_chapters_are_top_level() {
        assert_eq!(
            md("第一部分 定义\n术语。\n第二部分 隐私政策\n一、我们收集的信息\n正文。"),
            "## 第一部分 定义\n\n术语。\n\n## 第二部分 隐私政策\n\n### 一、我们收集的信息\n\n正文。\n"
        );
        assert_eq!(
            md("第一章 总则\n（一）适用范围\n正文。"),
            "## 第一章 总则\n\n### （一）适用范围\n\n正文。\n"
        );
    }

    #[test]
    fn arabic_numbers_are_titles_when_short_and_paragraphs_otherwise() {
        assert_eq!(
            md("一、信息\n1.账号信息\n正文。\n2、设备信息\n正文。\n3．日志信息\n正文。\n4.我们会收集您的手机号码，用于登录。"),
            "## 一、信息\n\n### 1.账号信息\n\n正文。\n\n### 2、设备信息\n\n正文。\n\n### 3．日志信息\n\n正文。\n\n4.我们会收集您的手机号码，用于登录。\n"
        );
        // Among sentence siblings, a short line without text of its own is an entry, not a title.
        assert_eq!(
            md("四、变更\n1、我们的服务模式发生重大变化;\n2、所有权结构发生变化;\n3、您参与个人信息处理的权利"),
            "## 四、变更\n\n1、我们的服务模式发生重大变化;\n\n2、所有权结构发生变化;\n\n3、您参与个人信息处理的权利\n"
        );
    }

    #[test]
    fn dotted_numbers_go_one_level_deeper_per_dot() {
        assert_eq!(
            md("1.收集信息\n1.1 注册\n1.1.1注册、登录\n正文。\n1.2 这是一个很长的句子，不是标题。"),
            "## 1.收集信息\n\n### 1.1 注册\n\n#### 1.1.1注册、登录\n\n正文。\n\n1.2 这是一个很长的句子，不是标题。\n"
        );
    }

    #[test]
    fn headings_stop_at_level_six() {
        let out = md("一、甲\n（一）乙\n1.丙\n1.1 丁\n1.1.1 戊\n1.1.1.1 己\n正文。");
        let levels: Vec<usize> = out
            .lines()
            .filter(|l| l.starts_with('#'))
            .map(|l| l.chars().take_while(|&c| c == '#').count())
            .collect();
        assert_eq!(levels, [2, 3, 4, 5, 6, 6]);
    }

    #[test]
    fn parenthesised_and_circled_numbers_are_list_items() {
        assert_eq!(
            md("(1)第一项；\n（2）第二项；\n3)第三项；\n①第四项；\n⑴第五项"),
            "- (1)第一项；\n- （2）第二项；\n- 3)第三项；\n- ①第四项；\n- ⑴第五项\n"
        );
    }

    #[test]
    fn letters_and_roman_numbers_are_list_items() {
        assert_eq!(
            md("a.第一项\nb、第二项\nii.第三项\ni.第四项\ne.g.不是编号"),
            "- a.第一项\n- b、第二项\n- ii.第三项\n- i.第四项\n\ne.g.不是编号\n"
        );
    }

    #[test]
    fn g_sections_are_top_level() {
        assert_eq!(
            md("G1. 个人信息的梯度授权\na.我们会遵循隐私政策。\nG2. 适用范围\n本隐私政策适用于闪聊。\n1.我们如何收集信息\n1.1 注册\n正文。"),
            "## G1. 个人信息的梯度授权\n\n- a.我们会遵循隐私政策。\n\n## G2. 适用范围\n\n本隐私政策适用于闪聊。\n\n## 1.我们如何收集信息\n\n### 1.1 注册\n\n正文。\n"
        );
    }

    #[test]
    fn principle_labels_lead_their_paragraph_in_bold() {
        assert_eq!(
            md("【安全可靠】\n我们竭尽全力保护您的信息。\n【自主选择】我们提供选项。\n在【我的】-【设置】中关闭。\n【我的】-【设置】"),
            "**【安全可靠】**\n我们竭尽全力保护您的信息。\n\n**【自主选择】**\n我们提供选项。\n\n在【我的】-【设置】中关闭。\n\n【我的】-【设置】\n"
        );
    }

    #[test]
    fn a_numbered_table_of_contents_stays_a_list() {
        assert_eq!(
            md("本政策主要向您说明：\n一、我们收集的信息\n二、我们如何使用信息\n三、联系我们\n一、我们收集的信息\n正文。\n二、我们如何使用信息\n正文。\n三、联系我们\n正文。"),
            "本政策主要向您说明：\n\n- 一、我们收集的信息\n- 二、我们如何使用信息\n- 三、联系我们\n\n## 一、我们收集的信息\n\n正文。\n\n## 二、我们如何使用信息\n\n正文。\n\n## 三、联系我们\n\n正文。\n"
        );
    }

    #[test]
    fn title_and_preamble_dates_go_to_the_front_matter() {
        let text = "闪聊隐私政策\n更新日期：2020年1月16日\n生效日期2021-11-30\n制定日期: 2018年06月20号\n概述";
        let imported = import(text.as_bytes(), &ImportOptions::default()).unwrap();
        assert_eq!(imported.title, "闪聊隐私政策");
        assert_eq!(imported.updated, Date::new(2020, 1, 16).ok());
        assert_eq!(imported.effective, Date::new(2021, 11, 30).ok());
        assert_eq!(imported.drafted, Date::new(2018, 6, 20).ok());
        assert_eq!(imported.markdown, "概述\n");

        let opts = ImportOptions {
            app_name: Some("V聊".into()),
        };
        let text = "隐私政策\n\n隐私政策\n公司名称：某公司\n最近更新日期：2022年04月24号\n版本生效日期：2021-10-30\n正文提到更新日期：2019年1月1日。";
        let imported = import(text.as_bytes(), &opts).unwrap();
        assert_eq!(imported.title, "V聊隐私政策");
        assert_eq!(imported.updated, Date::new(2022, 4, 24).ok());
        assert_eq!(imported.effective, Date::new(2021, 10, 30).ok());
        assert_eq!(
            imported.markdown,
            "公司名称：某公司\n\n正文提到更新日期：2019年1月1日。\n"
        );
        // No title in the text: the app's name makes one.
        let imported = import("正文。".as_bytes(), &opts).unwrap();
        assert_eq!(imported.title, "V聊隐私政策");
        // A title that names something else is the text's, not prefixed.
        let imported = import(
            "微梦隐私政策\n更新日期：2026年3月1日\n一、信息\n正文。".as_bytes(),
            &opts,
        )
        .unwrap();
        assert_eq!(imported.title, "微梦隐私政策");
        // An impossible date is not a date.
        assert_eq!(
            md("更新日期：2021年02月30日\n正文。"),
            "更新日期：2021年02月30日\n\n正文。\n"
        );
    }

    #[test]
    fn dates_in_the_last_lines_go_to_the_front_matter() {
        let text = "一、信息\n正文。\n二、联系我们\n邮箱a@b.cn。\n\n发布日期：2026-03-01\n生效日期：2026-03-08";
        let imported = import(text.as_bytes(), &ImportOptions::default()).unwrap();
        // 发布日期 stands in for the missing update date.
        assert_eq!(imported.updated, Date::new(2026, 3, 1).ok());
        assert_eq!(imported.published, Date::new(2026, 3, 1).ok());
        assert_eq!(imported.effective, Date::new(2026, 3, 8).ok());
        assert_eq!(
            imported.markdown,
            "## 一、信息\n\n正文。\n\n## 二、联系我们\n\n邮箱<a@b.cn>。\n"
        );
        // Run into the last sentence, with punctuation between: the update date wins.
        let text = "一、信息\n正文。联系我们。发布日期：2025年1月1日；更新日期：2026年3月1日。";
        let imported = import(text.as_bytes(), &ImportOptions::default()).unwrap();
        assert_eq!(imported.updated, Date::new(2026, 3, 1).ok());
        assert_eq!(imported.published, Date::new(2025, 1, 1).ok());
        assert_eq!(imported.markdown, "## 一、信息\n\n正文。联系我们。\n");
        // A date inside a sentence stays text; so does one contradicting the preamble.
        assert_eq!(
            md("一、信息\n本政策于2026年3月1日更新。"),
            "## 一、信息\n\n本政策于2026年3月1日更新。\n"
        );
        let text = "更新日期：2026年1月1日\n正文。\n更新日期：2026年2月1日";
        let imported = import(text.as_bytes(), &ImportOptions::default()).unwrap();
        assert_eq!(imported.updated, Date::new(2026, 1, 1).ok());
        assert_eq!(imported.markdown, "正文。\n\n更新日期：2026年2月1日\n");
    }

    #[test]
    fn a_bare_title_gives_way_to_the_name_the_text_gives_itself() {
        let title = |text: &str| {
            import(text.as_bytes(), &ImportOptions::default())
                .unwrap()
                .title
        };
        let text = "隐私政策\n欢迎使用！本《星河直播个人信息保护政策》说明我们如何处理信息。\n一、信息\n正文。";
        assert_eq!(title(text), "星河直播个人信息保护政策");
        assert!(md(text).starts_with("欢迎使用！本《星河直播个人信息保护政策》说明"));
        assert_eq!(
            title("本《萤火隐私政策》适用于萤火。\n一、信息"),
            "萤火隐私政策"
        );
        // A particular title line stays; a name given after the first section is no title.
        assert_eq!(title("闪聊隐私政策\n见《V聊隐私政策》。"), "闪聊隐私政策");
        assert_eq!(
            title("隐私政策\n一、信息\n见《V聊儿童隐私政策》。"),
            "隐私政策"
        );
        assert_eq!(title("隐私政策\n本《隐私政策》适用于V聊。"), "隐私政策");
        // A title line in brackets, on its own or run into the text of a web copy.
        assert_eq!(title("《花间隐私政策》\n正文。"), "花间隐私政策");
        assert_eq!(md("《花间隐私政策》\n正文。"), "正文。\n");
        let web = format!("《花间隐私政策》{}", "我们收集您的信息。".repeat(60));
        assert_eq!(title(&web), "花间隐私政策");
        assert!(md(&web).starts_with("我们收集"));
    }

    #[test]
    fn entries_after_a_contents_label_are_a_list() {
        // Entries worded unlike the headings: the numbering starting over ends them.
        assert_eq!(
            md("目录\n一、收集信息\n二、使用信息\n一、我们如何收集您的信息\n正文。\n二、我们如何使用您的信息\n正文。"),
            "目录\n\n- 一、收集信息\n- 二、使用信息\n\n## 一、我们如何收集您的信息\n\n正文。\n\n## 二、我们如何使用您的信息\n\n正文。\n"
        );
        assert_eq!(
            md("目录：\n第一章 总则 3\n第二章 附则 9\n第一章 总则\n正文。\n第二章 附则\n正文。"),
            "目录：\n\n- 第一章 总则 3\n- 第二章 附则 9\n\n## 第一章 总则\n\n正文。\n\n## 第二章 附则\n\n正文。\n"
        );
        // A single entry is no contents.
        assert_eq!(
            md("目录\n一、信息\n正文。"),
            "目录\n\n## 一、信息\n\n正文。\n"
        );
    }

    #[test]
    fn a_short_item_leading_sentence_siblings_is_no_heading() {
        assert_eq!(
            md("一、安全\n1.安全措施\n我们加密。\n2.我们会定期审计。\n3.我们会培训员工。"),
            "## 一、安全\n\n1.安全措施\n\n我们加密。\n\n2.我们会定期审计。\n\n3.我们会培训员工。\n"
        );
        // One sentence sibling after it is not enough.
        assert_eq!(
            md("一、安全\n1.我们会定期审计。\n2.安全措施\n我们加密。\n3.我们会培训员工。"),
            "## 一、安全\n\n1.我们会定期审计。\n\n### 2.安全措施\n\n我们加密。\n\n3.我们会培训员工。\n"
        );
    }

    #[test]
    fn repeated_sdk_fields_make_a_table() {
        let text = "SDK名称：极光推送\n第三方公司名称：极光公司\n收集个人信息类型：设备信息\n使用目的：推送消息\n隐私政策链接：https://www.jiguang.cn/license/privacy\nSDK名称：友盟\n第三方公司名称：友盟同欣（北京）科技有限公司\n收集个人信息类型：设备信息|IMEI\n使用目的：统计\n隐私政策链接：https://www.umeng.com/page/policy";
        assert_eq!(
            md(text),
            "| SDK名称 | 第三方公司名称 | 收集个人信息类型 | 使用目的 | 隐私政策链接 |\n\
             | --- | --- | --- | --- | --- |\n\
             | 极光推送 | 极光公司 | 设备信息 | 推送消息 | <https://www.jiguang.cn/license/privacy> |\n\
             | 友盟 | 友盟同欣（北京）科技有限公司 | 设备信息\\|IMEI | 统计 | <https://www.umeng.com/page/policy> |\n"
        );
        // A field missing from one record of three leaves its cell empty.
        let named = "1、极光推送\n使用目的：推送\n隐私政策链接：https://a.cn/p\n2、友盟\n使用目的：统计\n3、Bugly\n使用目的：崩溃\n隐私政策链接：https://b.cn/p";
        assert_eq!(
            md(named),
            "|  | 使用目的 | 隐私政策链接 |\n| --- | --- | --- |\n| 1、极光推送 | 推送 | <https://a.cn/p> |\n| 2、友盟 | 统计 |  |\n| 3、Bugly | 崩溃 | <https://b.cn/p> |\n"
        );
        // After a line that names no record, with `:` and a label in brackets.
        let text = "第三方SDK列表\nSDK名称: 个推\n开发者（公司）: 每日互动\n隐私政策链接: https://a.cn/p\nSDK名称: Bugly\n开发者（公司）: 腾讯\n隐私政策链接: https://b.cn/p";
        assert_eq!(
            md(text),
            "第三方SDK列表\n\n| SDK名称 | 开发者（公司） | 隐私政策链接 |\n| --- | --- | --- |\n| 个推 | 每日互动 | <https://a.cn/p> |\n| Bugly | 腾讯 | <https://b.cn/p> |\n"
        );
        // Labels that differ from record to record: no clear structure, paragraphs.
        let loose = "1、极光推送\n使用目的：推送\n极光协议链接：https://a.cn/p\n2、友盟\n使用目的：统计\n友盟协议链接：https://b.cn/p";
        assert_eq!(
            md(loose),
            "1、极光推送\n\n使用目的：推送\n\n极光协议链接：<https://a.cn/p>\n\n2、友盟\n\n使用目的：统计\n\n友盟协议链接：<https://b.cn/p>\n"
        );
    }

    #[test]
    fn urls_and_email_addresses_become_links() {
        assert_eq!(
            md("详见https://example.com/a_b?x=1&y=(2)。邮箱：privacy@example.com，网址www.example.com.cn。"),
            "详见<https://example.com/a_b?x=1&y=(2)>。邮箱：<privacy@example.com>，网址[www.example.com.cn](<https://www.example.com.cn>)。\n"
        );
        assert_eq!(md("（见http://a.cn/x)。"), "（见<http://a.cn/x>)。\n");
    }

    #[test]
    fn markdown_characters_render_literally() {
        assert_eq!(
            md("使用*星号*和_下划线_、[链接](x)、<b>、`代码`、a|b、\\、#号、~~删除~~、&amp;"),
            "使用\\*星号\\*和\\_下划线\\_、\\[链接\\](x)、\\<b\\>、\\`代码\\`、a\\|b、\\\\、\\#号、\\~\\~删除\\~\\~、\\&amp;\n"
        );
        assert_eq!(
            md("- 不是列表\n+ 也不是\n===\n1. 这是一句话。\n# 不是标题"),
            "\\- 不是列表\n\n\\+ 也不是\n\n\\===\n\n1\\. 这是一句话。\n\n\\# 不是标题\n"
        );
        let text = "使用*星号*和_下划线_、[链接](x)、<b>、`代码`、a|b、#号、~~删除~~、&amp;\n- 列\n+ 加\n===\n1. 句。\n# 题\n---\n> 引";
        let html = crate::render::render(&md(text)).unwrap().html;
        for tag in [
            "<em",
            "<code",
            "<a ",
            "<h",
            "<ul",
            "<ol",
            "<del",
            "<hr",
            "<blockquote",
            "<b>",
        ] {
            assert!(!html.contains(tag), "{tag} in {html}");
        }
        assert!(html.contains("&amp;amp;"), "{html}");
    }

    #[test]
    fn a_title_ended_by_a_full_stop_is_split_from_its_text_among_title_siblings() {
        assert_eq!(
            md("一、我们如何收集您的信息。我们会收集以下信息：\n二、联系我们\n正文。"),
            "## 一、我们如何收集您的信息。\n\n我们会收集以下信息：\n\n## 二、联系我们\n\n正文。\n"
        );
        assert_eq!(
            md("一、信息安全\n（一）我们严格遵守法律法规。此外我们加密。\n（二）我们建立了管理制度，确保安全。"),
            "## 一、信息安全\n\n（一）我们严格遵守法律法规。此外我们加密。\n\n（二）我们建立了管理制度，确保安全。\n"
        );
    }

    #[test]
    fn lost_line_breaks_are_recovered_at_numbering() {
        let body = "我们根据合法、正当、必要的原则收集信息，包括1.5倍速播放记录和2020.10.01以后的日志。我们提供一、二、三级会员。";
        let text = format!(
            "隐私政策更新日期：2020年10月01日本政策主要向您说明：一、我们收集的信息二、联系我们一、我们收集的信息{body}（一）账号信息1.注册信息(1)手机号码；(2)密码。二、联系我们\u{a0}\u{a0}邮箱a@b.cn。{}",
            body.repeat(4)
        );
        let imported = import(text.as_bytes(), &ImportOptions::default()).unwrap();
        assert_eq!(imported.updated, Date::new(2020, 10, 1).ok());
        assert_eq!(imported.title, "隐私政策");
        let out = imported.markdown;
        assert!(out.starts_with("本政策主要向您说明：\n\n- 一、我们收集的信息\n- 二、联系我们\n\n## 一、我们收集的信息\n\n我们根据"), "{out}");
        assert!(
            out.contains("1.5倍速播放记录和2020.10.01以后的日志。我们提供一、二、三级会员。"),
            "{out}"
        );
        assert!(out.contains("### （一）账号信息\n\n#### 1.注册信息\n\n- (1)手机号码；\n- (2)密码。\n\n## 二、联系我们\n\n邮箱<a@b.cn>。"), "{out}");
    }

    #[test]
    fn the_policy_file_parses() {
        let text = "隐私政策\n更新日期：2020年10月01日\n生效日期：2020年10月02日\n一、我们收集的信息\n正文 \"引号\"。";
        let opts = ImportOptions {
            app_name: Some("V\"聊".into()),
        };
        let imported = import(text.as_bytes(), &opts).unwrap();
        let file = imported.to_policy_file("2020-10-01");
        assert!(file.starts_with("+++\nversion = \"2020-10-01\"\ntitle = \"V\\\"聊隐私政策\"\nstatus = \"draft\"\npublished = 2020-10-01\neffective = 2020-10-02\nmaterial = false\n+++\n## 一、我们收集的信息\n"), "{file}");
        let parsed = crate::policy::PolicyFile::parse(&file).unwrap();
        assert_eq!(parsed.meta.title, "V\"聊隐私政策");
        assert_eq!(parsed.markdown, imported.markdown);
    }

    #[test]
    fn errors_name_the_problem() {
        let none = ImportOptions::default();
        assert_eq!(import(b"  \n", &none), Err(Error::Empty));
        assert_eq!(import(b"a\0b", &none), Err(Error::NotText));
        assert_eq!(import(b"ok \xff", &none), Err(Error::NotUtf8 { offset: 3 }));
        assert_eq!(
            Error::NotUtf8 { offset: 3 }.to_string(),
            "input is not valid UTF-8: invalid byte sequence at byte offset 3"
        );
    }
}
