//! Designs and estimators, on the unit cube [0, 1]^d.
//!
//! * Sobol (Saltelli 2010): an Owen-scrambled Sobol sequence (`sobol_burley`) of
//!   dimension 2d gives the matrices A (first d coordinates) and B (last d); design
//!   point block j is A_j, B_j, then AB_j^(i) (A_j with coordinate i from B_j) for each
//!   i. Jansen's estimators: with V the variance of f over A and B,
//!   ST_i = Σ_j (f(A_j) − f(AB_j^(i)))² / (2N V) and
//!   S1_i = 1 − Σ_j (f(B_j) − f(AB_j^(i)))² / (2N V).
//! * Morris (1991) elementary effects: r trajectories on a grid of p levels, step
//!   Δ = p / (2(p − 1)); each trajectory moves one coordinate at a time (random order,
//!   up or down as the grid allows). EE = Δf / Δx in unit coordinates; μ* = mean |EE|,
//!   σ = sd of EE.
//!
//! Confidence: 95% bootstrap half-widths (1.96 × sd over resamples of the N blocks or r
//! trajectories), as SALib reports them.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The unit-cube points of a Sobol/Saltelli design: N blocks of d + 2 points.
pub fn saltelli(n: usize, d: usize, seed: u64) -> Vec<Vec<f64>> {
    let s32 = (seed ^ (seed >> 32)) as u32;
    let mut pts = Vec::with_capacity(n * (d + 2));
    for j in 0..n {
        let row: Vec<f64> = (0..2 * d)
            .map(|k| sobol_burley::sample(j as u32, k as u32, s32) as f64)
            .collect();
        let a = row[..d].to_vec();
        let b = row[d..].to_vec();
        pts.push(a.clone());
        pts.push(b.clone());
        for i in 0..d {
            let mut ab = a.clone();
            ab[i] = b[i];
            pts.push(ab);
        }
    }
    pts
}

/// (S1, ST) of each parameter from the outputs of a Saltelli design, over the blocks
/// `idx` (all blocks, or a bootstrap resample).
pub fn jansen(y: &[f64], d: usize, idx: &[usize]) -> Vec<(f64, f64)> {
    let k = d + 2;
    let n = idx.len() as f64;
    let mut mean = 0.0;
    for &j in idx {
        mean += y[j * k] + y[j * k + 1];
    }
    mean /= 2.0 * n;
    let mut var = 0.0;
    for &j in idx {
        var += (y[j * k] - mean).powi(2) + (y[j * k + 1] - mean).powi(2);
    }
    var /= 2.0 * n - 1.0;
    (0..d)
        .map(|i| {
            let (mut st, mut s1) = (0.0, 0.0);
            for &j in idx {
                let (fa, fb, fab) = (y[j * k], y[j * k + 1], y[j * k + 2 + i]);
                st += (fa - fab).powi(2);
                s1 += (fb - fab).powi(2);
            }
            let s1 = 1.0 - s1 / (2.0 * n * var);
            let st = st / (2.0 * n * var);
            if var > 0.0 {
                (s1, st)
            } else {
                (f64::NAN, f64::NAN)
            }
        })
        .collect()
}

/// Morris trajectories: r blocks of d + 1 unit-cube points; also returns, per block,
/// the coordinate changed at each step.
pub fn morris(r: usize, d: usize, levels: usize, seed: u64) -> (Vec<Vec<f64>>, Vec<Vec<usize>>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let p = levels as f64;
    let delta = p / (2.0 * (p - 1.0));
    let mut pts = Vec::with_capacity(r * (d + 1));
    let mut orders = Vec::with_capacity(r);
    for _ in 0..r {
        let mut x: Vec<f64> = (0..d)
            .map(|_| rng.gen_range(0..levels) as f64 / (p - 1.0))
            .collect();
        let mut order: Vec<usize> = (0..d).collect();
        order.shuffle(&mut rng);
        pts.push(x.clone());
        for &i in &order {
            x[i] = if x[i] + delta <= 1.0 + 1e-12 {
                x[i] + delta
            } else {
                x[i] - delta
            };
            pts.push(x.clone());
        }
        orders.push(order);
    }
    (pts, orders)
}

/// Elementary effects per parameter: `ee[i]` has one value per trajectory.
pub fn effects(pts: &[Vec<f64>], orders: &[Vec<usize>], y: &[f64], d: usize) -> Vec<Vec<f64>> {
    let mut ee = vec![Vec::with_capacity(orders.len()); d];
    for (t, order) in orders.iter().enumerate() {
        let base = t * (d + 1);
        for (s, &i) in order.iter().enumerate() {
            let (a, b) = (base + s, base + s + 1);
            ee[i].push((y[b] - y[a]) / (pts[b][i] - pts[a][i]));
        }
    }
    ee
}

/// (μ*, σ) of elementary effects over the trajectories `idx`.
pub fn mu_star_sigma(ee: &[f64], idx: &[usize]) -> (f64, f64) {
    let n = idx.len() as f64;
    let mu_star = idx.iter().map(|&t| ee[t].abs()).sum::<f64>() / n;
    let mu = idx.iter().map(|&t| ee[t]).sum::<f64>() / n;
    let var = idx.iter().map(|&t| (ee[t] - mu).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    (mu_star, var.sqrt())
}

/// Bootstrap resamples of n blocks (deterministic from the seed).
pub fn resamples(n: usize, count: usize, seed: u64) -> Vec<Vec<usize>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..count)
        .map(|_| (0..n).map(|_| rng.gen_range(0..n)).collect())
        .collect()
}

/// 1.96 × the standard deviation of the finite values.
pub fn half_width(v: &[f64]) -> f64 {
    let f: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if f.len() < 2 {
        return f64::NAN;
    }
    let m = f.iter().sum::<f64>() / f.len() as f64;
    let var = f.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (f.len() - 1) as f64;
    1.96 * var.sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    /// Ishigami-like check on an additive function y = x0 + 2 x1 (x2 is a dummy):
    /// S1 = ST = (1/5, 4/5, 0).
    #[test]
    fn additive_function() {
        let n = 4096;
        let pts = saltelli(n, 3, 7);
        let y: Vec<f64> = pts.iter().map(|x| x[0] + 2.0 * x[1]).collect();
        let all: Vec<usize> = (0..n).collect();
        let s = jansen(&y, 3, &all);
        for (i, want) in [0.2, 0.8, 0.0].iter().enumerate() {
            assert!(
                (s[i].0 - want).abs() < 0.02,
                "S1[{i}] = {} want {want}",
                s[i].0
            );
            assert!(
                (s[i].1 - want).abs() < 0.02,
                "ST[{i}] = {} want {want}",
                s[i].1
            );
        }
        let (pts, orders) = morris(20, 3, 4, 1);
        let y: Vec<f64> = pts.iter().map(|x| x[0] + 2.0 * x[1]).collect();
        let ee = effects(&pts, &orders, &y, 3);
        let idx: Vec<usize> = (0..20).collect();
        let (m0, s0) = mu_star_sigma(&ee[0], &idx);
        let (m1, _) = mu_star_sigma(&ee[1], &idx);
        let (m2, _) = mu_star_sigma(&ee[2], &idx);
        assert!((m0 - 1.0).abs() < 1e-9 && s0 < 1e-9 && (m1 - 2.0).abs() < 1e-9 && m2 == 0.0);
    }
}
