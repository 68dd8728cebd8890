//! Bad input (issue 3): every case exits with status 2 and a message that names the file,
//! the line/column or the key, and what is allowed. No panic; no half-written output.

mod common;
use common::*;

const BASE: &str = r#"[scenario]
name = "bad"
steps = 10
seed = 3

[[states]]
id = "a"
region = "north"
threshold = 0.3

[[states]]
id = "b"
region = "south"

[[norms]]
id = "n1"
initial_adopters = ["a"]

[[coalitions]]
id = "c1"
norms = ["n1"]
power = 0.5
"#;

/// Writes `text` to a temp file, runs `normlife check` (or `run` with `extra`), and
/// asserts exit 2, no panic, and that stderr contains every `needle`.
fn expect_bad(name: &str, text: &str, extra: &[&str], needles: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("scenario.toml");
    std::fs::write(&f, text).unwrap();
    let out_dir = tmp.path().join("out");
    let mut args: Vec<String> = if extra.is_empty() {
        vec!["check".into(), f.display().to_string()]
    } else {
        vec![
            "run".into(),
            f.display().to_string(),
            "--out".into(),
            out_dir.display().to_string(),
        ]
    };
    args.extend(extra.iter().map(|s| s.to_string()));
    let out = bin().args(&args).output().unwrap();
    assert_input_error(name, &out, needles);
    // Nothing that looks complete is left behind.
    if out_dir.exists() {
        for f in [
            "timeseries.csv",
            "events.csv",
            "summary.json",
            "summary.txt",
        ] {
            assert!(
                !out_dir.join(f).exists(),
                "{name}: {f} written despite the error"
            );
        }
    }
}

fn with(old: &str, new: &str) -> String {
    assert!(BASE.contains(old), "test bug: `{old}` not in BASE");
    BASE.replacen(old, new, 1)
}

#[test]
fn base_is_valid() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("s.toml");
    std::fs::write(&f, BASE).unwrap();
    let out = bin().args(["check", f.to_str().unwrap()]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("valid scenario"));
}

#[test]
fn syntax_error_is_located() {
    expect_bad(
        "syntax",
        &with("steps = 10", "steps = = 10"),
        &[],
        &["scenario.toml:3:", "syntax"],
    );
}

/// A syntax error does not hide the rest: every bad line is reported, and so is what the
/// lines that parse get wrong (unknown keys, wrong types, bad values), in one run.
#[test]
fn syntax_errors_are_reported_with_every_other_problem() {
    let text = with("seed = 3", "seed = = 3")
        .replacen("power = 0.5", "power = 1.5", 1)
        .replacen("id = \"c1\"", "id = \"c1\"\npowr = 0.2", 1);
    expect_bad(
        "syntax and more",
        &text,
        &[],
        &[
            "scenario.toml:4:",
            "syntax",
            "powr",
            "did you mean `power`",
            "coalitions.c1.power",
            "[0, 1]",
        ],
    );
    // Two syntax errors: both lines are named.
    let two = with("steps = 10", "steps = = 10").replacen("power = 0.5", "power = 0.5 0.6", 1);
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("s.toml");
    std::fs::write(&f, &two).unwrap();
    let out = bin().args(["check", f.to_str().unwrap()]).output().unwrap();
    let err = assert_input_error("two syntax errors", &out, &["s.toml:3:"]);
    let line = two.lines().position(|l| l.starts_with("power")).unwrap() + 1;
    assert!(
        !err.contains("missing required key `steps`"),
        "a key on a reported line is not also missing:\n{err}"
    );
    assert!(
        err.contains(&format!("s.toml:{line}:")) && err.matches("syntax error").count() == 2,
        "both syntax errors should be reported:\n{err}"
    );
    // A broken table header: the keys below it cannot be placed, so only the header is
    // reported (no misleading messages about them).
    let header = with("[[coalitions]]", "[[coalitions]");
    let out = bin()
        .args(["check", &{
            std::fs::write(&f, &header).unwrap();
            f.display().to_string()
        }])
        .output()
        .unwrap();
    let err = assert_input_error("broken header", &out, &["syntax"]);
    assert!(!err.contains("unknown key"), "misleading follow-up:\n{err}");
}

#[test]
fn unknown_key_suggests_nearest() {
    expect_bad(
        "unknown key",
        &with("power = 0.5", "powr = 0.5"),
        &[],
        &["coalitions.c1", "did you mean `power`", "scenario.toml:"],
    );
    expect_bad(
        "unknown table",
        &format!("{BASE}\n[socialisation]\nsystem = 1\n"),
        &[],
        &["did you mean `socialization`"],
    );
}

#[test]
fn wrong_type() {
    expect_bad(
        "wrong type",
        &with("steps = 10", "steps = \"ten\""),
        &[],
        &["scenario.steps", "wrong type"],
    );
}

#[test]
fn probability_out_of_range() {
    expect_bad(
        "power",
        &with("power = 0.5", "power = 1.5"),
        &[],
        &["coalitions.c1.power", "[0, 1]", "scenario.toml:22"],
    );
    expect_bad(
        "threshold",
        &with("threshold = 0.3", "threshold = -0.3"),
        &[],
        &["states.a.threshold", "[0, 1]"],
    );
    expect_bad(
        "tipping",
        &with("seed = 3", "seed = 3\ntipping_share = 1.5"),
        &[],
        &["scenario.tipping_share"],
    );
}

#[test]
fn steps_must_be_positive() {
    expect_bad(
        "zero steps",
        &with("steps = 10", "steps = 0"),
        &[],
        &["scenario.steps", "≥ 1"],
    );
    expect_bad(
        "negative steps",
        &with("steps = 10", "steps = -4"),
        &[],
        &["scenario.steps"],
    );
    expect_bad("--steps 0", BASE, &["--steps", "0"], &["scenario.steps"]);
}

#[test]
fn duplicate_ids() {
    expect_bad(
        "dup state",
        &with("id = \"b\"", "id = \"a\""),
        &[],
        &["duplicate id `a`"],
    );
}

#[test]
fn unknown_references() {
    expect_bad(
        "unknown norm",
        &with("norms = [\"n1\"]", "norms = [\"n2\"]"),
        &[],
        &[
            "coalitions.c1.norms",
            "unknown norm `n2`",
            "did you mean `n1`",
        ],
    );
    expect_bad(
        "unknown state",
        &with("initial_adopters = [\"a\"]", "initial_adopters = [\"z\"]"),
        &[],
        &["norms.n1.initial_adopters", "unknown state `z`"],
    );
    expect_bad(
        "unknown region",
        &with(
            "power = 0.5",
            "power = 0.5\nstrategy = \"region-first\"\ntarget_region = \"nort\"",
        ),
        &[],
        &["unknown region `nort`", "did you mean `north`"],
    );
    expect_bad(
        "domestic unknown norm",
        &with(
            "threshold = 0.3",
            "threshold = 0.3\ndomestic = { n9 = 0.5 }",
        ),
        &[],
        &["states.a.domestic.n9", "unknown norm"],
    );
    expect_bad(
        "unknown strategy",
        &with("power = 0.5", "power = 0.5\nstrategy = \"critical-frist\""),
        &[],
        &["did you mean `critical-first`"],
    );
}

#[test]
fn empty_world() {
    let text = "[scenario]\nname = \"x\"\nsteps = 5\n[[norms]]\nid = \"n\"\n";
    expect_bad("no states", text, &[], &["no states"]);
    let text = "[scenario]\nname = \"x\"\nsteps = 5\n[[states]]\nid = \"a\"\n";
    expect_bad("no norms", text, &[], &["no norm"]);
}

#[test]
fn inconsistent_settings() {
    expect_bad(
        "network weight without network",
        &format!("{BASE}\n[socialization]\nnetwork = 1.0\n"),
        &[],
        &["socialization.network", "[network]"],
    );
    expect_bad(
        "all scope weights zero",
        &format!("{BASE}\n[socialization]\nsystem = 0.0\n"),
        &[],
        &["scope weights"],
    );
    expect_bad(
        "values length",
        &format!(
            "{}\nvalues = [0.1, 0.2]\n",
            with("seed = 3", "seed = 3\nvalue_dimensions = [\"x\"]")
        ),
        &[],
        &["coalitions.c1.values", "1 value dimensions"],
    );
    expect_bad(
        "region-first without region",
        &with("power = 0.5", "power = 0.5\nstrategy = \"region-first\""),
        &[],
        &["target_region"],
    );
    expect_bad("bad distribution", &format!("{BASE}\n[population]\nn = 10\nthreshold = {{ dist = \"normal\", mean = 0.3, sdd = 0.1 }}\n"), &[], &["population.threshold", "did you mean `sd`"]);
    expect_bad(
        "population n",
        &format!("{BASE}\n[population]\nn = 0\n"),
        &[],
        &["population.n"],
    );
}

#[test]
fn bad_overrides() {
    expect_bad(
        "--set unknown path",
        BASE,
        &["--set", "coalitions.c1.powr=0.3"],
        &["--set coalitions.c1.powr=0.3", "did you mean `power`"],
    );
    expect_bad(
        "--set unknown id",
        BASE,
        &["--set", "coalitions.c9.power=0.3"],
        &["no element of `coalitions` has id `c9`"],
    );
    expect_bad(
        "--set bad value",
        BASE,
        &["--set", "coalitions.c1.power=lots"],
        &["coalitions.c1.power", "wrong type"],
    );
    expect_bad(
        "--set out of range",
        BASE,
        &["--set", "coalitions.c1.power=2"],
        &["--set coalitions.c1.power=2", "[0, 1]"],
    );
    expect_bad(
        "--set malformed",
        BASE,
        &["--set", "power"],
        &["PATH=VALUE"],
    );
}

#[test]
fn unwritable_out_and_missing_file() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("s.toml");
    std::fs::write(&f, BASE).unwrap();
    let blocker = tmp.path().join("a_file");
    std::fs::write(&blocker, "x").unwrap();
    let out = run_bin(&[
        "run",
        f.to_str().unwrap(),
        "--out",
        blocker.join("sub").to_str().unwrap(),
    ]);
    assert_input_error("--out", &out, &["--out"]);
    let out = run_bin(&["run", tmp.path().join("nope.toml").to_str().unwrap()]);
    assert_input_error("missing file", &out, &["nope.toml"]);
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let text = with("power = 0.5", "power = 7").replace("steps = 10", "steps = 0");
    expect_bad(
        "several",
        &text,
        &[],
        &["scenario.steps", "coalitions.c1.power", "2 problems"],
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
    /// Arbitrary edits of a valid file never panic the loader.
    #[test]
    fn loader_never_panics(cut in 0usize..400, junk in "[ -~]{0,12}") {
        let mut text = BASE.to_string();
        let at = cut.min(text.len());
        let at = (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        text.insert_str(at, &junk);
        let _ = normlife::scenario::from_text(std::path::Path::new("p.toml"), &text, &[]);
    }
}
