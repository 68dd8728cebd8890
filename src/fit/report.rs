//! The outputs of a fit: `posterior.csv` (appended and flushed generation by generation,
//! so a stopped fit keeps every finished generation), `fit.json` (rewritten atomically
//! after each generation, then with the posterior predictive), `predictive.csv` and the
//! plot data.

use super::abc::{weighted_quantile, End, Generation};
use super::spec::{Fit, Settings};
use crate::error::{Error, Result};
use crate::observe::RunResult;
use crate::output::summary::round6;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// posterior.csv, open for appending.
pub struct Posterior {
    path: PathBuf,
    file: std::fs::File,
}

impl Posterior {
    pub fn create(dir: &Path, fit: &Fit) -> Result<Posterior> {
        let path = dir.join("posterior.csv");
        let mut file = std::fs::File::create(&path).map_err(|e| werr(&path, e))?;
        let mut h = String::from("generation,particle,weight,distance");
        for p in &fit.setup.paths {
            h.push(',');
            h.push_str(&crate::sweep::grid::csv_field(p));
        }
        h.push('\n');
        file.write_all(h.as_bytes()).map_err(|e| werr(&path, e))?;
        Ok(Posterior { path, file })
    }

    /// Appends a generation's rows in one write, then flushes to disk.
    pub fn append(&mut self, g: &Generation) -> Result<()> {
        let mut s = String::new();
        for (i, p) in g.particles.iter().enumerate() {
            s.push_str(&format!("{},{i},{},{}", g.index, p.weight, p.distance));
            for x in &p.x {
                s.push_str(&format!(",{x}"));
            }
            s.push('\n');
        }
        self.file
            .write_all(s.as_bytes())
            .map_err(|e| werr(&self.path, e))?;
        self.file.sync_data().map_err(|e| werr(&self.path, e))
    }
}

fn werr(p: &Path, e: std::io::Error) -> Error {
    Error::Other(format!("cannot write {}: {e}", p.display()))
}

#[derive(Debug, Clone, Serialize)]
pub struct ParamSummary {
    pub mean: f64,
    pub median: f64,
    pub q05: f64,
    pub q95: f64,
    pub prior: super::prior::Prior,
}

#[derive(Debug, Clone, Serialize)]
struct GenSummary {
    generation: usize,
    /// null for generation 0 (every prior draw kept).
    tolerance: Option<f64>,
    accepted: usize,
    proposals: u64,
    simulations: u64,
    acceptance_rate: f64,
    min_distance: f64,
    median_distance: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Predictive {
    pub runs: usize,
    /// Mean absolute difference between the median posterior-predictive share and the
    /// observed share, over the observed years inside the run.
    pub distance_of_median: f64,
    /// Observed years inside the run (the points of the distance).
    pub observed_years: usize,
}

#[derive(Debug, Clone, Serialize)]
struct FitJson<'a> {
    name: &'a str,
    description: &'a str,
    file: &'a str,
    scenario: String,
    set: &'a [String],
    method: &'static str,
    distance: &'static str,
    settings: &'a Settings,
    status: String,
    estimated_simulations: u64,
    simulations: u64,
    generations: Vec<GenSummary>,
    parameters: BTreeMap<String, ParamSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    posterior_predictive: Option<Predictive>,
}

pub const DISTANCE: &str = "mean absolute difference between the simulated and the observed cumulative share of states (adopters or parties, as the observed series counts), over the observed years inside the run; the median over replicates when a particle has several";

/// Per-parameter posterior summary of a generation.
pub fn summaries(fit: &Fit, g: &Generation) -> BTreeMap<String, ParamSummary> {
    let mut out = BTreeMap::new();
    for (j, path) in fit.setup.paths.iter().enumerate() {
        let pairs: Vec<(f64, f64)> = g.particles.iter().map(|p| (p.x[j], p.weight)).collect();
        let mean: f64 = pairs.iter().map(|(x, w)| x * w).sum();
        out.insert(
            path.clone(),
            ParamSummary {
                mean: round_sig(mean),
                median: round_sig(weighted_quantile(&pairs, 0.5)),
                q05: round_sig(weighted_quantile(&pairs, 0.05)),
                q95: round_sig(weighted_quantile(&pairs, 0.95)),
                prior: fit.priors[j],
            },
        );
    }
    out
}

/// Rounds to 7 significant digits (readable JSON; full values are in posterior.csv).
pub fn round_sig(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let e = 6 - x.abs().log10().floor() as i32;
    let f = 10f64.powi(e);
    (x * f).round() / f + 0.0
}

fn gen_summary(g: &Generation) -> GenSummary {
    let pairs: Vec<(f64, f64)> = g.particles.iter().map(|p| (p.distance, p.weight)).collect();
    GenSummary {
        generation: g.index,
        tolerance: g.tolerance.is_finite().then(|| round_sig(g.tolerance)),
        accepted: g.particles.len(),
        proposals: g.proposals,
        simulations: g.simulations,
        acceptance_rate: round6(g.acceptance()),
        min_distance: round_sig(pairs.iter().map(|x| x.0).fold(f64::INFINITY, f64::min)),
        median_distance: round_sig(weighted_quantile(&pairs, 0.5)),
    }
}

pub fn status(end: Option<&End>) -> String {
    match end {
        None => "running".into(),
        Some(End::Generations) => "complete".into(),
        Some(End::LowAcceptance(a)) => format!(
            "stopped: acceptance {:.4} fell below min_acceptance",
            a
        ),
        Some(End::Abandoned(t)) => format!(
            "stopped: generation {t} was abandoned (a particle found no proposal within the tolerance in max_attempts tries); the last complete generation is the posterior"
        ),
    }
}

/// Writes fit.json (atomically).
pub fn write_json(
    dir: &Path,
    fit: &Fit,
    gens: &[Generation],
    end: Option<&End>,
    estimate: u64,
    predictive: Option<Predictive>,
) -> Result<()> {
    let last = gens.last().expect("a generation");
    let j = FitJson {
        name: &fit.name,
        description: &fit.description,
        file: &fit.file,
        scenario: fit.setup.base_path.display().to_string(),
        set: &fit.setup.sets,
        method: "ABC-SMC (Beaumont et al. 2009; adaptive tolerance: a quantile of the previous generation's distances)",
        distance: DISTANCE,
        settings: &fit.settings,
        status: status(end),
        estimated_simulations: estimate,
        simulations: gens.iter().map(|g| g.simulations).sum::<u64>()
            + predictive.as_ref().map_or(0, |p| p.runs as u64),
        generations: gens.iter().map(gen_summary).collect(),
        parameters: summaries(fit, last),
        posterior_predictive: predictive,
    };
    let mut b = serde_json::to_vec_pretty(&j).map_err(|e| Error::Other(e.to_string()))?;
    b.push(b'\n');
    crate::output::atomic::write(&dir.join("fit.json"), &b)
}

/// The share series (year, share of states) of the observed norm in one run.
pub fn share_series(m: &crate::model::Model, r: &RunResult) -> Vec<(f64, f64)> {
    let Some(o) = &m.observed else {
        return Vec::new();
    };
    r.rows
        .iter()
        .filter(|x| x.norm == o.norm)
        .map(|x| {
            let c = if o.parties {
                x.parties as f64
            } else {
                x.adopters as f64
            };
            let denom = o.states.unwrap_or(x.states as f64).max(1.0);
            (m.time_of(x.step as f64), c / denom)
        })
        .collect()
}

/// Median and 5–95% band of the share at every step, across runs.
pub struct Band {
    pub years: Vec<f64>,
    pub median: Vec<f64>,
    pub q05: Vec<f64>,
    pub q95: Vec<f64>,
}

pub fn band(m: &crate::model::Model, runs: &[RunResult]) -> Band {
    let series: Vec<Vec<(f64, f64)>> = runs.iter().map(|r| share_series(m, r)).collect();
    let n = series.iter().map(|s| s.len()).min().unwrap_or(0);
    let mut b = Band {
        years: Vec::new(),
        median: Vec::new(),
        q05: Vec::new(),
        q95: Vec::new(),
    };
    for i in 0..n {
        let mut v: Vec<f64> = series.iter().map(|s| s[i].1).collect();
        v.sort_by(f64::total_cmp);
        b.years.push(series[0][i].0);
        b.median.push(crate::stats::quantile(&v, 0.5));
        b.q05.push(crate::stats::quantile(&v, 0.05));
        b.q95.push(crate::stats::quantile(&v, 0.95));
    }
    b
}

/// predictive.csv: `year,median,q05,q95` of the posterior-predictive share.
pub fn write_band(dir: &Path, b: &Band) -> Result<()> {
    let mut s = String::from("year,median,q05,q95\n");
    for i in 0..b.years.len() {
        s.push_str(&format!(
            "{},{},{},{}\n",
            b.years[i],
            round6(b.median[i]),
            round6(b.q05[i]),
            round6(b.q95[i])
        ));
    }
    crate::output::atomic::write(&dir.join("predictive.csv"), s.as_bytes())
}
