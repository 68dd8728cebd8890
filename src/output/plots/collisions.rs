//! `collisions.svg`/`.png`: the collision-activation timeline. One lane per collision
//! (the two norms and the forum); articulation marked; the activated span drawn with its
//! intensity over time (height and colour); the end marked with its outcome. With
//! replicates: the mean intensity, the articulation and activation times of every
//! replicate, the share of replicates in which the collision was activated and the
//! distribution of outcomes. Without any collision: a picture that says so.

use super::style::{self, okabe, Canvas, Frame, Layout, Swatch, TextBox, MUTED, R, TEXT};
use super::Painting;
use crate::model::Model;
use crate::observe::{Outcome, RunResult};
use crate::output::dates::month_year;
use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

const W: u32 = 1200;
const LANE_H: f64 = 100.0;
const HEADER_H: f64 = 128.0;

pub fn outcome_color(o: Outcome) -> RGBColor {
    match o {
        Outcome::Resolved => okabe::BLUISH_GREEN,
        Outcome::Compromised => okabe::ORANGE,
        Outcome::Suppressed => okabe::VERMILLION,
        Outcome::Open => okabe::SKY_BLUE,
        Outcome::Latent => NOT_ACTIVATED,
    }
}

const NOT_ACTIVATED: RGBColor = RGBColor(200, 200, 200);
/// Articulations crowded off a session's agenda (no room to debate them).
const CROWDED: RGBColor = okabe::REDDISH_PURPLE;
const CROWDED_TEXT: &str = "crowded off the agenda (no room in the session)";

/// One replicate's (or the single run's) record of a collision, in time units.
struct Life {
    articulated: Option<f64>,
    activated: Option<f64>,
    ended: Option<f64>,
    outcome: Outcome,
    winner: Option<String>,
    intensity: Vec<f64>,
    activations: u32,
    /// Endings before the last (a collision can end, e.g. suppressed, and be activated
    /// again): step and outcome, each marked on the lane in its outcome's colour.
    earlier_ends: Vec<(f64, Outcome)>,
    /// Steps at which an articulation was crowded off the forum's agenda.
    crowded: Vec<f64>,
}

struct Lane {
    /// The two norms, and the forum ("in …", empty without one).
    norms: String,
    forum: String,
    by: String,
    lives: Vec<Life>,
}

pub struct Collisions {
    title: String,
    replicates: usize,
    times: Vec<f64>,
    lanes: Vec<Lane>,
    peak: f64,
    has_years: bool,
    at: Vec<String>,
    /// Whether the scenario declares any incompatible norms (else no collision can arise).
    declared: bool,
}

impl Collisions {
    pub fn new(m: &Model, runs: &[RunResult]) -> Collisions {
        let r = runs.len();
        let steps = runs
            .iter()
            .flat_map(|x| x.rows.iter().map(|row| row.step))
            .max()
            .unwrap_or(m.steps)
            .max(m.steps);
        let times: Vec<f64> = (0..=steps).map(|s| m.time_of(s as f64)).collect();
        let at: Vec<String> = (0..=steps)
            .map(|s| {
                if m.has_years() {
                    month_year(m, s as f64)
                } else {
                    format!("step {s}")
                }
            })
            .collect();
        let name = |k: usize| {
            m.norms
                .get(k)
                .map_or(format!("norm {k}"), |n| n.name.clone())
        };
        // Forums and coalitions are recorded by id; show their names.
        let forum = |id: &str| {
            m.forums
                .iter()
                .find(|f| f.id == id)
                .map_or(id.to_string(), |f| f.name.clone())
        };
        let coalition = |id: &str| {
            m.coalitions
                .iter()
                .find(|c| c.id == id)
                .map_or(id.to_string(), |c| c.name.clone())
        };
        let mut lanes: Vec<Lane> = Vec::new();
        let mut ids: Vec<String> = Vec::new();
        let mut peak: f64 = 0.0;
        for run in runs {
            for c in &run.collisions {
                let i = match ids.iter().position(|x| *x == c.id) {
                    Some(i) => i,
                    None => {
                        ids.push(c.id.clone());
                        lanes.push(Lane {
                            norms: format!("{} × {}", name(c.norms[0]), name(c.norms[1])),
                            forum: if c.forum.is_empty() {
                                String::new()
                            } else {
                                format!("in {}", forum(&c.forum))
                            },
                            by: if c.articulated_by.is_empty() || r > 1 {
                                String::new()
                            } else {
                                format!("articulated by {}", coalition(&c.articulated_by))
                            },
                            lives: Vec::new(),
                        });
                        lanes.len() - 1
                    }
                };
                let intensity: Vec<f64> = c.intensity.iter().map(|&x| x as f64).collect();
                peak = intensity
                    .iter()
                    .copied()
                    .fold(peak, f64::max)
                    .max(c.peak_intensity);
                lanes[i].lives.push(Life {
                    articulated: c.articulated_step.map(|s| s as f64),
                    activated: c.activated_step.map(|s| s as f64),
                    ended: c.ended_step.map(|s| s as f64),
                    outcome: c.outcome,
                    winner: c.winner.map(name),
                    intensity,
                    activations: c.activations,
                    earlier_ends: run
                        .events
                        .iter()
                        .filter_map(|e| match e.kind {
                            crate::model::EventKind::CollisionEnded {
                                collision, outcome, ..
                            } if run.collisions.get(collision).is_some_and(|x| x.id == c.id)
                                && Some(e.step) != c.ended_step =>
                            {
                                Some((e.step as f64, outcome))
                            }
                            _ => None,
                        })
                        .collect(),
                    crowded: run
                        .events
                        .iter()
                        .filter_map(|e| match e.kind {
                            crate::model::EventKind::CollisionCrowdedOut { collision }
                                if run.collisions.get(collision).is_some_and(|x| x.id == c.id) =>
                            {
                                Some(e.step as f64)
                            }
                            _ => None,
                        })
                        .collect(),
                });
            }
        }
        let title = if r == 1 {
            format!(
                "{}: norm collisions, activation timeline (seed {})",
                m.name, m.seed
            )
        } else {
            format!(
                "{}: norm collisions across {} replicates (seed {})",
                m.name, r, m.seed
            )
        };
        Collisions {
            title,
            replicates: r,
            times,
            lanes,
            peak: if peak > 0.0 { peak } else { 1.0 },
            has_years: m.has_years(),
            at,
            declared: !m.incompatibilities.is_empty(),
        }
    }

    fn at(&self, step: f64) -> &str {
        let i = (step.max(0.0).round() as usize).min(self.at.len() - 1);
        &self.at[i]
    }

    fn t(&self, step: f64) -> f64 {
        let i = step.max(0.0);
        let n = self.times.len() - 1;
        if n == 0 {
            return self.times[0];
        }
        let dt = (self.times[n] - self.times[0]) / n as f64;
        self.times[0] + i * dt
    }

    fn any_crowded(&self) -> bool {
        self.lanes
            .iter()
            .any(|l| l.lives.iter().any(|x| !x.crowded.is_empty()))
    }

    fn legend_items(&self) -> Vec<(Swatch, String)> {
        let mut items: Vec<(Swatch, String)> = vec![(Swatch::Heading, "outcome:".into())];
        for o in Outcome::ALL {
            items.push((Swatch::Box(outcome_color(o)), o.name().into()));
        }
        if self.replicates > 1 {
            items.push((Swatch::Box(NOT_ACTIVATED), "not activated".into()));
        }
        if self.any_crowded() {
            items.push((Swatch::Cross(CROWDED), CROWDED_TEXT.into()));
        }
        items.push((
            Swatch::Heading,
            if self.replicates > 1 {
                "    share active: none".into()
            } else {
                "    intensity: low".into()
            },
        ));
        items
    }

    const LEGEND: (f64, f64, f64, f64) = (24.0, W as f64 - 200.0, 94.0, 14.0);

    fn header_h(&self) -> f64 {
        let (x0, x1, y, size) = Self::LEGEND;
        (style::legend_places(&self.legend_items(), x0, x1, y, size).1 + 8.0).max(HEADER_H)
    }

    /// Lane height: the track, and one line more for every note line after the first
    /// (the longest note of any lane sets it, so every lane has the same height).
    fn lane_h(&self) -> f64 {
        let f = self.frame_x();
        let lines = self
            .lanes
            .iter()
            .map(|l| self.plan(&f, l, 0.0).note.len())
            .max()
            .unwrap_or(1)
            .max(1);
        LANE_H + NOTE_LINE * (lines - 1) as f64
    }

    /// The frame with its x extent only (no lanes).
    fn frame_x(&self) -> Frame {
        let mut f = self.frame_of(0.0);
        f.y1 = f.y0;
        f
    }

    fn frame(&self) -> Frame {
        self.frame_of(self.lane_h() * self.lanes.len() as f64)
    }

    fn frame_of(&self, height: f64) -> Frame {
        let x1 = if self.replicates > 1 {
            W as f64 - 380.0
        } else {
            W as f64 - 28.0
        };
        let top = self.header_h();
        Frame {
            x0: 28.0,
            x1,
            y0: top,
            y1: top + height,
            xlo: self.times[0],
            xhi: *self.times.last().unwrap_or(&self.times[0]),
            ylo: 0.0,
            yhi: 1.0,
        }
    }

    /// The lane's title and the width it may take: the two norms and the forum; when that
    /// does not fit, the forum moves to the note line under the track (returned second);
    /// only a title of two norms wider than the lane is shortened with "…".
    fn title_of(&self, f: &Frame, lane: &Lane) -> (String, Option<String>, f64) {
        let avail = f.x1 - f.x0 - 8.0 + if self.replicates > 1 { 32.0 } else { 0.0 };
        let full = if lane.forum.is_empty() {
            lane.norms.clone()
        } else {
            format!("{}, {}", lane.norms, lane.forum)
        };
        if style::measure(&full, TITLE) <= avail {
            return (full, None, avail);
        }
        let t = if style::measure(&lane.norms, TITLE) <= avail {
            lane.norms.clone()
        } else {
            style::fit(&lane.norms, TITLE, avail)
        };
        let forum = (!lane.forum.is_empty()).then(|| lane.forum.clone());
        (t, forum, avail)
    }

    /// The bars of an intensity (or share-active) series on the track [ty0, ty1]: box and
    /// value relative to the peak.
    fn intensity_rects(&self, f: &Frame, v: &[f64], ty0: f64, ty1: f64) -> Vec<(TextBox, f64)> {
        let mut out = Vec::new();
        for (s, &x) in v.iter().enumerate() {
            if x <= 0.0 || !x.is_finite() {
                continue;
            }
            let q = (x / self.peak).clamp(0.0, 1.0);
            let (xa, xb) = (
                f.fx(self.t(s as f64 - 0.5)).max(f.x0),
                f.fx(self.t(s as f64 + 0.5)).min(f.x1),
            );
            let h = (ty1 - ty0) * (0.15 + 0.85 * q);
            out.push((
                TextBox {
                    x0: xa,
                    y0: ty1 - h,
                    x1: xb,
                    y1: ty1,
                },
                q,
            ));
        }
        out
    }

    /// The share of replicates in which a lane's collision is active at each step (a
    /// mean intensity would stretch a short debate over the span of all replicates').
    fn share_active(&self, lane: &Lane) -> Vec<f64> {
        let n = self.times.len();
        let mut v = vec![0.0; n];
        for l in &lane.lives {
            for (s, &x) in l.intensity.iter().enumerate().take(n) {
                if x > 0.0 {
                    v[s] += 1.0 / self.replicates as f64;
                }
            }
        }
        v
    }

    /// The layout as data: per lane its data marks (intensity bars, ends, crowded-out
    /// marks), its labels, and its title with the width it had.
    pub fn layout(&self) -> Layout {
        let mut out = Layout::default();
        if self.lanes.is_empty() {
            return out;
        }
        let f = self.frame();
        for (i, lane) in self.lanes.iter().enumerate() {
            let ly = f.y0 + self.lane_h() * i as f64;
            let pl = self.plan(&f, lane, ly);
            out.marks
                .extend(pl.marks.iter().map(|(n, b, _)| (n.clone(), *b)));
            if let Some(l) = &pl.outcome {
                out.labels.push((l.0.clone(), l.4));
            }
            out.fitted
                .push((pl.title.clone(), style::measure(&pl.title, TITLE), pl.avail));
            for line in &pl.note {
                out.fitted
                    .push((line.clone(), style::measure(line, NOTE), f.x1 - f.x0));
            }
        }
        out
    }
}

const TITLE: f64 = 15.0;
const NOTE: f64 = 12.0;
const NOTE_LINE: f64 = 15.0;

/// The parts of a note joined with " · " into lines no wider than `width` (a part wider
/// than a line is shortened with "…").
fn wrap(parts: &[String], width: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for part in parts {
        match lines.last_mut() {
            Some(l) if style::measure(&format!("{l} · {part}"), NOTE) <= width => {
                l.push_str(" · ");
                l.push_str(part);
            }
            _ => lines.push(style::fit(part, NOTE, width)),
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// What a lane shows, computed once for the picture and for its layout.
struct LanePlan {
    title: String,
    avail: f64,
    /// "articulated by …", right-aligned in the title row (single run, when it fits).
    by: Option<String>,
    ty0: f64,
    ty1: f64,
    /// Data marks: what, box, colour.
    marks: Vec<(String, TextBox, RGBColor)>,
    /// The outcome label on the track: text, x, alignment, colour, box.
    outcome: Option<(String, f64, HPos, RGBColor, TextBox)>,
    /// The note under the track, in lines, and where it starts.
    note: Vec<String>,
    note_x: f64,
}

impl Painting for Collisions {
    fn size(&self) -> (u32, u32) {
        if self.lanes.is_empty() {
            (W, 360)
        } else {
            (W, (self.frame().y1 + 70.0).round() as u32)
        }
    }

    fn paint<DB: DrawingBackend>(&self, cv: &Canvas<DB>) -> R {
        cv.text(&self.title, 24.0, 36.0, 25.0, TEXT, HPos::Left)?;
        if self.lanes.is_empty() {
            return self.paint_empty(cv);
        }
        let sub = if self.replicates == 1 {
            "One lane per collision: articulated (▼) by a coalition in a forum, activated (▲) when another answers; intensity over time; how it ended."
        } else {
            "One lane per collision: shade = share of replicates in which it is active at each step; ticks above: articulation, below: activation, one per replicate; outcomes on the right."
        };
        cv.text(
            &cv.fit(sub, 14.0, W as f64 - 48.0),
            24.0,
            62.0,
            14.0,
            MUTED,
            HPos::Left,
        )?;
        let items = self.legend_items();
        let (x0, x1, ly, size) = Self::LEGEND;
        style::legend(cv, &items, x0, x1, ly, size)?;
        // Intensity ramp right after the legend's last item.
        let (at, _) = style::legend_places(&items, x0, x1, ly, size);
        let (lx, ry) = at.last().copied().unwrap_or((x0, ly));
        let ramp_x = lx + cv.text_w(&items[items.len() - 1].1, size) + 8.0;
        for i in 0..40 {
            let x = ramp_x + i as f64 * 3.0;
            cv.rect(
                x,
                ry - 13.0,
                x + 3.0,
                ry + 2.0,
                style::viridis(i as f64 / 39.0),
            )?;
        }
        let top = if self.replicates > 1 { "all" } else { "high" };
        cv.text(top, ramp_x + 126.0, ry, size, TEXT, HPos::Left)?;
        let f = self.frame();
        let xt = style::nice_ticks(f.xlo, f.xhi, 10);
        style::x_ticks(cv, &f, &xt, &style::fmt_tick, 13.0, Some(f.y1 + 20.0))?;
        cv.text(
            if self.has_years { "year" } else { "step" },
            (f.x0 + f.x1) / 2.0,
            f.y1 + 46.0,
            15.0,
            MUTED,
            HPos::Center,
        )?;
        for (i, lane) in self.lanes.iter().enumerate() {
            let ly = f.y0 + self.lane_h() * i as f64;
            let pl = self.plan(&f, lane, ly);
            self.paint_lane(cv, &f, lane, ly, &pl)?;
            if self.replicates > 1 {
                self.paint_outcomes(cv, &f, lane, ly, pl.ty0, pl.ty1)?;
            }
        }
        Ok(())
    }
}

impl Collisions {
    fn paint_empty<DB: DrawingBackend>(&self, cv: &Canvas<DB>) -> R {
        let (w, h) = (W as f64, 360.0);
        cv.rect(60.0, 90.0, w - 60.0, h - 50.0, RGBColor(246, 246, 246))?;
        cv.rect_outline(60.0, 90.0, w - 60.0, h - 50.0, style::AXIS, 1)?;
        cv.text(
            "No collision articulated",
            w / 2.0,
            190.0,
            34.0,
            TEXT,
            HPos::Center,
        )?;
        let why = if !self.declared {
            "This scenario declares no incompatible norms, so no collision can arise.".to_string()
        } else if self.replicates == 1 {
            "No coalition articulated a norm collision in any forum during this run.".to_string()
        } else {
            format!(
                "No coalition articulated a norm collision in any forum in any of the {} replicates.",
                self.replicates
            )
        };
        cv.text(&why, w / 2.0, 232.0, 16.0, MUTED, HPos::Center)?;
        cv.text(
            "(A collision needs two incompatible norms and a forum in which a coalition raises it.)",
            w / 2.0,
            262.0,
            14.0,
            MUTED,
            HPos::Center,
        )?;
        Ok(())
    }

    /// A lane's plan: title, marks, the outcome label and the note under the track.
    fn plan(&self, f: &Frame, lane: &Lane, ly: f64) -> LanePlan {
        let (ty0, ty1) = (ly + 34.0, ly + 70.0);
        let (title, forum, avail) = self.title_of(f, lane);
        let mut notes: Vec<String> = forum.into_iter().collect();
        let mut marks: Vec<(String, TextBox, RGBColor)> = Vec::new();
        let bar = |x: f64, what: String, c: RGBColor| {
            let b = TextBox {
                x0: x - 2.0,
                y0: ty0 - 4.0,
                x1: x + 2.0,
                y1: ty1 + 4.0,
            };
            (what, b, c)
        };
        // In the track (nothing is active there when a collision is crowded out).
        let ym = (ty0 + ty1) / 2.0;
        let cross_at = |x: f64| TextBox {
            x0: x - 6.0,
            y0: ym - 6.0,
            x1: x + 6.0,
            y1: ym + 6.0,
        };
        if self.replicates > 1 {
            let v = self.share_active(lane);
            for (b, q) in self.intensity_rects(f, &v, ty0, ty1) {
                marks.push(("share active".into(), b, style::viridis(q)));
            }
            let r = self.replicates;
            let mut n_crowd = 0;
            for l in &lane.lives {
                if let Some(&c) = l.crowded.first() {
                    n_crowd += 1;
                    marks.push(("crowded out".into(), cross_at(f.fx(self.t(c))), CROWDED));
                }
            }
            let n_art = lane
                .lives
                .iter()
                .filter(|l| l.articulated.is_some())
                .count();
            let n_act = lane.lives.iter().filter(|l| l.activated.is_some()).count();
            notes.push(format!(
                "articulated in {n_art} of {r} replicates, activated in {n_act} of {r}"
            ));
            if n_crowd > 0 {
                notes.push(format!("crowded off the agenda in {n_crowd} of {r}"));
            }
            let note = wrap(&notes, f.x1 - f.x0);
            return LanePlan {
                title,
                avail,
                by: None,
                ty0,
                ty1,
                marks,
                outcome: None,
                note,
                note_x: f.x0,
            };
        }
        let l = &lane.lives[0];
        let by_fits =
            style::measure(&title, TITLE) + style::measure(&lane.by, 13.0) + 24.0 < f.x1 - f.x0;
        let by = (!lane.by.is_empty() && by_fits).then(|| lane.by.clone());
        for (b, q) in self.intensity_rects(f, &l.intensity, ty0, ty1) {
            marks.push(("intensity".into(), b, style::viridis(q)));
        }
        for &c in &l.crowded {
            marks.push(("crowded out".into(), cross_at(f.fx(self.t(c))), CROWDED));
        }
        for &(e, o) in &l.earlier_ends {
            let x = f.fx(self.t(e - 0.5)).min(f.x1);
            marks.push((
                format!("earlier end: {}", o.name()),
                bar(x, String::new(), outcome_color(o)).1,
                outcome_color(o),
            ));
        }
        self.lane_notes(l, lane, by.is_some(), &mut notes);
        let mut outcome = None;
        if l.activated.is_some() {
            let (xe, label) = self.end_of(f, l);
            let c = outcome_color(l.outcome);
            marks.push((
                format!("end: {}", l.outcome.name()),
                bar(xe, String::new(), c).1,
                c,
            ));
            outcome = self.place_outcome(f, &label, xe, ty0, ty1, c, &marks);
            if outcome.is_none() {
                notes.push(label);
            }
        }
        let note = wrap(&notes, f.x1 - f.x0);
        let widest = note
            .iter()
            .map(|l| style::measure(l, NOTE))
            .fold(0.0, f64::max);
        let nx = l.articulated.map_or(f.x0, |a| f.fx(self.t(a)) - 6.0);
        let note_x = nx.min(f.x1 - widest).max(f.x0);
        LanePlan {
            title,
            avail,
            by,
            ty0,
            ty1,
            marks,
            outcome,
            note,
            note_x,
        }
    }

    /// Notes of a single run's lane: articulation (and by whom, when that did not fit
    /// beside the title), crowding-out, activation and earlier endings.
    fn lane_notes(&self, l: &Life, lane: &Lane, by_shown: bool, notes: &mut Vec<String>) {
        if let Some(a) = l.articulated {
            if lane.by.is_empty() || by_shown {
                notes.push(format!("articulated {}", self.at(a)));
            } else {
                notes.push(format!("{} in {}", lane.by, self.at(a)));
            }
        }
        match l.crowded.as_slice() {
            [] => {}
            [c] => notes.push(format!("crowded off the agenda {}", self.at(*c))),
            [c, ..] => notes.push(format!(
                "crowded off the agenda {} times, first {}",
                l.crowded.len(),
                self.at(*c)
            )),
        }
        match l.activated {
            Some(a) => {
                notes.push(match l.activations {
                    0 | 1 => format!("activated {}", self.at(a)),
                    2 => format!("activated {} (and once more)", self.at(a)),
                    k => format!("activated {} (and {} more times)", self.at(a), k - 1),
                });
                for &(e, o) in &l.earlier_ends {
                    notes.push(format!("{} {}", o.name(), self.at(e)));
                }
            }
            None if l.articulated.is_some() => notes.push("no uptake: not activated".into()),
            None => notes.push("never articulated".into()),
        }
    }

    /// Where an activated collision's span ends (x) and the outcome's label.
    fn end_of(&self, f: &Frame, l: &Life) -> (f64, String) {
        match l.ended {
            Some(e) => {
                let mut s = format!("{} {}", l.outcome.name(), self.at(e));
                if let (Outcome::Resolved, Some(wn)) = (l.outcome, &l.winner) {
                    s.push_str(&format!(": {wn} on top"));
                }
                // At the end of the last active step.
                let last = if l.intensity.get(e as usize).is_some_and(|&x| x > 0.0) {
                    e + 0.5
                } else {
                    e - 0.5
                };
                (f.fx(self.t(last)).min(f.x1), s)
            }
            None => (f.x1, format!("{} at the end", l.outcome.name())),
        }
    }

    /// The outcome label on the track, right of the end mark or left of it, wherever its
    /// box covers no data mark; None when neither place is free (it then goes to the note).
    #[allow(clippy::too_many_arguments)]
    fn place_outcome(
        &self,
        f: &Frame,
        label: &str,
        xe: f64,
        ty0: f64,
        ty1: f64,
        c: RGBColor,
        marks: &[(String, TextBox, RGBColor)],
    ) -> Option<(String, f64, HPos, RGBColor, TextBox)> {
        let size = 14.0;
        let y = (ty0 + ty1) / 2.0 + 5.0;
        [(xe + 8.0, HPos::Left), (xe - 8.0, HPos::Right)]
            .into_iter()
            .map(|(x, h)| (x, h, style::text_box(label, x, y, size, h).grow(3.0)))
            .find(|(_, _, b)| {
                b.x0 >= f.x0 && b.x1 <= f.x1 && !marks.iter().any(|(_, m, _)| m.overlaps(b))
            })
            .map(|(x, h, b)| (label.to_string(), x, h, style::shade(c, 0.35), b))
    }

    fn paint_lane<DB: DrawingBackend>(
        &self,
        cv: &Canvas<DB>,
        f: &Frame,
        lane: &Lane,
        ly: f64,
        pl: &LanePlan,
    ) -> R {
        let (ty0, ty1) = (pl.ty0, pl.ty1);
        cv.text(&pl.title, f.x0, ly + 18.0, TITLE, TEXT, HPos::Left)?;
        if let Some(by) = &pl.by {
            cv.text(by, f.x1, ly + 18.0, 13.0, MUTED, HPos::Right)?;
        }
        cv.rect(f.x0, ty0, f.x1, ty1, RGBColor(246, 246, 246))?;
        if self.replicates == 1 {
            let l = &lane.lives[0];
            if let Some(a) = l.activated {
                let (xe, _) = self.end_of(f, l);
                cv.rect_outline(f.fx(self.t(a - 0.5)), ty0, xe, ty1, style::AXIS, 1)?;
            }
        }
        for (what, b, c) in &pl.marks {
            if what == "crowded out" {
                style::cross(cv, (b.x0 + b.x1) / 2.0, (b.y0 + b.y1) / 2.0, 6.0, *c)?;
            } else {
                cv.rect(b.x0, b.y0, b.x1, b.y1, *c)?;
            }
        }
        cv.rect_outline(f.x0, ty0, f.x1, ty1, style::GRID, 1)?;
        self.paint_ticks(cv, f, lane, ty0, ty1)?;
        if let Some((text, x, h, c, b)) = &pl.outcome {
            cv.rect(b.x0, b.y0, b.x1, b.y1, WHITE.mix(0.85))?;
            cv.text(text, *x, (ty0 + ty1) / 2.0 + 5.0, 14.0, *c, *h)?;
        }
        for (k, line) in pl.note.iter().enumerate() {
            let y = ly + 92.0 + NOTE_LINE * k as f64;
            cv.text(line, pl.note_x, y, NOTE, MUTED, HPos::Left)?;
        }
        Ok(())
    }

    /// Articulation (▼ above the track) and activation (▲ below) of the single run, or
    /// one tick per replicate.
    fn paint_ticks<DB: DrawingBackend>(
        &self,
        cv: &Canvas<DB>,
        f: &Frame,
        lane: &Lane,
        ty0: f64,
        ty1: f64,
    ) -> R {
        for l in &lane.lives {
            let rep = self.replicates > 1;
            if let Some(a) = l.articulated {
                let x = f.fx(self.t(a));
                if rep {
                    cv.line(&[(x, ty0 - 8.0), (x, ty0)], okabe::BLACK.mix(0.5), 2)?;
                } else {
                    let tri = [(x - 6.0, ty0 - 9.0), (x + 6.0, ty0 - 9.0), (x, ty0 + 1.0)];
                    cv.polygon(&tri, okabe::BLACK)?;
                }
            }
            if let Some(a) = l.activated {
                let x = f.fx(self.t(a));
                if rep {
                    cv.line(&[(x, ty1), (x, ty1 + 8.0)], okabe::BLACK.mix(0.5), 2)?;
                } else {
                    let tri = [(x - 6.0, ty1 + 9.0), (x + 6.0, ty1 + 9.0), (x, ty1 - 1.0)];
                    cv.polygon(&tri, okabe::BLACK)?;
                }
            }
        }
        Ok(())
    }

    /// Replicates: the share activated and the distribution of outcomes, right of the lane.
    fn paint_outcomes<DB: DrawingBackend>(
        &self,
        cv: &Canvas<DB>,
        f: &Frame,
        lane: &Lane,
        ly: f64,
        ty0: f64,
        ty1: f64,
    ) -> R {
        let r = self.replicates;
        let mut counts = [0usize; 4];
        let mut n_act = 0;
        for l in lane.lives.iter().filter(|l| l.activated.is_some()) {
            n_act += 1;
            let i = Outcome::ALL
                .iter()
                .position(|&o| o == l.outcome)
                .unwrap_or(3);
            counts[i] += 1;
        }
        let (bx0, bx1) = (f.x1 + 40.0, W as f64 - 28.0);
        cv.text(
            &format!(
                "activated in {:.0}% of replicates",
                100.0 * n_act as f64 / r as f64
            ),
            bx0,
            ly + 18.0,
            14.0,
            TEXT,
            HPos::Left,
        )?;
        let mut x = bx0;
        let mut parts: Vec<(RGBColor, usize)> = Outcome::ALL
            .iter()
            .map(|&o| outcome_color(o))
            .zip(counts)
            .collect();
        parts.push((NOT_ACTIVATED, r - n_act));
        for (c, k) in &parts {
            let w = (bx1 - bx0) * *k as f64 / r as f64;
            if w > 0.0 {
                cv.rect(x, ty0, x + w, ty1, *c)?;
                let s = k.to_string();
                if cv.text_w(&s, 13.0) + 4.0 < w {
                    cv.text(
                        &s,
                        x + w / 2.0,
                        (ty0 + ty1) / 2.0 + 5.0,
                        13.0,
                        style::ink_on(*c),
                        HPos::Center,
                    )?;
                }
            }
            x += w;
        }
        cv.rect_outline(bx0, ty0, bx1, ty1, style::AXIS, 1)?;
        let dist: Vec<String> = Outcome::ALL
            .iter()
            .zip(counts)
            .filter(|(_, k)| *k > 0)
            .map(|(o, k)| format!("{} {k}", o.name()))
            .collect();
        let dist = if dist.is_empty() {
            "never activated".to_string()
        } else {
            dist.join(" · ")
        };
        cv.text(&dist, bx0, ly + 92.0, 12.0, MUTED, HPos::Left)?;
        Ok(())
    }
}
