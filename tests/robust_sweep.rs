//! Robustness of sweeps (issue 20): grids, ranges and run counts are checked by size
//! before anything is expanded or run; a base or an axis value with an infinite
//! distribution parameter is refused with exit 2, not a panic.

mod common;
use common::*;

const BASE: &str = r#"[scenario]
name = "base"
steps = 5
seed = 3

[population]
n = 10

[[norms]]
id = "n1"
initial_random = 1
"#;

/// Writes `base.toml` (BASE with `base_extra`) and `sweep.toml`, runs `normlife check` on
/// the sweep and asserts it is refused with every needle; returns how long it took.
fn sweep_rejects(base_extra: &str, sweep: &str, needles: &[&str]) -> std::time::Duration {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("base.toml"), format!("{BASE}{base_extra}")).unwrap();
    let f = tmp.path().join("sweep.toml");
    std::fs::write(&f, sweep).unwrap();
    let t0 = std::time::Instant::now();
    let out = run_bin(&["check", f.to_str().unwrap()]);
    let took = t0.elapsed();
    assert_input_error(sweep, &out, needles);
    took
}

fn sweep(replicates: &str, axes: &str) -> String {
    format!("[sweep]\nname = \"s\"\nscenario = \"base.toml\"\nreplicates = {replicates}\noutcomes = [\"n1.final_weighted_share\"]\n{axes}")
}

fn axis(path: &str, steps: &str) -> String {
    format!("\n[[axes]]\npath = \"{path}\"\nfrom = 0.0\nto = 1.0\nsteps = {steps}\n")
}

#[test]
fn infinite_parameters_in_base_or_axis_are_refused() {
    let inf =
        "\n[population.threshold]\ndist = \"normal\"\nmean = 0.3\nsd = inf\nmin = 0\nmax = 1\n";
    let s = sweep("2", &axis("domestic.rate", "3"));
    sweep_rejects(inf, &s, &["sd"]);
    let ax = "\n[[axes]]\npath = \"population.threshold\"\nvalues = [0.2, { dist = \"normal\", mean = 0.3, sd = inf, min = 0, max = 1 }]\n";
    sweep_rejects("", &sweep("2", ax), &["sd"]);
}

#[test]
fn sizes_are_checked_before_expansion() {
    let huge_grid = [
        axis("domestic.rate", "1001"),
        axis("persuasion.efficacy", "1001"),
        axis("domestic.growth", "1001"),
    ]
    .concat();
    for (s, needle) in [
        (sweep("1", &huge_grid), "runs"),
        (sweep("1", &axis("domestic.rate", "100000000")), "at most"),
        (
            sweep("1000000000000000", &axis("domestic.rate", "3")),
            "runs",
        ),
    ] {
        let took = sweep_rejects("", &s, &[needle]);
        assert!(
            took.as_secs_f64() < 10.0,
            "refusal took {took:?}: sizes must be checked before expansion"
        );
    }
}
