//! The app's two lists (双清单, 工信部信管函〔2021〕292号): the personal
//! information it collects and the third parties it shares it with, as
//! `GET /api/apps/{app}/lists` answers them.

use serde::{Deserialize, Serialize};

use super::AppSummary;

/// What kind of third party receives personal information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ThirdPartyKind {
    /// A software development kit embedded in the app.
    Sdk,
    /// A business partner or service provider the app shares data with.
    Partner,
}

/// `GET /api/apps/{app}/lists`: both lists of an app, as its current
/// published policy states them (declared in `app.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppLists {
    /// The app.
    pub app: AppSummary,
    /// The version the rows' sections are headings of (the current one).
    pub version: String,
    /// The personal information collected, in the policy's order.
    pub collected: Vec<CollectedRow>,
    /// The third parties personal information is shared with.
    pub third_parties: Vec<ThirdPartyRow>,
}

/// One row of the list of personal information collected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollectedRow {
    /// Stable id.
    pub id: String,
    /// The information, in the policy's words (e.g. `手机号、头像、昵称`).
    pub info: String,
    /// Why it is collected; `None` when the policy does not say.
    pub purpose: Option<String>,
    /// When it is collected (the feature or moment); `None` when the policy does not say.
    pub scenario: Option<String>,
    /// Whether the policy calls it sensitive personal information.
    pub sensitive: bool,
    /// Labels of the device permissions it relies on, each once.
    pub permissions: Vec<String>,
    /// The heading of the current policy's section that says it.
    pub section: String,
    /// That heading's anchor in the policy page (`/{app}#{section_id}`);
    /// `None` if the rendered contents have no such heading.
    pub section_id: Option<String>,
}

/// One row of the list of third parties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ThirdPartyRow {
    /// Stable id.
    pub id: String,
    /// Name, e.g. `闪验SDK`.
    pub name: String,
    /// The company behind it; `None` when the policy does not name it.
    pub company: Option<String>,
    /// SDK or partner.
    pub kind: ThirdPartyKind,
    /// The personal information it receives or collects: `None` when the
    /// policy does not say, empty when it says none.
    pub data: Option<Vec<String>>,
    /// Why; `None` when the policy does not say.
    pub purpose: Option<String>,
    /// Its privacy policy (http(s)); `None` when the policy gives none.
    pub link: Option<String>,
    /// The heading of the current policy's section that says it.
    pub section: String,
    /// That heading's anchor in the policy page; `None` if not found.
    pub section_id: Option<String>,
}
