//! `SA.toml`: `[sensitivity]` (name, base scenario, fixed `set`, `method` = `sobol` |
//! `morris`, `samples`, `replicates`, `seed`, `outcomes`, `levels`, `bootstrap`) and
//! `[[parameters]]` (`path`, `min`, `max`, optional `log = true`). Validated, located,
//! before any simulation.

use crate::error::Result;
use crate::fit::setup::{check_outcomes, check_path, load_base, Problems, Setup};
use crate::sweep::spec::parse_file;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaFile {
    pub sensitivity: SaMeta,
    #[serde(default)]
    pub parameters: Vec<Range>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaMeta {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub scenario: String,
    #[serde(default)]
    pub set: Vec<String>,
    #[serde(default = "d_method")]
    pub method: String,
    /// Sobol: base samples N (runs N·(d+2)); Morris: trajectories r (runs r·(d+1)).
    #[serde(default = "d_samples")]
    pub samples: i64,
    #[serde(default = "d_one")]
    pub replicates: i64,
    pub seed: Option<u64>,
    #[serde(default)]
    pub outcomes: Vec<String>,
    /// Morris grid levels (even).
    #[serde(default = "d_levels")]
    pub levels: i64,
    /// Bootstrap resamples for the confidence intervals.
    #[serde(default = "d_bootstrap")]
    pub bootstrap: i64,
}

fn d_method() -> String {
    "sobol".into()
}
fn d_samples() -> i64 {
    256
}
fn d_one() -> i64 {
    1
}
fn d_levels() -> i64 {
    4
}
fn d_bootstrap() -> i64 {
    500
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Range {
    pub path: String,
    pub min: f64,
    pub max: f64,
    #[serde(default)]
    pub log: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Sobol,
    Morris,
}

/// A validated sensitivity analysis.
#[derive(Debug, Clone)]
pub struct Sa {
    pub name: String,
    pub setup: Setup,
    pub method: Method,
    pub samples: usize,
    pub replicates: u64,
    pub seed: u64,
    pub outcomes: Vec<String>,
    /// Index of each outcome in the catalog of `sweep::spec::outcome_values`.
    pub selected: Vec<usize>,
    pub levels: usize,
    pub bootstrap: usize,
    /// (min, max, log) per parameter.
    pub ranges: Vec<(f64, f64, bool)>,
}

impl Sa {
    /// The parameter value at unit coordinate u ∈ [0, 1].
    pub fn value(&self, j: usize, u: f64) -> f64 {
        let (a, b, log) = self.ranges[j];
        if log {
            (a.ln() + u * (b.ln() - a.ln())).exp()
        } else {
            a + u * (b - a)
        }
    }
    pub fn points(&self) -> usize {
        let d = self.ranges.len();
        match self.method {
            Method::Sobol => self.samples * (d + 2),
            Method::Morris => self.samples * (d + 1),
        }
    }
}

/// Checks the `[sensitivity]` settings; returns the method.
fn check_meta(pb: &mut Problems, m: &SaMeta) -> Method {
    let at = |pb: &mut Problems, k: &str, msg: String| {
        pb.at(
            "sensitivity",
            None,
            Some(k),
            &format!("sensitivity.{k}"),
            msg,
        )
    };
    if m.name.trim().is_empty() {
        at(pb, "name", "must not be empty".into());
    }
    let method = match m.method.as_str() {
        "sobol" => Method::Sobol,
        "morris" => Method::Morris,
        other => {
            at(
                pb,
                "method",
                format!(
                    "unknown method `{other}`{}; allowed: sobol, morris",
                    crate::error::did_you_mean(other, &["sobol", "morris"])
                ),
            );
            Method::Sobol
        }
    };
    if m.samples < 2 {
        at(
            pb,
            "samples",
            format!(
                "must be ≥ 2 (Sobol: base samples; Morris: trajectories), got {}",
                m.samples
            ),
        );
    }
    if m.replicates < 1 {
        at(
            pb,
            "replicates",
            format!("must be ≥ 1, got {}", m.replicates),
        );
    }
    if m.levels < 2 || m.levels % 2 != 0 {
        at(
            pb,
            "levels",
            format!("Morris levels must be even and ≥ 2, got {}", m.levels),
        );
    }
    if m.bootstrap < 10 {
        at(
            pb,
            "bootstrap",
            format!("must be ≥ 10 resamples, got {}", m.bootstrap),
        );
    }
    method
}

pub fn load(arg: &Path) -> Result<Sa> {
    let (path, text) = crate::app::scenario_text(arg)?;
    let f: SaFile = parse_file(&path.display().to_string(), &text)?;
    let mut pb = Problems::new(&path, &text);
    let m = &f.sensitivity;
    let method = check_meta(&mut pb, m);
    if f.parameters.is_empty() {
        pb.at(
            "sensitivity",
            None,
            None,
            "parameters",
            "no `[[parameters]]`: name at least one PATH with min and max".into(),
        );
    }
    if method == Method::Sobol && 2 * f.parameters.len() > sobol_burley::NUM_DIMENSIONS as usize {
        pb.at(
            "sensitivity",
            None,
            None,
            "parameters",
            format!(
                "a Sobol design supports at most {} parameters",
                sobol_burley::NUM_DIMENSIONS / 2
            ),
        );
    }
    let base = load_base(&mut pb, &path, "sensitivity", &m.scenario, &m.set, &[]);
    let mut ranges = Vec::new();
    let mut paths: Vec<String> = Vec::new();
    for (i, p) in f.parameters.iter().enumerate() {
        let ps = p.path.trim().to_string();
        let key = format!("parameters.{ps}");
        let mut ok = true;
        if !(p.min.is_finite() && p.max.is_finite()) || p.min >= p.max {
            pb.at(
                "parameters",
                Some(i),
                Some("min"),
                &key,
                format!("`min` ({}) must be less than `max` ({})", p.min, p.max),
            );
            ok = false;
        } else if p.log && p.min <= 0.0 {
            pb.at(
                "parameters",
                Some(i),
                Some("min"),
                &key,
                format!("a log range needs `min` > 0, got {}", p.min),
            );
            ok = false;
        }
        if paths.contains(&ps) {
            pb.at(
                "parameters",
                Some(i),
                Some("path"),
                &key,
                format!("`{ps}` is listed twice"),
            );
        }
        if let (true, Some(b)) = (ok, &base) {
            check_path(&mut pb, b, "parameters", i, &ps, &[p.min, p.max]);
        }
        ranges.push((p.min, p.max, p.log));
        paths.push(ps);
    }
    let mut selected = Vec::new();
    if let Some(b) = &base {
        let model = &b.model;
        let catalog = crate::sweep::spec::catalog(model);
        check_outcomes(&mut pb, "sensitivity", &m.outcomes, &catalog);
        selected = m
            .outcomes
            .iter()
            .map(|o| catalog.iter().position(|c| c == o).unwrap_or(0))
            .collect();
    }
    pb.result()?;
    let base = base.expect("validated");
    Ok(Sa {
        name: m.name.trim().to_string(),
        seed: m.seed.unwrap_or(base.model.seed),
        setup: base.setup(paths),
        method,
        samples: m.samples as usize,
        replicates: m.replicates as u64,
        outcomes: m.outcomes.clone(),
        selected,
        levels: m.levels as usize,
        bootstrap: m.bootstrap as usize,
        ranges,
    })
}
