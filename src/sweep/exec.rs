//! Running the runs of a sweep in parallel and streaming their rows to runs.csv.
//!
//! Worker tasks on a rayon pool claim positions of the run list in increasing order from
//! a shared counter, run them and send the finished row to the writer (the calling
//! thread). The writer keeps out-of-order rows in a reorder buffer and writes each row as
//! soon as every earlier run is written, flushing after each row. Workers never get more
//! than `window` positions ahead of the writer, so memory stays flat in the number of
//! runs.

use super::grid::{self, Grid};
use super::progress::Progress;
use super::spec::{outcome_values, Loaded};
use crate::error::{Error, Result};
use crate::model::Model;
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};

/// Formats an outcome value: empty for none, integers as integers, others rounded to
/// 6 decimals.
pub fn fmt_value(v: Option<f64>, int: bool) -> String {
    match v {
        None => String::new(),
        Some(x) if int => format!("{}", x.round() as i64),
        Some(x) => format!("{}", crate::output::summary::round6(x) + 0.0),
    }
}

/// The full runs.csv line (with '\n') of one run.
pub fn row(l: &Loaded, grid: &Grid, m: &Model, run: u64) -> String {
    let res = crate::engine::run(m, run);
    let all = outcome_values(m, &res);
    let mut s = grid.prefix(run);
    for &i in &l.selected {
        s.push(',');
        let (_, v, int) = &all[i];
        s.push_str(&fmt_value(*v, *int));
    }
    s.push('\n');
    s
}

/// A small cache of grid-point models shared by the workers (replicates of a grid point
/// are consecutive runs, so a handful of entries suffices).
struct Cache {
    entries: Mutex<Vec<(u64, Arc<Model>)>>,
    cap: usize,
}

impl Cache {
    fn get(&self, l: &Loaded, grid: &Grid, g: u64) -> Result<Arc<Model>> {
        if let Some((_, m)) = self.entries.lock().unwrap().iter().find(|(k, _)| *k == g) {
            return Ok(m.clone());
        }
        let m = Arc::new(grid::model(l, grid, g)?);
        let mut e = self.entries.lock().unwrap();
        if !e.iter().any(|(k, _)| *k == g) {
            e.push((g, m.clone()));
            if e.len() > self.cap {
                e.remove(0);
            }
        }
        Ok(m)
    }
}

/// Runs positions `from..to` of the run list (`run_of(position)` is the run index) and
/// appends their rows, in order, to `out`. Returns the number of rows written.
#[allow(clippy::too_many_arguments)]
pub fn execute(
    l: &Loaded,
    grid: &Grid,
    pool: &rayon::ThreadPool,
    from: u64,
    to: u64,
    run_of: &(dyn Fn(u64) -> u64 + Sync),
    out: &mut dyn Write,
    progress: &mut Progress,
) -> Result<u64> {
    if from >= to {
        return Ok(0);
    }
    let threads = pool.current_num_threads().max(1);
    let window = (threads as u64 * 64).max(256);
    let next = AtomicU64::new(from);
    let written = Mutex::new(from);
    let cv = Condvar::new();
    let abort = AtomicBool::new(false);
    let cache = Cache {
        entries: Mutex::new(Vec::new()),
        cap: 4 * threads + 4,
    };
    let (tx, rx) = mpsc::channel::<(u64, Result<String>)>();
    let mut outcome: Result<u64> = Ok(0);
    {
        let (next, written, cv, abort, cache) = (&next, &written, &cv, &abort, &cache);
        pool.in_place_scope(|s| {
            for _ in 0..threads {
                let tx = tx.clone();
                s.spawn(move |_| loop {
                    if abort.load(Ordering::SeqCst) {
                        break;
                    }
                    let p = next.fetch_add(1, Ordering::SeqCst);
                    if p >= to {
                        break;
                    }
                    {
                        let mut w = written.lock().unwrap();
                        while p >= *w + window && !abort.load(Ordering::SeqCst) {
                            w = cv.wait(w).unwrap();
                        }
                    }
                    if abort.load(Ordering::SeqCst) {
                        break;
                    }
                    let run = run_of(p);
                    let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        let m = cache.get(l, grid, run / grid.replicates)?;
                        Ok(row(l, grid, &m, run))
                    }))
                    .unwrap_or_else(|_| {
                        Err(Error::Other(format!(
                            "run {run} failed (panic in the engine)"
                        )))
                    });
                    if tx.send((p, res)).is_err() {
                        break;
                    }
                });
            }
            drop(tx);
            let mut pending: BTreeMap<u64, String> = BTreeMap::new();
            let mut pos = from;
            for (p, res) in rx.iter() {
                match res {
                    Ok(r) => {
                        pending.insert(p, r);
                    }
                    Err(e) => {
                        outcome = Err(e);
                        break;
                    }
                }
                let before = pos;
                while let Some(r) = pending.remove(&pos) {
                    if let Err(e) = out.write_all(r.as_bytes()).and_then(|_| out.flush()) {
                        outcome = Err(Error::Other(format!("cannot write runs.csv: {e}")));
                        break;
                    }
                    pos += 1;
                    progress.inc();
                }
                if outcome.is_err() {
                    break;
                }
                if pos != before {
                    *written.lock().unwrap() = pos;
                    cv.notify_all();
                }
            }
            if outcome.is_err() {
                abort.store(true, Ordering::SeqCst);
                let _g = written.lock().unwrap();
                cv.notify_all();
            } else {
                outcome = Ok(pos - from);
            }
        });
    }
    let n = outcome?;
    if n != to - from {
        return Err(Error::Other(format!(
            "only {n} of {} runs finished (a worker stopped)",
            to - from
        )));
    }
    Ok(n)
}
