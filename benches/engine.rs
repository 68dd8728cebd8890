//! One step of the engine at 200, 10,000 and 1,000,000 generated states, fully mixed
//! (system scope only) and fully mixed + regional, with every life-cycle mechanism on.
//! Throughput is reported in state-norm-steps (elements).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use normlife::{engine, model::World, rng, scenario};
use std::path::Path;

fn scenario_text(n: usize, regional: bool) -> String {
    format!(
        r#"[scenario]
name = "bench"
steps = 1000
seed = 5
[population]
n = {n}
regions = ["a", "b", "c", "d", "e", "f"]
weight = {{ dist = "lognormal", mu = 0.0, sigma = 0.5 }}
threshold = {{ dist = "normal", mean = 0.4, sd = 0.1, min = 0.0, max = 1.0 }}
legitimation_need = {{ dist = "uniform", min = 0.0, max = 1.0 }}
domestic_movement = {{ dist = "beta", a = 1.0, b = 5.0 }}
[[norms]]
id = "n"
initial_share = 0.2
[[coalitions]]
id = "c"
norms = ["n"]
power = 0.5
strategy = "weight-first"
targets_per_step = 10
income = 10.0
[socialization]
system = {sys}
region = {reg}
response = "logistic"
steepness = 20.0
legitimation = 0.3
conformity = 0.5
esteem = 0.5
[backsliding]
rate = 0.05
"#,
        sys = if regional { 0.5 } else { 1.0 },
        reg = if regional { 0.5 } else { 0.0 },
    )
}

fn bench_step(c: &mut Criterion) {
    let mut g = c.benchmark_group("step");
    for &n in &[200usize, 10_000, 1_000_000] {
        for regional in [false, true] {
            let sc = scenario::from_text(Path::new("bench.toml"), &scenario_text(n, regional), &[])
                .unwrap();
            let m = &sc.model;
            let seed = rng::run_seed(m.seed, 0);
            let mut w = World::new(m, seed);
            let mut ws = engine::Workspace::new(m, &w, seed);
            let mut t = 0u32;
            g.throughput(Throughput::Elements(n as u64));
            if n >= 1_000_000 {
                g.sample_size(10);
            } else {
                g.sample_size(30);
            }
            let label = if regional { "mixed+regional" } else { "mixed" };
            g.bench_with_input(BenchmarkId::new(label, n), &n, |b, _| {
                b.iter(|| {
                    t += 1;
                    engine::step(m, &mut w, &mut ws, t);
                })
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench_step);
criterion_main!(benches);
