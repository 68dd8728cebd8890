//! The plots a sweep file asks for, from the per-grid-point statistics of aggregate.csv.
//!
//! * heat map of outcome Z over axes X, Y: each cell is the mean across replicates; with
//!   more than two axes, the average of those means over the other axes.
//! * band over axis X for outcome Y: the median and the 10–90% band across replicates;
//!   with more than one axis, the average of the grid points' median, p10 and p90 over
//!   the other axes. X values where no grid point has a value are left out.
//!
//! Drawing is `crate::output::plots` (`heatmap`, `band`).

use super::aggregate::PlotData;
use super::grid::Grid;
use super::spec::{Plan, PlotKind};
use crate::error::Result;
use std::path::{Path, PathBuf};

/// Outcome indices (into `plan.outcomes`) that the plots need, without duplicates.
pub fn wanted(plan: &Plan) -> Vec<usize> {
    let mut w = Vec::new();
    for p in &plan.plots {
        let o = match p.kind {
            PlotKind::Heatmap => p.z.as_deref().unwrap_or(""),
            PlotKind::Band => p.y.as_str(),
        };
        if let Some(i) = plan.outcomes.iter().position(|x| x == o) {
            if !w.contains(&i) {
                w.push(i);
            }
        }
    }
    w
}

fn mean(xs: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let v: Vec<f64> = xs.flatten().collect();
    if v.is_empty() {
        None
    } else {
        Some(v.iter().sum::<f64>() / v.len() as f64)
    }
}

/// Draws every plot of the sweep into `dir`; returns the stems written.
pub fn draw(dir: &Path, plan: &Plan, grid: &Grid, data: &PlotData) -> Result<Vec<PathBuf>> {
    let want = wanted(plan);
    let mut written = Vec::new();
    let idx: Vec<Vec<usize>> = (0..grid.points).map(|g| grid.index(g)).collect();
    for p in &plan.plots {
        let axis = |path: &str| grid.paths.iter().position(|a| a == path);
        let stem = dir.join(&p.file);
        match p.kind {
            PlotKind::Heatmap => {
                let (Some(ax), Some(ay), Some(z)) = (axis(&p.x), axis(&p.y), p.z.as_deref()) else {
                    continue;
                };
                let Some(w) = plan
                    .outcomes
                    .iter()
                    .position(|o| o == z)
                    .and_then(|o| want.iter().position(|&x| x == o))
                else {
                    continue;
                };
                let nx = grid.dims[ax] as usize;
                let ny = grid.dims[ay] as usize;
                let zz: Vec<Vec<Option<f64>>> = (0..ny)
                    .map(|yi| {
                        (0..nx)
                            .map(|xi| {
                                mean(
                                    idx.iter()
                                        .enumerate()
                                        .filter(|(_, i)| i[ax] == xi && i[ay] == yi)
                                        .map(|(g, _)| data[g][w].mean),
                                )
                            })
                            .collect()
                    })
                    .collect();
                crate::output::plots::heatmap(
                    &stem,
                    &p.title,
                    &p.x,
                    &grid.labels[ax],
                    &p.y,
                    &grid.labels[ay],
                    &zz,
                    z,
                )?;
                written.push(stem);
            }
            PlotKind::Band => {
                let Some(ax) = axis(&p.x) else { continue };
                let Some(w) = plan
                    .outcomes
                    .iter()
                    .position(|o| o == &p.y)
                    .and_then(|o| want.iter().position(|&x| x == o))
                else {
                    continue;
                };
                let (mut xs, mut med, mut lo, mut hi) =
                    (Vec::new(), Vec::new(), Vec::new(), Vec::new());
                for xi in 0..grid.dims[ax] as usize {
                    let Some(x) = grid.numbers[ax][xi] else {
                        continue;
                    };
                    let pts: Vec<usize> = (0..idx.len()).filter(|&g| idx[g][ax] == xi).collect();
                    let m = mean(pts.iter().map(|&g| data[g][w].median));
                    let l = mean(pts.iter().map(|&g| data[g][w].p10));
                    let h = mean(pts.iter().map(|&g| data[g][w].p90));
                    if let (Some(m), Some(l), Some(h)) = (m, l, h) {
                        xs.push(x);
                        med.push(m);
                        lo.push(l);
                        hi.push(h);
                    }
                }
                crate::output::plots::band(&stem, &p.title, &p.x, &xs, &med, &lo, &hi, &p.y)?;
                written.push(stem);
            }
        }
    }
    Ok(written)
}
