//! ABC-SMC (Beaumont et al. 2009, with the adaptive tolerances of Del Moral et al. 2012
//! in their common quantile form).
//!
//! * Generation 0 draws `particles` parameter vectors from the prior and simulates each
//!   once (tolerance ∞: all are kept).
//! * Generation t ≥ 1 sets its tolerance ε_t to the `quantile` (weighted) of the
//!   distances of generation t − 1. Each particle slot then proposes: an ancestor drawn
//!   by weight, moved by a Gaussian kernel with twice the weighted covariance of
//!   generation t − 1 (in the internal coordinates of the priors: log for log-uniform),
//!   redrawn until inside the prior's support, simulated; the first proposal with
//!   distance ≤ ε_t is the slot's particle. Its weight is π(θ) / Σ_j w_j K(θ | θ_j).
//! * The fit ends after `generations`, or after a generation whose acceptance rate fell
//!   below `min_acceptance`; a generation in which some slot made `max_attempts`
//!   proposals without acceptance is abandoned and the fit ends with the one before.
//!
//! Reproducibility: slot i of generation t draws from a ChaCha8 stream seeded by
//! (seed, t, i), and its k-th simulation uses the seed (seed, t, i, k); slots run in
//! parallel and are collected in slot order, and every sum runs in slot order: the
//! result is bit-for-bit the same at any thread count.

use super::prior::Prior;
use super::setup::seed_of;
use super::spec::Fit;
use crate::error::Result;
use crate::observe::RunResult;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// One accepted particle.
#[derive(Debug, Clone, PartialEq)]
pub struct Particle {
    /// Internal coordinates (see `prior`).
    pub z: Vec<f64>,
    /// Parameter values.
    pub x: Vec<f64>,
    /// Normalized weight.
    pub weight: f64,
    pub distance: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Generation {
    pub index: usize,
    /// ∞ for generation 0.
    pub tolerance: f64,
    pub particles: Vec<Particle>,
    /// Simulations (runs of the engine) this generation used.
    pub simulations: u64,
    /// Proposals simulated (= simulations / replicates).
    pub proposals: u64,
}

impl Generation {
    pub fn acceptance(&self) -> f64 {
        self.particles.len() as f64 / self.proposals.max(1) as f64
    }
}

/// Why the fit ended.
#[derive(Debug, Clone, PartialEq)]
pub enum End {
    Generations,
    LowAcceptance(f64),
    Abandoned(usize),
}

/// Runs of one particle (`replicates` runs of the model at `x`) and their distance:
/// the mean absolute difference between the simulated (median) and observed cumulative
/// share over the observed years inside the run (`observe::observed::compare`).
pub fn simulate(fit: &Fit, x: &[f64], seed: u64) -> Result<(f64, Vec<RunResult>)> {
    let m = fit.setup.model_at(x, seed)?;
    let runs: Vec<RunResult> = (0..fit.settings.replicates)
        .map(|r| crate::engine::run(&m, r))
        .collect();
    let d = crate::observe::observed::compare(&m, &runs).map_or(f64::INFINITY, |c| c.mean_abs_diff);
    Ok((if d.is_nan() { f64::INFINITY } else { d }, runs))
}

/// The Gaussian perturbation kernel: the Cholesky factor of 2 × the weighted covariance.
struct Kernel {
    l: Vec<Vec<f64>>,
}

impl Kernel {
    fn new(g: &Generation) -> Kernel {
        let d = g.particles[0].z.len();
        let mut mean = vec![0.0; d];
        for p in &g.particles {
            for (m, z) in mean.iter_mut().zip(&p.z) {
                *m += p.weight * z;
            }
        }
        let mut c = vec![vec![0.0; d]; d];
        for p in &g.particles {
            for a in 0..d {
                for b in 0..d {
                    c[a][b] += 2.0 * p.weight * (p.z[a] - mean[a]) * (p.z[b] - mean[b]);
                }
            }
        }
        let scale = (0..d).map(|a| c[a][a].abs()).fold(0.0, f64::max);
        for (a, row) in c.iter_mut().enumerate() {
            row[a] += 1e-12 + 1e-9 * scale;
        }
        Kernel { l: cholesky(&c) }
    }

    fn perturb<R: Rng>(&self, z: &[f64], rng: &mut R) -> Vec<f64> {
        let d = z.len();
        let n: Vec<f64> = (0..d).map(|_| StandardNormal.sample(rng)).collect();
        (0..d)
            .map(|a| z[a] + (0..=a).map(|b| self.l[a][b] * n[b]).sum::<f64>())
            .collect()
    }

    /// exp(−½ |L⁻¹(z − c)|²): the kernel density up to its constant.
    fn density(&self, z: &[f64], c: &[f64]) -> f64 {
        let d = z.len();
        let mut y = vec![0.0; d];
        let mut q = 0.0;
        for a in 0..d {
            let s: f64 = (0..a).map(|b| self.l[a][b] * y[b]).sum();
            y[a] = (z[a] - c[a] - s) / self.l[a][a];
            q += y[a] * y[a];
        }
        (-0.5 * q).exp()
    }
}

fn cholesky(c: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let d = c.len();
    let mut l = vec![vec![0.0; d]; d];
    for a in 0..d {
        for b in 0..=a {
            let s: f64 = (0..b).map(|k| l[a][k] * l[b][k]).sum();
            if a == b {
                l[a][a] = (c[a][a] - s).max(1e-300).sqrt();
            } else {
                l[a][b] = (c[a][b] - s) / l[b][b];
            }
        }
    }
    l
}

fn prior_density(priors: &[Prior], z: &[f64]) -> f64 {
    priors.iter().zip(z).map(|(p, &v)| p.density(v)).product()
}

/// Weighted quantile of `(value, weight)` pairs (weights sum to 1).
pub fn weighted_quantile(pairs: &[(f64, f64)], q: f64) -> f64 {
    let mut v = pairs.to_vec();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut cum = 0.0;
    for &(x, w) in &v {
        cum += w;
        if cum >= q - 1e-12 {
            return x;
        }
    }
    v.last().map_or(f64::NAN, |x| x.0)
}

/// Index drawn by weight from cumulative weights.
fn pick(cum: &[f64], u: f64) -> usize {
    let t = u * cum.last().copied().unwrap_or(1.0);
    cum.partition_point(|&c| c <= t).min(cum.len() - 1)
}

/// Generation 0: the prior.
fn prior_generation(
    fit: &Fit,
    pool: &rayon::ThreadPool,
    tick: &(dyn Fn() + Sync),
) -> Result<Generation> {
    use rayon::prelude::*;
    let s = &fit.settings;
    let n = s.particles;
    let out: Vec<Result<Particle>> = pool.install(|| {
        (0..n)
            .into_par_iter()
            .map(|i| {
                let mut rng = ChaCha8Rng::seed_from_u64(seed_of(s.seed, 0, i as u64, 0));
                let z: Vec<f64> = fit.priors.iter().map(|p| p.sample(&mut rng)).collect();
                let x: Vec<f64> = fit
                    .priors
                    .iter()
                    .zip(&z)
                    .map(|(p, &v)| p.value(v))
                    .collect();
                let (d, _) = simulate(fit, &x, seed_of(s.seed, 0, i as u64, 1))?;
                tick();
                Ok(Particle {
                    z,
                    x,
                    weight: 1.0 / n as f64,
                    distance: d,
                })
            })
            .collect()
    });
    let particles = out.into_iter().collect::<Result<Vec<_>>>()?;
    Ok(Generation {
        index: 0,
        tolerance: f64::INFINITY,
        particles,
        simulations: n as u64 * s.replicates,
        proposals: n as u64,
    })
}

/// What one slot of a generation produced.
struct Slot {
    particle: Option<Particle>,
    proposals: u64,
}

fn run_slot(
    fit: &Fit,
    prev: &Generation,
    kernel: &Kernel,
    cum: &[f64],
    eps: f64,
    t: usize,
    i: usize,
) -> Result<Slot> {
    let s = &fit.settings;
    let mut rng = ChaCha8Rng::seed_from_u64(seed_of(s.seed, t as u64, i as u64, 0));
    let mut proposals = 0;
    for k in 0..s.max_attempts() {
        let mut z = None;
        for _ in 0..1000 {
            let anc = &prev.particles[pick(cum, rng.gen::<f64>())];
            let cand = kernel.perturb(&anc.z, &mut rng);
            if prior_density(&fit.priors, &cand) > 0.0 {
                z = Some(cand);
                break;
            }
        }
        let Some(z) = z else { continue };
        let x: Vec<f64> = fit
            .priors
            .iter()
            .zip(&z)
            .map(|(p, &v)| p.value(v))
            .collect();
        proposals += 1;
        let (d, _) = simulate(fit, &x, seed_of(s.seed, t as u64, i as u64, k + 1))?;
        if d <= eps {
            let denom: f64 = prev
                .particles
                .iter()
                .map(|q| q.weight * kernel.density(&z, &q.z))
                .sum();
            let weight = prior_density(&fit.priors, &z) / denom.max(1e-300);
            return Ok(Slot {
                particle: Some(Particle {
                    z,
                    x,
                    weight,
                    distance: d,
                }),
                proposals,
            });
        }
    }
    Ok(Slot {
        particle: None,
        proposals,
    })
}

/// Generation t ≥ 1 from generation t − 1; `Ok(None)` if it was abandoned.
fn next_generation(
    fit: &Fit,
    prev: &Generation,
    pool: &rayon::ThreadPool,
    tick: &(dyn Fn() + Sync),
) -> Result<(Generation, bool)> {
    use rayon::prelude::*;
    let s = &fit.settings;
    let t = prev.index + 1;
    let pairs: Vec<(f64, f64)> = prev
        .particles
        .iter()
        .map(|p| (p.distance, p.weight))
        .collect();
    let eps = weighted_quantile(&pairs, s.quantile);
    let kernel = Kernel::new(prev);
    let mut cum = Vec::with_capacity(prev.particles.len());
    let mut acc = 0.0;
    for p in &prev.particles {
        acc += p.weight;
        cum.push(acc);
    }
    let slots: Vec<Result<Slot>> = pool.install(|| {
        (0..s.particles)
            .into_par_iter()
            .map(|i| {
                let r = run_slot(fit, prev, &kernel, &cum, eps, t, i);
                tick();
                r
            })
            .collect()
    });
    let slots = slots.into_iter().collect::<Result<Vec<_>>>()?;
    let proposals: u64 = slots.iter().map(|x| x.proposals).sum();
    let complete = slots.iter().all(|x| x.particle.is_some());
    let mut particles: Vec<Particle> = slots.into_iter().filter_map(|x| x.particle).collect();
    let total: f64 = particles.iter().map(|p| p.weight).sum();
    for p in &mut particles {
        p.weight /= total;
    }
    Ok((
        Generation {
            index: t,
            tolerance: eps,
            particles,
            simulations: proposals * s.replicates,
            proposals,
        },
        complete,
    ))
}

/// Runs the fit; `done` is called with each finished generation (to write it).
pub fn run(
    fit: &Fit,
    pool: &rayon::ThreadPool,
    tick: &(dyn Fn() + Sync),
    start_generation: &mut dyn FnMut(usize, f64),
    done: &mut dyn FnMut(&Generation) -> Result<()>,
) -> Result<(Vec<Generation>, End)> {
    let s = &fit.settings;
    start_generation(0, f64::INFINITY);
    let g0 = prior_generation(fit, pool, tick)?;
    done(&g0)?;
    let mut gens = vec![g0];
    while gens.len() < s.generations {
        let prev = gens.last().expect("one generation");
        let pairs: Vec<(f64, f64)> = prev
            .particles
            .iter()
            .map(|p| (p.distance, p.weight))
            .collect();
        start_generation(gens.len(), weighted_quantile(&pairs, s.quantile));
        let (g, complete) = next_generation(fit, prev, pool, tick)?;
        if !complete {
            return Ok((gens, End::Abandoned(g.index)));
        }
        done(&g)?;
        let acc = g.acceptance();
        gens.push(g);
        if acc < s.min_acceptance {
            return Ok((gens, End::LowAcceptance(acc)));
        }
    }
    Ok((gens, End::Generations))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn quantile_and_pick() {
        let p = [(3.0, 0.25), (1.0, 0.25), (2.0, 0.5)];
        assert_eq!(weighted_quantile(&p, 0.5), 2.0);
        assert_eq!(weighted_quantile(&p, 0.2), 1.0);
        let cum = [0.25, 0.5, 1.0];
        assert_eq!(pick(&cum, 0.1), 0);
        assert_eq!(pick(&cum, 0.3), 1);
        assert_eq!(pick(&cum, 0.99), 2);
        let l = cholesky(&[vec![4.0, 2.0], vec![2.0, 3.0]]);
        assert!((l[0][0] - 2.0).abs() < 1e-12 && (l[1][0] - 1.0).abs() < 1e-12);
        assert!((l[1][1] - 2f64.sqrt()).abs() < 1e-12);
    }
}
