//! The session cookies: their names and attributes, by kind and scheme.

use axum::http::{header, HeaderMap, HeaderValue};

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
