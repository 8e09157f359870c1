//! Push-check benchmark (issue #14): how fast a host app learns which of
//! 10,000 users may receive a push now.
//!
//! `cargo bench -p privacy-center-api --bench push_check` seeds 100,000
//! vchat users' push settings (a quarter with stored settings: some with
//! pushes off, some opted out of `message_push`, some with quiet hours in a
//! few time zones), then sends `POST /api/internal/apps/vchat/push-check`
//! for 10,000 users at a time through the router in-process (no socket: the
//! figure is the route, the queries and the JSON, not loopback HTTP), one
//! request after another, for `PUSH_SECS` seconds (default 5). It prints
//! user checks per second and the request latency's percentiles.

#[path = "../tests/common/mod.rs"]
mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{repo_policies, TestApp, HOST};
use hdrhistogram::Histogram;
use http_body_util::BodyExt;
use privacy_center_api::on;
use std::time::{Duration, Instant};
use tower::ServiceExt;

const USERS: usize = 100_000;
const PER_CHECK: usize = 10_000;

fn main() {
    let secs: u64 = std::env::var("PUSH_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(run(Duration::from_secs(secs)));
}

async fn seed(t: &TestApp) {
    let mut tx = t.state.store.begin_write().await.unwrap();
    let zones = [
        "Asia/Shanghai",
        "Europe/Berlin",
        "America/New_York",
        "Asia/Tokyo",
    ];
    for i in (0..USERS).step_by(4) {
        let user = format!("user{i:06}");
        let enabled = i % 20 != 0;
        let quiet = (i % 12 == 0).then(|| ("22:00", "07:00", zones[i / 12 % zones.len()]));
        on!(&mut tx, c => sqlx::query(
            "INSERT INTO push_settings (app, user_id, enabled, quiet_start, quiet_end, quiet_tz) \
             VALUES ('vchat', $1, $2, $3, $4, $5)",
        )
        .bind(&user)
        .bind(enabled)
        .bind(quiet.map(|q| q.0))
        .bind(quiet.map(|q| q.1))
        .bind(quiet.map(|q| q.2))
        .execute(c).await.map(|r| r.rows_affected()))
        .unwrap();
        if i % 8 == 0 {
            on!(&mut tx, c => sqlx::query(
                "INSERT INTO push_opt_outs (app, user_id, category) VALUES ('vchat', $1, 'message_push')",
            )
            .bind(&user)
            .execute(c).await.map(|r| r.rows_affected()))
            .unwrap();
        }
    }
    tx.commit().await.unwrap();
}

async fn run(duration: Duration) {
    let t = TestApp::new(&repo_policies()).await;
    seed(&t).await;
    let token = t.state.keys.service_token("vchat").unwrap().to_owned();
    let bodies: Vec<String> = (0..USERS / PER_CHECK)
        .map(|b| {
            let users: Vec<String> = (b * PER_CHECK..(b + 1) * PER_CHECK)
                .map(|i| format!("user{i:06}"))
                .collect();
            serde_json::json!({"category": "message_push", "users": users}).to_string()
        })
        .collect();
    let mut latency = Histogram::<u64>::new(3).unwrap();
    let mut refused = 0usize;
    let start = Instant::now();
    let mut requests = 0usize;
    while start.elapsed() < duration {
        let body = bodies[requests % bodies.len()].clone();
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/internal/apps/vchat/push-check")
            .header(header::HOST, HOST)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .unwrap();
        let sent = Instant::now();
        let res = t.router.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        latency.record(sent.elapsed().as_micros() as u64).unwrap();
        if requests == 0 {
            let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            refused = v["refused"].as_array().unwrap().len();
        }
        requests += 1;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let checks = requests * PER_CHECK;
    println!(
        "push-check: {requests} requests of {PER_CHECK} users in {elapsed:.1} s = {:.0} user checks/s \
         ({:.1} requests/s); {refused} of the first {PER_CHECK} refused",
        checks as f64 / elapsed,
        requests as f64 / elapsed
    );
    println!(
        "latency per request (ms): p50 {:.1}, p90 {:.1}, p99 {:.1}, max {:.1}",
        latency.value_at_quantile(0.50) as f64 / 1000.0,
        latency.value_at_quantile(0.90) as f64 / 1000.0,
        latency.value_at_quantile(0.99) as f64 / 1000.0,
        latency.max() as f64 / 1000.0
    );
}
