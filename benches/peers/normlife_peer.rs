//! normlife's side of `benches/compare.sh`: runs a bundled classic scenario
//! (`scenarios/classic/bass.toml` or `watts.toml`) through the ordinary library API —
//! `scenario::load` with `--set`-style overrides, then `engine::run` per replicate,
//! observer included — and prints one JSON line per replicate in the peers' format.
//!
//!     cargo run --release --example peer_normlife -- bass|watts|lifecycle N STEPS REPLICATES [FIRST]
//!
//! Replicates FIRST, FIRST + 1, … (default 0) of the scenario.
//!
//! Set-up is the time of `World::new` (network, population, seeding) with the run's seed;
//! stepping the time of `engine::run_world` on that world (the steps and the observer),
//! which is all `engine::run` does after `World::new`.

use normlife::{engine, model::World, rng, scenario};
use std::path::Path;
use std::time::Instant;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let model = a[1].as_str();
    let (n, steps, reps): (usize, u32, u64) = (
        a[2].parse().unwrap(),
        a[3].parse().unwrap(),
        a[4].parse().unwrap(),
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // `lifecycle` (the bundled life-cycle scenario) is normlife's own scaling check.
    let file = if model == "lifecycle" {
        root.join("scenarios/lifecycle.toml")
    } else {
        root.join(format!("scenarios/classic/{model}.toml"))
    };
    let set = [
        format!("population.n={n}"),
        format!("scenario.steps={steps}"),
    ];
    let first: u64 = a.get(5).map_or(0, |x| x.parse().unwrap());
    let sc = scenario::load(&file, &set).unwrap_or_else(|e| panic!("{e}"));
    let m = &sc.model;
    for rep in first..first + reps {
        let t0 = Instant::now();
        let w = World::new(m, rng::run_seed(m.seed, rep));
        let setup = t0.elapsed().as_secs_f64();
        let t1 = Instant::now();
        let r = engine::run_world(m, w, rep);
        let stepping = t1.elapsed().as_secs_f64();
        let run = match r.termination {
            engine::Termination::StepsDone => steps,
            engine::Termination::Absorbed { step } => step,
        };
        let curve: Vec<String> = r
            .rows
            .iter()
            .filter(|row| row.norm == 0)
            .map(|row| format!("{:.6}", row.counted_share))
            .collect();
        println!(
            "{{\"impl\": \"normlife\", \"model\": \"{model}\", \"n\": {n}, \"rep\": {rep}, \"setup_s\": {setup}, \"step_s\": {}, \"steps_run\": {run}, \"curve\": [{}]}}",
            stepping,
            curve.join(", ")
        );
    }
}
