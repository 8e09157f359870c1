//! Who is calling: per-app signing keys and service tokens ([`keys`]),
//! handoff tokens minted by host apps ([`token`]), the cookies ([`cookie`])
//! and sessions they are exchanged for ([`session`], the one mechanism
//! behind user and staff sessions; [`user`] for app users), and the
//! extractor of the signed-in user ([`extract`]).

pub mod cookie;
pub mod extract;
pub mod keys;
pub mod session;
pub mod token;
pub mod user;

use rand::RngCore;
use sha2::{Digest, Sha256};

pub use cookie::{CookieKind, SessionCookie};
pub use extract::{CurrentUser, LedgerUser, UserSessions};
pub use keys::{env_suffix, file_secret, Keys};
pub use session::new_session_value;
pub use token::{Claims, CLOCK_SKEW_SECS, DEFAULT_TTL_SECS, MAX_TTL_SECS};
pub use user::{
    end_session, start_session, SessionCache, SessionRow, CACHED_SESSIONS, SESSION_ABSOLUTE_SECS,
    SESSION_IDLE_SECS,
};

/// Random bytes in a generated signing key, service token or staff credential.
pub const SECRET_BYTES: usize = 32;
/// Sub-directory of the data directory holding keys.
pub const KEYS_DIR: &str = "keys";

/// `len` random bytes from the operating system's CSPRNG, lowercase hex.
pub fn random_hex(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// SHA-256, lowercase hex.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Whether a user id is acceptable: 1–128 printable ASCII characters, no spaces.
pub fn valid_user_id(user: &str) -> bool {
    (1..=128).contains(&user.len()) && user.bytes().all(|b| (0x21..=0x7e).contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_ids() {
        assert!(valid_user_id("u_1@x"));
        assert!(!valid_user_id(""));
        assert!(!valid_user_id("a b"));
        assert!(!valid_user_id("é"));
        assert!(!valid_user_id(&"x".repeat(129)));
    }
}
