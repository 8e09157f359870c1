//! Device permissions: what kind each OS permission is (the one table the
//! checker's Web API rule and the permissions page's grouping both read),
//! the public list built from `app.toml` and the current policy's headings,
//! and when a page may ask a user who refused again.

use crate::app::{AppConfig, Permission};
use crate::routes::Route;
use crate::wire::{PermissionEntry, PermissionGroup, PermissionKind, Platform, TocEntry, WebApi};

/// How long a page waits before asking again for a permission the user
/// refused: 48 hours, the rule Chinese app stores apply (MIIT forbids
/// asking again and again after a refusal).
pub const REASK_AFTER_MS: f64 = 48.0 * 3600.0 * 1000.0;

/// Whether a page may ask for a permission now, given when (Unix ms) this
/// device last saw the user refuse it, if ever. A refusal stamped in the
/// future (the clock was set back) blocks until 48 hours after that stamp:
/// waiting too long beats asking too often.
pub fn may_ask(refused_at_ms: Option<f64>, now_ms: f64) -> bool {
    match refused_at_ms {
        Some(at) if at.is_finite() => now_ms - at >= REASK_AFTER_MS,
        _ => true,
    }
}

/// When a refusal stamped `refused_at_ms` stops blocking a new request.
pub fn may_ask_from(refused_at_ms: f64) -> f64 {
    refused_at_ms + REASK_AFTER_MS
}

/// The kind of an OS permission, from its platform and name. Unknown names
/// are [`PermissionKind::Other`].
pub fn kind(platform: Platform, os_name: &str) -> PermissionKind {
    use PermissionKind as K;
    match platform {
        Platform::Android => match os_name.rsplit('.').next().unwrap_or(os_name) {
            "ACCESS_FINE_LOCATION" | "ACCESS_COARSE_LOCATION" | "ACCESS_BACKGROUND_LOCATION" => {
                K::Location
            }
            "CAMERA" => K::Camera,
            "RECORD_AUDIO" => K::Microphone,
            "READ_EXTERNAL_STORAGE"
            | "WRITE_EXTERNAL_STORAGE"
            | "MANAGE_EXTERNAL_STORAGE"
            | "READ_MEDIA_IMAGES"
            | "READ_MEDIA_VIDEO"
            | "READ_MEDIA_AUDIO" => K::Photos,
            "READ_CONTACTS" | "WRITE_CONTACTS" | "GET_ACCOUNTS" => K::Contacts,
            "POST_NOTIFICATIONS" => K::Notifications,
            "READ_PHONE_STATE" | "READ_PHONE_NUMBERS" | "CALL_PHONE" | "READ_CALL_LOG" => {
                K::PhoneState
            }
            "READ_SMS" | "RECEIVE_SMS" | "SEND_SMS" => K::Sms,
            "ACCESS_WIFI_STATE" | "ACCESS_NETWORK_STATE" | "CHANGE_WIFI_STATE" => K::Network,
            "QUERY_ALL_PACKAGES" => K::InstalledApps,
            _ => K::Other,
        },
        Platform::Ios => match os_name {
            n if n.starts_with("NSLocation") && n.ends_with("UsageDescription") => K::Location,
            "NSCameraUsageDescription" => K::Camera,
            "NSMicrophoneUsageDescription" => K::Microphone,
            "NSPhotoLibraryUsageDescription" | "NSPhotoLibraryAddUsageDescription" => K::Photos,
            "NSContactsUsageDescription" => K::Contacts,
            "UNUserNotificationCenter" => K::Notifications,
            "NSUserTrackingUsageDescription" => K::Tracking,
            "UIPasteboard" => K::Clipboard,
            _ => K::Other,
        },
        Platform::Web => match os_name {
            "geolocation" => K::Location,
            "camera" => K::Camera,
            "microphone" => K::Microphone,
            "notifications" => K::Notifications,
            "clipboard-read" | "clipboard-write" => K::Clipboard,
            _ => K::Other,
        },
    }
}

/// The Web API a browser asks for a permission of this kind with.
pub fn web_api(kind: PermissionKind) -> WebApi {
    match kind {
        PermissionKind::Location => WebApi::Geolocation,
        PermissionKind::Camera => WebApi::Camera,
        PermissionKind::Microphone => WebApi::Microphone,
        PermissionKind::Notifications => WebApi::Notifications,
        _ => WebApi::None,
    }
}

/// The app's permissions as the public list shows them: grouped by kind
/// (in [`PermissionKind`] order), by platform inside a group, each with
/// its link into the current policy (`toc`: its headings).
pub fn groups(config: &AppConfig, toc: &[TocEntry]) -> Vec<PermissionGroup> {
    let policy = Route::Policy {
        app: config.id.clone(),
    }
    .href();
    let mut sorted: Vec<(PermissionKind, &Permission)> = config
        .permissions
        .iter()
        .map(|p| (kind(p.platform, &p.os_name), p))
        .collect();
    // Stable: `app.toml` order within a kind and platform.
    sorted.sort_by_key(|(k, p)| (*k, p.platform));
    let mut out: Vec<PermissionGroup> = Vec::new();
    for (k, p) in sorted {
        if out.last().is_none_or(|g| g.kind != k) {
            let api = web_api(k);
            out.push(PermissionGroup {
                kind: k,
                web_api: api,
                browser_id: None,
                permissions: Vec::new(),
            });
        }
        let group = out.last_mut().expect("pushed above");
        if group.web_api != WebApi::None && group.browser_id.is_none() && p.web_api == group.web_api
        {
            group.browser_id = Some(p.id.clone());
        }
        group.permissions.push(PermissionEntry {
            id: p.id.clone(),
            platform: p.platform,
            os_name: p.os_name.clone(),
            label: p.label.clone(),
            purpose: p.purpose.clone(),
            section: p.section.clone(),
            section_href: p
                .section
                .as_deref()
                .and_then(|s| crate::render::section_anchor(toc, s))
                .map(|a| format!("{policy}#{a}")),
        });
    }
    // A kind with a Web API that no permission of it declares is not
    // offered in the browser.
    for g in &mut out {
        if g.browser_id.is_none() {
            g.web_api = WebApi::None;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_blocks_asking_for_48_hours() {
        let hour = 3600.0 * 1000.0;
        let refused = 1_000_000_000_000.0;
        assert!(may_ask(None, refused));
        assert!(!may_ask(Some(refused), refused));
        assert!(!may_ask(Some(refused), refused + 47.9 * hour));
        assert!(may_ask(Some(refused), refused + 48.0 * hour));
        assert_eq!(may_ask_from(refused), refused + 48.0 * hour);
        // A refusal stamped in the future (the clock went back) still blocks.
        assert!(!may_ask(Some(refused + hour), refused));
        // A stored value that is not a time does not block forever.
        assert!(may_ask(Some(f64::NAN), refused));
    }

    #[test]
    fn os_names_have_a_kind_and_kinds_a_web_api() {
        assert_eq!(
            kind(
                Platform::Android,
                "android.permission.ACCESS_COARSE_LOCATION"
            ),
            PermissionKind::Location
        );
        assert_eq!(
            kind(
                Platform::Ios,
                "NSLocationAlwaysAndWhenInUseUsageDescription"
            ),
            PermissionKind::Location
        );
        assert_eq!(
            kind(
                Platform::Android,
                "android.permission.WRITE_EXTERNAL_STORAGE"
            ),
            PermissionKind::Photos
        );
        assert_eq!(
            kind(Platform::Ios, "NSUserTrackingUsageDescription"),
            PermissionKind::Tracking
        );
        assert_eq!(
            kind(Platform::Android, "com.example.CUSTOM"),
            PermissionKind::Other
        );
        assert_eq!(web_api(PermissionKind::Location), WebApi::Geolocation);
        assert_eq!(web_api(PermissionKind::Photos), WebApi::None);
    }

    #[test]
    fn the_list_is_grouped_by_kind_then_platform_with_section_links() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../policies/vchat/app.toml"
        ))
        .unwrap();
        let mut config = AppConfig::parse(&text).unwrap();
        config.permissions[0].section = Some("3、V聊App所调用的系统权限".into());
        let toc = [TocEntry {
            level: 4,
            id: "3-v聊app所调用的系统权限".into(),
            text: "3、V聊App所调用的系统权限".into(),
        }];
        let g = groups(&config, &toc);
        let kinds: Vec<_> = g.iter().map(|g| g.kind).collect();
        let mut sorted = kinds.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(kinds, sorted, "one group per kind, in kind order");
        let location = &g[0];
        assert_eq!(location.kind, PermissionKind::Location);
        assert_eq!(location.web_api, WebApi::Geolocation);
        assert_eq!(location.browser_id.as_deref(), Some("location_coarse"));
        let platforms: Vec<_> = location.permissions.iter().map(|p| p.platform).collect();
        assert_eq!(
            platforms,
            [Platform::Android, Platform::Android, Platform::Ios]
        );
        let photos = g.iter().find(|g| g.kind == PermissionKind::Photos).unwrap();
        assert_eq!(photos.web_api, WebApi::None);
        assert_eq!(photos.browser_id, None);
        let storage = &photos.permissions[0];
        assert_eq!(
            storage.section_href.as_deref(),
            Some("/vchat#3-v聊app所调用的系统权限")
        );
    }
}
