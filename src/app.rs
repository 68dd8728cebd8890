//! The application layer under the command line, the sweep runner and the classroom
//! server: finding a scenario (a file or a bundled one), loading it with the run's
//! overrides, running replicates on a thread pool, default output directories, and the
//! one-screen description of a scenario.

use crate::error::{Error, Result};
use crate::scenario::{self, Scenario};
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// Resolves a scenario argument: a file, or the name/path of a bundled scenario.
pub fn scenario_text(arg: &Path) -> Result<(PathBuf, String)> {
    if arg.exists() {
        let text = std::fs::read_to_string(arg).map_err(|e| {
            Error::input(
                &arg.display().to_string(),
                "",
                format!("cannot read the file: {e}"),
            )
        })?;
        return Ok((arg.to_path_buf(), text));
    }
    let a = arg.to_string_lossy();
    for (path, text) in BUNDLED {
        let stem = Path::new(path)
            .file_stem()
            .map(|s| s.to_string_lossy().to_string());
        if *path == a
            || stem.as_deref() == Some(&a)
            || path.trim_end_matches(".toml").ends_with(&*a)
        {
            return Ok((PathBuf::from(path), text.to_string()));
        }
    }
    let names: Vec<String> = BUNDLED
        .iter()
        .filter_map(|(p, _)| {
            Path::new(p)
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
        })
        .collect();
    Err(Error::input(
        &a,
        "",
        format!(
            "no such file, and no bundled scenario of that name{}; bundled: {}",
            crate::error::did_you_mean(&a, &names),
            names.join(", ")
        ),
    ))
}

/// Loads a scenario with the run's overrides (`--seed`, `--steps`, `--set`).
pub fn load_scenario(
    arg: &Path,
    seed: Option<u64>,
    steps: Option<i64>,
    set: &[String],
) -> Result<Scenario> {
    let (path, text) = scenario_text(arg)?;
    let mut overrides = Vec::new();
    // A seed is any u64 (runs.csv of a sweep writes such seeds); TOML integers stop at
    // i64::MAX, so larger seeds are set on the loaded scenario instead.
    let big_seed = seed.filter(|&s| s > i64::MAX as u64);
    if let Some(s) = seed.filter(|_| big_seed.is_none()) {
        overrides.push(format!("scenario.seed={s}"));
    }
    if let Some(s) = steps {
        overrides.push(format!("scenario.steps={s}"));
    }
    overrides.extend(set.iter().cloned());
    let mut sc = scenario::from_text(&path, &text, &overrides)?;
    if let Some(s) = big_seed {
        sc.model.seed = s;
        sc.file.scenario.seed = s;
        sc.overrides.insert(0, format!("scenario.seed={s}"));
    }
    Ok(sc)
}

/// Builds a rayon pool with `threads` workers (None: all cores).
pub fn pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    if threads == Some(0) {
        return Err(Error::input("--threads", "", "must be ≥ 1"));
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.map_or(0, |t| t.min(useful_threads())))
        .build()
        .map_err(|e| Error::Other(format!("cannot start worker threads: {e}")))
}

/// What one `normlife run` may take unless `--allow-large` is given (docs/robustness in
/// the README): 10¹² state-norm-steps (hours on a laptop core) and 8 GB held at once.
pub const RUN_LIMIT: crate::limits::Limit = crate::limits::Limit {
    work: 1e12,
    bytes: 8.0 * 1024.0 * 1024.0 * 1024.0,
    scope: "one run",
    advice: "lower population.n, scenario.steps or --replicates, or pass --allow-large if this machine can take it",
};

/// Refuses (exit 2, with the estimate) a run over `RUN_LIMIT` before anything is
/// allocated, unless `allow_large`.
pub fn check_size(
    sc: &Scenario,
    replicates: u64,
    threads: Option<usize>,
    allow_large: bool,
) -> Result<()> {
    if allow_large {
        return Ok(());
    }
    let workers = threads.unwrap_or(usize::MAX).min(useful_threads());
    let e = crate::limits::estimate(&sc.model, replicates, workers);
    crate::limits::check(&e, &RUN_LIMIT)
}

/// The most worker threads that help: one per core (results do not depend on the count,
/// so `--threads 100000` is capped here instead of starting 100,000 threads).
pub fn useful_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs the replicates of a scenario in parallel; results are in replicate order.
pub fn run_replicates(
    sc: &Scenario,
    replicates: u64,
    threads: Option<usize>,
) -> Result<Vec<crate::observe::RunResult>> {
    use rayon::prelude::*;
    if replicates == 0 {
        return Err(Error::input("--replicates", "", "must be ≥ 1"));
    }
    let pool = pool(threads)?;
    let m = &sc.model;
    Ok(pool.install(|| {
        (0..replicates)
            .into_par_iter()
            .map(|r| crate::engine::run(m, r))
            .collect()
    }))
}

/// The manifest of a run directory (`output::outdir::MANIFEST`; `outdir` adds the list of
/// files): what was run, so that a reader can tell a complete run directory and what
/// made it.
pub fn run_manifest(sc: &Scenario, replicates: u64) -> serde_json::Value {
    serde_json::json!({
        "normlife": env!("CARGO_PKG_VERSION"),
        "kind": "run",
        "scenario": sc.model.name,
        "file": sc.path.display().to_string(),
        "seed": sc.model.seed,
        "steps": sc.model.steps,
        "replicates": replicates,
        "overrides": sc.overrides,
    })
}

pub fn default_out(name: &str) -> PathBuf {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    PathBuf::from("out").join(safe)
}

/// The bundled scenarios, sweeps, fits and sensitivity analyses: (path, first line of
/// the description).
pub fn bundled() -> Vec<(&'static str, String)> {
    BUNDLED
        .iter()
        .map(|(path, text)| {
            let t: toml::Table = text.parse().unwrap_or_default();
            let desc = t
                .get("scenario")
                .or_else(|| t.get("sweep"))
                .or_else(|| t.get("fit"))
                .or_else(|| t.get("sensitivity"))
                .and_then(|s| s.get("description"))
                .and_then(|d| d.as_str())
                .unwrap_or("")
                .lines()
                .next()
                .unwrap_or("")
                .to_string();
            (*path, desc)
        })
        .collect()
}

/// A one-screen description of a valid scenario.
pub fn describe(sc: &Scenario) -> String {
    let m = &sc.model;
    let mut s = format!("{}: valid scenario \"{}\"\n", sc.path.display(), m.name);
    if !m.description.is_empty() {
        s.push_str(&format!("  {}\n", m.description.trim()));
    }
    s.push_str(&format!(
        "  time: {} steps of {} year(s){}; tipping share {:.3}; seed {}\n",
        m.steps,
        m.dt,
        m.start_year
            .map(|y| format!(" from {y}"))
            .unwrap_or_default(),
        m.tipping_share,
        m.seed
    ));
    s.push_str(&format!(
        "  states: {} ({} listed, {} generated) in {} region(s): {}\n",
        m.n_states(),
        m.listed.len(),
        m.population.as_ref().map_or(0, |p| p.n),
        m.regions.len(),
        m.regions.join(", ")
    ));
    for n in &m.norms {
        s.push_str(&format!(
            "  norm {}{}: {} initial adopter(s) listed, {} random\n",
            n.id,
            if n.dominant { " (dominant)" } else { "" },
            n.initial_adopters.len(),
            n.initial_random + (n.initial_share * m.n_states() as f64).round() as usize
        ));
    }
    for c in &m.coalitions {
        s.push_str(&format!(
            "  coalition {}: power {}, lobbies {}, {} per step, resources {}, promotes {}\n",
            c.id,
            c.power,
            strategy_words(c.strategy),
            c.targets_per_step,
            c.resources,
            c.norms
                .iter()
                .map(|&k| m.norms[k].id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let so = &m.socialization;
    s.push_str(&format!(
        "  socialization: scopes system {:.2} / region {:.2} / network {:.2}, {} response, conformity {:.2} / esteem {:.2}, legitimation {}\n",
        so.scope[0], so.scope[1], so.scope[2], response_words(so.response), so.conformity, so.esteem, so.legitimation
    ));
    if let Some(n) = &m.network {
        s.push_str(&format!("  network: {}\n", network_words(n.kind)));
    }
    s
}

/// A lobbying strategy in the project's words (as in the scenario file's documentation).
fn strategy_words(x: crate::model::Strategy) -> &'static str {
    use crate::model::Strategy::*;
    match x {
        CriticalFirst => "critical states first",
        RegionFirst => "region by region",
        WeightFirst => "the weightiest states first",
        Random => "states at random",
    }
}

fn response_words(x: crate::model::Response) -> &'static str {
    use crate::model::Response::*;
    match x {
        Threshold => "threshold",
        Logistic => "logistic",
        Linear => "linear",
    }
}

fn network_words(x: crate::model::NetworkKind) -> &'static str {
    use crate::model::NetworkKind::*;
    match x {
        ErdosRenyi => "random graph (Erdős–Rényi)",
        WattsStrogatz => "small world (Watts–Strogatz)",
        BarabasiAlbert => "scale-free (Barabási–Albert)",
        Ring => "ring",
        EdgeList => "edge list from a file",
    }
}
