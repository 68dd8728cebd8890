//! Fuzzing free-form text (issue 20): every bundled scenario and sweep file is mutated as
//! text (lines deleted, duplicated, swapped or cut; numbers replaced by hostile ones;
//! TOML punctuation and odd characters inserted; the file truncated) and goes through
//! what `normlife check` does (`scenario::from_text`, or the sweep's `spec::from_text` and
//! the validation of every grid point) and, when valid and small, a short run: the
//! engine, the summaries (`summary.json`, `summary.txt`), or the first row of the
//! sweep's runs.csv. Any panic fails; every case must also finish in seconds.
//!
//! In the suite it is short (`FUZZ_CASES`, default 48 cases, a few seconds); the long run
//! is `FUZZ_SECONDS=600 cargo test --release --test fuzz_text -- --nocapture`, which
//! prints the executions, how many inputs were valid and the slowest case. Inputs that
//! once failed are kept below as regression tests (`regressions`).

use normlife::scenario;
use normlife::sweep::{exec, grid, spec};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Cases of the proptest run.
fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(48)
}

/// The bundled scenario and sweep files (path, text): the seeds of the mutations.
fn seeds() -> &'static Vec<(PathBuf, String)> {
    static S: OnceLock<Vec<(PathBuf, String)>> = OnceLock::new();
    S.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut v = Vec::new();
        for sub in ["", "classic", "sweeps"] {
            let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(sub))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect();
            files.sort();
            for p in files {
                let t = std::fs::read_to_string(&p).unwrap();
                v.push((p, t));
            }
        }
        v
    })
}

fn pool() -> &'static rayon::ThreadPool {
    static P: OnceLock<rayon::ThreadPool> = OnceLock::new();
    P.get_or_init(|| normlife::app::pool(Some(1)).unwrap())
}

const HOSTILE: &[&str] = &[
    "nan",
    "inf",
    "-inf",
    "1e308",
    "-1e308",
    "-1",
    "0",
    "1",
    "0.5",
    "2",
    "100000000",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551615",
    "\"\"",
    "\"x\"",
    "\"a b,c\"",
    "[]",
    "[1, 2]",
    "{}",
    "true",
    "1979-05-27",
    "\"\\u0000\"",
];

const INSERTS: &[&str] = &[
    "[", "]", "{", "}", "=", "\"", ",", ".", "#", "\n", "[[", "]]", "'''", "\\", "-", "é", "\u{0}",
    " ", "x", "1",
];

/// One text mutation: (kind, position, pick).
type Mutation = (u8, usize, usize);

fn mutate(text: &str, muts: &[Mutation]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for &(kind, pos, pick) in muts {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let i = pos % lines.len();
        match kind % 8 {
            0 => {
                lines.remove(i);
            }
            1 => {
                let l = lines[i].clone();
                lines.insert(i, l);
            }
            2 => {
                let j = pick % lines.len();
                lines.swap(i, j);
            }
            3 | 4 => {
                // Replace the value of a `key = value` line (or a number in it).
                let v = HOSTILE[pick % HOSTILE.len()];
                if let Some((k, _)) = lines[i].split_once('=') {
                    lines[i] = format!("{k}= {v}");
                } else {
                    lines[i] = replace_number(&lines[i], v);
                }
            }
            5 => {
                let ins = INSERTS[pick % INSERTS.len()];
                let l = &lines[i];
                let at = floor_char(l, pick % (l.len() + 1));
                lines[i] = format!("{}{ins}{}", &l[..at], &l[at..]);
            }
            6 => {
                let l = &lines[i];
                let at = floor_char(l, pick % (l.len() + 1));
                lines[i] = l[..at].to_string();
            }
            _ => {
                // Copy a line of the file elsewhere (a key in the wrong table).
                let j = pick % lines.len();
                let l = lines[j].clone();
                lines.insert(i, l);
            }
        }
    }
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Replaces the first number of a line by `v`.
fn replace_number(l: &str, v: &str) -> String {
    let b = l.as_bytes();
    let Some(start) = b.iter().position(|c| c.is_ascii_digit()) else {
        return l.to_string();
    };
    let end = b[start..]
        .iter()
        .position(|c| !(c.is_ascii_digit() || *c == b'.' || *c == b'e'))
        .map_or(b.len(), |e| start + e);
    format!("{}{v}{}", &l[..start], &l[end..])
}

static EXECUTIONS: AtomicU64 = AtomicU64::new(0);
static VALID: AtomicU64 = AtomicU64::new(0);
static RAN: AtomicU64 = AtomicU64::new(0);
static SLOWEST_MS: AtomicU64 = AtomicU64::new(0);
/// The slowest input so far (file, text), printed by the long run.
static SLOWEST: std::sync::Mutex<Option<(PathBuf, String)>> = std::sync::Mutex::new(None);

/// What `check` and a short run do with one text; panics propagate.
fn exercise(path: &Path, text: &str) {
    EXECUTIONS.fetch_add(1, Ordering::Relaxed);
    if spec::is_sweep_text(text) {
        let Ok(l) = spec::from_text(path, text) else {
            return;
        };
        let g = grid::Grid::new(&l.plan);
        if grid::validate(&l, &g, pool()).is_err() {
            return;
        }
        VALID.fetch_add(1, Ordering::Relaxed);
        let _ = spec::describe(&l);
        if let Ok(m) = grid::model(&l, &g, 0) {
            if small(&m) {
                RAN.fetch_add(1, Ordering::Relaxed);
                let _ = exec::row(&l, &g, &m, 0);
            }
        }
        return;
    }
    let Ok(sc) = scenario::from_text(path, text, &[]) else {
        return;
    };
    VALID.fetch_add(1, Ordering::Relaxed);
    let _ = normlife::app::describe(&sc);
    let m = &sc.model;
    if small(m) {
        RAN.fetch_add(1, Ordering::Relaxed);
        let runs = vec![normlife::engine::run(m, 0)];
        let c = normlife::output::summary::collisions_json(m, &runs);
        let _ = normlife::output::summary::summary_json(m, &runs, c);
        let _ = normlife::output::text::summary_text(m, &runs);
    }
}

/// A run of at most a few million state-norm-steps (a fraction of a second).
fn small(m: &normlife::model::Model) -> bool {
    normlife::limits::estimate(m, 1, 1).work <= 3.0e6
}

fn timed(path: &Path, text: &str) {
    let t0 = Instant::now();
    exercise(path, text);
    let took = t0.elapsed();
    let ms = took.as_millis() as u64;
    if SLOWEST_MS.fetch_max(ms, Ordering::Relaxed) < ms {
        *SLOWEST.lock().unwrap() = Some((path.to_path_buf(), text.to_string()));
    }
    assert!(
        took < Duration::from_secs(20),
        "one input took {took:?} (a hang in check or a short run):\n{text}"
    );
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (any::<u8>(), any::<usize>(), any::<usize>())
}

/// Runs batches of mutated files until `FUZZ_CASES` cases (default 48) or, when set,
/// `FUZZ_SECONDS` seconds; prints the numbers of the run.
#[test]
fn mutated_bundled_files_never_panic() {
    use proptest::test_runner::{Config, TestRunner};
    let seconds: Option<f64> = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok());
    let t0 = Instant::now();
    let strat = (any::<usize>(), proptest::collection::vec(mutation(), 1..6));
    loop {
        let batch = if seconds.is_some() { 500 } else { cases() };
        let mut runner = TestRunner::new(Config {
            cases: batch,
            failure_persistence: None,
            max_shrink_iters: 2000,
            ..Config::default()
        });
        let r = runner.run(&strat, |(which, muts)| {
            let s = seeds();
            let (path, text) = &s[which % s.len()];
            timed(path, &mutate(text, &muts));
            Ok(())
        });
        if let Err(e) = r {
            panic!("fuzz_text found an input that fails: {e}");
        }
        if seconds.is_none_or(|s| t0.elapsed().as_secs_f64() >= s) {
            break;
        }
    }
    eprintln!(
        "fuzz_text: {} executions in {:.0} s, {} valid, {} short runs, slowest {} ms, 0 panics",
        EXECUTIONS.load(Ordering::Relaxed),
        t0.elapsed().as_secs_f64(),
        VALID.load(Ordering::Relaxed),
        RAN.load(Ordering::Relaxed),
        SLOWEST_MS.load(Ordering::Relaxed)
    );
    if SLOWEST_MS.load(Ordering::Relaxed) > 2000 {
        if let Some((p, t)) = SLOWEST.lock().unwrap().as_ref() {
            eprintln!("slowest input ({}):\n{t}", p.display());
        }
    }
}

/// Inputs that once panicked, as free-form text (the fuzzing runs of this file found none
/// beyond those of issue 20, which are these): each must be refused or run, no panic.
#[test]
fn regressions() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let life = std::fs::read_to_string(root.join("lifecycle.toml")).unwrap();
    let sweep = std::fs::read_to_string(root.join("sweeps/critical_timing.toml")).unwrap();
    let cases: Vec<(&str, String)> = vec![
        // `{ dist = "normal", sd = inf }` panicked in distribution.rs (`expect("validated")`).
        (
            "lifecycle.toml",
            life.replacen("sd = 0.08", "sd = inf", 1),
        ),
        ("lifecycle.toml", life.replacen("start_year = 1950", "start_year = nan", 1)),
        // A sweep axis value with an infinite parameter panicked in `check`.
        (
            "sweeps/critical_timing.toml",
            format!("{sweep}\n[[axes]]\npath = \"population.threshold\"\nvalues = [{{ dist = \"lognormal\", mu = 0, sigma = inf }}]\n"),
        ),
    ];
    for (file, text) in &cases {
        let p = root.join(file);
        timed(&p, text);
        let refused = if spec::is_sweep_text(text) {
            spec::from_text(&p, text).map_or(true, |l| {
                grid::validate(&l, &grid::Grid::new(&l.plan), pool()).is_err()
            })
        } else {
            scenario::from_text(&p, text, &[]).is_err()
        };
        assert!(refused, "{file}: a non-finite parameter was accepted");
    }
}
