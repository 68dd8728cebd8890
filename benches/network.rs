//! A Watts (2002) replicate — Erdős–Rényi network with mean degree 4, share threshold
//! φ = 0.18, one random seed (`scenarios/classic/watts.toml`) — at n = 10⁴ and 10⁶.
//!
//! Two benchmarks per size:
//! * `watts/replicate`: a whole replicate as `normlife::engine::run` does it (network
//!   generation, seeding, the cascade steps, early stop once absorbing, observation).
//! * `watts/cascade`: the cascade steps only, on a world built beforehand.
//!
//! Throughput is in *edge visits*: each adoption visits the adopter's neighbours once to
//! update their adopter counts (`apply_changes`), so a replicate makes Σ deg(adopter)
//! edge visits; criterion reports them per second ("elements/s"). Replicate 0 is chosen
//! so that it cascades globally at both sizes (asserted).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use normlife::{engine, model::World, rng, scenario};
use std::path::Path;

/// Steps replicate `run` until nothing changes; returns (Σ deg(adopter) over the
/// adoptions of the run, final adopter share).
fn edge_visits(m: &normlife::model::Model, run: u64) -> (u64, f64) {
    let seed = rng::run_seed(m.seed, run);
    let mut w = World::new(m, seed);
    let mut ws = engine::Workspace::new(m, &w, seed);
    let mut visits = 0u64;
    for t in 1..=m.steps {
        engine::step(m, &mut w, &mut ws, t);
        let g = w.net.as_ref().expect("network");
        visits += ws
            .changes
            .iter()
            .map(|&(i, _, _)| g.degree(i as usize) as u64)
            .sum::<u64>();
        if ws.changes.is_empty() {
            break;
        }
    }
    (visits, w.count_sys[0] as f64 / w.n as f64)
}

fn bench_watts(c: &mut Criterion) {
    let mut g = c.benchmark_group("watts");
    g.sample_size(10);
    for &n in &[10_000usize, 1_000_000] {
        let set = [format!("population.n={n}")];
        let sc = scenario::load(Path::new("scenarios/classic/watts.toml"), &set).unwrap();
        let m = &sc.model;
        let run = 0u64;
        let (visits, share) = edge_visits(m, run);
        assert!(
            share > 0.5,
            "n = {n}: replicate {run} did not cascade ({share})"
        );
        eprintln!("watts n = {n}: replicate {run} reaches {share:.4} of the nodes with {visits} edge visits");
        g.throughput(Throughput::Elements(visits));
        g.bench_with_input(BenchmarkId::new("replicate", n), &n, |b, _| {
            b.iter(|| engine::run(m, run))
        });
        let seed = rng::run_seed(m.seed, run);
        g.bench_with_input(BenchmarkId::new("cascade", n), &n, |b, _| {
            b.iter_batched(
                || World::new(m, seed),
                |mut w| {
                    let mut ws = engine::Workspace::new(m, &w, seed);
                    for t in 1..=m.steps {
                        engine::step(m, &mut w, &mut ws, t);
                        if ws.changes.is_empty() {
                            break;
                        }
                    }
                    w
                },
                criterion::BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, bench_watts);
criterion_main!(benches);
