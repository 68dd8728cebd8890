//! Resource estimates decided before anything is allocated: how much work and memory a
//! run of a validated `Model` with R replicates needs, and the refusal when that is over
//! a limit. Depends only on `model` and `error`, so the command line and the classroom
//! server (`serve`) apply the same arithmetic.
//!
//! Work is counted in *state-norm-steps* (states × norms × steps × replicates): the
//! adoption loop's unit of work. Memory counts what is held at the same time: the worlds
//! being stepped (one per worker thread) and every replicate's retained observations
//! (one row per norm and step, the collision series, the coalition resources).

use crate::error::Error;
use crate::model::Model;

/// Bytes of world state per (norm, state) cell: adoption flags, steps, causes,
/// movement, internalization, compliance, treaty status, persuasion scratch.
const BYTES_PER_CELL: f64 = 48.0;
/// Bytes of world state per state (weight, threshold, values, region, keys, …).
const BYTES_PER_STATE: f64 = 96.0;
/// Bytes per network tie (CSR index and esteem weight, both directions).
const BYTES_PER_TIE: f64 = 24.0;
/// Bytes retained per observed (norm, step) row of one replicate.
const BYTES_PER_ROW: f64 = 160.0;
/// Bytes retained per (collision or coalition, step) of one replicate.
const BYTES_PER_SERIES_POINT: f64 = 16.0;

/// What a run would take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub states: f64,
    pub norms: f64,
    pub steps: f64,
    pub replicates: f64,
    /// states × norms × steps × replicates.
    pub work: f64,
    /// Bytes held at the same time (worlds in flight + retained observations).
    pub bytes: f64,
}

/// Estimates a run of `m` with `replicates` replicates on `threads` workers (the
/// worlds stepped at the same time). Floating point throughout: no overflow whatever
/// the inputs.
pub fn estimate(m: &Model, replicates: u64, threads: usize) -> Estimate {
    let states = m.n_states() as f64;
    let norms = m.norms.len().max(1) as f64;
    let steps = m.steps as f64;
    let reps = replicates as f64;
    let ties = m.network.as_ref().map_or(0.0, |n| {
        let listed = n.edges.len() as f64;
        let generated = states * n.mean_degree.max(n.k as f64).max(2.0 * n.m as f64);
        listed.max(generated)
    });
    let world = states * (BYTES_PER_STATE + norms * BYTES_PER_CELL) + ties * BYTES_PER_TIE;
    let series = (m.incompatibilities.len() + m.coalitions.len()) as f64;
    let retained = (steps + 1.0) * (norms * BYTES_PER_ROW + series * BYTES_PER_SERIES_POINT);
    let in_flight = reps.min(threads.max(1) as f64);
    Estimate {
        states,
        norms,
        steps,
        replicates: reps,
        work: states * norms * steps * reps,
        bytes: in_flight * world + reps * retained,
    }
}

/// A limit on work and memory, and where it applies (named in the refusal).
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// State-norm-steps.
    pub work: f64,
    pub bytes: f64,
    /// "the classroom page", "one run" …
    pub scope: &'static str,
    /// What the user can do instead, appended to the refusal.
    pub advice: &'static str,
}

/// The classroom server: a redraw must stay interactive (a few seconds at most on a
/// two-core laptop) and four requests at once must fit in a laptop's memory.
pub const SERVE: Limit = Limit {
    work: 4.0e7,
    bytes: 256.0 * 1024.0 * 1024.0,
    scope: "the classroom page",
    advice: "lower population.n, scenario.steps or the replicates, or run it with `normlife run`",
};

/// A number in words a reader can take in: 1.2 billion, 340 million, 52,000.
pub fn human(x: f64) -> String {
    if x >= 1e12 {
        format!("{:.1} trillion", x / 1e12)
    } else if x >= 1e9 {
        format!("{:.1} billion", x / 1e9)
    } else if x >= 1e6 {
        format!("{:.1} million", x / 1e6)
    } else {
        thousands(x.round() as u64)
    }
}

/// An integer with thousands separators: 3551 → "3,551".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Bytes in MB or GB.
pub fn bytes(x: f64) -> String {
    let mb = x / (1024.0 * 1024.0);
    if mb >= 1024.0 {
        format!("{:.1} GB", mb / 1024.0)
    } else {
        format!("{:.0} MB", mb.max(1.0))
    }
}

/// Refuses an estimate over the limit (exit 2 on the command line, HTTP 400 on the page),
/// with the estimate, the limit and what to do.
pub fn check(e: &Estimate, limit: &Limit) -> Result<(), Error> {
    if e.work <= limit.work && e.bytes <= limit.bytes {
        return Ok(());
    }
    let what = format!(
        "{} states × {} norm{} × {} steps × {} replicate{}",
        human(e.states),
        human(e.norms),
        if e.norms == 1.0 { "" } else { "s" },
        human(e.steps),
        human(e.replicates),
        if e.replicates == 1.0 { "" } else { "s" },
    );
    let msg = if e.work > limit.work {
        format!(
            "too much work for {}: {what} = {} state-norm-steps, at most {} allowed; {}",
            limit.scope,
            human(e.work),
            human(limit.work),
            limit.advice
        )
    } else {
        format!(
            "too much memory for {}: {what} needs about {}, at most {} allowed; {}",
            limit.scope,
            bytes(e.bytes),
            bytes(limit.bytes),
            limit.advice
        )
    };
    Err(Error::input("run size", "", msg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_numbers() {
        assert_eq!(human(0.0), "0");
        assert_eq!(human(52000.0), "52,000");
        assert_eq!(human(999_999.0), "999,999");
        assert_eq!(human(3.4e8), "340.0 million");
        assert_eq!(human(1.2e9), "1.2 billion");
        assert_eq!(human(4e15), "4000.0 trillion");
        assert_eq!(bytes(3.0 * 1024.0 * 1024.0 * 1024.0), "3.0 GB");
    }
}
