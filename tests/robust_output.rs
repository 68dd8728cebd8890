//! Robustness of outputs (issue 20): a run directory is replaced whole (a run killed at
//! any moment leaves the earlier run or the new one, never a mix), stale temporary files
//! of dead processes are removed, a directory holding other files is refused unless
//! `--force`; a sweep directory with finished runs needs `--resume` or `--force`, a
//! re-sweep stopped part-way never leaves the earlier aggregate and plots, plot names,
//! and the sweep's total work are checked before the first run; `merge` checks every
//! shard row and writes nothing on error; a closed standard output ends quietly.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;

const SCENARIO: &str = r#"[scenario]
name = "robust"
steps = 60
seed = 1

[population]
n = 3000
regions = ["a", "b"]

[[norms]]
id = "n1"
initial_random = 3

[[coalitions]]
id = "c"
norms = ["n1"]
power = 0.5
"#;

fn scenario(dir: &Path) -> PathBuf {
    let p = dir.join("robust.toml");
    std::fs::write(&p, SCENARIO).unwrap();
    p
}

/// Every file of a directory and its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            (n, std::fs::read(e.path()).unwrap_or_default())
        })
        .collect()
}

fn run_args<'a>(sc: &'a str, out: &'a str, seed: &'a str) -> Vec<&'a str> {
    vec![
        "run",
        sc,
        "--out",
        out,
        "--seed",
        seed,
        "--replicates",
        "6",
        "--threads",
        "1",
    ]
}

/// The outputs of seed 1 and seed 2 in `out` (the second run replaces the first whole),
/// kept for comparison.
fn reference_runs(tmp: &Path, sc: &str) -> (BTreeMap<String, Vec<u8>>, BTreeMap<String, Vec<u8>>) {
    let out = tmp.join("out");
    let o = out.to_str().unwrap();
    run_ok(&run_args(sc, o, "2"));
    let b = files(&out);
    run_ok(&run_args(sc, o, "1"));
    let a = files(&out);
    assert!(
        a.contains_key("normlife-run.json"),
        "no manifest: {:?}",
        a.keys()
    );
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "a re-run must leave exactly the files of one run"
    );
    assert_ne!(
        a["timeseries.csv"], b["timeseries.csv"],
        "seeds must differ"
    );
    (a, b)
}

/// SIGKILL a run over an earlier run's directory at many moments: the directory is
/// always wholly the earlier run or wholly the new one; the next run removes what the
/// killed ones left beside it.
#[test]
fn a_killed_run_leaves_the_old_directory_or_the_new_one() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = scenario(tmp.path());
    let sc = sc.to_str().unwrap();
    let (old, new) = reference_runs(tmp.path(), sc);
    let out = tmp.path().join("out");
    let o = out.to_str().unwrap();
    let (mut saw_old, mut saw_new) = (0, 0);
    for i in 0..24u64 {
        let mut child = bin()
            .args(run_args(sc, o, "2"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(i * i * 3));
        let _ = child.kill();
        child.wait().unwrap();
        let now = files(&out);
        if now == old {
            saw_old += 1;
        } else if now == new {
            saw_new += 1;
            // Back to the old run for the next kill.
            run_ok(&run_args(sc, o, "1"));
        } else {
            let names: Vec<_> = now.keys().collect();
            let mixed: Vec<_> = now
                .iter()
                .filter(|(k, v)| old.get(*k) != Some(v))
                .map(|(k, _)| k)
                .collect();
            panic!(
                "kill after {} ms left a mix: files {names:?}, differing from the old run: {mixed:?}",
                i * i * 3
            );
        }
    }
    eprintln!("killed 24 runs: {saw_old} left the old directory, {saw_new} the new one");
    assert!(saw_old > 0, "no kill landed before the end of a run");
    run_ok(&run_args(sc, o, "1"));
    let left: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(
        left.is_empty(),
        "temporary entries left beside the output: {left:?}"
    );
}

/// The id of a process that has ended (a finished child, reaped).
fn dead_pid() -> u32 {
    let mut c = std::process::Command::new("true").spawn().unwrap();
    let pid = c.id();
    c.wait().unwrap();
    pid
}

#[test]
fn stale_temporary_files_of_dead_processes_are_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = scenario(tmp.path());
    let out = tmp.path().join("out");
    let (s, o) = (sc.to_str().unwrap(), out.to_str().unwrap());
    run_ok(&["run", s, "--out", o, "--steps", "5"]);
    let dead = dead_pid();
    let live = std::process::id();
    let stale_inside = out.join(format!(".timeseries.csv.{dead}.tmp"));
    let stale_beside = tmp.path().join(format!(".notes.csv.{dead}.tmp"));
    let live_beside = tmp.path().join(format!(".notes.csv.{live}.tmp"));
    let stale_dir = tmp.path().join(format!(".out.normlife-tmp.{dead}"));
    std::fs::write(&stale_inside, vec![b'x'; 1 << 20]).unwrap();
    std::fs::write(&stale_beside, vec![b'x'; 1 << 20]).unwrap();
    std::fs::write(&live_beside, b"x").unwrap();
    std::fs::create_dir(&stale_dir).unwrap();
    std::fs::write(stale_dir.join("timeseries.csv"), b"x").unwrap();
    run_ok(&["run", s, "--out", o, "--steps", "5"]);
    for p in [&stale_inside, &stale_beside, &stale_dir] {
        assert!(!p.exists(), "stale {} kept", p.display());
    }
    assert!(
        live_beside.exists(),
        "the temporary file of a live process must be kept"
    );
}

#[test]
fn a_directory_with_other_files_is_refused_unless_force() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = scenario(tmp.path());
    let out = tmp.path().join("thesis");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("chapter1.tex"), b"my work").unwrap();
    let (s, o) = (sc.to_str().unwrap(), out.to_str().unwrap());
    let r = run_bin(&["run", s, "--out", o, "--steps", "5"]);
    assert_input_error("foreign", &r, &["chapter1.tex", "--force"]);
    assert_eq!(
        files(&out).keys().collect::<Vec<_>>(),
        ["chapter1.tex"],
        "a refused run must write nothing"
    );
    run_ok(&["run", s, "--out", o, "--steps", "5", "--force"]);
    let f = files(&out);
    assert_eq!(
        f["chapter1.tex"], b"my work",
        "--force must keep other files"
    );
    assert!(f.contains_key("normlife-run.json") && f.contains_key("timeseries.csv"));
    // An earlier run's directory from before the manifest (only output names) is
    // replaced without --force.
    let legacy = tmp.path().join("legacy");
    std::fs::create_dir(&legacy).unwrap();
    std::fs::write(legacy.join("timeseries.csv"), b"old").unwrap();
    std::fs::write(legacy.join("adoption.svg"), b"old").unwrap();
    run_ok(&["run", s, "--out", legacy.to_str().unwrap(), "--steps", "5"]);
    assert_ne!(files(&legacy)["timeseries.csv"], b"old");
}

/// Re-running the README's main command keeps working (the directory is replaced).
#[test]
fn the_readme_command_can_be_repeated() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = root().join("scenarios/landmines.toml");
    for _ in 0..2 {
        let r = bin()
            .current_dir(tmp.path())
            .args(["run", sc.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    }
    assert!(tmp.path().join("out/landmines/normlife-run.json").exists());
}

const SWEEP_BASE: &str = r#"[scenario]
name = "base"
steps = 10
seed = 3

[population]
n = 20

[[norms]]
id = "n1"
initial_random = 2
"#;

fn sweep_file(dir: &Path, extra: &str) -> PathBuf {
    std::fs::write(dir.join("base.toml"), SWEEP_BASE).unwrap();
    let p = dir.join("sweep.toml");
    std::fs::write(
        &p,
        format!(
            "[sweep]\nname = \"s\"\nscenario = \"base.toml\"\nreplicates = 3\noutcomes = [\"n1.final_weighted_share\"]\n\n[[axes]]\npath = \"domestic.rate\"\nfrom = 0.0\nto = 0.1\nsteps = 4\n{extra}"
        ),
    )
    .unwrap();
    p
}

const BAND: &str = "\n[[plots]]\nkind = \"band\"\nx = \"domestic.rate\"\ny = \"n1.final_weighted_share\"\nname = \"band\"\n";

#[test]
fn a_sweep_with_finished_runs_needs_resume_or_force() {
    let tmp = tempfile::tempdir().unwrap();
    let f = sweep_file(tmp.path(), BAND);
    let out = tmp.path().join("out");
    let (s, o) = (f.to_str().unwrap(), out.to_str().unwrap());
    run_ok(&["sweep", s, "--out", o]);
    let before = files(&out);
    assert!(before.contains_key("aggregate.csv") && before.contains_key("band.svg"));
    let r = run_bin(&["sweep", s, "--out", o]);
    assert_input_error("re-sweep", &r, &["12 finished run", "--resume", "--force"]);
    assert_eq!(files(&out), before, "a refused sweep must change nothing");
    // Stopped part-way (as if killed), a forced re-sweep leaves no earlier aggregate or
    // plot beside its partial runs.csv.
    run_ok(&["sweep", s, "--out", o, "--force", "--max-runs", "2"]);
    let now = files(&out);
    for gone in ["aggregate.csv", "band.svg", "band.png"] {
        assert!(
            !now.contains_key(gone),
            "{gone} of the earlier sweep left beside a partial runs.csv"
        );
    }
    let rows = String::from_utf8_lossy(&now["runs.csv"]).lines().count();
    assert_eq!(rows, 3, "header and 2 runs");
    run_ok(&["sweep", s, "--out", o, "--resume"]);
    assert_eq!(files(&out), before, "resumed sweep must equal the first");
}

/// A directory that holds no sweep but files a sweep would overwrite or remove (a user's
/// own `aggregate.csv`, a plot of the same name) is refused without `--force`, naming
/// them, and left as it was; other files do not stop a sweep and are kept.
#[test]
fn a_sweep_into_someone_elses_files_is_refused_unless_force() {
    let tmp = tempfile::tempdir().unwrap();
    let f = sweep_file(tmp.path(), BAND);
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let (s, o) = (f.to_str().unwrap(), out.to_str().unwrap());
    run_ok(&["sweep", s, "--out", o, "--max-runs", "1"]);
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine",
        "a file no sweep writes is kept"
    );
    let other = tmp.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("aggregate.csv"), "my table").unwrap();
    std::fs::write(other.join("band.svg"), "my picture").unwrap();
    let before = files(&other);
    let r = run_bin(&["sweep", s, "--out", other.to_str().unwrap()]);
    assert_input_error(
        "foreign sweep dir",
        &r,
        &["no sweep.json", "aggregate.csv, band.svg", "--force"],
    );
    assert_eq!(files(&other), before, "a refused sweep must change nothing");
    run_ok(&["sweep", s, "--out", other.to_str().unwrap(), "--force"]);
    assert!(
        files(&other)["aggregate.csv"] != b"my table".to_vec(),
        "--force replaces them"
    );
}

#[test]
fn plot_names_are_checked_before_the_first_run() {
    for (name, needle) in [
        ("a\\u0000b", "\\0"),
        (&"x".repeat(300)[..], "300 bytes"),
        (".hidden", "starts with"),
        ("a/b", "`/`"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let plot = format!("\n[[plots]]\nkind = \"band\"\nx = \"domestic.rate\"\ny = \"n1.final_weighted_share\"\nname = \"{name}\"\n");
        let f = sweep_file(tmp.path(), &plot);
        let out = tmp.path().join("out");
        let r = run_bin(&["sweep", f.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        assert_input_error(name, &r, &["plots", needle]);
        assert!(!out.join("runs.csv").exists(), "{name}: runs started");
    }
}

#[test]
fn a_sweep_over_the_work_limit_is_refused_before_any_run() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("base.toml"),
        SWEEP_BASE
            .replace("n = 20", "n = 100000")
            .replace("steps = 10", "steps = 1000"),
    )
    .unwrap();
    // 2 points × 100,000 replicates of 10⁸ state-norm-steps: 2 × 10¹³, each run under
    // the limit of one run.
    let f = tmp.path().join("big.toml");
    std::fs::write(&f, "[sweep]\nname = \"big\"\nscenario = \"base.toml\"\nreplicates = 100000\noutcomes = [\"n1.final_weighted_share\"]\n\n[[axes]]\npath = \"domestic.rate\"\nvalues = [0.0, 0.1]\n").unwrap();
    let out = tmp.path().join("out");
    let (s, o) = (f.to_str().unwrap(), out.to_str().unwrap());
    let t0 = std::time::Instant::now();
    let r = run_bin(&["sweep", s, "--out", o]);
    assert_input_error(
        "big sweep",
        &r,
        &[
            "20.0 trillion state-norm-steps",
            "10.0 trillion",
            "--allow-large",
        ],
    );
    assert!(
        t0.elapsed().as_secs() < 20,
        "refusal took {:?}",
        t0.elapsed()
    );
    assert!(!out.join("runs.csv").exists(), "runs started");
    let c = run_ok(&["check", s]);
    assert!(String::from_utf8_lossy(&c.stdout).contains("over the limit"));
}

#[test]
fn merge_checks_every_shard_row_and_writes_nothing_on_error() {
    let tmp = tempfile::tempdir().unwrap();
    let f = sweep_file(tmp.path(), "");
    let s = f.to_str().unwrap();
    let shards: Vec<PathBuf> = (0..2).map(|k| tmp.path().join(format!("sh{k}"))).collect();
    for (k, d) in shards.iter().enumerate() {
        run_ok(&[
            "sweep",
            s,
            "--shard",
            &format!("{k}/2"),
            "--out",
            d.to_str().unwrap(),
        ]);
    }
    // Shard 0: line 3 loses its outcome column; shard 1: line 2 has a word for a number
    // and line 4 the wrong run.
    let edit = |d: &Path, f: &dyn Fn(usize, &str) -> String| {
        let p = d.join("runs.csv");
        let t = std::fs::read_to_string(&p).unwrap();
        let lines: Vec<String> = t.lines().enumerate().map(|(i, l)| f(i + 1, l)).collect();
        std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    };
    edit(&shards[0], &|i, l| {
        if i == 3 {
            l.rsplit_once(',').unwrap().0.to_string()
        } else {
            l.to_string()
        }
    });
    edit(&shards[1], &|i, l| match i {
        2 => format!("{},abc", l.rsplit_once(',').unwrap().0),
        4 => l.replacen("5,", "99,", 1),
        _ => l.to_string(),
    });
    let out = tmp.path().join("merged");
    let mut args = vec!["merge", "--out", out.to_str().unwrap()];
    let names: Vec<String> = shards.iter().map(|d| d.display().to_string()).collect();
    args.extend(names.iter().map(String::as_str));
    let r = run_bin(&args);
    let sh0 = shards[0].join("runs.csv").display().to_string();
    let sh1 = shards[1].join("runs.csv").display().to_string();
    assert_input_error(
        "merge",
        &r,
        &[
            &format!("{sh0}:3"),
            "0 outcome column(s), the sweep has 1",
            &format!("{sh1}:2"),
            "`abc`, not a number",
            &format!("{sh1}:4"),
            "not the row of run 5",
        ],
    );
    assert!(!out.exists(), "merge wrote {} on error", out.display());
}

/// `normlife scenarios | head -1` and `normlife check … | head -1`: the reader went away;
/// normlife ends quietly (no panic, exit 0).
#[test]
fn a_closed_standard_output_ends_quietly() {
    let sc = root().join("scenarios/landmines.toml");
    for args in [vec!["scenarios"], vec!["check", sc.to_str().unwrap()]] {
        let mut c = bin()
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(c.stdout.take()); // the reader is gone before normlife writes
        let o = c.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
    }
}
