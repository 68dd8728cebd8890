//! `timeseries.csv` and `events.csv`, columns exactly as INTERFACE.md (extra columns after).

use crate::error::{Error, Result};
use crate::model::Model;
use crate::observe::RunResult;
use std::path::Path;

pub const TIMESERIES_HEADER: [&str; 18] = [
    "replicate",
    "step",
    "norm",
    "adopters",
    "weighted_share",
    "compliance",
    "internalization",
    "new_domestic",
    "new_persuasion",
    "new_socialization",
    "new_cluster",
    "stage",
    // extras
    "year",
    "counted_share",
    "backslides",
    "states",
    "signatories",
    "parties",
];

pub const EVENTS_HEADER: [&str; 8] = [
    "replicate",
    "step",
    "kind",
    "norm",
    "actor",
    "forum",
    "detail",
    "year",
];

fn csv_err(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Other(format!("cannot write {}: {e}", path.display()))
}

/// Formats a time: a year if the scenario has a time axis, otherwise the step × Δt.
pub fn fmt_time(m: &Model, step: f64) -> String {
    let t = m.time_of(step);
    if (t - t.round()).abs() < 1e-9 {
        format!("{}", t.round() as i64)
    } else {
        format!("{t:.2}")
    }
}

pub fn write_timeseries(path: &Path, m: &Model, runs: &[RunResult]) -> Result<()> {
    let mut f = super::atomic::AtomicFile::create(path)?;
    {
        let mut w = csv::Writer::from_writer(f.writer());
        w.write_record(TIMESERIES_HEADER)
            .map_err(|e| csv_err(path, e))?;
        for r in runs {
            for row in &r.rows {
                w.write_record([
                    r.run.to_string(),
                    row.step.to_string(),
                    m.norms[row.norm].id.clone(),
                    row.adopters.to_string(),
                    format!("{:.6}", row.weighted_share),
                    format!("{:.6}", row.compliance),
                    format!("{:.6}", row.internalization),
                    row.new_domestic.to_string(),
                    row.new_persuasion.to_string(),
                    row.new_socialization.to_string(),
                    row.new_cluster.to_string(),
                    row.stage.name().to_string(),
                    fmt_time(m, row.step as f64),
                    format!("{:.6}", row.counted_share),
                    row.backslides.to_string(),
                    row.states.to_string(),
                    row.signatories.to_string(),
                    row.parties.to_string(),
                ])
                .map_err(|e| csv_err(path, e))?;
            }
        }
        w.flush().map_err(|e| csv_err(path, e))?;
    }
    f.commit()
}

pub fn write_events(path: &Path, m: &Model, runs: &[RunResult]) -> Result<()> {
    let mut f = super::atomic::AtomicFile::create(path)?;
    {
        let mut w = csv::Writer::from_writer(f.writer());
        w.write_record(EVENTS_HEADER)
            .map_err(|e| csv_err(path, e))?;
        for r in runs {
            for e in &r.events {
                w.write_record([
                    r.run.to_string(),
                    e.step.to_string(),
                    e.kind.to_string(),
                    e.norm.map(|k| m.norms[k].id.clone()).unwrap_or_default(),
                    e.actor.clone(),
                    e.forum.clone(),
                    e.detail.clone(),
                    fmt_time(m, e.step as f64),
                ])
                .map_err(|x| csv_err(path, x))?;
            }
        }
        w.flush().map_err(|e| csv_err(path, e))?;
    }
    f.commit()
}

/// `collisions.csv`: intensity and phase of every potential collision at every step.
pub fn write_collisions(path: &Path, m: &Model, runs: &[RunResult]) -> Result<()> {
    let mut f = super::atomic::AtomicFile::create(path)?;
    {
        let mut w = csv::Writer::from_writer(f.writer());
        w.write_record([
            "replicate",
            "step",
            "collision",
            "forum",
            "intensity",
            "state",
            "year",
        ])
        .map_err(|e| csv_err(path, e))?;
        const PHASES: [&str; 4] = ["latent", "articulated", "active", "ended"];
        for r in runs {
            for c in &r.collisions {
                for (t, (&i, &ph)) in c.intensity.iter().zip(&c.phase).enumerate() {
                    w.write_record([
                        r.run.to_string(),
                        t.to_string(),
                        c.id.clone(),
                        c.forum.clone(),
                        format!("{i:.6}"),
                        PHASES[ph as usize].to_string(),
                        fmt_time(m, t as f64),
                    ])
                    .map_err(|e| csv_err(path, e))?;
                }
            }
        }
        w.flush().map_err(|e| csv_err(path, e))?;
    }
    f.commit()
}

/// `coalitions.csv`: every coalition's resources at every step (burnout, monitoring funding).
pub fn write_coalitions(path: &Path, m: &Model, runs: &[RunResult]) -> Result<()> {
    let mut f = super::atomic::AtomicFile::create(path)?;
    {
        let mut w = csv::Writer::from_writer(f.writer());
        w.write_record(["replicate", "step", "coalition", "resources", "year"])
            .map_err(|e| csv_err(path, e))?;
        for r in runs {
            for (ci, series) in r.coalition_resources.iter().enumerate() {
                for (t, x) in series.iter().enumerate() {
                    w.write_record([
                        r.run.to_string(),
                        t.to_string(),
                        m.coalitions[ci].id.clone(),
                        format!("{x:.4}"),
                        fmt_time(m, t as f64),
                    ])
                    .map_err(|e| csv_err(path, e))?;
                }
            }
        }
        w.flush().map_err(|e| csv_err(path, e))?;
    }
    f.commit()
}
