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
    let sc = load_scenario(&a.scenario, a.seed, a.steps, &a.set)?;
    app::check_size(&sc, a.replicates, a.threads, a.allow_large)?;
    let dir = a.out.clone().unwrap_or_else(|| default_out(&sc.model.name));
    output::prepare_dir(&dir)?;
    let t0 = std::time::Instant::now();
    let runs = run_replicates(&sc, a.replicates, a.threads)?;
    let sim = t0.elapsed();
    let t1 = std::time::Instant::now();
    output::write_run(&dir, &sc.model, &runs)?;
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
    let sc = load_scenario(file, None, None, set)?;
    out(&app::describe(&sc));
    Ok(())
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
    }
}

pub fn cmd_sweep(a: &SweepArgs) -> Result<()> {
    let o = crate::sweep::Options {
        threads: a.threads,
        out: a.out.clone(),
        resume: a.resume,
        shard: a.shard.clone(),
        max_runs: a.max_runs,
        quiet: false,
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
