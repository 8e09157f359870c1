//! The SPA's only HTTP client: typed calls to the privacy center API.

use gloo_net::http::Request;
use privacy_center_core::routes::encode_segment as segment;
use privacy_center_core::wire::{
    AppLists, AppPermissions, AppSummary, CancellationRequest, CancellationStatus, Channel,
    ConsentRecord, ConsentRequest, DevSessionRequest, ErrorBody, PermissionChoice,
    PolicyComparison, PolicyDocument, PolicyList, PolicyTreeStatus, ProfileReset,
    ProfileResetAccepted, PushSettings, PushUpdate, SessionInfo, SessionRequest, SessionState,
    SettingChange, StaffApp, StaffSessionRequest, Switches, SwitchesUpdate, TeenAppealRequest,
    TeenModeChange, TeenModeOff, TeenModeOn, TeenModeState, TeenPinChange,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Why a call failed, in terms a page can act on.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server answered 404.
    NotFound,
    /// The server answered with another error status (or a 404 whose message
    /// the caller keeps, see [`compare`]) and the API's error shape.
    Server {
        /// HTTP status.
        status: u16,
        /// The API's message, when it sent one.
        body: Option<ErrorBody>,
    },
    /// 429: too many attempts; try again after this many seconds (`Retry-After`).
    Throttled(u64),
    /// The request never got an answer (offline, server down) or the answer
    /// was unreadable. Pages only say "network problem", so this carries a
    /// fixed reason, not the browser's or the JSON decoder's message:
    /// formatting those would put their error texts and `Display` code into
    /// every reader's download.
    Network(&'static str),
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
            ApiError::Throttled(secs) => write!(f, "429: retry after {secs} s"),
            ApiError::Network(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for ApiError {}

fn network(_: gloo_net::Error) -> ApiError {
    ApiError::Network("no answer")
}

async fn get(path: &str) -> Result<gloo_net::http::Response, ApiError> {
    Request::get(path)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(network)
}

async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    read(get(path).await?).await
}

/// Sends a state-changing request with a JSON body (the server refuses any
/// other kind); the browser adds `Origin` and `Sec-Fetch-Site` itself.
async fn post_json<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    send_json(Request::post(path), body).await
}

/// `PUT` with a JSON body (a whole setting replaced); like [`post_json`].
async fn put_json<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    send_json(Request::put(path), body).await
}

async fn send_json<B: Serialize, T: DeserializeOwned>(
    request: gloo_net::http::RequestBuilder,
    body: &B,
) -> Result<T, ApiError> {
    let resp = request
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
            .map_err(|_| ApiError::Network("unreadable answer")),
        _ => Err(failure(resp).await),
    }
}

/// The error an unsuccessful response stands for.
async fn failure(resp: gloo_net::http::Response) -> ApiError {
    match resp.status() {
        404 => ApiError::NotFound,
        429 => ApiError::Throttled(
            resp.headers()
                .get("retry-after")
                .and_then(|v| v.parse().ok())
                .unwrap_or(60),
        ),
        status => ApiError::Server {
            status,
            body: resp.json::<ErrorBody>().await.ok(),
        },
    }
}

/// Succeeds on any 2xx answer, whose body is not needed.
async fn expect_success(resp: gloo_net::http::Response) -> Result<(), ApiError> {
    if resp.ok() {
        Ok(())
    } else {
        Err(failure(resp).await)
    }
}

/// Sends a `DELETE` (no body) and expects success.
async fn delete(path: &str) -> Result<(), ApiError> {
    let resp = Request::delete(path)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(network)?;
    expect_success(resp).await
}

/// `GET /api/apps`: every app with its current policy version.
pub async fn apps() -> Result<Vec<AppSummary>, ApiError> {
    get_json("/api/apps").await
}

/// `GET /api/apps/{app}/policies`: the app's published versions, oldest first.
pub async fn versions(app: &str) -> Result<PolicyList, ApiError> {
    get_json(&format!("/api/apps/{}/policies", segment(app))).await
}

/// `GET /api/apps/{app}/lists`: the app's two lists (双清单).
pub async fn lists(app: &str) -> Result<AppLists, ApiError> {
    get_json(&format!("/api/apps/{}/lists", segment(app))).await
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

/// `GET /api/apps/{app}/compare/{from}/{to}`: what changed between two
/// versions, diffed on the server. A 404 comes back as
/// `Server { status: 404, .. }` so the page can show the API's message, which
/// names the version it does not know.
pub async fn compare(app: &str, from: &str, to: &str) -> Result<PolicyComparison, ApiError> {
    let path = format!(
        "/api/apps/{}/compare/{}/{}",
        segment(app),
        segment(from),
        segment(to)
    );
    let resp = get(&path).await?;
    if resp.status() == 404 {
        return Err(ApiError::Server {
            status: 404,
            body: resp.json::<ErrorBody>().await.ok(),
        });
    }
    read(resp).await
}

/// `GET /api/session`: the signed-in user and their consent standing
/// (`me` is `None` when signed out: a normal state, answered 200 so the
/// browser logs no failed request) and whether the server runs in
/// development mode.
pub async fn session() -> Result<SessionState, ApiError> {
    get_json("/api/session").await
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
    delete("/api/session").await
}

/// `GET /api/me/consents`: the user's consent records, newest first.
pub async fn consents() -> Result<Vec<ConsentRecord>, ApiError> {
    get_json("/api/me/consents").await
}

/// `POST /api/me/consents`: records an acceptance or a withdrawal.
pub async fn record_consent(req: ConsentRequest) -> Result<ConsentRecord, ApiError> {
    post_json("/api/me/consents", &req).await
}

/// `GET /api/me/push`: the user's push settings, every category of the app.
pub async fn push() -> Result<PushSettings, ApiError> {
    get_json("/api/me/push").await
}

/// `PUT /api/me/push`: saves the push settings; answers what is now stored.
pub async fn save_push(update: PushUpdate) -> Result<PushSettings, ApiError> {
    put_json("/api/me/push", &update).await
}

/// `GET /api/me/switches`: the privacy switches the app's policy promises.
pub async fn switches() -> Result<Switches, ApiError> {
    get_json("/api/me/switches").await
}

/// `PUT /api/me/switches`: sets the named switches; answers all of them.
pub async fn save_switches(update: SwitchesUpdate) -> Result<Switches, ApiError> {
    put_json("/api/me/switches", &update).await
}

/// `POST /api/me/profile-reset`: asks the host app to clear the profile
/// that switch `switch` feeds (personalised recommendations).
pub async fn reset_profile(switch: String) -> Result<ProfileResetAccepted, ApiError> {
    post_json("/api/me/profile-reset", &ProfileReset { switch }).await
}

/// `GET /api/apps/{app}/permissions`: every permission the app declares,
/// grouped by kind, each linked to the policy section that explains it.
pub async fn permissions(app: &str) -> Result<AppPermissions, ApiError> {
    get_json(&format!("/api/apps/{}/permissions", segment(app))).await
}

/// `POST /api/me/permission-choices`: records a permission state the
/// signed-in user chose or saw, for their history.
pub async fn record_permission(choice: PermissionChoice) -> Result<SettingChange, ApiError> {
    post_json("/api/me/permission-choices", &choice).await
}

/// `GET /api/me/teen-mode`: teen mode, what it changes, the password lock and any appeal.
pub async fn teen_mode() -> Result<TeenModeState, ApiError> {
    get_json("/api/me/teen-mode").await
}

/// `POST /api/me/teen-mode/on`: turns teen mode on with a new password.
pub async fn teen_on(req: TeenModeOn) -> Result<TeenModeState, ApiError> {
    post_json("/api/me/teen-mode/on", &req).await
}

/// `POST /api/me/teen-mode/off`: turns it off (403 wrong password, 429 locked).
pub async fn teen_off(pin: String) -> Result<TeenModeState, ApiError> {
    post_json("/api/me/teen-mode/off", &TeenModeOff { pin }).await
}

/// `PUT /api/me/teen-mode`: changes the age band (needs the password).
pub async fn teen_change(req: TeenModeChange) -> Result<TeenModeState, ApiError> {
    put_json("/api/me/teen-mode", &req).await
}

/// `POST /api/me/teen-mode/pin`: changes the password.
pub async fn teen_pin(req: TeenPinChange) -> Result<TeenModeState, ApiError> {
    post_json("/api/me/teen-mode/pin", &req).await
}

/// `POST /api/me/teen-mode/appeal`: "I forgot the password".
pub async fn teen_appeal() -> Result<TeenModeState, ApiError> {
    post_json("/api/me/teen-mode/appeal", &TeenAppealRequest::default()).await
}

/// `GET /api/me/cancellation`: the account's cancellation state, the app's
/// conditions and whether this session may make a request.
pub async fn cancellation() -> Result<CancellationStatus, ApiError> {
    get_json("/api/me/cancellation").await
}

/// `POST /api/me/cancellation`: asks for the account to be cancelled, with
/// the phrase the user typed; answers the new state (403
/// `reverify_required`, 422 `wrong_confirmation`).
pub async fn request_cancellation(confirmation: String) -> Result<CancellationStatus, ApiError> {
    post_json(
        "/api/me/cancellation",
        &CancellationRequest { confirmation },
    )
    .await
}

/// `DELETE /api/me/cancellation`: withdraws the pending request; answers
/// the new state.
pub async fn withdraw_cancellation() -> Result<CancellationStatus, ApiError> {
    let resp = Request::delete("/api/me/cancellation")
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(network)?;
    read(resp).await
}

/// `POST /api/staff/session`: trades the staff credential for the staff
/// cookie (401 wrong credential, 429 [`ApiError::Throttled`]).
pub async fn staff_sign_in(credential: String) -> Result<(), ApiError> {
    let resp = Request::post("/api/staff/session")
        .header("Accept", "application/json")
        .json(&StaffSessionRequest { credential })
        .map_err(network)?
        .send()
        .await
        .map_err(network)?;
    expect_success(resp).await
}

/// `DELETE /api/staff/session`: ends the staff session.
pub async fn staff_sign_out() -> Result<(), ApiError> {
    delete("/api/staff/session").await
}

/// `GET /api/staff/apps`: every app with all versions, drafts included;
/// `None` without a staff session (401).
pub async fn staff_apps() -> Result<Option<Vec<StaffApp>>, ApiError> {
    match get_json("/api/staff/apps").await {
        Ok(apps) => Ok(Some(apps)),
        Err(ApiError::Server { status: 401, .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `GET /api/staff/policies/reload`: when this server loaded the policy
/// tree it serves, and why its last reload was refused if it was.
pub async fn staff_policy_reload() -> Result<PolicyTreeStatus, ApiError> {
    get_json("/api/staff/policies/reload").await
}

/// `GET /api/apps/{app}/policies/{version}/source`: the version's file as
/// stored, front matter included (drafts need the staff cookie).
pub async fn policy_source(app: &str, version: &str) -> Result<String, ApiError> {
    let resp = Request::get(&format!(
        "/api/apps/{}/policies/{}/source",
        segment(app),
        segment(version)
    ))
    .send()
    .await
    .map_err(network)?;
    if !resp.ok() {
        return Err(failure(resp).await);
    }
    resp.text().await.map_err(network)
}

/// `GET /api/me/history`: the signed-in user's settings changes, newest first.
pub async fn history() -> Result<Vec<SettingChange>, ApiError> {
    get_json("/api/me/history").await
}

/// Where the browser downloads the user's data as JSON (the server names the file).
pub const EXPORT_URL: &str = "/api/me/export";

/// Where the browser downloads the readable copy of the user's data, in
/// the language `lang` (a BCP 47 tag of `core::words::Lang`).
pub fn readable_export_url(lang: &str) -> String {
    format!("{EXPORT_URL}?format=html&lang={lang}")
}
