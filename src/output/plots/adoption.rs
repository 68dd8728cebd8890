//! `adoption.svg`/`.png`: per norm (small multiples sharing the time axis) the weighted
//! adoption share, compliance and internalization over time, on the life-cycle stages as
//! shaded, labelled bands; the tipping share dashed; the observed tipping point and the
//! treaty events marked. With replicates: medians, 10–90% bands, the most common stage
//! per step, and a rug and box of the tipping times under each panel.

use super::style::{self, okabe, Canvas, Curve, Frame, Layout, Swatch, TextBox, MUTED, R, TEXT};
use super::Painting;
use crate::model::Model;
use crate::observe::stages::Stage;
use crate::observe::{observed, RunResult};
use crate::output::dates::month_year;
use crate::output::tables::fmt_time;
use crate::stats::quantile;
use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

const W: u32 = 1200;
const X0: f64 = 84.0;
const X1: f64 = W as f64 - 28.0;
const PANEL_H: f64 = 370.0;
const RUG_H: f64 = 46.0;

pub fn stage_color(s: Stage) -> RGBColor {
    match s {
        Stage::Emergence => okabe::YELLOW,
        Stage::Cascade => okabe::VERMILLION,
        Stage::Internalization => okabe::SKY_BLUE,
        Stage::Stalled => RGBColor(150, 150, 150),
    }
}

/// Background tint of a stage in the plot area, and in the label strip above it.
fn stage_tints(s: Stage) -> (RGBColor, RGBColor) {
    let c = stage_color(s);
    match s {
        Stage::Emergence => (style::tint(c, 0.22), style::tint(c, 0.6)),
        Stage::Cascade => (style::tint(c, 0.13), style::tint(c, 0.4)),
        Stage::Internalization => (style::tint(c, 0.18), style::tint(c, 0.5)),
        Stage::Stalled => (style::tint(c, 0.2), style::tint(c, 0.45)),
    }
}

const SERIES: [(&str, RGBColor, u32); 3] = [
    ("weighted adoption share", okabe::BLUE, 3),
    ("compliance", okabe::ORANGE, 2),
    ("internalization (level)", okabe::BLUISH_GREEN, 2),
];

struct Series {
    mid: Vec<f64>,
    band: Option<(Vec<f64>, Vec<f64>)>,
}

struct Marker {
    t: f64,
    label: String,
    color: RGBColor,
    dashed: bool,
}

struct Panel {
    name: String,
    times: Vec<f64>,
    series: Vec<Series>,
    /// (stage, from time, to time), consecutive runs of one stage.
    stages: Vec<(Stage, f64, f64)>,
    markers: Vec<Marker>,
    /// Replicates: the tipping time of each replicate that tipped.
    tip_times: Vec<f64>,
    /// Label of the tipping-share line.
    share_label: String,
    /// The scenario's observed series of this norm: (year, share of states).
    observed: Vec<(f64, f64)>,
    /// The simulated series in the observed one's measure (adopters or parties over the
    /// same denominator, median over replicates) at the observed years: the weighted
    /// adoption share is a different measure, so the record is compared with this.
    simulated: Vec<(f64, f64)>,
}

/// A label as placed: text, anchor, alignment, size, colour, and the box drawn behind it.
struct Placed {
    text: String,
    x: f64,
    y: f64,
    h: HPos,
    size: f64,
    color: RGBColor,
    bx: TextBox,
}

/// The adoption picture, computed once from the runs and painted on both backends.
pub struct Adoption {
    title: String,
    subtitle: String,
    x_label: String,
    xlo: f64,
    xhi: f64,
    tipping_share: f64,
    replicates: usize,
    panels: Vec<Panel>,
    stages_present: Vec<Stage>,
    any_treaty: bool,
    /// Legend text and caption of the observed series, if the scenario declares one.
    observed: Option<(String, String)>,
}

fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    Some(quantile(v, 0.5))
}

fn pct(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

/// "1972" or "October 1996" with a time axis (never a decimal year), "step 22" without.
fn at(m: &Model, step: f64) -> String {
    if m.has_years() {
        month_year(m, step)
    } else {
        format!("step {}", fmt_time(m, step))
    }
}

impl Adoption {
    pub fn new(m: &Model, runs: &[RunResult]) -> Adoption {
        let r = runs.len();
        let last_step = runs
            .iter()
            .flat_map(|x| x.rows.iter().map(|row| row.step))
            .max()
            .unwrap_or(m.steps);
        let times: Vec<f64> = (0..=last_step).map(|s| m.time_of(s as f64)).collect();
        let tcl = |s: f64| m.time_of(s.clamp(0.0, last_step as f64));
        let mut stages_present: Vec<Stage> = Vec::new();
        let mut any_treaty = false;
        let mut panels = Vec::new();
        for (kk, norm) in m.norms.iter().enumerate() {
            // values[series][step] = one value per run
            let mut vals: Vec<Vec<Vec<f64>>> = vec![vec![Vec::with_capacity(r); times.len()]; 3];
            let mut stage_votes: Vec<[usize; 4]> = vec![[0; 4]; times.len()];
            for run in runs {
                for row in run.rows.iter().filter(|row| row.norm == kk) {
                    let s = row.step as usize;
                    vals[0][s].push(row.weighted_share);
                    vals[1][s].push(row.compliance);
                    vals[2][s].push(row.internalization);
                    let si = Stage::ALL.iter().position(|&x| x == row.stage).unwrap_or(0);
                    stage_votes[s][si] += 1;
                }
            }
            let series = series_of(&mut vals, r);
            let mut stages = stage_runs(&stage_votes, &tcl, &mut stages_present);
            if r > 1 {
                // The most common stage can flip for a step or two where replicates
                // split; a run shorter than 2% of the span joins the one before it.
                let min = 0.02 * (tcl(last_step as f64) - tcl(0.0));
                stages = merge_short(stages, min);
            }
            // A norm dominant from the start never *crosses* the tipping share.
            let start_above = vals[0]
                .first()
                .is_some_and(|v| !v.is_empty() && v.iter().all(|&x| x >= m.tipping_share));
            let (markers, tip_times, share_label) =
                markers(m, runs, kk, start_above, &mut any_treaty);
            panels.push(Panel {
                name: norm.name.clone(),
                times: times.clone(),
                series,
                stages,
                markers,
                tip_times,
                share_label,
                observed: Vec::new(),
                simulated: Vec::new(),
            });
        }
        let observed = observed_series(m, runs, &mut panels);
        // The stages drawn (after short runs were joined).
        stages_present.retain(|s| panels.iter().any(|p| p.stages.iter().any(|x| x.0 == *s)));
        stages_present.sort_by_key(|s| Stage::ALL.iter().position(|x| x == s));
        let title = if r == 1 {
            format!("{}: norm adoption over time (seed {})", m.name, m.seed)
        } else {
            format!(
                "{}: norm adoption over time, {} replicates (seed {})",
                m.name, r, m.seed
            )
        };
        let subtitle = if r == 1 {
            "One panel per norm. Background bands: life-cycle stage observed at each step (Finnemore & Sikkink 1998)."
                .to_string()
        } else {
            "One panel per norm. Lines: median across replicates, shaded: 10–90%. Background: the most common stage at each step."
                .to_string()
        };
        Adoption {
            title,
            subtitle,
            x_label: if m.has_years() {
                "year".into()
            } else {
                "step".into()
            },
            xlo: times[0],
            xhi: *times.last().unwrap_or(&times[0]),
            tipping_share: m.tipping_share,
            replicates: r,
            panels,
            stages_present,
            any_treaty,
            observed,
        }
    }

    fn legend_items(&self) -> Vec<(Swatch, String)> {
        let mut items: Vec<(Swatch, String)> = Vec::new();
        for (name, c, w) in SERIES {
            let sw = if self.replicates > 1 {
                Swatch::Band(c)
            } else {
                Swatch::Line(c, w)
            };
            items.push((sw, name.to_string()));
        }
        items.push((
            Swatch::Dashed(MUTED),
            format!("tipping share ({})", pct(self.tipping_share)),
        ));
        // Only what is drawn: a tipping point line in some panel.
        if self
            .panels
            .iter()
            .any(|p| p.markers.iter().any(|m| !m.dashed))
        {
            items.push((Swatch::Line(okabe::BLACK, 2), "tipping point".into()));
        }
        if self.any_treaty {
            items.push((
                Swatch::Dashed(okabe::REDDISH_PURPLE),
                "treaty events".into(),
            ));
        }
        if let Some((what, _)) = &self.observed {
            items.push((Swatch::Dots(OBSERVED), what.clone()));
            items.push((Swatch::Line(SIMULATED, 2), self.same_measure_label()));
        }
        if self.replicates > 1 {
            items.push((
                Swatch::Rug(okabe::BLACK),
                "tipping time of each replicate (box: 10–90%)".into(),
            ));
        }
        items.push((Swatch::NewRow, String::new()));
        items.push((Swatch::Heading, "life-cycle stages:".into()));
        for &s in &self.stages_present {
            items.push((Swatch::Box(stage_tints(s).1), s.name().to_string()));
        }
        items
    }

    /// Where the legend ends, and the caption under it (the observed series' source).
    fn legend_end(&self) -> f64 {
        style::legend_places(&self.legend_items(), 24.0, W as f64 - 24.0, 92.0, 15.0).1
    }

    fn header_h(&self) -> f64 {
        // Title, subtitle, the legend rows and the caption.
        self.legend_end() + if self.observed.is_some() { 22.0 } else { 0.0 } + 4.0
    }

    fn panel_h(&self) -> f64 {
        PANEL_H + if self.replicates > 1 { RUG_H } else { 0.0 }
    }

    /// Top of panel `i` and its plotting frame.
    fn frame(&self, i: usize) -> (f64, Frame) {
        let py = self.header_h() + self.panel_h() * i as f64;
        let f = Frame {
            x0: X0,
            x1: X1,
            y0: py + 58.0,
            y1: py + PANEL_H - 44.0,
            xlo: self.xlo,
            xhi: self.xhi,
            ylo: 0.0,
            yhi: 1.0,
        };
        (py, f)
    }

    /// The layout as data: every plotted curve (pixels and data units) and every label
    /// box, for tests that check that no label covers a curve.
    pub fn layout(&self) -> Layout {
        let mut out = Layout::default();
        for (i, p) in self.panels.iter().enumerate() {
            let (py, f) = self.frame(i);
            for (name, data) in panel_curves(p) {
                out.curves.push(Curve {
                    name: format!("{}: {name}", p.name),
                    pixels: data.iter().map(|&(t, v)| (f.fx(t), f.fy(v))).collect(),
                    data,
                });
            }
            for l in self.place_labels(p, &f, py) {
                out.labels.push((l.text, l.bx));
            }
            let name = style::text_box(&p.name, X0, py + 22.0, 20.0, HPos::Left);
            out.labels.push((p.name.clone(), name));
            if i + 1 == self.panels.len() {
                let y = self.axis_note_y(&f) + 4.0;
                let b = style::text_box(&self.x_label, (f.x0 + f.x1) / 2.0, y, 15.0, HPos::Center);
                out.labels.push((self.x_label.clone(), b));
            }
        }
        out
    }
}

impl Painting for Adoption {
    fn size(&self) -> (u32, u32) {
        let h = self.header_h() + self.panel_h() * self.panels.len().max(1) as f64 + 16.0;
        (W, h.round() as u32)
    }

    fn paint<DB: DrawingBackend>(&self, cv: &Canvas<DB>) -> R {
        cv.text(&self.title, 24.0, 36.0, 25.0, TEXT, HPos::Left)?;
        cv.text(&self.subtitle, 24.0, 62.0, 15.0, MUTED, HPos::Left)?;
        let y = style::legend(cv, &self.legend_items(), 24.0, W as f64 - 24.0, 92.0, 15.0)?;
        if let Some((_, caption)) = &self.observed {
            let c = cv.fit(caption, 13.0, W as f64 - 48.0);
            cv.text(&c, 24.0, y - 4.0, 13.0, MUTED, HPos::Left)?;
        }
        let n = self.panels.len();
        for (i, p) in self.panels.iter().enumerate() {
            self.paint_panel(cv, p, i, i + 1 == n)?;
        }
        Ok(())
    }
}

impl Adoption {
    fn paint_panel<DB: DrawingBackend>(
        &self,
        cv: &Canvas<DB>,
        p: &Panel,
        i: usize,
        last: bool,
    ) -> R {
        let rep = self.replicates > 1;
        let (py, f) = self.frame(i);
        cv.text(&p.name, X0, py + 22.0, 20.0, TEXT, HPos::Left)?;
        let strip = (py + 34.0, f.y0);
        // Stage bands, with their labels in the strip above the plot.
        for &(s, a, b) in &p.stages {
            let (xa, xb) = (f.fx(a), f.fx(b));
            let (light, strong) = stage_tints(s);
            cv.rect(xa, f.y0, xb, f.y1, light)?;
            cv.rect(xa, strip.0, xb, strip.1, strong)?;
        }
        for &(s, a, b) in &p.stages {
            let (xa, xb) = (f.fx(a), f.fx(b));
            let name = s.name();
            let size = 14.0;
            if cv.text_w(name, size) + 8.0 <= xb - xa {
                cv.text(
                    name,
                    (xa + xb) / 2.0,
                    strip.1 - 7.0,
                    size,
                    TEXT,
                    HPos::Center,
                )?;
            }
        }
        // Axes.
        let fmt_y = |v: f64| format!("{v:.1}");
        style::y_axis(cv, &f, &style::nice_ticks(0.0, 1.0, 5), &fmt_y, 13.0)?;
        cv.vtext("share / level", 30.0, (f.y0 + f.y1) / 2.0, 14.0, MUTED)?;
        let xt = style::nice_ticks(self.xlo, self.xhi, 12);
        let rug = (f.y1 + 8.0, f.y1 + 8.0 + 30.0);
        let tick_y = if rep { rug.1 + 20.0 } else { f.y1 + 20.0 };
        style::x_ticks(cv, &f, &xt, &style::fmt_tick, 13.0, Some(tick_y))?;
        if last {
            cv.text(
                &self.x_label,
                (f.x0 + f.x1) / 2.0,
                tick_y + 24.0,
                15.0,
                MUTED,
                HPos::Center,
            )?;
        }
        // Tipping share.
        let ty = f.fy(self.tipping_share);
        cv.dashed((f.x0, ty), (f.x1, ty), MUTED, 2, 8.0, 5.0)?;
        // Event lines.
        for mk in &p.markers {
            let x = f.fx(mk.t);
            if mk.dashed {
                cv.dashed((x, f.y0), (x, f.y1), mk.color, 2, 6.0, 4.0)?;
            } else {
                cv.line(&[(x, f.y0), (x, f.y1)], mk.color, 2)?;
            }
        }
        paint_series(cv, &f, p, rep)?;
        cv.rect_outline(f.x0, f.y0, f.x1, f.y1, style::AXIS, 1)?;
        for l in self.place_labels(p, &f, py) {
            let b = l.bx;
            cv.rect(b.x0, b.y0, b.x1, b.y1, WHITE.mix(0.85))?;
            cv.text(&l.text, l.x, l.y, l.size, l.color, l.h)?;
        }
        if rep {
            self.paint_rug(cv, &f, p, rug)?;
        }
        Ok(())
    }

    /// The distribution of tipping times across replicates, in a strip under the plot.
    fn paint_rug<DB: DrawingBackend>(
        &self,
        cv: &Canvas<DB>,
        f: &Frame,
        p: &Panel,
        rug: (f64, f64),
    ) -> R {
        cv.rect(f.x0, rug.0, f.x1, rug.1, RGBColor(246, 246, 246))?;
        for &t in &p.tip_times {
            let x = f.fx(t);
            cv.line(
                &[(x, rug.0 + 3.0), (x, rug.1 - 3.0)],
                okabe::BLACK.mix(0.35),
                2,
            )?;
        }
        if !p.tip_times.is_empty() {
            let mut v = p.tip_times.clone();
            v.sort_by(f64::total_cmp);
            let (a, md, b) = (quantile(&v, 0.1), quantile(&v, 0.5), quantile(&v, 0.9));
            let (ya, yb) = (rug.0 + 9.0, rug.1 - 9.0);
            cv.rect_outline(f.fx(a), ya, f.fx(b).max(f.fx(a) + 1.0), yb, okabe::BLACK, 1)?;
            cv.line(
                &[(f.fx(md), ya - 4.0), (f.fx(md), yb + 4.0)],
                okabe::BLACK,
                3,
            )?;
        }
        if p.tip_times.is_empty() {
            cv.text(
                "no replicate tipped",
                (f.x0 + f.x1) / 2.0,
                rug.1 - 10.0,
                12.0,
                MUTED,
                HPos::Center,
            )?;
        }
        cv.rect_outline(f.x0, rug.0, f.x1, rug.1, style::AXIS, 1)?;
        cv.text(
            "tipping",
            f.x0 - 7.0,
            rug.0 + 13.0,
            12.0,
            MUTED,
            HPos::Right,
        )?;
        cv.text(
            &format!("{}/{}", p.tip_times.len(), self.replicates),
            f.x0 - 7.0,
            rug.0 + 27.0,
            12.0,
            MUTED,
            HPos::Right,
        )?;
        Ok(())
    }
}

/// The series of one norm (weighted share, compliance, internalization): the value of a
/// single run, or the median and 10–90% band of replicates, per step.
fn series_of(vals: &mut [Vec<Vec<f64>>], r: usize) -> Vec<Series> {
    vals.iter_mut()
        .map(|per_step| {
            if r == 1 {
                Series {
                    mid: per_step
                        .iter()
                        .map(|v| v.first().copied().unwrap_or(f64::NAN))
                        .collect(),
                    band: None,
                }
            } else {
                let mut mid = Vec::new();
                let mut lo = Vec::new();
                let mut hi = Vec::new();
                for v in per_step.iter_mut() {
                    v.sort_by(f64::total_cmp);
                    if v.is_empty() {
                        mid.push(f64::NAN);
                        lo.push(f64::NAN);
                        hi.push(f64::NAN);
                    } else {
                        mid.push(quantile(v, 0.5));
                        lo.push(quantile(v, 0.1));
                        hi.push(quantile(v, 0.9));
                    }
                }
                Series {
                    mid,
                    band: Some((lo, hi)),
                }
            }
        })
        .collect()
}

/// The most common stage per step, as runs of equal stages (start, end times).
fn stage_runs(
    stage_votes: &[[usize; 4]],
    tcl: &dyn Fn(f64) -> f64,
    stages_present: &mut Vec<Stage>,
) -> Vec<(Stage, f64, f64)> {
    // The (most common) stage per step, in runs of equal stages.
    let mut stages: Vec<(Stage, f64, f64)> = Vec::new();
    for (s, votes) in stage_votes.iter().enumerate() {
        if votes.iter().all(|&v| v == 0) {
            continue;
        }
        let best = (0..4).max_by_key(|&i| (votes[i], 4 - i)).unwrap_or(0);
        let st = Stage::ALL[best];
        if !stages_present.contains(&st) {
            stages_present.push(st);
        }
        let (a, b) = (tcl(s as f64 - 0.5), tcl(s as f64 + 0.5));
        match stages.last_mut() {
            Some(last) if last.0 == st => last.2 = b,
            _ => stages.push((st, a, b)),
        }
    }
    stages
}

/// Stage runs with every run shorter than `min` (except the first) joined to the run
/// before it, and equal neighbours merged.
fn merge_short(stages: Vec<(Stage, f64, f64)>, min: f64) -> Vec<(Stage, f64, f64)> {
    let mut out: Vec<(Stage, f64, f64)> = Vec::with_capacity(stages.len());
    for (st, a, b) in stages {
        match out.last_mut() {
            Some(last) if last.0 == st || b - a < min => last.2 = b,
            _ => out.push((st, a, b)),
        }
    }
    out
}

/// Tipping point and treaty markers of norm `kk`, the tipping times of replicates, and
/// the label of the tipping-share line.
fn markers(
    m: &Model,
    runs: &[RunResult],
    kk: usize,
    start_above: bool,
    any_treaty: &mut bool,
) -> (Vec<Marker>, Vec<f64>, String) {
    let r = runs.len();
    // Tipping point and treaty events.
    let mut markers = Vec::new();
    let tips: Vec<_> = runs
        .iter()
        .filter_map(|x| x.norms.get(kk).and_then(|o| o.tipping))
        .collect();
    let tip_times: Vec<f64> = if r > 1 {
        tips.iter().map(|t| m.time_of(t.step as f64)).collect()
    } else {
        Vec::new()
    };
    let mut share_label = format!("tipping share {}", pct(m.tipping_share));
    if r == 1 {
        match tips.first() {
            Some(t) => markers.push(Marker {
                t: m.time_of(t.step as f64),
                label: format!(
                    "tipping point {}: {} of weight, {} of states",
                    at(m, t.step as f64),
                    pct(t.weighted_share),
                    pct(t.counted_share)
                ),
                color: okabe::BLACK,
                dashed: false,
            }),
            None if start_above => {
                share_label.push_str(" (above it from the start: no tipping point)")
            }
            None => share_label.push_str(" (never reached: no tipping point)"),
        }
    } else if tips.is_empty() && start_above {
        share_label.push_str(" (above it from the start in every replicate)");
    } else if tips.is_empty() {
        share_label.push_str(&format!(" (no tipping point in any of {r} replicates)"));
    } else {
        let mut steps: Vec<f64> = tips.iter().map(|t| t.step as f64).collect();
        let mut ws: Vec<f64> = tips.iter().map(|t| t.weighted_share).collect();
        let md = median(&mut steps).unwrap_or(0.0);
        markers.push(Marker {
            t: m.time_of(md),
            label: format!(
                "tipping point (median) {}: {} of weight; tipped in {} of {r}",
                at(m, md),
                pct(median(&mut ws).unwrap_or(0.0)),
                tips.len()
            ),
            color: okabe::BLACK,
            dashed: false,
        });
    }
    type Pick = fn(&crate::observe::NormOutcome) -> Option<u32>;
    let treaty: [(&str, Pick); 2] = [
        ("treaty opened", |o| o.treaty_opened_step),
        ("treaty in force", |o| o.entry_into_force_step),
    ];
    for (what, pick) in treaty {
        let mut v: Vec<f64> = runs
            .iter()
            .filter_map(|x| x.norms.get(kk).and_then(pick))
            .map(|s| s as f64)
            .collect();
        let n = v.len();
        if let Some(md) = median(&mut v) {
            *any_treaty = true;
            let label = if r == 1 {
                format!("{what} {}", at(m, md))
            } else {
                format!("{what} (median) {}, in {n} of {r}", at(m, md))
            };
            markers.push(Marker {
                t: m.time_of(md),
                label,
                color: okabe::REDDISH_PURPLE,
                dashed: true,
            });
        }
    }
    markers.sort_by(|a, b| a.t.total_cmp(&b.t));
    (markers, tip_times, share_label)
}

/// Replicate bands, then the lines of a panel's series.
fn paint_series<DB: DrawingBackend>(cv: &Canvas<DB>, f: &Frame, p: &Panel, rep: bool) -> R {
    for (k, s) in p.series.iter().enumerate() {
        if let Some((lo, hi)) = &s.band {
            let mut poly: Vec<(f64, f64)> = Vec::new();
            for (i, &t) in p.times.iter().enumerate() {
                if hi[i].is_finite() {
                    poly.push((f.fx(t), f.fy(hi[i])));
                }
            }
            for (i, &t) in p.times.iter().enumerate().rev() {
                if lo[i].is_finite() {
                    poly.push((f.fx(t), f.fy(lo[i])));
                }
            }
            cv.polygon(&poly, SERIES[k].1.mix(0.2))?;
        }
    }
    for (k, s) in p.series.iter().enumerate().rev() {
        let pts: Vec<(f64, f64)> = p
            .times
            .iter()
            .zip(&s.mid)
            .filter(|(_, v)| v.is_finite())
            .map(|(&t, &v)| (f.fx(t), f.fy(v)))
            .collect();
        cv.line(&pts, SERIES[k].1, SERIES[k].2 + u32::from(rep))?;
    }
    // The observed series: its points, joined.
    let obs: Vec<(f64, f64)> = p
        .observed
        .iter()
        .map(|&(t, v)| (f.fx(t), f.fy(v)))
        .collect();
    let sim: Vec<(f64, f64)> = p
        .simulated
        .iter()
        .map(|&(t, v)| (f.fx(t), f.fy(v)))
        .collect();
    cv.line(&sim, SIMULATED, 2)?;
    cv.line(&obs, OBSERVED, 1)?;
    for &(x, y) in &obs {
        cv.circle(x, y, 3, OBSERVED)?;
    }
    Ok(())
}

/// The curves of a panel in data units (time, value): the series (median with
/// replicates) and the observed series.
fn panel_curves(p: &Panel) -> Vec<(String, Vec<(f64, f64)>)> {
    let mut v: Vec<(String, Vec<(f64, f64)>)> = p
        .series
        .iter()
        .zip(SERIES)
        .map(|(s, (name, _, _))| {
            let pts = p
                .times
                .iter()
                .zip(&s.mid)
                .filter(|(_, v)| v.is_finite())
                .map(|(&t, &v)| (t, v))
                .collect();
            (name.to_string(), pts)
        })
        .collect();
    if !p.observed.is_empty() {
        v.push(("observed".into(), p.observed.clone()));
        v.push(("simulated, same measure".into(), p.simulated.clone()));
    }
    v
}

const OBSERVED: RGBColor = okabe::BLACK;
const SIMULATED: RGBColor = MUTED;

/// The observed series of the scenario (if any) into its norm's panel, as shares of
/// states at each declared year inside the run (the denominator rule of
/// `observe::observed`); returns the legend text and the caption naming the source.
fn observed_series(
    m: &Model,
    runs: &[RunResult],
    panels: &mut [Panel],
) -> Option<(String, String)> {
    let o = m.observed.as_ref()?;
    let cmp = observed::compare(m, runs)?;
    let panel = panels.get_mut(o.norm)?;
    panel.observed = cmp
        .points
        .iter()
        .map(|p| (p.year, p.observed_share))
        .collect();
    panel.simulated = cmp
        .points
        .iter()
        .map(|p| (p.year, p.simulated_share))
        .collect();
    let what = if o.parties { "parties" } else { "adopters" };
    let of = match o.states {
        Some(n) => format!("{n:.0} states"),
        None => "states in the system".into(),
    };
    let legend = format!("observed ({what} ÷ {of})");
    let caption = if o.source.trim().is_empty() {
        format!("Observed: {} ({})", panel.name, o.file)
    } else {
        format!("Observed: {} (source: {})", panel.name, o.source.trim())
    };
    Some((legend, caption))
}

impl Adoption {
    /// Legend text of the simulated series in the observed one's measure.
    fn same_measure_label(&self) -> String {
        let what = match &self.observed {
            Some((w, _)) => w.trim_start_matches("observed ").to_string(),
            None => String::new(),
        };
        if self.replicates > 1 {
            format!("simulated, same measure {what}, median")
        } else {
            format!("simulated, same measure {what}")
        }
    }

    /// Labels of a panel, each at the first candidate place whose box covers no curve,
    /// no event line and no label placed before it; a label with no such place goes to
    /// the margin (the panel's title row, right-aligned).
    ///
    /// Candidates: the tipping-share label slides along its line (above, then below);
    /// an event label takes rows from the top of the plot, right of its line, then left.
    fn place_labels(&self, p: &Panel, f: &Frame, py: f64) -> Vec<Placed> {
        let ty = f.fy(self.tipping_share);
        let curves: Vec<Vec<(f64, f64)>> = panel_curves(p)
            .into_iter()
            .map(|(_, d)| d.iter().map(|&(t, v)| (f.fx(t), f.fy(v))).collect())
            .collect();
        let vline = |t: f64| vec![(f.fx(t), f.y0), (f.fx(t), f.y1)];
        let share_line = vec![(f.x0, ty), (f.x1, ty)];
        let mut placed: Vec<Placed> = Vec::new();
        let mut margin: Vec<(String, RGBColor)> = Vec::new();
        let free = |b: &TextBox, extra: &[Vec<(f64, f64)>], placed: &[Placed]| {
            b.x0 >= f.x0 + 1.0
                && b.x1 <= f.x1 - 1.0
                && b.y0 >= f.y0 + 1.0
                && b.y1 <= f.y1 - 1.0
                && !style::covers(b, &curves, &[])
                && !style::covers(b, extra, &[])
                && !placed.iter().any(|o| o.bx.overlaps(b))
        };
        // The tipping-share label, along its line.
        let marker_lines: Vec<Vec<(f64, f64)>> = p.markers.iter().map(|mk| vline(mk.t)).collect();
        let size = 13.0;
        let w = style::measure(&p.share_label, size);
        let mut cands = Vec::new();
        for dy in [-8.0, 18.0] {
            let mut x = f.x0 + 8.0;
            while x + w <= f.x1 - 4.0 {
                cands.push((x, ty + dy));
                x += 16.0;
            }
        }
        match cands.into_iter().find(|&(x, y)| {
            let b = style::text_box(&p.share_label, x, y, size, HPos::Left).grow(3.0);
            free(&b, &marker_lines, &placed)
        }) {
            Some((x, y)) => placed.push(placed_at(&p.share_label, x, y, HPos::Left, size, MUTED)),
            None => margin.push((p.share_label.clone(), MUTED)),
        }
        // Event labels, in rows from the top, right of their line, then left of it;
        // first clear of the other event lines, then across them, then smaller.
        for (k, mk) in p.markers.iter().enumerate() {
            let mut others: Vec<Vec<(f64, f64)>> = marker_lines
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != k)
                .map(|(_, l)| l.clone())
                .collect();
            others.push(share_line.clone());
            let c = if mk.dashed {
                style::shade(mk.color, 0.35)
            } else {
                mk.color
            };
            let x = f.fx(mk.t);
            let tries = [
                (13.5, &others[..]),
                (13.5, std::slice::from_ref(&share_line)),
                (12.0, std::slice::from_ref(&share_line)),
            ];
            let spot = tries.iter().find_map(|&(size, obstacles)| {
                let mut y = f.y0 + 20.0;
                while y + 0.2 * size + 4.0 < f.y1 {
                    for (lx, h) in [(x + 6.0, HPos::Left), (x - 6.0, HPos::Right)] {
                        let b = style::text_box(&mk.label, lx, y, size, h).grow(3.0);
                        if free(&b, obstacles, &placed) {
                            return Some((lx, y, h, size));
                        }
                    }
                    y += 11.0;
                }
                None
            });
            match spot {
                Some((lx, y, h, size)) => placed.push(placed_at(&mk.label, lx, y, h, size, c)),
                None => margin.push((mk.label.clone(), c)),
            }
        }
        self.margin(p, f, py, margin, &mut placed);
        placed
    }

    /// Labels with no free place in the plot, right-aligned in the margins: the panel's
    /// title row (right of its name), then the row under the x axis.
    fn margin(
        &self,
        p: &Panel,
        f: &Frame,
        py: f64,
        margin: Vec<(String, RGBColor)>,
        placed: &mut Vec<Placed>,
    ) {
        let name = style::text_box(&p.name, X0, py + 22.0, 20.0, HPos::Left);
        let rows = [py + 22.0, self.axis_note_y(f)];
        let mut row = 0;
        let mut right = f.x1;
        for (text, c) in margin {
            let mut l = placed_at(&text, right, rows[row], HPos::Right, 13.0, c);
            if row == 0 && l.bx.overlaps(&name.grow(6.0)) {
                row = 1;
                right = f.x1;
                l = placed_at(&text, right, rows[row], HPos::Right, 13.0, c);
            }
            right = l.bx.x0 - 12.0;
            placed.push(l);
        }
    }

    /// Baseline of the row under a panel's x tick labels.
    fn axis_note_y(&self, f: &Frame) -> f64 {
        f.y1 + if self.replicates > 1 { 78.0 } else { 40.0 }
    }
}

fn placed_at(text: &str, x: f64, y: f64, h: HPos, size: f64, color: RGBColor) -> Placed {
    Placed {
        text: text.to_string(),
        x,
        y,
        h,
        size,
        color,
        bx: style::text_box(text, x, y, size, h).grow(3.0),
    }
}
