//! `timeseries.csv` and `events.csv`, columns exactly as INTERFACE.md (extra columns after).

use crate::error::{Error, Result};
use crate::model::{EventKind, Model};
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

pub const EVENTS_HEADER: [&str; 9] = [
    "replicate",
    "step",
    "kind",
    "norm",
    "actor",
    "forum",
    "detail",
    "year",
    "collision",
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

/// Whether `s` is the id of something the scenario names: a coalition, a listed state, a
/// forum or a norm (a generated state's actor is its id, set from the event's state).
fn is_id(m: &Model, s: &str) -> bool {
    m.coalitions.iter().any(|c| c.id == s)
        || m.forums.iter().any(|f| f.id == s)
        || m.norms.iter().any(|n| n.id == s)
        || m.listed.iter().any(|x| x.id == s)
}

/// The `norm`, `actor` and `detail` fields of an event as written: a collision event
/// without a norm gets the norm placed on top (a resolution) or the one invoked at its
/// latest articulation, and a crowded-out articulation its articulating coalition; an
/// actor that is not an id (e.g. "member states") moves into `detail`.
fn event_fields(m: &Model, r: &RunResult, i: usize) -> [String; 3] {
    let e = &r.events[i];
    let mut norm = e.norm;
    let mut actor = e.actor.clone();
    let mut detail = e.detail.clone();
    if let Some(c) = e.kind.collision() {
        let last = r.events[..i].iter().rev().find(|x| {
            matches!(x.kind, EventKind::CollisionArticulated { collision, .. } if collision == c)
        });
        if let EventKind::CollisionEnded {
            winner: Some(k), ..
        } = e.kind
        {
            norm = norm.or(Some(k));
        }
        if let Some(a) = last {
            norm = norm.or(a.norm);
            if matches!(e.kind, EventKind::CollisionCrowdedOut { .. }) && actor.is_empty() {
                actor = a.actor.clone();
            }
        }
    }
    if e.state.is_none() && !actor.is_empty() && !is_id(m, &actor) {
        detail = format!("{detail} ({actor})");
        actor.clear();
    }
    let norm = norm.map(|k| m.norms[k].id.clone()).unwrap_or_default();
    [norm, actor, detail]
}

pub fn write_events(path: &Path, m: &Model, runs: &[RunResult]) -> Result<()> {
    let mut f = super::atomic::AtomicFile::create(path)?;
    {
        let mut w = csv::Writer::from_writer(f.writer());
        w.write_record(EVENTS_HEADER)
            .map_err(|e| csv_err(path, e))?;
        for r in runs {
            for (i, e) in r.events.iter().enumerate() {
                let [norm, actor, detail] = event_fields(m, r, i);
                let collision = e
                    .kind
                    .collision()
                    .map_or(String::new(), |c| m.incompatibilities[c].id.clone());
                w.write_record([
                    r.run.to_string(),
                    e.step.to_string(),
                    e.kind.to_string(),
                    norm,
                    actor,
                    e.forum.clone(),
                    detail,
                    fmt_time(m, e.step as f64),
                    collision,
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
