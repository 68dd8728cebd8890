//! `collisions.svg`/`.png`: the collision-activation timeline. One lane per collision
//! (the two norms and the forum); articulation marked; the activated span drawn with its
//! intensity over time (height and colour); the end marked with its outcome. With
//! replicates: the mean intensity, the articulation and activation times of every
//! replicate, the share of replicates in which the collision was activated and the
//! distribution of outcomes. Without any collision: a picture that says so.

use super::style::{self, okabe, Canvas, Frame, Swatch, MUTED, R, TEXT};
use super::Painting;
use crate::model::Model;
use crate::observe::{Outcome, RunResult};
use crate::output::text::fmt_date;
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
}

struct Lane {
    title: String,
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
                    fmt_date(m, s as f64)
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
                            title: format!(
                                "{} × {}{}",
                                name(c.norms[0]),
                                name(c.norms[1]),
                                if c.forum.is_empty() {
                                    String::new()
                                } else {
                                    format!(", in {}", forum(&c.forum))
                                }
                            ),
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
                            } if run.collisions[collision].id == c.id
                                && Some(e.step) != c.ended_step =>
                            {
                                Some((e.step as f64, outcome))
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
}

impl Painting for Collisions {
    fn size(&self) -> (u32, u32) {
        if self.lanes.is_empty() {
            (W, 360)
        } else {
            (
                W,
                (HEADER_H + LANE_H * self.lanes.len() as f64 + 70.0).round() as u32,
            )
        }
    }

    fn paint<DB: DrawingBackend>(&self, cv: &Canvas<DB>) -> R {
        cv.text(&self.title, 24.0, 36.0, 25.0, TEXT, HPos::Left)?;
        if self.lanes.is_empty() {
            return self.paint_empty(cv);
        }
        let sub = if self.replicates == 1 {
            "One lane per collision: articulated (▼) by a coalition in a forum, activated when another answers; intensity over time; how it ended."
        } else {
            "One lane per collision: shade = share of replicates in which it is active at each step; ticks above: articulation, below: activation, one per replicate; outcomes on the right."
        };
        cv.text(sub, 24.0, 62.0, 14.0, MUTED, HPos::Left)?;
        let mut items: Vec<(Swatch, String)> = vec![(Swatch::Heading, "outcome:".into())];
        for o in Outcome::ALL {
            items.push((Swatch::Box(outcome_color(o)), o.name().into()));
        }
        if self.replicates > 1 {
            items.push((Swatch::Box(NOT_ACTIVATED), "not activated".into()));
        }
        items.push((
            Swatch::Heading,
            if self.replicates > 1 {
                "    share active: none".into()
            } else {
                "    intensity: low".into()
            },
        ));
        let y = style::legend(cv, &items, 24.0, W as f64 - 200.0, 94.0, 14.0)?;
        // Intensity ramp after the legend's last row.
        let ramp_x = {
            let last_w: f64 = items
                .iter()
                .map(|(s, l)| {
                    cv.text_w(l, 14.0)
                        + if matches!(s, Swatch::Heading) {
                            20.0
                        } else {
                            46.0
                        }
                })
                .sum();
            24.0 + last_w.min(W as f64 - 380.0)
        };
        let ry = y - 14.0 * 1.7;
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
        cv.text(top, ramp_x + 126.0, ry, 14.0, TEXT, HPos::Left)?;

        let rep = self.replicates > 1;
        let x1 = if rep {
            W as f64 - 380.0
        } else {
            W as f64 - 28.0
        };
        let top = HEADER_H;
        let bottom = top + LANE_H * self.lanes.len() as f64;
        let f = Frame {
            x0: 28.0,
            x1,
            y0: top,
            y1: bottom,
            xlo: self.times[0],
            xhi: *self.times.last().unwrap_or(&self.times[0]),
            ylo: 0.0,
            yhi: 1.0,
        };
        let xt = style::nice_ticks(f.xlo, f.xhi, 10);
        style::x_ticks(cv, &f, &xt, &style::fmt_tick, 13.0, Some(bottom + 20.0))?;
        cv.text(
            if self.has_years { "year" } else { "step" },
            (f.x0 + f.x1) / 2.0,
            bottom + 46.0,
            15.0,
            MUTED,
            HPos::Center,
        )?;
        for (i, lane) in self.lanes.iter().enumerate() {
            let ly = top + LANE_H * i as f64;
            if rep {
                self.paint_lane_rep(cv, &f, lane, ly)?;
            } else {
                self.paint_lane(cv, &f, lane, ly)?;
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

    /// Intensity drawn as height and colour on the track [ty0, ty1].
    fn paint_intensity<DB: DrawingBackend>(
        &self,
        cv: &Canvas<DB>,
        f: &Frame,
        v: &[f64],
        ty0: f64,
        ty1: f64,
    ) -> R {
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
            cv.rect(xa, ty1 - h, xb, ty1, style::viridis(q))?;
        }
        Ok(())
    }

    /// A lane's title (fitted to the width) and its empty track; returns the track's top
    /// and bottom and the title as drawn.
    fn lane_track<DB: DrawingBackend>(
        &self,
        cv: &Canvas<DB>,
        f: &Frame,
        lane: &Lane,
        ly: f64,
    ) -> Result<(f64, f64, String), String> {
        let (ty0, ty1) = (ly + 34.0, ly + 70.0);
        let title = cv.fit(&lane.title, 15.0, f.x1 - f.x0 - 8.0);
        cv.text(&title, f.x0, ly + 18.0, 15.0, TEXT, HPos::Left)?;
        cv.rect(f.x0, ty0, f.x1, ty1, RGBColor(246, 246, 246))?;
        Ok((ty0, ty1, title))
    }

    fn paint_lane<DB: DrawingBackend>(
        &self,
        cv: &Canvas<DB>,
        f: &Frame,
        lane: &Lane,
        ly: f64,
    ) -> R {
        let l = &lane.lives[0];
        let (ty0, ty1, title) = self.lane_track(cv, f, lane, ly)?;
        let by_fits = cv.text_w(&title, 15.0) + cv.text_w(&lane.by, 13.0) + 24.0 < f.x1 - f.x0;
        if !lane.by.is_empty() && by_fits {
            cv.text(&lane.by, f.x1, ly + 18.0, 13.0, MUTED, HPos::Right)?;
        }
        let end_step = (self.times.len() - 1) as f64;
        if let Some(a) = l.activated {
            let e = l.ended.unwrap_or(end_step);
            let last = if l.intensity.get(e as usize).is_some_and(|&x| x > 0.0) {
                e + 0.5
            } else {
                e - 0.5
            };
            cv.rect_outline(
                f.fx(self.t(a - 0.5)),
                ty0,
                f.fx(self.t(last)).min(f.x1),
                ty1,
                style::AXIS,
                1,
            )?;
            self.paint_intensity(cv, f, &l.intensity, ty0, ty1)?;
        }
        cv.rect_outline(f.x0, ty0, f.x1, ty1, style::GRID, 1)?;
        // Below the track: when it was articulated and activated.
        let mut notes = Vec::new();
        if let Some(a) = l.articulated {
            let x = f.fx(self.t(a));
            cv.polygon(
                &[(x - 6.0, ty0 - 9.0), (x + 6.0, ty0 - 9.0), (x, ty0 + 1.0)],
                okabe::BLACK,
            )?;
            if lane.by.is_empty() || by_fits {
                notes.push(format!("articulated {}", self.at(a)));
            } else {
                // "articulated by X" did not fit beside the title.
                notes.push(format!("{} in {}", lane.by, self.at(a)));
            }
        }
        match l.activated {
            Some(a) => {
                let x = f.fx(self.t(a));
                cv.polygon(
                    &[(x - 6.0, ty1 + 9.0), (x + 6.0, ty1 + 9.0), (x, ty1 - 1.0)],
                    okabe::BLACK,
                )?;
                notes.push(if l.activations > 1 {
                    format!(
                        "activated {} (and {})",
                        self.at(a),
                        if l.activations == 2 {
                            "once more".to_string()
                        } else {
                            format!("{} more times", l.activations - 1)
                        }
                    )
                } else {
                    format!("activated {}", self.at(a))
                });
                for &(e, o) in &l.earlier_ends {
                    notes.push(format!("{} {}", o.name(), self.at(e)));
                }
            }
            None if l.articulated.is_some() => notes.push("no uptake: not activated".into()),
            None => notes.push("never articulated".into()),
        }
        let note = notes.join(" · ");
        let nx = l.articulated.map_or(f.x0, |a| f.fx(self.t(a)) - 6.0);
        let nw = cv.text_w(&note, 12.0);
        let nx = nx.min(f.x1 - nw).max(f.x0);
        cv.text(&note, nx, ly + 92.0, 12.0, MUTED, HPos::Left)?;
        // Earlier endings (e.g. suppressed, then activated again), in their colours.
        for &(e, o) in &l.earlier_ends {
            let x = f.fx(self.t(e - 0.5)).min(f.x1);
            cv.rect(x - 2.0, ty0 - 4.0, x + 2.0, ty1 + 4.0, outcome_color(o))?;
        }
        // The end and the outcome.
        if l.activated.is_some() {
            let (xe, label) = match l.ended {
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
            };
            let c = outcome_color(l.outcome);
            cv.rect(xe - 2.0, ty0 - 4.0, xe + 2.0, ty1 + 4.0, c)?;
            let size = 14.0;
            let w = cv.text_w(&label, size);
            let (lx, h) = if xe + 8.0 + w <= f.x1 {
                (xe + 8.0, HPos::Left)
            } else {
                (xe - 8.0, HPos::Right)
            };
            cv.label(
                &label,
                lx,
                (ty0 + ty1) / 2.0 + 5.0,
                size,
                style::shade(c, 0.35),
                h,
            )?;
        }
        Ok(())
    }

    fn paint_lane_rep<DB: DrawingBackend>(
        &self,
        cv: &Canvas<DB>,
        f: &Frame,
        lane: &Lane,
        ly: f64,
    ) -> R {
        let r = self.replicates;
        let (ty0, ty1, _) = self.lane_track(cv, f, lane, ly)?;
        // Share of replicates in which the collision is active at each step (a mean
        // intensity would stretch a short debate over the span of all replicates').
        let n = self.times.len();
        let mut mean = vec![0.0; n];
        for l in &lane.lives {
            for (s, &x) in l.intensity.iter().enumerate().take(n) {
                if x > 0.0 {
                    mean[s] += 1.0 / r as f64;
                }
            }
        }
        self.paint_intensity(cv, f, &mean, ty0, ty1)?;
        let mut n_art = 0;
        let mut n_act = 0;
        let mut counts = [0usize; 4];
        for l in &lane.lives {
            if let Some(a) = l.articulated {
                n_art += 1;
                let x = f.fx(self.t(a));
                cv.line(&[(x, ty0 - 8.0), (x, ty0)], okabe::BLACK.mix(0.5), 2)?;
            }
            if let Some(a) = l.activated {
                n_act += 1;
                let x = f.fx(self.t(a));
                cv.line(&[(x, ty1), (x, ty1 + 8.0)], okabe::BLACK.mix(0.5), 2)?;
                let i = Outcome::ALL
                    .iter()
                    .position(|&o| o == l.outcome)
                    .unwrap_or(3);
                counts[i] += 1;
            }
        }
        cv.rect_outline(f.x0, ty0, f.x1, ty1, style::GRID, 1)?;
        cv.text(
            &format!("articulated in {n_art} of {r} replicates, activated in {n_act} of {r}"),
            f.x0,
            ly + 92.0,
            12.0,
            MUTED,
            HPos::Left,
        )?;
        // Right: the outcome distribution over all replicates.
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
