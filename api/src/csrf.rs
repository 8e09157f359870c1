//! Cross-site request refusal for everything under `/api` that may change state.
//!
//! The session cookie is `SameSite=Lax`, which still lets other sites send
//! top-level navigations; so every method other than GET/HEAD/OPTIONS must
//! come from this origin (by `Sec-Fetch-Site` and `Origin`) and carry a JSON
//! body, which a plain HTML form cannot send. With `--public-url` given,
//! `Origin` is compared with that origin and `Host` must name it too;
//! without it, with `<scheme>://<Host>`.

use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

use crate::error::Error;
use crate::json::is_json;
use crate::state::Settings;

/// The middleware; see the module documentation.
pub async fn guard(State(settings): State<Arc<Settings>>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    match check(&settings, &req) {
        Ok(()) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

fn check(settings: &Settings, req: &Request) -> Result<(), Error> {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site") {
        if site != "same-origin" && site != "none" {
            return Err(Error::CrossSite);
        }
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let own = if settings.pin_origin {
        // A request for another host name (DNS rebinding, a stray virtual
        // host) is not one the configured origin's pages sent.
        let origin = settings.origin();
        let authority = origin.split_once("://").map_or(origin, |(_, a)| a);
        if !host.is_some_and(|h| h.eq_ignore_ascii_case(authority)) {
            return Err(Error::CrossSite);
        }
        origin.to_owned()
    } else {
        match host {
            Some(host) => format!("{}://{host}", settings.scheme()),
            None => String::new(),
        }
    };
    if let Some(origin) = headers.get(header::ORIGIN) {
        let same = !own.is_empty() && origin.to_str().is_ok_and(|o| o.eq_ignore_ascii_case(&own));
        if !same {
            return Err(Error::CrossSite);
        }
    }
    let has_body = headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .is_some_and(|len| len != "0");
    if has_body && !is_json(headers) {
        return Err(Error::UnsupportedMediaType);
    }
    Ok(())
}
