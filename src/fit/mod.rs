//! `normlife fit FIT.toml`: calibration of scenario parameters to an observed series by
//! approximate Bayesian computation (ABC-SMC). `docs/calibration.md` documents the file,
//! the method and the outputs.
//!
//! * `spec`: the fit file and its validation (before any simulation)
//! * `setup`: base scenario + PATHs, shared with `sensitivity`
//! * `prior`: uniform, log-uniform and normal priors
//! * `abc`: the sequential Monte Carlo sampler
//! * `report`: posterior.csv, fit.json, predictive.csv
//! * `plot`: fit.svg/.png

pub mod abc;
pub mod plot;
pub mod prior;
pub mod report;
pub mod setup;
pub mod spec;

use crate::error::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rand::{Rng, SeedableRng};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub threads: Option<usize>,
    pub out: Option<PathBuf>,
    pub quiet: bool,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub dir: PathBuf,
    pub generations: usize,
    pub simulations: u64,
    pub estimate: u64,
    pub seconds: f64,
    pub status: String,
}

/// Acceptance assumed by the estimate: `quantile` in generation 1, falling by this factor
/// in each later generation (as the tolerance tightens; measured on the Bass and
/// suffrage fits, docs/calibration.md).
pub const ACCEPTANCE_DECAY: f64 = 0.65;

/// Simulations expected: the prior generation, then particles / acceptance per later
/// generation with acceptance `quantile · 0.65^(t − 1)` (capped by `at_most`), plus the
/// posterior predictive.
pub fn estimate(s: &spec::Settings) -> u64 {
    let n = s.particles as f64 * s.replicates as f64;
    let later: f64 = (1..s.generations)
        .map(|t| n / (s.quantile * ACCEPTANCE_DECAY.powi(t as i32 - 1)).max(s.min_acceptance))
        .sum();
    ((n + later).round() as u64).min(at_most(s) - s.predictive as u64) + s.predictive as u64
}

/// The most simulations the settings allow (every slot using `max_attempts`).
pub fn at_most(s: &spec::Settings) -> u64 {
    let n = s.particles as u64 * s.replicates;
    n + (s.generations.saturating_sub(1)) as u64 * n * s.max_attempts() + s.predictive as u64
}

/// `normlife fit`.
pub fn fit(file: &Path, o: &Options) -> Result<Report> {
    let fit = spec::load(file)?;
    let pool = crate::app::pool(o.threads)?;
    let dir = o
        .out
        .clone()
        .unwrap_or_else(|| crate::app::default_out(&fit.name));
    crate::output::prepare_dir(&dir)?;
    let s = &fit.settings;
    let est = estimate(s);
    if !o.quiet {
        eprintln!(
            "normlife fit {}: {} parameter(s), {} particles × up to {} generations, {} replicate(s) per particle: about {} simulations (if {:.0}% of proposals are accepted in generation 1, a third fewer in each later one; at most {}), including {} posterior-predictive runs",
            fit.name,
            fit.setup.paths.len(),
            s.particles,
            s.generations,
            s.replicates,
            est,
            100.0 * s.quantile,
            at_most(s),
            s.predictive
        );
    }
    let t0 = std::time::Instant::now();
    let mut post = report::Posterior::create(&dir, &fit)?;
    let bar = progress_bar(o.quiet, s.particles as u64);
    let tick = || bar.inc(1);
    let mut gens_done: Vec<abc::Generation> = Vec::new();
    let (gens, end) = abc::run(
        &fit,
        &pool,
        &tick,
        &mut |t, eps| {
            bar.reset();
            bar.set_message(if eps.is_finite() {
                format!("generation {t}, tolerance {eps:.4}")
            } else {
                format!("generation {t} (prior)")
            });
        },
        &mut |g| {
            post.append(g)?;
            gens_done.push(g.clone());
            let line = format!(
                "normlife fit: generation {} done: tolerance {}, acceptance {:.3}, {} simulations, median distance {:.4}",
                g.index,
                if g.tolerance.is_finite() { format!("{:.4}", g.tolerance) } else { "∞ (prior)".into() },
                g.acceptance(),
                g.simulations,
                abc::weighted_quantile(&g.particles.iter().map(|p| (p.distance, p.weight)).collect::<Vec<_>>(), 0.5)
            );
            bar.suspend(|| {
                if !o.quiet {
                    eprintln!("{line}")
                }
            });
            report::write_json(&dir, &fit, &gens_done, None, est, None)
        },
    )?;
    bar.finish_and_clear();
    let last = gens.last().expect("generation 0");
    let pp = predictive(&fit, last, &pool)?;
    let m = &fit.setup.base;
    let band = report::band(m, &pp);
    report::write_band(&dir, &band)?;
    let cmp = crate::observe::observed::compare(m, &pp);
    let pred = report::Predictive {
        runs: pp.len(),
        distance_of_median: cmp
            .as_ref()
            .map_or(f64::NAN, |c| report::round_sig(c.mean_abs_diff)),
        observed_years: cmp.as_ref().map_or(0, |c| c.points.len()),
    };
    report::write_json(&dir, &fit, &gens, Some(&end), est, Some(pred))?;
    plot::write(&dir, &fit, &gens, m, &band)?;
    Ok(Report {
        dir,
        generations: gens.len(),
        simulations: gens.iter().map(|g| g.simulations).sum::<u64>() + pp.len() as u64,
        estimate: est,
        seconds: t0.elapsed().as_secs_f64(),
        status: report::status(Some(&end)),
    })
}

fn progress_bar(quiet: bool, len: u64) -> ProgressBar {
    let bar = ProgressBar::new(len);
    if quiet || !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {msg} {wide_bar} {pos}/{len} particles, ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// The posterior predictive: `predictive` particles drawn from the last generation by
/// systematic resampling, one run each, with their own seeds.
pub fn predictive(
    fit: &spec::Fit,
    g: &abc::Generation,
    pool: &rayon::ThreadPool,
) -> Result<Vec<crate::observe::RunResult>> {
    use rayon::prelude::*;
    let s = &fit.settings;
    let n = s.predictive;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(setup::seed_of(s.seed, u64::MAX, 0, 0));
    let u: f64 = rng.gen::<f64>();
    let mut picks = Vec::with_capacity(n);
    let mut cum = 0.0;
    let mut j = 0;
    for k in 0..n {
        let t = (k as f64 + u) / n as f64;
        while j + 1 < g.particles.len() && cum + g.particles[j].weight < t {
            cum += g.particles[j].weight;
            j += 1;
        }
        picks.push(j);
    }
    let out: Vec<Result<crate::observe::RunResult>> = pool.install(|| {
        picks
            .par_iter()
            .enumerate()
            .map(|(k, &j)| {
                let m = fit.setup.model_at(
                    &g.particles[j].x,
                    setup::seed_of(s.seed, u64::MAX, 1, k as u64),
                )?;
                Ok(crate::engine::run(&m, 0))
            })
            .collect()
    });
    out.into_iter().collect()
}
