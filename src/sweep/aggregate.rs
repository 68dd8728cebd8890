//! `aggregate.csv`: one row per grid point, the swept values then `mean, sd, p10, median,
//! p90` of every outcome across the replicates. Computed by streaming a complete runs.csv
//! (replicates of a grid point are consecutive rows), so a resumed or merged sweep
//! aggregates exactly the bytes an uninterrupted one does, and memory stays flat.

use super::grid::Grid;
use super::spec::Plan;
use crate::error::{Error, Result};
use crate::output::atomic::AtomicFile;
use crate::stats::Stats;
use std::io::{BufRead, Write};
use std::path::Path;

/// The statistics columns per outcome, in order.
pub const STATS: [&str; 5] = ["mean", "sd", "p10", "median", "p90"];

fn fmt(x: Option<f64>) -> String {
    match x {
        None => String::new(),
        Some(v) => format!("{}", crate::output::summary::round6(v) + 0.0),
    }
}

/// The header of aggregate.csv.
pub fn header(grid: &Grid, plan: &Plan) -> String {
    let mut cols: Vec<String> = grid
        .paths
        .iter()
        .map(|p| super::grid::csv_field(p))
        .collect();
    for o in &plan.outcomes {
        for s in STATS {
            cols.push(super::grid::csv_field(&format!("{o}.{s}")));
        }
    }
    cols.join(",") + "\n"
}

/// Per grid point, the statistics of the outcomes named in `want` (plots).
pub type PlotData = Vec<Vec<Stats>>;

/// Reads `dir/runs.csv` (complete, unsharded) and writes `dir/aggregate.csv`. Returns the
/// statistics of the outcomes in `want` (indices into `plan.outcomes`) per grid point.
pub fn write(dir: &Path, plan: &Plan, grid: &Grid, want: &[usize]) -> Result<PlotData> {
    let runs_path = dir.join("runs.csv");
    let f = std::fs::File::open(&runs_path)
        .map_err(|e| Error::Other(format!("cannot read {}: {e}", runs_path.display())))?;
    let mut lines = std::io::BufReader::new(f).lines();
    let bad =
        |n: u64, what: String| Error::Other(format!("{} line {n}: {what}", runs_path.display()));
    let mut next_line = |n: u64| -> Result<String> {
        match lines.next() {
            Some(Ok(l)) => Ok(l),
            Some(Err(e)) => Err(bad(n, e.to_string())),
            None => Err(bad(
                n,
                "missing (the sweep is not complete; use --resume)".into(),
            )),
        }
    };
    let header_expected = grid.runs_header(&plan.outcomes);
    let h = next_line(1)?;
    if h != header_expected.trim_end_matches('\n') {
        return Err(bad(1, "the header does not match the sweep".into()));
    }
    let mut agg = AtomicFile::create(&dir.join("aggregate.csv"))?;
    let werr = |e: std::io::Error| Error::Other(format!("cannot write aggregate.csv: {e}"));
    agg.writer()
        .write_all(header(grid, plan).as_bytes())
        .map_err(werr)?;
    let k = plan.outcomes.len();
    let r_n = grid.replicates as usize;
    let mut vals: Vec<Vec<Option<f64>>> = vec![Vec::with_capacity(r_n); k];
    let mut data: PlotData = Vec::with_capacity(if want.is_empty() {
        0
    } else {
        grid.points as usize
    });
    for g in 0..grid.points {
        for v in vals.iter_mut() {
            v.clear();
        }
        for r in 0..grid.replicates {
            let run = g * grid.replicates + r;
            let n = run + 2;
            let line = next_line(n)?;
            let prefix = grid.prefix(run);
            let rest = line
                .strip_prefix(&prefix)
                .filter(|r| r.is_empty() || r.starts_with(','))
                .ok_or_else(|| bad(n, format!("expected the row of run {run}")))?;
            let mut cells = rest.split(',').skip(1);
            for (o, v) in vals.iter_mut().enumerate() {
                let c = cells.next().ok_or_else(|| {
                    bad(n, format!("too few columns (outcome {})", plan.outcomes[o]))
                })?;
                v.push(if c.is_empty() {
                    None
                } else {
                    Some(
                        c.parse::<f64>()
                            .map_err(|_| bad(n, format!("`{c}` is not a number")))?,
                    )
                });
            }
            if cells.next().is_some() {
                return Err(bad(n, "too many columns".into()));
            }
        }
        let mut line = grid.point_cells(g);
        let mut first = grid.dims.is_empty();
        let mut keep = Vec::with_capacity(want.len());
        for (o, v) in vals.iter().enumerate() {
            let s = Stats::of(v);
            for x in [s.mean, s.sd, s.p10, s.median, s.p90] {
                if !first {
                    line.push(',');
                }
                first = false;
                line.push_str(&fmt(x));
            }
            if want.contains(&o) {
                keep.push((o, s));
            }
        }
        line.push('\n');
        agg.writer().write_all(line.as_bytes()).map_err(werr)?;
        if !want.is_empty() {
            data.push(
                want.iter()
                    .map(|w| {
                        keep.iter()
                            .find(|(o, _)| o == w)
                            .map(|x| x.1.clone())
                            .unwrap_or_else(|| Stats::of(&[]))
                    })
                    .collect(),
            );
        }
    }
    if let Some(Ok(extra)) = lines.next() {
        if !extra.is_empty() {
            return Err(bad(
                grid.runs + 2,
                "more rows than the sweep has runs".into(),
            ));
        }
    }
    agg.commit()?;
    Ok(data)
}
