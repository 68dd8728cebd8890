//! Shared helpers for the integration tests.
#![allow(dead_code)]

use normlife::observe::RunResult;
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
    scenario::from_text(Path::new("test.toml"), text, &set).unwrap_or_else(|e| panic!("{e}"))
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
