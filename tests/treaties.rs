//! Treaties, norm clusters and the coalition after the treaty (issue 8): the landmines,
//! child rights, child trafficking and women's suffrage scenarios across replicates.

mod common;
use common::*;
use normlife::observe::{Row, RunResult};
use normlife::scenario::Scenario;

const R: u64 = 50;

fn norm_index(sc: &Scenario, id: &str) -> usize {
    sc.model
        .norms
        .iter()
        .position(|n| n.id == id)
        .expect("norm id")
}

/// The row of norm `k` at the last step whose year is ≤ `year`.
fn at_year<'a>(sc: &Scenario, r: &'a RunResult, k: usize, year: f64) -> &'a Row {
    r.rows
        .iter()
        .filter(|x| x.norm == k && sc.model.time_of(x.step as f64) <= year + 1e-9)
        .last()
        .expect("row")
}

fn frac(runs: &[RunResult], f: impl Fn(&RunResult) -> bool) -> f64 {
    share(runs.iter().map(f))
}

#[test]
fn landmines_supporters_signatories_entry_into_force_and_us_out() {
    let sc = load("scenarios/landmines.toml", &[]);
    let k = norm_index(&sc, "landmine_ban");
    let runs = replicates(&sc, R);
    let supporters = frac(&runs, |r| {
        (45..=80).contains(&at_year(&sc, r, k, 1997.5).adopters)
    });
    let signatories = frac(&runs, |r| {
        (100..=145).contains(&at_year(&sc, r, k, 1998.0).signatories)
    });
    let opened = sc.model.norms[k].treaty.as_ref().unwrap().opens_step as f64;
    let eif = frac(&runs, |r| {
        r.norms[k].entry_into_force_step.is_some_and(|s| {
            let months = (s as f64 - opened) * sc.model.dt * 12.0;
            (12.0..=30.0).contains(&months)
        })
    });
    let us = sc
        .model
        .listed
        .iter()
        .position(|s| s.id == "united_states")
        .unwrap();
    let cascade_without_us = frac(&runs, |r| {
        let us_out = !r
            .events
            .iter()
            .any(|e| e.kind == "ratified" && e.actor == "united_states");
        at_year(&sc, r, k, 2005.0).parties >= 120 && us_out
    });
    let _ = us;
    eprintln!("landmines: supporters 45-80 by mid-1997 in {supporters:.2}, signatories 100-145 by end 1997 in {signatories:.2}, entry into force 12-30 months after opening in {eif:.2}, ≥120 parties by 2005 with the US out in {cascade_without_us:.2}");
    assert!(supporters >= 0.7);
    assert!(signatories >= 0.7);
    assert!(eif >= 0.9);
    assert!(cascade_without_us >= 0.8);
}

#[test]
fn landmines_without_france_and_uk_tips_later() {
    let base = load("scenarios/landmines.toml", &[]);
    let cf = load(
        "scenarios/landmines.toml",
        &[
            "states.france.refuses=[\"landmine_ban\"]",
            "states.united_kingdom.refuses=[\"landmine_ban\"]",
        ],
    );
    let tip = |sc: &Scenario| {
        median(
            replicates(sc, 100)
                .iter()
                .map(|r| r.norms[0].tipping.map_or(1e9, |m| m.step as f64))
                .collect(),
        )
    };
    let (a, b) = (tip(&base), tip(&cf));
    eprintln!("landmines: median tipping step {a} with France and the UK, {b} without");
    assert!(
        b > a,
        "keeping France and the UK out should slow the cascade: {a} vs {b}"
    );
}

#[test]
fn landmine_monitor_raises_compliance_and_funding() {
    let on = load("scenarios/landmines.toml", &[]);
    let off = load(
        "scenarios/landmines.toml",
        &["coalitions.icbl.monitoring.strength=0"],
    );
    let k = norm_index(&on, "landmine_ban");
    let (r_on, r_off) = (replicates(&on, R), replicates(&off, R));
    // Ten years after entry into force (1999 + 10).
    let compl = |sc: &Scenario, runs: &[RunResult]| {
        median(
            runs.iter()
                .map(|r| at_year(sc, r, k, 2009.0).compliance)
                .collect(),
        )
    };
    let (c_on, c_off) = (compl(&on, &r_on), compl(&off, &r_off));
    let higher = r_on
        .iter()
        .zip(&r_off)
        .filter(|(a, b)| {
            at_year(&on, a, k, 2009.0).compliance > at_year(&off, b, k, 2009.0).compliance
        })
        .count() as f64
        / R as f64;
    eprintln!("landmines: compliance in 2009 {c_on:.3} with monitoring, {c_off:.3} without (difference {:.3}); higher in {higher:.2} of paired replicates", c_on - c_off);
    assert!(c_on > c_off && higher >= 0.9);
    // Without monitoring the coalition's resources decay after entry into force.
    let eif_step = |r: &RunResult| r.norms[k].entry_into_force_step.unwrap() as usize;
    for (a, b) in r_on.iter().zip(&r_off) {
        let (ra, rb) = (&a.coalition_resources[0], &b.coalition_resources[0]);
        let last = ra.len() - 1;
        assert!(
            rb[last] < 0.5 * rb[eif_step(b)],
            "no burnout without monitoring"
        );
        assert!(
            ra[last] > ra[eif_step(a)],
            "monitoring should keep funding coming"
        );
        assert!(b.events.iter().any(|e| e.kind == "coalition_burnout"));
        assert!(a.events.iter().any(|e| e.kind == "monitoring_started"));
    }
}
