//! `GET /api/apps/{app}/lists`: the two lists (双清单) as `app.toml`
//! declares them, each row's section resolved to its heading on the policy page.

mod common;

use axum::http::{header, StatusCode};
use common::{repo_policies, TestApp};
use serde_json::Value;

/// The `text` of each row's section and its anchor must be a heading of the
/// current policy's contents, so a row's link lands on that heading.
fn assert_rows_link_to_headings(rows: &[Value], toc: &[Value], what: &str) {
    assert!(!rows.is_empty(), "{what}: no rows");
    for row in rows {
        let anchor = row["section_id"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}: {row} has no anchor"));
        let heading = toc
            .iter()
            .find(|e| e["id"] == anchor)
            .unwrap_or_else(|| panic!("{what}: anchor {anchor} is not in the contents"));
        assert_eq!(heading["text"], row["section"], "{what}: {row}");
    }
}

#[tokio::test]
async fn every_app_publishes_both_lists_linked_to_its_current_policy() {
    let app = TestApp::new(&repo_policies()).await;
    let apps = app.get("/api/apps", None).await.json;
    for id in apps
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
    {
        let lists = app.get(&format!("/api/apps/{id}/lists"), None).await;
        assert_eq!(lists.status, StatusCode::OK, "{id}");
        let current = app
            .get(&format!("/api/apps/{id}/policies/current"), None)
            .await
            .json;
        assert_eq!(lists.json["app"]["id"], id);
        assert_eq!(lists.json["version"], current["meta"]["version"], "{id}");
        let toc = current["toc"].as_array().unwrap();
        assert_rows_link_to_headings(lists.json["collected"].as_array().unwrap(), toc, id);
        assert_rows_link_to_headings(lists.json["third_parties"].as_array().unwrap(), toc, id);
    }
}

#[tokio::test]
async fn rows_carry_what_the_policy_says_and_say_nothing_it_does_not() {
    let app = TestApp::new(&repo_policies()).await;
    let lists = app.get("/api/apps/vchat/lists", None).await;
    // Public like the policy: cacheable, keyed on the cookie like every policy answer.
    assert!(lists.headers.get(header::CACHE_CONTROL).is_none());
    assert!(lists.headers[header::VARY]
        .to_str()
        .unwrap()
        .contains("cookie"));
    let row = |list: &str, id: &str| {
        lists.json[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{list}/{id}"))
            .clone()
    };
    let location = row("collected", "location");
    assert_eq!(location["sensitive"], true);
    assert_eq!(location["section"], "2、位置信息日志");
    // Permissions by their labels, Android's and iOS's, each once.
    assert_eq!(
        location["permissions"],
        serde_json::json!(["大致地理位置", "精确地理位置", "地理位置"])
    );
    let uploads = row("collected", "uploads");
    assert_eq!(
        uploads["purpose"],
        Value::Null,
        "the policy gives no purpose"
    );
    assert_eq!(uploads["permissions"], serde_json::json!([]));
    let push = row("third_parties", "push_sdk");
    assert_eq!(push["kind"], "sdk");
    assert_eq!(push["company"], Value::Null, "the policy names no company");
    assert_eq!(push["link"], Value::Null);
    assert_eq!(
        push["data"],
        serde_json::json!(["手机型号", "版本", "相关设备信息"])
    );
}

#[tokio::test]
async fn an_unknown_app_has_no_lists() {
    let app = TestApp::new(&repo_policies()).await;
    let res = app.get("/api/apps/nope/lists", None).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.json["code"], "not_found");
    assert!(res.json["message"].as_str().unwrap().contains("nope"));
}
