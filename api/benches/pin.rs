//! Teen-mode password benchmarks (issue #15, figures in docs/benchmarks.md):
//! - `pin/argon2id_hash`: one Argon2id at the OWASP parameters (m = 19456
//!   KiB, t = 2, p = 1) with the pepper, what every password check costs;
//! - `pin/locked_attempt`: one attempt refused by the throttle (429, no
//!   hash), through the router in-process: session, teen-mode row and the
//!   throttle's transaction. A 1,000-attempt guessing run costs 5 hashes and
//!   995 of these.
//!
//! Run: `cargo bench -p privacy-center-api --bench pin`

#[path = "../tests/common/mod.rs"]
mod common;

use axum::http::StatusCode;
use common::{repo_policies, TestApp};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use privacy_center_api::teen::hash_pin;
use serde_json::json;

fn bench_hash(c: &mut Criterion) {
    let pepper = [7u8; 32];
    let salt = [9u8; 16];
    let mut g = c.benchmark_group("pin");
    g.sample_size(20);
    g.bench_function("argon2id_hash", |b| {
        b.iter(|| hash_pin(black_box(&pepper), black_box(b"5192"), black_box(&salt)).unwrap())
    });
    g.finish();
}

fn bench_locked_attempt(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (t, cookie) = rt.block_on(async {
        let t = TestApp::new(&repo_policies()).await;
        let cookie = t.sign_in("vchat", "bench").await;
        let on = json!({ "pin": "5192", "age_band": "12_16" }).to_string();
        assert_eq!(
            t.post("/api/me/teen-mode/on", &on, Some(&cookie))
                .await
                .status,
            StatusCode::OK
        );
        let wrong = json!({ "pin": "3807" }).to_string();
        for _ in 0..5 {
            t.post("/api/me/teen-mode/off", &wrong, Some(&cookie)).await;
        }
        (t, cookie)
    });
    let wrong = json!({ "pin": "3807" }).to_string();
    let mut g = c.benchmark_group("pin");
    g.bench_function("locked_attempt", |b| {
        b.iter(|| {
            let res = rt.block_on(t.post("/api/me/teen-mode/off", &wrong, Some(&cookie)));
            assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
        })
    });
    g.finish();
}

criterion_group!(benches, bench_hash, bench_locked_attempt);
criterion_main!(benches);
