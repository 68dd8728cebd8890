//! Robustness (issue 20): numbers that are not finite or out of range, id rules on
//! generated prefixes, duplicates and self-references, observed series and edge lists
//! with bad rows. Each case must exit 2 with a located message, never panic (exit 101)
//! and never be accepted.

mod common;
use common::*;

const POP: &str = r#"[scenario]
name = "robust"
steps = 10
seed = 3
start_year = 1990

[population]
n = 20
regions = ["north", "south"]

[[norms]]
id = "n1"
initial_random = 2
"#;

/// Writes the scenario and the named side files into a temp dir, runs `check` and
/// asserts it is refused with every needle in stderr.
fn rejects_with(files: &[(&str, &str)], text: &str, needles: &[&str]) -> String {
    let tmp = tempfile::tempdir().unwrap();
    for (name, body) in files {
        std::fs::write(tmp.path().join(name), body).unwrap();
    }
    let f = tmp.path().join("scenario.toml");
    std::fs::write(&f, text).unwrap();
    let out = run_bin(&["check", f.to_str().unwrap()]);
    assert_input_error(text, &out, needles)
}

/// `POP` with `line` added under the table `[table]` (appended as a new table when it is
/// not there yet).
fn with(table: &str, line: &str) -> String {
    let head = format!("[{table}]\n");
    match POP.find(&head) {
        Some(i) => {
            let at = i + head.len();
            format!("{}{line}\n{}", &POP[..at], &POP[at..])
        }
        None => format!("{POP}\n[{table}]\n{line}\n"),
    }
}

#[test]
fn distribution_parameters_must_be_finite() {
    for (line, key) in [
        (
            "threshold = { dist = \"normal\", mean = 0.3, sd = inf, min = 0, max = 1 }",
            "population.threshold.sd",
        ),
        (
            "weight = { dist = \"lognormal\", mu = 0, sigma = inf }",
            "population.weight.sigma",
        ),
        (
            "threshold = { dist = \"normal\", mean = nan, sd = 0.1, min = 0, max = 1 }",
            "population.threshold.mean",
        ),
        (
            "weight = { dist = \"lognormal\", mu = nan, sigma = 0.1 }",
            "population.weight.mu",
        ),
        (
            "weight = { dist = \"uniform\", min = 1, max = inf }",
            "population.weight.max",
        ),
        (
            "weight = { dist = \"beta\", a = inf, b = 1 }",
            "population.weight.a",
        ),
        ("weight = 1e308", "population.weight"),
        (
            "weight = { dist = \"lognormal\", mu = 700, sigma = 1 }",
            "population.weight",
        ),
    ] {
        rejects_with(&[], &with("population", line), &[key]);
    }
}

#[test]
fn years_and_step_lengths_must_be_finite_and_in_range() {
    for (text, key) in [
        (
            POP.replace("start_year = 1990", "start_year = nan"),
            "scenario.start_year",
        ),
        (
            POP.replace("start_year = 1990", "start_year = inf"),
            "scenario.start_year",
        ),
        (
            POP.replace("start_year = 1990", "start_year = 1e15"),
            "scenario.start_year",
        ),
        (
            with("scenario", "step_years = 1e308"),
            "scenario.step_years",
        ),
        (with("scenario", "step_years = nan"), "scenario.step_years"),
        (
            format!("{POP}\n[norms.treaty]\nopens_year = nan\nentry_into_force = 3\n"),
            "norms.n1.treaty.opens_year",
        ),
        (
            with(
                "population",
                "joins_year = { dist = \"normal\", mean = 1950, sd = 1e9 }",
            ),
            "population.joins_year",
        ),
    ] {
        rejects_with(&[], &text, &[key]);
    }
}

#[test]
fn weights_and_shares_cannot_overflow() {
    rejects_with(
        &[],
        &with("population", "region_shares = [inf, 1]"),
        &["population.region_shares"],
    );
    rejects_with(
        &[],
        &with("population", "region_shares = [nan, 1]"),
        &["population.region_shares"],
    );
    let scope = with("socialization", "system = 1e308\nregion = 1e308");
    rejects_with(
        &[],
        &scope,
        &["socialization.system", "socialization.region"],
    );
    let listed = format!("{POP}\n[[states]]\nid = \"big\"\nregion = \"north\"\nweight = 1e308\n");
    rejects_with(&[], &listed, &["states.big.weight"]);
}

#[test]
fn ids_duplicates_and_self_references() {
    rejects_with(
        &[],
        &with("population", "id_prefix = \"s,x y\""),
        &["population.id_prefix", "commas"],
    );
    rejects_with(
        &[],
        &with("scenario", "value_dimensions = [\"liberty\", \"liberty\"]"),
        &["scenario.value_dimensions", "listed twice"],
    );
    let cluster = format!("{POP}\n[[norms]]\nid = \"n2\"\n\n[[clusters]]\nid = \"c\"\nnorms = [\"n1\", \"n1\", \"n2\"]\nfuzziness = 0.2\n");
    rejects_with(&[], &cluster, &["clusters.c.norms", "named twice"]);
}

#[test]
fn edge_lists_refuse_self_loops_and_duplicate_edges() {
    let text = format!("{POP}\n[network]\nkind = \"edge-list\"\nfile = \"edges.csv\"\n");
    let err = rejects_with(
        &[("edges.csv", "source,target\ns1,s2\ns3,s3\ns2,s1\n")],
        &text,
        &["edges.csv:3", "self-loop", "edges.csv:4", "duplicate edge"],
    );
    assert!(
        !err.contains("edges.csv:2"),
        "a good row was blamed:\n{err}"
    );
}

#[test]
fn observed_series_rows_are_checked_and_every_problem_reported() {
    let obs =
        |extra: &str| format!("{POP}\n[observed]\nfile = \"obs.csv\"\nnorm = \"n1\"\n{extra}");
    let file = "year,cumulative\nnan,1\n1991,-3\n1993,4\n1992,5\n";
    rejects_with(
        &[("obs.csv", file)],
        &obs(""),
        &[
            "obs.csv:2",
            "`year`",
            "obs.csv:3",
            "`cumulative` must be a count ≥ 0",
            "obs.csv:5",
            "increase",
        ],
    );
    rejects_with(
        &[("obs.csv", "year,cumulative\n1991,1\n")],
        &obs("states = 0"),
        &["observed.states", "observed.source", "required"],
    );
    rejects_with(
        &[("obs.csv", "year,cumulative\n1991,1\n")],
        &obs("source = \"../shared/data/x.csv\""),
        &["observed.source", "not a path outside"],
    );
    // Three problems in one table: all three reported.
    let three = format!(
        "{}\n[observed]\nfile = \"missing.csv\"\nnorm = \"nope\"\nmeasure = \"votes\"\n",
        POP.replace("start_year = 1990\n", "")
    );
    rejects_with(
        &[],
        &three,
        &[
            "observed.norm",
            "observed.measure",
            "observed.file",
            "start_year",
        ],
    );
}

/// Writes `POP` to a temp file and runs `normlife ARGS… FILE`.
fn cli(args: &[&str]) -> (std::process::Output, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("scenario.toml");
    std::fs::write(&f, POP).unwrap();
    let mut a: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    a.push(f.display().to_string());
    (bin().args(&a).output().unwrap(), tmp)
}

#[test]
fn set_takes_one_toml_value() {
    let (out, _t) = cli(&["check", "--set", "scenario.steps=5\nseed = 9"]);
    assert_input_error("--set with a newline", &out, &["scenario.steps"]);
}

#[test]
fn seed_accepts_the_full_u64_range() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("o");
    let (out, _t) = cli(&[
        "run",
        "--seed",
        "18446744073709551615",
        "--out",
        dir.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "a u64 seed was refused:\n{err}");
    let json = std::fs::read_to_string(dir.join("summary.json")).unwrap();
    assert!(
        json.contains("18446744073709551615"),
        "seed not applied:\n{json}"
    );
}

#[test]
fn threads_must_be_a_positive_whole_number() {
    for bad in ["-1", "0", "many"] {
        let (out, _t) = cli(&["run", "--threads", bad]);
        assert_input_error("--threads", &out, &["worker threads", "≥ 1"]);
    }
}

#[test]
fn named_choices_are_listed_when_the_type_is_wrong() {
    let text = with("socialization", "response = 3");
    rejects_with(
        &[],
        &text,
        &["socialization.response", "threshold, logistic, linear"],
    );
}

#[test]
fn runs_over_the_limit_are_refused_before_allocating() {
    let (out, t) = cli(&[
        "run",
        "--replicates",
        "1000000000000",
        "--out",
        "/nonexistent/x",
    ]);
    assert_input_error(
        "10^12 replicates",
        &out,
        &["too much work", "--allow-large"],
    );
    drop(t);
    let (out, _t) = cli(&[
        "run",
        "--set",
        "population.n=100000000",
        "--set",
        "scenario.steps=1000",
    ]);
    assert_input_error("10^8 states", &out, &["too much", "100.0 million states"]);
}

#[test]
fn absurd_thread_counts_are_capped() {
    let tmp = tempfile::tempdir().unwrap();
    let (out, _t) = cli(&[
        "run",
        "--threads",
        "100000",
        "--out",
        tmp.path().join("o").to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
