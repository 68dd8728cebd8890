//! Cascade: socialization by peer pressure (F&S 1998, stage 2). Pressure comes from three
//! scopes — the whole system, the state's region ("regional contagion") and its network
//! ties — each the share of adopters blended from two motives F&S name: *conformity*
//! (social proof: the head count of peers who adopted) and *esteem* (adoption by
//! prominent states: the share of normative weight). *Legitimation* need multiplies the
//! pressure a state feels ("states that are insecure about their international status …
//! embrace new international norms most eagerly"). The response turns pressure into a
//! hazard: Granovetter's deterministic threshold, a logistic around the threshold, or a
//! linear hazard (the Bass model's imitation term).

use crate::model::{Response, Socialization, World};

/// Share of a scope, blended from conformity (head count) and esteem (weight).
#[inline(always)]
pub fn blend(s: &Socialization, count_share: f64, weight_share: f64) -> f64 {
    s.conformity * count_share + s.esteem * weight_share
}

/// The network scope's share for state `i` (cell `x` of its norm row): adopting
/// neighbours by head count and, when esteem counts, by weight (frozen start-of-step
/// counts, maintained by the engine).
#[inline(always)]
pub fn network_share(s: &Socialization, w: &World, i: usize, x: usize) -> f64 {
    let deg = w.net.as_ref().map_or(0, |g| g.degree(i));
    let cs = share(w.nb_count[x] as f64, deg as f64);
    let ws = if w.nb_ew.is_empty() {
        0.0 // esteem is zero: the weighted share does not count
    } else {
        share(w.nb_ew[x], w.nb_ew_total[x])
    };
    blend(s, cs, ws)
}

/// Safe share: 0 when the scope is empty.
#[inline(always)]
pub fn share(part: f64, total: f64) -> f64 {
    if total > 0.0 {
        part / total
    } else {
        0.0
    }
}

/// Hazard of adoption in one step for effective pressure `p` against threshold `theta`.
#[inline(always)]
pub fn hazard(s: &Socialization, dt: f64, p: f64, theta: f64) -> f64 {
    hazard_with(s, dt, p, theta, || logistic_base(s, theta))
}

/// The logistic curve at zero pressure for threshold `theta` (the baseline `hazard`
/// subtracts; `Socialization::logistic_base`, which the world caches per state, so the
/// step loop needs one `exp` per state, not two).
#[inline(always)]
pub fn logistic_base(s: &Socialization, theta: f64) -> f64 {
    s.logistic_base(theta)
}

/// `hazard`, with the logistic baseline supplied (`logistic_base`, computed or cached).
#[inline(always)]
pub fn hazard_with(
    s: &Socialization,
    dt: f64,
    p: f64,
    theta: f64,
    base: impl FnOnce() -> f64,
) -> f64 {
    match s.response {
        Response::Threshold => {
            if p >= theta {
                1.0
            } else {
                0.0
            }
        }
        Response::Logistic => {
            // Shifted and rescaled so that no pressure means no hazard: peer pressure
            // from nobody moves nobody (a scenario with no entrepreneurs and no domestic
            // movements stays at zero adopters).
            if p <= 0.0 {
                return 0.0;
            }
            let at = |x: f64| 1.0 / (1.0 + (-s.steepness * (x - theta)).exp());
            let base = base();
            s.rate * dt * ((at(p) - base) / (1.0 - base)).max(0.0)
        }
        Response::Linear => s.rate * dt * (p - theta).max(0.0),
    }
}

/// Count thresholds (Granovetter's "join iff at least θ others have"): exact integer
/// comparison, so a chain of thresholds 0, 1, 2, … never breaks on rounding. With a
/// legitimation multiplier the count is scaled first.
#[inline(always)]
pub fn count_hazard(s: &Socialization, dt: f64, count: u64, mult: f64, theta: f64) -> f64 {
    if mult == 1.0 && s.response == Response::Threshold {
        return if count >= theta as u64 { 1.0 } else { 0.0 };
    }
    hazard(s, dt, count as f64 * mult, theta)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ThresholdUnit;
    fn soc(r: Response) -> Socialization {
        Socialization {
            scope: [1.0, 0.0, 0.0],
            response: r,
            unit: ThresholdUnit::Share,
            steepness: 10.0,
            rate: 0.4,
            legitimation: 0.0,
            conformity: 1.0,
            esteem: 0.0,
            critical_bonus: 0.0,
        }
    }
    #[test]
    fn responses() {
        let s = soc(Response::Threshold);
        assert_eq!(hazard(&s, 1.0, 0.3, 0.3), 1.0);
        assert_eq!(hazard(&s, 1.0, 0.299, 0.3), 0.0);
        let s = soc(Response::Logistic);
        let h = hazard(&s, 1.0, 0.3, 0.3);
        assert!(h > 0.19 && h < 0.2, "{h}");
        assert_eq!(hazard(&s, 1.0, 0.0, 0.3), 0.0);
        let s = soc(Response::Linear);
        assert!((hazard(&s, 0.5, 0.5, 0.0) - 0.1).abs() < 1e-12);
        assert_eq!(
            count_hazard(&soc(Response::Threshold), 1.0, 2, 1.0, 2.0),
            1.0
        );
        assert_eq!(
            count_hazard(&soc(Response::Threshold), 1.0, 1, 1.0, 2.0),
            0.0
        );
    }
}
