//! `summary.txt`: a handful of plain sentences a student can read without the code,
//! generated from the observations of the run(s), never canned. Per norm: where it stood
//! at the start, when it emerged and through whom, when it tipped and at what share, when
//! peer pressure took over, the treaty, the critical states, compliance versus formal
//! adoption at the end. Per collision: who articulated it, in which forum, who took it
//! up, how it ended. The classroom page (`normlife serve`) shows the same text.

use super::tables::fmt_time;
use crate::model::{Cause, Model};
use crate::model::{Event, EventKind, Outcome};
use crate::observe::{Row, RunResult};
use crate::stats::{quantile, Stats};

fn pct(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

/// "in 1997.50" or "at step 23".
/// A date for readers: "1997" for a whole year, else the month ("October 1997") — the
/// tables keep decimal years (1997.75) for machines.
pub fn fmt_date(m: &Model, step: f64) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let t = m.time_of(step);
    let year = (t + 1e-9).floor();
    let month = (((t - year) * 12.0 + 1e-6).floor() as usize).min(11);
    if (t - t.round()).abs() < 1e-9 {
        fmt_time(m, step)
    } else {
        format!("{} {}", MONTHS[month], year as i64)
    }
}

fn when(m: &Model, step: f64) -> String {
    if m.has_years() {
        format!("in {}", fmt_date(m, step))
    } else {
        format!("at step {}", step.round() as i64)
    }
}

/// "1997.50" or "step 23".
fn time(m: &Model, step: f64) -> String {
    if m.has_years() {
        fmt_date(m, step)
    } else {
        format!("step {}", step.round() as i64)
    }
}

fn cause_phrase(c: Cause) -> &'static str {
    match c {
        Cause::Domestic => "under domestic pressure",
        Cause::Persuasion => "persuaded by a coalition",
        Cause::Socialization => "through socialization (peer pressure)",
        Cause::Initial => "from the start",
        Cause::Cluster => "through a neighbouring norm of its cluster",
        Cause::None => "",
    }
}

/// "1 adoption", "3 adoptions".
fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The fewest adoptions during a run for which "adoption was fastest around …" says more
/// than "it happened once".
const FASTEST_MIN_ADOPTIONS: u64 = 5;

/// "a", "a and b", "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub fn summary_text(m: &Model, runs: &[RunResult]) -> String {
    let mut out = String::new();
    let span = if m.has_years() {
        format!("{} to {}", fmt_date(m, 0.0), fmt_date(m, m.steps as f64))
    } else {
        format!("{} steps", m.steps)
    };
    out.push_str(&format!(
        "Scenario \"{}\": {} states, {}, seed {}, {}.\n",
        m.name,
        m.n_states(),
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
    if runs.is_empty() {
        return out;
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
            ", part of the dominant discourse at the start.\n"
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
    if let Some(s) = coalitions_text(m, runs) {
        out.push('\n');
        out.push_str(&s);
    }
    if let Some(s) = record_text(m, runs) {
        out.push('\n');
        out.push_str(&s);
    }
    out.push('\n');
    out.push_str(&collisions_text(m, runs));
    out
}

/// The coalitions' own history, when it has one: mergers (inputs, the same in every
/// replicate) and monitoring with its published reports. None when there is nothing to say.
fn coalitions_text(m: &Model, runs: &[RunResult]) -> Option<String> {
    let mut s = String::new();
    for e in runs[0].events.iter() {
        if let EventKind::CoalitionMerged { into, from } = e.kind {
            s.push_str(&format!(
                "{} {} merged into {}: they pooled their resources and kept their names.\n",
                capitalize(&when(m, e.step as f64)),
                the(&m.coalitions[from].name),
                the(&m.coalitions[into].name),
            ));
        }
    }
    for (ci, c) in m.coalitions.iter().enumerate() {
        for &kk in &c.norms {
            if let Some(t) = monitoring_sentence(m, runs, ci, kk) {
                s.push_str(&t);
            }
        }
    }
    (!s.is_empty()).then_some(s)
}

/// The events of coalition `ci` of `kind`'s name on norm `kk` in one run.
fn coalition_events<'a>(
    m: &Model,
    r: &'a RunResult,
    ci: usize,
    kk: usize,
    kind: &str,
) -> Vec<&'a Event> {
    r.events
        .iter()
        .filter(|e| e.norm == Some(kk) && e.actor == m.coalitions[ci].id && e.kind == kind)
        .collect()
}

/// When coalition `ci` began monitoring norm `kk` and what its reports found (one run), or
/// in how many replicates it monitored and how many reports it published (median).
fn monitoring_sentence(m: &Model, runs: &[RunResult], ci: usize, kk: usize) -> Option<String> {
    let who = capitalize(&the(&m.coalitions[ci].name));
    let norm = &m.norms[kk].name;
    if runs.len() > 1 {
        let started: Vec<&RunResult> = runs
            .iter()
            .filter(|r| !coalition_events(m, r, ci, kk, "monitoring_started").is_empty())
            .collect();
        if started.is_empty() {
            return None;
        }
        let mut reports: Vec<f64> = started
            .iter()
            .map(|r| coalition_events(m, r, ci, kk, "monitoring_report").len() as f64)
            .collect();
        reports.sort_by(f64::total_cmp);
        let n = quantile(&reports, 0.5).round() as u64;
        let tail = if n > 0 {
            format!(" and published a median of {}", plural(n, "report"))
        } else {
            String::new()
        };
        return Some(format!(
            "{who} monitored compliance with \"{norm}\" in {} of {} replicates{tail}.\n",
            started.len(),
            runs.len()
        ));
    }
    let r = &runs[0];
    let start = *coalition_events(m, r, ci, kk, "monitoring_started").first()?;
    let mut out = format!(
        "{who} began monitoring compliance with \"{norm}\" {}.",
        when(m, start.step as f64)
    );
    let reports = coalition_events(m, r, ci, kk, "monitoring_report");
    let found = |e: &Event| match e.kind {
        EventKind::MonitoringReport { adopters, short } => format!("{short} of {adopters}"),
        _ => String::new(),
    };
    match reports.as_slice() {
        [] => {}
        [one] => out.push_str(&format!(
            " It published 1 report, {}: {} adopters fell visibly short of compliance (below one half).",
            when(m, one.step as f64),
            found(one)
        )),
        [first, .., last] => out.push_str(&format!(
            " It published {} reports from {} to {}; {} adopters fell visibly short of compliance (below one half) in the first and {} in the last.",
            reports.len(),
            time(m, first.step as f64),
            time(m, last.step as f64),
            found(first),
            found(last)
        )),
    }
    out.push('\n');
    Some(out)
}

/// One sentence on how close the run came to the observed record: the distance of the
/// median curve and, with a per-state record, the rank correlation and the first decile.
fn record_text(m: &Model, runs: &[RunResult]) -> Option<String> {
    let o = m.observed.as_ref()?;
    let c = crate::observe::observed::compare(m, runs)?;
    let what = if o.parties { "parties" } else { "adopters" };
    let mut s = format!(
        "Against the record ({}), the simulated median share of {what} was a mean {} percentage points from the observed one",
        o.file,
        (c.mean_abs_diff * 100.0).round()
    );
    if let Some(p) = crate::observe::per_state::of_model(m, runs).filter(|p| p.spearman.is_finite())
    {
        s.push_str(&format!(
            "; state by state, the rank correlation between simulated median and observed adoption years was {:.2} over {} states, and {} of the {} observed first-decile adopters were in the model's first decile (chance: about {})",
            p.spearman,
            p.n,
            p.first_decile_hits,
            p.first_decile_observed,
            (p.first_decile_chance * p.first_decile_observed as f64).round()
        ));
    }
    s.push_str(".\n");
    Some(s)
}

/// The row of norm `kk` at `step` (step 0: the start), if recorded.
fn row_at(r: &RunResult, kk: usize, step: u32) -> Option<&Row> {
    r.rows.iter().find(|x| x.step == step && x.norm == kk)
}

fn last_row(r: &RunResult, kk: usize) -> Option<&Row> {
    r.rows.iter().rev().find(|x| x.norm == kk)
}

/// The coalitions promoting norm `kk`, by name.
fn promoters(m: &Model, kk: usize) -> Vec<String> {
    m.coalitions
        .iter()
        .filter(|c| c.norms.contains(&kk))
        .map(|c| the(&c.name))
        .collect()
}

fn single(m: &Model, r: &RunResult, kk: usize, out: &mut String) {
    emergence(m, r, kk, out);
    tipping(m, r, kk, out);
    drivers(m, r, kk, out);
    treaty(m, r, kk, out);
    critical_states(m, r, kk, out);
    the_end(m, r, kk, out);
}

/// Emergence: through whom, when (or before the run).
fn emergence(m: &Model, r: &RunResult, kk: usize, out: &mut String) {
    let o = &r.norms[kk];
    let start = row_at(r, kk, 0);
    let init = start.map_or(0, |x| x.adopters);
    let init_w = start.map_or(0.0, |x| x.weighted_share);
    let coalitions = promoters(m, kk);
    let lobby = if coalitions.is_empty() {
        String::new()
    } else {
        format!(
            ", with {} lobbying for it as norm entrepreneur{}",
            and_list(&coalitions),
            if coalitions.len() > 1 { "s" } else { "" }
        )
    };
    let others = |skip: usize| -> String {
        let v: Vec<String> = o.first_adopters[skip..]
            .iter()
            .map(|(t, w, _)| format!("{w} ({})", time(m, *t as f64)))
            .collect();
        if v.is_empty() {
            String::new()
        } else {
            format!("; next came {}", v.join(", "))
        }
    };

    // Emergence: through whom, when (or before the run).
    if init > 0 {
        out.push_str(&format!(
            "At the start {} of {} states already held it ({} of normative weight): it had emerged before the run.\n",
            init,
            start.map_or(m.n_states() as i64, |x| x.states),
            pct(init_w)
        ));
        match o.first_adopters.first() {
            Some((t, who, cause)) => out.push_str(&format!(
                "During the run {who} was the first to adopt it, {} {}{}{lobby}.\n",
                when(m, *t as f64),
                cause_phrase(*cause),
                others(1)
            )),
            None => out.push_str(&format!(
                "No further state adopted it during the run{lobby}.\n"
            )),
        }
    } else {
        match o.first_adopters.first() {
            Some((t, who, cause)) => out.push_str(&format!(
                "It emerged {} when {who} adopted it {}{}{lobby}.\n",
                when(m, *t as f64),
                cause_phrase(*cause),
                others(1)
            )),
            None => out.push_str(&format!("No state adopted it: it never emerged{lobby}.\n")),
        }
    }
}

/// The tipping point, or why there was none.
fn tipping(m: &Model, r: &RunResult, kk: usize, out: &mut String) {
    let o = &r.norms[kk];
    let init_w = row_at(r, kk, 0).map_or(0.0, |x| x.weighted_share);
    // Tipping point.
    match o.tipping {
        Some(t) => out.push_str(&format!(
            "It tipped {}, when {} of the states ({} of normative weight) had adopted it; the tipping share is {} of normative weight.\n",
            when(m, t.step as f64),
            pct(t.counted_share),
            pct(t.weighted_share),
            pct(m.tipping_share)
        )),
        None if init_w >= m.tipping_share => out.push_str(&format!(
            "It was above the tipping share ({} of normative weight) from the start, so this run shows no tipping point.\n",
            pct(m.tipping_share)
        )),
        None => {
            let peak = r
                .rows
                .iter()
                .filter(|x| x.norm == kk)
                .map(|x| x.weighted_share)
                .fold(0.0, f64::max);
            let (p, t) = if pct(peak) == pct(m.tipping_share) {
                (
                    format!("{:.1}%", 100.0 * peak),
                    format!("{:.1}%", 100.0 * m.tipping_share),
                )
            } else {
                (pct(peak), pct(m.tipping_share))
            };
            out.push_str(&format!(
                "It never reached the tipping share of {t} of normative weight (it peaked at {p}): no tipping point.\n"
            ))
        }
    }
}

/// Who drove adoption: domestic pressure and persuasion, then peer pressure.
fn drivers(m: &Model, r: &RunResult, kk: usize, out: &mut String) {
    let o = &r.norms[kk];
    // Who drove adoption: domestic pressure and persuasion, then peer pressure.
    let b = o.before_regime;
    let before_total = b[2] + b[3] + b[4] + b[5];
    let cluster = |n: u64| {
        if n > 0 {
            format!(", {n} through a neighbouring norm of its cluster")
        } else {
            String::new()
        }
    };
    match o.regime_change {
        Some(rc) => {
            let a = o.after_regime;
            let since = when(m, rc.step as f64);
            let since = since.trim_start_matches("in ").trim_start_matches("at ");
            out.push_str(&regime_sentence(since, b, a, pct(rc.counted_share)));
        }
        None if before_total == 0 => {}
        None if before_total == 1 => {
            let only = if b[2] == 1 {
                "domestic movements"
            } else if b[3] == 1 {
                "persuasion by a coalition"
            } else if b[4] == 1 {
                "socialization (peer pressure)"
            } else {
                "a neighbouring norm of its cluster"
            };
            out.push_str(&format!(
                "Its only adoption during the run came from {only}.\n"
            ))
        }
        None if b[4] == before_total => out.push_str(&format!(
            "All {before_total} of its adoptions during the run came from socialization (peer pressure), none from domestic movements or persuasion.\n"
        )),
        None if b[4] > b[2] + b[3] + b[5] => out.push_str(&format!(
            "Most of its {} adoptions during the run came from socialization (peer pressure): {} of them, against {} from domestic movements and {} from persuasion{}.\n",
            before_total, b[4], b[2], b[3], cluster(b[5])
        )),
        None => out.push_str(&format!(
            "Peer pressure never took over: of its {} adoptions during the run, {} came from domestic movements, {} from persuasion and {} from socialization{}.\n",
            before_total, b[2], b[3], b[4], cluster(b[5])
        )),
    }
    let total: u64 = o.before_regime[2..6]
        .iter()
        .chain(&o.after_regime[2..6])
        .sum();
    if let Some(f) = o.fastest_refined.filter(|_| total >= FASTEST_MIN_ADOPTIONS) {
        out.push_str(&format!("Adoption was fastest around {}.\n", time(m, f)));
    }
}

/// "3 from domestic movements, 1 from persuasion and 4 from socialization": every cause
/// with at least one adoption (counts indexed as `Cause`: 2 domestic … 5 cluster).
fn causes_list(c: [u64; 6]) -> String {
    let names = [
        (2, "domestic movements"),
        (3, "persuasion"),
        (4, "socialization"),
        (5, "a neighbouring norm of its cluster"),
    ];
    let v: Vec<String> = names
        .iter()
        .filter(|(i, _)| c[*i] > 0)
        .map(|(i, n)| format!("{} from {n}", c[*i]))
        .collect();
    and_list(&v)
}

/// The sentence on the regime change: "drove" only when socialization brought a majority
/// of the adoptions after it; every cause of the adoptions before it.
fn regime_sentence(since: &str, b: [u64; 6], a: [u64; 6], share: String) -> String {
    let before: u64 = b[2..6].iter().sum();
    let after: u64 = a[2..6].iter().sum();
    let head = if 2 * a[4] > after {
        format!("From {since} on peer pressure drove adoption: {} of the {} since then came from socialization", a[4], plural(after, "adoption"))
    } else {
        format!("From {since} on peer pressure counted for more, without a majority: {} of the {} since then came from socialization", a[4], plural(after, "adoption"))
    };
    let prior = if before > 0 {
        format!(
            "; before then, of {}, {}",
            plural(before, "adoption"),
            causes_list(b)
        )
    } else {
        String::new()
    };
    format!("{head}{prior} ({share} of the states had adopted it by then).\n")
}

/// The treaty.
fn treaty(m: &Model, r: &RunResult, kk: usize, out: &mut String) {
    let o = &r.norms[kk];
    // The treaty.
    if let Some(tr) = &m.norms[kk].treaty {
        match (o.treaty_opened_step, o.entry_into_force_step) {
            (Some(op), Some(e)) => out.push_str(&format!(
                "Its treaty opened for signature {} and entered into force {}, after {}.\n",
                when(m, op as f64),
                when(m, e as f64),
                plural(tr.entry_into_force as u64, "ratification")
            )),
            (Some(op), None) => out.push_str(&format!(
                "Its treaty opened for signature {} but had not entered into force by the end ({} needed).\n",
                when(m, op as f64),
                plural(tr.entry_into_force as u64, "ratification")
            )),
            (None, _) => out.push_str("Its treaty did not open for signature during the run.\n"),
        }
    }
}

/// The critical states.
fn critical_states(m: &Model, r: &RunResult, kk: usize, out: &mut String) {
    let o = &r.norms[kk];
    // Critical states.
    if !o.critical.is_empty() {
        let during: Vec<String> = o
            .critical
            .iter()
            .filter_map(|(name, s)| match s {
                Some(s) if *s > 0 => Some(format!("{name} ({})", time(m, *s as f64))),
                _ => None,
            })
            .collect();
        let from_start: Vec<String> = o
            .critical
            .iter()
            .filter(|(_, s)| *s == Some(0))
            .map(|(n, _)| n.clone())
            .collect();
        let mut never: Vec<String> = Vec::new();
        let mut left: Vec<String> = Vec::new();
        let mut not_held: Vec<String> = Vec::new();
        for (name, _) in o.critical.iter().filter(|(_, s)| s.is_none()) {
            match left_again(m, r, kk, name) {
                Some(Some(story)) => left.push(story),
                Some(None) => never.push(name.clone()),
                None => not_held.push(name.clone()),
            }
        }
        let mut parts = Vec::new();
        if !during.is_empty() {
            parts.push(format!("{} adopted it during the run", and_list(&during)));
        }
        if !from_start.is_empty() {
            parts.push(format!("{} held it from the start", and_list(&from_start)));
        }
        if !left.is_empty() {
            parts.push(and_list(&left));
        }
        if !never.is_empty() {
            parts.push(format!("{} never adopted it", and_list(&never)));
        }
        if !not_held.is_empty() {
            parts.push(format!(
                "{} did not hold it at the end",
                and_list(&not_held)
            ));
        }
        out.push_str(&format!(
            "Of the states the scenario marks as critical, {}.\n",
            parts.join("; ")
        ));
    }
}

/// What a critical state that does not hold norm `kk` at the end did, from the events:
/// `Some(None)` if it never adopted it, `Some(Some(story))` if it adopted and then left it
/// ("X adopted it in May 1992 and backslid in June 1995"), `None` if adoptions of this run
/// were not logged (too many states), so the events cannot tell.
fn left_again(m: &Model, r: &RunResult, kk: usize, name: &str) -> Option<Option<String>> {
    let i = m.listed.iter().position(|x| x.name == name)?;
    let evs: Vec<&Event> = r
        .events
        .iter()
        .filter(|e| e.state == Some(i as u32) && e.norm == Some(kk))
        .collect();
    let logged = r.events.iter().any(|e| e.kind == EventKind::Adopted);
    let adopted = evs.iter().find(|e| e.kind == EventKind::Adopted);
    match adopted {
        None if logged || r.events.iter().all(|e| e.state.is_none()) => Some(None),
        None => None,
        Some(a) => {
            let out = evs.iter().rev().find(|e| {
                e.step >= a.step && matches!(e.kind, EventKind::Defection | EventKind::Backslide)
            });
            let how = match out {
                Some(e) if e.kind == EventKind::Defection => {
                    format!("defected (refused the treaty) {}", when(m, e.step as f64))
                }
                Some(e) => format!("backslid {}", when(m, e.step as f64)),
                None => "did not hold it at the end".into(),
            };
            Some(Some(format!(
                "{name} adopted it {} but {how}",
                when(m, a.step as f64)
            )))
        }
    }
}

/// The end: formal adoption versus practice.
fn the_end(m: &Model, r: &RunResult, kk: usize, out: &mut String) {
    let o = &r.norms[kk];
    // The end: formal adoption versus practice.
    let n_end = last_row(r, kk).map_or(m.n_states() as i64, |x| x.states);
    out.push_str(&format!(
        "At the end {} of {} states had adopted it ({} of normative weight) and {}. {}\n",
        o.final_adopters,
        n_end,
        pct(o.final_weighted_share),
        stage_phrase(o.final_stage.name()),
        practice(
            m,
            o.final_weighted_share,
            o.final_compliance,
            o.final_internalization,
            "Compliance averaged"
        )
    ));
}

/// The sentence on practice: compliance and internalization against formal adoption, or
/// that the scenario does not model them (the classic diffusion models switch them off).
fn practice(m: &Model, adopted: f64, compliance: f64, internalization: f64, lead: &str) -> String {
    let frozen = m.habit == 0.0 && m.law == 0.0 && m.compliance_speed == 0.0 && !m.has_treaties();
    if frozen {
        return "Internalization and compliance are switched off in this scenario (habit, law and compliance speed are zero): it models formal adoption only.".into();
    }
    format!(
        "{lead} {} and internalization {}: {}.",
        pct(compliance),
        pct(internalization),
        gap_phrase(adopted, compliance)
    )
}

fn stage_phrase(stage: &str) -> String {
    if stage == "stalled" {
        "its curve had stalled".into()
    } else {
        format!("it was in the {stage} stage")
    }
}

/// Formal adoption (share of normative weight) against compliance (weighted mean).
fn gap_phrase(adopted: f64, compliance: f64) -> String {
    let gap = adopted - compliance;
    let points = (100.0 * gap.abs()).round();
    if adopted < 0.05 && compliance < 0.05 {
        "almost no state had adopted or followed it".into()
    } else if gap >= 0.05 {
        format!("practice lags behind formal adoption by {points:.0} points (states adopt it without fully complying)")
    } else if gap <= -0.05 {
        format!("practice runs {points:.0} points ahead of formal adoption (states comply without having adopted it)")
    } else {
        "practice has caught up with formal adoption".into()
    }
}

fn many(m: &Model, runs: &[RunResult], kk: usize, out: &mut String) {
    let r = runs.len();
    let med = |f: &dyn Fn(&RunResult) -> Option<f64>| {
        let v: Vec<Option<f64>> = runs.iter().map(f).collect();
        Stats::of(&v)
    };
    let init = med(&|x| row_at(x, kk, 0).map(|s| s.adopters as f64));
    let init_w = med(&|x| row_at(x, kk, 0).map(|s| s.weighted_share));
    if init.median.unwrap_or(0.0) > 0.0 {
        out.push_str(&format!(
            "At the start a median {:.0} states already held it ({} of normative weight): it had emerged before the run.\n",
            init.median.unwrap_or(0.0),
            pct(init_w.median.unwrap_or(0.0))
        ));
    } else {
        let first = med(&|x| x.norms[kk].first_adopters.first().map(|f| f.0 as f64));
        match first.median {
            Some(md) => {
                // The most frequent way in of the first adopter.
                let mut causes: Vec<(Cause, usize)> = Vec::new();
                for x in runs {
                    if let Some((_, _, c)) = x.norms[kk].first_adopters.first() {
                        match causes.iter_mut().find(|(k, _)| k == c) {
                            Some(e) => e.1 += 1,
                            None => causes.push((*c, 1)),
                        }
                    }
                }
                causes.sort_by_key(|c| std::cmp::Reverse(c.1));
                let coalitions = promoters(m, kk);
                out.push_str(&format!(
                    "It emerged {} (median), the first state adopting it {} in {} of {} replicates{}.\n",
                    when(m, md),
                    cause_phrase(causes[0].0),
                    causes[0].1,
                    r - first.null_count,
                    if coalitions.is_empty() {
                        String::new()
                    } else {
                        format!(", with {} lobbying for it", and_list(&coalitions))
                    }
                ));
            }
            None => out.push_str(&format!("No state adopted it in any of {r} replicates.\n")),
        }
    }
    many_tipping(m, runs, kk, init_w.min.unwrap_or(0.0), out);
    let rc = med(&|x| x.norms[kk].regime_change.map(|t| t.counted_share));
    if let Some(md) = rc.median {
        out.push_str(&format!(
            "Peer pressure (socialization) overtook domestic pressure and persuasion in {} of {r} replicates, when a median {} of the states had adopted it.\n",
            r - rc.null_count,
            pct(md)
        ));
    }
    if let Some(tr) = &m.norms[kk].treaty {
        let eif = med(&|x| x.norms[kk].entry_into_force_step.map(|s| s as f64));
        match eif.median {
            Some(md) => out.push_str(&format!(
                "Its treaty entered into force ({}) in {} of {r} replicates, median {}.\n",
                plural(tr.entry_into_force as u64, "ratification"),
                r - eif.null_count,
                time(m, md)
            )),
            None => out.push_str(&format!(
                "Its treaty never entered into force ({} needed).\n",
                plural(tr.entry_into_force as u64, "ratification")
            )),
        }
    }
    let crit = &runs[0].norms[kk].critical;
    if !crit.is_empty() {
        let mut usually = Vec::new();
        let mut rarely = Vec::new();
        for (i, (name, _)) in crit.iter().enumerate() {
            let n = runs
                .iter()
                .filter(|x| x.norms[kk].critical.get(i).is_some_and(|c| c.1.is_some()))
                .count();
            if 2 * n > r {
                usually.push(format!("{name} ({n} of {r})"));
            } else {
                rarely.push(format!("{name} ({n} of {r})"));
            }
        }
        let mut parts = Vec::new();
        if !usually.is_empty() {
            parts.push(format!(
                "{} held it at the end in most replicates",
                and_list(&usually)
            ));
        }
        if !rarely.is_empty() {
            parts.push(format!("{} in few or none", and_list(&rarely)));
        }
        out.push_str(&format!(
            "Of the states the scenario marks as critical, {}.\n",
            parts.join("; ")
        ));
    }
    let fa = med(&|x| Some(x.norms[kk].final_weighted_share))
        .median
        .unwrap_or(0.0);
    let fc = med(&|x| Some(x.norms[kk].final_compliance))
        .median
        .unwrap_or(0.0);
    let fi = med(&|x| Some(x.norms[kk].final_internalization))
        .median
        .unwrap_or(0.0);
    out.push_str(&format!(
        "At the end a median {} of normative weight had adopted it. {}\n",
        pct(fa),
        practice(m, fa, fc, fi, "Median compliance was")
    ));
}

/// The tipping sentence of a replicate summary (`init_w_min`: the smallest weighted share
/// at the start across replicates).
fn many_tipping(m: &Model, runs: &[RunResult], kk: usize, init_w_min: f64, out: &mut String) {
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
                "It tipped in {tipped} of {r} replicates, median {} (10–90%: {} to {}), when a median {} of the states had adopted it.\n",
                time(m, md),
                time(m, tip.p10.unwrap_or(md)),
                time(m, tip.p90.unwrap_or(md)),
                pct(quantile(&shares, 0.5))
            ));
        }
        None if init_w_min >= m.tipping_share => out.push_str(&format!(
            "It was above the tipping share ({} of normative weight) from the start in every replicate: no tipping point.\n",
            pct(m.tipping_share)
        )),
        None => {
            let above = runs
                .iter()
                .filter(|x| row_at(x, kk, 0).is_some_and(|s| s.weighted_share >= m.tipping_share))
                .count();
            out.push_str(&if above > 0 {
                format!(
                    "It started above the tipping share ({} of normative weight) in {above} of {r} replicates (no tipping point there) and never reached it in the other {}.\n",
                    pct(m.tipping_share),
                    r - above
                )
            } else {
                format!(
                    "It never reached the tipping share of {} in any of {r} replicates.\n",
                    pct(m.tipping_share)
                )
            })
        }
    }
}

/// The events of collision `ii` (an index into `m.incompatibilities`).
fn collision_events(r: &RunResult, ii: usize) -> Vec<&Event> {
    r.events
        .iter()
        .filter(|e| e.kind.collision() == Some(ii))
        .collect()
}

/// Who took a collision up: a coalition's name, or "member states".
fn answerer(m: &Model, actor: &str) -> String {
    if m.coalitions.iter().any(|c| c.id == actor) {
        coalition_name(m, actor)
    } else if actor.is_empty() {
        "member states".into()
    } else {
        actor.to_string()
    }
}

fn ending(m: &Model, e: &Event) -> String {
    let at = when(m, e.step as f64);
    let EventKind::CollisionEnded {
        outcome, winner, ..
    } = e.kind
    else {
        return String::new();
    };
    match (outcome, winner) {
        (Outcome::Resolved, Some(k)) => format!(
            "it was resolved {at} in favour of \"{}\", which now ranks above the other norm",
            m.norms[k].name
        ),
        (Outcome::Compromised, _) => {
            format!("it ended {at} in a compromise that leaves the question to states")
        }
        (Outcome::Suppressed, _) => format!("the stronger side suppressed it {at}"),
        (o, _) => format!("it ended {at} ({})", o.name()),
    }
}

fn collisions_text(m: &Model, runs: &[RunResult]) -> String {
    if m.incompatibilities.is_empty() {
        return "No norm collision was possible: the scenario declares no incompatible norms.\n"
            .into();
    }
    let mut out = String::new();
    let r = runs.len();
    for (ii, inc) in m.incompatibilities.iter().enumerate() {
        let (a, b) = (&m.norms[inc.norms[0]].name, &m.norms[inc.norms[1]].name);
        if r == 1 {
            out.push_str(&one_collision(m, &runs[0], ii));
            continue;
        }
        let act: Vec<&RunResult> = runs
            .iter()
            .filter(|x| x.collisions[ii].activated_step.is_some())
            .collect();
        let art = runs
            .iter()
            .filter(|x| x.collisions[ii].articulated_step.is_some())
            .count();
        if act.is_empty() {
            out.push_str(&format!(
                "The collision between \"{a}\" and \"{b}\" was articulated in {art} of {r} replicates but activated in none.\n"
            ));
            continue;
        }
        let mut outcomes = Vec::new();
        for o in Outcome::ALL {
            let these: Vec<&&RunResult> = act
                .iter()
                .filter(|x| x.collisions[ii].outcome == o)
                .collect();
            if these.is_empty() {
                continue;
            }
            let mut w = format!("{} {}", these.len(), o.name());
            if o == Outcome::Resolved {
                let first = these
                    .iter()
                    .filter(|x| x.collisions[ii].winner == Some(inc.norms[0]))
                    .count();
                let k = if 2 * first >= these.len() { 0 } else { 1 };
                let n = if k == 0 { first } else { these.len() - first };
                w.push_str(&format!(
                    " ({n} in favour of \"{}\")",
                    m.norms[inc.norms[k]].name
                ));
            }
            outcomes.push(w);
        }
        let count = |v: &mut Vec<(String, usize)>, k: String| match v.iter_mut().find(|e| e.0 == k)
        {
            Some(e) => e.1 += 1,
            None => v.push((k, 1)),
        };
        // The most frequent articulating coalition and forum, and who took it up.
        let mut by: Vec<(String, usize)> = Vec::new();
        let mut answered: Vec<(String, usize)> = Vec::new();
        for x in &act {
            let evs = collision_events(x, ii);
            if let Some(e) = evs
                .iter()
                .find(|e| matches!(e.kind, EventKind::CollisionArticulated { .. }))
            {
                count(
                    &mut by,
                    format!(
                        "{} in {}",
                        coalition_name(m, &e.actor),
                        forum_name(m, &e.forum)
                    ),
                );
            }
            if let Some(e) = evs
                .iter()
                .find(|e| matches!(e.kind, EventKind::CollisionActivated { .. }))
            {
                let by = evs
                    .iter()
                    .find(|x| matches!(x.kind, EventKind::CollisionArticulated { .. }));
                if !e.actor.is_empty() && by.is_none_or(|b| b.actor != e.actor) {
                    count(&mut answered, answerer(m, &e.actor));
                }
            }
        }
        by.sort_by_key(|x| std::cmp::Reverse(x.1));
        answered.sort_by_key(|x| std::cmp::Reverse(x.1));
        let steps = Stats::of(
            &act.iter()
                .map(|x| x.collisions[ii].activated_step.map(|s| s as f64))
                .collect::<Vec<_>>(),
        );
        let mut line = format!(
            "The collision between \"{a}\" and \"{b}\" was articulated in {art} of {r} replicates and activated in {} (median {})",
            act.len(),
            time(m, steps.median.unwrap_or(0.0)),
        );
        if let Some((k, n)) = by.first() {
            line.push_str(&format!(", articulated first by {k} in {n} of them"));
        }
        if let Some((k, n)) = answered.first() {
            line.push_str(&format!(" and taken up by {k} in {n}"));
        }
        line.push_str(&format!("; outcomes: {}.\n", and_list(&outcomes)));
        out.push_str(&line);
    }
    out
}

/// The story of one collision in one run.
fn one_collision(m: &Model, r: &RunResult, ii: usize) -> String {
    let inc = &m.incompatibilities[ii];
    let (a, b) = (&m.norms[inc.norms[0]].name, &m.norms[inc.norms[1]].name);
    let c = &r.collisions[ii];
    let evs = collision_events(r, ii);
    let crowded = evs
        .iter()
        .filter(|e| matches!(e.kind, EventKind::CollisionCrowdedOut { .. }))
        .count();
    let crowded_note = match crowded {
        0 => String::new(),
        1 => " (once there was no room for it on the agenda)".into(),
        n => format!(" ({n} times there was no room for it on the agenda)"),
    };
    let Some(s) = c.articulated_step else {
        return format!(
            "No coalition articulated the collision between \"{a}\" and \"{b}\": it stayed latent.\n"
        );
    };
    // Who articulated it first (from the events, which also give the step and forum),
    // and who else raised it.
    let arts: Vec<&&Event> = evs
        .iter()
        .filter(|e| matches!(e.kind, EventKind::CollisionArticulated { .. }))
        .collect();
    let (by, at, forum) = match arts.first() {
        Some(e) => (e.actor.as_str(), e.step, e.forum.as_str()),
        None => (c.articulated_by.as_str(), s, c.forum.as_str()),
    };
    let mut out = format!(
        "{} articulated the collision between \"{a}\" and \"{b}\" {} in {}",
        capitalize(&coalition_name(m, by)),
        when(m, at as f64),
        forum_name(m, forum)
    );
    let mut also: Vec<String> = Vec::new();
    for e in &arts {
        if e.actor != by
            && !also
                .iter()
                .any(|x| x.starts_with(&coalition_name(m, &e.actor)))
        {
            also.push(format!(
                "{} {}",
                coalition_name(m, &e.actor),
                when(m, e.step as f64)
            ));
        }
    }
    if !also.is_empty() {
        out.push_str(&format!("; {} raised it too", and_list(&also)));
    }
    if c.activated_step.is_none() {
        out.push_str(&format!(
            ", but no one took it up: it was never activated{crowded_note}.\n"
        ));
        return out;
    }
    out.push_str(&format!("{crowded_note}.\n"));
    // Activations and endings, in order.
    let mut story: Vec<String> = Vec::new();
    let mut first = true;
    for e in &evs {
        match e.kind {
            EventKind::CollisionActivated { .. } => {
                // The side that articulated it does not also answer it.
                let answer = if e.actor == by || e.actor.is_empty() {
                    String::new()
                } else {
                    format!(" when {} answered", answerer(m, &e.actor))
                };
                story.push(format!(
                    "{} {}{answer}",
                    if first {
                        "it was activated"
                    } else {
                        "it was activated again"
                    },
                    when(m, e.step as f64),
                ));
                first = false;
            }
            EventKind::CollisionEnded { .. } if !first => story.push(ending(m, e)),
            _ => {}
        }
    }
    if c.outcome == Outcome::Open || c.ended_step.is_none() {
        story.push("it was still open at the end of the run".into());
    }
    let story = if story.len() > 2 {
        story.join("; ")
    } else {
        and_list(&story)
    };
    out.push_str(&capitalize(&story));
    out.push_str(&format!(
        ". At its height the debate reached an intensity of {:.2} (on a scale from 0 to 1).",
        c.peak_intensity
    ));
    let invoked = arts.first().and_then(|e| e.norm);
    match c.shift_toward {
        Some(k) => {
            let shift = c.position_shift;
            let size = if shift < 0.01 {
                "barely"
            } else if shift < 0.05 {
                "slightly"
            } else {
                "clearly"
            };
            let by_whom = if invoked == Some(k) {
                format!(", the norm {} invoked", coalition_name(m, by))
            } else {
                String::new()
            };
            out.push_str(&format!(
                " Other actors' positions moved {size} toward \"{}\"{by_whom} (their distance to it shrank by {:.3} on a scale from 0 to 1).",
                m.norms[k].name, shift
            ));
        }
        None => out.push_str(" Other actors' positions did not move toward either norm."),
    }
    out.push('\n');
    out
}

/// "the X" (names of coalitions and forums are common nouns: "Harm reduction coalition").
fn the(name: &str) -> String {
    if name.starts_with("the ") || name.starts_with("The ") {
        name.to_string()
    } else {
        format!("the {name}")
    }
}

fn coalition_name(m: &Model, id: &str) -> String {
    m.coalitions
        .iter()
        .find(|c| c.id == id)
        .map_or(id.to_string(), |c| the(&c.name))
}

fn forum_name(m: &Model, id: &str) -> String {
    m.forums
        .iter()
        .find(|f| f.id == id)
        .map_or(id.to_string(), |f| the(&f.name))
}
