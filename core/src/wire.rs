//! JSON shapes exchanged between the API and its clients.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::date::Date;

/// Whether a policy version is visible to the public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyStatus {
    /// Work in progress; only the product team sees it.
    Draft,
    /// Visible to everyone.
    Published,
}

/// One policy version's front matter plus its content hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The current published version, if any.
    pub current: Option<PolicyMeta>,
}

/// An app's policy versions, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyList {
    /// The app.
    pub app: AppSummary,
    /// Every version visible to the caller, oldest first.
    pub versions: Vec<PolicyMeta>,
}

/// One policy version with its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyDocument {
    /// The app it belongs to.
    pub app: AppSummary,
    /// Front matter and hash.
    pub meta: PolicyMeta,
    /// The CommonMark body, to be rendered by [`crate::render`].
    pub markdown: String,
    /// True when this is the app's current published version.
    pub is_current: bool,
}

/// `GET /api/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct ErrorBody {
    /// Machine-readable code, e.g. `not_found`.
    pub code: String,
    /// A sentence for people.
    pub message: String,
    /// Per-field problems, keyed by field name; empty when none.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}
