//! Internalization (F&S stage 3): after adoption a norm becomes taken for granted through
//! habit (time), law and institutions (the more states have adopted, the more it is "the
//! prevailing standard"), and compliance follows internalization — formal adoption and
//! practice are distinct (Narminio: 178 parties to the Palermo Protocol, 1 in 10,000
//! trafficked children sees a trial). Backsliding: an adopter with low internalization
//! under counter-pressure may revoke its commitment.

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
