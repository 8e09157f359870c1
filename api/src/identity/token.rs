//! Handoff tokens: minted by a host app's back end with its app's key,
//! checked here before they are exchanged for a session.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::keys::{AppKeys, Keys};
use super::{random_hex, valid_user_id};
use crate::error::{Error, Result, TokenRefusal};

type HmacSha256 = Hmac<Sha256>;

/// Default lifetime of a minted handoff token.
pub const DEFAULT_TTL_SECS: u64 = 60;
/// Longest lifetime a handoff token may have.
pub const MAX_TTL_SECS: u64 = 120;
/// How far a host app's clock may run ahead of ours.
pub const CLOCK_SKEW_SECS: i64 = 5;
/// Longest token looked at; real ones are ~200 bytes.
const MAX_TOKEN_CHARS: usize = 2048;

/// The claims inside a handoff token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claims {
    /// Format version; always 1.
    pub v: u8,
    /// App id whose key signed the token.
    pub app: String,
    /// User id within the app.
    pub sub: String,
    /// Expiry, Unix seconds.
    pub exp: i64,
    /// Random 128-bit id, lowercase hex; each may be used once.
    pub jti: String,
}

impl Keys {
    /// Mints a handoff token for `user` of `app`, valid `ttl_secs` from `now`.
    pub fn mint(&self, app: &str, user: &str, ttl_secs: u64, now: i64) -> Result<String> {
        let keys = self
            .apps
            .get(app)
            .ok_or_else(|| Error::NotFound(format!("no app named {app:?}")))?;
        if !valid_user_id(user) {
            return Err(Error::invalid_field(
                "user",
                "must be 1-128 printable ASCII characters without spaces",
            ));
        }
        if !(1..=MAX_TTL_SECS).contains(&ttl_secs) {
            return Err(Error::invalid_field(
                "ttl_secs",
                format!("must be 1-{MAX_TTL_SECS}"),
            ));
        }
        let claims = Claims {
            v: 1,
            app: app.to_owned(),
            sub: user.to_owned(),
            exp: now + ttl_secs as i64,
            jti: random_hex(16),
        };
        let payload = serde_json::to_vec(&claims).map_err(|e| Error::Internal(e.to_string()))?;
        let first = URL_SAFE_NO_PAD.encode(payload);
        let mut mac = HmacSha256::new_from_slice(&keys.hmac).expect("HMAC takes any key length");
        mac.update(first.as_bytes());
        let sig = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        Ok(format!("{first}.{sig}"))
    }

    /// Checks a handoff token's form, signature and lifetime at time `now`.
    /// Single use is enforced separately, when the session is created.
    ///
    /// A signature that the named app's key does not verify but another
    /// app's key does is reported as `token_wrong_app` (a host backend
    /// signing with the wrong app's key), any other as `token_invalid`.
    pub fn verify(&self, token: &str, now: i64) -> Result<Claims> {
        let refuse = |r: TokenRefusal| Error::Token(r);
        let malformed = || refuse(TokenRefusal::Invalid("it is malformed"));
        if token.len() > MAX_TOKEN_CHARS {
            return Err(malformed());
        }
        let (first, sig) = token.split_once('.').ok_or_else(malformed)?;
        let payload = URL_SAFE_NO_PAD.decode(first).map_err(|_| malformed())?;
        let sig = URL_SAFE_NO_PAD.decode(sig).map_err(|_| malformed())?;
        let claims: Claims = serde_json::from_slice(&payload).map_err(|_| malformed())?;
        let signed_by = |keys: &AppKeys| {
            let mut mac =
                HmacSha256::new_from_slice(&keys.hmac).expect("HMAC takes any key length");
            mac.update(first.as_bytes());
            mac.verify_slice(&sig).is_ok()
        };
        if !self.apps.get(&claims.app).is_some_and(signed_by) {
            let other_app = self
                .apps
                .iter()
                .any(|(app, keys)| *app != claims.app && signed_by(keys));
            return Err(if other_app {
                refuse(TokenRefusal::WrongApp(
                    "it was signed with the key of another app than the one it names",
                ))
            } else if !self.apps.contains_key(&claims.app) {
                refuse(TokenRefusal::WrongApp(
                    "it names an app this server does not serve",
                ))
            } else {
                refuse(TokenRefusal::Invalid("its signature does not verify"))
            });
        }
        if claims.v != 1 {
            return Err(refuse(TokenRefusal::Invalid("its format version is not 1")));
        }
        if claims.exp <= now {
            return Err(refuse(TokenRefusal::Expired));
        }
        if claims.exp > now + MAX_TTL_SECS as i64 + CLOCK_SKEW_SECS {
            return Err(refuse(TokenRefusal::Invalid(
                "its exp is more than 120 s ahead (is the host's clock right?)",
            )));
        }
        if !valid_user_id(&claims.sub) {
            return Err(refuse(TokenRefusal::Invalid(
                "its user id (sub) must be 1-128 printable ASCII characters without spaces",
            )));
        }
        // Lower case only: the replay check compares jti byte for byte, so
        // an upper-cased twin of a used token would otherwise sign in again.
        if claims.jti.len() != 32
            || !claims
                .jti
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(refuse(TokenRefusal::Invalid(
                "its jti must be 32 lowercase hexadecimal digits",
            )));
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::keys::tests::keys;

    #[test]
    fn tokens_verify_only_with_their_own_app_key_and_lifetime() {
        let dir = tempfile::tempdir().unwrap();
        let k = keys(dir.path());
        let now = 1_000_000;
        let token = k.mint("a", "u-1", 60, now).unwrap();
        let claims = k.verify(&token, now).unwrap();
        assert_eq!((claims.app.as_str(), claims.sub.as_str()), ("a", "u-1"));
        assert!(k.verify(&token, now + 60).is_err(), "expired");
        // Same payload claiming app b: b's key does not verify a's signature.
        let (first, sig) = token.split_once('.').unwrap();
        let mut c = claims.clone();
        c.app = "b-c".into();
        let forged = format!(
            "{}.{sig}",
            URL_SAFE_NO_PAD.encode(serde_json::to_vec(&c).unwrap())
        );
        assert!(k.verify(&forged, now).is_err());
        let mut bad_sig = URL_SAFE_NO_PAD.decode(sig).unwrap();
        bad_sig[0] ^= 1;
        let tampered = format!("{first}.{}", URL_SAFE_NO_PAD.encode(bad_sig));
        assert!(k.verify(&tampered, now).is_err());
        assert!(k.verify("garbage", now).is_err());
        assert!(k.mint("a", "has space", 60, now).is_err());
        assert!(k.mint("a", "u", 121, now).is_err());
    }

    #[test]
    fn a_jti_not_in_lowercase_hex_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let k = keys(dir.path());
        let now = 1_000_000;
        let token = k.mint("a", "u", 60, now).unwrap();
        let claims = k.verify(&token, now).unwrap();
        // The same token with its jti upper-cased, signed with the app's key
        // (as a host back end could): a twin the replay check would miss.
        let resign = |jti: String| {
            let payload = URL_SAFE_NO_PAD.encode(
                serde_json::to_vec(&Claims {
                    jti,
                    ..claims.clone()
                })
                .unwrap(),
            );
            let mut mac = HmacSha256::new_from_slice(&k.apps["a"].hmac).unwrap();
            mac.update(payload.as_bytes());
            format!(
                "{payload}.{}",
                URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
            )
        };
        let jti = "9f86d081884c7d659a2feaa0c55ad015";
        assert!(k.verify(&resign(jti.to_owned()), now).is_ok());
        match k.verify(&resign(jti.to_ascii_uppercase()), now) {
            Err(Error::Token(TokenRefusal::Invalid(why))) => assert!(why.contains("lowercase")),
            other => panic!("upper-case twin: {other:?}"),
        }
    }

    #[test]
    fn tokens_valid_too_long_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let k = keys(dir.path());
        let token = k.mint("a", "u", 120, 1_000_000).unwrap();
        assert!(k.verify(&token, 1_000_000 - 5).is_ok(), "within skew");
        assert!(k.verify(&token, 1_000_000 - 6).is_err());
    }
}
