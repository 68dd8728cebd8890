//! `indices.svg`/`.png`: one block per outcome, one row per parameter. Sobol: S1 and ST
//! as bars with their 95% bootstrap intervals; Morris: μ* as a bar with its interval and
//! σ as a dot, on the scale of the largest value.

use super::spec::{Method, Sa};
use super::Index;
use crate::error::Result;
use crate::output::plots::style::{self, okabe, Canvas, Frame, Swatch, MUTED, R, TEXT};
use crate::output::plots::{render, Painting};
use plotters::prelude::*;
use plotters::style::text_anchor::HPos;
use std::path::Path;

struct Indices<'a> {
    title: String,
    method: Method,
    outcomes: Vec<String>,
    params: &'a [String],
    idx: &'a [Index],
}

const W: f64 = 960.0;
const ROW: f64 = 40.0;
const HEAD: f64 = 90.0;
const LABEL_W: f64 = 300.0;

pub fn write(dir: &Path, sa: &Sa, idx: &[Index]) -> Result<()> {
    let p = Indices {
        title: format!(
            "{}: {} ({} design points × {} replicate(s))",
            sa.name,
            match sa.method {
                Method::Sobol => "Sobol indices, Saltelli design",
                Method::Morris => "Morris elementary effects",
            },
            sa.points(),
            sa.replicates
        ),
        method: sa.method,
        outcomes: sa.outcomes.clone(),
        params: &sa.setup.paths,
        idx,
    };
    render(&dir.join("indices"), &p)
}

impl Indices<'_> {
    fn block_h(&self) -> f64 {
        66.0 + self.params.len() as f64 * ROW
    }
    /// The x range: shared by all outcomes for Sobol (indices are shares of variance),
    /// per outcome for Morris (effects are in the outcome's units).
    fn scale(&self, outcome: &str) -> (f64, f64) {
        match self.method {
            Method::Sobol => {
                let lo = self
                    .idx
                    .iter()
                    .map(|i| i.values[0] - i.values[1])
                    .filter(|v| v.is_finite())
                    .fold(0.0, f64::min);
                let hi = self
                    .idx
                    .iter()
                    .map(|i| i.values[2] + i.values[3])
                    .filter(|v| v.is_finite())
                    .fold(1.0, f64::max);
                (lo.max(-0.5), hi.min(1.5))
            }
            Method::Morris => {
                let hi = self
                    .idx
                    .iter()
                    .filter(|i| i.outcome == outcome)
                    .flat_map(|i| [i.values[0] + i.values[1], i.values[2]])
                    .filter(|v| v.is_finite())
                    .fold(0.0, f64::max);
                (0.0, if hi > 0.0 { hi * 1.05 } else { 1.0 })
            }
        }
    }
}

impl Painting for Indices<'_> {
    fn size(&self) -> (u32, u32) {
        (
            W as u32,
            (HEAD + self.outcomes.len() as f64 * self.block_h() + 50.0) as u32,
        )
    }

    fn paint<DB: DrawingBackend>(&self, cv: &Canvas<DB>) -> R {
        let t = cv.fit(&self.title, 20.0, W - 48.0);
        cv.text(&t, 24.0, 32.0, 20.0, TEXT, HPos::Left)?;
        let items = match self.method {
            Method::Sobol => vec![
                (Swatch::Box(okabe::BLUE), "first-order S1".to_string()),
                (Swatch::Box(okabe::SKY_BLUE), "total ST".to_string()),
                (Swatch::Line(TEXT, 1), "95% bootstrap interval".to_string()),
            ],
            Method::Morris => vec![
                (
                    Swatch::Box(okabe::BLUE),
                    "μ* (mean |elementary effect|)".to_string(),
                ),
                (Swatch::Line(TEXT, 1), "95% bootstrap interval".to_string()),
                (
                    Swatch::Box(okabe::VERMILLION),
                    "σ (sd of elementary effects)".to_string(),
                ),
            ],
        };
        style::legend(cv, &items, 24.0, W - 24.0, 62.0, 13.0)?;
        for (k, o) in self.outcomes.iter().enumerate() {
            let (lo, hi) = self.scale(o);
            let ticks = style::nice_ticks(lo, hi, 8);
            let (xlo, xhi) = (
                ticks.first().copied().unwrap_or(lo).min(lo),
                ticks.last().copied().unwrap_or(hi).max(hi),
            );
            let y0 = HEAD + k as f64 * self.block_h();
            cv.text(
                &cv.fit(o, 15.0, W - 48.0),
                24.0,
                y0 + 18.0,
                15.0,
                TEXT,
                HPos::Left,
            )?;
            let f = Frame {
                x0: 24.0 + LABEL_W,
                x1: W - 30.0,
                y0: y0 + 28.0,
                y1: y0 + 28.0 + self.params.len() as f64 * ROW,
                xlo,
                xhi,
                ylo: 0.0,
                yhi: 1.0,
            };
            style::x_ticks(cv, &f, &ticks, &style::fmt_tick, 12.0, Some(f.y1 + 18.0))?;
            for (i, p) in self.params.iter().enumerate() {
                let yc = f.y0 + (i as f64 + 0.5) * ROW;
                cv.text(
                    &cv.fit(p, 13.0, LABEL_W - 12.0),
                    f.x0 - 10.0,
                    yc + 4.0,
                    13.0,
                    MUTED,
                    HPos::Right,
                )?;
                if let Some(ix) = self
                    .idx
                    .iter()
                    .find(|x| &x.outcome == o && &x.parameter == p)
                {
                    self.row(cv, &f, ix, yc)?;
                }
            }
            if xlo < 0.0 {
                cv.line(&[(f.fx(0.0), f.y0), (f.fx(0.0), f.y1)], style::AXIS, 1)?;
            }
            cv.rect_outline(f.x0, f.y0, f.x1, f.y1, style::AXIS, 1)?;
        }
        Ok(())
    }
}

impl Indices<'_> {
    fn row<DB: DrawingBackend>(&self, cv: &Canvas<DB>, f: &Frame, ix: &Index, yc: f64) -> R {
        let v = &ix.values;
        let bar = |y: f64, val: f64, conf: f64, c: RGBColor| -> R {
            if !val.is_finite() {
                return Ok(());
            }
            let (a, b) = (f.fx(0.0_f64.max(f.xlo)), f.fx(val.clamp(f.xlo, f.xhi)));
            cv.rect(a.min(b), y - 6.0, a.max(b), y + 6.0, c)?;
            if conf.is_finite() {
                let (l, h) = (f.fx((val - conf).max(f.xlo)), f.fx((val + conf).min(f.xhi)));
                cv.line(&[(l, y), (h, y)], TEXT, 1)?;
                cv.line(&[(l, y - 4.0), (l, y + 4.0)], TEXT, 1)?;
                cv.line(&[(h, y - 4.0), (h, y + 4.0)], TEXT, 1)?;
            }
            Ok(())
        };
        match self.method {
            Method::Sobol => {
                bar(yc - 8.0, v[0], v[1], okabe::BLUE)?;
                bar(yc + 8.0, v[2], v[3], okabe::SKY_BLUE)
            }
            Method::Morris => {
                bar(yc, v[0], v[1], okabe::BLUE)?;
                if v[2].is_finite() {
                    cv.circle(f.fx(v[2].min(f.xhi)), yc, 5, okabe::VERMILLION)?;
                }
                Ok(())
            }
        }
    }
}
