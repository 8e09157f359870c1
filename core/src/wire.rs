//! JSON shapes exchanged between the API and its clients.
//!
//! A leaf: nothing here uses the rest of the crate, so the other modules
//! (and the SPA) build on these types, never the other way round.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

mod account;
mod bridge;
mod date;
mod lists;
mod permissions;
mod receipt;
mod reload;
mod settings;
mod teen;

pub use account::{
    AccountChange, AccountEvent, AccountState, AccountStatus, CancellationRequest,
    CancellationStatus, PendingCancellation, WithdrawnBy, WithdrawnCancellation,
};
pub use bridge::{
    BridgeAnswer, BridgeError, BridgeFailure, BridgeReply, BridgeRequest, BridgeRequestType,
    BridgeResult, MinorMode, NativeState, BRIDGE_VERSION,
};

pub use date::{BadDate, Date};
pub use lists::{AppLists, CollectedRow, ThirdPartyKind, ThirdPartyRow};
pub use permissions::{
    AppPermissions, PermissionEntry, PermissionGroup, PermissionKind, Platform, WebApi,
};
pub use receipt::{LedgerPublicKey, Receipt, ReceiptBatch, ReceiptCheck, ReceiptVerdict};
pub use reload::{PolicyTreeStatus, RefusedReload, ReloadTrigger};
pub use settings::{
    Change, ChangeData, ChangeFeed, ConsentChange, ExportSettings, ItemChange, PermissionChoice,
    PermissionSource, PermissionState, ProfileReset, ProfileResetAccepted, PushCategory, PushCheck,
    PushCheckAnswer, PushRefusal, PushRefusalReason, PushSettings, PushStatus, PushUpdate,
    QuietHours, SettingChange, SwitchState, Switches, SwitchesUpdate,
};
pub use teen::{
    AgeBand, AppealStatus, BandBudget, ExportTeenMode, PinLock, TeenAppeal, TeenAppealRequest,
    TeenModeChange, TeenModeOff, TeenModeOn, TeenModeState, TeenPinChange, TeenRestriction,
    TeenRules, TeenStatus,
};

/// Whether a policy version is visible to the public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum PolicyStatus {
    /// Work in progress; only the product team sees it.
    Draft,
    /// Visible to everyone.
    Published,
}

/// One policy version's front matter plus its content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyMeta {
    /// Version name, unique within the app (e.g. `2020-10-01`).
    pub version: String,
    /// Title shown above the text.
    pub title: String,
    /// Draft or published.
    pub status: PolicyStatus,
    /// Date the version was published.
    pub published: Option<Date>,
    /// Date the version takes effect.
    pub effective: Option<Date>,
    /// True when users must consent again to this version.
    pub material: bool,
    /// What changed, shown when users are asked to consent again.
    pub summary: Option<String>,
    /// SHA-256 (hex) of the normalised file: identifies exactly what a user agreed to.
    pub sha256: String,
}

/// An app as listed on the home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppSummary {
    /// Stable id used in URLs (e.g. `vchat`).
    pub id: String,
    /// Display name (e.g. `V聊`).
    pub name: String,
    /// Operating company.
    pub company: String,
    /// One sentence about the app.
    pub description: String,
    /// BCP 47 language the app's policies are written in.
    pub locale: String,
    /// The current published version (the one in force today in the
    /// app's time zone), if any.
    pub current: Option<PolicyMeta>,
    /// The next published version announced to take effect later, with its
    /// `effective` date; `null` when none is announced.
    #[serde(default)]
    pub upcoming: Option<PolicyMeta>,
}

/// An app's policy versions, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyList {
    /// The app.
    pub app: AppSummary,
    /// Every version visible to the caller, oldest first.
    pub versions: Vec<PolicyMeta>,
}

/// One policy version with its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyDocument {
    /// The app it belongs to.
    pub app: AppSummary,
    /// Front matter and hash.
    pub meta: PolicyMeta,
    /// The body as sanitised HTML, rendered once on the server by
    /// `core::render::render`; safe to insert as `innerHTML`.
    pub html: String,
    /// Every heading of the body in document order (flat; nest with
    /// `core::render::toc_tree`). Each `id` is an element id in `html`.
    pub toc: Vec<TocEntry>,
    /// True when this is the app's current published version.
    pub is_current: bool,
}

/// A heading, as listed in the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TocEntry {
    /// Heading level, 1-6.
    pub level: u8,
    /// The `id` attribute, usable as a URL fragment.
    pub id: String,
    /// Plain text of the heading.
    pub text: String,
}

/// `GET /api/apps/{app}/compare/{from}/{to}`: what changed between two versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyComparison {
    /// The app.
    pub app: AppSummary,
    /// The older side of the comparison.
    pub from: PolicyMeta,
    /// The newer side of the comparison.
    pub to: PolicyMeta,
    /// Counts of sections per status.
    pub summary: DiffSummary,
    /// The page's header and "what changed" summary as sanitised HTML with
    /// word slots (`core::compare::header_html`).
    pub header_html: String,
    /// Every section, matched by heading with character-level changes, as
    /// sanitised HTML with word slots (`core::compare::sections_html`);
    /// safe to insert as `innerHTML` once the slots are filled.
    pub sections_html: String,
}

/// Counts per status, for the "what changed" summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiffSummary {
    /// Sections only in the new version.
    pub added: usize,
    /// Sections only in the old version.
    pub removed: usize,
    /// Sections whose text changed in place.
    pub changed: usize,
    /// Sections that moved.
    pub moved: usize,
    /// Sections left as they were.
    pub unchanged: usize,
}

/// `GET /api/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok` when everything below is fine, otherwise `degraded`.
    pub status: String,
    /// Whether the database answered a query.
    pub database: bool,
    /// Number of apps loaded.
    pub apps: usize,
    /// Number of policy versions loaded.
    pub versions: usize,
}

/// The one error shape of the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// Machine-readable code, e.g. `not_found`.
    pub code: ErrorCode,
    /// A sentence for people.
    pub message: String,
    /// Per-field problems, keyed by field name; empty when none.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// The machine-readable `code` of an [`ErrorBody`]: clients match on it,
/// never on the message. Serialised in snake_case, exactly as
/// [`ErrorCode::as_str`] spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// `not_found` — 404: the named thing does not exist (or is not visible to the caller).
    NotFound,
    /// `method_not_allowed` — 405: the path exists but not with this method.
    MethodNotAllowed,
    /// `bad_json` — 400: the request body is not well-formed JSON.
    BadJson,
    /// `invalid` — 422: well-formed JSON that does not fit the request; `fields` names each problem.
    Invalid,
    /// `unsupported_media_type` — 415: a request body that is not `application/json`.
    UnsupportedMediaType,
    /// `too_large` — 413: the request body exceeds the limit.
    TooLarge,
    /// `unauthenticated` — 401: no valid session (or service token) came with the request.
    Unauthenticated,
    /// `token_invalid` — 401: a handoff token is malformed, its signature does not verify, or a claim is refused.
    TokenInvalid,
    /// `token_expired` — 401: a handoff token's `exp` has passed.
    TokenExpired,
    /// `token_replayed` — 401: a handoff token was already exchanged for a session.
    TokenReplayed,
    /// `token_wrong_app` — 401: a handoff token belongs to another app than the one it names, the page it was opened on, or any app served.
    TokenWrongApp,
    /// `invalid_credential` — 401: the staff credential does not match.
    InvalidCredential,
    /// `too_many_requests` — 429: too many failed sign-ins; `Retry-After` says how long to wait.
    TooManyRequests,
    /// `cross_site` — 403: a state-changing request that did not come from this origin.
    CrossSite,
    /// `stale_version` — 409: the consent names a version that is not the current one.
    StaleVersion,
    /// `nothing_to_withdraw` — 409: there is no standing acceptance (of the named version) to withdraw.
    NothingToWithdraw,
    /// `nothing_to_defer` — 409: "Not now" for a version the user need not be asked about.
    NothingToDefer,
    /// `same_version` — 422: a comparison of a version with itself (nothing to show).
    SameVersion,
    /// `reversed_versions` — 422: a comparison whose "older" side was published after the newer one (its deletions would read as additions).
    ReversedVersions,
    /// `wrong_pin` — 403: the teen-mode password is not correct (it counts towards the lock).
    WrongPin,
    /// `weak_pin` — 422: a new teen-mode password that is too easy to guess; `fields` says why.
    WeakPin,
    /// `pin_locked` — 429: too many wrong teen-mode passwords; `Retry-After` says how long to wait.
    PinLocked,
    /// `teen_mode_off` — 409: the change needs teen mode on, and it is off.
    TeenModeOff,
    /// `teen_mode_on` — 409: teen mode is already on.
    TeenModeOn,
    /// `reverify_required` — 403: cancelling an account needs a fresh sign-in from the app (a new handoff within the last few minutes).
    ReverifyRequired,
    /// `wrong_confirmation` — 422: the typed confirmation is not the phrase asked for; nothing was requested.
    WrongConfirmation,
    /// `already_requested` — 409: a cancellation request is already pending.
    AlreadyRequested,
    /// `nothing_to_cancel` — 409: there is no pending cancellation request to withdraw.
    NothingToCancel,
    /// `internal` — 500: something failed on the server; the details are logged, not sent.
    Internal,
    /// A code this build does not know (from an older or newer server).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The code as it appears on the wire (`unknown` for [`ErrorCode::Unknown`]).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::BadJson => "bad_json",
            ErrorCode::Invalid => "invalid",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::TokenInvalid => "token_invalid",
            ErrorCode::TokenExpired => "token_expired",
            ErrorCode::TokenReplayed => "token_replayed",
            ErrorCode::TokenWrongApp => "token_wrong_app",
            ErrorCode::InvalidCredential => "invalid_credential",
            ErrorCode::TooManyRequests => "too_many_requests",
            ErrorCode::CrossSite => "cross_site",
            ErrorCode::StaleVersion => "stale_version",
            ErrorCode::NothingToWithdraw => "nothing_to_withdraw",
            ErrorCode::NothingToDefer => "nothing_to_defer",
            ErrorCode::SameVersion => "same_version",
            ErrorCode::ReversedVersions => "reversed_versions",
            ErrorCode::WrongPin => "wrong_pin",
            ErrorCode::WeakPin => "weak_pin",
            ErrorCode::PinLocked => "pin_locked",
            ErrorCode::TeenModeOff => "teen_mode_off",
            ErrorCode::TeenModeOn => "teen_mode_on",
            ErrorCode::ReverifyRequired => "reverify_required",
            ErrorCode::WrongConfirmation => "wrong_confirmation",
            ErrorCode::AlreadyRequested => "already_requested",
            ErrorCode::NothingToCancel => "nothing_to_cancel",
            ErrorCode::Internal => "internal",
            ErrorCode::Unknown => "unknown",
        }
    }
}

/// How a session was started: in an ordinary browser, or inside a host app's
/// webview that handed over the user's identity. Recorded on every consent as
/// the ISO/IEC TS 27560 "method".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// A desktop or mobile browser.
    #[default]
    Browser,
    /// The host app's webview (the token arrived in the URL fragment).
    Webview,
}

impl Channel {
    /// The lowercase name stored in the database and sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Browser => "browser",
            Channel::Webview => "webview",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Channel> {
        match s {
            "browser" => Some(Channel::Browser),
            "webview" => Some(Channel::Webview),
            _ => None,
        }
    }
}

/// `POST /api/session`: exchange a host app's handoff token for a session cookie.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SessionRequest {
    /// `base64url(payload) "." base64url(HMAC-SHA256)`, minted by the host app.
    pub token: String,
    /// `webview` when the SPA took the token from its URL fragment; default `browser`.
    #[serde(default)]
    pub channel: Option<Channel>,
    /// The app whose page the token was opened on, when the SPA knows it: a
    /// token of another app is then refused (`token_wrong_app`) and not used up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
}

/// `POST /api/dev/session` (only with `serve --dev`): sign in as anyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DevSessionRequest {
    /// App id.
    pub app: String,
    /// User id within that app.
    pub user: String,
}

/// `POST /api/dev/clock` (only under `serve --dev`): moves the server's clock
/// forward, so tests can reach the end of a lock or a cooling-off period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DevClockRequest {
    /// Seconds to move forward (0 ..= 10 years).
    #[serde(default)]
    pub advance_seconds: Option<i64>,
    /// A time (RFC 3339, e.g. `2026-12-15T00:00:00+08:00`) the clock reads
    /// from now on, running on from there, earlier or later than now; give
    /// this or `advance_seconds`, not both.
    #[serde(default)]
    pub set: Option<String>,
}

/// The server's clock after `POST /api/dev/clock`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DevClock {
    /// The time the server now reads, RFC 3339.
    pub now: String,
}

/// Who a session belongs to: the answer to `POST /api/session` and `POST /api/dev/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// App id.
    pub app: String,
    /// User id within that app.
    pub user: String,
    /// Where the session was started.
    pub channel: Channel,
}

/// `GET /api/dev`: whether the server runs with `--dev` (the SPA then shows a
/// banner and a "sign in as" page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DevInfo {
    /// True under `serve --dev`.
    pub dev: bool,
}

/// What a consent record says the user did. There is deliberately no
/// `Default`: a stored action that cannot be read is an error, never a guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ConsentAction {
    /// The user agreed to the named version.
    Accept,
    /// The user withdrew the consent they had given.
    Withdraw,
    /// The user was asked to agree to the named (current) version and chose
    /// "Not now": no decision, so the app stays in limited mode. Any
    /// acceptance they gave to an earlier version is left as it was.
    Defer,
}

impl ConsentAction {
    /// The lowercase name stored in the database and sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentAction::Accept => "accept",
            ConsentAction::Withdraw => "withdraw",
            ConsentAction::Defer => "defer",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<ConsentAction> {
        match s {
            "accept" => Some(ConsentAction::Accept),
            "withdraw" => Some(ConsentAction::Withdraw),
            "defer" => Some(ConsentAction::Defer),
            _ => None,
        }
    }

    /// The consent state an event of this type leaves behind.
    pub fn resulting_state(self) -> ConsentRecordState {
        match self {
            ConsentAction::Accept => ConsentRecordState::Given,
            ConsentAction::Withdraw => ConsentRecordState::Withdrawn,
            ConsentAction::Defer => ConsentRecordState::Deferred,
        }
    }

    /// Whether the event is a decision about consent (accept or withdraw),
    /// as opposed to putting the question off.
    pub fn is_decision(self) -> bool {
        self != ConsentAction::Defer
    }
}

/// The state of consent after a record (ISO/IEC TS 27560 "state").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ConsentRecordState {
    /// Consent is given for the record's notice.
    Given,
    /// Consent has been withdrawn.
    Withdrawn,
    /// The request for consent to the record's version was put off without a
    /// decision (DPV `ConsentRequestDeferred`, not valid for processing).
    Deferred,
}

/// `POST /api/me/consents`.
///
/// `accept` and `defer` need `version` and `sha256`, which must name the
/// app's current published version (409 `stale_version` otherwise); `defer`
/// is refused (409 `nothing_to_defer`) when the user need not be asked.
/// `withdraw` refers to the user's latest accepted version; `version`/`sha256`
/// may be given to make sure it is the one the user saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsentRequest {
    /// The policy version the user saw.
    #[serde(default)]
    pub version: Option<String>,
    /// The content hash of that version, as served with it.
    #[serde(default)]
    pub sha256: Option<String>,
    /// What the user did; default `accept`.
    #[serde(default = "accept")]
    pub action: ConsentAction,
}

/// A [`ConsentRequest`] without `action` accepts.
fn accept() -> ConsentAction {
    ConsentAction::Accept
}

/// One row of the append-only consent ledger.
///
/// It carries the fields ISO/IEC TS 27560 makes mandatory for a consent
/// record: record identifier (`record_id`), PII principal identifier
/// (`user`), the notice consented to (`app` + `version` + `sha256`),
/// timestamp (`recorded_at`), event type (`action`) and resulting `state`,
/// and the method by which it was obtained (`channel`). `prev_hash` and
/// `hash` link it into the user's tamper-evident hash chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentRecord {
    /// Random 128-bit id, lowercase hex.
    pub record_id: String,
    /// App id (the controller's service).
    pub app: String,
    /// User id within the app (the PII principal).
    pub user: String,
    /// The policy version the event refers to.
    pub version: String,
    /// SHA-256 of that version's text: exactly what was agreed to.
    pub sha256: String,
    /// Event type.
    pub action: ConsentAction,
    /// Consent state after this event.
    pub state: ConsentRecordState,
    /// How consent was obtained.
    pub channel: Channel,
    /// When it was recorded: RFC 3339, UTC, milliseconds.
    pub recorded_at: String,
    /// `hash` of the user's previous record; 64 zeros for the first.
    pub prev_hash: String,
    /// SHA-256 over this record's fields and `prev_hash` (see the API's `ledger` module).
    pub hash: String,
    /// The signed receipt of this record; absent for records written before
    /// the ledger had keys, or whose seal no longer checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<Receipt>,
}

/// Where a user stands with respect to the app's current policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ConsentState {
    /// No record at all.
    Never,
    /// The latest record accepts the current version.
    Current,
    /// The latest record accepts an older version (or a text that changed since).
    Outdated,
    /// The latest record withdraws consent.
    Withdrawn,
}

/// A published version the user has not yet agreed to and must, with what changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewerVersion {
    /// Version name.
    pub version: String,
    /// What changed (front matter `summary`).
    pub summary: Option<String>,
}

/// The app's current published version, as far as consent is concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CurrentPolicy {
    /// Version name.
    pub version: String,
    /// Content hash to send back with an acceptance.
    pub sha256: String,
    /// Title shown above the text.
    pub title: String,
    /// Whether this version required everyone to consent again.
    pub material: bool,
    /// What changed.
    pub summary: Option<String>,
    /// The day it takes effect (in the app's time zone).
    #[serde(default)]
    pub effective: Option<Date>,
}

/// The next version of an app's policy, announced before it takes effect,
/// as the host app's status route names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpcomingPolicy {
    /// Version name.
    pub version: String,
    /// The day it takes effect (in the app's time zone); from then on it is
    /// the current version.
    pub effective: Option<Date>,
    /// Whether users must agree to it: those who have not agreed by its
    /// effective day are asked then (`needs_reconsent`).
    pub material: bool,
    /// Whether this user has already agreed to it (early).
    pub agreed: bool,
}

/// The consent verdict for one user, shared by `GET /api/me` and the internal status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentStatus {
    /// Where the user stands.
    pub consent: ConsentState,
    /// The version the user's standing acceptance refers to (none when never
    /// consented or withdrawn).
    pub consented_version: Option<String>,
    /// True when the user never consented, withdrew, or a material version
    /// was published after the one they accepted: the app must ask again.
    pub needs_reconsent: bool,
    /// Material versions published after the accepted one, oldest first, with
    /// their summaries for the re-consent prompt (empty unless `outdated`).
    pub newer_material: Vec<NewerVersion>,
    /// True while the user has not agreed to what is now required
    /// (`needs_reconsent`): the host app offers only what does not rely on the
    /// new terms.
    pub limited_mode: bool,
    /// The current version, when the user's latest word on it is "Not now"
    /// (a `defer` record after their last accept or withdraw); else `None`:
    /// they were not asked yet, or decided since.
    pub deferred_version: Option<String>,
    /// When that deferral was recorded (RFC 3339 UTC, milliseconds).
    pub deferred_at: Option<String>,
    /// When the user's latest decision (accept or withdraw) was recorded,
    /// RFC 3339 UTC with milliseconds; `None` when they never decided.
    pub decided_at: Option<String>,
}

/// `GET /api/me`: the signed-in user and their consent standing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    /// App id.
    pub app: String,
    /// User id within the app.
    pub user: String,
    /// How this session was started.
    pub channel: Channel,
    /// The app's current published version; absent only if the app has none.
    pub current: Option<CurrentPolicy>,
    /// The next version, announced before it takes effect on its
    /// `effective` date; the user may agree to it early (when
    /// `consented_version` names it, they have).
    #[serde(default)]
    pub upcoming: Option<CurrentPolicy>,
    /// The verdict, flattened into this object.
    #[serde(flatten)]
    pub status: ConsentStatus,
    /// True when `deferred_at` falls in the session asking: the user chose
    /// "Not now" since they last arrived, so the page shows the limited-mode
    /// note instead of asking again. A new session (the next arrival from
    /// the app) asks again.
    pub deferred_in_session: bool,
}

/// `GET /api/session`: who is signed in, if anyone. Always answered with
/// 200, so a signed-out visitor (a normal state) costs the browser no
/// failed request; `GET /api/me` keeps answering 401 for other clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionState {
    /// The signed-in user and their consent standing, exactly as
    /// `GET /api/me` answers it; `null` when the request carries no valid
    /// session.
    pub me: Option<Me>,
    /// True under `serve --dev` (as `GET /api/dev` says).
    pub dev: bool,
}

/// `GET /api/internal/apps/{app}/users/{user}/status`, for the host app's servers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InternalStatus {
    /// The version the user's standing acceptance refers to.
    pub consented_version: Option<String>,
    /// Where the user stands.
    pub consent: ConsentState,
    /// Whether the app must ask for consent again.
    pub needs_reconsent: bool,
    /// Whether the app should run in limited mode.
    pub limited_mode: bool,
    /// The current version, when the user was asked and chose "Not now"
    /// (and has not decided since); `None` when not asked yet or decided.
    pub deferred_version: Option<String>,
    /// When the user chose "Not now", RFC 3339 UTC.
    pub deferred_at: Option<String>,
    /// The next version, announced before it takes effect, with its date
    /// and whether this user agreed to it early; `null` when none is.
    #[serde(default)]
    pub upcoming: Option<UpcomingPolicy>,
    /// What the user lets the app push.
    pub push: PushStatus,
    /// Privacy switch id → on (the user's value, or the app's default).
    pub switches: BTreeMap<String, bool>,
    /// Teen mode, with what the app must enforce now.
    #[serde(default)]
    pub teen_mode: TeenStatus,
    /// Whether the account is active, pending cancellation or cancelled.
    pub account: AccountStatus,
}

/// A session as shown in the data export (never its secret or hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportSession {
    /// Where it was started.
    pub channel: Channel,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// RFC 3339 UTC.
    pub last_seen_at: String,
    /// RFC 3339 UTC: absolute expiry.
    pub expires_at: String,
    /// Whether it is the session that asked for the export.
    pub current: bool,
}

/// `GET /api/me/export`: everything held about the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Export {
    /// App id.
    pub app: String,
    /// User id within the app.
    pub user: String,
    /// When the export was made, RFC 3339 UTC.
    pub exported_at: String,
    /// Live sessions.
    pub sessions: Vec<ExportSession>,
    /// Every consent record, oldest first.
    pub consents: Vec<ConsentRecord>,
    /// Push settings and privacy switches as they stand.
    pub settings: ExportSettings,
    /// Every settings change, newest first.
    pub history: Vec<SettingChange>,
    /// Teen mode (never the password or its hash).
    #[serde(default)]
    pub teen_mode: ExportTeenMode,
}

/// `POST /api/staff/session`: the product team signs in with the staff credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StaffSessionRequest {
    /// The credential configured on the server (`privacy-center staff-credential` prints it).
    pub credential: String,
}

/// One app as the product team sees it: `GET /api/staff/apps`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffApp {
    /// The app as listed publicly.
    pub app: AppSummary,
    /// Every version, drafts included, oldest first (drafts without a date last).
    pub versions: Vec<PolicyMeta>,
    /// The app's `app.toml`, for checking an edited version in the browser.
    pub app_toml: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_spelt_as_as_str_says_and_unknown_ones_are_kept_apart() {
        for code in [
            ErrorCode::NotFound,
            ErrorCode::UnsupportedMediaType,
            ErrorCode::TokenWrongApp,
            ErrorCode::NothingToDefer,
            ErrorCode::SameVersion,
            ErrorCode::ReversedVersions,
            ErrorCode::WrongPin,
            ErrorCode::PinLocked,
            ErrorCode::ReverifyRequired,
            ErrorCode::Internal,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
        }
        let body: ErrorBody =
            serde_json::from_str(r#"{"code":"from_the_future","message":"m"}"#).unwrap();
        assert_eq!(body.code, ErrorCode::Unknown);
    }
}
