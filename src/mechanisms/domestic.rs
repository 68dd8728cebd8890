//! Emergence from below: states with strong domestic movements adopt on their own.
//! F&S 1998: before the tipping point "little normative change occurs without significant
//! domestic movements"; suffrage: "no country had adopted women's suffrage without strong
//! pressure from domestic suffrage organizations" before 1930.

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
