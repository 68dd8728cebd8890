//! The three tipping measures of MODEL.md §3.4, computed from the observed series:
//!
//! (a) **tipping step**: the first step at which the weighted adoption share reaches the
//!     scenario's tipping share from below (default 1/3; F&S: tipping "rarely occurs before
//!     one-third of the total states"). A norm that starts above it has no tipping step.
//! (b) **regime change**: the first step t such that, over the trailing window of
//!     `regime_window` steps ending at t, socialization-caused adoptions outnumber domestic
//!     plus persuasion ones and number at least `regime_min`, and the same holds at every
//!     step of the following window (t … t + window − 1, clipped at the end) — F&S: after
//!     the tipping point "international and transnational influences become far more
//!     important than domestic pressures". The second window keeps a lone early
//!     socialization adoption from counting as a change of regime.
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
pub fn regime_change(soc: &[u64], other: &[u64], window: usize, min: u64) -> Option<usize> {
    let len = soc.len();
    if len == 0 || window == 0 {
        return None;
    }
    // Trailing-window sums.
    let mut ws = vec![0u64; len];
    let mut wo = vec![0u64; len];
    let (mut s, mut o) = (0u64, 0u64);
    for t in 0..len {
        s += soc[t];
        o += other[t];
        if t >= window {
            s -= soc[t - window];
            o -= other[t - window];
        }
        ws[t] = s;
        wo[t] = o;
    }
    let holds = |t: usize| ws[t] > wo[t] && ws[t] >= min;
    (1..len).find(|&t| holds(t) && (t..(t + window).min(len)).all(holds))
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
        // The lone socialization adoption at step 1 does not count.
        assert_eq!(regime_change(&soc, &oth, 3, 3), Some(6));
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
