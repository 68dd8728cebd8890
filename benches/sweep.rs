//! Runs per second of a sweep of the bundled life-cycle scenario at 1 and 2 threads
//! (target: ≥ 1.8× on 2 threads). Each iteration is a whole `normlife sweep`: validation,
//! 200 runs (4 grid points × 50 replicates), runs.csv and aggregate.csv.
//!
//!     cargo bench --bench sweep

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::Path;

const RUNS: u64 = 200;

fn sweep_file(dir: &Path) -> std::path::PathBuf {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/lifecycle.toml");
    let text = format!(
        "[sweep]\nname = \"bench\"\nscenario = \"{}\"\nreplicates = 50\nseed = 5\n\n[[axes]]\npath = \"coalitions.transnational.start_step\"\nvalues = [0, 10, 20, 30]\n",
        base.display()
    );
    let p = dir.join("bench.toml");
    std::fs::write(&p, text).unwrap();
    p
}

fn bench(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let file = sweep_file(tmp.path());
    let mut g = c.benchmark_group("sweep_lifecycle");
    g.throughput(Throughput::Elements(RUNS));
    g.sample_size(15);
    g.measurement_time(std::time::Duration::from_secs(8));
    for threads in [1usize, 2] {
        let out = tmp.path().join(format!("out{threads}"));
        let o = normlife::sweep::Options {
            threads: Some(threads),
            out: Some(out),
            quiet: true,
            force: true,
            ..Default::default()
        };
        g.bench_function(format!("threads_{threads}"), |b| {
            b.iter(|| {
                let r = normlife::sweep::sweep(&file, &o).unwrap();
                assert_eq!(r.done, RUNS);
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
