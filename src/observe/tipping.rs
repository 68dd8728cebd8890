//! The three tipping measures of MODEL.md §3.4, computed from the observed series:
//!
//! (a) **tipping step**: the first step at which the weighted adoption share reaches the
//!     scenario's tipping share from below (default 1/3; F&S: tipping "rarely occurs before
//!     one-third of the total states"). A norm that starts above it has no tipping step.
//! (b) **regime change**: the onset of the socialization regime — the first step t with a
//!     socialization-caused adoption from which, over windows of `regime_window` steps,
//!     socialization-caused adoptions outnumber domestic plus persuasion ones (at least
//!     `regime_min` of them), in every window starting within the next `regime_window`
//!     steps — F&S: after the tipping point "international and transnational influences
//!     become far more important than domestic pressures". Requiring the dominance to
//!     persist keeps a lone early socialization adoption from counting.
//! (c) **fastest adoption**: the step of the largest central difference
//!     (A(t+1) − A(t−1))/2 of the adopter count (a forward difference belongs to t − ½),
//!     refined by the vertex of the parabola through its two neighbours.

/// (a): first t ≥ 1 with share[t] ≥ level > share[t − 1].
pub fn first_crossing(share: &[f64], level: f64) -> Option<usize> {
    if share.first().is_some_and(|&s| s >= level) {
        return None;
    }
    (1..share.len()).find(|&t| share[t] >= level)
}

/// (b): the regime-change step from per-step counts of socialization and other adoptions.
///
/// The change is dated at its onset: the first step t with a socialization-caused
/// adoption such that, over the window t … t + w − 1, socialization adoptions outnumber
/// domestic + persuasion ones and number at least `min`, and this holds for every window
/// starting in t … t + w − 1 (clipped at the end of the run). So the ramp-up of a cascade
/// belongs to the new regime, and a lone early socialization adoption does not count.
pub fn regime_change(soc: &[u64], other: &[u64], window: usize, min: u64) -> Option<usize> {
    let len = soc.len();
    if len == 0 || window == 0 {
        return None;
    }
    // Forward-window sums over t .. t + window (clipped).
    let mut ps = vec![0u64; len + 1];
    let mut po = vec![0u64; len + 1];
    for t in 0..len {
        ps[t + 1] = ps[t] + soc[t];
        po[t + 1] = po[t] + other[t];
    }
    let fwd = |t: usize| {
        let e = (t + window).min(len);
        (ps[e] - ps[t], po[e] - po[t])
    };
    let dominates = |t: usize| {
        let (s, o) = fwd(t);
        s > o
    };
    (1..len).find(|&t| soc[t] > 0 && fwd(t).0 >= min && (t..(t + window).min(len)).all(dominates))
}

/// (c): (integer step, refined step) of fastest growth of `count`, if it grows at all.
pub fn fastest(count: &[f64]) -> Option<(usize, f64)> {
    let len = count.len();
    if len < 3 {
        return None;
    }
    let rate = |t: usize| (count[t + 1] - count[t - 1]) / 2.0;
    let mut best = 1;
    for t in 2..len - 1 {
        if rate(t) > rate(best) {
            best = t;
        }
    }
    if rate(best) <= 0.0 {
        return None;
    }
    let mut refined = best as f64;
    if best >= 2 && best + 2 < len {
        let (a, b, c) = (rate(best - 1), rate(best), rate(best + 1));
        let denom = a - 2.0 * b + c;
        if denom < 0.0 {
            refined += ((a - c) / (2.0 * denom)).clamp(-0.5, 0.5);
        }
    }
    Some((best, refined))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn crossing() {
        assert_eq!(first_crossing(&[0.0, 0.2, 0.34, 0.5], 1.0 / 3.0), Some(2));
        assert_eq!(first_crossing(&[0.5, 0.6], 1.0 / 3.0), None);
    }
    #[test]
    fn regime() {
        let soc = [0, 1, 0, 0, 0, 2, 3, 4, 5, 5, 4];
        let oth = [0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0];
        // The lone socialization adoption at step 1 does not count; the ramp-up from
        // step 5 belongs to the new regime.
        assert_eq!(regime_change(&soc, &oth, 3, 3), Some(5));
    }
    #[test]
    fn fastest_logistic() {
        // Logistic curve with inflection at 6.3.
        let c: Vec<f64> = (0..20)
            .map(|t| 100.0 / (1.0 + (-(t as f64 - 6.3)).exp()))
            .collect();
        let (s, r) = fastest(&c).unwrap();
        assert_eq!(s, 6);
        assert!((r - 6.3).abs() < 0.05, "{r}");
    }
}
