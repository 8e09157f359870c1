//! The API's OpenAPI 3.1 description, made from the same list of routes the
//! server runs: every handler is registered with `utoipa_axum::routes!`,
//! which adds it to the router and its `#[utoipa::path]` to the description
//! in one step, so a route cannot be served without being described (a
//! test also fails on any `.route(` registration that would bypass it).
//! Served at `GET /api/openapi.json`.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use privacy_center_core::wire::ErrorBody;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

// The security schemes' names, as the handlers' `security(...)` name them.
const SESSION: &str = "session";
const SERVICE: &str = "service";
const STAFF: &str = "staff";

/// The description's fixed parts; the paths come from the routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Privacy Center API",
        description = "Policies, consent records and user controls of the privacy center. \
            Signed-in users carry a session cookie (from a host app's handoff token); host \
            app backends send their service token as `Authorization: Bearer`. Every error \
            has the same shape (`ErrorBody`). State-changing requests from a browser must \
            be same-origin. See docs/host-apps.md."
    ),
    modifiers(&Security),
    tags(
        (name = "policies", description = "Published policy versions, public"),
        (name = "session", description = "Signing in with a handoff token"),
        (name = "me", description = "The signed-in user: consent, settings, data"),
        (name = "receipts", description = "Consent receipts: checking one against the ledger, public"),
        (name = "host", description = "A host app's backend (service token)"),
        (name = "staff", description = "The product team"),
        (name = "operations", description = "Health and this description"),
        (name = "dev", description = "Only under `serve --dev`; never in production"),
    )
)]
struct ApiDoc;

/// Adds the security schemes.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            SESSION,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "pc_session",
                "The user's session cookie (`__Host-pc_session` over https), set by \
                 `POST /api/session`.",
            ))),
        );
        components.add_security_scheme(
            STAFF,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "pc_staff",
                "The product team's cookie (`__Host-pc_staff` over https), set by \
                 `POST /api/staff/session`.",
            ))),
        );
        components.add_security_scheme(
            SERVICE,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The host app's service token (`privacy-center token --service --app A`).",
                    ))
                    .build(),
            ),
        );
    }
}

/// The fixed parts, before the routes add their paths.
pub(super) fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The description as served (without the `--dev` routes), made once.
static JSON: LazyLock<String> = LazyLock::new(|| {
    super::described(false)
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
});

/// This description.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 description of this API", content_type = "application/json"))
)]
pub(super) async fn openapi_json() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], JSON.as_str())
}

/// What any request with a JSON body may be refused with, besides its own
/// answers (`json::ApiJson`).
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // Only read by the description.
pub(super) enum BodyErrors {
    /// `bad_json`: the body is not JSON.
    #[response(status = 400)]
    BadJson(ErrorBody),
    /// `too_large`: the body is over the route's limit (64 KiB unless said).
    #[response(status = 413)]
    TooLarge(ErrorBody),
    /// `unsupported_media_type`: the body is not sent as `application/json`.
    #[response(status = 415)]
    UnsupportedMediaType(ErrorBody),
    /// `invalid`: the JSON does not fit (unknown or missing fields, wrong
    /// types, values out of range); `fields` names each problem.
    #[response(status = 422)]
    Invalid(ErrorBody),
}

/// What a request that changes state from a browser may be refused with.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // Only read by the description.
pub(super) enum CrossSite {
    /// `cross_site`: the request came from another site (`Sec-Fetch-Site` /
    /// `Origin`).
    #[response(status = 403)]
    CrossSite(ErrorBody),
}

/// What a teen-mode change that needs the password may be refused with.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // Only read by the description.
pub(super) enum PinErrors {
    /// `wrong_pin`: the password is not correct (it counts towards the lock).
    #[response(status = 403)]
    WrongPin(ErrorBody),
    /// `teen_mode_off`: it is not on.
    #[response(status = 409)]
    TeenModeOff(ErrorBody),
    /// `pin_locked`: too many wrong codes; `Retry-After` says when to try again.
    #[response(status = 429)]
    PinLocked(ErrorBody),
}

/// What a request that needs a signed-in user may be refused with.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // Only read by the description.
pub(super) enum SignedOut {
    /// `unauthenticated`: no valid session cookie.
    #[response(status = 401)]
    Unauthenticated(ErrorBody),
}
