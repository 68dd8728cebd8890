//! `FIT.toml`: `[fit]` (name, base scenario, fixed `set`, seed, ABC-SMC settings),
//! `[[parameters]]` (`path`, `prior`) and an optional `[observed]` table with the keys of
//! a scenario's `[observed]` (the base scenario's own series when absent). Every problem
//! is reported, located, before any simulation.

use super::prior::{Prior, PriorSpec};
use super::setup::{check_path, load_base, Problems, Setup};
use crate::error::Result;
use crate::sweep::spec::parse_file;
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FitFile {
    pub fit: FitMeta,
    #[serde(default)]
    pub parameters: Vec<ParamSpec>,
    pub observed: Option<toml::Table>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FitMeta {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub scenario: String,
    #[serde(default)]
    pub set: Vec<String>,
    pub seed: Option<u64>,
    #[serde(default = "d_particles")]
    pub particles: i64,
    #[serde(default = "d_generations")]
    pub generations: i64,
    #[serde(default = "d_quantile")]
    pub quantile: f64,
    #[serde(default = "d_one")]
    pub replicates: i64,
    #[serde(default = "d_min_acceptance")]
    pub min_acceptance: f64,
    /// Posterior-predictive runs (default: as many as particles).
    pub predictive: Option<i64>,
}

fn d_particles() -> i64 {
    200
}
fn d_generations() -> i64 {
    6
}
fn d_quantile() -> f64 {
    0.5
}
fn d_one() -> i64 {
    1
}
fn d_min_acceptance() -> f64 {
    0.02
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamSpec {
    pub path: String,
    pub prior: PriorSpec,
}

/// The ABC-SMC settings (in fit.json).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Settings {
    pub particles: usize,
    pub generations: usize,
    pub quantile: f64,
    pub replicates: u64,
    pub min_acceptance: f64,
    pub predictive: usize,
    pub seed: u64,
}

impl Settings {
    /// Attempts a particle slot may make in one generation before the generation is
    /// abandoned (its acceptance would be far below `min_acceptance`).
    pub fn max_attempts(&self) -> u64 {
        (4.0 / self.min_acceptance).ceil() as u64
    }
}

/// A validated fit.
#[derive(Debug, Clone)]
pub struct Fit {
    pub name: String,
    pub description: String,
    pub file: String,
    pub setup: Setup,
    pub priors: Vec<Prior>,
    pub settings: Settings,
}

/// Reads and validates a fit file (a path, or a bundled fit by name).
pub fn load(arg: &Path) -> Result<Fit> {
    let (path, text) = crate::app::scenario_text(arg)?;
    let src = path.display().to_string();
    let f: FitFile = parse_file(&src, &text)?;
    let mut pb = Problems::new(&path, &text);
    let m = &f.fit;
    if m.name.trim().is_empty() {
        pb.at(
            "fit",
            None,
            Some("name"),
            "fit.name",
            "must not be empty".into(),
        );
    }
    let int_min = |pb: &mut Problems, k: &str, v: i64, lo: i64, what: &str| {
        if v < lo {
            pb.at(
                "fit",
                None,
                Some(k),
                &format!("fit.{k}"),
                format!("must be ≥ {lo} ({what}), got {v}"),
            );
        }
    };
    int_min(
        &mut pb,
        "particles",
        m.particles,
        2,
        "particles per generation",
    );
    int_min(
        &mut pb,
        "generations",
        m.generations,
        1,
        "the prior generation counts as one",
    );
    int_min(&mut pb, "replicates", m.replicates, 1, "runs per particle");
    if let Some(p) = m.predictive {
        int_min(&mut pb, "predictive", p, 1, "posterior-predictive runs");
    }
    if !(m.quantile > 0.0 && m.quantile < 1.0) {
        pb.at("fit", None, Some("quantile"), "fit.quantile", format!("must be between 0 and 1 (exclusive): the next tolerance is this quantile of the distances; got {}", m.quantile));
    }
    if !(m.min_acceptance > 0.0 && m.min_acceptance < 1.0) {
        pb.at(
            "fit",
            None,
            Some("min_acceptance"),
            "fit.min_acceptance",
            format!(
                "must be between 0 and 1 (exclusive), got {}",
                m.min_acceptance
            ),
        );
    }
    if f.parameters.is_empty() {
        pb.at(
            "fit",
            None,
            None,
            "parameters",
            "no `[[parameters]]`: name at least one PATH to calibrate".into(),
        );
    }
    let observed = observed_overrides(&path, f.observed.as_ref());
    let base = load_base(&mut pb, &path, "fit", &m.scenario, &m.set, &observed);
    let mut priors = Vec::new();
    let mut paths: Vec<String> = Vec::new();
    for (i, p) in f.parameters.iter().enumerate() {
        let path_s = p.path.trim().to_string();
        let key = format!("parameters.{path_s}");
        if paths.contains(&path_s) {
            pb.at(
                "parameters",
                Some(i),
                Some("path"),
                &key,
                format!("`{path_s}` is calibrated twice"),
            );
        }
        match p.prior.resolve() {
            Ok(pr) => {
                if let Some(b) = &base {
                    check_path(&mut pb, b, "parameters", i, &path_s, &pr.probes());
                }
                priors.push(pr);
            }
            Err(list) => {
                for (k, msg) in list {
                    pb.at(
                        "parameters",
                        Some(i),
                        Some("prior"),
                        &format!("{key}.prior.{k}"),
                        msg,
                    );
                }
            }
        }
        paths.push(path_s);
    }
    if let Some(b) = &base {
        let model = &b.model;
        check_observed(&mut pb, model, f.observed.is_some());
    }
    pb.result()?;
    let base = base.expect("validated");
    let settings = Settings {
        particles: m.particles as usize,
        generations: m.generations as usize,
        quantile: m.quantile,
        replicates: m.replicates as u64,
        min_acceptance: m.min_acceptance,
        predictive: m.predictive.unwrap_or(m.particles) as usize,
        seed: m.seed.unwrap_or(base.model.seed),
    };
    Ok(Fit {
        name: m.name.trim().to_string(),
        description: m.description.trim().to_string(),
        file: src,
        setup: base.setup(paths),
        priors,
        settings,
    })
}

/// The fit file's `[observed]` keys as overrides of the base scenario's `[observed]`
/// (a relative `file` is relative to the fit file).
fn observed_overrides(fit_path: &Path, t: Option<&toml::Table>) -> Vec<String> {
    let Some(t) = t else { return Vec::new() };
    let mut out = vec!["observed={}".to_string()];
    for (k, v) in t {
        let v = match (k.as_str(), v) {
            ("file", toml::Value::String(s)) if !Path::new(s).is_absolute() => {
                let dir = fit_path.parent().unwrap_or(Path::new(""));
                let p = std::path::absolute(dir.join(s)).unwrap_or_else(|_| dir.join(s));
                toml::Value::String(p.display().to_string())
            }
            _ => v.clone(),
        };
        out.push(format!("observed.{k}={v}"));
    }
    out
}

/// The observed series must exist and cover the run: at least three of its years inside
/// the run's years.
fn check_observed(pb: &mut Problems, m: &crate::model::Model, in_file: bool) {
    let (table, key) = if in_file {
        ("observed", Some("file"))
    } else {
        ("fit", Some("scenario"))
    };
    let Some(o) = &m.observed else {
        pb.at(table, None, key, "observed", "no observed series: add an `[observed]` table (file, column, norm, measure) to the fit file or the scenario".into());
        return;
    };
    let (start, end) = (m.time_of(0.0), m.time_of(m.steps as f64));
    let inside = o
        .points
        .iter()
        .filter(|p| p.0 >= start && p.0 <= end + 1e-9)
        .count();
    if inside < 3 {
        let (first, last) = (
            o.points.first().map_or(f64::NAN, |p| p.0),
            o.points.last().map_or(f64::NAN, |p| p.0),
        );
        pb.at(
            table,
            None,
            key,
            "observed",
            format!(
                "the observed series ({first}–{last}, {} points) does not cover the run ({start}–{end}): {inside} observed year(s) fall inside it, at least 3 are needed",
                o.points.len()
            ),
        );
    }
}
