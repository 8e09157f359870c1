//! Policy pipeline benchmarks, each against a baseline measured in the same run:
//! - `render/ours` (sanitise + heading ids + TOC) vs `render/bare_push_html`
//!   (plain pulldown-cmark) on the largest policy in `policies/`;
//! - `diff/two_largest_versions`: the two largest versions of one app.
//!
//! Run: `cargo bench -p privacy-center-core --bench policy`

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use privacy_center_core::policy::PolicyFile;
use std::path::Path;

/// Every policy body in the repository's tree, as (app, size, markdown).
fn corpus() -> Vec<(String, PolicyFile)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies");
    let mut out = Vec::new();
    for app in std::fs::read_dir(&root).expect("policies/").flatten() {
        if !app.path().is_dir() {
            continue;
        }
        let name = app.file_name().to_string_lossy().into_owned();
        for f in std::fs::read_dir(app.path()).expect("app dir").flatten() {
            if f.path().extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(f.path()).expect("readable");
                out.push((
                    name.clone(),
                    PolicyFile::parse(&text).expect("valid policy"),
                ));
            }
        }
    }
    out.sort_by_key(|(_, p)| std::cmp::Reverse(p.markdown.len()));
    out
}

fn bench_render(c: &mut Criterion) {
    let corpus = corpus();
    let (app, largest) = &corpus[0];
    let md = largest.markdown.as_str();
    let mut g = c.benchmark_group(format!(
        "render/{app}-{}-{}B",
        largest.meta.version,
        md.len()
    ));
    g.bench_function("ours", |b| {
        b.iter(|| privacy_center_core::render::render(black_box(md)).unwrap())
    });
    g.bench_function("bare_push_html", |b| {
        b.iter(|| {
            let parser = pulldown_cmark::Parser::new_ext(
                black_box(md),
                pulldown_cmark::Options::ENABLE_TABLES
                    | pulldown_cmark::Options::ENABLE_STRIKETHROUGH,
            );
            let mut html = String::with_capacity(md.len() * 3 / 2);
            pulldown_cmark::html::push_html(&mut html, parser);
            html
        })
    });
    g.finish();
}

fn bench_diff(c: &mut Criterion) {
    let corpus = corpus();
    // The app whose two largest versions are the largest pair.
    let mut best: Option<(&PolicyFile, &PolicyFile)> = None;
    for (i, (app, a)) in corpus.iter().enumerate() {
        if let Some((_, b)) = corpus[i + 1..].iter().find(|(other, _)| other == app) {
            let size = a.markdown.len() + b.markdown.len();
            if best.is_none_or(|(x, y)| x.markdown.len() + y.markdown.len() < size) {
                best = Some((b, a));
            }
        }
    }
    let Some((old, new)) = best else {
        eprintln!("no app with two versions; skipping the diff benchmark");
        return;
    };
    c.bench_function(
        &format!(
            "diff/two_largest_versions/{}-vs-{}",
            old.meta.version, new.meta.version
        ),
        |b| {
            b.iter(|| {
                privacy_center_core::diff::diff(black_box(&old.markdown), black_box(&new.markdown))
            })
        },
    );
}

criterion_group!(benches, bench_render, bench_diff);
criterion_main!(benches);
