//! Per-state comparison with an observed record (issue 16): each state's simulated median
//! adoption year against the year it adopted in the record (women's suffrage, the CRC).
//!
//! * **Spearman's rank correlation** between the two, with average ranks for ties. A state
//!   that has not adopted by the end of the run (in the record or in a replicate) gets the
//!   year after the end: the comparison is censored there, and such states tie.
//! * **First decile**: the observed first-decile adopters are the states whose observed
//!   year is at most that of the ⌈n/10⌉-th earliest (ties included); the model's first
//!   decile likewise from the simulated medians. The share of the former in the latter is
//!   reported beside the share expected by chance (size of the model's decile / n).

use crate::observe::RunResult;
use crate::stats::quantile;

#[derive(Debug, Clone, PartialEq)]
pub struct PerState {
    /// States compared (present in the run and in the record).
    pub n: usize,
    pub spearman: f64,
    /// Observed first-decile adopters, and how many of them the model puts in its own
    /// first decile.
    pub first_decile_observed: usize,
    pub first_decile_hits: usize,
    pub first_decile_share: f64,
    /// The share a random order would give: size of the model's first decile / n.
    pub first_decile_chance: f64,
    /// Year given to "not by the end of the run".
    pub censored_at: f64,
    /// (state index, observed year, simulated median year), censored, by observed year.
    pub states: Vec<(usize, f64, f64)>,
}

/// Each state's first adoption step of norm `k` in a run, from its adoption events
/// (logged when the run has at most `observation.log_adoptions_max` states).
pub fn adoption_steps(r: &RunResult, k: usize, n_states: usize) -> Vec<Option<u32>> {
    let mut out = vec![None; n_states];
    for e in &r.events {
        if e.kind == "adopted" && e.norm == Some(k) {
            if let Some(i) = e.state.map(|s| s as usize).filter(|&i| i < n_states) {
                out[i].get_or_insert(e.step);
            }
        }
    }
    out
}

/// Average ranks (1-based) of `x`, ties sharing the mean of their positions.
pub fn ranks(x: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(a.cmp(&b)));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &t in &idx[i..=j] {
            r[t] = avg;
        }
        i = j + 1;
    }
    r
}

/// Spearman's rank correlation (Pearson's on average ranks); NaN below two values or
/// without variation.
pub fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    if ra.len() < 2 {
        return f64::NAN;
    }
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in ra.iter().zip(&rb) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    sab / (saa * sbb).sqrt()
}

/// Indices of the first decile of `x` (ties at the cut included).
fn first_decile(x: &[f64]) -> Vec<usize> {
    let mut s = x.to_vec();
    s.sort_by(f64::total_cmp);
    let cut = s[(x.len().div_ceil(10)).max(1) - 1];
    (0..x.len()).filter(|&i| x[i] <= cut).collect()
}

/// Compares the record `obs` (state index, year) with the runs' adoptions of norm `k`.
/// `year_of` turns a step into a calendar year; `end_year` is the end of the run.
/// States that never enter the run (`present_by_end` false) are left out.
pub fn compare(
    obs: &[(usize, f64)],
    runs: &[RunResult],
    k: usize,
    n_states: usize,
    year_of: impl Fn(u32) -> f64,
    end_year: f64,
) -> Option<PerState> {
    if runs.is_empty() || obs.len() < 2 {
        return None;
    }
    let censored_at = end_year.floor() + 1.0;
    let steps: Vec<Vec<Option<u32>>> = runs
        .iter()
        .map(|r| adoption_steps(r, k, n_states))
        .collect();
    let mut rows = Vec::with_capacity(obs.len());
    let mut sims = Vec::with_capacity(runs.len());
    for &(i, y) in obs {
        sims.clear();
        sims.extend(
            steps
                .iter()
                .map(|s| s[i].map_or(censored_at, |t| year_of(t).min(censored_at))),
        );
        sims.sort_by(f64::total_cmp);
        rows.push((i, y.min(censored_at), quantile(&sims, 0.5)));
    }
    rows.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let o: Vec<f64> = rows.iter().map(|r| r.1).collect();
    let s: Vec<f64> = rows.iter().map(|r| r.2).collect();
    let (fo, fs) = (first_decile(&o), first_decile(&s));
    let hits = fo.iter().filter(|i| fs.contains(i)).count();
    Some(PerState {
        n: rows.len(),
        spearman: spearman(&o, &s),
        first_decile_observed: fo.len(),
        first_decile_hits: hits,
        first_decile_share: hits as f64 / fo.len() as f64,
        first_decile_chance: fs.len() as f64 / rows.len() as f64,
        censored_at,
        states: rows,
    })
}

/// The comparison with the scenario's per-state record (`[observed] by_state`), years of
/// adoption taken as the calendar year of the step; None without a record, years or runs.
pub fn of_model(m: &crate::model::Model, runs: &[RunResult]) -> Option<PerState> {
    let o = m.observed.as_ref()?;
    if !m.has_years() {
        return None;
    }
    let end = m.time_of(m.steps as f64);
    compare(
        &o.by_state,
        runs,
        o.norm,
        m.listed.len(),
        |t| m.time_of(t as f64).floor(),
        end,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
    }

    #[test]
    fn spearman_known_values() {
        let a = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert!((spearman(&a, &[2.0, 4.0, 6.0, 8.0, 10.0]) - 1.0).abs() < 1e-12);
        assert!((spearman(&a, &[5.0, 4.0, 3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        // 1 − 6 Σd² / (n(n² − 1)) without ties: d = (0, 0, 1, −1, 0) → 1 − 12/120 = 0.9.
        assert!((spearman(&a, &[1.0, 2.0, 4.0, 3.0, 5.0]) - 0.9).abs() < 1e-12);
    }

    #[test]
    fn first_decile_includes_ties() {
        let x: Vec<f64> = vec![1.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0];
        assert_eq!(first_decile(&x), vec![0, 1]);
    }
}
