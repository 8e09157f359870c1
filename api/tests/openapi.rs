//! The OpenAPI description (issue #11): served, complete, and in step with
//! the routes the server runs.

mod common;

use axum::http::{header, Method, StatusCode};
use common::{json_request, repo_policies, TestApp};
use serde_json::Value;

async fn description(t: &TestApp) -> Value {
    let res = t.get("/api/openapi.json", None).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.headers[header::CONTENT_TYPE], "application/json");
    res.json
}

#[tokio::test]
async fn the_description_is_openapi_3_1_with_both_security_schemes() {
    let t = TestApp::new(&repo_policies()).await;
    let doc = description(&t).await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["session"]["type"], "apiKey");
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["service"]["scheme"], "bearer");
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    let status = &doc["paths"]["/api/internal/apps/{app}/users/{user}/status"]["get"];
    assert_eq!(status["security"][0]["service"], serde_json::json!([]));
    assert_eq!(
        status["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/InternalStatus"
    );
    // A body route lists the errors every JSON body may get.
    let push = &doc["paths"]["/api/me/push"]["put"]["responses"];
    for code in ["200", "400", "401", "403", "413", "415", "422"] {
        assert!(push[code].is_object(), "PUT /api/me/push lacks {code}");
    }
    // A receipt's batch proof is described, so a client can check one.
    let schemas = &doc["components"]["schemas"];
    let batch = &schemas["Receipt"]["properties"]["batch"];
    assert!(
        batch
            .to_string()
            .contains("#/components/schemas/ReceiptBatch"),
        "{batch}"
    );
    for field in ["index", "size", "path"] {
        assert!(
            schemas["ReceiptBatch"]["required"]
                .as_array()
                .unwrap()
                .contains(&field.into()),
            "{}",
            schemas["ReceiptBatch"]
        );
    }
    // Operation ids are unique (clients name methods after them).
    let mut ids: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .map(|op| op["operationId"].as_str().unwrap())
        .collect();
    let all = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all, "duplicate operation ids: {ids:?}");
    // The `--dev` routes are not part of what is served.
    let paths = doc["paths"].as_object().unwrap();
    assert!(!paths.contains_key("/api/dev/clock"));
    assert!(
        paths.contains_key("/api/dev"),
        "GET /api/dev answers everywhere"
    );
}

/// Every operation the description names is a route the server runs: a
/// request to it never reaches the "no API endpoint" fallback or 405.
#[tokio::test]
async fn every_described_operation_is_served() {
    let t = TestApp::with(&repo_policies(), |s| s.dev = true).await;
    let mut doc = description(&t).await;
    // Under --dev the server runs the dev routes too; describe them as well.
    let dev = privacy_center_api::routes::described(true);
    doc["paths"] = serde_json::to_value(&dev).unwrap()["paths"].take();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 20, "only {} paths", paths.len());
    let mut checked = 0;
    for (path, item) in paths {
        let concrete = path
            .replace("{app}", "vchat")
            .replace("{user}", "alice")
            .replace("{version}", "current")
            .replace("{from}", "2019-06-01")
            .replace("{to}", "2020-10-01");
        for (method, _) in item.as_object().unwrap() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let res = t
                .send(json_request(method.clone(), &concrete, "{}", None))
                .await;
            let fallback = res.json["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("no API endpoint"));
            assert!(
                !fallback && res.status != StatusCode::METHOD_NOT_ALLOWED,
                "{method} {concrete} is described but not served: {} {}",
                res.status,
                res.json
            );
            checked += 1;
        }
    }
    assert!(checked >= 25, "only {checked} operations");
}

/// The other direction: a route registered with axum's `.route(` would be
/// served without being described. Every API route is registered with
/// `utoipa_axum::routes!`, which describes it in the same step.
#[test]
fn no_api_route_bypasses_the_description() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes");
    let mut read = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect();
        read += 1;
        for needle in [".route(", ".route_service("] {
            assert!(
                !code.contains(needle),
                "{} registers a route with `{needle}`, which the OpenAPI description \
                 would not list; use `OpenApiRouter::routes(routes!(handler))`",
                path.display()
            );
        }
    }
    assert!(read >= 9, "read only {read} route modules");
}
