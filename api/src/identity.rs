//! Who is calling: per-app signing keys and service tokens, handoff tokens
//! minted by host apps, and the cookie sessions they are exchanged for.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use privacy_center_core::wire::Channel;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::Path;
use subtle::ConstantTimeEq;

use crate::cache::EpochCache;
use crate::clock::{now_ms, now_secs};
use crate::error::{Error, Result, TokenRefusal};
use crate::state::AppState;
use crate::store::Store;

type HmacSha256 = Hmac<Sha256>;

/// Default lifetime of a minted handoff token.
pub const DEFAULT_TTL_SECS: u64 = 60;
/// Longest lifetime a handoff token may have.
pub const MAX_TTL_SECS: u64 = 120;
/// How far a host app's clock may run ahead of ours.
pub const CLOCK_SKEW_SECS: i64 = 5;
/// A session unused this long ends.
pub const SESSION_IDLE_SECS: i64 = 30 * 60;
/// A session ends this long after it started, however busy.
pub const SESSION_ABSOLUTE_SECS: i64 = 12 * 60 * 60;
/// `last_seen_at` is written at most this often, so reads stay reads.
const TOUCH_INTERVAL_SECS: i64 = 60;
/// Random bytes in a generated signing key or service token.
pub(crate) const SECRET_BYTES: usize = 32;
/// Longest token looked at; real ones are ~200 bytes.
const MAX_TOKEN_CHARS: usize = 2048;
/// Sub-directory of the data directory holding keys.
pub(crate) const KEYS_DIR: &str = "keys";

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

/// One app's secrets.
struct AppKeys {
    hmac: Vec<u8>,
    service: String,
}

/// Every app's handoff signing key and service token.
pub struct Keys {
    apps: BTreeMap<String, AppKeys>,
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keys")
            .field("apps", &self.apps.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// The environment variable suffix for an app id: `vchat-lite` → `VCHAT_LITE`.
pub fn env_suffix(app: &str) -> String {
    app.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

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
    /// Loads (generating where absent) the keys of every app, with secrets from
    /// `PRIVACY_CENTER_KEY_<APP>` / `PRIVACY_CENTER_SERVICE_TOKEN_<APP>` taking
    /// precedence over files in `<data_dir>/keys/`.
    pub fn load<'a>(data_dir: &Path, apps: impl IntoIterator<Item = &'a str>) -> Result<Keys> {
        Keys::load_with(data_dir, apps, |name| std::env::var(name).ok())
    }

    /// [`Keys::load`] with an explicit environment, for tests.
    pub fn load_with<'a>(
        data_dir: &Path,
        apps: impl IntoIterator<Item = &'a str>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Keys> {
        let dir = data_dir.join(KEYS_DIR);
        let mut out = BTreeMap::new();
        for app in apps {
            let suffix = env_suffix(app);
            let key_var = format!("PRIVACY_CENTER_KEY_{suffix}");
            let hmac_hex = match env(&key_var) {
                Some(v) => v,
                None => file_secret(&dir, &format!("{app}.key"))?,
            };
            let hmac = hex::decode(hmac_hex.trim())
                .ok()
                .filter(|k| k.len() >= SECRET_BYTES)
                .ok_or_else(|| {
                    Error::Config(format!(
                        "the signing key of {app:?} ({key_var} or keys/{app}.key) must be at least {SECRET_BYTES} bytes of hex"
                    ))
                })?;
            let token_var = format!("PRIVACY_CENTER_SERVICE_TOKEN_{suffix}");
            let service = match env(&token_var) {
                Some(v) => v,
                None => file_secret(&dir, &format!("{app}.service"))?,
            };
            let service = service.trim().to_owned();
            if service.len() < SECRET_BYTES || !service.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(Error::Config(format!(
                    "the service token of {app:?} ({token_var} or keys/{app}.service) must be at least {SECRET_BYTES} printable characters"
                )));
            }
            out.insert(app.to_owned(), AppKeys { hmac, service });
        }
        Ok(Keys { apps: out })
    }

    /// Whether an app has keys.
    pub fn has_app(&self, app: &str) -> bool {
        self.apps.contains_key(app)
    }

    /// An app's service token, for `privacy-center token --service`.
    pub fn service_token(&self, app: &str) -> Option<&str> {
        self.apps.get(app).map(|k| k.service.as_str())
    }

    /// Whether `presented` is `app`'s service token (constant time).
    pub fn check_service_token(&self, app: &str, presented: &str) -> bool {
        // Comparing digests keeps the comparison constant-time in the length too.
        let Some(keys) = self.apps.get(app) else {
            return false;
        };
        let want = Sha256::digest(keys.service.as_bytes());
        let got = Sha256::digest(presented.as_bytes());
        want.ct_eq(&got).into()
    }

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
        if claims.jti.len() != 32 || !claims.jti.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(refuse(TokenRefusal::Invalid(
                "its jti must be 32 hexadecimal digits",
            )));
        }
        Ok(claims)
    }
}

/// Reads a secret file, creating it with fresh random hex (mode 0600) when absent.
pub(crate) fn file_secret(dir: &Path, name: &str) -> Result<String> {
    let path = dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(s) => return Ok(s),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(&path)(e)),
    }
    create_private_dir(dir)?;
    // Written aside and hard-linked into place: a server and the CLI starting
    // together must end up with the same key, never a half-written one.
    let tmp = dir.join(format!(".{name}.{}", random_hex(8)));
    write_private(&tmp, &format!("{}\n", random_hex(SECRET_BYTES)))?;
    let linked = std::fs::hard_link(&tmp, &path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(Error::io(&path)(e)),
    }
    std::fs::read_to_string(&path).map_err(Error::io(&path))
}

fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(Error::io(dir))
}

fn write_private(path: &Path, content: &str) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(Error::io(path))?;
    file.write_all(content.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(Error::io(path))
}

/// Which session a cookie carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieKind {
    /// An app user's session (`pc_session`, `SameSite=Lax` so a host app's
    /// link into the privacy center arrives signed in).
    User,
    /// The product team's session (`pc_staff`, `SameSite=Strict`: it is only
    /// ever needed on the preview pages, never after a cross-site link).
    Staff,
}

/// A session cookie's name and attributes, which depend on its kind and on
/// whether the server is reached over https.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionCookie {
    /// Served over https: `__Host-` prefix and `Secure`.
    pub secure: bool,
    /// User or staff session.
    pub kind: CookieKind,
}

impl SessionCookie {
    /// The user session cookie.
    pub fn user(secure: bool) -> SessionCookie {
        SessionCookie {
            secure,
            kind: CookieKind::User,
        }
    }

    /// The staff session cookie.
    pub fn staff(secure: bool) -> SessionCookie {
        SessionCookie {
            secure,
            kind: CookieKind::Staff,
        }
    }

    /// `__Host-pc_session` / `__Host-pc_staff` over https, else without the prefix.
    pub fn name(self) -> &'static str {
        match (self.kind, self.secure) {
            (CookieKind::User, true) => "__Host-pc_session",
            (CookieKind::User, false) => "pc_session",
            (CookieKind::Staff, true) => "__Host-pc_staff",
            (CookieKind::Staff, false) => "pc_staff",
        }
    }

    fn attributes(self, max_age: i64) -> String {
        let secure = if self.secure { "; Secure" } else { "" };
        let same_site = match self.kind {
            CookieKind::User => "Lax",
            CookieKind::Staff => "Strict",
        };
        format!("; HttpOnly; SameSite={same_site}; Path=/; Max-Age={max_age}{secure}")
    }

    /// `Set-Cookie` that stores a new session valid for `max_age` seconds.
    pub fn set(self, value: &str, max_age: i64) -> HeaderValue {
        let cookie = format!("{}={value}{}", self.name(), self.attributes(max_age));
        HeaderValue::from_str(&cookie).expect("cookie is ASCII")
    }

    /// `Set-Cookie` that makes the browser forget the session.
    pub fn clear(self) -> HeaderValue {
        let cookie = format!("{}={}", self.name(), self.attributes(0));
        HeaderValue::from_str(&cookie).expect("cookie is ASCII")
    }

    /// The session cookie's value in a request, if any.
    pub fn read(self, headers: &HeaderMap) -> Option<String> {
        headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == self.name())
            .map(|(_, value)| value.trim().to_owned())
            .filter(|v| !v.is_empty())
    }
}

/// 256 random bits, base64url: a new session cookie's value.
pub fn new_session_value() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

/// A session row as the request path needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// App id.
    pub app: String,
    /// User id within the app.
    pub user_id: String,
    /// Where the session was started.
    pub channel: Channel,
    /// When it started, Unix milliseconds.
    pub created_ms: i64,
    /// Last use, Unix seconds (written at most once a minute).
    pub last_seen_at: i64,
    /// Absolute end, Unix seconds.
    pub expires_at: i64,
}

/// Sessions by the SHA-256 of their cookie value, kept in memory after
/// their first use so a signed-in request needs no database read. Every
/// change to a session row goes through this module, which updates or
/// invalidates the entry after the database; expiry is checked on each use.
pub type SessionCache = EpochCache<String, SessionRow>;

/// Sessions kept in memory.
pub const CACHED_SESSIONS: usize = 100_000;

/// Starts a session for `user` of `app`; returns the cookie value.
///
/// In one transaction: expired tokens and sessions are pruned, the token's
/// `jti` is consumed (a replay fails here and nothing else is written), the
/// session being replaced (if the browser presented one) is deleted, and the
/// new session row is stored by the SHA-256 of its value.
pub async fn start_session(
    store: &Store,
    sessions: &SessionCache,
    app: &str,
    user: &str,
    channel: Channel,
    token: Option<&Claims>,
    replaces: Option<&str>,
) -> Result<String> {
    let now_ms = now_ms();
    let now = now_ms.div_euclid(1000);
    let value = new_session_value();
    let mut tx = store.pool().begin().await?;
    // A write comes first so the transaction takes the write lock at once.
    sqlx::query("DELETE FROM used_tokens WHERE expires_at < ?")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?")
        .bind(now)
        .bind(now - SESSION_IDLE_SECS)
        .execute(&mut *tx)
        .await?;
    if let Some(claims) = token {
        let inserted =
            sqlx::query("INSERT INTO used_tokens (jti, app, expires_at) VALUES (?, ?, ?)")
                .bind(&claims.jti)
                .bind(&claims.app)
                .bind(claims.exp)
                .execute(&mut *tx)
                .await;
        match inserted {
            Ok(_) => {}
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(Error::Token(TokenRefusal::Replayed));
            }
            Err(e) => return Err(e.into()),
        }
    }
    if let Some(old) = replaces {
        sqlx::query("DELETE FROM sessions WHERE id_hash = ?")
            .bind(sha256_hex(old.as_bytes()))
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "INSERT INTO sessions (id_hash, app, user_id, channel, created_at, created_ms, last_seen_at, expires_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(sha256_hex(value.as_bytes()))
    .bind(app)
    .bind(user)
    .bind(channel.as_str())
    .bind(now)
    .bind(now_ms)
    .bind(now)
    .bind(now + SESSION_ABSOLUTE_SECS)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    if let Some(old) = replaces {
        sessions.invalidate(&sha256_hex(old.as_bytes()));
    }
    Ok(value)
}

/// Ends the session whose cookie value is `value` (if it exists).
pub async fn end_session(store: &Store, sessions: &SessionCache, value: &str) -> Result<()> {
    let id_hash = sha256_hex(value.as_bytes());
    sqlx::query("DELETE FROM sessions WHERE id_hash = ?")
        .bind(&id_hash)
        .execute(store.pool())
        .await?;
    sessions.invalidate(&id_hash);
    Ok(())
}

/// The signed-in user of a request: extracting it answers 401
/// `unauthenticated` when there is no live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentUser {
    /// App id.
    pub app: String,
    /// User id within the app.
    pub user_id: String,
    /// Where the session was started.
    pub channel: Channel,
    /// SHA-256 (hex) of the session cookie's value: the session row's key.
    pub session: String,
    /// When the session started, Unix milliseconds: a "Not now" after it
    /// holds for this session only.
    pub started_ms: i64,
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let unauthenticated = || Error::Unauthenticated("please sign in first".to_owned());
        let value = state
            .cookie
            .read(&parts.headers)
            .ok_or_else(unauthenticated)?;
        let id_hash = sha256_hex(value.as_bytes());
        let session = match state.sessions.get(&id_hash) {
            Some(s) => s,
            None => {
                let epoch = state.sessions.epoch();
                let row: Option<(String, String, String, i64, i64, i64)> = sqlx::query_as(
                    "SELECT app, user_id, channel, created_ms, last_seen_at, expires_at \
                     FROM sessions WHERE id_hash = ?",
                )
                .bind(&id_hash)
                .fetch_optional(state.store.pool())
                .await?;
                let (app, user_id, channel, created_ms, last_seen_at, expires_at) =
                    row.ok_or_else(unauthenticated)?;
                let s = SessionRow {
                    app,
                    user_id,
                    channel: Channel::parse(&channel).unwrap_or_default(),
                    created_ms,
                    last_seen_at,
                    expires_at,
                };
                state.sessions.fill(epoch, id_hash.clone(), s.clone());
                s
            }
        };
        let now = now_secs();
        if session.expires_at <= now || session.last_seen_at + SESSION_IDLE_SECS <= now {
            end_session(&state.store, &state.sessions, &value).await?;
            return Err(Error::Unauthenticated(
                "your session has ended; please sign in again".to_owned(),
            ));
        }
        if state.catalog.app(&session.app).is_none() {
            return Err(unauthenticated());
        }
        if now - session.last_seen_at >= TOUCH_INTERVAL_SECS {
            sqlx::query("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?")
                .bind(now)
                .bind(&id_hash)
                .execute(state.store.pool())
                .await?;
            state
                .sessions
                .update(&id_hash, |s| s.last_seen_at = s.last_seen_at.max(now));
        }
        Ok(CurrentUser {
            app: session.app,
            user_id: session.user_id,
            channel: session.channel,
            session: id_hash,
            started_ms: session.created_ms,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(dir: &Path) -> Keys {
        Keys::load_with(dir, ["a", "b-c"], |_| None).unwrap()
    }

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
    fn tokens_valid_too_long_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let k = keys(dir.path());
        let token = k.mint("a", "u", 120, 1_000_000).unwrap();
        assert!(k.verify(&token, 1_000_000 - 5).is_ok(), "within skew");
        assert!(k.verify(&token, 1_000_000 - 6).is_err());
    }

    #[test]
    fn keys_are_generated_once_private_and_env_wins() {
        let dir = tempfile::tempdir().unwrap();
        let first = keys(dir.path());
        let second = keys(dir.path());
        assert_eq!(first.service_token("a"), second.service_token("a"));
        let token = first.mint("b-c", "u", 60, 10).unwrap();
        assert!(second.verify(&token, 10).is_ok());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("keys/a.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let env_key = "ab".repeat(32);
        let from_env = Keys::load_with(dir.path(), ["b-c"], |name| {
            (name == "PRIVACY_CENTER_KEY_B_C").then(|| env_key.clone())
        })
        .unwrap();
        assert!(
            from_env.verify(&token, 10).is_err(),
            "env key replaces the file"
        );
        let short = Keys::load_with(dir.path(), ["a"], |name| {
            (name == "PRIVACY_CENTER_KEY_A").then(|| "abcd".to_owned())
        });
        assert!(short.is_err());
        assert!(first.check_service_token("a", first.service_token("a").unwrap()));
        assert!(!first.check_service_token("b-c", first.service_token("a").unwrap()));
    }

    #[test]
    fn cookies_follow_the_scheme() {
        let plain = SessionCookie::user(false).set("v", 43200);
        assert_eq!(
            plain,
            "pc_session=v; HttpOnly; SameSite=Lax; Path=/; Max-Age=43200"
        );
        let staff = SessionCookie::staff(false).set("v", 60);
        assert_eq!(
            staff,
            "pc_staff=v; HttpOnly; SameSite=Strict; Path=/; Max-Age=60"
        );
        let secure = SessionCookie::user(true).set("v", 1);
        assert!(secure.to_str().unwrap().starts_with("__Host-pc_session=v;"));
        assert!(secure.to_str().unwrap().ends_with("; Secure"));
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "x=1; pc_session=abc; y=2".parse().unwrap());
        assert_eq!(SessionCookie::user(false).read(&h).as_deref(), Some("abc"));
        assert_eq!(SessionCookie::user(true).read(&h), None);
        assert_eq!(SessionCookie::staff(false).read(&h), None);
    }

    #[test]
    fn user_ids() {
        assert!(valid_user_id("u_1@x"));
        assert!(!valid_user_id(""));
        assert!(!valid_user_id("a b"));
        assert!(!valid_user_id("é"));
        assert!(!valid_user_id(&"x".repeat(129)));
    }
}
