//! The policy tree a server instance serves and its last refused reload, as
//! `GET /api/staff/policies/reload` answers them to the product team.

use serde::{Deserialize, Serialize};

/// What set off a load of the policy tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ReloadTrigger {
    /// The server started.
    Start,
    /// An operator sent SIGHUP.
    Signal,
    /// `serve --watch-policies` saw files change.
    Watch,
}

/// `GET /api/staff/policies/reload`: the tree this server instance serves
/// and, when its last reload was refused, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PolicyTreeStatus {
    /// When the tree served now was loaded, RFC 3339 UTC.
    pub loaded_at: String,
    /// What loaded it.
    pub loaded_by: ReloadTrigger,
    /// Reloads tried since the server started, refused ones included.
    pub attempts: u64,
    /// The last reload, when it was refused after the tree served now was
    /// loaded: the old tree keeps serving until the files pass the check.
    pub refused: Option<RefusedReload>,
}

/// A reload that was refused whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefusedReload {
    /// When, RFC 3339 UTC.
    pub at: String,
    /// What set it off.
    pub trigger: ReloadTrigger,
    /// Every problem, each as `app/file:line: message` (as `policy check`
    /// prints them).
    pub problems: Vec<String>,
}
