//! Teen mode (issue #15): the age bands, what the signed-in user sees and
//! sends on `/api/me/teen-mode`, and what a host app reads of it. The rules
//! (weak codes, the guideline's defaults, the throttle) are in `core::teen`.

use serde::{Deserialize, Serialize};

/// The guideline's five age bands (移动互联网未成年人模式建设指南): each
/// boundary reads "not yet N" (不满N周岁).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AgeBand {
    /// Under 3.
    #[serde(rename = "under_3")]
    Under3,
    /// 3 to under 8.
    #[serde(rename = "3_8")]
    From3To8,
    /// 8 to under 12.
    #[serde(rename = "8_12")]
    From8To12,
    /// 12 to under 16.
    #[serde(rename = "12_16")]
    From12To16,
    /// 16 to under 18.
    #[serde(rename = "16_18")]
    From16To18,
}

impl AgeBand {
    /// Every band, youngest first.
    pub const ALL: [AgeBand; 5] = [
        AgeBand::Under3,
        AgeBand::From3To8,
        AgeBand::From8To12,
        AgeBand::From12To16,
        AgeBand::From16To18,
    ];

    /// The name stored and sent (`under_3`, `3_8`, `8_12`, `12_16`, `16_18`).
    pub fn as_str(self) -> &'static str {
        match self {
            AgeBand::Under3 => "under_3",
            AgeBand::From3To8 => "3_8",
            AgeBand::From8To12 => "8_12",
            AgeBand::From12To16 => "12_16",
            AgeBand::From16To18 => "16_18",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<AgeBand> {
        AgeBand::ALL.into_iter().find(|b| b.as_str() == s)
    }
}

/// A feature the app withholds in teen mode (`app.toml`
/// `[[teen_mode.restrictions]]`), e.g. tipping on a live-streaming app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TeenRestriction {
    /// Stable id host apps match on (`tipping`, `top_up`, `withdrawal`, `go_live`, …).
    pub id: String,
    /// What users read, in the policy's language.
    pub label: String,
}

/// One band's daily time budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BandBudget {
    /// The band.
    pub band: AgeBand,
    /// Minutes a day.
    pub daily_minutes: u16,
}

/// What teen mode changes in this app, from its `app.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeenRules {
    /// Each band's daily budget, youngest first.
    pub budgets: Vec<BandBudget>,
    /// A rest reminder after this many minutes of continuous use.
    pub rest_reminder_minutes: u16,
    /// No use from this time of day (`HH:MM`, the user's time zone)…
    pub curfew_start: String,
    /// …until this one (exclusive; wraps past midnight).
    pub curfew_end: String,
    /// Features withheld.
    pub restrictions: Vec<TeenRestriction>,
}

/// The PIN throttle as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PinLock {
    /// Wrong codes that may still be tried before a lock.
    pub attempts_left: u32,
    /// While locked: when the next code may be tried, RFC 3339 UTC.
    pub locked_until: Option<String>,
}

/// Where a forgotten-password appeal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AppealStatus {
    /// Filed; support will check the user's identity outside the app.
    Open,
    /// Support reset the password (teen mode was turned off).
    Resolved,
}

/// A forgotten-password appeal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeenAppeal {
    /// Open or resolved.
    pub status: AppealStatus,
    /// When it was filed, RFC 3339 UTC.
    pub filed_at: String,
    /// When support resolved it.
    pub resolved_at: Option<String>,
}

/// `GET /api/me/teen-mode` (and the answer of every teen-mode write).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeenModeState {
    /// Whether teen mode is on.
    pub on: bool,
    /// The band chosen when it was turned on.
    pub age_band: Option<AgeBand>,
    /// Whether it follows the device's own minor mode (reported by the host app's bridge).
    pub follow_device: bool,
    /// The user's IANA time zone, in which the curfew is read.
    pub time_zone: Option<String>,
    /// When it was turned on, RFC 3339 UTC.
    pub since: Option<String>,
    /// Today's limit in minutes (the band's budget unless changed).
    pub daily_minutes: Option<u16>,
    /// Whether the curfew holds now.
    pub curfew_now: bool,
    /// What teen mode changes in this app.
    pub rules: TeenRules,
    /// The PIN throttle (only meaningful while on).
    pub lock: PinLock,
    /// The latest forgotten-password appeal, if any.
    pub appeal: Option<TeenAppeal>,
}

/// `POST /api/me/teen-mode/on`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TeenModeOn {
    /// The new 4-digit password (the page asks for it twice).
    pub pin: String,
    /// The age band.
    pub age_band: AgeBand,
    /// The browser's IANA time zone; `Asia/Shanghai` when left out.
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Follow the device's own minor mode (the host app's bridge reported one).
    #[serde(default)]
    pub follow_device: bool,
}

/// `POST /api/me/teen-mode/off`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TeenModeOff {
    /// The password.
    pub pin: String,
}

/// `PUT /api/me/teen-mode`: change the band or the daily limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TeenModeChange {
    /// The password.
    pub pin: String,
    /// The new band.
    pub age_band: AgeBand,
    /// A daily limit below the band's budget; `None` = the band's budget.
    #[serde(default)]
    pub daily_minutes: Option<u16>,
}

/// `POST /api/me/teen-mode/pin`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TeenPinChange {
    /// The current password.
    pub pin: String,
    /// The new one.
    pub new_pin: String,
}

/// `POST /api/me/teen-mode/appeal`: "I forgot the password".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TeenAppealRequest {
    /// Anything support should know (at most 500 characters).
    #[serde(default)]
    pub note: Option<String>,
}

/// A host app's view of teen mode (in the internal status), so it enforces it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeenStatus {
    /// Whether teen mode is on.
    pub on: bool,
    /// The band.
    pub age_band: Option<AgeBand>,
    /// Today's limit in minutes.
    pub daily_minutes: Option<u16>,
    /// A rest reminder after this many minutes of continuous use.
    pub rest_reminder_minutes: Option<u16>,
    /// Whether the curfew holds now (server clock, the user's time zone).
    pub curfew_now: bool,
    /// Ids of the features to withhold.
    pub restrictions: Vec<String>,
    /// Whether it follows the device's own minor mode.
    pub follow_device: bool,
}

/// Teen mode in `GET /api/me/export` (never the password or its hash).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportTeenMode {
    /// Whether it is on.
    pub on: bool,
    /// The band.
    pub age_band: Option<AgeBand>,
    /// Today's limit in minutes.
    pub daily_minutes: Option<u16>,
    /// The time zone the curfew is read in.
    pub time_zone: Option<String>,
    /// Whether it follows the device.
    pub follow_device: bool,
    /// When it was turned on.
    pub since: Option<String>,
    /// Every forgotten-password appeal, oldest first.
    pub appeals: Vec<TeenAppeal>,
}
