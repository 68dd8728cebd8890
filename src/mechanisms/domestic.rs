//! Emergence from below: states with strong domestic movements adopt on their own.
//! F&S 1998: before the tipping point "little normative change occurs without significant
//! domestic movements"; suffrage: "no country had adopted women's suffrage without strong
//! pressure from domestic suffrage organizations" before 1930. Domestic influences
//! "lessen significantly once a norm has become institutionalized in the international
//! system" (F&S 1998, 902): with `[domestic] institutional_damping` the hazard falls with
//! the norm's institutionalization.

/// Hazard per step of adoption by domestic pressure: `rate` (per year) × movement × Δt.
#[inline(always)]
pub fn hazard(rate_dt: f64, movement: f32) -> f64 {
    rate_dt * movement as f64
}

/// Logistic growth of a domestic movement over one step (`growth_dt` = growth × Δt).
#[inline(always)]
pub fn grow(movement: f32, growth_dt: f64) -> f32 {
    let m = movement as f64;
    (m + growth_dt * m * (1.0 - m)).clamp(0.0, 1.0) as f32
}

/// How institutionalized a norm is at the start of a step, in [0, 1]: 1 while a treaty
/// backing it is in force (institutionalized in international rules), otherwise the share
/// of present states that have adopted it (its law in many states: the same prevalence
/// that drives `internalization.law`).
#[inline]
pub fn institutionalization(prevalence: f64, treaty_in_force: bool) -> f64 {
    if treaty_in_force {
        1.0
    } else {
        prevalence.clamp(0.0, 1.0)
    }
}

/// Domestic hazard rate per step for a movement of strength 1: `rate` × Δt ×
/// (1 − `damping` × institutionalization). With no damping it is exactly `rate` × Δt.
#[inline]
pub fn rate_dt(rate: f64, dt: f64, damping: f64, institutionalization: f64) -> f64 {
    if damping > 0.0 {
        rate * dt * (1.0 - damping * institutionalization).max(0.0)
    } else {
        rate * dt
    }
}
