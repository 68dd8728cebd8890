//! `fit.svg`/`.png`: the observed series against the posterior-predictive median and its
//! 90% band (top), and the marginal posterior of each parameter over its prior range
//! with the 90% interval (below).

use super::abc::{weighted_quantile, Generation};
use super::report::Band;
use super::spec::Fit;
use crate::error::Result;
use crate::model::Model;
use crate::output::plots::style::{self, okabe, Canvas, Frame, Swatch, MUTED, R, TEXT};
use crate::output::plots::{render, Painting};
use plotters::prelude::*;
use plotters::style::text_anchor::HPos;
use std::path::Path;

/// A weighted histogram of one parameter.
pub struct Marginal {
    pub path: String,
    pub lo: f64,
    pub hi: f64,
    /// Log scale (log-uniform prior).
    pub log: bool,
    pub bins: Vec<f64>,
    pub q05: f64,
    pub q95: f64,
}

pub struct FitPlot<'a> {
    pub title: String,
    pub band: &'a Band,
    pub observed: Vec<(f64, f64)>,
    pub observed_label: String,
    pub marginals: Vec<Marginal>,
}

const W: f64 = 960.0;
const TOP_H: f64 = 430.0;
const CELL_H: f64 = 230.0;

pub fn marginals(fit: &Fit, g: &Generation) -> Vec<Marginal> {
    let nb = 24;
    let mut out = Vec::new();
    for (j, path) in fit.setup.paths.iter().enumerate() {
        let pr = &fit.priors[j];
        let log = matches!(pr, super::prior::Prior::LogUniform { .. });
        let (lo, hi) = pr.plot_range();
        let t = |x: f64| if log { x.ln() } else { x };
        let mut bins = vec![0.0; nb];
        for p in &g.particles {
            let f = (t(p.x[j]) - t(lo)) / (t(hi) - t(lo));
            let b = ((f * nb as f64).floor() as isize).clamp(0, nb as isize - 1) as usize;
            bins[b] += p.weight;
        }
        let pairs: Vec<(f64, f64)> = g.particles.iter().map(|p| (p.x[j], p.weight)).collect();
        out.push(Marginal {
            path: path.clone(),
            lo,
            hi,
            log,
            bins,
            q05: weighted_quantile(&pairs, 0.05),
            q95: weighted_quantile(&pairs, 0.95),
        });
    }
    out
}

pub fn write(dir: &Path, fit: &Fit, gens: &[Generation], m: &Model, band: &Band) -> Result<()> {
    let last = gens.last().expect("a generation");
    let observed: Vec<(f64, f64)> = match &m.observed {
        Some(o) => {
            let (a, b) = (m.time_of(0.0), m.time_of(m.steps as f64));
            let r = crate::engine::run(m, 0);
            o.points
                .iter()
                .filter(|p| p.0 >= a && p.0 <= b + 1e-9)
                .map(|&(y, c)| {
                    let denom = o.states.unwrap_or_else(|| states_at(&r, m, y));
                    (y, c / denom.max(1.0))
                })
                .collect()
        }
        None => Vec::new(),
    };
    let what = match &m.observed {
        Some(o) if o.parties => "parties",
        _ => "adopters",
    };
    let p = FitPlot {
        title: format!(
            "{}: observed {what} vs posterior predictive (generation {}, {} particles)",
            fit.name,
            last.index,
            last.particles.len()
        ),
        band,
        observed,
        observed_label: format!("observed share of states ({what})"),
        marginals: marginals(fit, last),
    };
    render(&dir.join("fit"), &p)
}

/// The number of states in the base model's system at a year (for observed shares).
fn states_at(r: &crate::observe::RunResult, m: &Model, year: f64) -> f64 {
    r.rows
        .iter()
        .rfind(|x| m.time_of(x.step as f64) <= year + 1e-9)
        .map_or(1.0, |x| x.states as f64)
}

impl Painting for FitPlot<'_> {
    fn size(&self) -> (u32, u32) {
        let rows = self.marginals.len().div_ceil(3);
        (W as u32, (TOP_H + rows as f64 * CELL_H + 10.0) as u32)
    }

    fn paint<DB: DrawingBackend>(&self, cv: &Canvas<DB>) -> R {
        let title = cv.fit(&self.title, 20.0, W - 48.0);
        cv.text(&title, 24.0, 32.0, 20.0, TEXT, HPos::Left)?;
        let items = vec![
            (
                Swatch::Line(okabe::BLUE, 3),
                "posterior-predictive median".to_string(),
            ),
            (
                Swatch::Band(okabe::BLUE),
                "5–95% of posterior-predictive runs".to_string(),
            ),
            (Swatch::Box(okabe::VERMILLION), self.observed_label.clone()),
        ];
        style::legend(cv, &items, 24.0, W - 24.0, 60.0, 13.0)?;
        self.paint_curves(cv)?;
        for (i, mg) in self.marginals.iter().enumerate() {
            let (col, row) = (i % 3, i / 3);
            let x0 = 24.0 + col as f64 * (W - 24.0) / 3.0;
            let y0 = TOP_H + row as f64 * CELL_H;
            paint_marginal(cv, mg, x0, y0, (W - 24.0) / 3.0 - 24.0)?;
        }
        Ok(())
    }
}

impl FitPlot<'_> {
    fn paint_curves<DB: DrawingBackend>(&self, cv: &Canvas<DB>) -> R {
        let b = self.band;
        let xlo = b.years.first().copied().unwrap_or(0.0);
        let xhi = b.years.last().copied().unwrap_or(1.0);
        let ymax = b
            .q95
            .iter()
            .chain(self.observed.iter().map(|p| &p.1))
            .copied()
            .fold(0.0, f64::max)
            .max(0.05);
        let yt = style::nice_ticks(0.0, ymax * 1.05, 5);
        let yhi = yt.last().copied().unwrap_or(1.0).max(ymax);
        let f = Frame {
            x0: 80.0,
            x1: W - 30.0,
            y0: 84.0,
            y1: TOP_H - 70.0,
            xlo,
            xhi,
            ylo: 0.0,
            yhi,
        };
        style::y_axis(cv, &f, &yt, &|v| format!("{:.0}%", v * 100.0), 13.0)?;
        let xt = style::nice_ticks(xlo, xhi, 10);
        style::x_ticks(cv, &f, &xt, &style::fmt_tick, 13.0, Some(f.y1 + 20.0))?;
        cv.text(
            "year",
            (f.x0 + f.x1) / 2.0,
            f.y1 + 46.0,
            14.0,
            MUTED,
            HPos::Center,
        )?;
        cv.vtext("share of states", 26.0, (f.y0 + f.y1) / 2.0, 14.0, MUTED)?;
        let mut poly: Vec<(f64, f64)> = (0..b.years.len())
            .map(|i| (f.fx(b.years[i]), f.fy(b.q95[i])))
            .collect();
        poly.extend(
            (0..b.years.len())
                .rev()
                .map(|i| (f.fx(b.years[i]), f.fy(b.q05[i]))),
        );
        if poly.len() >= 3 {
            cv.polygon(&poly, okabe::BLUE.mix(0.22))?;
        }
        let med: Vec<(f64, f64)> = (0..b.years.len())
            .map(|i| (f.fx(b.years[i]), f.fy(b.median[i])))
            .collect();
        cv.line(&med, okabe::BLUE, 3)?;
        for &(y, s) in &self.observed {
            cv.circle(f.fx(y), f.fy(s), 3, okabe::VERMILLION)?;
        }
        cv.rect_outline(f.x0, f.y0, f.x1, f.y1, style::AXIS, 1)
    }
}

fn paint_marginal<DB: DrawingBackend>(
    cv: &Canvas<DB>,
    mg: &Marginal,
    x0: f64,
    y0: f64,
    w: f64,
) -> R {
    let t = |x: f64| if mg.log { x.ln() } else { x };
    let name = cv.fit(&mg.path, 13.0, w);
    cv.text(&name, x0, y0 + 16.0, 13.0, TEXT, HPos::Left)?;
    let top = mg.bins.iter().copied().fold(0.0, f64::max).max(1e-12);
    let f = Frame {
        x0: x0 + 6.0,
        x1: x0 + w,
        y0: y0 + 28.0,
        y1: y0 + CELL_H - 56.0,
        xlo: t(mg.lo),
        xhi: t(mg.hi),
        ylo: 0.0,
        yhi: top * 1.1,
    };
    let nb = mg.bins.len();
    for (k, &v) in mg.bins.iter().enumerate() {
        let a = f.xlo + (f.xhi - f.xlo) * k as f64 / nb as f64;
        let b = f.xlo + (f.xhi - f.xlo) * (k + 1) as f64 / nb as f64;
        if v > 0.0 {
            cv.rect(
                f.fx(a) + 0.5,
                f.fy(v),
                f.fx(b) - 0.5,
                f.y1,
                okabe::BLUE.mix(0.75),
            )?;
        }
    }
    for q in [mg.q05, mg.q95] {
        let x = f.fx(t(q));
        cv.dashed((x, f.y0), (x, f.y1), okabe::VERMILLION, 2, 5.0, 3.0)?;
    }
    let ticks: Vec<f64> = if mg.log {
        log_ticks(mg.lo, mg.hi)
    } else {
        style::nice_ticks(mg.lo, mg.hi, 4)
    };
    let ticks_t: Vec<f64> = ticks.iter().map(|&v| t(v)).collect();
    let fmt = |v: f64| style::fmt_tick(if mg.log { v.exp() } else { v });
    style::x_ticks(cv, &f, &ticks_t, &fmt, 11.0, Some(f.y1 + 16.0))?;
    cv.text(
        &format!("90% interval {} – {}", sig(mg.q05), sig(mg.q95)),
        x0 + 6.0,
        f.y1 + 36.0,
        11.0,
        MUTED,
        HPos::Left,
    )?;
    cv.rect_outline(f.x0, f.y0, f.x1, f.y1, style::AXIS, 1)
}

fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let mut v = Vec::new();
    let mut p = 10f64.powf(lo.log10().floor());
    while p <= hi * 1.0001 {
        for m in [1.0, 2.0, 5.0] {
            let x = p * m;
            if x >= lo * 0.9999 && x <= hi * 1.0001 {
                v.push(x);
            }
        }
        p *= 10.0;
    }
    v
}

/// Three significant digits.
pub fn sig(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let d = (2 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.d$}")
}
