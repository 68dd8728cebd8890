//! Observed series beside simulated ones (issue 8): the distance between the simulated
//! median curve and an observed cumulative series (CRC ratifications, Palermo parties,
//! suffrage adoptions), as a share of states.

use crate::model::Model;
use crate::observe::RunResult;
use crate::stats::quantile;

/// One year of the comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub year: f64,
    pub observed_share: f64,
    pub simulated_share: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub points: Vec<Point>,
    /// Mean absolute difference in share over the overlapping years.
    pub mean_abs_diff: f64,
    pub max_abs_diff: f64,
    /// Year the observed and the simulated median share first reach one third.
    pub observed_third_year: Option<f64>,
    pub simulated_third_year: Option<f64>,
}

/// The median simulated share (parties or adopters over states) at each observed year
/// inside the run; None without an observed series or overlap.
pub fn compare(m: &Model, runs: &[RunResult]) -> Option<Comparison> {
    let o = m.observed.as_ref()?;
    let k = o.norm;
    let end = m.time_of(m.steps as f64);
    let start = m.time_of(0.0);
    let mut points = Vec::new();
    for &(year, count) in &o.points {
        if year < start || year > end + 1e-9 {
            continue;
        }
        let mut sims: Vec<f64> = runs
            .iter()
            .filter_map(|r| {
                let row = r
                    .rows
                    .iter()
                    .rfind(|x| x.norm == k && m.time_of(x.step as f64) <= year + 1e-9)?;
                let c = if o.parties {
                    row.parties as f64
                } else {
                    row.adopters as f64
                };
                let denom = o.states.unwrap_or(row.states as f64).max(1.0);
                Some(c / denom)
            })
            .collect();
        if sims.is_empty() {
            continue;
        }
        sims.sort_by(f64::total_cmp);
        let denom_obs = o.states.unwrap_or_else(|| {
            // The states in the system at that year (median across replicates).
            let mut st: Vec<f64> = runs
                .iter()
                .filter_map(|r| {
                    r.rows
                        .iter()
                        .rfind(|x| x.norm == k && m.time_of(x.step as f64) <= year + 1e-9)
                        .map(|x| x.states as f64)
                })
                .collect();
            st.sort_by(f64::total_cmp);
            quantile(&st, 0.5).max(1.0)
        });
        points.push(Point {
            year,
            observed_share: count / denom_obs,
            simulated_share: quantile(&sims, 0.5),
        });
    }
    if points.is_empty() {
        return None;
    }
    let diffs: Vec<f64> = points
        .iter()
        .map(|p| (p.observed_share - p.simulated_share).abs())
        .collect();
    let third =
        |f: &dyn Fn(&Point) -> f64| points.iter().find(|p| f(p) >= 1.0 / 3.0).map(|p| p.year);
    Some(Comparison {
        mean_abs_diff: diffs.iter().sum::<f64>() / diffs.len() as f64,
        max_abs_diff: diffs.iter().cloned().fold(0.0, f64::max),
        observed_third_year: third(&|p| p.observed_share),
        simulated_third_year: third(&|p| p.simulated_share),
        points,
    })
}
