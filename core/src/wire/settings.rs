//! User controls (issue #14): push settings, privacy switches, profile
//! reset, permission choices, the settings history, and what host apps ask
//! about them (push-check, the change feed).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::{Channel, ConsentAction};

/// `GET|PUT /api/me/push`: the user's push settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushSettings {
    /// Master switch: `false` silences every category users may turn off.
    pub enabled: bool,
    /// Every category of the app, in `app.toml` order.
    pub categories: Vec<PushCategory>,
    /// When pushes are held back, if the user set quiet hours.
    pub quiet_hours: Option<QuietHours>,
}

/// One push category as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushCategory {
    /// Stable id from `app.toml`.
    pub id: String,
    /// Label shown to users.
    pub label: String,
    /// Whether this category reaches the user (always `true` when not `switchable`).
    pub on: bool,
    /// Whether the user may turn it off.
    pub switchable: bool,
    /// Why it cannot be turned off, from the policy (for non-switchable ones).
    pub note: Option<String>,
}

/// Quiet hours: pushes of categories users may turn off are held back
/// from `start` to `end` (wrapping past midnight when `end` ≤ `start`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QuietHours {
    /// Start, `HH:MM` (24-hour).
    pub start: String,
    /// End, `HH:MM` (24-hour), exclusive.
    pub end: String,
    /// IANA time zone the times are in, e.g. `Asia/Shanghai`.
    pub time_zone: String,
}

/// `PUT /api/me/push`: the new master switch and quiet hours, and the
/// categories to change (categories not named keep their value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PushUpdate {
    /// Master switch.
    pub enabled: bool,
    /// Category id → on.
    #[serde(default)]
    pub categories: BTreeMap<String, bool>,
    /// Quiet hours; `null` (or leaving it out) removes them. Start and end
    /// must differ.
    #[serde(default)]
    pub quiet_hours: Option<QuietHours>,
}

/// `GET|PUT /api/me/switches`: every privacy switch of the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Switches {
    /// In `app.toml` order.
    pub switches: Vec<SwitchState>,
}

/// One privacy switch and where the policy promises it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SwitchState {
    /// Stable id (`personalised_recommendations` is the algorithmic-recommendation switch).
    pub id: String,
    /// Label shown to users.
    pub label: String,
    /// What it controls.
    pub description: String,
    /// The user's value, or the app's default when they never set it.
    pub on: bool,
    /// Heading text of the policy section that promises it.
    pub section: Option<String>,
    /// That heading's anchor id in the current policy's `toc`, for a deep link.
    pub section_id: Option<String>,
    /// Whether `POST /api/me/profile-reset` accepts this switch.
    pub clears_profile: bool,
}

/// `PUT /api/me/switches`: switch id → on; switches not named keep their value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SwitchesUpdate {
    /// Switch id → on.
    pub switches: BTreeMap<String, bool>,
}

/// `POST /api/me/profile-reset`: ask the host app to clear the profile
/// behind a recommendation switch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProfileReset {
    /// The switch, e.g. `personalised_recommendations`.
    pub switch: String,
}

/// 202 answer to [`ProfileReset`]: recorded; the host app clears the
/// profile when it reads the change feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileResetAccepted {
    /// When it was recorded, RFC 3339 UTC.
    pub at: String,
}

/// A device or browser permission's state, as the platform reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum PermissionState {
    /// Allowed.
    Granted,
    /// Refused.
    Denied,
    /// Not decided: the platform will ask.
    Prompt,
    /// Blocked by policy (parental controls, MDM).
    Restricted,
}

impl PermissionState {
    /// The lowercase name stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            PermissionState::Granted => "granted",
            PermissionState::Denied => "denied",
            PermissionState::Prompt => "prompt",
            PermissionState::Restricted => "restricted",
        }
    }
}

/// Who reported a permission state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum PermissionSource {
    /// The browser's Permissions API.
    Browser,
    /// The host app, from the OS.
    Native,
}

impl PermissionSource {
    /// The lowercase name stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            PermissionSource::Browser => "browser",
            PermissionSource::Native => "native",
        }
    }
}

/// `POST /api/me/permission-choices`: a permission state the user chose or saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PermissionChoice {
    /// A permission id from `app.toml`.
    pub permission: String,
    /// Its state.
    pub state: PermissionState,
    /// Who reported it.
    pub source: PermissionSource,
}

/// One row of the user's settings history (`GET /api/me/history`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SettingChange {
    /// `push`, `switch`, `profile_reset` or `permission`.
    pub kind: String,
    /// What changed: `enabled`, `quiet_hours`, a category, switch or permission id.
    pub item: String,
    /// The item's name in `app.toml` (a category's, switch's or permission's
    /// label); `None` for `enabled` and `quiet_hours`, which UIs name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The value before, in short words (`on`, `off`, `22:00-07:00 Asia/Shanghai`); `None` if unset.
    pub old: Option<String>,
    /// The value after.
    pub new: String,
    /// Where the user made the change.
    pub channel: Channel,
    /// When, RFC 3339 UTC.
    pub at: String,
}

/// The settings part of `GET /api/me/export`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportSettings {
    /// Push settings.
    pub push: PushSettings,
    /// Privacy switches.
    pub switches: Vec<SwitchState>,
}

/// A host app's view of a user's push settings (in the internal status).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushStatus {
    /// Master switch.
    pub enabled: bool,
    /// Category id → whether it may be sent (ignoring quiet hours).
    pub categories: BTreeMap<String, bool>,
    /// Whether the user's quiet hours hold right now (server clock, user's time zone).
    pub quiet_now: bool,
}

/// `POST /api/internal/apps/{app}/push-check`: may `category` be pushed to these users now?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PushCheck {
    /// Push category id.
    pub category: String,
    /// User ids, 1 to 10,000.
    pub users: Vec<String>,
}

/// Answer to [`PushCheck`]: every user is either allowed or refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushCheckAnswer {
    /// The category asked about.
    pub category: String,
    /// Users who may receive it now, in the order asked.
    pub allowed: Vec<String>,
    /// Users who may not, with the reason, in the order asked.
    pub refused: Vec<PushRefusal>,
}

/// A user who may not receive a push now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushRefusal {
    /// User id.
    pub user: String,
    /// Why.
    pub reason: PushRefusalReason,
}

/// Why a push is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PushRefusalReason {
    /// The user turned all pushes off.
    PushOff,
    /// The user turned this category off.
    OptedOut,
    /// The user's quiet hours hold now.
    QuietHours,
}

/// `GET /api/internal/apps/{app}/changes`: a page of the app's change feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeFeed {
    /// Changes after the cursor asked for, oldest first.
    pub changes: Vec<Change>,
    /// Pass as `after` for the next page (the last cursor here, or `after` when empty).
    pub next: i64,
}

/// One change of a user's consent or settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    /// Position in the feed; increases with every change.
    pub cursor: i64,
    /// User id.
    pub user: String,
    /// When, RFC 3339 UTC.
    pub at: String,
    /// `kind` and `data`.
    #[serde(flatten)]
    pub change: ChangeData,
}

/// What changed: serialised as `"kind": "<kind>", "data": {...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum ChangeData {
    /// A consent decision was recorded (`accept`, `withdraw` or `defer`).
    Consent(ConsentChange),
    /// A push setting changed.
    Push(ItemChange),
    /// A privacy switch changed.
    Switch(ItemChange),
    /// The user asked for their profile to be cleared (`item` is the switch).
    ProfileReset(ItemChange),
    /// A permission state was reported (`item` is the permission id).
    Permission(ItemChange),
    /// Teen mode changed: `enabled` (`on`/`off`), `age_band`, `daily_minutes`,
    /// `pin` (`changed`, never the code) or `appeal` (`filed`/`resolved`).
    TeenMode(ItemChange),
    /// A step of an account cancellation.
    Account(super::AccountChange),
}

impl ChangeData {
    /// The `kind` as stored and sent.
    pub fn kind(&self) -> &'static str {
        match self {
            ChangeData::Consent(_) => "consent",
            ChangeData::Push(_) => "push",
            ChangeData::Switch(_) => "switch",
            ChangeData::ProfileReset(_) => "profile_reset",
            ChangeData::Permission(_) => "permission",
            ChangeData::TeenMode(_) => "teen_mode",
            ChangeData::Account(_) => "account",
        }
    }
}

/// A consent record in the change feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentChange {
    /// The event.
    pub action: ConsentAction,
    /// Policy version.
    pub version: String,
    /// Policy content hash.
    pub sha256: String,
    /// Where the user answered.
    pub channel: Channel,
}

/// A setting change in the change feed (the same words as the history).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemChange {
    /// What changed.
    pub item: String,
    /// Before (`None` if unset).
    pub old: Option<String>,
    /// After.
    pub new: String,
    /// Where the user made the change.
    pub channel: Channel,
    /// For permissions: who reported the state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<PermissionSource>,
}
