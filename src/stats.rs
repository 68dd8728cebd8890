//! Summary statistics across replicates (summary.json, aggregate.csv).

use serde::Serialize;

/// `{mean, sd, min, p10, median, p90, max, null_count}` of a measure across replicates;
/// null entries (e.g. a run that never tipped) are counted, not averaged.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Stats {
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub min: Option<f64>,
    pub p10: Option<f64>,
    pub median: Option<f64>,
    pub p90: Option<f64>,
    pub max: Option<f64>,
    pub null_count: usize,
}

impl Stats {
    pub fn of(values: &[Option<f64>]) -> Stats {
        let mut v: Vec<f64> = values.iter().flatten().copied().collect();
        let null_count = values.len() - v.len();
        if v.is_empty() {
            return Stats {
                mean: None,
                sd: None,
                min: None,
                p10: None,
                median: None,
                p90: None,
                max: None,
                null_count,
            };
        }
        v.sort_by(f64::total_cmp);
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let sd = if v.len() > 1 {
            (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        Stats {
            mean: Some(mean),
            sd: Some(sd),
            min: Some(v[0]),
            p10: Some(quantile(&v, 0.1)),
            median: Some(quantile(&v, 0.5)),
            p90: Some(quantile(&v, 0.9)),
            max: Some(v[v.len() - 1]),
            null_count,
        }
    }
}

/// Linear-interpolation quantile (type 7) of sorted data.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn stats_values() {
        let s = Stats::of(&[Some(1.0), None, Some(3.0), Some(2.0)]);
        assert_eq!(s.mean, Some(2.0));
        assert_eq!(s.median, Some(2.0));
        assert_eq!(s.sd, Some(1.0));
        assert_eq!(s.null_count, 1);
        assert!((s.p10.unwrap() - 1.2).abs() < 1e-12);
    }
}
