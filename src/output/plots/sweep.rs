//! Renderers for sweeps: a heat map of an outcome over two swept parameters, and a line
//! with a 10–90% band over one swept parameter. Each writes `stem.svg` and `stem.png`.

use super::style::{self, okabe, Canvas, Frame, Swatch, MUTED, NA, R, TEXT};
use super::{render, Painting};
use crate::error::{Error, Result};
use plotters::prelude::*;
use plotters::style::text_anchor::HPos;
use std::path::Path;

struct Heatmap<'a> {
    title: &'a str,
    x_label: &'a str,
    xs: &'a [String],
    y_label: &'a str,
    ys: &'a [String],
    z: &'a [Vec<Option<f64>>],
    z_label: &'a str,
    lo: f64,
    hi: f64,
    /// Width of the y value labels (measured once).
    y_lab_w: f64,
    /// Whether the x value labels are written vertically.
    x_vertical: bool,
    x_lab_w: f64,
    cell_w: f64,
    cell_h: f64,
}

const HM_LEFT: f64 = 40.0;
const HM_TOP: f64 = 84.0;

/// A heat map of `z[y][x]` (`None`: no value, drawn grey with "n/a") over the categories
/// `x_values` × `y_values`; writes `stem.svg` and `stem.png`.
#[allow(clippy::too_many_arguments)]
pub fn heatmap(
    stem: &Path,
    title: &str,
    x_label: &str,
    x_values: &[String],
    y_label: &str,
    y_values: &[String],
    z: &[Vec<Option<f64>>],
    z_label: &str,
) -> Result<()> {
    if z.len() != y_values.len() || z.iter().any(|row| row.len() != x_values.len()) {
        return Err(Error::Other(format!(
            "heat map {}: z must have {} rows of {} values",
            stem.display(),
            y_values.len(),
            x_values.len()
        )));
    }
    style::ensure_font();
    let vals: Vec<f64> = z
        .iter()
        .flatten()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if vals.is_empty() {
        (0.0, 1.0)
    } else {
        (lo, hi)
    };
    // Measure the labels with the bundled font (backend-independent).
    let measure = style::measure;
    let y_lab_w = y_values
        .iter()
        .map(|s| measure(s, 14.0))
        .fold(0.0, f64::max);
    let x_lab_w = x_values
        .iter()
        .map(|s| measure(s, 14.0))
        .fold(0.0, f64::max);
    let nx = x_values.len().max(1) as f64;
    let ny = y_values.len().max(1) as f64;
    let cell_w = (900.0 / nx).clamp(36.0, 110.0);
    let cell_h = (560.0 / ny).clamp(26.0, 70.0);
    let hm = Heatmap {
        title,
        x_label,
        xs: x_values,
        y_label,
        ys: y_values,
        z,
        z_label,
        lo,
        hi,
        y_lab_w,
        x_vertical: x_lab_w + 6.0 > cell_w,
        x_lab_w,
        cell_w,
        cell_h,
    };
    render(stem, &hm)
}

impl Heatmap<'_> {
    fn grid_x0(&self) -> f64 {
        HM_LEFT + 30.0 + self.y_lab_w + 10.0
    }
    fn grid_w(&self) -> f64 {
        self.cell_w * self.xs.len().max(1) as f64
    }
    fn grid_h(&self) -> f64 {
        self.cell_h * self.ys.len().max(1) as f64
    }
    fn x_lab_h(&self) -> f64 {
        if self.x_vertical {
            self.x_lab_w + 12.0
        } else {
            24.0
        }
    }
    fn fmt(&self, v: f64) -> String {
        let span = (self.hi - self.lo).abs().max(v.abs());
        if span >= 100.0 {
            format!("{v:.0}")
        } else if span >= 10.0 {
            format!("{v:.1}")
        } else {
            format!("{v:.2}")
        }
    }
}

impl Painting for Heatmap<'_> {
    fn size(&self) -> (u32, u32) {
        let w = self.grid_x0() + self.grid_w() + 170.0;
        let h = HM_TOP + self.grid_h() + self.x_lab_h() + 50.0;
        (w.max(640.0).round() as u32, h.max(360.0).round() as u32)
    }

    fn paint<DB: DrawingBackend>(&self, cv: &Canvas<DB>) -> R {
        cv.text(self.title, 24.0, 34.0, 22.0, TEXT, HPos::Left)?;
        cv.text(
            &format!("colour: {}", self.z_label),
            24.0,
            60.0,
            14.0,
            MUTED,
            HPos::Left,
        )?;
        let gx0 = self.grid_x0();
        let gy0 = HM_TOP;
        let span = if self.hi > self.lo {
            self.hi - self.lo
        } else {
            1.0
        };
        // Cells; the first y value at the bottom.
        let ny = self.ys.len();
        for (yi, row) in self.z.iter().enumerate() {
            let y1 = gy0 + self.cell_h * (ny - yi) as f64;
            let y0 = y1 - self.cell_h;
            for (xi, v) in row.iter().enumerate() {
                let x0 = gx0 + self.cell_w * xi as f64;
                let x1 = x0 + self.cell_w;
                let (bg, text) = match v {
                    Some(v) if v.is_finite() => {
                        let c = style::viridis((v - self.lo) / span);
                        (c, self.fmt(*v))
                    }
                    _ => (NA, "n/a".to_string()),
                };
                cv.rect(x0, y0, x1, y1, bg)?;
                cv.rect_outline(x0, y0, x1, y1, WHITE, 1)?;
                let size = 13.0;
                if cv.text_w(&text, size) + 6.0 <= self.cell_w && self.cell_h >= 18.0 {
                    cv.text(
                        &text,
                        (x0 + x1) / 2.0,
                        (y0 + y1) / 2.0 + 5.0,
                        size,
                        style::ink_on(bg),
                        HPos::Center,
                    )?;
                }
            }
        }
        // Axis values and names.
        for (yi, s) in self.ys.iter().enumerate() {
            let yc = gy0 + self.cell_h * (ny - yi) as f64 - self.cell_h / 2.0;
            cv.text(s, gx0 - 8.0, yc + 5.0, 14.0, TEXT, HPos::Right)?;
        }
        let gy1 = gy0 + self.grid_h();
        for (xi, s) in self.xs.iter().enumerate() {
            let xc = gx0 + self.cell_w * (xi as f64 + 0.5);
            if self.x_vertical {
                cv.vtext_right(s, xc + 5.0, gy1 + 8.0, 14.0, TEXT)?;
            } else {
                cv.text(s, xc, gy1 + 20.0, 14.0, TEXT, HPos::Center)?;
            }
        }
        cv.text(
            self.x_label,
            gx0 + self.grid_w() / 2.0,
            gy1 + self.x_lab_h() + 26.0,
            15.0,
            MUTED,
            HPos::Center,
        )?;
        cv.vtext(
            self.y_label,
            HM_LEFT + 10.0,
            gy0 + self.grid_h() / 2.0,
            15.0,
            MUTED,
        )?;
        // Colour bar.
        let bx0 = gx0 + self.grid_w() + 30.0;
        let bh = self.grid_h().clamp(120.0, 400.0);
        let by1 = gy0 + bh;
        let n = 60;
        for i in 0..n {
            let y1 = by1 - bh * i as f64 / n as f64;
            let y0 = by1 - bh * (i + 1) as f64 / n as f64;
            cv.rect(
                bx0,
                y0.floor(),
                bx0 + 18.0,
                y1.ceil(),
                style::viridis((i as f64 + 0.5) / n as f64),
            )?;
        }
        cv.rect_outline(bx0, gy0, bx0 + 18.0, by1, style::AXIS, 1)?;
        if self.hi > self.lo {
            for t in style::nice_ticks(self.lo, self.hi, 5) {
                let y = by1 - bh * (t - self.lo) / span;
                cv.line(&[(bx0 + 18.0, y), (bx0 + 23.0, y)], style::AXIS, 1)?;
                cv.text(
                    &style::fmt_tick(t),
                    bx0 + 27.0,
                    y + 5.0,
                    13.0,
                    MUTED,
                    HPos::Left,
                )?;
            }
        } else {
            cv.text(
                &self.fmt(self.lo),
                bx0 + 27.0,
                (gy0 + by1) / 2.0 + 5.0,
                13.0,
                MUTED,
                HPos::Left,
            )?;
        }
        if self
            .z
            .iter()
            .flatten()
            .any(|v| v.is_none_or(|v| !v.is_finite()))
        {
            cv.rect(bx0, by1 + 14.0, bx0 + 18.0, by1 + 30.0, NA)?;
            cv.text(
                "n/a: no value",
                bx0 + 24.0,
                by1 + 27.0,
                12.0,
                MUTED,
                HPos::Left,
            )?;
        }
        Ok(())
    }
}

struct Band<'a> {
    title: &'a str,
    x_label: &'a str,
    xs: &'a [f64],
    median: &'a [f64],
    p10: &'a [f64],
    p90: &'a [f64],
    y_label: &'a str,
}

/// A line (the median) with a shaded 10–90% band over a numeric x; writes `stem.svg`
/// and `stem.png`. Non-finite values are left out.
#[allow(clippy::too_many_arguments)]
pub fn band(
    stem: &Path,
    title: &str,
    x_label: &str,
    xs: &[f64],
    median: &[f64],
    p10: &[f64],
    p90: &[f64],
    y_label: &str,
) -> Result<()> {
    let n = xs.len();
    if median.len() != n || p10.len() != n || p90.len() != n {
        return Err(Error::Other(format!(
            "band plot {}: xs, median, p10 and p90 must have the same length",
            stem.display()
        )));
    }
    render(
        stem,
        &Band {
            title,
            x_label,
            xs,
            median,
            p10,
            p90,
            y_label,
        },
    )
}

fn range(vs: &[&[f64]]) -> (f64, f64) {
    let it = vs
        .iter()
        .flat_map(|v| v.iter())
        .copied()
        .filter(|v| v.is_finite());
    let (lo, hi) = it.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    if lo > hi {
        (0.0, 1.0)
    } else if lo == hi {
        (lo - 0.5, hi + 0.5)
    } else {
        (lo, hi)
    }
}

impl Painting for Band<'_> {
    fn size(&self) -> (u32, u32) {
        (960, 600)
    }

    fn paint<DB: DrawingBackend>(&self, cv: &Canvas<DB>) -> R {
        let (w, h) = (960.0, 600.0);
        cv.text(self.title, 24.0, 34.0, 22.0, TEXT, HPos::Left)?;
        let items = vec![
            (Swatch::Line(okabe::BLUE, 3), "median".to_string()),
            (
                Swatch::Band(okabe::BLUE),
                "10–90% of replicates".to_string(),
            ),
        ];
        style::legend(cv, &items, 24.0, w - 24.0, 62.0, 14.0)?;
        let (xlo, xhi) = range(&[self.xs]);
        let (ylo, yhi) = range(&[self.median, self.p10, self.p90]);
        let pad = (yhi - ylo) * 0.06;
        let yt = style::nice_ticks(ylo - pad, yhi + pad, 6);
        let ylo = yt.first().copied().unwrap_or(ylo).min(ylo - pad);
        let yhi = yt.last().copied().unwrap_or(yhi).max(yhi + pad);
        let fmt_y = |v: f64| style::fmt_tick(v);
        let ylab_w = yt
            .iter()
            .map(|&t| cv.text_w(&fmt_y(t), 13.0))
            .fold(0.0, f64::max);
        let f = Frame {
            x0: 50.0 + ylab_w + 12.0,
            x1: w - 30.0,
            y0: 84.0,
            y1: h - 70.0,
            xlo,
            xhi,
            ylo,
            yhi,
        };
        style::y_axis(cv, &f, &yt, &fmt_y, 13.0)?;
        let xt: Vec<f64> = style::nice_ticks(xlo, xhi, 10);
        style::x_ticks(cv, &f, &xt, &style::fmt_tick, 13.0, Some(f.y1 + 20.0))?;
        cv.text(
            self.x_label,
            (f.x0 + f.x1) / 2.0,
            f.y1 + 48.0,
            15.0,
            MUTED,
            HPos::Center,
        )?;
        cv.vtext(self.y_label, 26.0, (f.y0 + f.y1) / 2.0, 15.0, MUTED)?;
        let mut idx: Vec<usize> = (0..self.xs.len())
            .filter(|&i| self.xs[i].is_finite())
            .collect();
        idx.sort_by(|&a, &b| self.xs[a].total_cmp(&self.xs[b]));
        let ok = |i: &&usize| self.p10[**i].is_finite() && self.p90[**i].is_finite();
        let mut poly: Vec<(f64, f64)> = idx
            .iter()
            .filter(ok)
            .map(|&i| (f.fx(self.xs[i]), f.fy(self.p90[i])))
            .collect();
        poly.extend(
            idx.iter()
                .rev()
                .filter(ok)
                .map(|&i| (f.fx(self.xs[i]), f.fy(self.p10[i]))),
        );
        if poly.len() >= 3 {
            cv.polygon(&poly, okabe::BLUE.mix(0.22))?;
        }
        let pts: Vec<(f64, f64)> = idx
            .iter()
            .filter(|&&i| self.median[i].is_finite())
            .map(|&i| (f.fx(self.xs[i]), f.fy(self.median[i])))
            .collect();
        cv.line(&pts, okabe::BLUE, 3)?;
        for &(x, y) in &pts {
            cv.circle(x, y, 4, okabe::BLUE)?;
        }
        cv.rect_outline(f.x0, f.y0, f.x1, f.y1, style::AXIS, 1)?;
        Ok(())
    }
}
