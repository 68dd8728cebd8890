//! The command line (clap): the argument types and one `cmd_*` per command, on top of
//! `app`. Raw arguments here; the library gets validated objects.
//! One place maps failures to exit codes: bad input 2, anything else 1.

use crate::app::{self, default_out, load_scenario, run_replicates, scenario_text};
use crate::error::{Error, Result};
use crate::output;
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};

#[derive(Parser, Debug)]
#[command(
    name = "normlife",
    version,
    about = "Agent-based simulation of the international norm life cycle: emergence, tipping point and cascade, internalization; advocacy coalitions and norm collisions."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// One run (or R replicates) of a scenario; writes timeseries.csv, events.csv,
    /// summary.json, summary.txt (and plots) into the output directory.
    Run(RunArgs),
    /// Validates a scenario file: prints every problem, or a one-screen description.
    Check {
        /// The scenario (or sweep) file.
        file: PathBuf,
        /// Overrides, as for `run`.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
    },
    /// Lists the bundled scenarios with one line each.
    Scenarios,
    /// The classroom page: a local web server (127.0.0.1 only) with controls generated
    /// from the scenario, the plots, the events and the summary, redrawn on each change.
    Serve {
        /// The scenario file (or the name of a bundled scenario, e.g. `child_labour`).
        scenario: PathBuf,
        /// Port on 127.0.0.1 (0 picks a free port).
        #[arg(long, default_value_t = 8080)]
        port: u16,
    },
    /// A parameter sweep with replicates: writes runs.csv (row by row), aggregate.csv and
    /// the plots the sweep file asks for (see docs/sweeps.md).
    Sweep(SweepArgs),
    /// Joins the runs.csv of shards (`sweep --shard K/N`) into DIR, byte-identical to an
    /// unsharded sweep, then aggregates and plots.
    Merge {
        /// Output directory of the merged sweep.
        #[arg(long)]
        out: PathBuf,
        /// The output directories of the shards (any order).
        #[arg(required = true, value_name = "SHARD_DIR")]
        shards: Vec<PathBuf>,
    },
    /// Calibrates scenario parameters to an observed series (ABC-SMC): writes
    /// posterior.csv, fit.json, predictive.csv and fit.svg/.png (see docs/calibration.md).
    Fit(FitArgs),
    /// Global sensitivity analysis (Sobol indices with a Saltelli design, or Morris
    /// elementary effects): writes indices.csv, runs.csv and indices.svg/.png (see
    /// docs/sensitivity.md).
    Sensitivity(FitArgs),
}

#[derive(clap::Args, Debug, Clone)]
pub struct FitArgs {
    /// The fit (or sensitivity) file, or the name of a bundled one.
    pub file: PathBuf,
    /// Output directory (default: out/<name>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
}

#[derive(clap::Args, Debug, Clone)]
pub struct SweepArgs {
    /// The sweep file (or the name of a bundled sweep, e.g. `critical_timing`).
    pub sweep: PathBuf,
    /// Worker threads (default: all cores; more than the cores are not used). Results do
    /// not depend on it.
    #[arg(long, allow_negative_numbers = true, value_parser = threads_arg)]
    pub threads: Option<usize>,
    /// Output directory (default: out/<sweep name>/, or out/<sweep name>/shard_K_of_N/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Continue an interrupted sweep in the same directory: runs only the missing runs.
    #[arg(long)]
    pub resume: bool,
    /// Run only the runs with `run % N == K` (one shard of a cluster job array).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Write DIR/slurm/submit.sh and its .sbatch files instead of running: a Slurm job
    /// array of N shard tasks and a merge job that depends on it (absolute paths).
    #[arg(long, value_name = "N")]
    pub slurm: Option<u64>,
    /// Start afresh in a directory that holds finished runs of an earlier sweep (they
    /// are lost; without it such a directory needs --resume).
    #[arg(long, conflicts_with = "resume")]
    pub force: bool,
    /// Run even when the sweep's estimated work is over the documented limit.
    #[arg(long)]
    pub allow_large: bool,
    /// Testing: stop after this many runs, as if interrupted.
    #[arg(long, hide = true)]
    pub max_runs: Option<u64>,
}

#[derive(clap::Args, Debug, Clone)]
pub struct RunArgs {
    /// The scenario file (or the name of a bundled scenario, e.g. `lifecycle`).
    pub scenario: PathBuf,
    /// Seed (overrides scenario.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Number of steps (overrides scenario.steps).
    #[arg(long)]
    pub steps: Option<i64>,
    /// Override any scenario value: dotted TOML path, array elements by id
    /// (e.g. --set coalitions.icbl.power=0.6 --set socialization.response=logistic).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Number of replicates (runs with seeds derived from the scenario seed).
    #[arg(long, default_value_t = 1)]
    pub replicates: u64,
    /// Worker threads (default: all cores; more than the cores are not used). Results do
    /// not depend on it.
    #[arg(long, allow_negative_numbers = true, value_parser = threads_arg)]
    pub threads: Option<usize>,
    /// Output directory (default: out/<scenario name>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Run even when the estimate of work or memory is over the documented limit.
    #[arg(long)]
    pub allow_large: bool,
    /// Write into an output directory that holds files normlife did not write (they are
    /// kept; the run's outputs are replaced).
    #[arg(long)]
    pub force: bool,
}

pub fn cmd_run(a: &RunArgs) -> Result<()> {
    if let Ok((path, text)) = scenario_text(&a.scenario) {
        if crate::sweep::spec::is_sweep_text(&text) {
            return Err(Error::input(
                &path.display().to_string(),
                "sweep",
                format!(
                    "this is a sweep file: run it with `normlife sweep {}`",
                    a.scenario.display()
                ),
            ));
        }
    }
    if let Ok((path, text)) = scenario_text(&a.scenario) {
        if let Some(cmd) = analysis_kind(&text) {
            return Err(Error::input(
                &path.display().to_string(),
                cmd,
                format!(
                    "this is a {cmd} file: run it with `normlife {cmd} {}`",
                    a.scenario.display()
                ),
            ));
        }
    }
    let sc = load_scenario(&a.scenario, a.seed, a.steps, &a.set)?;
    app::check_size(&sc, a.replicates, a.threads, a.allow_large)?;
    let dir = a.out.clone().unwrap_or_else(|| default_out(&sc.model.name));
    let staged = output::outdir::stage(&dir, a.force)?;
    let t0 = std::time::Instant::now();
    let runs = run_replicates(&sc, a.replicates, a.threads)?;
    let sim = t0.elapsed();
    let t1 = std::time::Instant::now();
    output::write_run(staged.dir(), &sc.model, &runs)?;
    staged.commit(app::run_manifest(&sc, a.replicates))?;
    let written = t1.elapsed();
    eprintln!(
        "normlife: {} ({} replicate{}, {} steps, {} states) simulated in {:.2?}; tables, summary and plots written in {:.2?} to {}",
        sc.model.name,
        a.replicates,
        if a.replicates == 1 { "" } else { "s" },
        sc.model.steps,
        sc.model.n_states(),
        sim,
        written,
        dir.display()
    );
    out(&output::text::summary_text(&sc.model, &runs));
    Ok(())
}

pub fn cmd_check(file: &Path, set: &[String]) -> Result<()> {
    if let Ok((_, text)) = scenario_text(file) {
        if crate::sweep::spec::is_sweep_text(&text) {
            if !set.is_empty() {
                return Err(Error::input(
                    "--set",
                    "",
                    "a sweep file takes no --set: edit its axes",
                ));
            }
            out(&crate::sweep::check(file)?);
            return Ok(());
        }
    }
    if let Ok((_, text)) = scenario_text(file) {
        if let Some(cmd) = analysis_kind(&text) {
            if !set.is_empty() {
                return Err(Error::input(
                    "--set",
                    "",
                    format!("a {cmd} file takes no --set: use its `set = [...]`"),
                ));
            }
            print!("{}", describe_analysis(file, cmd)?);
            return Ok(());
        }
    }
    let sc = load_scenario(file, None, None, set)?;
    out(&app::describe(&sc));
    Ok(())
}

/// `fit` or `sensitivity` if the TOML text has a `[fit]` or `[sensitivity]` table.
fn analysis_kind(text: &str) -> Option<&'static str> {
    let t: toml::Table = text.parse().ok()?;
    ["fit", "sensitivity"]
        .into_iter()
        .find(|k| t.contains_key(*k))
}

/// `check` of a fit or sensitivity file: validates it (as the command would, before any
/// simulation) and says what it would run.
fn describe_analysis(file: &Path, cmd: &str) -> Result<String> {
    if cmd == "fit" {
        let f = crate::fit::spec::load(file)?;
        let s = &f.settings;
        Ok(format!(
            "{}: valid fit \"{}\" of {} ({} parameter(s): {}); {} particles, up to {} generations: about {} simulations\n",
            file.display(),
            f.name,
            f.setup.base_path.display(),
            f.setup.paths.len(),
            f.setup.paths.join(", "),
            s.particles,
            s.generations,
            crate::fit::estimate(s)
        ))
    } else {
        let a = crate::sensitivity::spec::load(file)?;
        Ok(format!(
            "{}: valid sensitivity analysis \"{}\" of {} ({} parameter(s): {}); {} design points × {} replicate(s); outcomes: {}\n",
            file.display(),
            a.name,
            a.setup.base_path.display(),
            a.setup.paths.len(),
            a.setup.paths.join(", "),
            a.points(),
            a.replicates,
            a.outcomes.join(", ")
        ))
    }
}

pub fn cmd_scenarios() -> Result<()> {
    let mut s = String::new();
    for (path, desc) in app::bundled() {
        s.push_str(&format!("{path:<44} {desc}\n"));
    }
    out(&s);
    Ok(())
}

/// Writes to standard output; a reader that went away (`normlife scenarios | head -1`)
/// ends the output quietly instead of panicking.
fn out(s: &str) {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    let _ = o.write_all(s.as_bytes()).and_then(|()| o.flush());
}

/// `--threads N`: a whole number ≥ 1 (said in words, as clap would call `-1` an unknown
/// flag).
fn threads_arg(s: &str) -> std::result::Result<usize, String> {
    match s.trim().parse::<i128>() {
        Ok(n) if n >= 1 => Ok(n.min(usize::MAX as i128) as usize),
        Ok(n) => Err(format!(
            "the number of worker threads must be a whole number ≥ 1, got {n}"
        )),
        Err(_) => Err(format!(
            "the number of worker threads must be a whole number ≥ 1, got `{s}`"
        )),
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(a) => cmd_run(&a),
        Command::Check { file, set } => cmd_check(&file, &set),
        Command::Scenarios => cmd_scenarios(),
        Command::Serve { scenario, port } => crate::serve::serve(&scenario, port),
        Command::Sweep(a) => cmd_sweep(&a),
        Command::Merge { out, shards } => cmd_merge(&out, &shards),
        Command::Fit(a) => cmd_fit(&a),
        Command::Sensitivity(a) => cmd_sensitivity(&a),
    }
}

pub fn cmd_sweep(a: &SweepArgs) -> Result<()> {
    if let Some(n) = a.slurm {
        if a.shard.is_some() || a.resume || a.max_runs.is_some() {
            return Err(Error::input(
                "--slurm",
                "",
                "writes the scripts of the whole sweep: drop --shard and --resume (each shard task resumes by itself)",
            ));
        }
        let s = crate::sweep::slurm_scripts(&a.sweep, a.out.clone(), n)?;
        eprintln!(
            "normlife: wrote {} (a job array of {n} shard task(s) and a merge job); submit with `bash {}`; results in {}",
            s.submit.parent().unwrap_or(&s.dir).display(),
            s.submit.display(),
            s.dir.display()
        );
        return Ok(());
    }
    let o = crate::sweep::Options {
        threads: a.threads,
        out: a.out.clone(),
        resume: a.resume,
        shard: a.shard.clone(),
        max_runs: a.max_runs,
        quiet: false,
        force: a.force,
        allow_large: a.allow_large,
    };
    let r = crate::sweep::sweep(&a.sweep, &o)?;
    eprintln!(
        "normlife: sweep: {} run(s) in {:.2}s ({:.0} runs/s){}; {}/{} run(s) in {}",
        r.done,
        r.seconds,
        r.done as f64 / r.seconds.max(1e-9),
        if r.before > 0 {
            format!(", {} already done", r.before)
        } else {
            String::new()
        },
        r.before + r.done,
        r.total,
        r.dir.join("runs.csv").display()
    );
    if !r.complete {
        eprintln!(
            "normlife: sweep stopped before the end; continue with `normlife sweep {} --out {} --resume`",
            a.sweep.display(),
            r.dir.display()
        );
    } else if let Some(s) = &a.shard {
        eprintln!("normlife: shard {s} done; join the shards with `normlife merge --out DIR SHARD_DIR...`");
    } else {
        eprintln!(
            "normlife: aggregate.csv{} in {}",
            plots_note(&r.plots),
            r.dir.display()
        );
    }
    Ok(())
}

fn plots_note(p: &[PathBuf]) -> String {
    if p.is_empty() {
        String::new()
    } else {
        format!(" and {} plot(s)", p.len())
    }
}

pub fn cmd_merge(out: &Path, shards: &[PathBuf]) -> Result<()> {
    let r = crate::sweep::merge(out, shards)?;
    eprintln!(
        "normlife: merged {} shard(s), {} runs, into {}: runs.csv, aggregate.csv{}",
        shards.len(),
        r.total,
        r.dir.display(),
        plots_note(&r.plots)
    );
    Ok(())
}

pub fn cmd_fit(a: &FitArgs) -> Result<()> {
    let o = crate::fit::Options {
        threads: a.threads,
        out: a.out.clone(),
        quiet: false,
    };
    let r = crate::fit::fit(&a.file, &o)?;
    eprintln!(
        "normlife: fit: {} generation(s), {} simulations (estimated {}) in {:.2}s ({:.0} simulations/s); {}; posterior.csv, fit.json, predictive.csv, fit.svg/.png in {}",
        r.generations,
        r.simulations,
        r.estimate,
        r.seconds,
        r.simulations as f64 / r.seconds.max(1e-9),
        r.status,
        r.dir.display()
    );
    Ok(())
}

pub fn cmd_sensitivity(a: &FitArgs) -> Result<()> {
    let o = crate::sensitivity::Options {
        threads: a.threads,
        out: a.out.clone(),
        quiet: false,
    };
    let r = crate::sensitivity::run(&a.file, &o)?;
    eprintln!(
        "normlife: sensitivity ({}): {} simulations in {:.2}s ({:.0} simulations/s); indices.csv, runs.csv, indices.svg/.png in {}",
        r.method,
        r.simulations,
        r.seconds,
        r.simulations as f64 / r.seconds.max(1e-9),
        r.dir.display()
    );
    Ok(())
}
