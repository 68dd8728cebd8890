//! Shared helpers for the integration tests.
#![allow(dead_code)]

use normlife::engine;
use normlife::model::{Event, Model, World};
use normlife::observe::{RunResult, StepStats};
use normlife::rng;
use normlife::scenario::{self, Scenario};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Loads a bundled scenario (path relative to the repository) with overrides.
pub fn load(rel: &str, set: &[&str]) -> Scenario {
    let set: Vec<String> = set.iter().map(|s| s.to_string()).collect();
    scenario::load(&root().join(rel), &set).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Loads a scenario from text.
pub fn from_text(text: &str, set: &[&str]) -> Scenario {
    let set: Vec<String> = set.iter().map(|s| s.to_string()).collect();
    scenario::from_text(&root().join("scenarios/test.toml"), text, &set)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `r` replicates in parallel (results in replicate order).
pub fn replicates(sc: &Scenario, r: u64) -> Vec<RunResult> {
    (0..r)
        .into_par_iter()
        .map(|i| normlife::engine::run(&sc.model, i))
        .collect()
}

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_normlife"))
}

pub fn run_bin(args: &[&str]) -> Output {
    bin().args(args).output().expect("run normlife")
}

/// Runs `normlife` and asserts that it succeeded (the message carries its stderr).
pub fn run_ok(args: &[&str]) -> Output {
    let out = run_bin(args);
    assert!(
        out.status.success(),
        "normlife {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `normlife run SCENARIO --out DIR EXTRA…`, which must succeed.
pub fn run_to(dir: &Path, scenario: &Path, extra: &[&str]) -> Output {
    let (s, d) = (scenario.display().to_string(), dir.display().to_string());
    let mut args = vec!["run", s.as_str(), "--out", d.as_str()];
    args.extend_from_slice(extra);
    run_ok(&args)
}

/// One side of a `lockstep` after a step: the world, the step's changes and tallies,
/// and the events so far.
pub struct Side<'a> {
    pub w: &'a World,
    pub changes: &'a [engine::Change],
    pub stats: &'a [StepStats],
    pub events: &'a [Event],
}

fn side<'a>(w: &'a World, ws: &'a engine::Workspace) -> Side<'a> {
    Side {
        w,
        changes: &ws.changes,
        stats: &ws.stats,
        events: &ws.events,
    }
}

/// Replicate `run` of `m` stepped twice side by side for `steps` steps: `a` by
/// `engine::step` (index order, fast paths allowed), `b` by `engine::step_in_order` in
/// the order `order(t)` gives (always the full loop). After every step `check(t, a, b)`
/// compares them; the two final worlds are returned.
pub fn lockstep(
    m: &Model,
    run: u64,
    steps: u32,
    mut order: impl FnMut(u32) -> Vec<usize>,
    mut check: impl FnMut(u32, Side, Side),
) -> (World, World) {
    let seed = rng::run_seed(m.seed, run);
    let (mut a, mut b) = (World::new(m, seed), World::new(m, seed));
    let mut wsa = engine::Workspace::new(m, &a, seed);
    let mut wsb = engine::Workspace::new(m, &b, seed);
    for t in 1..=steps {
        let o = order(t);
        engine::step(m, &mut a, &mut wsa, t);
        engine::step_in_order(m, &mut b, &mut wsb, t, o.into_iter());
        check(t, side(&a, &wsa), side(&b, &wsb));
    }
    (a, b)
}

/// Asserts that a finished `normlife` command was refused as bad input: exit status 2,
/// no panic, and every `needle` in its stderr (which is returned).
pub fn assert_input_error(name: &str, out: &Output, needles: &[&str]) -> String {
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{name}: expected exit 2, got {:?}\n{err}",
        out.status
    );
    assert!(!err.contains("panicked"), "{name}: panic\n{err}");
    for n in needles {
        assert!(err.contains(n), "{name}: stderr lacks `{n}`:\n{err}");
    }
    err
}

/// Writes `text` as a scenario file and asserts that `normlife check` refuses it as bad
/// input (`assert_input_error`).
pub fn check_rejects(text: &str, needles: &[&str]) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("scenario.toml");
    std::fs::write(&f, text).unwrap();
    let out = run_bin(&["check", f.to_str().unwrap()]);
    assert_input_error("check", &out, needles)
}

pub fn share(xs: impl Iterator<Item = bool>) -> f64 {
    let v: Vec<bool> = xs.collect();
    v.iter().filter(|&&b| b).count() as f64 / v.len() as f64
}

pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The index of norm `id` in a loaded scenario.
pub fn norm_index(sc: &Scenario, id: &str) -> usize {
    sc.model
        .norms
        .iter()
        .position(|n| n.id == id)
        .expect("norm id")
}

/// Replaces the text between `<!-- BEGIN name -->` and `<!-- END name -->` of `doc` with
/// `text` when `NORMLIFE_WRITE_DOCS=1`, or asserts it is already there; `test` names the
/// test target that regenerates it.
pub fn generated(doc: &str, name: &str, text: &str, test: &str) {
    let path = root().join(doc);
    let old = std::fs::read_to_string(&path).unwrap();
    let (begin, end) = (
        format!("<!-- BEGIN {name} -->\n"),
        format!("<!-- END {name} -->"),
    );
    let a = old.find(&begin).expect("begin marker") + begin.len();
    let b = old.find(&end).expect("end marker");
    if std::env::var("NORMLIFE_WRITE_DOCS").as_deref() == Ok("1") {
        let new = format!("{}{}{}", &old[..a], text, &old[b..]);
        std::fs::write(&path, new).unwrap();
        return;
    }
    assert_eq!(
        &old[a..b],
        text,
        "{doc}: the part {name} is stale; regenerate it with NORMLIFE_WRITE_DOCS=1 cargo test --release --test {test}"
    );
}

/// The small world of the collision tests (seed 000's constellation in miniature): 20
/// states on one value dimension `x`, a dominant norm `a` held by 80% and a challenger norm
/// `b` held by 10%, at scenario seed 7. Append norms, coalitions, forums and collisions.
pub fn acc_world(name: &str, steps: u32) -> String {
    format!(
        r#"[scenario]
name = "{name}"
steps = {steps}
seed = 7
value_dimensions = ["x"]
[population]
n = 20
values = {{ dist = "normal", mean = -0.5, sd = 0.1, min = -1.0, max = 1.0 }}
[[norms]]
id = "a"
dominant = true
initial_share = 0.8
initial_internalization = 0.6
values = [-0.8]
[[norms]]
id = "b"
initial_share = 0.1
initial_internalization = 0.3
values = [0.8]
"#
    )
}

/// The record of collision `id` in a run.
pub fn collision<'a>(r: &'a RunResult, id: &str) -> &'a normlife::observe::CollisionRecord {
    r.collisions
        .iter()
        .find(|c| c.id == id)
        .expect("collision id")
}
