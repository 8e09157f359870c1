//! The app's published permission list (`GET /api/apps/{app}/permissions`)
//! and the plain data it is made of: platforms, Web APIs, kinds.

use serde::{Deserialize, Serialize};

/// Platform a permission belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// The name used in `app.toml`, and the Permissions API's name for it.
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

/// What a permission gives access to, the way a user thinks of it; the
/// permissions page groups by it, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PermissionKind {
    /// Precise or approximate location.
    Location,
    /// Camera.
    Camera,
    /// Microphone.
    Microphone,
    /// Photos, media and shared storage.
    Photos,
    /// Contacts.
    Contacts,
    /// Notifications.
    Notifications,
    /// Phone state and device identifiers (IMEI, …).
    PhoneState,
    /// Text messages.
    Sms,
    /// Wi-Fi and network details (MAC address, access points).
    Network,
    /// The list of installed apps.
    InstalledApps,
    /// Cross-app tracking identifiers (IDFA).
    Tracking,
    /// The clipboard.
    Clipboard,
    /// Anything else.
    Other,
}

/// `GET /api/apps/{app}/permissions`: every permission the app declares,
/// grouped by kind (in [`PermissionKind`] order), each group's
/// permissions by platform, then in `app.toml` order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppPermissions {
    /// App id.
    pub app: String,
    /// The app's display name.
    pub name: String,
    /// The current published version the section links point into.
    pub version: String,
    /// One group per kind the app declares.
    pub groups: Vec<PermissionGroup>,
}

/// The permissions of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PermissionGroup {
    /// The kind.
    pub kind: PermissionKind,
    /// The Web API a browser asks for this kind with (`none` when none).
    pub web_api: WebApi,
    /// The `app.toml` id a browser decision about this kind is recorded
    /// under (`POST /api/me/permission-choices`): the first permission of
    /// the group with this Web API; `None` when there is no Web API.
    pub browser_id: Option<String>,
    /// The permissions, Android first, then iOS, then the web.
    pub permissions: Vec<PermissionEntry>,
}

/// One declared permission as the public sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PermissionEntry {
    /// Stable id from `app.toml` (unique per platform).
    pub id: String,
    /// Platform.
    pub platform: Platform,
    /// OS name, e.g. `android.permission.CAMERA`.
    pub os_name: String,
    /// Label shown to users.
    pub label: String,
    /// Why the app asks, in the policy's words.
    pub purpose: String,
    /// The heading of the current policy that explains it, as written in `app.toml`.
    pub section: Option<String>,
    /// That heading's link, `/{app}#{anchor}`; `None` when the heading is
    /// not in the current version (`policy check` warns about it).
    pub section_href: Option<String>,
}
