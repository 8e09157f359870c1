//! The API crate's one error type and its HTTP mapping.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use privacy_center_core::wire::ErrorBody;
use std::path::PathBuf;

/// Everything that can fail in the API, the store or the CLI.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// 404: the named thing does not exist (or is not visible to the caller).
    #[error("{0}")]
    NotFound(String),
    /// 405: the path exists but not with this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 500: the database failed. Details are logged, never returned.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// 500: migrating the database failed.
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// 500 (start-up only): a file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Start-up only: the policy tree has problems; each names its file and line.
    #[error("policy tree has {} problem(s):\n{}", .0.len(), .0.join("\n"))]
    Policies(Vec<String>),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Error::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Error::MethodNotAllowed => (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"),
            Error::Database(_) | Error::Migrate(_) | Error::Io { .. } | Error::Policies(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
            "Something went wrong on our side; please try again later.".to_owned()
        } else {
            self.to_string()
        };
        let body = ErrorBody {
            code: code.to_owned(),
            message,
            fields: Default::default(),
        };
        (status, Json(body)).into_response()
    }
}

/// Result with the crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
