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
    /// Start afresh in a directory holding finished runs (they are lost).
    pub force: bool,
    /// Run even when the sweep's work is over `SWEEP_LIMIT`.
    pub allow_large: bool,
}

/// The most work one sweep invocation may take unless `--allow-large`: 10¹³
/// state-norm-steps over all its runs (about a day on a two-core laptop at 5 × 10⁷ per
/// second per core, docs/performance.md).
pub const SWEEP_LIMIT: f64 = 1e13;

/// Refuses (exit 2, with the estimate) a sweep or shard whose work is over
/// `SWEEP_LIMIT`, before any run.
fn check_work(work: f64, runs: u64, plan: &Plan, allow_large: bool) -> Result<()> {
    if allow_large || work <= SWEEP_LIMIT {
        return Ok(());
    }
    use crate::limits::human;
    Err(Error::input(
        "sweep",
        "",
        format!(
            "too much work for one sweep: {} run(s) of \"{}\" simulate about {} state-norm-steps (states × norms × steps of each run, summed over the grid points and replicates), at most {} allowed; use fewer grid points, replicates, states or steps, split it over machines with --shard or --slurm, or pass --allow-large if this machine can take it",
            crate::limits::thousands(runs),
            plan.name,
            human(work),
            human(SWEEP_LIMIT)
        ),
    ))
}

/// Finished rows in `dir/runs.csv` (complete lines after the header).
fn finished_rows(dir: &Path) -> u64 {
    let Ok(f) = std::fs::File::open(dir.join("runs.csv")) else {
        return 0;
    };
    let mut rd = std::io::BufReader::new(f);
    let mut lines: u64 = 0;
    loop {
        let buf = match rd.fill_buf() {
            Ok([]) | Err(_) => break,
            Ok(b) => b,
        };
        lines += buf.iter().filter(|&&c| c == b'\n').count() as u64;
        let n = buf.len();
        rd.consume(n);
    }
    lines.saturating_sub(1)
}

/// A new sweep into a directory with finished runs needs `--resume` or `--force`.
fn refuse_overwrite(dir: &Path, o: &Options) -> Result<()> {
    if o.resume || o.force {
        return Ok(());
    }
    let n = finished_rows(dir);
    if n == 0 {
        return Ok(());
    }
    Err(Error::input(
        &dir.join("runs.csv").display().to_string(),
        "",
        format!(
            "holds {} finished run(s) of an earlier sweep, which a new sweep would lose: continue it with --resume (runs only the missing runs of the same sweep), or start afresh with --force",
            crate::limits::thousands(n)
        ),
    ))
}

/// A directory that holds no sweep (no `sweep.json`) but files a sweep would overwrite or
/// remove (`runs.csv`, `aggregate.csv`, the plots) is someone else's: refused without
/// `--force`, naming the files, so that nothing is lost.
fn refuse_foreign(dir: &Path, plan: &Plan, o: &Options) -> Result<()> {
    if o.force || dir.join("sweep.json").exists() {
        return Ok(());
    }
    let mut names = vec!["runs.csv".to_string(), "aggregate.csv".to_string()];
    names.extend(plot_files(plan));
    let clash: Vec<String> = names.into_iter().filter(|n| dir.join(n).exists()).collect();
    if clash.is_empty() {
        return Ok(());
    }
    Err(Error::input(
        &dir.display().to_string(),
        "",
        format!(
            "is not a sweep directory (no sweep.json) but holds {}, which a sweep would overwrite or remove; choose another --out, or pass --force to replace them",
            clash.join(", ")
        ),
    ))
}

/// The file names of a plan's plots (SVG and PNG).
fn plot_files(plan: &Plan) -> Vec<String> {
    plan.plots
        .iter()
        .flat_map(|pl| [format!("{}.svg", pl.file), format!("{}.png", pl.file)])
        .collect()
}

/// Removes what is derived from a complete runs.csv (aggregate.csv and the plots of the
/// earlier and of this sweep), before any run: a sweep stopped part-way never leaves an
/// earlier sweep's aggregate beside its runs.
fn clear_derived(dir: &Path, old: Option<&Plan>, plan: &Plan) -> Result<()> {
    let mut names = vec!["aggregate.csv".to_string()];
    for p in old.into_iter().chain([plan]) {
        names.extend(plot_files(p));
    }
    for n in names {
        match std::fs::remove_file(dir.join(&n)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(Error::Other(format!(
                    "cannot remove {}: {e}",
                    dir.join(&n).display()
                )))
            }
            _ => {}
        }
    }
    Ok(())
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
    let work = grid::validate(&loaded, &grid, &pool)?;
    let mut plan = loaded.plan.clone();
    plan.shard = shard;
    let (count, _) = share(plan.runs, shard);
    check_work(
        work * count as f64 / plan.runs.max(1) as f64,
        count,
        &plan,
        o.allow_large,
    )?;
    let dir = o.out.clone().unwrap_or_else(|| default_out(&plan, shard));
    crate::output::prepare_dir(&dir)?;
    crate::output::outdir::remove_stale_files(&dir);
    let old = match read_manifest(&dir) {
        Ok(p) => p,
        Err(e) if o.resume => return Err(e),
        Err(_) => None,
    };
    if let (true, Some(old)) = (o.resume, &old) {
        if !old.same_sweep(&plan) || old.shard != plan.shard {
            return Err(Error::input(
                &dir.join("sweep.json").display().to_string(),
                "",
                "--resume: this directory holds a different sweep (another sweep file, base scenario or shard); choose another --out or drop --resume",
            ));
        }
    }
    refuse_foreign(&dir, &plan, o)?;
    refuse_overwrite(&dir, o)?;
    clear_derived(&dir, old.as_ref(), &plan)?;
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
    let dirs: Vec<PathBuf> = shards.iter().map(|x| x.1.clone()).collect();
    check_shards(&dirs, &plan, &grid)?;
    crate::output::prepare_dir(out)?;
    crate::output::outdir::remove_stale_files(out);
    let old = read_manifest(out).ok().flatten();
    clear_derived(out, old.as_ref(), &plan)?;
    copy_shards(out, &dirs, &plan, &grid)?;
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

/// How many bad rows of the shards `merge` lists (the rest are counted).
const MAX_LISTED: usize = 10;

/// Opens the runs.csv of each shard (sorted by K) past its header, which must be the
/// sweep's.
fn shard_readers(
    dirs: &[PathBuf],
    header: &str,
) -> Result<Vec<(PathBuf, std::io::BufReader<std::fs::File>)>> {
    let mut readers = Vec::new();
    for d in dirs {
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
        readers.push((p, rd));
    }
    Ok(readers)
}

/// What is wrong with the row of `run` (with its '\n'), if anything: the run, replicate,
/// seed and swept values must be the sweep's, then one number (or nothing) per outcome.
fn row_problem(line: &str, grid: &Grid, plan: &Plan, run: u64) -> Option<String> {
    if line.is_empty() {
        return Some(format!("run {run} is missing (the shard is incomplete or was interrupted: finish it with `normlife sweep ... --shard K/N --resume`)"));
    }
    let Some(body) = line.strip_suffix('\n') else {
        return Some(format!("the row of run {run} is cut off (no line end)"));
    };
    let prefix = grid.prefix(run);
    let Some(rest) = body
        .strip_prefix(&prefix)
        .filter(|r| r.is_empty() || r.starts_with(','))
    else {
        return Some(format!(
            "not the row of run {run}: it must start with `{prefix}`"
        ));
    };
    let cells: Vec<&str> = if rest.is_empty() {
        Vec::new()
    } else {
        rest[1..].split(',').collect()
    };
    let k = plan.outcomes.len();
    if cells.len() != k {
        return Some(format!(
            "run {run} has {} outcome column(s), the sweep has {k}",
            cells.len()
        ));
    }
    for (c, name) in cells.iter().zip(&plan.outcomes) {
        if !c.is_empty() && !c.parse::<f64>().is_ok_and(f64::is_finite) {
            return Some(format!(
                "run {run}: `{name}` is `{}`, not a number (or empty)",
                c.escape_debug()
            ));
        }
    }
    None
}

/// Checks every row of every shard before anything is written; lists the first
/// `MAX_LISTED` bad rows (shard file and line) and counts the rest.
fn check_shards(dirs: &[PathBuf], plan: &Plan, grid: &Grid) -> Result<()> {
    let header = grid.runs_header(&plan.outcomes);
    let mut readers = shard_readers(dirs, &header)?;
    let n = dirs.len() as u64;
    let mut probs: Vec<crate::error::Problem> = Vec::new();
    let mut bad = 0usize;
    let mut ended = vec![false; dirs.len()];
    let mut line = String::new();
    let mut note = |p: &Path, ln: u64, msg: String| {
        bad += 1;
        if probs.len() < MAX_LISTED {
            probs.push(crate::error::Problem {
                source: p.display().to_string(),
                line: Some(ln as usize),
                column: None,
                key: String::new(),
                message: msg,
            });
        }
    };
    for run in 0..plan.runs {
        let i = (run % n) as usize;
        if ended[i] {
            continue;
        }
        let (p, rd) = &mut readers[i];
        line.clear();
        rd.read_line(&mut line)
            .map_err(|e| Error::Other(format!("cannot read {}: {e}", p.display())))?;
        let ln = run / n + 2;
        if let Some(msg) = row_problem(&line, grid, plan, run) {
            ended[i] = line.is_empty();
            note(p, ln, msg.replace("K/N", &format!("{i}/{n}")));
        }
    }
    for (i, (p, rd)) in readers.iter_mut().enumerate() {
        let mut rest = Vec::new();
        rd.read_to_end(&mut rest)
            .map_err(|e| Error::Other(format!("cannot read {}: {e}", p.display())))?;
        if !rest.is_empty() && !ended[i] {
            let rows = (plan.runs + n - 1 - i as u64) / n;
            note(p, rows + 2, "more rows than the shard has runs".into());
        }
    }
    if bad > MAX_LISTED {
        probs.push(crate::error::Problem {
            source: "merge".into(),
            line: None,
            column: None,
            key: String::new(),
            message: format!(
                "… and {} more bad row(s); nothing was written",
                bad - MAX_LISTED
            ),
        });
    }
    if probs.is_empty() {
        Ok(())
    } else {
        Err(Error::Input(probs))
    }
}

/// Joins the checked shards into `out/runs.csv` (written atomically).
fn copy_shards(out: &Path, dirs: &[PathBuf], plan: &Plan, grid: &Grid) -> Result<()> {
    let header = grid.runs_header(&plan.outcomes);
    let mut readers = shard_readers(dirs, &header)?;
    let n = dirs.len() as u64;
    let mut dest = crate::output::atomic::AtomicFile::create(&out.join("runs.csv"))?;
    let werr = |e: std::io::Error| Error::Other(format!("cannot write runs.csv: {e}"));
    dest.writer().write_all(header.as_bytes()).map_err(werr)?;
    let mut line = String::new();
    for run in 0..plan.runs {
        let (p, rd) = &mut readers[(run % n) as usize];
        line.clear();
        rd.read_line(&mut line)
            .map_err(|e| Error::Other(format!("cannot read {}: {e}", p.display())))?;
        if row_problem(&line, grid, plan, run).is_some() {
            return Err(Error::Other(format!(
                "{} changed during the merge",
                p.display()
            )));
        }
        dest.writer().write_all(line.as_bytes()).map_err(werr)?;
    }
    dest.commit()
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
    let work = grid::validate(&loaded, &grid, &pool)?;
    // Each task runs one share; a task over the limit would be refused on the cluster.
    let task = loaded.plan.runs.div_ceil(n);
    check_work(work / n as f64, task, &loaded.plan, false).map_err(|e| match e {
        Error::Input(mut p) => {
            for q in &mut p {
                q.message = q.message.replace(
                    "pass --allow-large if this machine can take it",
                    "use more shard tasks (--slurm N)",
                );
            }
            Error::Input(p)
        }
        other => other,
    })?;
    let dir = out.unwrap_or_else(|| default_out(&loaded.plan, None));
    crate::output::prepare_dir(&dir)?;
    slurm::write(&loaded, file, &dir, n)
}

/// `check SWEEP.toml`: validates the file and every combination of its axes.
pub fn check(file: &Path) -> Result<String> {
    let l = spec::load(file)?;
    let pool = crate::app::pool(None)?;
    let grid = Grid::new(&l.plan);
    let work = grid::validate(&l, &grid, &pool)?;
    let over = if work > SWEEP_LIMIT {
        " (over the limit of one sweep: `sweep` needs --allow-large or --shard)"
    } else {
        ""
    };
    Ok(format!(
        "{}  work: about {} state-norm-steps{over}\n",
        spec::describe(&l),
        crate::limits::human(work)
    ))
}
