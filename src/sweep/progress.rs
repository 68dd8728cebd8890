//! Progress of a sweep: an `indicatif` bar (runs done, rate, ETA) when stderr is a
//! terminal; otherwise a plain line on stderr every few seconds (CI and cluster logs).

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

pub enum Progress {
    Bar(ProgressBar),
    Plain {
        start: Instant,
        last: Instant,
        done: u64,
        /// Runs already done before this invocation (resume).
        before: u64,
        total: u64,
        every: Duration,
    },
    Quiet,
}

impl Progress {
    /// `before` of `total` runs are already done.
    pub fn new(before: u64, total: u64, quiet: bool) -> Progress {
        if quiet {
            return Progress::Quiet;
        }
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} runs, {per_sec}, ETA {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_position(before);
            bar.reset_eta();
            Progress::Bar(bar)
        } else {
            let now = Instant::now();
            Progress::Plain {
                start: now,
                last: now,
                done: before,
                before,
                total,
                every: Duration::from_secs(5),
            }
        }
    }

    pub fn inc(&mut self) {
        match self {
            Progress::Bar(b) => b.inc(1),
            Progress::Plain {
                start,
                last,
                done,
                before,
                total,
                every,
            } => {
                *done += 1;
                let now = Instant::now();
                if now.duration_since(*last) >= *every {
                    *last = now;
                    eprintln!("{}", plain_line(*start, *done, *before, *total));
                }
            }
            Progress::Quiet => {}
        }
    }

    pub fn finish(&mut self) {
        match self {
            Progress::Bar(b) => b.finish_and_clear(),
            Progress::Plain {
                start,
                done,
                before,
                total,
                ..
            } => {
                if *done > *before {
                    eprintln!("{}", plain_line(*start, *done, *before, *total));
                }
            }
            Progress::Quiet => {}
        }
    }
}

fn plain_line(start: Instant, done: u64, before: u64, total: u64) -> String {
    let secs = start.elapsed().as_secs_f64().max(1e-9);
    let rate = (done - before) as f64 / secs;
    let left = total.saturating_sub(done);
    let eta = if rate > 0.0 {
        format!("{:.0}s", left as f64 / rate)
    } else {
        "?".into()
    };
    format!(
        "normlife sweep: {done}/{total} runs ({:.1}%), {rate:.1} runs/s, ETA {eta}",
        100.0 * done as f64 / total.max(1) as f64
    )
}
