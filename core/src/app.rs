//! `policies/<app>/app.toml`: an app's identity, controls and rules.

use serde::{Deserialize, Serialize};

use crate::error::{line_at, Line};
use crate::policy::{check_id, MAX_ID_LEN};
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

/// Platform a permission belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// Android manifest permission.
    Android,
    /// iOS Info.plist usage key.
    Ios,
    /// Browser permission.
    Web,
}

/// The Web API a device permission corresponds to in a browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WebApi {
    /// `getUserMedia({video})`.
    Camera,
    /// `getUserMedia({audio})`.
    Microphone,
    /// `navigator.geolocation`.
    Geolocation,
    /// `Notification.requestPermission()`.
    Notifications,
    /// No browser equivalent.
    None,
}

impl WebApi {
    /// The name used in `app.toml`.
    pub fn name(self) -> &'static str {
        match self {
            WebApi::Camera => "camera",
            WebApi::Microphone => "microphone",
            WebApi::Geolocation => "geolocation",
            WebApi::Notifications => "notifications",
            WebApi::None => "none",
        }
    }
}

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

/// Teen-mode rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeenMode {
    /// Daily usage limit in minutes.
    pub daily_minutes: u16,
    /// Start of the curfew, `HH:MM`.
    pub curfew_start: String,
    /// End of the curfew, `HH:MM`.
    pub curfew_end: String,
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
        for t in [&cfg.teen_mode.curfew_start, &cfg.teen_mode.curfew_end] {
            if !is_hh_mm(t) {
                return Err(fail(t, format!("{t:?} is not a time of day HH:MM")));
            }
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
daily_minutes = 40
curfew_start = "22:00"
curfew_end = "06:00"
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
    fn rejects_bad_times_and_duplicate_ids() {
        assert!(AppConfig::parse(&SAMPLE.replace("22:00", "25:00")).is_err());
        let dup = format!(
            "{SAMPLE}\n[[push_categories]]\nid = \"service\"\nlabel = \"x\"\nopt_out = true\n"
        );
        // A table after [teen_mode] is a new array element; duplicates are refused.
        let err = AppConfig::parse(&dup).unwrap_err();
        assert!(err.to_string().contains("twice"), "{err}");
    }
}
