//! The HTTP surface, driven through `router()` with a real SQLite file.

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::Router;
use common::{copy_policies, repo_policies};
use http_body_util::BodyExt;
use privacy_center_api::catalog::Catalog;
use privacy_center_api::on_db;
use privacy_center_api::store::{Store, DB_FILE};
use privacy_center_api::web::Spa;
use privacy_center_api::{router, AppState, Settings};
use serde_json::Value;
use std::path::Path;
use tower::ServiceExt;

struct TestApp {
    router: Router,
    store: Store,
    _data: tempfile::TempDir,
}

async fn app_with(policies: &Path, spa: Option<Spa>) -> TestApp {
    let data = tempfile::tempdir().unwrap();
    let catalog = Catalog::load(policies).unwrap();
    let store = Store::open(data.path()).await.unwrap();
    store.archive_policy_texts(&catalog).await.unwrap();
    let state = AppState::new(catalog, store.clone(), Settings::new(data.path())).unwrap();
    state.clock.run_from(common::at(common::TEST_NOW));
    TestApp {
        router: router(state, spa),
        store,
        _data: data,
    }
}

async fn call(
    app: &Router,
    method: Method,
    uri: &str,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, body)
}

async fn get_json(app: &Router, uri: &str) -> (StatusCode, Value) {
    let (status, headers, body) = call(app, Method::GET, uri).await;
    assert_eq!(headers["content-type"], "application/json", "{uri}");
    (status, serde_json::from_slice(&body).unwrap())
}

#[tokio::test]
async fn health_reports_database_and_policies() {
    let t = app_with(&repo_policies(), None).await;
    let (status, body) = get_json(&t.router, "/api/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], true);
    assert!(body["apps"].as_u64().unwrap() >= 1);
    assert!(body["versions"].as_u64().unwrap() >= 1);
}

#[tokio::test]
async fn apps_list_their_current_version_with_the_hash_of_the_file() {
    let t = app_with(&repo_policies(), None).await;
    let (status, body) = get_json(&t.router, "/api/apps").await;
    assert_eq!(status, StatusCode::OK);
    let vchat = body
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "vchat")
        .expect("vchat listed");
    assert_eq!(vchat["name"], "V聊");
    assert_eq!(vchat["company"], "湖北微果网络科技有限公司");
    let current = &vchat["current"];
    let version = current["version"].as_str().unwrap();
    let file =
        std::fs::read_to_string(repo_policies().join(format!("vchat/{version}.md"))).unwrap();
    assert_eq!(
        current["sha256"],
        privacy_center_core::policy::content_hash(&file)
    );
}

#[tokio::test]
async fn a_version_comes_rendered_with_its_toc_by_name_or_as_current() {
    let t = app_with(&repo_policies(), None).await;
    let (status, current) = get_json(&t.router, "/api/apps/vchat/policies/current").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(current["is_current"], true);
    assert!(current.get("markdown").is_none(), "readers get HTML only");
    let html = current["html"].as_str().unwrap();
    assert!(
        html.contains(r#"<h2 id="一-我们收集的信息">一、我们收集的信息</h2>"#),
        "{html}"
    );
    assert!(
        !html.contains("+++"),
        "front matter is not part of the body"
    );
    let toc = current["toc"].as_array().unwrap();
    assert_eq!(toc[0]["id"], "一-我们收集的信息");
    assert_eq!(toc[0]["level"], 2);
    for entry in toc {
        let id = entry["id"].as_str().unwrap();
        assert!(html.contains(&format!(" id=\"{id}\"")), "{id} not in html");
    }
    let version = current["meta"]["version"].as_str().unwrap();
    let (status, named) = get_json(&t.router, &format!("/api/apps/vchat/policies/{version}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(named, current);

    let (status, list) = get_json(&t.router, "/api/apps/vchat/policies").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["app"]["id"], "vchat");
    assert!(list["versions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v["version"] == version));
}

#[tokio::test]
async fn the_permission_list_is_public_grouped_and_linked_into_the_policy() {
    let t = app_with(&repo_policies(), None).await;
    for app in ["vchat", "weimeng", "huajian", "shanliao"] {
        let uri = format!("/api/apps/{app}/permissions");
        let (status, headers, body) = call(&t.router, Method::GET, &uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(
            headers.get("cache-control").is_none(),
            "public, cacheable: {uri}"
        );
        let list: Value = serde_json::from_slice(&body).unwrap();
        let (_, current) = get_json(&t.router, &format!("/api/apps/{app}/policies/current")).await;
        assert_eq!(list["version"], current["meta"]["version"]);
        let anchors: Vec<&str> = current["toc"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap())
            .collect();
        let mut count = 0;
        for group in list["groups"].as_array().unwrap() {
            for p in group["permissions"].as_array().unwrap() {
                count += 1;
                // Every seed permission names a heading that exists.
                let href = p["section_href"].as_str().unwrap_or_else(|| panic!("{p}"));
                let anchor = href.strip_prefix(&format!("/{app}#")).unwrap();
                assert!(anchors.contains(&anchor), "{href}");
                assert!(!p["purpose"].as_str().unwrap().is_empty());
            }
        }
        let app_toml = std::fs::read_to_string(repo_policies().join(app).join("app.toml")).unwrap();
        assert_eq!(count, app_toml.matches("[[permissions]]").count(), "{app}");
    }
    let (_, vchat) = get_json(&t.router, "/api/apps/vchat/permissions").await;
    let location = &vchat["groups"][0];
    assert_eq!(location["kind"], "location");
    assert_eq!(location["web_api"], "geolocation");
    assert_eq!(location["browser_id"], "location_coarse");
    let (status, body) = get_json(&t.router, "/api/apps/nope/permissions").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "not_found");
}

#[tokio::test]
async fn unknown_things_answer_404_in_the_error_shape() {
    let t = app_with(&repo_policies(), None).await;
    for uri in [
        "/api/nope",
        "/api/apps/nope/policies",
        "/api/apps/vchat/policies/1999-01-01",
        "/api/apps/nope/policies/current",
    ] {
        let (status, body) = get_json(&t.router, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(body["code"], "not_found", "{uri}");
        assert!(!body["message"].as_str().unwrap().is_empty(), "{uri}");
        assert_eq!(body["fields"], serde_json::json!({}), "{uri}");
    }
    let (status, _, body) = call(&t.router, Method::DELETE, "/api/apps").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["code"], "method_not_allowed");
}

#[tokio::test]
async fn drafts_are_not_public() {
    let dir = copy_policies();
    std::fs::write(
        dir.path().join("vchat/2099-01-01.md"),
        "+++\nversion = \"2099-01-01\"\ntitle = \"草案\"\nstatus = \"draft\"\n+++\n## 草案\n",
    )
    .unwrap();
    let t = app_with(dir.path(), None).await;
    for uri in [
        "/api/apps/vchat/policies/2099-01-01",
        "/api/apps/vchat/compare/2020-10-01/2099-01-01",
    ] {
        let (status, _) = get_json(&t.router, uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
    }
    let (_, current) = get_json(&t.router, "/api/apps/vchat/policies/current").await;
    assert_ne!(current["meta"]["version"], "2099-01-01");
    let (_, list) = get_json(&t.router, "/api/apps/vchat/policies").await;
    assert!(list["versions"]
        .as_array()
        .unwrap()
        .iter()
        .all(|v| v["status"] == "published"));
}

#[tokio::test]
async fn every_served_text_is_archived_and_the_archive_is_append_only() {
    let t = app_with(&repo_policies(), None).await;
    let (_, current) = get_json(&t.router, "/api/apps/vchat/policies/current").await;
    let sha = current["meta"]["sha256"].as_str().unwrap();
    let text = t.store.policy_text(sha).await.unwrap().expect("archived");
    assert_eq!(privacy_center_core::policy::content_hash(&text), sha);

    let pool = t.store.pool();
    let update = on_db!(pool, c => sqlx::query("UPDATE policy_texts SET content = 'x'")
        .execute(c).await.map(|r| r.rows_affected()));
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = on_db!(pool, c => sqlx::query("DELETE FROM policy_texts").execute(c).await.map(|r| r.rows_affected()));
    assert!(delete.unwrap_err().to_string().contains("append-only"));
}

#[tokio::test]
async fn the_database_is_durable_and_migrations_rerun_cleanly() {
    let data = tempfile::tempdir().unwrap();
    let catalog = Catalog::load(&repo_policies()).unwrap();
    let store = Store::open(data.path()).await.unwrap();
    let first = store.archive_policy_texts(&catalog).await.unwrap();
    assert_eq!(first as usize, catalog.version_count());
    let mode: String = on_db!(store.pool(), c => sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(c).await)
    .unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = on_db!(store.pool(), c => sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(c).await)
    .unwrap();
    assert_eq!(sync, 2, "synchronous=FULL");
    drop(store);
    assert!(data.path().join(DB_FILE).is_file());
    let again = Store::open(data.path()).await.unwrap();
    assert_eq!(
        again.archive_policy_texts(&catalog).await.unwrap(),
        0,
        "known texts are not added twice"
    );
}

#[test]
fn a_broken_policy_tree_is_refused_with_file_and_line() {
    let dir = copy_policies();
    let path = dir.path().join("vchat/2021-01-01.md");
    std::fs::write(
        &path,
        "+++\nversion = \"2021-01-01\"\ntitle = \"x\"\nstatus = \"live\"\n+++\nbody\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("vchat/2022-01-01.md"), "no front matter\n").unwrap();
    let err = Catalog::load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("2 problem(s)"), "{err}");
    assert!(
        err.contains("vchat/2021-01-01.md:4: front matter: "),
        "{err}"
    );
    assert!(
        err.contains(
            "vchat/2022-01-01.md:1: front matter: must start and end with a line of `+++`"
        ),
        "{err}"
    );
}

#[tokio::test]
async fn the_spa_shell_answers_every_route_but_not_missing_assets() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><html><head><script type=\"module\">start()</script></head><body></body></html>",
    )
    .unwrap();
    std::fs::write(dist.path().join("app-0123456789abcdef.js"), "export {}").unwrap();
    let spa = Spa::load(dist.path()).unwrap();
    let t = app_with(&repo_policies(), Some(spa)).await;

    for route in ["/", "/vchat", "/vchat/v/2020-10-01", "/no/such/page"] {
        let (status, headers, body) = call(&t.router, Method::GET, route).await;
        assert_eq!(status, StatusCode::OK, "{route}");
        assert!(
            String::from_utf8(body).unwrap().contains("start()"),
            "{route}"
        );
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("'sha256-"), "{route}: {csp}");
        assert_eq!(headers["cache-control"], "no-cache", "{route}");
    }
    // Reader routes have the browser fetch their policy alongside the wasm,
    // and that URL answers.
    for (route, api) in [
        ("/vchat", "/api/apps/vchat/policies/current"),
        ("/vchat/v/2020-10-01", "/api/apps/vchat/policies/2020-10-01"),
    ] {
        let (_, headers, _) = call(&t.router, Method::GET, route).await;
        assert_eq!(
            headers["link"].to_str().unwrap(),
            format!("<{api}>; rel=preload; as=fetch; crossorigin"),
            "{route}"
        );
        assert_eq!(get_json(&t.router, api).await.0, StatusCode::OK, "{api}");
    }
    for route in ["/", "/no/such/page"] {
        let (_, headers, _) = call(&t.router, Method::GET, route).await;
        assert!(!headers.contains_key("link"), "{route}");
    }
    // A published version's page comes inside the shell, so its text shows
    // before the app runs; other routes, unknown versions and drafts get
    // the bare shell.
    let doc = get_json(&t.router, "/api/apps/vchat/policies/2020-10-01")
        .await
        .1;
    let (_, headers, body) = call(&t.router, Method::GET, "/vchat/v/2020-10-01").await;
    let body = String::from_utf8(body).unwrap();
    assert!(
        body.contains(r#"<body><div id="prerender">"#),
        "{body:.300}"
    );
    let title = doc["meta"]["title"].as_str().unwrap();
    assert!(body.contains(&format!("<h1>{title}</h1>")));
    assert!(body.contains("start()"), "the app still starts");
    assert!(headers
        .get_all("vary")
        .iter()
        .any(|v| v == "accept-language"));
    for route in [
        "/",
        "/no/such/page",
        "/vchat/v/1999-01-01",
        "/vchat/history",
    ] {
        let (_, _, body) = call(&t.router, Method::GET, route).await;
        assert!(
            !String::from_utf8(body).unwrap().contains("prerender"),
            "{route}"
        );
    }
    let (status, headers, _) = call(&t.router, Method::GET, "/app-0123456789abcdef.js").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    let (status, _, body) = call(&t.router, Method::GET, "/missing-0123.js").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!String::from_utf8(body).unwrap().contains("<html"));
    // The API keeps its own 404 even with the SPA mounted.
    let (status, body) = get_json(&t.router, "/api/nope").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
}

#[tokio::test]
async fn comparing_two_versions_shows_what_changed() {
    let t = app_with(&repo_policies(), None).await;
    let (status, body) = get_json(&t.router, "/api/apps/vchat/compare/2019-06-01/2020-10-01").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["from"]["version"], "2019-06-01");
    assert_eq!(body["to"]["version"], "2020-10-01");
    // The sections come laid out as HTML (the reader's bundle carries no
    // diff decoder): each section marked with its status, the one V聊 added
    // in 2020 rendered whole, the new teen-mode sentence as an insertion.
    let html = body["sections_html"].as_str().unwrap();
    let added: Vec<&str> = html
        .split(r#"data-status="added""#)
        .skip(1)
        .map(|s| s.split("</h").next().unwrap().rsplit('>').next().unwrap())
        .collect();
    assert_eq!(added, ["2、位置信息日志"], "the section V聊 added in 2020");
    let summary = &body["summary"];
    for status in ["added", "removed", "changed", "moved", "unchanged"] {
        assert_eq!(
            html.matches(&format!(r#"data-status="{status}""#)).count() as u64,
            summary[status].as_u64().unwrap(),
            "{status}"
        );
    }
    assert!(summary["unchanged"].as_u64().unwrap() > 20);
    let teen = html.split("十、未成年人保护</h").nth(1).unwrap();
    let teen = &teen[..teen.find("</section>").unwrap()];
    assert!(
        teen.contains("<ins>") && teen.contains("青少年模式"),
        "{teen}"
    );
    // Bodies shown whole come rendered by the server, not as Markdown.
    assert!(html.contains(r#"<ins class="diff-whole"><div class="diff-rendered" lang="zh-CN"><p>"#));

    // Pairs that would mislead are refused here, not after a diff in the browser.
    for (uri, code) in [
        ("/api/apps/vchat/compare/current/2020-10-01", "same_version"),
        (
            "/api/apps/vchat/compare/2020-10-01/2019-06-01",
            "reversed_versions",
        ),
    ] {
        let (status, body) = get_json(&t.router, uri).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(code)),
            "{uri}"
        );
    }
    // Unknown versions are not comparable (drafts: `drafts_are_not_public`).
    for uri in [
        "/api/apps/vchat/compare/2020-10-01/2099-12-31",
        "/api/apps/vchat/compare/1999-01-01/current",
    ] {
        let (status, body) = get_json(&t.router, uri).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found")),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn the_preview_is_its_own_build_with_its_own_csp() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<html><head><script type=\"module\">reader()</script></head></html>",
    )
    .unwrap();
    let preview = dist.path().join("preview");
    std::fs::create_dir(&preview).unwrap();
    std::fs::write(
        preview.join("index.html"),
        "<html><head><script type=\"module\">preview()</script></head></html>",
    )
    .unwrap();
    std::fs::write(preview.join("preview-0123456789abcdef_bg.wasm"), "wasm").unwrap();
    let t = app_with(&repo_policies(), Some(Spa::load(dist.path()).unwrap())).await;
    let hash = |script: &str| {
        use base64::Engine;
        use sha2::Digest;
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script))
    };
    for route in [
        "/preview",
        "/preview/",
        "/preview/vchat/2026-12-15",
        "/preview/editor",
    ] {
        let (status, headers, body) = call(&t.router, Method::GET, route).await;
        assert_eq!(status, StatusCode::OK, "{route}");
        assert!(
            String::from_utf8(body).unwrap().contains("preview()"),
            "{route}"
        );
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains(&hash("preview()")), "{route}: {csp}");
        assert!(!csp.contains(&hash("reader()")), "{route}: {csp}");
    }
    let (status, headers, _) = call(
        &t.router,
        Method::GET,
        "/preview/preview-0123456789abcdef_bg.wasm",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    let (status, _, _) = call(&t.router, Method::GET, "/preview/missing-0123.wasm").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The reader's pages keep the reader's build.
    let (_, _, body) = call(&t.router, Method::GET, "/previewer").await;
    assert!(String::from_utf8(body).unwrap().contains("reader()"));
}

#[tokio::test]
async fn the_controls_are_their_own_build_served_for_the_users_pages() {
    let dist = tempfile::tempdir().unwrap();
    let shell = |script: &str| {
        format!("<html><head><script type=\"module\">{script}</script></head></html>")
    };
    std::fs::write(dist.path().join("index.html"), shell("reader()")).unwrap();
    for build in ["controls", "account", "documents"] {
        let dir = dist.path().join(build);
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("index.html"), shell(&format!("{build}()"))).unwrap();
        std::fs::write(
            dir.join(format!("privacy-center-{build}-0123456789abcdef_bg.wasm")),
            "wasm",
        )
        .unwrap();
    }
    let t = app_with(&repo_policies(), Some(Spa::load(dist.path()).unwrap())).await;
    let hash = |script: &str| {
        use base64::Engine;
        use sha2::Digest;
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script))
    };
    let builds = ["reader()", "controls()", "account()", "documents()"];
    for (route, build) in [
        ("/me", "controls()"),
        ("/me/notifications", "controls()"),
        ("/me/privacy/", "controls()"),
        ("/me/data", "controls()"),
        ("/me/teen-mode", "account()"),
        ("/me/account", "account()"),
        // Public, but not reader pages: no pre-rendered policy, no preload.
        ("/vchat/permissions", "documents()"),
        ("/vchat/lists", "documents()"),
        ("/no-such-app/lists", "documents()"),
        ("/me/consents", "reader()"),
        ("/vchat/history", "reader()"),
        ("/me/unknown", "reader()"),
    ] {
        let (status, headers, body) = call(&t.router, Method::GET, route).await;
        assert_eq!(status, StatusCode::OK, "{route}");
        assert!(String::from_utf8(body).unwrap().contains(build), "{route}");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains(&hash(build)), "{route}: {csp}");
        for other in builds.iter().filter(|b| **b != build) {
            assert!(!csp.contains(&hash(other)), "{route}: {csp}");
        }
        if build != "reader()" {
            assert!(headers.get("link").is_none(), "{route}");
        }
    }
    for build in ["account", "documents"] {
        let asset = format!("/{build}/privacy-center-{build}-0123456789abcdef_bg.wasm");
        let (status, _, _) = call(&t.router, Method::GET, &asset).await;
        assert_eq!(status, StatusCode::OK, "{asset}");
    }
    let (status, headers, _) = call(
        &t.router,
        Method::GET,
        "/controls/privacy-center-controls-0123456789abcdef_bg.wasm",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
}

#[tokio::test]
async fn large_answers_are_gzipped_for_clients_that_accept_it_small_ones_are_not() {
    use std::io::Read;
    let t = app_with(&repo_policies(), None).await;
    let get = |uri: &'static str, gzip: bool| {
        let mut req = Request::builder().uri(uri);
        if gzip {
            req = req.header("accept-encoding", "gzip");
        }
        let req = req.body(Body::empty()).unwrap();
        let router = t.router.clone();
        async move {
            let res = router.oneshot(req).await.unwrap();
            let headers = res.headers().clone();
            let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
            (headers, body)
        }
    };
    let uri = "/api/apps/huajian/policies/current";
    let (plain_headers, plain) = get(uri, false).await;
    assert!(plain_headers.get("content-encoding").is_none());
    let (headers, zipped) = get(uri, true).await;
    assert_eq!(headers["content-encoding"], "gzip");
    assert!(
        zipped.len() * 2 < plain.len(),
        "{} B gzipped of {} B",
        zipped.len(),
        plain.len()
    );
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&zipped[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain, "the same JSON once decompressed");
    // A small answer is not worth compressing.
    let (headers, _) = get("/api/health", true).await;
    assert!(headers.get("content-encoding").is_none());
}
