//! Who is signed in: the session context, the webview handoff and the dev banner.

use leptos::prelude::*;
use privacy_center_core::routes::Route;
use privacy_center_core::wire::{Channel, ErrorCode, Me, SessionState};

use crate::api::{self, ApiError};
use crate::i18n::use_i18n;
use crate::load::{load, Load};

/// Why a handoff token from the URL fragment was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoffError {
    /// The token's time ran out (`token_expired`).
    Expired,
    /// The token was already exchanged once (`token_replayed`).
    Used,
    /// The token is another app's (`token_wrong_app`).
    WrongApp,
    /// Anything else: bad signature, malformed, server unreachable.
    Invalid,
}

impl HandoffError {
    /// By the error's machine-readable `code`, never by its message.
    fn from_api(e: &ApiError) -> HandoffError {
        let code = match e {
            ApiError::Server { body: Some(b), .. } => b.code,
            _ => ErrorCode::Unknown,
        };
        match code {
            ErrorCode::TokenExpired => HandoffError::Expired,
            ErrorCode::TokenReplayed => HandoffError::Used,
            ErrorCode::TokenWrongApp => HandoffError::WrongApp,
            _ => HandoffError::Invalid,
        }
    }
}

/// The session context, provided by [`provide_session`] at the App level.
#[derive(Clone, Copy)]
pub struct Session {
    /// The user and the server's mode, loaded like any page's data. Pages
    /// that read the user never wait on it: the policy text must not wait
    /// for the session. A refresh keeps the last answer until the next.
    known: Load<SessionState>,
    handoff_error: RwSignal<Option<HandoffError>>,
}

impl Session {
    /// The signed-in user (tracked); `None` while loading or when signed out.
    pub fn me(&self) -> Option<Me> {
        self.known
            .with(|k| k.and_then(|k| k.as_ref().ok()?.me.clone()))
    }

    /// Whether the first answer has arrived (tracked).
    pub fn loaded(&self) -> bool {
        self.known.with(|k| k.is_some())
    }

    /// Reloads the user and their consent standing from the server.
    pub fn refresh(&self) {
        self.known.reload();
    }

    /// Whether the server runs in development mode (tracked); false until known.
    pub fn dev(&self) -> bool {
        self.dev_known().unwrap_or(false)
    }

    /// Whether the server runs in development mode, once known (tracked).
    pub fn dev_known(&self) -> Option<bool> {
        self.known
            .with(|k| k.map(|k| k.as_ref().is_ok_and(|k| k.dev)))
    }

    /// Why the handoff token in the URL was refused, if it was (tracked).
    pub fn handoff_error(&self) -> Option<HandoffError> {
        self.handoff_error.get()
    }
}

/// Takes a `token=` parameter out of `location.hash` and removes the
/// fragment from the address bar at once (path and query kept), so nothing
/// later (router, logs, Referer, a reload) can see it.
fn take_fragment_token() -> Option<String> {
    let location = window().location();
    let token = token_in_fragment(&location.hash().ok()?)?;
    let path = format!(
        "{}{}",
        location.pathname().unwrap_or_else(|_| "/".into()),
        location.search().unwrap_or_default()
    );
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
    Some(token).filter(|t| !t.is_empty())
}

/// The app of a handoff URL, `/{app}`: the one page host apps open with a
/// token. Other paths name no app.
fn app_in_path(path: &str) -> Option<String> {
    match Route::parse(path)? {
        Route::Policy { app } => Some(app),
        _ => None,
    }
}

/// The `token=` parameter of a URL fragment such as `#token=abc&x=1`.
fn token_in_fragment(hash: &str) -> Option<String> {
    hash.trim_start_matches('#')
        .split('&')
        .find_map(|kv| kv.strip_prefix("token="))
        .map(str::to_owned)
}

/// Provides the [`Session`] context. A handoff token in the URL fragment is
/// exchanged for a session cookie before the user is first loaded; it is
/// kept only inside that one request.
pub fn provide_session() {
    // The handoff token of the URL and the app it was opened on, until the
    // first load exchanges it.
    let pending = StoredValue::new(take_fragment_token().map(|token| {
        let path = window().location().pathname().unwrap_or_default();
        (token, app_in_path(&path))
    }));
    let handoff_error = RwSignal::new(None);
    let known = load(
        || (),
        move |()| {
            let token = pending.try_update_value(Option::take).flatten();
            async move {
                let refused = match token {
                    Some((token, app)) => api::sign_in(token, Channel::Webview, app)
                        .await
                        .map_err(|e| handoff_error.try_set(Some(HandoffError::from_api(&e))))
                        .is_err(),
                    None => false,
                };
                let mut known = api::session().await?;
                if refused {
                    // Not whoever an older cookie says: the app meant someone else.
                    known.me = None;
                }
                Ok(known)
            }
        },
    );
    provide_context(Session {
        known,
        handoff_error,
    });
}

/// The session context; panics outside [`provide_session`]'s tree.
pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// The yellow "development mode" bar, on every page while the server runs with `--dev`.
#[component]
pub fn DevBanner() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    move || {
        session.dev().then(|| {
            view! {
                <p class="dev-banner">
                    {i18n.t().dev_banner}" · "
                    <a href="/dev/sign-in">{i18n.t().dev_sign_in}</a>
                </p>
            }
        })
    }
}

/// Says why the sign-in link from the app did not work.
#[component]
pub fn HandoffAlert() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    move || {
        session.handoff_error().map(|e| {
            let t = i18n.t();
            let reason = match e {
                HandoffError::Expired => t.handoff_expired,
                HandoffError::Used => t.handoff_used,
                HandoffError::WrongApp => t.handoff_wrong_app,
                HandoffError::Invalid => t.handoff_invalid,
            };
            view! {
                <section class="notice notice-error" role="alert">
                    <h2>{t.handoff_failed}</h2>
                    <p>{reason}" "{t.handoff_reopen}</p>
                </section>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use privacy_center_core::wire::ErrorBody;

    #[test]
    fn finds_the_token_in_the_fragment() {
        assert_eq!(token_in_fragment("#token=a.b"), Some("a.b".into()));
        assert_eq!(token_in_fragment("#x=1&token=a.b&y=2"), Some("a.b".into()));
        assert_eq!(token_in_fragment("#section-2"), None);
        assert_eq!(token_in_fragment(""), None);
    }

    fn refused(code: ErrorCode) -> ApiError {
        ApiError::Server {
            status: 401,
            body: Some(ErrorBody {
                code,
                // The message is for people and may change; only the code counts.
                message: "expired already been used".into(),
                fields: Default::default(),
            }),
        }
    }

    #[test]
    fn tells_refusals_apart_by_code() {
        for (code, want) in [
            (ErrorCode::TokenExpired, HandoffError::Expired),
            (ErrorCode::TokenReplayed, HandoffError::Used),
            (ErrorCode::TokenWrongApp, HandoffError::WrongApp),
            (ErrorCode::TokenInvalid, HandoffError::Invalid),
            (ErrorCode::Internal, HandoffError::Invalid),
            (ErrorCode::Unknown, HandoffError::Invalid),
        ] {
            assert_eq!(HandoffError::from_api(&refused(code)), want, "{code:?}");
        }
        assert_eq!(
            HandoffError::from_api(&ApiError::Network("offline")),
            HandoffError::Invalid
        );
    }

    #[test]
    fn only_a_single_segment_path_names_the_app() {
        assert_eq!(app_in_path("/vchat"), Some("vchat".into()));
        assert_eq!(app_in_path("/vchat/"), Some("vchat".into()));
        assert_eq!(app_in_path("/"), None);
        assert_eq!(app_in_path("/me/consents"), None);
        assert_eq!(app_in_path("/vchat/v/2024-01-01"), None);
    }
}
