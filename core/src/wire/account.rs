//! Account cancellation on the wire: the user's page (`/api/me/cancellation`),
//! the host app's status and the change feed.

use serde::{Deserialize, Serialize};

use super::Date;

/// Where a user's account stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountState {
    /// In use; no request pending.
    Active,
    /// Cancellation requested; the cooling-off runs.
    Pending,
    /// Cancelled: the data is deleted and the ledger pseudonymised. A later
    /// sign-in with the same user id starts a fresh account (`active`).
    Cancelled,
}

/// How a request ended without the account being deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WithdrawnBy {
    /// The user withdrew it on the page.
    User,
    /// The user signed in again from the app during the cooling-off.
    SignIn,
}

/// A pending request's clocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingCancellation {
    /// When it was made, RFC 3339 UTC.
    pub requested_at: String,
    /// When the cooling-off ends and the account is deleted, RFC 3339 UTC.
    pub due_at: String,
    /// The legal deadline (end of the 15th working day, China time), RFC 3339 UTC.
    pub deadline_at: String,
    /// That last working day.
    pub deadline_date: Date,
}

/// The latest request that was withdrawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WithdrawnCancellation {
    /// When the request was made, RFC 3339 UTC.
    pub requested_at: String,
    /// When it was withdrawn, RFC 3339 UTC.
    pub withdrawn_at: String,
    /// By whom.
    pub by: WithdrawnBy,
}

/// `GET /api/me/cancellation` (and the answer to `POST`/`DELETE`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancellationStatus {
    /// `active` or `pending` (a cancelled account has no session to ask with).
    pub state: AccountState,
    /// The request, while pending.
    pub pending: Option<PendingCancellation>,
    /// The latest withdrawn request, if any since the account began.
    pub withdrawn: Option<WithdrawnCancellation>,
    /// The app's cooling-off, in days.
    pub cooling_off_days: u16,
    /// Working days within which a request is completed.
    pub legal_working_days: u32,
    /// The app's conditions, to read before asking (they never block).
    pub conditions: Vec<String>,
    /// Whether this session is fresh enough to make a request.
    pub verified: bool,
    /// Until when, RFC 3339 UTC (absent when not verified).
    pub verified_until: Option<String>,
    /// Server time of the answer, RFC 3339 UTC (the server's clock, which
    /// `--dev` may have moved): countdowns count from here.
    pub now: String,
}

/// `POST /api/me/cancellation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CancellationRequest {
    /// The phrase the user typed (`core::calendar::CONFIRMATIONS`).
    pub confirmation: String,
}

/// The account in the host app's status route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountStatus {
    /// Where the account stands.
    pub state: AccountState,
    /// While pending: when the account will be deleted, RFC 3339 UTC.
    pub due_at: Option<String>,
    /// While pending: the legal deadline, RFC 3339 UTC.
    pub deadline_at: Option<String>,
    /// When cancelled: when it was completed, RFC 3339 UTC.
    pub cancelled_at: Option<String>,
}

/// A step of a cancellation in the change feed (`kind` `account`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountEvent {
    /// The user asked for their account to be cancelled.
    Requested,
    /// The user withdrew the request.
    Withdrawn,
    /// The user signed in again during the cooling-off, which withdrew it.
    AutoWithdrawn,
    /// The account was deleted: delete the user's data on your side too.
    Completed,
}

/// The change feed's `data` for `kind` `account`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountChange {
    /// The step.
    pub event: AccountEvent,
    /// For `requested`: when the account will be deleted, RFC 3339 UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<String>,
    /// For `requested`: the legal deadline, RFC 3339 UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_at: Option<String>,
}
