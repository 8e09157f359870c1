//! The crate's one error type.

use std::fmt;

/// Where in a file a problem was found (1-based line; 0 when unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line(pub usize);

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            Ok(())
        } else {
            write!(f, "line {}: ", self.0)
        }
    }
}

/// Everything that can go wrong while parsing, validating or rendering policy data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The policy file does not start with a `+++` front matter block, or the block is not closed.
    #[error("{0}front matter must start and end with a line of `+++`")]
    MissingFrontMatter(Line),
    /// The front matter is not valid TOML or does not fit the schema.
    #[error("{line}front matter: {message}")]
    FrontMatter {
        /// Line in the policy file.
        line: Line,
        /// What is wrong, in words.
        message: String,
    },
    /// `app.toml` is not valid TOML or does not fit the schema.
    #[error("{line}app.toml: {message}")]
    AppConfig {
        /// Line in `app.toml`.
        line: Line,
        /// What is wrong, in words.
        message: String,
    },
    /// A value that must be a `YYYY-MM-DD` calendar date is not one.
    #[error("not a calendar date (YYYY-MM-DD): {0:?}")]
    BadDate(String),
    /// An identifier (app id, version) has characters outside its allowed set.
    #[error("{what} {value:?} must be 1-{max} characters of a-z, 0-9, '-', '_' or '.'")]
    BadId {
        /// Which kind of identifier.
        what: &'static str,
        /// The offending value.
        value: String,
        /// Its maximum length.
        max: usize,
    },
    /// Text to import is empty or only whitespace.
    #[error("input is empty or contains only whitespace")]
    Empty,
    /// Input to import is binary data (NUL bytes or mostly control characters), not text.
    #[error("input is binary data (NUL bytes or mostly control characters), not text")]
    NotText,
    /// Input to import is not valid UTF-8.
    #[error("input is not valid UTF-8: invalid byte sequence at byte offset {offset}")]
    NotUtf8 {
        /// Byte offset of the first invalid sequence.
        offset: usize,
    },
    /// `policy publish` of a version that is already published.
    #[error("version {0:?} is already published; only a draft can be published")]
    AlreadyPublished(String),
    /// Input larger than the renderer or parser accepts.
    #[error("input is {size} bytes; the limit is {limit} bytes")]
    TooLarge {
        /// Size of the input in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
}

impl From<crate::wire::BadDate> for Error {
    fn from(e: crate::wire::BadDate) -> Self {
        Error::BadDate(e.0)
    }
}

/// Converts a byte offset in `text` to a 1-based line number.
pub(crate) fn line_at(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
