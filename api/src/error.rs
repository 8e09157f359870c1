//! The API crate's one error type and its HTTP mapping.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use privacy_center_core::compare::Uncomparable;
use privacy_center_core::consent::Refusal;
use privacy_center_core::wire::{ErrorBody, ErrorCode};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Everything that can fail in the API, the store or the CLI.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 404: the named thing does not exist (or is not visible to the caller).
    #[error("{0}")]
    NotFound(String),
    /// 405: the path exists but not with this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 400 `bad_json`: the request body is not well-formed JSON.
    #[error("the request body is not valid JSON: {0}")]
    BadJson(String),
    /// 422 `invalid`: well-formed JSON that does not fit the request type;
    /// `fields` names each offending field.
    #[error("{message}")]
    Invalid {
        /// A sentence for people.
        message: String,
        /// Problem per field name.
        fields: BTreeMap<String, String>,
    },
    /// 415 `unsupported_media_type`: a request body that is not `application/json`.
    #[error("request bodies must be sent as Content-Type: application/json")]
    UnsupportedMediaType,
    /// 413 `too_large`: the request body exceeds the limit.
    #[error("the request body is larger than {0} bytes")]
    TooLarge(usize),
    /// 401 `unauthenticated`: no valid session (or service token) came with the request.
    #[error("{0}")]
    Unauthenticated(String),
    /// 401 `token_invalid`, `token_expired`, `token_replayed` or
    /// `token_wrong_app`: a handoff token was refused; nothing was recorded.
    #[error("{0}")]
    Token(TokenRefusal),
    /// 401 `invalid_credential`: the staff credential does not match; the
    /// failure counts towards the sign-in throttle.
    #[error("the staff credential is not correct")]
    InvalidCredential,
    /// 429 `too_many_requests`: too many failed sign-ins; `Retry-After` says
    /// how many seconds to wait.
    #[error("too many failed sign-in attempts; try again in {0} seconds")]
    TooManyRequests(u64),
    /// 429 `too_many_requests`: a client sent more requests to a public
    /// route than its throttle allows; `Retry-After` says how many seconds to wait.
    #[error("too many requests from this address; try again in {0} seconds")]
    Throttled(u64),
    /// 403 `cross_site`: a state-changing request that did not come from this origin.
    #[error("cross-site requests may not change anything here")]
    CrossSite,
    /// 409 `stale_version`: the consent names a version that is not the current one.
    #[error("{0}")]
    StaleVersion(String),
    /// 409 `nothing_to_withdraw`: the user has no standing acceptance to withdraw.
    #[error("{0}")]
    NothingToWithdraw(String),
    /// 409 `nothing_to_defer`: "Not now" for a version the user need not be
    /// asked about (they agreed to what it requires); nothing was recorded.
    #[error("{0}")]
    NothingToDefer(String),
    /// 422 `same_version` or `reversed_versions`: two versions the compare
    /// page does not show side by side (`core::compare::refuse_pair`).
    #[error("{1}")]
    Uncomparable(privacy_center_core::compare::Uncomparable, String),
    /// 403 `wrong_pin`: the teen-mode password is not correct; counted
    /// towards the lock (the fifth in a row starts it).
    #[error("the password is not correct; {}", match .locked_until { Some(t) => format!("try again after {t}"), None => format!("{attempts_left} attempt(s) left before a lock") })]
    WrongPin {
        /// Wrong codes left before the lock.
        attempts_left: u32,
        /// When the lock this code started ends, RFC 3339 UTC.
        locked_until: Option<String>,
    },
    /// 429 `pin_locked`: too many wrong teen-mode passwords; nothing was
    /// checked. `Retry-After` says how many seconds to wait.
    #[error("too many wrong passwords; try again after {until}")]
    PinLocked {
        /// Seconds until the next check may be tried.
        retry_after_secs: u64,
        /// When, RFC 3339 UTC.
        until: String,
    },
    /// 422 `weak_pin`: a new teen-mode password too easy to guess;
    /// `fields` names the field with the reason.
    #[error("`{field}`: {}", .problem.reason())]
    WeakPin {
        /// `pin` or `new_pin`.
        field: &'static str,
        /// Why.
        problem: privacy_center_core::teen::PinProblem,
    },
    /// 409 `teen_mode_off`: the change needs teen mode on.
    #[error("{0}")]
    TeenModeOff(String),
    /// 409 `teen_mode_on`: teen mode is already on.
    #[error("{0}")]
    TeenModeOn(String),
    /// 403 `reverify_required`: cancelling needs a sign-in from the app
    /// within the last few minutes.
    #[error("{0}")]
    ReverifyRequired(String),
    /// 422 `wrong_confirmation`: the typed confirmation does not match.
    #[error("{0}")]
    WrongConfirmation(String),
    /// 409 `already_requested`: a cancellation is already pending.
    #[error("{0}")]
    AlreadyRequested(String),
    /// 409 `nothing_to_cancel`: no cancellation is pending.
    #[error("{0}")]
    NothingToCancel(String),
    /// 500: a stored ledger row holds an action or channel the ledger does
    /// not know, so it cannot be read as any event. Details are logged.
    #[error("{0}")]
    Unreadable(String),
    /// 500: an internal invariant failed (e.g. the ledger writer stopped).
    /// Details are logged, never returned.
    #[error("internal: {0}")]
    Internal(String),
    /// Start-up only: configuration (keys, tokens, URLs) is unusable.
    #[error("{0}")]
    Config(String),
    /// 500: the database failed. Details are logged, never returned.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// 500: migrating the database failed.
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// 500 (start-up only): a file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// `migrate-store` refused or failed; the message names the table (or
    /// the tables) concerned and says what was written (nothing).
    #[error("{0}")]
    StoreCopy(String),
    /// The policy tree has problems (at start-up, on a reload, before a
    /// publish); each names its file and line.
    #[error("policy tree has {} problem(s):\n{}", .0.len(), .0.join("\n"))]
    Policies(Vec<String>),
}

/// Why a handoff token was refused. Each reason has its own machine-readable
/// `code` (all with status 401), so the SPA and host apps never parse messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenRefusal {
    /// `token_invalid`: malformed, a signature that does not verify, or a
    /// claim the server does not accept (the reason says which).
    Invalid(&'static str),
    /// `token_expired`: its `exp` has passed.
    Expired,
    /// `token_replayed`: its `jti` was already exchanged for a session.
    Replayed,
    /// `token_wrong_app`: it belongs to another app than the one it names,
    /// the page it was opened on, or any app this server serves.
    WrongApp(&'static str),
}

impl TokenRefusal {
    /// The `code` of the JSON error.
    pub fn code(self) -> ErrorCode {
        match self {
            TokenRefusal::Invalid(_) => ErrorCode::TokenInvalid,
            TokenRefusal::Expired => ErrorCode::TokenExpired,
            TokenRefusal::Replayed => ErrorCode::TokenReplayed,
            TokenRefusal::WrongApp(_) => ErrorCode::TokenWrongApp,
        }
    }
}

impl std::fmt::Display for TokenRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenRefusal::Invalid(why) => write!(f, "the sign-in token is not valid: {why}"),
            TokenRefusal::Expired => f.write_str(
                "the sign-in token has expired; host apps mint a new one each time they open the page",
            ),
            TokenRefusal::Replayed => f.write_str(
                "the sign-in token has already been used; each token signs in once",
            ),
            TokenRefusal::WrongApp(why) => {
                write!(f, "the sign-in token belongs to another app: {why}")
            }
        }
    }
}

impl Error {
    /// The 401 of a request with no session (or one of an app no longer
    /// served).
    pub fn signed_out() -> Error {
        Error::Unauthenticated("please sign in first".to_owned())
    }

    /// The 401 of a request whose session has ended (idle, past its
    /// absolute end, or signed out).
    pub fn session_ended() -> Error {
        Error::Unauthenticated("your session has ended; please sign in again".to_owned())
    }

    /// A 422 about one field.
    pub fn invalid_field(field: &str, problem: impl Into<String>) -> Error {
        let problem = problem.into();
        Error::Invalid {
            message: format!("`{field}`: {problem}"),
            fields: BTreeMap::from([(field.to_owned(), problem)]),
        }
    }

    /// The answer to a consent the rules refuse, for a user of `app`: 422
    /// for a missing field, 409 `stale_version`, `nothing_to_defer` or
    /// `nothing_to_withdraw` otherwise.
    pub fn refused(refusal: Refusal, app: &str) -> Error {
        match refusal {
            Refusal::Missing(field) => Error::invalid_field(field, "required"),
            Refusal::NoCurrentVersion => {
                Error::StaleVersion(format!("{app} has no published policy"))
            }
            Refusal::NotCurrent { version, sha256 } => Error::StaleVersion(format!(
                "the current policy of {app} is version {version} (sha256 {sha256}); please read it and answer about that one"
            )),
            Refusal::NothingRequired { version } => Error::NothingToDefer(format!(
                "you have agreed to what version {version} requires; there is nothing to put off"
            )),
            Refusal::AlreadyAgreed { version } => {
                Error::NothingToDefer(format!("you have already agreed to version {version}"))
            }
            Refusal::CurrentFirst { current, upcoming } => Error::StaleVersion(format!(
                "agree to the current version {current} of {app:?} first; {upcoming} is not in force yet"
            )),
            Refusal::NoStandingConsent => Error::NothingToWithdraw(
                "there is no standing consent to withdraw".to_owned(),
            ),
            Refusal::NotTheStandingConsent { standing } => Error::NothingToWithdraw(format!(
                "your standing consent is to version {standing}, not the one named"
            )),
        }
    }

    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }

    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        match self {
            Error::NotFound(_) => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            Error::MethodNotAllowed => {
                (StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed)
            }
            Error::BadJson(_) => (StatusCode::BAD_REQUEST, ErrorCode::BadJson),
            Error::Invalid { .. } => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Invalid),
            Error::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
            ),
            Error::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::TooLarge),
            Error::Unauthenticated(_) => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated),
            Error::Token(refusal) => (StatusCode::UNAUTHORIZED, refusal.code()),
            Error::InvalidCredential => (StatusCode::UNAUTHORIZED, ErrorCode::InvalidCredential),
            Error::TooManyRequests(_) | Error::Throttled(_) => {
                (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyRequests)
            }
            Error::CrossSite => (StatusCode::FORBIDDEN, ErrorCode::CrossSite),
            Error::StaleVersion(_) => (StatusCode::CONFLICT, ErrorCode::StaleVersion),
            Error::NothingToWithdraw(_) => (StatusCode::CONFLICT, ErrorCode::NothingToWithdraw),
            Error::NothingToDefer(_) => (StatusCode::CONFLICT, ErrorCode::NothingToDefer),
            Error::WrongPin { .. } => (StatusCode::FORBIDDEN, ErrorCode::WrongPin),
            Error::PinLocked { .. } => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::PinLocked),
            Error::WeakPin { .. } => (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::WeakPin),
            Error::TeenModeOff(_) => (StatusCode::CONFLICT, ErrorCode::TeenModeOff),
            Error::TeenModeOn(_) => (StatusCode::CONFLICT, ErrorCode::TeenModeOn),
            Error::Uncomparable(why, _) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                match why {
                    Uncomparable::Same => ErrorCode::SameVersion,
                    Uncomparable::Reversed => ErrorCode::ReversedVersions,
                },
            ),
            Error::ReverifyRequired(_) => (StatusCode::FORBIDDEN, ErrorCode::ReverifyRequired),
            Error::WrongConfirmation(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::WrongConfirmation,
            ),
            Error::AlreadyRequested(_) => (StatusCode::CONFLICT, ErrorCode::AlreadyRequested),
            Error::NothingToCancel(_) => (StatusCode::CONFLICT, ErrorCode::NothingToCancel),
            Error::Database(_)
            | Error::Migrate(_)
            | Error::Io { .. }
            | Error::Policies(_)
            | Error::StoreCopy(_)
            | Error::Internal(_)
            | Error::Unreadable(_)
            | Error::Config(_) => (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal),
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
            "Something went wrong on our side; please try again later.".to_owned()
        } else {
            self.to_string()
        };
        let retry_after = match self {
            Error::TooManyRequests(secs) | Error::Throttled(secs) => Some(secs),
            Error::PinLocked {
                retry_after_secs, ..
            } => Some(retry_after_secs.max(1)),
            _ => None,
        };
        let fields = match self {
            Error::Invalid { fields, .. } => fields,
            Error::WeakPin { field, problem } => {
                BTreeMap::from([(field.to_owned(), problem.name().to_owned())])
            }
            _ => BTreeMap::new(),
        };
        let body = ErrorBody {
            code,
            message,
            fields,
        };
        let mut res = (status, Json(body)).into_response();
        if let Some(secs) = retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

/// Result with the crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
