//! The product team's access to drafts: one staff credential configured on
//! the server, exchanged for a staff session cookie. Sign-in attempts that
//! fail are throttled per client address and across all clients (except
//! that a client with a live staff session is held to its own address's
//! limit only), and a throttled client is refused before its credential is
//! even compared.
//! Staff sessions are the one session mechanism of
//! [`crate::identity::session`] with the [`STAFF`] table and lifetimes.

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use sha2::{Digest, Sha256};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::time::Duration;
use subtle::ConstantTimeEq;

use crate::clock::now_secs;
use crate::error::{Error, Result};
use crate::identity::session::STAFF;
use crate::identity::{file_secret, sha256_hex, SessionCookie, KEYS_DIR, SECRET_BYTES};
use crate::store::{AsConn, Store};
use crate::throttle::Throttle;
use std::sync::Arc;

/// Environment variable that supplies the staff credential (else `keys/staff.credential`).
pub const CREDENTIAL_VAR: &str = "PRIVACY_CENTER_STAFF_CREDENTIAL";
/// File in the data directory's `keys/` holding a generated credential.
const CREDENTIAL_FILE: &str = "staff.credential";
/// A staff session unused this long ends.
pub const STAFF_IDLE_SECS: i64 = STAFF.idle_secs;
/// A staff session ends this long after it started.
pub const STAFF_ABSOLUTE_SECS: i64 = STAFF.absolute_secs;
/// Failed sign-ins counted within this window.
pub const THROTTLE_WINDOW: Duration = Duration::from_secs(60);
/// Failed sign-ins one client address may make per window.
pub const FAILURES_PER_CLIENT: usize = 5;
/// Failed sign-ins all clients together may make per window.
pub const FAILURES_GLOBAL: usize = 20;

/// The staff credential. Its `Debug` never shows the secret.
pub struct Credential {
    secret: String,
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credential(..)")
    }
}

impl Credential {
    /// `PRIVACY_CENTER_STAFF_CREDENTIAL`, else `<data_dir>/keys/staff.credential`
    /// (generated, mode 0600, on first use by the server or the CLI).
    pub fn load(data_dir: &Path) -> Result<Credential> {
        Credential::load_with(data_dir, |name| std::env::var(name).ok())
    }

    /// [`Credential::load`] with an explicit environment, for tests.
    pub fn load_with(data_dir: &Path, env: impl Fn(&str) -> Option<String>) -> Result<Credential> {
        let secret = match env(CREDENTIAL_VAR) {
            Some(v) => v,
            None => file_secret(&data_dir.join(KEYS_DIR), CREDENTIAL_FILE)?,
        };
        let secret = secret.trim().to_owned();
        if secret.len() < SECRET_BYTES || !secret.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::Config(format!(
                "the staff credential ({CREDENTIAL_VAR} or keys/{CREDENTIAL_FILE}) must be at least {SECRET_BYTES} printable characters"
            )));
        }
        Ok(Credential { secret })
    }

    /// The credential, for `privacy-center staff-credential`.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// Whether `presented` is the credential. Digests are compared in
    /// constant time, so neither content nor length leaks through timing.
    pub fn matches(&self, presented: &str) -> bool {
        let want = Sha256::digest(self.secret.as_bytes());
        let got = Sha256::digest(presented.as_bytes());
        want.ct_eq(&got).into()
    }
}

/// The sign-in throttle: failed attempts per client address and overall
/// ([`THROTTLE_WINDOW`], [`FAILURES_PER_CLIENT`], [`FAILURES_GLOBAL`]).
pub fn sign_in_throttle() -> Throttle {
    Throttle::new(
        "staff_sign_in",
        THROTTLE_WINDOW,
        FAILURES_PER_CLIENT,
        FAILURES_GLOBAL,
    )
}

/// The credential and the sign-in throttle of a running server.
#[derive(Debug)]
pub struct StaffAccess {
    /// What the product team signs in with.
    pub credential: Credential,
    /// Failed sign-in counter.
    pub throttle: Throttle,
}

/// The client's address: the socket's peer, unless the peer is a trusted
/// proxy (`--trusted-proxy`), whose `X-Forwarded-For` then names it (see
/// [`client_address`]). Requests without a peer share the unspecified address.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

/// The proxies whose `X-Forwarded-For` is believed (`--trusted-proxy`).
#[derive(Debug, Clone)]
pub struct TrustedProxies(pub Arc<[ipnet::IpNet]>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp
where
    TrustedProxies: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
        let trusted = TrustedProxies::from_ref(state);
        let forwarded = parts
            .headers
            .get_all(FORWARDED_FOR)
            .iter()
            .filter_map(|v| v.to_str().ok());
        Ok(ClientIp(client_address(peer, forwarded, &trusted.0)))
    }
}

/// The header a proxy appends the address it received a request from to.
const FORWARDED_FOR: &str = "x-forwarded-for";

/// Who sent a request that reached us from `peer` with these
/// `X-Forwarded-For` values: walking the hops from the nearest, every
/// trusted proxy passes the request on; the first hop that is not one is
/// the client (anything further left was written by the client itself and
/// proves nothing). A garbled hop ends the walk at the last proxy.
pub fn client_address<'a>(
    peer: IpAddr,
    forwarded: impl Iterator<Item = &'a str>,
    trusted: &[ipnet::IpNet],
) -> IpAddr {
    let is_proxy = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_proxy(&peer) {
        return peer;
    }
    let hops: Vec<&str> = forwarded
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_proxy(&ip) {
                    break;
                }
            }
            Err(_) => break,
        }
    }
    client
}

/// Starts a staff session (deleting the one the browser replaces, if any,
/// and expired ones); returns the cookie value.
pub async fn start_staff_session(store: &Store, replaces: Option<&str>) -> Result<String> {
    let mut tx = store.begin().await?;
    let value = STAFF
        .create(&mut tx.conn(), now_secs(), replaces, &[])
        .await?;
    tx.commit().await?;
    Ok(value)
}

/// Ends the staff session whose cookie value is `value` (if it exists).
pub async fn end_staff_session(store: &Store, value: &str) -> Result<()> {
    STAFF.end(store.pool(), value).await
}

/// What checking for a staff session needs of the server's state (taken
/// from it with [`FromRef`], so this module does not depend on the whole state).
#[derive(Debug, Clone)]
pub struct StaffSessions {
    /// The staff cookie's name and attributes.
    pub cookie: SessionCookie,
    /// The database.
    pub store: Store,
}

impl StaffSessions {
    /// Whether the request carries a live staff session (idle and absolute
    /// expiry enforced; `last_seen_at` written at most once a minute).
    pub async fn is_staff(&self, headers: &HeaderMap) -> Result<bool> {
        let Some(value) = self.cookie.read(headers) else {
            return Ok(false);
        };
        let id_hash = sha256_hex(value.as_bytes());
        let row: Option<(i64, i64)> = STAFF
            .find(self.store.pool(), &id_hash, "last_seen_at, expires_at")
            .await?;
        let Some((last_seen, expires)) = row else {
            return Ok(false);
        };
        let now = now_secs();
        if !STAFF.is_live(last_seen, expires, now) {
            end_staff_session(&self.store, &value).await?;
            return Ok(false);
        }
        STAFF
            .touch(self.store.pool(), &id_hash, last_seen, now)
            .await?;
        Ok(true)
    }
}

/// A request from the product team: extracting it answers 401
/// `unauthenticated` without a live staff session.
#[derive(Debug, Clone, Copy)]
pub struct Staff;

impl<S> FromRequestParts<S> for Staff
where
    S: Send + Sync,
    StaffSessions: FromRef<S>,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        if StaffSessions::from_ref(state)
            .is_staff(&parts.headers)
            .await?
        {
            Ok(Staff)
        } else {
            Err(Error::Unauthenticated(
                "sign in with the staff credential first".to_owned(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_generated_once_and_env_wins() {
        let dir = tempfile::tempdir().unwrap();
        let first = Credential::load_with(dir.path(), |_| None).unwrap();
        let again = Credential::load_with(dir.path(), |_| None).unwrap();
        assert_eq!(first.secret(), again.secret());
        assert!(first.matches(first.secret()));
        assert!(!first.matches(&first.secret()[1..]));
        assert!(!format!("{first:?}").contains(first.secret()));
        let env = "s".repeat(40);
        let from_env =
            Credential::load_with(dir.path(), |n| (n == CREDENTIAL_VAR).then(|| env.clone()))
                .unwrap();
        assert!(from_env.matches(&env) && !from_env.matches(first.secret()));
        assert!(Credential::load_with(dir.path(), |_| Some("short".into())).is_err());
    }

    #[test]
    fn only_a_trusted_proxy_names_the_client() {
        let net = |s: &str| s.parse::<ipnet::IpNet>().unwrap();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let trusted = [net("10.0.0.0/8"), net("::1/128")];
        let from =
            |peer: &str, xff: &[&str]| client_address(ip(peer), xff.iter().copied(), &trusted);
        // Straight from the client: the header is the client's own words.
        assert_eq!(from("203.0.113.9", &["1.2.3.4"]), ip("203.0.113.9"));
        // Through nginx: the hop it appended.
        assert_eq!(from("10.0.0.2", &["198.51.100.7"]), ip("198.51.100.7"));
        // A forged hop left of the real one proves nothing.
        assert_eq!(
            from("10.0.0.2", &["1.2.3.4, 198.51.100.7"]),
            ip("198.51.100.7")
        );
        // Two proxies (a load balancer, then nginx), in two header lines.
        assert_eq!(
            from("::1", &["198.51.100.7, 10.1.1.1", "10.0.0.5"]),
            ip("198.51.100.7")
        );
        // No header, or a garbled hop: the nearest proxy stands for the client.
        assert_eq!(from("10.0.0.2", &[]), ip("10.0.0.2"));
        assert_eq!(
            from("10.0.0.2", &["198.51.100.7, not-an-ip"]),
            ip("10.0.0.2")
        );
        // Nothing trusted: never the header.
        assert_eq!(
            client_address(ip("10.0.0.2"), ["198.51.100.7"].into_iter(), &[]),
            ip("10.0.0.2")
        );
    }
}
