//! The life cycle of `scenarios/lifecycle.toml` across replicates (issue 3, MODEL.md §4
//! "Life cycle"): S-shaped adoption, an observed tipping point, and the change of regime
//! to socialization rarely before one third of the states (F&S 1998).

mod common;
use common::*;
use normlife::observe::RunResult;

const R: u64 = 60;

fn rows_of(r: &RunResult) -> Vec<&normlife::observe::Row> {
    r.rows.iter().filter(|x| x.norm == 0).collect()
}

#[test]
fn lifecycle_tips_and_changes_regime_after_a_quarter_of_states() {
    let sc = load("scenarios/lifecycle.toml", &[]);
    let runs = replicates(&sc, R);
    let tipped = share(runs.iter().map(|r| r.norms[0].tipping.is_some()));
    assert!(
        tipped >= 0.8,
        "tipping step in only {tipped:.2} of replicates"
    );
    let rc: Vec<f64> = runs
        .iter()
        .map(|r| r.norms[0].regime_change.map_or(0.0, |m| m.counted_share))
        .collect();
    let late = share(rc.iter().map(|&s| s >= 0.25));
    let med = median(rc.clone());
    eprintln!("regime change counted share: median {med:.3}, share ≥ 0.25: {late:.2}");
    assert!(late >= 0.8, "regime change at ≥ 0.25 in only {late:.2}");
    // The README quotes these figures.
    let mut sorted = rc.clone();
    sorted.sort_by(f64::total_cmp);
    let q = |p| normlife::stats::quantile(&sorted, p);
    let text = format!(
        "at a median counted share of {med:.2} (≥ 0.25 in {:.0}% of replicates; 10–90%: {:.2}–{:.2})",
        100.0 * late,
        q(0.1),
        q(0.9)
    );
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.replace('\n', " ").contains(&text),
        "README's lifecycle figures are stale; measured:\n{text}"
    );
    assert!(
        (0.25..=0.5).contains(&med),
        "median counted share at regime change {med}"
    );
    // After the regime change socialization-caused adoptions outnumber the others.
    let after_ok = share(runs.iter().filter_map(|r| {
        let o = &r.norms[0];
        o.regime_change?;
        let a = o.after_regime;
        Some(a[4] > a[2] + a[3])
    }));
    assert!(
        after_ok >= 0.9,
        "socialization dominates after the change in {after_ok:.2}"
    );
    // Both shares are reported at each tipping measure.
    let o = &runs[0].norms[0];
    let t = o.tipping.unwrap();
    assert!(t.counted_share > 0.0 && t.weighted_share >= sc.model.tipping_share);
}

#[test]
fn lifecycle_adoption_curve_is_s_shaped() {
    let sc = load("scenarios/lifecycle.toml", &[]);
    let runs = replicates(&sc, R);
    let s_shaped = share(runs.iter().map(|r| {
        let rows = rows_of(r);
        let a: Vec<f64> = rows.iter().map(|x| x.adopters as f64).collect();
        let t = r.norms[0].fastest.map(|m| m.step as usize).unwrap_or(0);
        let steps = a.len() - 1;
        if t < 5 || t + 5 > steps {
            return false;
        }
        let peak = (a[t + 1] - a[t - 1]) / 2.0;
        let early = (a[5] - a[0]) / 5.0;
        let late = (a[steps] - a[steps - 10]) / 10.0;
        // Slow start, fast middle, saturation; monotone up to backsliding noise.
        peak > 3.0 * early.max(0.1) && peak > 3.0 * late.max(0.1) && a[steps] > 0.9 * 150.0
    }));
    assert!(
        s_shaped >= 0.9,
        "S-shaped in only {s_shaped:.2} of replicates"
    );
}

#[test]
fn no_entrepreneurs_no_movements_no_adoption() {
    let mut t: toml::Table = std::fs::read_to_string(root().join("scenarios/lifecycle.toml"))
        .unwrap()
        .parse()
        .unwrap();
    t.remove("coalitions");
    t.remove("mergers");
    let text = toml::to_string(&t).unwrap();
    let sc = from_text(&text, &["population.domestic_movement=0"]);
    for r in replicates(&sc, 20) {
        assert!(
            r.rows.iter().all(|x| x.adopters == 0),
            "adoption without any cause"
        );
    }
    // Control: with domestic movements back, adoption happens.
    let sc = from_text(&text, &[]);
    assert!(replicates(&sc, 5)
        .iter()
        .all(|r| r.norms[0].final_adopters > 0));
}

/// 20 listed heavyweights (8 of them critical) among 120 generated states. Early adopters
/// either include the critical states or an equal number of non-critical ones.
fn critical_world(initial: &[&str]) -> String {
    let mut s = String::from(
        r#"[scenario]
name = "critical"
steps = 80
seed = 7
[population]
n = 120
weight = { dist = "lognormal", mu = 0.0, sigma = 0.3 }
threshold = { dist = "normal", mean = 0.45, sd = 0.1, min = 0.05, max = 1.0 }
domestic_movement = { dist = "beta", a = 0.5, b = 8.0 }
[domestic]
rate = 0.03
[socialization]
response = "logistic"
steepness = 30.0
rate = 0.5
conformity = 0.5
esteem = 0.5
critical_bonus = 1.0
"#,
    );
    for i in 0..20 {
        s.push_str(&format!(
            "[[states]]\nid = \"big{i:02}\"\nweight = 4.0\nthreshold = 0.45\n{}",
            if i < 8 {
                "critical_for = [\"n\"]\n"
            } else {
                ""
            }
        ));
    }
    s.push_str(&format!(
        "[[norms]]\nid = \"n\"\ninitial_adopters = [{}]\n",
        initial
            .iter()
            .map(|x| format!("\"{x}\""))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    s
}

#[test]
fn critical_states_among_early_adopters_bring_tipping_forward() {
    let with = from_text(
        &critical_world(&["big00", "big01", "big02", "big03", "big04", "big05"]),
        &[],
    );
    let without = from_text(
        &critical_world(&["big10", "big11", "big12", "big13", "big14", "big15"]),
        &[],
    );
    let tip = |sc| {
        replicates(sc, 50)
            .iter()
            .map(|r| r.norms[0].tipping.map_or(1e9, |m| m.step as f64))
            .collect::<Vec<f64>>()
    };
    let (a, b) = (median(tip(&with)), median(tip(&without)));
    eprintln!("median tipping step: critical early {a}, not {b}");
    assert!(
        a < b,
        "critical early adopters should tip earlier: {a} vs {b}"
    );
}
