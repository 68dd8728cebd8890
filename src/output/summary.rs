//! `summary.json`: the machine-readable summary (INTERFACE.md). With one replicate each
//! norm measure is a number (or null); with several, an object
//! `{mean, sd, min, p10, median, p90, max, null_count}`; `final_stage` becomes the count
//! of replicates ending in each stage.

use crate::model::Model;
use crate::observe::{Mark, NormOutcome, RunResult};
use crate::stats::Stats;
use serde_json::{json, Map, Value};

/// The numeric measures of a norm in one run, in output order, `true` for integers.
pub fn norm_measures(m: &Model, o: &NormOutcome) -> Vec<(&'static str, Option<f64>, bool)> {
    let step = |x: &Option<Mark>| x.map(|mk| mk.step as f64);
    let cs = |x: &Option<Mark>| x.map(|mk| mk.counted_share);
    let ws = |x: &Option<Mark>| x.map(|mk| mk.weighted_share);
    let year = |x: &Option<Mark>| x.map(|mk| m.time_of(mk.step as f64));
    vec![
        ("tipping_step", step(&o.tipping), true),
        ("regime_change_step", step(&o.regime_change), true),
        ("fastest_step", step(&o.fastest), true),
        (
            "entry_into_force_step",
            o.entry_into_force_step.map(|x| x as f64),
            true,
        ),
        ("final_adopters", Some(o.final_adopters as f64), true),
        ("final_weighted_share", Some(o.final_weighted_share), false),
        ("final_compliance", Some(o.final_compliance), false),
        (
            "final_internalization",
            Some(o.final_internalization),
            false,
        ),
        ("tipping_year", year(&o.tipping), false),
        ("tipping_counted_share", cs(&o.tipping), false),
        ("tipping_weighted_share", ws(&o.tipping), false),
        ("tipping_counted_step", step(&o.tipping_counted), true),
        ("regime_change_year", year(&o.regime_change), false),
        ("regime_change_counted_share", cs(&o.regime_change), false),
        ("regime_change_weighted_share", ws(&o.regime_change), false),
        (
            "fastest_time",
            o.fastest_refined.map(|t| m.time_of(t)),
            false,
        ),
        ("fastest_counted_share", cs(&o.fastest), false),
        ("fastest_weighted_share", ws(&o.fastest), false),
        ("final_counted_share", Some(o.final_counted_share), false),
    ]
}

fn num(x: Option<f64>, int: bool) -> Value {
    match x {
        None => Value::Null,
        Some(v) if int => json!(v.round() as i64),
        Some(v) => json!(round6(v)),
    }
}

/// Rounds to 6 decimals so that output text is stable and readable.
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn stats_value(s: Stats) -> Value {
    let r = |x: Option<f64>| x.map(round6);
    json!({
        "mean": r(s.mean), "sd": r(s.sd), "min": r(s.min), "p10": r(s.p10),
        "median": r(s.median), "p90": r(s.p90), "max": r(s.max), "null_count": s.null_count
    })
}

/// The `collisions` list: one entry per potential collision per replicate.
pub fn collisions_json(m: &Model, runs: &[RunResult]) -> Vec<Value> {
    let mut out = Vec::new();
    for r in runs {
        for c in &r.collisions {
            out.push(json!({
                "id": c.id,
                "norms": [m.norms[c.norms[0]].id, m.norms[c.norms[1]].id],
                "forum": c.forum,
                "articulated_step": c.articulated_step,
                "activated_step": c.activated_step,
                "ended_step": c.ended_step,
                "outcome": c.outcome.name(),
                "winner": c.winner.map(|k| m.norms[k].id.clone()),
                "articulated_by": c.articulated_by,
                "activations": c.activations,
                "active_duration": c.active_duration(m.steps),
                "peak_intensity": round6(c.peak_intensity),
                "position_shift": round6(c.position_shift),
                "shift_toward": c.shift_toward.map(|k| m.norms[k].id.clone()),
                "replicate": r.run,
            }));
        }
    }
    out
}

pub fn summary_json(m: &Model, runs: &[RunResult], collisions: Vec<Value>) -> Value {
    let mut norms = Map::new();
    for (kk, norm) in m.norms.iter().enumerate() {
        let mut obj = Map::new();
        if runs.len() == 1 {
            let o = &runs[0].norms[kk];
            for (name, x, int) in norm_measures(m, o) {
                obj.insert(name.into(), num(x, int));
            }
            obj.insert("final_stage".into(), json!(o.final_stage.name()));
        } else {
            let per_run: Vec<Vec<(&str, Option<f64>, bool)>> = runs
                .iter()
                .map(|r| norm_measures(m, &r.norms[kk]))
                .collect();
            for (j, (name, _, _)) in per_run[0].iter().enumerate() {
                let vals: Vec<Option<f64>> = per_run.iter().map(|v| v[j].1).collect();
                obj.insert((*name).into(), stats_value(Stats::of(&vals)));
            }
            let mut stages = Map::new();
            for s in crate::observe::stages::Stage::ALL {
                let c = runs.iter().filter(|r| r.norms[kk].final_stage == s).count();
                stages.insert(s.name().into(), json!(c));
            }
            obj.insert("final_stage".into(), Value::Object(stages));
        }
        obj.insert("name".into(), json!(norm.name));
        norms.insert(norm.id.clone(), Value::Object(obj));
    }
    let observed = crate::observe::observed::compare(m, runs).map(|c| {
        let o = m.observed.as_ref().expect("observed");
        json!({
            "norm": m.norms[o.norm].id,
            "measure": if o.parties { "parties" } else { "adopters" },
            "file": o.file,
            "source": o.source,
            "mean_abs_share_diff": round6(c.mean_abs_diff),
            "max_abs_share_diff": round6(c.max_abs_diff),
            "observed_third_year": c.observed_third_year,
            "simulated_third_year": c.simulated_third_year,
            "third_year_diff": match (c.observed_third_year, c.simulated_third_year) {
                (Some(a), Some(b)) => Some(round6(b - a)),
                _ => None,
            },
            "per_state": per_state(m, runs),
            "points": c.points.iter().map(|p| json!({
                "year": p.year,
                "observed_share": round6(p.observed_share),
                "simulated_median_share": round6(p.simulated_share),
            })).collect::<Vec<_>>(),
        })
    });
    json!({
        "observed": observed,
        "scenario": m.name,
        "seed": m.seed,
        "steps": m.steps,
        "replicates": runs.len(),
        "start_year": m.start_year,
        "step_years": m.dt,
        "tipping_share": round6(m.tipping_share),
        "states": m.n_states(),
        "norms": Value::Object(norms),
        "collisions": Value::Array(collisions),
    })
}

/// `observed.per_state`: the state-by-state comparison with the per-state record (null
/// without one).
fn per_state(m: &Model, runs: &[RunResult]) -> Value {
    let Some(p) = crate::observe::per_state::of_model(m, runs) else {
        return Value::Null;
    };
    json!({
        "file": m.observed.as_ref().map(|o| o.by_state_file.clone()),
        "states_compared": p.n,
        "spearman": round6(p.spearman),
        "first_decile_observed": p.first_decile_observed,
        "first_decile_hits": p.first_decile_hits,
        "first_decile_share": round6(p.first_decile_share),
        "first_decile_chance": round6(p.first_decile_chance),
        "censored_at": p.censored_at,
    })
}
