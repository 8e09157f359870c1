//! The one JSON body extractor, and the one query-string extractor: every
//! way a body or a query can be wrong becomes the API's error shape instead
//! of axum's plain-text rejections.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

use crate::error::Error;

/// Largest request body accepted anywhere under `/api`.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A JSON request body of type `T` (whose fields are `deny_unknown_fields`).
///
/// Wrong content type → 415, body over `LIMIT` bytes (by default
/// [`MAX_BODY_BYTES`]) → 413 naming the limit, malformed JSON → 400
/// `bad_json`, JSON of the wrong shape → 422 `invalid` with `fields`. A
/// route with a larger `LIMIT` raises axum's `DefaultBodyLimit` to the
/// same constant.
#[derive(Debug, Clone)]
pub struct ApiJson<T, const LIMIT: usize = MAX_BODY_BYTES>(pub T);

/// Whether the headers declare a JSON body (`application/json`, any parameters).
pub fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

impl<T, S, const LIMIT: usize> FromRequest<S> for ApiJson<T, LIMIT>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        if !is_json(req.headers()) {
            return Err(Error::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Error::TooLarge(LIMIT)
            } else {
                Error::BadJson(e.body_text())
            }
        })?;
        parse(&bytes).map(ApiJson)
    }
}

/// A query string of type `T` (whose fields are `deny_unknown_fields`): a
/// query of the wrong shape is 422 `invalid` naming the query.
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| ApiQuery(q))
            .map_err(|e| Error::invalid_field("query", e.body_text()))
    }
}

/// Deserialises a body, classifying the failure.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(bytes).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => {
            let text = e.to_string();
            let (field, problem) = describe(&text);
            Error::Invalid {
                message: format!("the request body does not fit: {text}"),
                fields: BTreeMap::from([(field, problem)]),
            }
        }
        _ => Error::BadJson(e.to_string()),
    })
}

/// Pulls the field name out of serde's message (`unknown field `x`, …`).
fn describe(text: &str) -> (String, String) {
    let problem = text.split(" at line ").next().unwrap_or(text);
    let field = problem
        .split('`')
        .nth(1)
        .filter(|_| problem.starts_with("unknown field") || problem.starts_with("missing field"))
        .unwrap_or("body");
    let short = if problem.starts_with("unknown field") {
        "unknown field".to_owned()
    } else if problem.starts_with("missing field") {
        "required".to_owned()
    } else {
        problem.to_owned()
    };
    (field.to_owned(), short)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Req {
        a: String,
    }

    #[test]
    fn classifies_bodies() {
        assert!(matches!(parse::<Req>(b"{"), Err(Error::BadJson(_))));
        match parse::<Req>(br#"{"a":"x","b":1}"#) {
            Err(Error::Invalid { fields, .. }) => assert_eq!(fields["b"], "unknown field"),
            other => panic!("{other:?}"),
        }
        match parse::<Req>(b"{}") {
            Err(Error::Invalid { fields, .. }) => assert_eq!(fields["a"], "required"),
            other => panic!("{other:?}"),
        }
        assert!(parse::<Req>(br#"{"a":"x"}"#).is_ok());
    }
}
