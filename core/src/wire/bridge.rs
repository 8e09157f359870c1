//! The webview bridge's messages, protocol version 1 (`docs/webview-bridge.md`):
//! what the page asks the host app and what it accepts back. Every reply is
//! checked here, natively testable; the browser side (`src/bridge.rs`) only
//! moves strings.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::permissions::Platform;
use super::settings::PermissionState;

/// The protocol version this build speaks.
pub const BRIDGE_VERSION: u32 = 1;

/// What the page asks the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BridgeRequestType {
    /// Which platform and protocol versions the host speaks.
    Hello,
    /// Every permission's native state.
    GetPermissions,
    /// Open the system settings page of one permission.
    OpenSettings,
    /// Whether the device's minor mode (未成年人模式) is on.
    GetMinorMode,
}

/// One request, sent as a JSON string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BridgeRequest {
    /// Protocol version, [`BRIDGE_VERSION`].
    pub v: u32,
    /// Chosen by the page; the reply carries it back.
    pub id: String,
    /// What is asked.
    #[serde(rename = "type")]
    pub kind: BridgeRequestType,
    /// The `app.toml` permission id, for `openSettings` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
}

/// A permission's state as the OS reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NativeState {
    /// Allowed.
    Granted,
    /// Refused.
    Denied,
    /// Never asked: the app will ask when a feature needs it.
    NotAsked,
    /// Blocked by the device's owner (parental controls, MDM).
    Restricted,
}

impl From<NativeState> for PermissionState {
    fn from(s: NativeState) -> Self {
        match s {
            NativeState::Granted => PermissionState::Granted,
            NativeState::Denied => PermissionState::Denied,
            NativeState::NotAsked => PermissionState::Prompt,
            NativeState::Restricted => PermissionState::Restricted,
        }
    }
}

/// The device's minor mode (未成年人模式), as the host knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MinorMode {
    /// On.
    On,
    /// Off.
    Off,
    /// The host cannot tell.
    Unknown,
}

/// The fields a successful reply's `result` may carry; which ones a reply
/// must carry depends on what was asked ([`BridgeReply::answer`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BridgeResult {
    /// `hello`: the host's platform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// `hello`: protocol versions the host speaks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<Vec<u32>>,
    /// `getPermissions`: permission id → state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<BTreeMap<String, NativeState>>,
    /// `getMinorMode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minor_mode: Option<MinorMode>,
}

/// Why the host could not answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BridgeError {
    /// `unsupported_version`, `unknown_type`, `unknown_permission`,
    /// `bad_request` or `unavailable`.
    pub code: String,
    /// For developers; never shown to users.
    #[serde(default)]
    pub message: String,
}

/// One reply, received as a JSON string (or an object) from the host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BridgeReply {
    /// Protocol version.
    pub v: u32,
    /// The request's id.
    pub id: String,
    /// Whether the host did what was asked.
    pub ok: bool,
    /// With `ok: true`.
    #[serde(default)]
    pub result: Option<BridgeResult>,
    /// With `ok: false`.
    #[serde(default)]
    pub error: Option<BridgeError>,
}

/// A checked answer to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BridgeAnswer {
    /// To `hello`: the host speaks version 1 on this platform.
    Hello(Platform),
    /// To `getPermissions`.
    Permissions(BTreeMap<String, NativeState>),
    /// To `openSettings`: the settings page is open.
    Opened,
    /// To `getMinorMode`.
    MinorMode(MinorMode),
}

/// Why a reply is not an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BridgeFailure {
    /// The reply does not follow the protocol; it is dropped.
    Malformed,
    /// The host refused, with its error.
    Refused(BridgeError),
}

impl BridgeReply {
    /// The answer this reply gives to a request of `kind`: a reply of
    /// another version, or missing what `kind` needs, is malformed.
    pub fn answer(self, kind: BridgeRequestType) -> Result<BridgeAnswer, BridgeFailure> {
        if self.v != BRIDGE_VERSION {
            return Err(BridgeFailure::Malformed);
        }
        if !self.ok {
            return Err(self
                .error
                .map_or(BridgeFailure::Malformed, BridgeFailure::Refused));
        }
        let r = self.result.unwrap_or_default();
        match kind {
            BridgeRequestType::Hello => match (r.platform, r.versions) {
                (Some(p @ (Platform::Android | Platform::Ios)), Some(v))
                    if v.contains(&BRIDGE_VERSION) =>
                {
                    Ok(BridgeAnswer::Hello(p))
                }
                _ => Err(BridgeFailure::Malformed),
            },
            BridgeRequestType::GetPermissions => r
                .permissions
                .map(BridgeAnswer::Permissions)
                .ok_or(BridgeFailure::Malformed),
            BridgeRequestType::OpenSettings => Ok(BridgeAnswer::Opened),
            BridgeRequestType::GetMinorMode => r
                .minor_mode
                .map(BridgeAnswer::MinorMode)
                .ok_or(BridgeFailure::Malformed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(json: &str) -> Result<BridgeReply, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn requests_are_the_documented_json() {
        let r = BridgeRequest {
            v: 1,
            id: "pc-3".into(),
            kind: BridgeRequestType::OpenSettings,
            permission: Some("camera".into()),
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"v":1,"id":"pc-3","type":"openSettings","permission":"camera"}"#
        );
    }

    #[test]
    fn good_replies_answer_what_was_asked() {
        let hello =
            reply(r#"{"v":1,"id":"a","ok":true,"result":{"platform":"ios","versions":[1,2]}}"#)
                .unwrap();
        assert_eq!(
            hello.answer(BridgeRequestType::Hello),
            Ok(BridgeAnswer::Hello(Platform::Ios))
        );
        let perms = reply(r#"{"v":1,"id":"b","ok":true,"result":{"permissions":{"camera":"not_asked","photos":"restricted"}}}"#).unwrap();
        let Ok(BridgeAnswer::Permissions(map)) = perms.answer(BridgeRequestType::GetPermissions)
        else {
            panic!("permissions expected")
        };
        assert_eq!(map["camera"], NativeState::NotAsked);
        assert_eq!(
            PermissionState::from(map["photos"]),
            PermissionState::Restricted
        );
        let minor = reply(r#"{"v":1,"id":"c","ok":true,"result":{"minor_mode":"on"}}"#).unwrap();
        assert_eq!(
            minor.answer(BridgeRequestType::GetMinorMode),
            Ok(BridgeAnswer::MinorMode(MinorMode::On))
        );
        let refused = reply(r#"{"v":1,"id":"d","ok":false,"error":{"code":"unknown_permission","message":"no such permission"}}"#).unwrap();
        assert!(matches!(
            refused.answer(BridgeRequestType::OpenSettings),
            Err(BridgeFailure::Refused(e)) if e.code == "unknown_permission"
        ));
    }

    #[test]
    fn malformed_replies_are_no_answer() {
        // Not the protocol's shape at all.
        for bad in [
            r#"{"v":1,"id":"a"}"#,
            r#"{"v":"1","id":"a","ok":true}"#,
            r#"{"v":1,"id":"a","ok":true,"extra":1}"#,
            r#"{"v":1,"id":"a","ok":true,"result":{"permissions":{"camera":"maybe"}}}"#,
            r#"[1,2]"#,
        ] {
            assert!(reply(bad).is_err(), "{bad}");
        }
        // The shape, but not an answer to what was asked.
        for (bad, kind) in [
            (
                r#"{"v":2,"id":"a","ok":true,"result":{"minor_mode":"on"}}"#,
                BridgeRequestType::GetMinorMode,
            ),
            (
                r#"{"v":1,"id":"a","ok":true,"result":{}}"#,
                BridgeRequestType::GetPermissions,
            ),
            (
                r#"{"v":1,"id":"a","ok":true,"result":{"platform":"web","versions":[1]}}"#,
                BridgeRequestType::Hello,
            ),
            (
                r#"{"v":1,"id":"a","ok":true,"result":{"platform":"android","versions":[2]}}"#,
                BridgeRequestType::Hello,
            ),
            (
                r#"{"v":1,"id":"a","ok":false}"#,
                BridgeRequestType::OpenSettings,
            ),
        ] {
            assert_eq!(
                reply(bad).unwrap().answer(kind),
                Err(BridgeFailure::Malformed),
                "{bad}"
            );
        }
    }
}
