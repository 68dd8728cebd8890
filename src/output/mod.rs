//! Outputs: CSV tables, the JSON summary, the student-readable text and the plots. Every
//! file is written atomically (`atomic`).

pub mod atomic;
pub mod dates;
pub mod outdir;
pub mod plots;
pub mod summary;
pub mod tables;
pub mod text;

use crate::error::{Error, Result};
use crate::model::Model;
use crate::observe::RunResult;
use std::path::Path;

/// Creates the output directory; failure is bad input (exit 2): the user chose the path.
pub fn prepare_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| {
        Error::input(
            "--out",
            "",
            format!(
                "cannot create the output directory {}: {e}; choose a writable directory",
                dir.display()
            ),
        )
    })?;
    // Probe writability now, so a run does not fail after its work is done.
    let probe = dir.join(format!(".normlife-probe-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|e| {
        Error::input(
            "--out",
            "",
            format!(
                "the output directory {} is not writable: {e}",
                dir.display()
            ),
        )
    })?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Writes every run output of INTERFACE.md into `dir`.
pub fn write_run(dir: &Path, m: &Model, runs: &[RunResult]) -> Result<()> {
    tables::write_timeseries(&dir.join("timeseries.csv"), m, runs)?;
    tables::write_events(&dir.join("events.csv"), m, runs)?;
    tables::write_collisions(&dir.join("collisions.csv"), m, runs)?;
    tables::write_coalitions(&dir.join("coalitions.csv"), m, runs)?;
    let js = summary::summary_json(m, runs, summary::collisions_json(m, runs));
    let mut bytes = serde_json::to_vec_pretty(&js).map_err(|e| Error::Other(e.to_string()))?;
    bytes.push(b'\n');
    atomic::write(&dir.join("summary.json"), &bytes)?;
    atomic::write(
        &dir.join("summary.txt"),
        text::summary_text(m, runs).as_bytes(),
    )?;
    plots::write_run_plots(dir, m, runs)
}
