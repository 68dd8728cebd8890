//! Sweeps: reproducible whatever the threads, resumable, shardable; bad sweep files are
//! rejected (exit 2, located message) before any run starts.

mod common;

use common::{assert_input_error, bin, run_bin as run};
use std::path::{Path, PathBuf};
use std::process::Output;

fn lifecycle() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/lifecycle.toml")
        .display()
        .to_string()
}

/// A small sweep: 3 × 2 grid points (one categorical axis) × 5 replicates = 30 runs of
/// a 25-step life cycle.
fn small_sweep(dir: &Path) -> PathBuf {
    let text = format!(
        r#"[sweep]
name = "small"
scenario = "{}"
replicates = 5
seed = 11

[[axes]]
path = "coalitions.transnational.power"
from = 0.2
to = 1.0
steps = 3

[[axes]]
path = "socialization.response"
values = ["logistic", "linear"]

[[axes]]
path = "scenario.steps"
values = [25]

[[plots]]
kind = "heatmap"
x = "coalitions.transnational.power"
y = "socialization.response"
z = "new_norm.tipping_step"

[[plots]]
kind = "band"
x = "coalitions.transnational.power"
y = "new_norm.final_weighted_share"
"#,
        lifecycle()
    );
    let p = dir.join("small.toml");
    std::fs::write(&p, text).unwrap();
    p
}

fn ok(args: &[&str]) -> Output {
    let o = run(args);
    assert!(
        o.status.success(),
        "normlife {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn sweep(file: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut a = vec![
        "sweep",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    a.extend_from_slice(extra);
    ok(&a)
}

fn rows(p: &Path) -> Vec<String> {
    String::from_utf8(read(p))
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn identical_whatever_the_threads() {
    let t = tempfile::tempdir().unwrap();
    let f = small_sweep(t.path());
    let mut files = Vec::new();
    for th in ["1", "2", "4"] {
        let out = t.path().join(format!("t{th}"));
        sweep(&f, &out, &["--threads", th]);
        files.push((
            read(&out.join("runs.csv")),
            read(&out.join("aggregate.csv")),
        ));
    }
    assert_eq!(files[0], files[1], "threads 1 vs 2");
    assert_eq!(files[0], files[2], "threads 1 vs 4");

    let r = rows(&t.path().join("t1/runs.csv"));
    assert_eq!(r.len(), 31);
    assert!(r[0].starts_with(
        "run,replicate,seed,coalitions.transnational.power,socialization.response,scenario.steps,new_norm.tipping_step,"
    ));
    assert!(
        r[0].contains(",new_norm.tipped,")
            && r[0]
                .ends_with("collisions_activated,collisions_open_at_end,any_collision_activated")
    );
    for (i, row) in r[1..].iter().enumerate() {
        let c: Vec<&str> = row.split(',').collect();
        assert_eq!(c[0], i.to_string(), "rows in run order");
        assert_eq!(c[1], (i % 5).to_string(), "replicates innermost");
    }
    // Row-major grid: the last axis varies fastest.
    assert!(r[1].contains(",0.2,logistic,25,"));
    assert!(r[6].contains(",0.2,linear,25,"));
    assert!(r[11].contains(",0.6,logistic,25,"));
    let a = rows(&t.path().join("t1/aggregate.csv"));
    assert_eq!(a.len(), 7);
    assert!(a[0].starts_with(
        "coalitions.transnational.power,socialization.response,scenario.steps,new_norm.tipping_step.mean,new_norm.tipping_step.sd,new_norm.tipping_step.p10,new_norm.tipping_step.median,new_norm.tipping_step.p90,"
    ));
    assert!(a[1].starts_with("0.2,logistic,25,"));
    assert!(t.path().join("t1/sweep.json").exists());
    // The plots of the sweep file, identical too.
    for stem in [
        "heatmap_new_norm.tipping_step",
        "band_new_norm.final_weighted_share",
    ] {
        for ext in ["svg", "png"] {
            let name = format!("{stem}.{ext}");
            assert_eq!(
                read(&t.path().join("t1").join(&name)),
                read(&t.path().join("t4").join(&name)),
                "{name}"
            );
        }
    }
}

#[test]
fn resume_after_interruption_is_identical() {
    let t = tempfile::tempdir().unwrap();
    let f = small_sweep(t.path());
    let full = t.path().join("full");
    sweep(&f, &full, &["--threads", "2"]);

    let part = t.path().join("part");
    let o = sweep(&f, &part, &["--threads", "2", "--max-runs", "7"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("--resume"));
    assert_eq!(
        rows(&part.join("runs.csv")).len(),
        8,
        "header + 7 finished runs"
    );
    assert!(!part.join("aggregate.csv").exists());

    sweep(
        &f,
        &part,
        &["--threads", "2", "--resume", "--max-runs", "5"],
    );
    let r = rows(&part.join("runs.csv"));
    assert_eq!(r.len(), 13);
    // Simulate a write torn by a kill: a partial last line.
    let mut bytes = read(&part.join("runs.csv"));
    bytes.extend_from_slice(b"12,2,99999,0.6,logis");
    std::fs::write(part.join("runs.csv"), &bytes).unwrap();

    sweep(&f, &part, &["--threads", "4", "--resume"]);
    assert_eq!(read(&part.join("runs.csv")), read(&full.join("runs.csv")));
    assert_eq!(
        read(&part.join("aggregate.csv")),
        read(&full.join("aggregate.csv"))
    );

    // Resuming a complete sweep runs nothing and changes nothing.
    let o = sweep(&f, &part, &["--resume"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("0 run(s)"));
    assert_eq!(read(&part.join("runs.csv")), read(&full.join("runs.csv")));
}

#[test]
fn shards_merge_to_the_unsharded_files() {
    let t = tempfile::tempdir().unwrap();
    let f = small_sweep(t.path());
    let full = t.path().join("full");
    sweep(&f, &full, &["--threads", "1"]);
    let mut dirs = Vec::new();
    for k in 0..3 {
        let d = t.path().join(format!("shard{k}"));
        if k == 1 {
            // One shard interrupted and resumed.
            sweep(&f, &d, &["--shard", "1/3", "--max-runs", "4"]);
            sweep(&f, &d, &["--shard", "1/3", "--resume"]);
        } else {
            sweep(&f, &d, &["--shard", &format!("{k}/3"), "--threads", "2"]);
        }
        assert!(!d.join("aggregate.csv").exists(), "shards do not aggregate");
        assert_eq!(rows(&d.join("runs.csv")).len(), 11);
        dirs.push(d.to_str().unwrap().to_string());
    }
    // A missing shard is an error.
    let merged = t.path().join("merged");
    let o = run(&[
        "merge",
        "--out",
        merged.to_str().unwrap(),
        &dirs[0],
        &dirs[2],
    ]);
    assert_input_error("merge", &o, &["missing shard(s): 1/3"]);

    // Any order of the shard directories.
    ok(&[
        "merge",
        "--out",
        merged.to_str().unwrap(),
        &dirs[2],
        &dirs[0],
        &dirs[1],
    ]);
    assert_eq!(read(&merged.join("runs.csv")), read(&full.join("runs.csv")));
    assert_eq!(
        read(&merged.join("aggregate.csv")),
        read(&full.join("aggregate.csv"))
    );
    assert!(merged.join("heatmap_new_norm.tipping_step.svg").exists());
    assert!(merged
        .join("band_new_norm.final_weighted_share.png")
        .exists());
}

/// Writes a sweep file, runs it, expects exit 2 with every `needles` in stderr and no
/// runs.csv.
fn rejected(name: &str, body: &str, extra: &[&str], needles: &[&str]) {
    let t = tempfile::tempdir().unwrap();
    let f = t.path().join(name);
    std::fs::write(&f, body).unwrap();
    let out = t.path().join("out");
    let mut a = vec!["sweep", f.to_str().unwrap(), "--out", out.to_str().unwrap()];
    a.extend_from_slice(extra);
    let o = run(&a);
    assert_input_error(name, &o, needles);
    assert!(!out.join("runs.csv").exists(), "{name}: runs.csv created");
}

fn head(extra_meta: &str, axes: &str) -> String {
    format!(
        "[sweep]\nname = \"bad\"\nscenario = \"{}\"\nreplicates = 2\n{extra_meta}\n{axes}",
        lifecycle()
    )
}

#[test]
fn unknown_path_is_rejected_with_a_suggestion() {
    rejected(
        "unknown_path.toml",
        &head(
            "",
            "[[axes]]\npath = \"coalitions.transnational.powr\"\nvalues = [0.1, 0.2]\n",
        ),
        &[],
        &[
            "unknown_path.toml:7:1",
            "axes.coalitions.transnational.powr",
            "unknown PATH",
            "did you mean `power`",
        ],
    );
    rejected(
        "unknown_id.toml",
        &head(
            "",
            "[[axes]]\npath = \"coalitions.transnationl.power\"\nvalues = [0.1]\n",
        ),
        &[],
        &["unknown_id.toml:7:1", "did you mean `transnational`"],
    );
}

/// Syntax errors in a sweep file are all reported, with what the rest gets wrong.
#[test]
fn sweep_syntax_errors_come_with_the_other_problems() {
    rejected(
        "syntax.toml",
        &head(
            "seed = = 3\nreplicats = 2",
            "[[axes]]\npath = \"domestic.rate\"\nvalues = [0.1, 0.2] 0.3\n",
        ),
        &[],
        &[
            "syntax.toml:5:",
            "syntax.toml:9:",
            "replicats",
            "did you mean",
        ],
    );
}

#[test]
fn empty_axis_is_rejected() {
    rejected(
        "empty.toml",
        &head("", "[[axes]]\npath = \"domestic.rate\"\nvalues = []\n"),
        &[],
        &["empty.toml:8:1", "axes.domestic.rate", "empty axis"],
    );
    rejected(
        "empty_range.toml",
        &head(
            "",
            "[[axes]]\npath = \"domestic.rate\"\nfrom = 0.0\nto = 1.0\nsteps = 0\n",
        ),
        &[],
        &["empty_range.toml:10:1", "empty axis"],
    );
}

#[test]
fn wrong_value_type_is_rejected() {
    rejected(
        "wrong_type.toml",
        &head(
            "",
            "[[axes]]\npath = \"coalitions.transnational.power\"\nvalues = [0.5, \"high\"]\n",
        ),
        &[],
        &[
            "wrong_type.toml:8:1",
            "axes.coalitions.transnational.power",
            "\"high\"",
            "wrong type",
        ],
    );
    rejected(
        "bad_category.toml",
        &head(
            "",
            "[[axes]]\npath = \"socialization.response\"\nvalues = [\"logistic\", \"logstic\"]\n",
        ),
        &[],
        &[
            "bad_category.toml:8:1",
            "unknown value `logstic`",
            "did you mean `logistic`",
        ],
    );
}

#[test]
fn invalid_base_scenario_is_rejected() {
    let t = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(lifecycle())
        .unwrap()
        .replace("steps = 60", "steps = 60\nstpes = 3");
    std::fs::write(t.path().join("base.toml"), base).unwrap();
    let f = t.path().join("sw.toml");
    std::fs::write(
        &f,
        "[sweep]\nname = \"x\"\nscenario = \"base.toml\"\n\n[[axes]]\npath = \"domestic.rate\"\nvalues = [0.1]\n",
    )
    .unwrap();
    let out = t.path().join("out");
    let o = run(&["sweep", f.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_input_error(
        "base",
        &o,
        &[
            "sw.toml:3:1",
            "sweep.scenario",
            "does not validate",
            "base.toml:",
            "stpes",
            "did you mean `steps`",
        ],
    );
    assert!(!out.join("runs.csv").exists());

    rejected(
        "missing_base.toml",
        "[sweep]\nname = \"x\"\nscenario = \"nowhere.toml\"\n",
        &[],
        &["missing_base.toml:3:1", "does not exist"],
    );
}

#[test]
fn bad_shard_and_bad_keys_are_rejected() {
    let ok_body = head("", "[[axes]]\npath = \"domestic.rate\"\nvalues = [0.1]\n");
    rejected(
        "shard.toml",
        &ok_body,
        &["--shard", "3/3"],
        &["--shard 3/3", "K must be < N"],
    );
    rejected(
        "shard2.toml",
        &ok_body,
        &["--shard", "x"],
        &["--shard x", "K/N"],
    );
    rejected(
        "typo.toml",
        &head("replicate = 3", ""),
        &[],
        &[
            "typo.toml:5:1",
            "sweep.replicate",
            "did you mean `replicates`",
        ],
    );
    rejected(
        "axis_typo.toml",
        &head("", "[[axes]]\npath = \"domestic.rate\"\nvalue = [0.1]\n"),
        &[],
        &["axis_typo.toml:8:1", "did you mean `values`"],
    );
    rejected(
        "outcome.toml",
        &head("outcomes = [\"new_norm.tiping_step\"]", ""),
        &[],
        &["outcome.toml:5:1", "did you mean `new_norm.tipping_step`"],
    );
    rejected(
        "plot.toml",
        &head(
            "",
            "[[axes]]\npath = \"domestic.rate\"\nvalues = [0.1]\n[[plots]]\nkind = \"heatmap\"\nx = \"domestic.rate\"\ny = \"domestic.rat\"\nz = \"new_norm.tipped\"\n",
        ),
        &[],
        &["plot.toml:12:1", "not a swept PATH", "did you mean `domestic.rate`"],
    );
    rejected(
        "seed_axis.toml",
        &head("", "[[axes]]\npath = \"scenario.seed\"\nvalues = [1, 2]\n"),
        &[],
        &["seed_axis.toml:7:1", "seed cannot be an axis"],
    );
}

#[test]
fn resume_refuses_another_sweep() {
    let t = tempfile::tempdir().unwrap();
    let f = small_sweep(t.path());
    let out = t.path().join("o");
    sweep(&f, &out, &["--max-runs", "3"]);
    let other = t.path().join("other.toml");
    std::fs::write(
        &other,
        std::fs::read_to_string(&f)
            .unwrap()
            .replace("seed = 11", "seed = 12"),
    )
    .unwrap();
    let o = run(&[
        "sweep",
        other.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--resume",
    ]);
    assert_input_error("resume", &o, &["different sweep"]);
}

#[test]
fn check_describes_sweeps_and_the_bundled_sweep_is_valid() {
    let t = tempfile::tempdir().unwrap();
    let f = small_sweep(t.path());
    let o = ok(&["check", f.to_str().unwrap()]);
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(
        s.contains("valid sweep \"small\"")
            && s.contains("6 grid point(s) × 5 replicate(s) = 30 runs"),
        "{s}"
    );
    let o = ok(&["check", "critical_timing"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("valid sweep \"critical_timing\""));
}

#[test]
fn invalid_combination_of_axis_values_is_rejected() {
    // Each value is fine alone; n = 8 with 10 critical states is not.
    rejected(
        "combo.toml",
        &head(
            "",
            "[[axes]]\npath = \"population.n\"\nvalues = [8, 150]\n[[axes]]\npath = \"population.critical_count\"\nvalues = [6, 10]\n",
        ),
        &[],
        &["combo.toml:7:1", "population.n=8, population.critical_count=10", "must be between 0 and n"],
    );
}

#[test]
fn killed_sweep_resumes_to_identical_files() {
    let t = tempfile::tempdir().unwrap();
    let f = t.path().join("kill.toml");
    std::fs::write(
        &f,
        format!(
            "[sweep]\nname = \"kill\"\nscenario = \"{}\"\nreplicates = 300\nseed = 3\n\n[[axes]]\npath = \"domestic.rate\"\nvalues = [0.01, 0.03, 0.05, 0.07]\n",
            lifecycle()
        ),
    )
    .unwrap();
    let full = t.path().join("full");
    sweep(&f, &full, &["--threads", "2"]);

    let part = t.path().join("part");
    let mut child = bin()
        .args([
            "sweep",
            f.to_str().unwrap(),
            "--out",
            part.to_str().unwrap(),
            "--threads",
            "2",
        ])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once some rows are on disk (or let it finish on a slow machine).
    let runs = part.join("runs.csv");
    let t0 = std::time::Instant::now();
    while t0.elapsed() < std::time::Duration::from_secs(20) {
        if std::fs::metadata(&runs)
            .map(|m| m.len() > 20_000)
            .unwrap_or(false)
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let _ = child.kill();
    let _ = child.wait();
    let before = rows(&runs).len();
    assert!(before >= 2, "some rows were written before the kill");

    sweep(&f, &part, &["--threads", "2", "--resume"]);
    assert_eq!(read(&part.join("runs.csv")), read(&full.join("runs.csv")));
    assert_eq!(
        read(&part.join("aggregate.csv")),
        read(&full.join("aggregate.csv"))
    );
}
