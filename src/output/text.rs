//! `summary.txt`: a handful of plain sentences a student can read without the code,
//! generated from the observations of the run(s), never canned.

use super::tables::fmt_time;
use crate::model::{Cause, Model};
use crate::observe::RunResult;
use crate::stats::{quantile, Stats};

fn pct(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

fn when(m: &Model, step: f64) -> String {
    if m.has_years() {
        format!("in {}", fmt_time(m, step))
    } else {
        format!("at step {}", step.round() as i64)
    }
}

fn cause_phrase(c: Cause) -> &'static str {
    match c {
        Cause::Domestic => "under domestic pressure",
        Cause::Persuasion => "persuaded by a coalition",
        Cause::Socialization => "through socialization",
        Cause::Initial => "from the start",
        Cause::Cluster => "through a neighbouring norm of its cluster",
        Cause::None => "",
    }
}

pub fn summary_text(m: &Model, runs: &[RunResult]) -> String {
    let mut out = String::new();
    let n = m.n_states();
    let span = if m.has_years() {
        format!("{} to {}", fmt_time(m, 0.0), fmt_time(m, m.steps as f64))
    } else {
        format!("{} steps", m.steps)
    };
    out.push_str(&format!(
        "Scenario \"{}\": {} states, {}, seed {}, {}.\n",
        m.name,
        n,
        span,
        m.seed,
        if runs.len() == 1 {
            "one run".to_string()
        } else {
            format!(
                "{} replicates (figures are medians across them)",
                runs.len()
            )
        }
    ));
    if !m.description.trim().is_empty() {
        out.push_str(m.description.trim());
        out.push('\n');
    }
    for (kk, norm) in m.norms.iter().enumerate() {
        out.push('\n');
        let mut s = format!("Norm \"{}\"", norm.name);
        if !norm.problem.is_empty() && !norm.behaviour.is_empty() {
            s.push_str(&format!(
                " (if {}, {} suggests {})",
                norm.problem,
                if norm.value.is_empty() {
                    "one's values"
                } else {
                    &norm.value
                },
                norm.behaviour
            ));
        }
        s.push_str(if norm.dominant {
            ", dominant at the start.\n"
        } else {
            ".\n"
        });
        out.push_str(&s);
        if runs.len() == 1 {
            single(m, &runs[0], kk, &mut out);
        } else {
            many(m, runs, kk, &mut out);
        }
    }
    out.push('\n');
    out.push_str(&collisions_text(m, runs));
    out
}

fn collisions_text(m: &Model, runs: &[RunResult]) -> String {
    if m.incompatibilities.is_empty() {
        return "No norm collision was articulated (the scenario declares no incompatible norms).\n".into();
    }
    let mut out = String::new();
    let r = runs.len();
    for (ii, inc) in m.incompatibilities.iter().enumerate() {
        let (a, b) = (&m.norms[inc.norms[0]].name, &m.norms[inc.norms[1]].name);
        if r == 1 {
            let c = &runs[0].collisions[ii];
            match (c.articulated_step, c.activated_step) {
                (None, _) => out.push_str(&format!("The collision between \"{a}\" and \"{b}\" was never articulated.\n")),
                (Some(s), None) => out.push_str(&format!(
                    "{} articulated the collision between \"{a}\" and \"{b}\" {} in {}, but no one took it up: it was not activated.\n",
                    coalition_name(m, &c.articulated_by), when(m, s as f64), forum_name(m, &c.forum)
                )),
                (Some(s), Some(act)) => {
                    let end = match (c.ended_step, c.outcome) {
                        (Some(e), crate::observe::Outcome::Resolved) => format!(
                            "it was resolved {} in favour of \"{}\"",
                            when(m, e as f64),
                            c.winner.map_or("?".to_string(), |k| m.norms[k].name.clone())
                        ),
                        (Some(e), crate::observe::Outcome::Compromised) => format!("it ended {} in a compromise that leaves the question to states", when(m, e as f64)),
                        (Some(e), crate::observe::Outcome::Suppressed) => format!("the stronger side suppressed it {}", when(m, e as f64)),
                        _ => "it was still open at the end".to_string(),
                    };
                    out.push_str(&format!(
                        "{} articulated the collision between \"{a}\" and \"{b}\" {} in {}; it was activated {} (peak intensity {:.2}) and {end}. Other actors' positions moved {:.3} toward the invoked norm.\n",
                        coalition_name(m, &c.articulated_by), when(m, s as f64), forum_name(m, &c.forum), when(m, act as f64), c.peak_intensity, c.position_shift
                    ));
                }
            }
        } else {
            let act = runs
                .iter()
                .filter(|x| x.collisions[ii].activated_step.is_some())
                .count();
            let mut outcomes = String::new();
            for o in crate::observe::Outcome::ALL {
                let n = runs
                    .iter()
                    .filter(|x| {
                        x.collisions[ii].activated_step.is_some() && x.collisions[ii].outcome == o
                    })
                    .count();
                if n > 0 {
                    outcomes.push_str(&format!(" {} {},", n, o.name()));
                }
            }
            out.push_str(&format!(
                "The collision between \"{a}\" and \"{b}\" was activated in {act} of {r} replicates{}.\n",
                if act > 0 { format!(" (outcomes:{})", outcomes.trim_end_matches(',')) } else { String::new() }
            ));
        }
    }
    out
}

fn coalition_name(m: &Model, id: &str) -> String {
    m.coalitions
        .iter()
        .find(|c| c.id == id)
        .map_or(id.to_string(), |c| c.name.clone())
}

fn forum_name(m: &Model, id: &str) -> String {
    m.forums
        .iter()
        .find(|f| f.id == id)
        .map_or(id.to_string(), |f| f.name.clone())
}

fn single(m: &Model, r: &RunResult, kk: usize, out: &mut String) {
    let o = &r.norms[kk];
    let n = m.n_states();
    let coalitions: Vec<&str> = m
        .coalitions
        .iter()
        .filter(|c| c.norms.contains(&kk))
        .map(|c| c.name.as_str())
        .collect();
    if let Some((t, who, cause)) = o.first_adopters.first() {
        let others: Vec<String> = o.first_adopters[1..]
            .iter()
            .map(|(t, w, _)| format!("{w} ({})", fmt_time(m, *t as f64)))
            .collect();
        out.push_str(&format!(
            "It emerged {} when {who} adopted it {}{}{}.\n",
            when(m, *t as f64),
            cause_phrase(*cause),
            if others.is_empty() {
                String::new()
            } else {
                format!("; next came {}", others.join(", "))
            },
            if coalitions.is_empty() {
                String::new()
            } else {
                format!(
                    ", with {} lobbying as norm entrepreneurs",
                    coalitions.join(" and ")
                )
            }
        ));
    } else {
        out.push_str("No state adopted it during the run.\n");
    }
    match o.tipping {
        Some(t) => out.push_str(&format!(
            "It tipped {} (step {}), when {} of the states ({} of normative weight) had adopted.\n",
            when(m, t.step as f64),
            t.step,
            pct(t.counted_share),
            pct(t.weighted_share)
        )),
        None => out.push_str(&format!(
            "It never crossed the tipping share of {} of normative weight.\n",
            pct(m.tipping_share)
        )),
    }
    let b = o.before_regime;
    let before_total = b[2] + b[3] + b[4];
    match o.regime_change {
        Some(rc) => {
            let a = o.after_regime;
            let after_total = a[2] + a[3] + a[4];
            out.push_str(&format!(
                "From {} peer pressure took over: before then {} of {} adoptions came from domestic movements and {} from persuasion; afterwards {} of {} came from socialization (counted share at the change: {}).\n",
                when(m, rc.step as f64).trim_start_matches("in ").trim_start_matches("at "),
                b[2], before_total, b[3], a[4], after_total, pct(rc.counted_share)
            ));
        }
        None => out.push_str(&format!(
            "Socialization never overtook domestic pressure and persuasion ({} domestic, {} persuasion, {} socialization adoptions).\n",
            b[2], b[3], b[4]
        )),
    }
    if let Some(f) = o.fastest_refined {
        out.push_str(&format!(
            "Adoption was fastest around {}.\n",
            fmt_time(m, f)
        ));
    }
    if !o.critical.is_empty() {
        let list: Vec<String> = o
            .critical
            .iter()
            .take(10)
            .map(|(name, step)| match step {
                Some(0) => format!("{name} (from the start)"),
                Some(s) => format!("{name} ({})", fmt_time(m, *s as f64)),
                None => format!("{name} (never)"),
            })
            .collect();
        out.push_str(&format!(
            "Critical states and when they adopted: {}{}.\n",
            list.join(", "),
            if o.critical.len() > 10 { ", …" } else { "" }
        ));
    }
    out.push_str(&format!(
        "At the end {} of {} states had adopted ({} of normative weight), stage: {}. Compliance averaged {:.2} and internalization {:.2}: {}.\n",
        o.final_adopters,
        n,
        pct(o.final_weighted_share),
        o.final_stage.name(),
        o.final_compliance,
        o.final_internalization,
        gap_phrase(o.final_weighted_share, o.final_compliance)
    ));
}

fn gap_phrase(adopted: f64, compliance: f64) -> String {
    let gap = adopted - compliance;
    if gap > 0.15 {
        format!(
            "formal adoption outruns practice by {:.0} points",
            100.0 * gap
        )
    } else {
        "practice has largely caught up with formal adoption".into()
    }
}

fn many(m: &Model, runs: &[RunResult], kk: usize, out: &mut String) {
    let r = runs.len();
    let med = |f: &dyn Fn(&RunResult) -> Option<f64>| {
        let v: Vec<Option<f64>> = runs.iter().map(f).collect();
        Stats::of(&v)
    };
    let tip = med(&|x| x.norms[kk].tipping.map(|t| t.step as f64));
    let tipped = r - tip.null_count;
    match tip.median {
        Some(md) => {
            let shares: Vec<f64> = {
                let mut v: Vec<f64> = runs
                    .iter()
                    .filter_map(|x| x.norms[kk].tipping.map(|t| t.counted_share))
                    .collect();
                v.sort_by(f64::total_cmp);
                v
            };
            out.push_str(&format!(
                "It tipped in {tipped} of {r} replicates, median {} (10–90%: {} to {}), at a median counted share of {}.\n",
                when(m, md).trim_start_matches("in "),
                fmt_time(m, tip.p10.unwrap_or(md)),
                fmt_time(m, tip.p90.unwrap_or(md)),
                pct(quantile(&shares, 0.5))
            ));
        }
        None => out.push_str(&format!("It never tipped in any of {r} replicates.\n")),
    }
    let rc = med(&|x| x.norms[kk].regime_change.map(|t| t.counted_share));
    if let Some(md) = rc.median {
        out.push_str(&format!(
            "Socialization overtook domestic pressure and persuasion in {} of {r} replicates, at a median counted share of {}.\n",
            r - rc.null_count,
            pct(md)
        ));
    }
    let fa = med(&|x| Some(x.norms[kk].final_weighted_share));
    let fc = med(&|x| Some(x.norms[kk].final_compliance));
    out.push_str(&format!(
        "At the end a median {} of normative weight had adopted, with compliance {:.2}: {}.\n",
        pct(fa.median.unwrap_or(0.0)),
        fc.median.unwrap_or(0.0),
        gap_phrase(fa.median.unwrap_or(0.0), fc.median.unwrap_or(0.0))
    ));
}
