//! The grid of a sweep and the numbering of its runs.
//!
//! Grid points are numbered in row-major order of the axes as the sweep file lists them
//! (the last axis varies fastest); replicates are innermost:
//! `run = grid_point * replicates + replicate`. A run's seed is
//! `rng::run_seed(sweep seed, run)`, so a run's result depends only on the sweep file,
//! never on threads, shards or the order in which runs finish.

use super::spec::{cell, numeric, Loaded, Plan};
use crate::error::{Error, Problem, Result};
use crate::model::Model;
use crate::scenario::{self, overrides};

/// Axis values in their three forms, and the row prefixes of runs.csv.
#[derive(Debug, Clone)]
pub struct Grid {
    pub paths: Vec<String>,
    pub dims: Vec<u64>,
    /// TOML text of each value (applied as `--set PATH=VALUE`).
    pub reprs: Vec<Vec<String>>,
    /// CSV cell of each value (already quoted if needed).
    pub cells: Vec<Vec<String>>,
    /// Raw display text of each value (plot labels).
    pub labels: Vec<Vec<String>>,
    pub numbers: Vec<Vec<Option<f64>>>,
    pub points: u64,
    pub replicates: u64,
    pub seed: u64,
    pub runs: u64,
}

/// Quotes a CSV field when needed (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

impl Grid {
    pub fn new(plan: &Plan) -> Grid {
        let mut g = Grid {
            paths: Vec::new(),
            dims: Vec::new(),
            reprs: Vec::new(),
            cells: Vec::new(),
            labels: Vec::new(),
            numbers: Vec::new(),
            points: plan.grid_points(),
            replicates: plan.replicates,
            seed: plan.seed,
            runs: plan.runs,
        };
        for a in &plan.axes {
            let vals: Vec<toml::Value> =
                a.values.iter().map(|v| overrides::parse_value(v)).collect();
            g.paths.push(a.path.clone());
            g.dims.push(vals.len() as u64);
            g.reprs.push(a.values.clone());
            g.labels.push(vals.iter().map(cell).collect());
            g.cells
                .push(vals.iter().map(|v| csv_field(&cell(v))).collect());
            g.numbers.push(vals.iter().map(numeric).collect());
        }
        g
    }

    /// The index of each axis value at grid point `g`.
    pub fn index(&self, g: u64) -> Vec<usize> {
        let mut idx = vec![0usize; self.dims.len()];
        let mut rest = g;
        for a in (0..self.dims.len()).rev() {
            idx[a] = (rest % self.dims[a]) as usize;
            rest /= self.dims[a];
        }
        idx
    }

    /// `PATH=VALUE` overrides of grid point `g`.
    pub fn overrides(&self, g: u64) -> Vec<String> {
        self.index(g)
            .iter()
            .enumerate()
            .map(|(a, &i)| format!("{}={}", self.paths[a], self.reprs[a][i]))
            .collect()
    }

    /// The swept-value cells of grid point `g`, comma-separated.
    pub fn point_cells(&self, g: u64) -> String {
        let idx = self.index(g);
        let v: Vec<&str> = idx
            .iter()
            .enumerate()
            .map(|(a, &i)| self.cells[a][i].as_str())
            .collect();
        v.join(",")
    }

    /// `run,replicate,seed[,swept values]` of a run (no trailing comma).
    pub fn prefix(&self, run: u64) -> String {
        let g = run / self.replicates;
        let r = run % self.replicates;
        let mut s = format!("{run},{r},{}", crate::rng::run_seed(self.seed, run));
        if !self.dims.is_empty() {
            s.push(',');
            s.push_str(&self.point_cells(g));
        }
        s
    }

    /// The header of runs.csv.
    pub fn runs_header(&self, outcomes: &[String]) -> String {
        let mut cols: Vec<String> = vec!["run".into(), "replicate".into(), "seed".into()];
        cols.extend(self.paths.iter().map(|p| csv_field(p)));
        cols.extend(outcomes.iter().map(|o| csv_field(o)));
        cols.join(",") + "\n"
    }
}

/// The model of grid point `g`, with the sweep's base seed.
pub fn model(l: &Loaded, grid: &Grid, g: u64) -> Result<Model> {
    let sets = grid.overrides(g);
    let mut m = scenario::from_text(&l.base_path, &l.base_text, &sets)
        .map_err(|e| at_point(l, &sets, e))?
        .model;
    m.seed = grid.seed;
    Ok(m)
}

/// Relocates the problems of a grid point to the sweep file.
fn at_point(l: &Loaded, sets: &[String], e: Error) -> Error {
    match e {
        Error::Input(probs) => Error::Input(
            probs
                .into_iter()
                .map(|q| {
                    let lc = super::spec::locate_in(&l.sweep_text, "axes", Some(0), Some("path"));
                    Problem {
                        source: l.sweep_path.display().to_string(),
                        line: lc.map(|x| x.0),
                        column: lc.map(|x| x.1),
                        key: "axes".into(),
                        message: format!(
                            "the combination {} is not a valid scenario: {}{}",
                            sets.join(", "),
                            if q.key.is_empty() {
                                String::new()
                            } else {
                                format!("`{}`: ", q.key)
                            },
                            super::spec::clean(&q.message)
                        ),
                    }
                })
                .collect(),
        ),
        other => other,
    }
}

/// Checks every combination of axis values (single values were also checked when the
/// sweep file was loaded) and returns the work of the whole sweep in state-norm-steps
/// (`limits::estimate` of each grid point × replicates). Reports up to 10 bad points.
pub fn validate(l: &Loaded, grid: &Grid, pool: &rayon::ThreadPool) -> Result<f64> {
    use rayon::prelude::*;
    let work = |m: &Model| crate::limits::estimate(m, grid.replicates, 1).work;
    if grid.dims.is_empty() {
        return Ok(work(&l.base_model));
    }
    type Acc = (f64, Vec<(u64, Error)>);
    let (total, mut bad): Acc = pool.install(|| {
        (0..grid.points)
            .into_par_iter()
            .fold(
                || (0.0, Vec::new()),
                |(w, mut bad): Acc, g| match model(l, grid, g) {
                    Ok(m) if m.norms.len() != l.base_model.norms.len() => {
                        bad.push((g, changes_norms(l, grid, g)));
                        (w, bad)
                    }
                    Ok(m) => (w + work(&m), bad),
                    Err(e) => {
                        bad.push((g, e));
                        (w, bad)
                    }
                },
            )
            .reduce(
                || (0.0, Vec::new()),
                |(a, mut x), (b, y)| {
                    x.extend(y);
                    (a + b, x)
                },
            )
    });
    if bad.is_empty() {
        return Ok(total);
    }
    bad.sort_by_key(|x| x.0);
    let total = bad.len();
    let mut probs = Vec::new();
    for (_, e) in bad.into_iter().take(10) {
        match e {
            Error::Input(p) => probs.extend(p),
            other => return Err(other),
        }
    }
    if total > 10 {
        probs.push(Problem {
            source: l.sweep_path.display().to_string(),
            line: None,
            column: None,
            key: "axes".into(),
            message: format!("… and {} more invalid combinations", total - 10),
        });
    }
    Err(Error::Input(probs))
}

fn changes_norms(l: &Loaded, grid: &Grid, g: u64) -> Error {
    Error::input(
        &l.sweep_path.display().to_string(),
        "axes",
        format!(
            "the combination {} changes the norms of the scenario",
            grid.overrides(g).join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn row_major_replicates_innermost() {
        let plan = Plan {
            name: "t".into(),
            description: String::new(),
            scenario: String::new(),
            scenario_fingerprint: String::new(),
            replicates: 2,
            seed: 1,
            axes: vec![
                super::super::spec::Axis {
                    path: "a.x".into(),
                    values: vec!["1".into(), "2".into()],
                },
                super::super::spec::Axis {
                    path: "b.y".into(),
                    values: vec!["\"p\"".into(), "\"q,r\"".into(), "0.5".into()],
                },
            ],
            outcomes: vec![],
            plots: vec![],
            runs: 12,
            shard: None,
        };
        let g = Grid::new(&plan);
        assert_eq!(g.points, 6);
        assert_eq!(g.index(0), vec![0, 0]);
        assert_eq!(g.index(1), vec![0, 1]);
        assert_eq!(g.index(3), vec![1, 0]);
        assert_eq!(
            g.overrides(5),
            vec!["a.x=2".to_string(), "b.y=0.5".to_string()]
        );
        assert!(g.prefix(3).starts_with("3,1,"));
        assert!(g.prefix(3).ends_with(",1,\"q,r\""));
    }
}
