//! The SPA's only HTTP client: typed calls to the privacy center API.

use gloo_net::http::Request;
use privacy_center_core::wire::{AppSummary, ErrorBody, PolicyDocument, PolicyList};
use serde::de::DeserializeOwned;

/// Why a call failed, in terms a page can act on.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server answered 404.
    NotFound,
    /// The server answered with another error status and the API's error shape.
    Server {
        /// HTTP status.
        status: u16,
        /// The API's message, when it sent one.
        body: Option<ErrorBody>,
    },
    /// The request never got an answer (offline, server down) or the answer was unreadable.
    Network(String),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::NotFound => f.write_str("not found"),
            ApiError::Server {
                status,
                body: Some(b),
            } => write!(f, "{status}: {}", b.message),
            ApiError::Server { status, body: None } => write!(f, "HTTP {status}"),
            ApiError::Network(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for ApiError {}

/// Percent-encodes one URL path segment.
fn segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let resp = Request::get(path)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    match resp.status() {
        200..=299 => resp
            .json::<T>()
            .await
            .map_err(|e| ApiError::Network(e.to_string())),
        404 => Err(ApiError::NotFound),
        status => Err(ApiError::Server {
            status,
            body: resp.json::<ErrorBody>().await.ok(),
        }),
    }
}

/// `GET /api/apps`: every app with its current policy version.
pub async fn apps() -> Result<Vec<AppSummary>, ApiError> {
    get_json("/api/apps").await
}

/// `GET /api/apps/{app}/policies`: the app's published versions, oldest first.
pub async fn versions(app: &str) -> Result<PolicyList, ApiError> {
    get_json(&format!("/api/apps/{}/policies", segment(app))).await
}

/// `GET /api/apps/{app}/policies/{version}`; `version` may be `current`.
pub async fn policy(app: &str, version: &str) -> Result<PolicyDocument, ApiError> {
    get_json(&format!(
        "/api/apps/{}/policies/{}",
        segment(app),
        segment(version)
    ))
    .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn path_segments_cannot_escape() {
        assert_eq!(super::segment("vchat"), "vchat");
        assert_eq!(super::segment("../admin?x=1"), "..%2Fadmin%3Fx%3D1");
        assert_eq!(super::segment("聊"), "%E8%81%8A");
    }
}
