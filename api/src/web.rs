//! Serving the built SPA (`dist/`) from the same origin as the API, and the
//! security headers every response carries.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::handler::HandlerWithoutStateExt;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine;
use privacy_center_core::routes::{self, Bundle, Route};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::catalog::{Catalog, Live};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::identity::SessionCookie;
use crate::prerender;

/// CSP for API responses and for a server without a built SPA.
const STRICT_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Where the product team's preview is built (its own Trunk target, so the
/// importer, checker and diff never reach the reader's bundle) and served.
pub const PREVIEW_DIR: &str = "preview";

/// The built SPA: where it lives and the shell page served for every route,
/// plus the preview's build under `dist/preview/` when there is one.
#[derive(Clone, Debug)]
pub struct Spa {
    reader: Page,
    preview: Option<Page>,
    /// The builds besides the reader that are there (`Bundle::EXTRA`: the
    /// controls, account and documents builds, each its own Trunk target and
    /// budget so readers never download them), served for the pages
    /// `core::routes` assigns to them.
    extras: Arc<Vec<(Bundle, Page)>>,
}

/// One Trunk build: a directory of assets and its shell page.
#[derive(Clone, Debug)]
struct Page {
    dist: PathBuf,
    index_html: Arc<str>,
    csp: HeaderValue,
}

impl Spa {
    /// Reads `dist/index.html` (and `dist/preview/index.html` if it was
    /// built) and derives each page's Content Security Policy from it
    /// (Trunk's inline start-up script is allowed by its hash).
    pub fn load(dist: &Path) -> Result<Spa> {
        let reader = Page::load(dist)?;
        let optional = |dir: &str, what: &str| -> Result<Option<Page>> {
            let dir = dist.join(dir);
            if dir.join("index.html").is_file() {
                return Page::load(&dir).map(Some);
            }
            tracing::warn!(
                "no {}/index.html: {what} is not served (build it with scripts/build-spa)",
                dir.display()
            );
            Ok(None)
        };
        let preview = optional(PREVIEW_DIR, "/preview")?;
        let mut extras = Vec::new();
        for bundle in Bundle::EXTRA {
            let dir = bundle.dir().expect("an extra build has a directory");
            if let Some(page) = optional(dir, bundle.patterns()[0])? {
                extras.push((bundle, page));
            }
        }
        Ok(Spa {
            reader,
            preview,
            extras: Arc::new(extras),
        })
    }

    /// The service for every path the API does not own: `/preview` and
    /// below from the preview's build, each extra build's assets from
    /// `/<dir>/…` and its pages from its shell, everything else from the
    /// reader's, whose reader routes come with their policy pre-rendered
    /// from `catalog` as it stands at `clock`'s time of each request.
    pub fn service(&self, catalog: Live, clock: Clock) -> Router {
        let none = Arc::new(Vec::new());
        let mut router = Router::new();
        if let Some(p) = &self.preview {
            router = router.nest_service("/preview", p.service(None, none.clone()));
        }
        for (bundle, page) in self.extras.iter() {
            let dir = bundle.dir().expect("an extra build has a directory");
            router = router.nest_service(&format!("/{dir}"), page.service(None, none.clone()));
        }
        router.fallback_service(
            self.reader
                .service(Some((catalog, clock)), self.extras.clone()),
        )
    }
}

impl Page {
    fn load(dist: &Path) -> Result<Page> {
        let index_path = dist.join("index.html");
        let index_html = std::fs::read_to_string(&index_path).map_err(Error::io(&index_path))?;
        let csp = page_csp(&index_html);
        Ok(Page {
            dist: dist.to_owned(),
            csp: HeaderValue::from_str(&csp).expect("CSP is ASCII"),
            index_html: index_html.into(),
        })
    }

    /// The build's files, and its shell page for every other path (with
    /// the policy pre-rendered into it when `catalog` is given), or the
    /// shell of one of `others` for the pages that build serves.
    fn service(&self, catalog: Option<(Live, Clock)>, others: Arc<Vec<(Bundle, Page)>>) -> Router {
        let shell = self.clone();
        let fallback = move |req: Request| {
            let shell = shell.clone();
            let catalog = catalog.clone();
            let others = others.clone();
            async move {
                let bundle = Route::parse(req.uri().path()).map(|r| r.bundle());
                match others.iter().find(|(b, _)| Some(*b) == bundle) {
                    Some((_, page)) => page.shell(),
                    None => {
                        let now = catalog.map(|(c, clock)| (c.get(), clock.now_ms()));
                        shell.shell_or_404(&req, now.as_ref().map(|(c, ms)| (&**c, *ms)))
                    }
                }
            }
        };
        let files = ServeDir::new(&self.dist)
            .precompressed_gzip()
            .fallback(fallback.clone().into_service());
        // A path no file can have skips the lookup: the file system would
        // refuse the name ("file name too long") and ServeDir answer 500.
        let lookup = move |req: Request| {
            let files = files.clone();
            let fallback = fallback.clone();
            async move {
                if can_be_a_file(req.uri().path()) {
                    files.oneshot(req).await.into_response()
                } else {
                    fallback(req).await
                }
            }
        };
        let csp = self.csp.clone();
        Router::new()
            .fallback(lookup)
            .layer(middleware::from_fn(cache_headers))
            .layer(middleware::map_response(move |mut res: Response| {
                let csp = csp.clone();
                async move {
                    // Another build's shell (an extra build's) carries its own.
                    if !res.headers().contains_key(header::CONTENT_SECURITY_POLICY) {
                        res.headers_mut()
                            .insert(header::CONTENT_SECURITY_POLICY, csp);
                    }
                    res
                }
            }))
    }

    /// This build's shell page as it is, with its own CSP (for a page of
    /// this build requested through another build's service).
    fn shell(&self) -> Response {
        (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                ),
                (header::CONTENT_SECURITY_POLICY, self.csp.clone()),
            ],
            Body::from(self.index_html.to_string()),
        )
            .into_response()
    }

    /// The shell for `req`, with the policy of a reader route pre-rendered
    /// from `catalog` as it stands at the given time.
    fn shell_or_404(&self, req: &Request, catalog: Option<(&Catalog, i64)>) -> Response {
        let path = req.uri().path();
        if routes::is_asset(path) {
            return (StatusCode::NOT_FOUND, "not found\n").into_response();
        }
        let accept_language = req
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let page =
            catalog.and_then(|(c, now_ms)| prerender::page(c, path, accept_language, now_ms));
        let html = match &page {
            Some(p) => prerender::into_shell(&self.index_html, p),
            None => self.index_html.to_string(),
        };
        let mut res = (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            Body::from(html),
        )
            .into_response();
        if page.is_some() {
            // The frame's words follow the browser's languages.
            res.headers_mut()
                .insert(header::VARY, HeaderValue::from_static("accept-language"));
        }
        if let Some(link) = policy_preload(path).and_then(|l| HeaderValue::from_str(&l).ok()) {
            res.headers_mut().insert(header::LINK, link);
        }
        res
    }
}

/// For a reader route (`/{app}`, `/{app}/v/{version}`), a `Link` header that
/// has the browser fetch the policy the SPA will ask for while the wasm is
/// still downloading, instead of after the app has started (the SPA's fetch
/// then takes the preloaded answer). Other pages get none.
fn policy_preload(path: &str) -> Option<String> {
    let route = Route::parse(path)?;
    let (app, version) = route.policy()?;
    Some(format!(
        "</api/apps/{app}/policies/{version}>; rel=preload; as=fetch; crossorigin"
    ))
}

/// Longest file name, in bytes, that file systems accept (`NAME_MAX`).
const NAME_MAX: usize = 255;
/// Longest path under a build directory that is looked up as a file; the
/// builds' own paths are far shorter, and this stays well under `PATH_MAX`.
const PATH_MAX: usize = 1024;

/// Whether `path` (as in the URI, percent-encoded) could name a file of a
/// build: no segment longer than [`NAME_MAX`] bytes and not longer than
/// [`PATH_MAX`] once decoded.
fn can_be_a_file(path: &str) -> bool {
    let mut total = 0;
    for segment in path.split('/') {
        let len = decoded_len(segment);
        total += len + 1;
        if len > NAME_MAX || total > PATH_MAX {
            return false;
        }
    }
    true
}

/// The length in bytes of `segment` once percent-decoded.
fn decoded_len(segment: &str) -> usize {
    let bytes = segment.as_bytes();
    let (mut i, mut len) = (0, 0);
    while i < bytes.len() {
        let escape = bytes[i] == b'%'
            && bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
        i += if escape { 3 } else { 1 };
        len += 1;
    }
    len
}

/// Fingerprinted assets (Trunk puts a content hash in their names) never
/// change, so browsers may keep them for a year; everything else, the shell
/// page above all, is revalidated so a deploy shows up at once.
async fn cache_headers(req: Request, next: Next) -> Response {
    let fingerprinted = is_fingerprinted(req.uri().path());
    let mut res = next.run(req).await;
    let value = if fingerprinted && res.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    // Assets may be sent pre-compressed, so caches must key on the encoding.
    h.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    res
}

fn is_fingerprinted(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    name.split(['-', '_', '.'])
        .any(|part| part.len() >= 12 && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A CSP that allows the page's own scripts, styles and WebAssembly, plus
/// each inline `<script>` by its SHA-256.
fn page_csp(index_html: &str) -> String {
    let mut script_src = String::from("'self' 'wasm-unsafe-eval'");
    for body in inline_scripts(index_html) {
        let digest = Sha256::digest(body.as_bytes());
        let b64 = base64::engine::general_purpose::STANDARD.encode(digest);
        script_src.push_str(&format!(" 'sha256-{b64}'"));
    }
    format!(
        "default-src 'self'; script-src {script_src}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Bodies of `<script>` elements without a `src` attribute.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body_and_more = &after[tag_end + 1..];
        let Some(close) = body_and_more.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            out.push(&body_and_more[..close]);
        }
        rest = &body_and_more[close..];
    }
    out
}

/// Gzips what is worth it for a phone on a slow network: a policy's JSON
/// and the shell with a policy in it are tens of KB of text. Small answers
/// (most of the API) stay as they are, since compressing them costs more
/// than it saves; files under `dist/` come pre-compressed from the build.
pub fn with_compression(app: Router) -> Router {
    use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
    use tower_http::compression::CompressionLayer;
    let worth_it = SizeAbove::new(2048).and(NotForContentType::IMAGES);
    app.layer(CompressionLayer::new().gzip(true).compress_when(worth_it))
}

/// Paths whose answers depend on who asks: the user's session and data, the
/// staff routes, the host apps' service route and the dev sign-in. A path
/// is under one when it is the prefix or continues it with `/`.
const PERSONAL: &[&str] = &[
    "/api/me",
    "/api/session",
    "/api/internal",
    "/api/staff",
    "/api/dev",
];

/// The policy routes: public, but a staff session also sees drafts there.
const POLICIES: &str = "/api/apps";

/// Keeps personal answers out of every cache, in one place rather than in
/// each handler. Keyed by path prefix ([`PERSONAL`]: such an answer is
/// personal even when it says "signed out", and a new route under those
/// prefixes is covered without thinking of it) *and* by credential: a
/// request carrying `Authorization` or the staff cookie (`staff`) gets
/// `no-store` wherever it goes, since a staff session is answered drafts on
/// the public policy routes. A user's session cookie alone does not change
/// a policy answer, so those keep their caching; policy answers carry
/// `Vary: Cookie` so a shared cache never hands a staff answer to the public
/// or the other way round.
pub async fn private_answers(
    State(staff): State<SessionCookie>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let under = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    let personal_path = PERSONAL.iter().any(|p| under(p));
    let by_cookie = personal_path || under(POLICIES);
    let credential =
        req.headers().contains_key(header::AUTHORIZATION) || staff.read(req.headers()).is_some();
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if personal_path || credential {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if by_cookie {
        h.append(header::VARY, HeaderValue::from_static("cookie"));
    }
    res
}

/// HSTS for a server reached over https: two years, subdomains included.
const HSTS: &str = "max-age=63072000; includeSubDomains";

/// Adds the headers every response carries; API responses get a CSP that
/// allows nothing (the SPA's service sets its own). `https` (an https
/// `--public-url`) adds `Strict-Transport-Security`.
pub fn with_security_headers(app: Router, https: bool) -> Router {
    app.layer(middleware::map_response(
        move |mut res: Response| async move {
            let h = res.headers_mut();
            if https {
                h.insert(
                    header::STRICT_TRANSPORT_SECURITY,
                    HeaderValue::from_static(HSTS),
                );
            }
            h.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            h.insert(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            );
            h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
            h.entry(header::CONTENT_SECURITY_POLICY)
                .or_insert(HeaderValue::from_static(STRICT_CSP));
            res
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_only_inline_scripts() {
        let html =
            r#"<head><script src="/a.js"></script><script type="module">init()</script></head>"#;
        assert_eq!(inline_scripts(html), ["init()"]);
        let csp = page_csp(html);
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"init()"));
        assert!(csp.contains(&format!("'sha256-{expected}'")), "{csp}");
        assert!(!csp.contains("unsafe-inline"));
    }

    #[test]
    fn reader_routes_preload_their_policy() {
        assert_eq!(
            policy_preload("/huajian").as_deref(),
            Some("</api/apps/huajian/policies/current>; rel=preload; as=fetch; crossorigin")
        );
        assert_eq!(
            policy_preload("/vchat/v/2019-06-01").as_deref(),
            Some("</api/apps/vchat/policies/2019-06-01>; rel=preload; as=fetch; crossorigin")
        );
        for other in [
            "/",
            "/me/consents",
            "/dev/sign-in",
            "/vchat/history",
            "/%E8%81%8A",
            "/a/v/<x>",
        ] {
            assert_eq!(policy_preload(other), None, "{other}");
        }
    }

    #[test]
    fn names_no_file_system_accepts_are_not_looked_up() {
        let seg = |n: usize| "a".repeat(n);
        assert!(can_be_a_file(&format!("/{}", seg(255))));
        assert!(!can_be_a_file(&format!("/{}", seg(256))));
        assert!(!can_be_a_file(&format!("/preview/{}.js", seg(1000))));
        // 85 three-byte characters, percent-encoded: 255 bytes on disk.
        assert!(can_be_a_file(&format!("/{}", "%E8%81%8A".repeat(85))));
        assert!(!can_be_a_file(&format!("/{}", "%E8%81%8A".repeat(86))));
        assert!(!can_be_a_file(&format!(
            "/{}",
            [seg(200).as_str(); 6].join("/")
        )));
        assert_eq!(decoded_len("%zz%4"), 5);
    }

    #[test]
    fn recognises_trunk_fingerprints() {
        assert!(is_fingerprinted(
            "/privacy-center-web-3f2a9c1b7d6e5f40_bg.wasm"
        ));
        assert!(is_fingerprinted("/main-9a8b7c6d5e4f3a2b.css"));
        assert!(!is_fingerprinted("/index.html"));
        assert!(!is_fingerprinted("/vchat"));
    }
}
