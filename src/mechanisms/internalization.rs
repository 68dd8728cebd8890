//! Internalization (F&S stage 3): after adoption a norm becomes taken for granted through
//! habit (time), law and institutions (the more states have adopted, the more it is "the
//! prevailing standard"), and compliance follows internalization — formal adoption and
//! practice are distinct (Narminio: 178 parties to the Palermo Protocol, 1 in 10,000
//! trafficked children sees a trial). Backsliding: an adopter with low internalization
//! under counter-pressure may revoke its commitment.

use super::adoption::NormStep;
use super::clusters;
use crate::model::World;

/// Internalization after one step for an adopter; `growth_dt` is the per-step growth rate.
#[inline(always)]
pub fn grow(i: f32, growth_dt: f64) -> f32 {
    let x = i as f64;
    (x + growth_dt.min(1.0) * (1.0 - x)) as f32
}

/// Compliance moves toward its target at `speed_dt` per step.
#[inline(always)]
pub fn follow(c: f32, target: f64, speed_dt: f64) -> f32 {
    let x = c as f64;
    (x + speed_dt.min(1.0) * (target - x)).clamp(0.0, 1.0) as f32
}

/// Decay of a quantity in a state that has not (or no longer) adopted.
#[inline(always)]
pub fn decay(x: f32, decay_dt: f64) -> f32 {
    (x as f64 * (1.0 - decay_dt.min(1.0))) as f32
}

/// Hazard per step of backsliding: only below `max_i` internalization, growing with the
/// counter-pressure (share of peers who have not adopted).
#[inline(always)]
pub fn backslide_hazard(rate_dt: f64, internalization: f32, max_i: f64, counter: f64) -> f64 {
    let i = internalization as f64;
    if i >= max_i || max_i <= 0.0 {
        return 0.0;
    }
    rate_dt * counter.clamp(0.0, 1.0) * (1.0 - i / max_i)
}

/// An adopter's step: internalization grows (faster for a party to a treaty in force)
/// and erodes under an active collision over the norm; compliance follows it toward its
/// target (internalization less the cluster's fuzziness — narrowed by enforcement through
/// adjacent norms the state has adopted — plus monitoring as far as the state accepts
/// it); a published monitoring report makes non-compliance visible and lifts compliance
/// (reputation). Returns the new internalization.
#[inline(always)]
pub fn adopter_step(ns: &NormStep, w: &mut World, i: usize, x: usize) -> f32 {
    let party = !w.ratified.is_empty() && w.ratified[x];
    let g = if party {
        ns.intern_dt + ns.inst_dt
    } else {
        ns.intern_dt
    };
    let mut ii = grow(w.internalization[x], g);
    if ns.erosion > 0.0 {
        ii = (ii as f64 * (1.0 - ns.erosion)) as f32;
    }
    w.internalization[x] = ii;
    let fuzz = if ns.adjacent > 0.0 && ns.fuzz > 0.0 {
        ns.fuzz * (1.0 - ns.adjacent * clusters::adopted_share(w, ns.neighbours, i, ns.t))
    } else {
        ns.fuzz
    };
    let target = (ii as f64 * (1.0 - fuzz) + ns.monitor_gain * w.acceptance[i] as f64).min(1.0);
    let mut c = follow(w.compliance[x], target, ns.speed_dt);
    if ns.report_gain > 0.0 {
        c = reported(c, ns.report_gain * w.acceptance[i] as f64);
    }
    w.compliance[x] = c;
    ii
}

/// Compliance after a published report made the shortfall visible: `gain` (reporting ×
/// strength × acceptance) of the gap to full compliance is closed.
#[inline(always)]
pub fn reported(c: f32, gain: f64) -> f32 {
    let x = c as f64;
    (x + gain.clamp(0.0, 1.0) * (1.0 - x)).clamp(0.0, 1.0) as f32
}

/// Backsliding: whether an adopter with internalization `ii` under peer pressure `pm`
/// (scope pressure × legitimation multiplier) revokes its commitment, given its keyed
/// draw. The counter-pressure is the share of peers who have not adopted. Under a
/// monitoring body that publishes reports, backsliding is visible and costlier: the
/// hazard × (1 − `back_guard` × the state's `acceptance` of the monitoring).
#[inline(always)]
pub fn backslides(
    ns: &NormStep,
    ii: f32,
    pm: f64,
    acceptance: impl FnOnce() -> f32,
    draw: impl FnOnce() -> f64,
) -> bool {
    if !(ns.back_dt > 0.0) {
        return false;
    }
    let counter = 1.0 - pm.min(1.0);
    let mut h = backslide_hazard(ns.back_dt, ii, ns.back_max, counter);
    if ns.back_guard > 0.0 {
        h *= (1.0 - ns.back_guard * acceptance() as f64).max(0.0);
    }
    h > 0.0 && draw() < h
}

/// A non-adopter's internalization and compliance decay (a state that never adopted, or
/// backslid).
#[inline(always)]
pub fn non_adopter_decay(ns: &NormStep, w: &mut World, x: usize) {
    if ns.decay_dt > 0.0 {
        w.internalization[x] = decay(w.internalization[x], ns.decay_dt);
        w.compliance[x] = decay(w.compliance[x], ns.decay_dt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn growth_saturates_and_backslide_stops() {
        let mut i = 0.0f32;
        for _ in 0..100 {
            i = grow(i, 0.1);
        }
        assert!(i > 0.99 && i <= 1.0);
        assert_eq!(backslide_hazard(0.5, 0.6, 0.5, 1.0), 0.0);
        assert!((backslide_hazard(0.5, 0.0, 0.5, 1.0) - 0.5).abs() < 1e-12);
    }
}
