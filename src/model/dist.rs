//! Distributions of state attributes in a generated population: the plain type and how
//! it is sampled (`scenario::distribution` parses it from a scenario file and checks it).

use rand::Rng;
use rand_distr::{Beta, Distribution, LogNormal, Normal};

#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    Const(f64),
    Uniform {
        min: f64,
        max: f64,
        quantiles: bool,
    },
    /// Normal, clamped (censored) to [min, max]: mass below `min` sits at `min`, so the
    /// CDF above `min` is the untruncated one (Granovetter's analytic fixed point holds).
    Normal {
        mean: f64,
        sd: f64,
        min: f64,
        max: f64,
        quantiles: bool,
    },
    LogNormal {
        mu: f64,
        sigma: f64,
        quantiles: bool,
    },
    Beta {
        a: f64,
        b: f64,
    },
    /// The values in order, one per generated state.
    List(Vec<f64>),
    /// State j (from 0) gets `from + step·j`.
    Sequence {
        from: f64,
        step: f64,
    },
}

impl Dist {
    /// Smallest and largest value the distribution can produce. A sequence's range
    /// depends on the number of states: see `range_n`; here it is unbounded on the side
    /// it grows to.
    pub fn range(&self) -> (f64, f64) {
        match *self {
            Dist::Const(x) => (x, x),
            Dist::Uniform { min, max, .. } => (min, max),
            Dist::Normal { min, max, .. } => (min, max),
            Dist::LogNormal { .. } => (0.0, f64::INFINITY),
            Dist::Beta { .. } => (0.0, 1.0),
            Dist::List(ref xs) => (
                xs.iter().copied().fold(f64::INFINITY, f64::min),
                xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            ),
            Dist::Sequence { from, step } => {
                if step > 0.0 {
                    (from, f64::INFINITY)
                } else if step < 0.0 {
                    (f64::NEG_INFINITY, from)
                } else {
                    (from, from)
                }
            }
        }
    }

    /// As `range`, for exactly `n` values.
    pub fn range_n(&self, n: usize) -> (f64, f64) {
        match *self {
            Dist::Sequence { from, step } => {
                let last = from + step * n.saturating_sub(1) as f64;
                (from.min(last), from.max(last))
            }
            _ => self.range(),
        }
    }

    /// Whether every value the distribution gives `n` states is a whole number (count
    /// thresholds).
    pub fn whole_numbers(&self, n: usize) -> bool {
        let whole = |x: f64| x.is_finite() && x.fract() == 0.0;
        match *self {
            Dist::Const(x) => whole(x),
            Dist::List(ref xs) => xs.iter().all(|&x| whole(x)),
            Dist::Sequence { from, step } => whole(from) && (n <= 1 || whole(step)),
            _ => false,
        }
    }

    /// `n` values: deterministic quantiles when asked for, otherwise random draws.
    pub fn sample_n<R: Rng>(&self, n: usize, rng: &mut R, out: &mut Vec<f64>) {
        out.clear();
        if let Dist::Const(x) = *self {
            out.resize(n, x); // no draws, as in the loop below
            return;
        }
        for i in 0..n {
            let q = (i as f64 + 0.5) / n as f64;
            let x = match *self {
                Dist::Const(x) => x,
                Dist::Uniform {
                    min,
                    max,
                    quantiles,
                } => {
                    let u = if quantiles { q } else { rng.gen::<f64>() };
                    min + (max - min) * u
                }
                Dist::Normal {
                    mean,
                    sd,
                    min,
                    max,
                    quantiles,
                } => {
                    let z = if quantiles {
                        mean + sd * inverse_normal_cdf(q)
                    } else if sd > 0.0 {
                        Normal::new(mean, sd).map_or(mean, |d| d.sample(rng))
                    } else {
                        mean
                    };
                    z.clamp(min, max)
                }
                Dist::LogNormal {
                    mu,
                    sigma,
                    quantiles,
                } => {
                    if quantiles {
                        (mu + sigma * inverse_normal_cdf(q)).exp()
                    } else {
                        LogNormal::new(mu, sigma).map_or(mu.exp(), |d| d.sample(rng))
                    }
                }
                Dist::Beta { a, b } => Beta::new(a, b).map_or(0.5, |d| d.sample(rng)),
                // Validated to hold one value per state; a shorter list (from code that
                // skipped validation) repeats cyclically rather than panicking.
                Dist::List(ref xs) => xs[i % xs.len()],
                Dist::Sequence { from, step } => from + step * i as f64,
            };
            out.push(x);
        }
    }
}

/// Φ⁻¹(p), Acklam's rational approximation refined by one Halley step (|error| < 1e-12).
pub fn inverse_normal_cdf(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let plow = 0.02425;
    let x = if p < plow {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - plow {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    // One Halley step on Φ(x) − p.
    let e = normal_cdf(x) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (x * x / 2.0).exp();
    x - u / (1.0 + x * u / 2.0)
}

/// Φ(x), via erfc (W. J. Cody's rational approximations as in libm's erfc, |error| < 1e-15).
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// Complementary error function (Numerical Recipes' erfc Chebyshev fit, relative error < 1.2e-7,
/// then refined): adequate for thresholds and quantiles.
fn erfc(x: f64) -> f64 {
    // High-precision erfc via continued fraction / series (Abramowitz–Stegun 7.1.26 is too coarse).
    let z = x.abs();
    let r = if z < 2.0 {
        // series for erf
        let mut sum = z;
        let mut term = z;
        let z2 = z * z;
        let mut n = 0.0;
        loop {
            n += 1.0;
            term *= -z2 / n;
            let add = term / (2.0 * n + 1.0);
            sum += add;
            if add.abs() < 1e-17 * sum.abs() {
                break;
            }
            if n > 200.0 {
                break;
            }
        }
        1.0 - 2.0 / std::f64::consts::PI.sqrt() * sum
    } else {
        // Lentz continued fraction for erfc
        let z2 = z * z;
        let mut f;
        let tiny = 1e-300;
        // erfc(z) = exp(-z^2)/sqrt(pi) * 1/(z + 1/2/(z + 1/(z + 3/2/(z + ...))))
        let mut b = z;
        f = b;
        let mut c = b;
        let mut d = 0.0;
        for i in 1..300 {
            let a = i as f64 / 2.0;
            b = z;
            d = b + a * d;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + a / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let delta = c * d;
            f *= delta;
            if (delta - 1.0).abs() < 1e-16 {
                break;
            }
        }
        (-z2).exp() / std::f64::consts::PI.sqrt() / f
    };
    if x < 0.0 {
        2.0 - r
    } else {
        r
    }
}
