//! The reader's routes: which paths are pages, what they name, and the
//! link to each. The server (which pages get a pre-rendered policy and a
//! preload header) and the SPA (its router, its links, the handoff page)
//! read paths with this one parser.
//!
//! App ids and version names are identifiers (`a-z 0-9 - _ .`, see
//! [`is_id`]), so a path that is a route never needs decoding, and a link
//! to one never needs encoding; [`Route::href`] still encodes anything else
//! rather than build a path that parses differently.

use crate::policy::{is_id, CURRENT_ALIAS, MAX_ID_LEN};

/// A page of the reader.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Route {
    /// `/`: the list of apps.
    Home,
    /// `/{app}`: the app's current policy; also the page host apps open
    /// with a handoff token.
    Policy {
        /// App id.
        app: String,
    },
    /// `/{app}/v/{version}`: one published version.
    Version {
        /// App id.
        app: String,
        /// Version name (`current` names the newest).
        version: String,
    },
    /// `/{app}/history`: every published version.
    History {
        /// App id.
        app: String,
    },
    /// `/{app}/compare/{from}/{to}`: what changed between two versions.
    Compare {
        /// App id.
        app: String,
        /// The older version.
        from: String,
        /// The newer version.
        to: String,
    },
    /// `/me/consents`: the signed-in user's consent records.
    MyConsents,
    /// `/dev/sign-in`: "sign in as" (only under `serve --dev`).
    DevSignIn,
    /// `/me`: the signed-in user's privacy hub (the controls bundle).
    Me,
    /// `/me/notifications`: push categories, master switch, quiet hours.
    MyNotifications,
    /// `/me/privacy`: the privacy switches the app's policy promises.
    MyPrivacy,
    /// `/me/data`: the user's settings history and the copies of their data.
    MyData,
    /// `/{app}/permissions`: the app's published permission list, with
    /// this browser's or the host app's live states (the controls bundle;
    /// public).
    Permissions {
        /// App id.
        app: String,
    },
    /// `/{app}/lists`: the app's two lists (双清单), public: the personal
    /// information it collects and the third parties it shares it with.
    Lists {
        /// App id.
        app: String,
    },
    /// `/me/teen-mode`: teen mode, locked by a password.
    MyTeenMode,
    /// `/me/account`: account cancellation with its cooling-off.
    MyAccount,
}

/// Which Trunk build serves a page: the reader (`dist/`), which every
/// reader downloads, or the signed-in controls (`dist/controls/`), which
/// only signed-in users who open them do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bundle {
    /// The reader: policies, history, compare, consent records.
    Reader,
    /// The user's controls: hub, notifications, privacy switches, data.
    Controls,
    /// What guards the account: teen mode and account closure.
    Account,
    /// An app's public documents beside its policy: permissions, the two lists.
    Documents,
}

impl Bundle {
    /// The builds besides the reader, each in `dist/<dir>/` and served
    /// from `/<dir>/`.
    pub const EXTRA: [Bundle; 3] = [Bundle::Controls, Bundle::Account, Bundle::Documents];

    /// Where the build lives under `dist/` and its assets are served
    /// (`None`: the reader, at the root).
    pub fn dir(self) -> Option<&'static str> {
        match self {
            Bundle::Reader => None,
            Bundle::Controls => Some("controls"),
            Bundle::Account => Some("account"),
            Bundle::Documents => Some("documents"),
        }
    }

    /// The build's routes in its router's `path!` syntax, in its order.
    pub fn patterns(self) -> &'static [&'static str] {
        match self {
            Bundle::Reader => PATTERNS,
            Bundle::Controls => CONTROLS_PATTERNS,
            Bundle::Account => ACCOUNT_PATTERNS,
            Bundle::Documents => DOCUMENTS_PATTERNS,
        }
    }
}

/// Every route's pattern in the router's `path!` syntax, in the order the
/// SPA declares them (fixed paths before `/:app`), so its router can be
/// checked against this list.
pub const PATTERNS: &[&str] = &[
    "/",
    "/dev/sign-in",
    "/me/consents",
    "/:app",
    "/:app/v/:version",
    "/:app/history",
    "/:app/compare/:from/:to",
];

/// The controls bundle's routes in its router's `path!` syntax, in the
/// order `src/bin/controls` declares them.
pub const CONTROLS_PATTERNS: &[&str] = &["/me", "/me/notifications", "/me/privacy", "/me/data"];

/// The account build's routes, in the order `src/bin/account` declares them.
pub const ACCOUNT_PATTERNS: &[&str] = &["/me/teen-mode", "/me/account"];

/// The documents build's routes, in the order `src/bin/documents` declares them.
pub const DOCUMENTS_PATTERNS: &[&str] = &["/:app/permissions", "/:app/lists"];

/// First path segments that are never an app: the API, the product team's
/// preview and the user's and development pages.
pub const RESERVED: &[&str] = &[
    "api",
    "dev",
    "me",
    "preview",
    "controls",
    "account",
    "documents",
];

/// File extensions that are assets, never pages: the server answers a
/// missing one with 404, not with the app (which a browser would then try
/// to run as a script or style).
pub const ASSET_EXTENSIONS: &[&str] = &[
    "js",
    "mjs",
    "wasm",
    "css",
    "map",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "svg",
    "ico",
    "webp",
    "json",
    "txt",
    "webmanifest",
    "woff",
    "woff2",
    "xml",
    "gz",
    "br",
];

/// Whether `path` names an asset file (its last segment ends in one of
/// [`ASSET_EXTENSIONS`], in any case).
pub fn is_asset(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .and_then(|name| name.rsplit_once('.'))
        .is_some_and(|(_, ext)| ASSET_EXTENSIONS.iter().any(|a| a.eq_ignore_ascii_case(ext)))
}

impl Route {
    /// The route a URL path (no query, no fragment) shows; `None` for any
    /// other path: a reserved first segment, an asset, a name that cannot be
    /// an app id or version name, or a shape no page has. Leading and
    /// trailing slashes do not matter.
    pub fn parse(path: &str) -> Option<Route> {
        if is_asset(path) {
            return None;
        }
        let trimmed = path.trim_matches('/');
        if trimmed.is_empty() {
            return Some(Route::Home);
        }
        let segments: Vec<&str> = trimmed.split('/').collect();
        let route = match segments.as_slice() {
            ["me"] => return Some(Route::Me),
            ["me", "consents"] => return Some(Route::MyConsents),
            ["me", "notifications"] => return Some(Route::MyNotifications),
            ["me", "privacy"] => return Some(Route::MyPrivacy),
            ["me", "data"] => return Some(Route::MyData),
            ["me", "teen-mode"] => return Some(Route::MyTeenMode),
            ["me", "account"] => return Some(Route::MyAccount),
            ["dev", "sign-in"] => return Some(Route::DevSignIn),
            [first, ..] if RESERVED.contains(first) => return None,
            [app] => Route::Policy { app: name(app)? },
            [app, "v", version] => Route::Version {
                app: name(app)?,
                version: name(version)?,
            },
            [app, "history"] => Route::History { app: name(app)? },
            [app, "permissions"] => Route::Permissions { app: name(app)? },
            [app, "lists"] => Route::Lists { app: name(app)? },
            [app, "compare", from, to] => Route::Compare {
                app: name(app)?,
                from: name(from)?,
                to: name(to)?,
            },
            _ => return None,
        };
        Some(route)
    }

    /// The path of this page, each name percent-encoded as a path segment
    /// (a no-op for ids and version names).
    pub fn href(&self) -> String {
        match self {
            Route::Home => "/".to_owned(),
            Route::Policy { app } => format!("/{}", encode_segment(app)),
            Route::Version { app, version } => {
                format!("/{}/v/{}", encode_segment(app), encode_segment(version))
            }
            Route::History { app } => format!("/{}/history", encode_segment(app)),
            Route::Compare { app, from, to } => format!(
                "/{}/compare/{}/{}",
                encode_segment(app),
                encode_segment(from),
                encode_segment(to)
            ),
            Route::MyConsents => "/me/consents".to_owned(),
            Route::DevSignIn => "/dev/sign-in".to_owned(),
            Route::Me => "/me".to_owned(),
            Route::MyNotifications => "/me/notifications".to_owned(),
            Route::MyPrivacy => "/me/privacy".to_owned(),
            Route::MyData => "/me/data".to_owned(),
            Route::Permissions { app } => format!("/{}/permissions", encode_segment(app)),
            Route::Lists { app } => format!("/{}/lists", encode_segment(app)),
            Route::MyTeenMode => "/me/teen-mode".to_owned(),
            Route::MyAccount => "/me/account".to_owned(),
        }
    }

    /// The build that serves this page.
    pub fn bundle(&self) -> Bundle {
        match self {
            Route::Me | Route::MyNotifications | Route::MyPrivacy | Route::MyData => {
                Bundle::Controls
            }
            Route::MyTeenMode | Route::MyAccount => Bundle::Account,
            Route::Permissions { .. } | Route::Lists { .. } => Bundle::Documents,
            _ => Bundle::Reader,
        }
    }

    /// This route's entry in [`PATTERNS`].
    pub fn pattern(&self) -> &'static str {
        match self {
            Route::Home => PATTERNS[0],
            Route::DevSignIn => PATTERNS[1],
            Route::MyConsents => PATTERNS[2],
            Route::Policy { .. } => PATTERNS[3],
            Route::Version { .. } => PATTERNS[4],
            Route::History { .. } => PATTERNS[5],
            Route::Compare { .. } => PATTERNS[6],
            Route::Me => CONTROLS_PATTERNS[0],
            Route::MyNotifications => CONTROLS_PATTERNS[1],
            Route::MyPrivacy => CONTROLS_PATTERNS[2],
            Route::MyData => CONTROLS_PATTERNS[3],
            Route::Permissions { .. } => DOCUMENTS_PATTERNS[0],
            Route::Lists { .. } => DOCUMENTS_PATTERNS[1],
            Route::MyTeenMode => ACCOUNT_PATTERNS[0],
            Route::MyAccount => ACCOUNT_PATTERNS[1],
        }
    }

    /// The app and version name of the policy text this page shows:
    /// `/{app}` shows (`app`, `current`), `/{app}/v/{version}` that version;
    /// other pages show none.
    pub fn policy(&self) -> Option<(&str, &str)> {
        match self {
            Route::Policy { app } => Some((app, CURRENT_ALIAS)),
            Route::Version { app, version } => Some((app, version)),
            _ => None,
        }
    }
}

/// `s` if it can be an app id or version name.
fn name(s: &str) -> Option<String> {
    is_id(s, MAX_ID_LEN).then(|| s.to_owned())
}

/// Percent-encodes one URL path segment: everything but ASCII letters,
/// digits and `-_.~`.
pub fn encode_segment(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> String {
        x.to_owned()
    }

    #[test]
    fn every_route_parses_and_links_back() {
        let table = [
            ("/", Route::Home),
            ("/dev/sign-in", Route::DevSignIn),
            ("/me/consents", Route::MyConsents),
            ("/vchat", Route::Policy { app: s("vchat") }),
            (
                "/vchat/v/2019-06-01",
                Route::Version {
                    app: s("vchat"),
                    version: s("2019-06-01"),
                },
            ),
            (
                "/vchat/v/current",
                Route::Version {
                    app: s("vchat"),
                    version: s("current"),
                },
            ),
            ("/vchat/history", Route::History { app: s("vchat") }),
            (
                "/vchat/compare/2019-06-01/2020.10_b",
                Route::Compare {
                    app: s("vchat"),
                    from: s("2019-06-01"),
                    to: s("2020.10_b"),
                },
            ),
        ];
        let mut patterns = Vec::new();
        for (path, route) in table {
            assert_eq!(Route::parse(path).as_ref(), Some(&route), "{path}");
            assert_eq!(route.href(), path);
            patterns.push(route.pattern());
        }
        patterns.dedup();
        assert_eq!(patterns, PATTERNS, "one row per pattern, in order");
        let mut built: Vec<(Bundle, &str)> = Vec::new();
        for (path, route, bundle) in [
            ("/me", Route::Me, Bundle::Controls),
            (
                "/me/notifications",
                Route::MyNotifications,
                Bundle::Controls,
            ),
            ("/me/privacy", Route::MyPrivacy, Bundle::Controls),
            ("/me/data", Route::MyData, Bundle::Controls),
            ("/me/teen-mode", Route::MyTeenMode, Bundle::Account),
            ("/me/account", Route::MyAccount, Bundle::Account),
            (
                "/vchat/permissions",
                Route::Permissions { app: s("vchat") },
                Bundle::Documents,
            ),
            (
                "/vchat/lists",
                Route::Lists { app: s("vchat") },
                Bundle::Documents,
            ),
        ] {
            assert_eq!(Route::parse(path).as_ref(), Some(&route), "{path}");
            assert_eq!(route.href(), path);
            assert_eq!(route.bundle(), bundle, "{path}");
            built.push((bundle, route.pattern()));
        }
        for bundle in Bundle::EXTRA {
            let mine: Vec<&str> = built
                .iter()
                .filter(|(b, _)| *b == bundle)
                .map(|(_, p)| *p)
                .collect();
            assert_eq!(mine, bundle.patterns(), "{bundle:?}");
            // Its assets' directory is never an app.
            assert_eq!(Route::parse(&format!("/{}", bundle.dir().unwrap())), None);
        }
        assert_eq!(
            Route::parse("/vchat").map(|r| r.bundle()),
            Some(Bundle::Reader)
        );
        assert_eq!(
            Route::parse("/me/consents").map(|r| r.bundle()),
            Some(Bundle::Reader)
        );
        // Slashes around the path do not matter.
        assert_eq!(
            Route::parse("vchat/"),
            Some(Route::Policy { app: s("vchat") })
        );
        assert_eq!(Route::parse(""), Some(Route::Home));
    }

    #[test]
    fn reserved_segments_assets_and_odd_names_are_not_routes() {
        for path in [
            "/api",
            "/api/apps",
            "/me/v/1",
            "/me/other",
            "/dev",
            "/dev/v/1",
            "/preview",
            "/preview/v/1",
            "/preview/index.html/x",
            "/favicon.svg",
            "/privacy-center-web-3f2a9c1b_bg.wasm",
            "/main.CSS",
            "/vchat/v/x.json",
            "/%E8%81%8A",
            "/聊",
            "/VChat",
            "/.env",
            "/a/v/<x>",
            "/a/v/",
            "/a//history",
            "/vchat/v",
            "/vchat/v/1/2",
            "/vchat/history/x",
            "/vchat/compare/a",
            "/vchat/compare/a/b/c",
            "/vchat/other",
            "/vchat/permissions/x",
            "/VChat/permissions",
            "/me/permissions",
            "/me/consents/x",
            "/vchat/lists/x",
            "/VChat/lists",
            "/a-very-long-app-id-of-thirty-three",
        ] {
            assert_eq!(Route::parse(path), None, "{path}");
        }
        assert!(is_asset("/x/a.Js") && !is_asset("/vchat") && !is_asset("/a.b/c"));
    }

    #[test]
    fn the_pages_with_a_policy_name_it() {
        let p = |path: &str| Route::parse(path).unwrap();
        assert_eq!(p("/vchat").policy(), Some(("vchat", "current")));
        assert_eq!(p("/vchat/v/1.0").policy(), Some(("vchat", "1.0")));
        for path in [
            "/",
            "/vchat/history",
            "/vchat/compare/a/b",
            "/me/consents",
            "/vchat/permissions",
        ] {
            assert_eq!(p(path).policy(), None, "{path}");
        }
    }

    #[test]
    fn links_encode_what_is_not_a_name() {
        let r = Route::Version {
            app: s("a b"),
            version: s("聊/%"),
        };
        assert_eq!(r.href(), "/a%20b/v/%E8%81%8A%2F%25");
        assert_eq!(encode_segment("a-Z_0.9~"), "a-Z_0.9~");
    }
}
