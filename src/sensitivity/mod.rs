//! `normlife sensitivity SA.toml`: global sensitivity analysis of scenario outcomes to
//! scenario parameters: Sobol first-order and total indices (Saltelli design, Jansen
//! estimators) or Morris elementary effects, with bootstrap confidence intervals.
//! `docs/sensitivity.md` documents the file, the method and the outputs.
//!
//! The model is stochastic. Each design point is run `replicates` times and the outcome
//! is the mean over them; replicate r uses the same seed at every design point (common
//! random numbers), so the indices are those of the deterministic map θ ↦ mean of R runs
//! with fixed random streams. A parameter that cannot change a run gets exactly the
//! same outputs and an index of 0; the remaining run-to-run noise enters the indices as
//! it enters that map (it shrinks as 1/R), and the bootstrap half-widths measure the
//! sampling error of the design.

pub mod design;
pub mod plot;
pub mod spec;

use crate::error::{Error, Result};
use crate::fit::setup::seed_of;
use crate::output::summary::round6;
use spec::{Method, Sa};
use std::path::{Path, PathBuf};

/// The command's options: the same as a fit's (threads, output directory, quiet).
pub use crate::fit::Options;

#[derive(Debug, Clone)]
pub struct Report {
    pub dir: PathBuf,
    pub method: &'static str,
    pub simulations: u64,
    pub seconds: f64,
}

/// One row of indices.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    pub outcome: String,
    pub parameter: String,
    /// Sobol: S1, S1_conf, ST, ST_conf; Morris: mu_star, mu_star_conf, sigma.
    pub values: Vec<f64>,
}

/// `normlife sensitivity`.
pub fn run(file: &Path, o: &Options) -> Result<Report> {
    let sa = spec::load(file)?;
    let pool = crate::app::pool(o.threads)?;
    let dir = o
        .out
        .clone()
        .unwrap_or_else(|| crate::app::default_out(&sa.name));
    crate::output::prepare_dir(&dir)?;
    let d = sa.ranges.len();
    let (unit, orders) = match sa.method {
        Method::Sobol => (design::saltelli(sa.samples, d, sa.seed), Vec::new()),
        Method::Morris => design::morris(sa.samples, d, sa.levels, sa.seed),
    };
    let total = unit.len() as u64 * sa.replicates;
    if !o.quiet {
        eprintln!(
            "normlife sensitivity {}: {} parameter(s), {} design points × {} replicate(s) = {} simulations",
            sa.name,
            d,
            unit.len(),
            sa.replicates,
            total
        );
    }
    let t0 = std::time::Instant::now();
    let values: Vec<Vec<f64>> = unit
        .iter()
        .map(|u| (0..d).map(|j| sa.value(j, u[j])).collect())
        .collect();
    let outs = simulate(&sa, &values, &pool, o.quiet)?;
    write_runs(&dir, &sa, &values, &outs)?;
    let means = point_means(&sa, &outs, values.len());
    let idx = match sa.method {
        Method::Sobol => sobol_indices(&sa, &means),
        Method::Morris => morris_indices(&sa, &unit, &orders, &means),
    };
    write_indices(&dir, &sa, &idx)?;
    plot::write(&dir, &sa, &idx)?;
    Ok(Report {
        dir,
        method: match sa.method {
            Method::Sobol => "Sobol",
            Method::Morris => "Morris",
        },
        simulations: total,
        seconds: t0.elapsed().as_secs_f64(),
    })
}

/// The selected outcomes of every run, in run order (run = point · R + replicate).
fn simulate(
    sa: &Sa,
    values: &[Vec<f64>],
    pool: &rayon::ThreadPool,
    quiet: bool,
) -> Result<Vec<Vec<Option<f64>>>> {
    use rayon::prelude::*;
    let r = sa.replicates;
    let total = values.len() as u64 * r;
    let bar = indicatif::ProgressBar::new(total);
    if quiet || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let out: Vec<Result<Vec<Option<f64>>>> = pool.install(|| {
        (0..total)
            .into_par_iter()
            .map(|run| {
                let (p, rep) = (run / r, run % r);
                let m = sa
                    .setup
                    .model_at(&values[p as usize], seed_of(sa.seed, rep, 0, 0))?;
                let res = crate::engine::run(&m, 0);
                let all = crate::sweep::spec::outcome_values(&m, &res);
                bar.inc(1);
                Ok(sa.selected.iter().map(|&i| all[i].1).collect())
            })
            .collect()
    });
    bar.finish_and_clear();
    out.into_iter().collect()
}

/// Mean over replicates per design point and outcome (NaN if a run has no value).
fn point_means(sa: &Sa, outs: &[Vec<Option<f64>>], points: usize) -> Vec<Vec<f64>> {
    let r = sa.replicates as usize;
    (0..sa.outcomes.len())
        .map(|k| {
            (0..points)
                .map(|p| {
                    let v: Vec<f64> = (0..r)
                        .map(|q| outs[p * r + q][k].unwrap_or(f64::NAN))
                        .collect();
                    v.iter().sum::<f64>() / r as f64
                })
                .collect()
        })
        .collect()
}

fn sobol_indices(sa: &Sa, means: &[Vec<f64>]) -> Vec<Index> {
    let d = sa.ranges.len();
    let all: Vec<usize> = (0..sa.samples).collect();
    let boots = design::resamples(sa.samples, sa.bootstrap, seed_of(sa.seed, 1, 2, 3));
    let mut out = Vec::new();
    for (k, y) in means.iter().enumerate() {
        let est = design::jansen(y, d, &all);
        let bs: Vec<Vec<(f64, f64)>> = boots.iter().map(|b| design::jansen(y, d, b)).collect();
        for i in 0..d {
            let s1: Vec<f64> = bs.iter().map(|b| b[i].0).collect();
            let st: Vec<f64> = bs.iter().map(|b| b[i].1).collect();
            out.push(Index {
                outcome: sa.outcomes[k].clone(),
                parameter: sa.setup.paths[i].clone(),
                values: vec![
                    est[i].0,
                    design::half_width(&s1),
                    est[i].1,
                    design::half_width(&st),
                ],
            });
        }
    }
    out
}

fn morris_indices(
    sa: &Sa,
    unit: &[Vec<f64>],
    orders: &[Vec<usize>],
    means: &[Vec<f64>],
) -> Vec<Index> {
    let d = sa.ranges.len();
    let all: Vec<usize> = (0..sa.samples).collect();
    let boots = design::resamples(sa.samples, sa.bootstrap, seed_of(sa.seed, 1, 2, 3));
    let mut out = Vec::new();
    for (k, y) in means.iter().enumerate() {
        let ee = design::effects(unit, orders, y, d);
        for (i, e) in ee.iter().enumerate() {
            let (mu_star, sigma) = design::mu_star_sigma(e, &all);
            let bs: Vec<f64> = boots
                .iter()
                .map(|b| design::mu_star_sigma(e, b).0)
                .collect();
            out.push(Index {
                outcome: sa.outcomes[k].clone(),
                parameter: sa.setup.paths[i].clone(),
                values: vec![mu_star, design::half_width(&bs), sigma],
            });
        }
    }
    out
}

fn cell(x: f64) -> String {
    if x.is_finite() {
        format!("{}", round6(x) + 0.0)
    } else {
        String::new()
    }
}

fn write_indices(dir: &Path, sa: &Sa, idx: &[Index]) -> Result<()> {
    use crate::sweep::grid::csv_field;
    let mut s = String::from(match sa.method {
        Method::Sobol => "outcome,parameter,S1,S1_conf,ST,ST_conf\n",
        Method::Morris => "outcome,parameter,mu_star,mu_star_conf,sigma\n",
    });
    for i in idx {
        s.push_str(&format!(
            "{},{}",
            csv_field(&i.outcome),
            csv_field(&i.parameter)
        ));
        for &v in &i.values {
            s.push(',');
            s.push_str(&cell(v));
        }
        s.push('\n');
    }
    crate::output::atomic::write(&dir.join("indices.csv"), s.as_bytes())
}

/// runs.csv: `run,point,replicate,seed,` the parameter values, then the outcomes.
fn write_runs(dir: &Path, sa: &Sa, values: &[Vec<f64>], outs: &[Vec<Option<f64>>]) -> Result<()> {
    use crate::sweep::grid::csv_field;
    use std::io::Write;
    let mut f = crate::output::atomic::AtomicFile::create(&dir.join("runs.csv"))?;
    let werr = |e: std::io::Error| Error::Other(format!("cannot write runs.csv: {e}"));
    let mut h = String::from("run,point,replicate,seed");
    for p in sa.setup.paths.iter().chain(&sa.outcomes) {
        h.push(',');
        h.push_str(&csv_field(p));
    }
    h.push('\n');
    f.writer().write_all(h.as_bytes()).map_err(werr)?;
    let r = sa.replicates as usize;
    for (run, o) in outs.iter().enumerate() {
        let (p, rep) = (run / r, run % r);
        let mut s = format!("{run},{p},{rep},{}", seed_of(sa.seed, rep as u64, 0, 0));
        for v in &values[p] {
            s.push_str(&format!(",{v}"));
        }
        for v in o {
            s.push(',');
            s.push_str(&v.map_or(String::new(), |x| format!("{}", x + 0.0)));
        }
        s.push('\n');
        f.writer().write_all(s.as_bytes()).map_err(werr)?;
    }
    f.commit()
}
