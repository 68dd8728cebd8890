//! Priors of calibrated parameters. ABC-SMC works in an internal coordinate `z` per
//! parameter: the value itself for uniform and normal priors, its logarithm for a
//! log-uniform prior (so that perturbations are relative). Densities are over `z`.

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "dist", rename_all = "kebab-case")]
pub enum Prior {
    Uniform {
        min: f64,
        max: f64,
    },
    LogUniform {
        min: f64,
        max: f64,
    },
    /// A normal prior, optionally truncated to [min, max] (e.g. a rate that must be ≥ 0).
    Normal {
        mean: f64,
        sd: f64,
        #[serde(skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
}

impl Prior {
    /// The value of an internal coordinate.
    pub fn value(&self, z: f64) -> f64 {
        match self {
            Prior::LogUniform { .. } => z.exp(),
            _ => z,
        }
    }

    /// The internal coordinate of a value.
    pub fn coord(&self, x: f64) -> f64 {
        match self {
            Prior::LogUniform { .. } => x.ln(),
            _ => x,
        }
    }

    /// True if the value is inside the prior's support.
    pub fn contains(&self, x: f64) -> bool {
        match *self {
            Prior::Uniform { min, max } | Prior::LogUniform { min, max } => x >= min && x <= max,
            Prior::Normal { min, max, .. } => {
                x.is_finite() && min.is_none_or(|a| x >= a) && max.is_none_or(|b| x <= b)
            }
        }
    }

    /// Density over the internal coordinate, up to a constant (0 outside the support).
    pub fn density(&self, z: f64) -> f64 {
        let x = self.value(z);
        if !self.contains(x) {
            return 0.0;
        }
        match *self {
            Prior::Uniform { .. } | Prior::LogUniform { .. } => 1.0,
            Prior::Normal { mean, sd, .. } => (-0.5 * ((x - mean) / sd).powi(2)).exp(),
        }
    }

    /// A draw of the internal coordinate.
    pub fn sample<R: Rng>(&self, rng: &mut R) -> f64 {
        match *self {
            Prior::Uniform { min, max } => min + (max - min) * rng.gen::<f64>(),
            Prior::LogUniform { min, max } => {
                let (a, b) = (min.ln(), max.ln());
                a + (b - a) * rng.gen::<f64>()
            }
            Prior::Normal { mean, sd, .. } => {
                // Truncation by rejection; validation makes the support hold ≥ 1e-3 of
                // the mass, and a clamp ends the (then astronomically unlikely) tail.
                for _ in 0..100_000 {
                    let n: f64 = StandardNormal.sample(rng);
                    let x = mean + sd * n;
                    if self.contains(x) {
                        return x;
                    }
                }
                self.clamp(mean)
            }
        }
    }

    fn clamp(&self, x: f64) -> f64 {
        match *self {
            Prior::Uniform { min, max } | Prior::LogUniform { min, max } => x.clamp(min, max),
            Prior::Normal { min, max, .. } => x
                .max(min.unwrap_or(f64::NEG_INFINITY))
                .min(max.unwrap_or(f64::INFINITY)),
        }
    }

    /// The central 90% of the prior (its 5% and 95% quantiles), for comparing widths.
    pub fn q05_q95(&self) -> (f64, f64) {
        match *self {
            Prior::Uniform { min, max } => (min + 0.05 * (max - min), min + 0.95 * (max - min)),
            Prior::LogUniform { min, max } => {
                let (a, b) = (min.ln(), max.ln());
                ((a + 0.05 * (b - a)).exp(), (a + 0.95 * (b - a)).exp())
            }
            Prior::Normal { mean, sd, .. } => (
                self.clamp(mean - 1.644_854 * sd),
                self.clamp(mean + 1.644_854 * sd),
            ),
        }
    }

    /// Values to check against the scenario before any simulation (the ends of the
    /// support, or mean ± 3 sd clamped to it).
    pub fn probes(&self) -> [f64; 2] {
        match *self {
            Prior::Uniform { min, max } | Prior::LogUniform { min, max } => [min, max],
            Prior::Normal { mean, sd, .. } => {
                [self.clamp(mean - 3.0 * sd), self.clamp(mean + 3.0 * sd)]
            }
        }
    }

    /// The range shown on plots.
    pub fn plot_range(&self) -> (f64, f64) {
        let [a, b] = self.probes();
        (a, b)
    }
}

/// A prior as written: `{ dist = "uniform", min, max }`, `{ dist = "log-uniform", min,
/// max }` or `{ dist = "normal", mean, sd [, min] [, max] }`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorSpec {
    pub dist: String,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
}

pub const DISTS: &[&str] = &["uniform", "log-uniform", "normal"];

impl PriorSpec {
    /// The prior, or every problem with it as (key, message).
    pub fn resolve(&self) -> Result<Prior, Vec<(&'static str, String)>> {
        let mut p: Vec<(&'static str, String)> = Vec::new();
        let need = |p: &mut Vec<(&'static str, String)>, k: &'static str, v: Option<f64>| match v {
            Some(x) if x.is_finite() => x,
            Some(x) => {
                p.push((k, format!("`{k}` must be a finite number, got {x}")));
                0.0
            }
            None => {
                p.push((k, format!("a {} prior needs `{k}`", self.dist)));
                0.0
            }
        };
        let forbid = |p: &mut Vec<(&'static str, String)>, k: &'static str, v: Option<f64>| {
            if v.is_some() {
                p.push((k, format!("a {} prior has no `{k}`", self.dist)));
            }
        };
        let prior = match self.dist.as_str() {
            "uniform" | "log-uniform" => {
                let min = need(&mut p, "min", self.min);
                let max = need(&mut p, "max", self.max);
                forbid(&mut p, "mean", self.mean);
                forbid(&mut p, "sd", self.sd);
                if p.is_empty() && min >= max {
                    p.push((
                        "min",
                        format!("`min` ({min}) must be less than `max` ({max})"),
                    ));
                }
                if self.dist == "log-uniform" {
                    if p.is_empty() && min <= 0.0 {
                        p.push((
                            "min",
                            format!("a log-uniform prior needs `min` > 0, got {min}"),
                        ));
                    }
                    Prior::LogUniform { min, max }
                } else {
                    Prior::Uniform { min, max }
                }
            }
            "normal" => {
                let mean = need(&mut p, "mean", self.mean);
                let sd = need(&mut p, "sd", self.sd);
                if p.is_empty() && sd <= 0.0 {
                    p.push(("sd", format!("`sd` must be > 0, got {sd}")));
                }
                if let (Some(a), Some(b)) = (self.min, self.max) {
                    if a >= b {
                        p.push(("min", format!("`min` ({a}) must be less than `max` ({b})")));
                    }
                }
                let pr = Prior::Normal {
                    mean,
                    sd,
                    min: self.min,
                    max: self.max,
                };
                if p.is_empty() && truncated_mass(mean, sd, self.min, self.max) < 1e-3 {
                    p.push((
                        "mean",
                        "the truncation [min, max] leaves almost none of the normal's mass (< 0.1%)"
                            .into(),
                    ));
                }
                pr
            }
            other => {
                p.push((
                    "dist",
                    format!(
                        "unknown prior `{other}`{}; allowed: {}",
                        crate::error::did_you_mean(other, DISTS),
                        DISTS.join(", ")
                    ),
                ));
                Prior::Uniform { min: 0.0, max: 1.0 }
            }
        };
        if p.is_empty() {
            Ok(prior)
        } else {
            Err(p)
        }
    }
}

/// Normal CDF by the complementary error function (Abramowitz–Stegun 7.1.26, |ε| < 1.5e-7).
fn phi(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs() / std::f64::consts::SQRT_2);
    let y = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erfc = y * (-(x * x) / 2.0).exp();
    if x >= 0.0 {
        1.0 - 0.5 * erfc
    } else {
        0.5 * erfc
    }
}

fn truncated_mass(mean: f64, sd: f64, min: Option<f64>, max: Option<f64>) -> f64 {
    let hi = max.map_or(1.0, |b| phi((b - mean) / sd));
    let lo = min.map_or(0.0, |a| phi((a - mean) / sd));
    hi - lo
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn priors() {
        let s = |d: &str, min, max| PriorSpec {
            dist: d.into(),
            min,
            max,
            mean: None,
            sd: None,
        };
        assert!(s("uniform", Some(1.0), Some(1.0)).resolve().is_err());
        assert!(s("log-uniform", Some(0.0), Some(1.0)).resolve().is_err());
        assert!(
            s("uniformm", Some(0.0), Some(1.0)).resolve().unwrap_err()[0]
                .1
                .contains("did you mean `uniform`")
        );
        let lu = s("log-uniform", Some(0.01), Some(1.0)).resolve().unwrap();
        let (a, b) = lu.q05_q95();
        assert!((a - 0.01f64 * 100f64.powf(0.05)).abs() < 1e-12 && b < 1.0);
        assert!((phi(1.644_854) - 0.95).abs() < 1e-6);
    }
}
