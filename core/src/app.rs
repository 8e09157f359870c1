//! `policies/<app>/app.toml`: an app's identity, controls and rules.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::error::{line_at, Line};
use crate::policy::{check_id, MAX_ID_LEN};
use crate::teen;
use crate::wire::{AgeBand, BandBudget, TeenRestriction, TeenRules, ThirdPartyKind};
use crate::Error;

/// Largest `app.toml` accepted.
pub const MAX_APP_TOML_BYTES: usize = 256 << 10;

/// An app's configuration, as written in `app.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppConfig {
    /// Stable id used in URLs; must equal the directory name.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Operating company.
    pub company: String,
    /// BCP 47 language of the policies, e.g. `zh-CN`.
    pub locale: String,
    /// One sentence about the app.
    #[serde(default)]
    pub description: String,
    /// The IANA time zone whose calendar days the policy's dates are: a
    /// version takes effect at the start of its `effective` day there
    /// (`core::schedule`). Default [`DEFAULT_TIME_ZONE`].
    #[serde(default = "default_time_zone")]
    pub time_zone: String,
    /// How users reach the company about privacy.
    #[serde(default)]
    pub contact: Contact,
    /// Account cancellation rules.
    pub cancellation: Cancellation,
    /// Push notification categories.
    #[serde(default)]
    pub push_categories: Vec<PushCategory>,
    /// Device permissions the app may request.
    #[serde(default)]
    pub permissions: Vec<Permission>,
    /// Privacy switches the policy promises.
    #[serde(default)]
    pub switches: Vec<Switch>,
    /// Teen-mode rules.
    pub teen_mode: TeenMode,
    /// The list of personal information collected (双清单, first list).
    #[serde(default)]
    pub collected: Vec<Collected>,
    /// The list of third parties personal information is shared with,
    /// SDKs included (双清单, second list).
    #[serde(default)]
    pub third_parties: Vec<ThirdParty>,
}

/// Contact channels; every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// E-mail address.
    pub email: Option<String>,
    /// Telephone number.
    pub phone: Option<String>,
    /// Postal address.
    pub address: Option<String>,
    /// Web page.
    pub url: Option<String>,
    /// WeChat account, as Chinese policies often give.
    pub wechat: Option<String>,
}

/// Account cancellation rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cancellation {
    /// Days between the request and the deletion, during which the user may withdraw.
    pub cooling_off_days: u16,
    /// What the policy asks of an account before cancelling it (settle the
    /// balance, …), shown as a checklist the user reads. They inform and
    /// never block: a request is accepted whatever they say.
    #[serde(default)]
    pub conditions: Vec<String>,
}

/// A push notification category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushCategory {
    /// Stable id.
    pub id: String,
    /// Label shown to users.
    pub label: String,
    /// Whether users may turn it off (service notices may not).
    pub opt_out: bool,
    /// Why users cannot turn it off, from the policy text; the checker
    /// requires it when `opt_out = false`, and the settings page shows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

pub use crate::wire::{PermissionKind, Platform, WebApi};

/// A device permission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Permission {
    /// Stable id, unique per platform.
    pub id: String,
    /// Platform.
    pub platform: Platform,
    /// OS name, e.g. `android.permission.CAMERA` or `NSCameraUsageDescription`.
    pub os_name: String,
    /// Label shown to users.
    pub label: String,
    /// Why the app asks, from the policy.
    pub purpose: String,
    /// Corresponding Web API.
    pub web_api: WebApi,
    /// The heading text of the current policy's section that explains it
    /// (resolved to the heading's anchor when served; `policy check` warns
    /// when it names no heading of that version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
}

/// A privacy switch the policy promises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Switch {
    /// Stable id.
    pub id: String,
    /// Label shown to users.
    pub label: String,
    /// What it controls.
    pub description: String,
    /// State for a user who never touched it.
    pub default_on: bool,
    /// The heading text of the current policy's section that promises it
    /// (the checker requires it to name a heading of that version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// Whether turning it off lets the user ask for their profile to be
    /// cleared (`POST /api/me/profile-reset`); always true for
    /// [`PERSONALISED_RECOMMENDATIONS`].
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub clears_profile: bool,
}

/// The well-known id of the algorithmic-recommendation switch (PIPL art. 24,
/// 算法推荐管理规定 art. 17): a user may turn personalised recommendations off.
pub const PERSONALISED_RECOMMENDATIONS: &str = "personalised_recommendations";

impl Switch {
    /// Whether a profile reset may be asked for through this switch.
    pub fn resets_profile(&self) -> bool {
        self.clears_profile || self.id == PERSONALISED_RECOMMENDATIONS
    }
}

/// One item of the list of personal information collected, as the
/// current policy states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Collected {
    /// Stable id, unique among the collected items.
    pub id: String,
    /// The information, in the policy's words.
    pub info: String,
    /// Why it is collected; absent when the policy does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// When it is collected (feature or moment); absent when the policy does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// Whether the policy calls it sensitive personal information.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
    /// Ids of the `[[permissions]]` it is collected through (any platform).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<String>,
    /// The heading text of the current policy's section that says it.
    pub section: String,
}

/// One third party the app shares personal information with, or an SDK
/// that collects it, as the current policy states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThirdParty {
    /// Stable id, unique among the third parties.
    pub id: String,
    /// Name as the policy gives it.
    pub name: String,
    /// The company behind it; absent when the policy does not name it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// SDK or partner.
    pub kind: ThirdPartyKind,
    /// The personal information it receives or collects: absent when the
    /// policy does not say, `[]` when it says none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Vec<String>>,
    /// Why; absent when the policy does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// Its privacy policy, an http(s) URL, when the policy gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// The heading text of the current policy's section that says it.
    pub section: String,
}

/// Teen-mode rules.
/// Teen-mode rules (`core::teen` holds the guideline's defaults and caps).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeenMode {
    /// Daily budget in minutes per age band (`under_3 = 40` …); a band left
    /// out gets the guideline's default, and none may exceed its cap.
    #[serde(default)]
    pub daily_minutes: BTreeMap<AgeBand, u16>,
    /// A rest reminder after this many minutes of continuous use (at most 30).
    #[serde(default = "rest_reminder_default")]
    pub rest_reminder_minutes: u16,
    /// Start of the curfew, `HH:MM`.
    pub curfew_start: String,
    /// End of the curfew, `HH:MM`.
    pub curfew_end: String,
    /// Features withheld in teen mode (live-streaming apps: tipping,
    /// top-ups, withdrawals, going live).
    #[serde(default)]
    pub restrictions: Vec<TeenRestriction>,
}

fn rest_reminder_default() -> u16 {
    teen::REST_REMINDER_MINUTES
}

impl TeenMode {
    /// A band's daily budget: the app's, else the guideline's default.
    pub fn budget(&self, band: AgeBand) -> u16 {
        self.daily_minutes
            .get(&band)
            .copied()
            .unwrap_or_else(|| teen::default_daily_minutes(band))
    }

    /// What teen mode changes, as the page and the API show it.
    pub fn rules(&self) -> TeenRules {
        TeenRules {
            budgets: AgeBand::ALL
                .into_iter()
                .map(|band| BandBudget {
                    band,
                    daily_minutes: self.budget(band),
                })
                .collect(),
            rest_reminder_minutes: self.rest_reminder_minutes,
            curfew_start: self.curfew_start.clone(),
            curfew_end: self.curfew_end.clone(),
            restrictions: self.restrictions.clone(),
        }
    }

    /// Whether the curfew holds at minute `m` of the user's local day.
    pub fn curfew_at(&self, m: u16) -> bool {
        match (
            minutes_of_day(&self.curfew_start),
            minutes_of_day(&self.curfew_end),
        ) {
            (Some(start), Some(end)) => in_daily_window(start, end, m),
            _ => false,
        }
    }

    /// Problems with these rules, as (text to find the line by, message).
    fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for t in [&self.curfew_start, &self.curfew_end] {
            if !is_hh_mm(t) {
                out.push((t.clone(), format!("{t:?} is not a time of day HH:MM")));
            }
        }
        if self.curfew_start == self.curfew_end {
            out.push((
                "curfew_end".into(),
                "the curfew must end at another time than it starts".into(),
            ));
        }
        for (band, &minutes) in &self.daily_minutes {
            let cap = teen::max_daily_minutes(*band);
            if minutes == 0 || minutes > cap {
                out.push((
                    format!("{} =", band.as_str()),
                    format!(
                        "teen mode's daily budget for {} must be 1 to {cap} minutes (the guideline's cap), not {minutes}",
                        band.as_str()
                    ),
                ));
            }
        }
        if !(1..=teen::REST_REMINDER_MINUTES).contains(&self.rest_reminder_minutes) {
            out.push((
                "rest_reminder_minutes".into(),
                format!(
                    "rest_reminder_minutes must be 1 to {} (the guideline's reminder)",
                    teen::REST_REMINDER_MINUTES
                ),
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for r in &self.restrictions {
            if let Err(e) = check_id("teen-mode restriction id", &r.id, MAX_ID_LEN) {
                out.push((r.id.clone(), e.to_string()));
            } else if !seen.insert(r.id.as_str()) {
                out.push((
                    r.id.clone(),
                    format!("restriction {:?} is listed twice", r.id),
                ));
            }
        }
        out
    }
}

/// The time zone of an `app.toml` that names none: the apps' users are in
/// mainland China.
pub const DEFAULT_TIME_ZONE: &str = "Asia/Shanghai";

fn default_time_zone() -> String {
    DEFAULT_TIME_ZONE.to_owned()
}

/// Whether `name` is written as an IANA time zone name (`Area/City`,
/// `UTC`); whether the zone exists is for the server's time-zone database
/// to say (the catalog checks it at load).
pub fn is_time_zone_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'+'))
        && !name.starts_with('/')
        && !name.contains("//")
}

impl AppConfig {
    /// Parses and validates `app.toml`. Errors name the line.
    pub fn parse(text: &str) -> Result<Self, Error> {
        if text.len() > MAX_APP_TOML_BYTES {
            return Err(Error::TooLarge {
                size: text.len(),
                limit: MAX_APP_TOML_BYTES,
            });
        }
        let cfg: AppConfig = toml::from_str(text).map_err(|e| Error::AppConfig {
            line: Line(e.span().map(|s| line_at(text, s.start)).unwrap_or(0)),
            message: e.message().to_owned(),
        })?;
        let line_of = |needle: &str| {
            text.lines()
                .position(|l| l.contains(needle))
                .map(|i| i + 1)
                .unwrap_or(0)
        };
        let fail = |needle: &str, message: String| Error::AppConfig {
            line: Line(line_of(needle)),
            message,
        };
        check_id("app id", &cfg.id, MAX_ID_LEN).map_err(|e| fail("id", e.to_string()))?;
        if !is_time_zone_name(&cfg.time_zone) {
            return Err(fail(
                "time_zone",
                format!(
                    "time_zone {:?} is not an IANA time zone name such as \"Asia/Shanghai\"",
                    cfg.time_zone
                ),
            ));
        }
        if let Some((needle, message)) = cfg.teen_mode.problems().into_iter().next() {
            return Err(fail(&needle, message));
        }
        let mut seen = std::collections::BTreeSet::new();
        for c in &cfg.push_categories {
            check_id("push category id", &c.id, MAX_ID_LEN)
                .map_err(|e| fail(&c.id, e.to_string()))?;
            if !seen.insert(c.id.as_str()) {
                return Err(fail(
                    &c.id,
                    format!("push category {:?} is listed twice", c.id),
                ));
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for s in &cfg.switches {
            check_id("switch id", &s.id, MAX_ID_LEN).map_err(|e| fail(&s.id, e.to_string()))?;
            if !seen.insert(s.id.as_str()) {
                return Err(fail(&s.id, format!("switch {:?} is listed twice", s.id)));
            }
        }
        for (what, id_what, ids) in [
            (
                "collected item",
                "collected item id",
                cfg.collected.iter().map(|c| &c.id).collect::<Vec<_>>(),
            ),
            (
                "third party",
                "third party id",
                cfg.third_parties.iter().map(|t| &t.id).collect(),
            ),
        ] {
            let mut seen = std::collections::BTreeSet::new();
            for id in ids {
                check_id(id_what, id, MAX_ID_LEN).map_err(|e| fail(id, e.to_string()))?;
                if !seen.insert(id.as_str()) {
                    return Err(fail(id, format!("{what} {id:?} is listed twice")));
                }
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for p in &cfg.permissions {
            check_id("permission id", &p.id, MAX_ID_LEN).map_err(|e| fail(&p.id, e.to_string()))?;
            if !seen.insert((p.platform as u8, p.id.as_str())) {
                return Err(fail(
                    &p.id,
                    format!("permission {:?} is listed twice for one platform", p.id),
                ));
            }
        }
        Ok(cfg)
    }

    /// What `app.toml` calls the item a history row names: a push
    /// category's, switch's or permission's label (`kind` as the history
    /// stores it: `push`, `switch`, `profile_reset`, `permission`). `None`
    /// for items that have no label here (the master switch, quiet hours),
    /// which the reader's words name instead.
    pub fn item_label(&self, kind: &str, item: &str) -> Option<&str> {
        match kind {
            "push" => self
                .push_categories
                .iter()
                .find(|c| c.id == item)
                .map(|c| c.label.as_str()),
            "switch" | "profile_reset" => self
                .switches
                .iter()
                .find(|s| s.id == item)
                .map(|s| s.label.as_str()),
            "permission" => self
                .permissions
                .iter()
                .find(|p| p.id == item)
                .map(|p| p.label.as_str()),
            _ => None,
        }
    }
}

/// Whether minute of the day `m` falls from `start` to `end` (exclusive),
/// wrapping past midnight when `end` < `start` (`22:00`–`06:00`): quiet
/// hours and the teen-mode curfew.
pub fn in_daily_window(start: u16, end: u16, m: u16) -> bool {
    if start <= end {
        start <= m && m < end
    } else {
        m >= start || m < end
    }
}

/// Minutes since midnight of a time of day written `HH:MM` (24-hour), or
/// `None` when it is not one.
pub fn minutes_of_day(s: &str) -> Option<u16> {
    is_hh_mm(s).then(|| {
        let h: u16 = s[..2].parse().unwrap_or(0);
        let m: u16 = s[3..].parse().unwrap_or(0);
        h * 60 + m
    })
}

fn is_hh_mm(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5
        && b[2] == b':'
        && s[..2].parse::<u8>().is_ok_and(|h| h < 24)
        && s[3..].parse::<u8>().is_ok_and(|m| m < 60)
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 2 || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"id = "vchat"
name = "V聊"
company = "湖北微果网络科技有限公司"
locale = "zh-CN"

[cancellation]
cooling_off_days = 15

[[push_categories]]
id = "service"
label = "服务通知"
opt_out = false
note = "与服务有关的公告无法取消"

[[permissions]]
id = "camera"
platform = "android"
os_name = "android.permission.CAMERA"
label = "相机"
purpose = "拍摄照片"
web_api = "camera"

[teen_mode]
curfew_start = "22:00"
curfew_end = "06:00"

[teen_mode.daily_minutes]
under_3 = 30
"#;

    #[test]
    fn parses_a_valid_app() {
        let app = AppConfig::parse(SAMPLE).unwrap();
        assert_eq!(app.name, "V聊");
        assert_eq!(app.permissions[0].web_api, WebApi::Camera);
        assert!(!app.push_categories[0].opt_out);
    }

    #[test]
    fn rejects_unknown_web_api_with_its_line() {
        let bad = SAMPLE.replace("web_api = \"camera\"", "web_api = \"bluetooth\"");
        let err = AppConfig::parse(&bad).unwrap_err();
        assert!(err.to_string().starts_with("line 21: "), "{err}");
    }

    #[test]
    fn teen_budgets_default_to_the_guideline_and_stay_under_its_caps() {
        let app = AppConfig::parse(SAMPLE).unwrap();
        assert_eq!(app.teen_mode.budget(AgeBand::Under3), 30);
        assert_eq!(app.teen_mode.budget(AgeBand::From3To8), 40);
        assert_eq!(app.teen_mode.budget(AgeBand::From16To18), 120);
        assert_eq!(app.teen_mode.rest_reminder_minutes, 30);
        assert!(app.teen_mode.curfew_at(22 * 60));
        assert!(app.teen_mode.curfew_at(5 * 60 + 59));
        assert!(!app.teen_mode.curfew_at(6 * 60));
        assert!(!app.teen_mode.curfew_at(21 * 60 + 59));
        let err = AppConfig::parse(&SAMPLE.replace("under_3 = 30", "under_3 = 90")).unwrap_err();
        assert!(err.to_string().contains("1 to 60 minutes"), "{err}");
        assert!(err.to_string().starts_with("line 28: "), "{err}");
        let err = AppConfig::parse(&SAMPLE.replace("under_3", "under_2")).unwrap_err();
        assert!(err.to_string().contains("under_2"), "{err}");
        let same = SAMPLE.replace("curfew_end = \"06:00\"", "curfew_end = \"22:00\"");
        assert!(AppConfig::parse(&same).is_err());
        let twice = format!(
            "{SAMPLE}\n[[teen_mode.restrictions]]\nid = \"tipping\"\nlabel = \"打赏\"\n\n[[teen_mode.restrictions]]\nid = \"tipping\"\nlabel = \"礼物\"\n"
        );
        let err = AppConfig::parse(&twice).unwrap_err();
        assert!(err.to_string().contains("twice"), "{err}");
    }

    #[test]
    fn rejects_bad_times_and_duplicate_ids() {
        assert!(AppConfig::parse(&SAMPLE.replace("22:00", "25:00")).is_err());
        let dup = format!(
            "{SAMPLE}\n[[push_categories]]\nid = \"service\"\nlabel = \"x\"\nopt_out = true\n"
        );
        // A table after [teen_mode] is a new array element; duplicates are refused.
        let err = AppConfig::parse(&dup).unwrap_err();
        assert!(err.to_string().contains("twice"), "{err}");
    }

    #[test]
    fn the_lists_parse_and_refuse_unknown_keys_bad_kinds_and_duplicate_ids() {
        let lists = "\n[[collected]]\nid = \"photo\"\ninfo = \"照片\"\nsection = \"一\"\npermissions = [\"camera\"]\nsensitive = true\n\n[[third_parties]]\nid = \"push\"\nname = \"推送SDK\"\nkind = \"sdk\"\ndata = [\"设备型号\"]\nsection = \"一\"\n";
        let app = AppConfig::parse(&format!("{SAMPLE}{lists}")).unwrap();
        assert!(app.collected[0].sensitive);
        assert_eq!(app.collected[0].purpose, None);
        assert_eq!(app.third_parties[0].kind, ThirdPartyKind::Sdk);
        assert_eq!(app.third_parties[0].company, None);

        let typo = lists.replace("sensitive", "senstive");
        let err = AppConfig::parse(&format!("{SAMPLE}{typo}")).unwrap_err();
        assert!(err.to_string().contains("senstive"), "{err}");
        let kind = lists.replace("\"sdk\"", "\"vendor\"");
        assert!(AppConfig::parse(&format!("{SAMPLE}{kind}")).is_err());
        let twice = format!(
            "{SAMPLE}{lists}\n[[collected]]\nid = \"photo\"\ninfo = \"x\"\nsection = \"一\"\n"
        );
        let err = AppConfig::parse(&twice).unwrap_err();
        assert!(
            err.to_string()
                .contains("collected item \"photo\" is listed twice"),
            "{err}"
        );
    }
}
