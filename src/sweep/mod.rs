//! Parameter sweeps (`normlife sweep`, `normlife merge`): a grid of scenario PATHs ×
//! replicates, run in parallel, streamed to `runs.csv` in run order, resumable, shardable
//! across the nodes of a cluster and merged back byte-identically; then `aggregate.csv`
//! and the plots the sweep file asks for. `docs/sweeps.md` documents the file format.
//!
//! * `spec`: the sweep file, its validation and the resolved `Plan` (`sweep.json`)
//! * `grid`: numbering of grid points and runs, the models of grid points
//! * `exec`: the parallel runner and the ordered, flushed writer
//! * `aggregate`: `aggregate.csv` from a complete `runs.csv`
//! * `plots`: heat maps and bands
//! * `progress`: progress bar or plain lines
//! * `slurm`: `--slurm N`, the job-array and merge scripts for a Slurm cluster

pub mod aggregate;
pub mod exec;
pub mod grid;
pub mod plots;
pub mod progress;
pub mod slurm;
pub mod spec;

use crate::error::{Error, Result};
use grid::Grid;
use spec::{Plan, Shard};
use std::io::{BufRead, Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Options of `normlife sweep`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub threads: Option<usize>,
    pub out: Option<PathBuf>,
    pub resume: bool,
    /// `K/N`.
    pub shard: Option<String>,
    /// Test hook: stop after this many runs of this invocation (as if interrupted).
    pub max_runs: Option<u64>,
    /// No progress output.
    pub quiet: bool,
}

/// What a sweep invocation did.
#[derive(Debug, Clone)]
pub struct Report {
    pub dir: PathBuf,
    /// Runs of this invocation's share (all runs, or the shard's).
    pub total: u64,
    /// Runs already in runs.csv before this invocation (resume).
    pub before: u64,
    /// Runs done by this invocation.
    pub done: u64,
    /// True if every run of the share is in runs.csv.
    pub complete: bool,
    pub seconds: f64,
    pub plots: Vec<PathBuf>,
}

/// Parses `K/N` (0 ≤ K < N).
pub fn parse_shard(s: &str) -> Result<Shard> {
    let bad = |m: String| Error::input(&format!("--shard {s}"), "", m);
    let (k, n) = s
        .split_once('/')
        .ok_or_else(|| bad("expected K/N, e.g. --shard 0/4 (shard K of N, K from 0)".into()))?;
    let k: u64 = k
        .trim()
        .parse()
        .map_err(|_| bad(format!("K must be a whole number, got `{k}`")))?;
    let n: u64 = n
        .trim()
        .parse()
        .map_err(|_| bad(format!("N must be a whole number, got `{n}`")))?;
    if n == 0 {
        return Err(bad("N must be ≥ 1".into()));
    }
    if k >= n {
        return Err(bad(format!(
            "K must be < N: shards are numbered 0 to {} (SLURM: --array=0-{})",
            n - 1,
            n - 1
        )));
    }
    Ok(Shard { k, n })
}

/// Number of runs of a shard and the run at a position of its list.
fn share(runs: u64, shard: Option<Shard>) -> (u64, Shard) {
    let s = shard.unwrap_or(Shard { k: 0, n: 1 });
    let count = if s.k < runs {
        (runs - s.k).div_ceil(s.n)
    } else {
        0
    };
    (count, s)
}

/// Default output directory: `out/<sweep name>/`, and `out/<sweep name>/shard_K_of_N/`
/// for a shard.
pub fn default_out(plan: &Plan, shard: Option<Shard>) -> PathBuf {
    let base = crate::app::default_out(&plan.name);
    match shard {
        Some(s) => base.join(format!("shard_{}_of_{}", s.k, s.n)),
        None => base,
    }
}

fn manifest_bytes(plan: &Plan) -> Result<Vec<u8>> {
    let mut b = serde_json::to_vec_pretty(plan).map_err(|e| Error::Other(e.to_string()))?;
    b.push(b'\n');
    Ok(b)
}

fn read_manifest(dir: &Path) -> Result<Option<Plan>> {
    let p = dir.join("sweep.json");
    if !p.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&p)
        .map_err(|e| Error::input(&p.display().to_string(), "", format!("cannot read: {e}")))?;
    serde_json::from_str(&text).map(Some).map_err(|e| {
        Error::input(
            &p.display().to_string(),
            "",
            format!("not a normlife sweep manifest: {e}"),
        )
    })
}

/// Opens runs.csv for appending. Without `resume` (or without a file) it starts afresh
/// with the header; with `resume` it checks every complete row against the sweep, drops
/// a trailing partial line and returns the number of rows already there.
fn open_runs(
    dir: &Path,
    plan: &Plan,
    grid: &Grid,
    resume: bool,
    count: u64,
    run_of: &dyn Fn(u64) -> u64,
) -> Result<(std::fs::File, u64)> {
    let path = dir.join("runs.csv");
    let header = grid.runs_header(&plan.outcomes);
    let werr = |e: std::io::Error| Error::Other(format!("cannot write {}: {e}", path.display()));
    if !(resume && path.exists()) {
        let mut f = std::fs::File::create(&path).map_err(werr)?;
        f.write_all(header.as_bytes()).map_err(werr)?;
        f.flush().map_err(werr)?;
        return Ok((f, 0));
    }
    let src = path.display().to_string();
    let f =
        std::fs::File::open(&path).map_err(|e| Error::Other(format!("cannot read {src}: {e}")))?;
    let mut rd = std::io::BufReader::new(f);
    let mut buf = Vec::new();
    let mut valid: u64 = 0;
    let mut done: u64 = 0;
    let mut line_no = 0u64;
    let k = plan.outcomes.len();
    loop {
        buf.clear();
        let n = rd
            .read_until(b'\n', &mut buf)
            .map_err(|e| Error::Other(format!("cannot read {src}: {e}")))?;
        if n == 0 || buf.last() != Some(&b'\n') {
            break; // end, or a partial last line (interrupted write): dropped
        }
        line_no += 1;
        let line = String::from_utf8_lossy(&buf);
        if line_no == 1 {
            if line != header {
                return Err(Error::input(
                    &src,
                    "",
                    "line 1: the header does not match this sweep: the directory holds another sweep; remove runs.csv or choose another --out".to_string(),
                ));
            }
        } else {
            if done >= count {
                return Err(Error::input(
                    &src,
                    "",
                    format!("line {line_no}: more rows than this sweep has runs ({count}); remove runs.csv or choose another --out"),
                ));
            }
            let run = run_of(done);
            let body = line.trim_end_matches('\n');
            let ok = body
                .strip_prefix(&grid.prefix(run))
                .filter(|r| (r.is_empty() || r.starts_with(',')) && r.matches(',').count() == k)
                .is_some();
            if !ok {
                return Err(Error::input(
                    &src,
                    "",
                    format!("line {line_no}: not the row of run {run} of this sweep; remove runs.csv or choose another --out"),
                ));
            }
            done += 1;
        }
        valid += n as u64;
    }
    drop(rd);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .map_err(werr)?;
    f.set_len(valid).map_err(werr)?;
    f.seek(std::io::SeekFrom::End(0)).map_err(werr)?;
    if valid == 0 {
        f.write_all(header.as_bytes()).map_err(werr)?;
        f.flush().map_err(werr)?;
    }
    Ok((f, done))
}

/// `normlife sweep`.
pub fn sweep(file: &Path, o: &Options) -> Result<Report> {
    let shard = o.shard.as_deref().map(parse_shard).transpose()?;
    let loaded = spec::load(file)?;
    let pool = crate::app::pool(o.threads)?;
    let grid = Grid::new(&loaded.plan);
    grid::validate(&loaded, &grid, &pool)?;
    let mut plan = loaded.plan.clone();
    plan.shard = shard;
    let dir = o.out.clone().unwrap_or_else(|| default_out(&plan, shard));
    crate::output::prepare_dir(&dir)?;

    if o.resume {
        if let Some(old) = read_manifest(&dir)? {
            if !old.same_sweep(&plan) || old.shard != plan.shard {
                return Err(Error::input(
                    &dir.join("sweep.json").display().to_string(),
                    "",
                    "--resume: this directory holds a different sweep (another sweep file, base scenario or shard); choose another --out or drop --resume",
                ));
            }
        }
    }
    crate::output::atomic::write(&dir.join("sweep.json"), &manifest_bytes(&plan)?)?;

    let (count, s) = share(plan.runs, shard);
    let run_of = move |p: u64| s.k + p * s.n;
    let (mut f, before) = open_runs(&dir, &plan, &grid, o.resume, count, &run_of)?;
    let end = match o.max_runs {
        Some(m) => count.min(before.saturating_add(m)),
        None => count,
    };
    let t0 = std::time::Instant::now();
    let mut progress = progress::Progress::new(before, count, o.quiet);
    let done = exec::execute(
        &loaded,
        &grid,
        &pool,
        before,
        end,
        &run_of,
        &mut f,
        &mut progress,
    );
    progress.finish();
    let done = done?;
    f.sync_all().ok();
    drop(f);
    let seconds = t0.elapsed().as_secs_f64();
    let complete = before + done == count;
    let mut plots = Vec::new();
    if complete && shard.is_none() {
        plots = finish(&dir, &plan, &grid)?;
    }
    Ok(Report {
        dir,
        total: count,
        before,
        done,
        complete,
        seconds,
        plots,
    })
}

/// aggregate.csv and the plots, from a complete runs.csv.
fn finish(dir: &Path, plan: &Plan, grid: &Grid) -> Result<Vec<PathBuf>> {
    let want = plots::wanted(plan);
    let data = aggregate::write(dir, plan, grid, &want)?;
    plots::draw(dir, plan, grid, &data)
}

/// `normlife merge --out DIR SHARD_DIR...`: joins the runs.csv of shards 0..N into
/// DIR/runs.csv (the bytes an unsharded sweep writes), then aggregates and plots.
pub fn merge(out: &Path, shard_dirs: &[PathBuf]) -> Result<Report> {
    let t0 = std::time::Instant::now();
    if shard_dirs.is_empty() {
        return Err(Error::input(
            "merge",
            "",
            "give the shard output directories",
        ));
    }
    let mut shards: Vec<(Shard, PathBuf, Plan)> = Vec::new();
    for d in shard_dirs {
        let plan = read_manifest(d)?.ok_or_else(|| {
            Error::input(
                &d.display().to_string(),
                "",
                "no sweep.json here: not the output directory of `normlife sweep`",
            )
        })?;
        let s = plan.shard.unwrap_or(Shard { k: 0, n: 1 });
        shards.push((s, d.clone(), plan));
    }
    let first = shards[0].2.clone();
    let n = shards[0].0.n;
    for (s, d, p) in &shards {
        if !p.same_sweep(&first) {
            return Err(Error::input(
                &d.join("sweep.json").display().to_string(),
                "",
                format!(
                    "this shard belongs to a different sweep than {} (sweep file, base scenario or seed differ)",
                    shards[0].1.display()
                ),
            ));
        }
        if s.n != n {
            return Err(Error::input(
                &d.join("sweep.json").display().to_string(),
                "",
                format!(
                    "shard {}/{} does not match the {n} shards of {}",
                    s.k,
                    s.n,
                    shards[0].1.display()
                ),
            ));
        }
    }
    shards.sort_by_key(|x| x.0.k);
    for w in shards.windows(2) {
        if w[0].0.k == w[1].0.k {
            return Err(Error::input(
                &w[1].1.display().to_string(),
                "",
                format!(
                    "shard {}/{n} is given twice (also {})",
                    w[1].0.k,
                    w[0].1.display()
                ),
            ));
        }
    }
    let missing: Vec<String> = (0..n)
        .filter(|k| !shards.iter().any(|x| x.0.k == *k))
        .map(|k| format!("{k}/{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(Error::input(
            "merge",
            "",
            format!("missing shard(s): {}", missing.join(", ")),
        ));
    }
    let mut plan = first.clone();
    plan.shard = None;
    let grid = Grid::new(&plan);
    let header = grid.runs_header(&plan.outcomes);
    crate::output::prepare_dir(out)?;

    let mut readers = Vec::new();
    for (_, d, _) in &shards {
        let p = d.join("runs.csv");
        let f = std::fs::File::open(&p)
            .map_err(|e| Error::input(&p.display().to_string(), "", format!("cannot read: {e}")))?;
        let mut rd = std::io::BufReader::new(f);
        let mut h = String::new();
        rd.read_line(&mut h)
            .map_err(|e| Error::Other(format!("cannot read {}: {e}", p.display())))?;
        if h != header {
            return Err(Error::input(
                &p.display().to_string(),
                "",
                "line 1: the header does not match the sweep",
            ));
        }
        readers.push((p, rd, 1u64));
    }
    let mut dest = crate::output::atomic::AtomicFile::create(&out.join("runs.csv"))?;
    let werr = |e: std::io::Error| Error::Other(format!("cannot write runs.csv: {e}"));
    dest.writer().write_all(header.as_bytes()).map_err(werr)?;
    let mut line = String::new();
    for run in 0..plan.runs {
        let (p, rd, ln) = &mut readers[(run % n) as usize];
        line.clear();
        rd.read_line(&mut line)
            .map_err(|e| Error::Other(format!("cannot read {}: {e}", p.display())))?;
        *ln += 1;
        let ok = line.ends_with('\n')
            && line
                .trim_end_matches('\n')
                .strip_prefix(&grid.prefix(run))
                .is_some_and(|r| r.is_empty() || r.starts_with(','));
        if !ok {
            return Err(Error::input(
                &p.display().to_string(),
                "",
                format!(
                    "line {ln}: run {run} is missing (the shard is incomplete or was interrupted: finish it with `normlife sweep ... --shard {}/{n} --resume`)",
                    run % n
                ),
            ));
        }
        dest.writer().write_all(line.as_bytes()).map_err(werr)?;
    }
    for (p, rd, ln) in &mut readers {
        let mut rest = Vec::new();
        rd.read_to_end(&mut rest)
            .map_err(|e| Error::Other(format!("cannot read {}: {e}", p.display())))?;
        if !rest.is_empty() {
            return Err(Error::input(
                &p.display().to_string(),
                "",
                format!("line {}: more rows than the shard has runs", *ln + 1),
            ));
        }
    }
    dest.commit()?;
    crate::output::atomic::write(&out.join("sweep.json"), &manifest_bytes(&plan)?)?;
    let plots = finish(out, &plan, &grid)?;
    Ok(Report {
        dir: out.to_path_buf(),
        total: plan.runs,
        before: plan.runs,
        done: 0,
        complete: true,
        seconds: t0.elapsed().as_secs_f64(),
        plots,
    })
}

/// `normlife sweep SWEEP.toml --slurm N`: validates the sweep (every combination) and
/// writes the Slurm scripts into `DIR/slurm/` (see `slurm`).
pub fn slurm_scripts(file: &Path, out: Option<PathBuf>, n: u64) -> Result<slurm::Scripts> {
    if n == 0 {
        return Err(Error::input(
            "--slurm",
            "",
            "the number of shard tasks must be ≥ 1",
        ));
    }
    let loaded = spec::load(file)?;
    let pool = crate::app::pool(None)?;
    let grid = Grid::new(&loaded.plan);
    grid::validate(&loaded, &grid, &pool)?;
    let dir = out.unwrap_or_else(|| default_out(&loaded.plan, None));
    crate::output::prepare_dir(&dir)?;
    slurm::write(&loaded, file, &dir, n)
}

/// `check SWEEP.toml`: validates the file and every combination of its axes.
pub fn check(file: &Path) -> Result<String> {
    let l = spec::load(file)?;
    let pool = crate::app::pool(None)?;
    let grid = Grid::new(&l.plan);
    grid::validate(&l, &grid, &pool)?;
    Ok(spec::describe(&l))
}
