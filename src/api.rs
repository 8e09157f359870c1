//! The SPA's only HTTP client: typed calls to the privacy center API.

use gloo_net::http::Request;
use privacy_center_core::wire::{
    AppSummary, Channel, ConsentRecord, ConsentRequest, DevInfo, DevSessionRequest, ErrorBody, Me,
    PolicyDocument, PolicyList, SessionInfo, SessionRequest,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

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

fn network(e: gloo_net::Error) -> ApiError {
    ApiError::Network(e.to_string())
}

async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let resp = Request::get(path)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(network)?;
    read(resp).await
}

/// Sends a state-changing request with a JSON body (the server refuses any
/// other kind); the browser adds `Origin` and `Sec-Fetch-Site` itself.
async fn post_json<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let resp = Request::post(path)
        .header("Accept", "application/json")
        .json(body)
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    read(resp).await
}

async fn read<T: DeserializeOwned>(resp: gloo_net::http::Response) -> Result<T, ApiError> {
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

/// `GET /api/me`: the signed-in user and their consent standing; `None`
/// when no session is open (401).
pub async fn me() -> Result<Option<Me>, ApiError> {
    match get_json("/api/me").await {
        Ok(me) => Ok(Some(me)),
        Err(ApiError::Server { status: 401, .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `GET /api/dev`: whether the server runs in development mode.
pub async fn dev() -> Result<DevInfo, ApiError> {
    get_json("/api/dev").await
}

/// `POST /api/session`: exchanges a host app's handoff token for a session
/// cookie; `app`, the app whose page it was opened on, makes the server
/// refuse another app's token.
pub async fn sign_in(
    token: String,
    channel: Channel,
    app: Option<String>,
) -> Result<SessionInfo, ApiError> {
    let body = SessionRequest {
        token,
        channel: Some(channel),
        app,
    };
    post_json("/api/session", &body).await
}

/// `POST /api/dev/session` (development mode only): signs in as anyone.
pub async fn dev_sign_in(app: String, user: String) -> Result<SessionInfo, ApiError> {
    post_json("/api/dev/session", &DevSessionRequest { app, user }).await
}

/// `DELETE /api/session`: ends the session.
pub async fn sign_out() -> Result<(), ApiError> {
    let resp = Request::delete("/api/session")
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(network)?;
    match resp.status() {
        200..=299 => Ok(()),
        status => Err(ApiError::Server {
            status,
            body: resp.json::<ErrorBody>().await.ok(),
        }),
    }
}

/// `GET /api/me/consents`: the user's consent records, newest first.
pub async fn consents() -> Result<Vec<ConsentRecord>, ApiError> {
    get_json("/api/me/consents").await
}

/// `POST /api/me/consents`: records an acceptance or a withdrawal.
pub async fn record_consent(req: ConsentRequest) -> Result<ConsentRecord, ApiError> {
    post_json("/api/me/consents", &req).await
}

/// Where the browser downloads the user's data (the server names the file).
pub const EXPORT_URL: &str = "/api/me/export";

#[cfg(test)]
mod tests {
    #[test]
    fn path_segments_cannot_escape() {
        assert_eq!(super::segment("vchat"), "vchat");
        assert_eq!(super::segment("../admin?x=1"), "..%2Fadmin%3Fx%3D1");
        assert_eq!(super::segment("聊"), "%E8%81%8A");
    }
}
