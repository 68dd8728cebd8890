//! Advocacy coalition constellations and norm collisions (issue 6; seed 000, Table 1 and
//! §4.4-4.6). Each claim is checked across 50 replicates; the counterfactuals prove the
//! outcomes come from the ACC parameters, not from a script.

mod common;
use common::*;
use normlife::observe::{Outcome, RunResult};

const R: u64 = 50;

fn coll<'a>(r: &'a RunResult, id: &str) -> &'a normlife::observe::CollisionRecord {
    r.collisions
        .iter()
        .find(|c| c.id == id)
        .expect("collision id")
}

fn activated(runs: &[RunResult], id: &str) -> f64 {
    share(runs.iter().map(|r| coll(r, id).activated_step.is_some()))
}

fn median_duration(runs: &[RunResult], id: &str, steps: u32) -> f64 {
    median(
        runs.iter()
            .filter_map(|r| coll(r, id).active_duration(steps))
            .map(|d| d as f64)
            .collect(),
    )
}

#[test]
fn drug_control_collision_activated_and_kept_open() {
    let sc = load("scenarios/drug_control.toml", &[]);
    let runs = replicates(&sc, R);
    let act = activated(&runs, "prohibition_vs_health");
    let open = share(runs.iter().map(|r| {
        let c = coll(r, "prohibition_vs_health");
        c.activated_step.is_some() && (c.outcome == Outcome::Open || c.activations > 1)
    }));
    eprintln!("drug control: activated {act:.2}, open or recurring {open:.2}");
    assert!(act >= 0.8, "activated in {act}");
    assert!(open >= 0.7, "open or recurring in {open}");
    // The dominant prohibition norm is not displaced.
    let k = sc
        .model
        .norms
        .iter()
        .position(|n| n.id == "prohibition")
        .unwrap();
    for r in &runs {
        let rows: Vec<_> = r.rows.iter().filter(|x| x.norm == k).collect();
        let (start, end) = (rows[0].weighted_share, rows[rows.len() - 1].weighted_share);
        assert!(
            end >= 0.9 * start,
            "prohibition displaced: {start} -> {end}"
        );
    }
}

#[test]
fn drug_control_without_challenger_has_no_collision() {
    let mut t: toml::Table = std::fs::read_to_string(root().join("scenarios/drug_control.toml"))
        .unwrap()
        .parse()
        .unwrap();
    t.remove("coalitions");
    // Parsed with the scenario's own path: its state table is relative to it.
    let sc = normlife::scenario::from_text(
        &root().join("scenarios/drug_control.toml"),
        &toml::to_string(&t).unwrap(),
        &[],
    )
    .unwrap();
    let runs = replicates(&sc, R);
    assert_eq!(activated(&runs, "prohibition_vs_health"), 0.0);
    assert!(runs
        .iter()
        .all(|r| coll(r, "prohibition_vs_health").articulated_step.is_none()));
}

#[test]
fn human_trafficking_prostitution_compromise_and_victim_protection_crowded_out() {
    let sc = load("scenarios/human_trafficking.toml", &[]);
    let runs = replicates(&sc, R);
    let act = activated(&runs, "prostitution");
    let comp_or_open = share(runs.iter().map(|r| {
        let c = coll(r, "prostitution");
        c.activated_step.is_some() && matches!(c.outcome, Outcome::Compromised | Outcome::Open)
    }));
    let vp_quiet = share(runs.iter().map(|r| {
        let c = coll(r, "prosecution_vs_protection");
        c.activated_step.is_none() || c.outcome == Outcome::Suppressed
    }));
    eprintln!("human trafficking: prostitution activated {act:.2}, compromised/open {comp_or_open:.2}; victim protection quiet {vp_quiet:.2}");
    assert!(act >= 0.8, "prostitution collision activated in {act}");
    assert!(comp_or_open >= 0.7, "compromised or open in {comp_or_open}");
    assert!(
        vp_quiet >= 0.7,
        "victim-protection collision quiet in {vp_quiet}"
    );
}

#[test]
fn shared_values_make_the_prostitution_collision_rarer() {
    let base = replicates(&load("scenarios/human_trafficking.toml", &[]), R);
    let shared = replicates(
        &load(
            "scenarios/human_trafficking.toml",
            &["coalitions.sex_workers_rights.values=[-0.9, 0.6, 0.3]"],
        ),
        R,
    );
    let (a, b) = (
        activated(&base, "prostitution"),
        activated(&shared, "prostitution"),
    );
    eprintln!("prostitution activated: diverging values {a:.2}, shared values {b:.2}");
    assert!(
        b + 0.15 < a,
        "shared values should lower activation: {a} vs {b}"
    );
}

#[test]
fn child_labour_short_lived_and_resolved_for_prohibition() {
    let sc = load("scenarios/child_labour.toml", &[]);
    let runs = replicates(&sc, R);
    let act = activated(&runs, "work_vs_prohibition");
    let k = sc
        .model
        .norms
        .iter()
        .position(|n| n.id == "child_labour_prohibition")
        .unwrap();
    let activated_runs: Vec<&RunResult> = runs
        .iter()
        .filter(|r| coll(r, "work_vs_prohibition").activated_step.is_some())
        .collect();
    let resolved = share(activated_runs.iter().map(|r| {
        let c = coll(r, "work_vs_prohibition");
        c.outcome == Outcome::Resolved && c.winner == Some(k)
    }));
    let shift = median(
        activated_runs
            .iter()
            .map(|r| coll(r, "work_vs_prohibition").position_shift)
            .collect(),
    );
    let d_cl = median_duration(&runs, "work_vs_prohibition", sc.model.steps);
    let ht = load("scenarios/human_trafficking.toml", &[]);
    let d_ht = median_duration(&replicates(&ht, R), "prostitution", ht.model.steps);
    eprintln!("child labour: activated {act:.2}, resolved for prohibition {resolved:.2}, median duration {d_cl} vs trafficking {d_ht} quarters, shift {shift:.4}");
    assert!(act >= 0.6, "activated in {act}");
    assert!(resolved >= 0.7, "resolved for prohibition in {resolved}");
    assert!(
        d_cl < d_ht,
        "child labour collision should be shorter: {d_cl} vs {d_ht}"
    );
    assert!(
        shift > 0.0,
        "no lasting shift toward the right-to-work position: {shift}"
    );
}

#[test]
fn child_labour_with_equal_power_and_full_access_lasts_longer_and_resolves_less() {
    let sc = load("scenarios/child_labour.toml", &[]);
    let base = replicates(&sc, R);
    let cf = replicates(
        &load(
            "scenarios/child_labour.toml",
            &[
                "forums.ilo.access.pro_work=full",
                "coalitions.pro_work.power=0.9",
            ],
        ),
        R,
    );
    let steps = sc.model.steps;
    let res = |runs: &[RunResult]| {
        share(
            runs.iter()
                .map(|r| coll(r, "work_vs_prohibition").outcome == Outcome::Resolved),
        )
    };
    let (d0, d1) = (
        median_duration(&base, "work_vs_prohibition", steps),
        median_duration(&cf, "work_vs_prohibition", steps),
    );
    let (r0, r1) = (res(&base), res(&cf));
    eprintln!("child labour: duration {d0} -> {d1}, resolution rate {r0:.2} -> {r1:.2}");
    assert!(d1 > d0);
    assert!(r1 + 0.2 < r0);
}

#[test]
fn collision_scenarios_reproducible_across_threads() {
    let tmp = tempfile::tempdir().unwrap();
    for sc in ["drug_control", "human_trafficking", "child_labour"] {
        let f = root().join(format!("scenarios/{sc}.toml"));
        let mut outs = Vec::new();
        for threads in ["1", "3"] {
            let d = tmp.path().join(format!("{sc}-{threads}"));
            let o = run_bin(&[
                "run",
                f.to_str().unwrap(),
                "--replicates",
                "6",
                "--threads",
                threads,
                "--out",
                d.to_str().unwrap(),
            ]);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            outs.push(d);
        }
        for file in [
            "timeseries.csv",
            "events.csv",
            "summary.json",
            "collisions.csv",
        ] {
            assert_eq!(
                std::fs::read(outs[0].join(file)).unwrap(),
                std::fs::read(outs[1].join(file)).unwrap(),
                "{sc}/{file}"
            );
        }
        let ev = std::fs::read_to_string(outs[0].join("events.csv")).unwrap();
        assert!(
            ev.contains("collision_articulated"),
            "{sc}: no articulation event"
        );
    }
}

const ACC: &str = r#"[scenario]
name = "acc"
steps = 20
[population]
n = 20
[[norms]]
id = "a"
dominant = true
[[norms]]
id = "b"
[[coalitions]]
id = "ch"
norms = ["b"]
power = 0.5
stance = { a = "challenge" }
[[forums]]
id = "f"
every = 2
capacity = 1
[[incompatibilities]]
id = "x"
norms = ["a", "b"]
"#;

#[test]
fn acc_bad_input() {
    check_rejects(
        &ACC.replace("norms = [\"a\", \"b\"]", "norms = [\"a\", \"c\"]"),
        &["incompatibilities.x.norms", "unknown norm `c`"],
    );
    check_rejects(
        &ACC.replace("capacity = 1", "capacity = 0"),
        &["forums.f.capacity", "≥ 1"],
    );
    check_rejects(&format!("{ACC}access = {{ chh = \"full\" }}\n").replace("[[incompatibilities]]\nid = \"x\"\nnorms = [\"a\", \"b\"]\naccess", "[[incompatibilities]]\nid = \"x\"\nnorms = [\"a\", \"b\"]\n[[forums]]\nid = \"g\"\nevery = 1\naccess"), &["forums.g.access.chh", "unknown coalition `chh`", "did you mean `ch`"]);
    check_rejects(
        &ACC.replace("stance = { a = \"challenge\" }", "stance = {}"),
        &["coalitions.ch.stance", "names no norm"],
    );
    check_rejects(
        &ACC.replace(
            "stance = { a = \"challenge\" }",
            "stance = { z = \"challenge\" }",
        ),
        &["coalitions.ch.stance.z", "unknown norm"],
    );
}
