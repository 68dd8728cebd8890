//! Historical grounding (issue 16): the real state system, the right dates and counts,
//! and per-state comparison with the observed record, across replicates and seeds.

mod common;
use common::*;
use normlife::observe::per_state::{self, PerState};
use normlife::observe::RunResult;
use normlife::scenario::Scenario;

fn norm_index(sc: &Scenario, id: &str) -> usize {
    sc.model.norms.iter().position(|n| n.id == id).expect("norm id")
}

fn state_index(sc: &Scenario, id: &str) -> usize {
    sc.model.listed.iter().position(|s| s.id == id).unwrap_or_else(|| panic!("state {id}"))
}

/// The per-state record of a data file (iso3,year) against the runs.
fn per_state_fit(sc: &Scenario, runs: &[RunResult], norm: &str, file: &str) -> PerState {
    let k = norm_index(sc, norm);
    let text = std::fs::read_to_string(root().join(file)).expect("record");
    let obs: Vec<(usize, f64)> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("iso3"))
        .filter_map(|l| {
            let (c, y) = l.split_once(',')?;
            let id = c.to_lowercase();
            let i = sc.model.listed.iter().position(|s| s.id == id)?;
            Some((i, y.parse().ok()?))
        })
        .collect();
    let m = &sc.model;
    let end = m.time_of(m.steps as f64);
    per_state::compare(&obs, runs, k, m.listed.len(), |t| m.time_of(t as f64).floor(), end)
        .expect("comparison")
}

fn first_year(sc: &Scenario, r: &RunResult, k: usize) -> Option<f64> {
    r.events
        .iter()
        .find(|e| e.kind == "adopted" && e.norm == Some(k))
        .map(|e| sc.model.time_of(e.step as f64))
}

#[test]
#[ignore]
fn probe_suffrage() {
    let set: Vec<String> = std::env::var("SET").unwrap_or_default().split_whitespace().map(String::from).collect();
    let set: Vec<&str> = set.iter().map(|s| s.as_str()).collect();
    let sc = load("scenarios/women_suffrage.toml", &set);
    let k = norm_index(&sc, "suffrage");
    let runs = replicates(&sc, 100);
    let firsts: Vec<f64> = runs.iter().map(|r| first_year(&sc, r, k).unwrap_or(9999.0)).collect();
    let ge1890 = share(firsts.iter().map(|&y| y >= 1890.0));
    let at = |r: &RunResult, y: f64| r.rows.iter().rfind(|x| x.norm == k && sc.model.time_of(x.step as f64) <= y).unwrap().adopters;
    let c1930 = median(runs.iter().map(|r| at(r, 1931.0) as f64).collect());
    let c1950 = median(runs.iter().map(|r| at(r, 1950.0) as f64).collect());
    let fit = per_state_fit(&sc, &runs, "suffrage", "scenarios/data/womens_suffrage_by_state.csv");
    let first_names: Vec<String> = runs.iter().take(10).map(|r| r.norms[k].first_adopters.first().map(|x| format!("{} {} {:?}", x.1, sc.model.time_of(x.0 as f64), x.2)).unwrap_or_default()).collect();
    eprintln!("first ≥1890 {ge1890:.2}, median first {}, by 1930 {c1930}, by 1950 {c1950}; spearman {:.3} n {} decile {}/{} chance {:.2}", median(firsts.clone()), fit.spearman, fit.n, fit.first_decile_hits, fit.first_decile_observed, fit.first_decile_chance);
    eprintln!("{first_names:?}");
    for (i, o, s) in &fit.states { eprint!("{}:{o}/{s} ", sc.model.listed[*i].id); }
    eprintln!();
    let _ = state_index;
}
