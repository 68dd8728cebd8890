//! Observation: measures per step (adopters, shares, compliance, internalization,
//! adoptions by cause, stage), the event log, and the tipping measures. The observer gets
//! a read-only view of the world after each step; nothing here changes the dynamics.

pub mod observed;
pub mod per_state;
pub mod stages;
pub mod tipping;

pub use crate::model::event::{Event, EventKind, Outcome, Termination};
use crate::model::{Cause, Model, World};
use stages::Stage;

/// Per-norm tallies of one step, filled by the engine.
#[derive(Debug, Clone, Copy, Default)]
pub struct StepStats {
    pub adopters: i64,
    pub w_adopted: f64,
    pub w_compliance: f64,
    pub w_internalization: f64,
    /// New adoptions by `Cause` (index = cause as u8).
    pub new: [u64; 6],
    pub backslides: u64,
    /// States in the system and their total weight this step.
    pub n_present: i64,
    pub w_present: f64,
    pub signatories: u32,
    pub parties: u32,
}

/// One row of `timeseries.csv`.
#[derive(Debug, Clone)]
pub struct Row {
    pub step: u32,
    pub norm: usize,
    pub adopters: i64,
    pub counted_share: f64,
    pub weighted_share: f64,
    pub compliance: f64,
    pub internalization: f64,
    pub new_domestic: u64,
    pub new_persuasion: u64,
    pub new_socialization: u64,
    pub new_cluster: u64,
    pub backslides: u64,
    pub stage: Stage,
    pub states: i64,
    pub signatories: u32,
    pub parties: u32,
}

/// A measured point of the curve: the step and the shares there.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mark {
    pub step: u32,
    pub counted_share: f64,
    pub weighted_share: f64,
}

/// What a run says about one norm.
#[derive(Debug, Clone)]
pub struct NormOutcome {
    pub tipping: Option<Mark>,
    /// First step the *counted* share reached the tipping share.
    pub tipping_counted: Option<Mark>,
    pub regime_change: Option<Mark>,
    pub fastest: Option<Mark>,
    /// Refined time (in steps) of fastest adoption.
    pub fastest_refined: Option<f64>,
    pub entry_into_force_step: Option<u32>,
    /// Step a treaty backing the norm opened for signature, if any.
    pub treaty_opened_step: Option<u32>,
    pub final_adopters: i64,
    pub final_counted_share: f64,
    pub final_weighted_share: f64,
    pub final_compliance: f64,
    pub final_internalization: f64,
    pub final_stage: Stage,
    /// Adoptions before the regime change (or all, if none) by cause.
    pub before_regime: [u64; 6],
    /// Adoptions from the regime change on, by cause.
    pub after_regime: [u64; 6],
    /// The first adopters during the run (step, state name, cause), up to five.
    pub first_adopters: Vec<(u32, String, Cause)>,
    /// Critical states: (name, step of adoption at the end, if adopted).
    pub critical: Vec<(String, Option<u32>)>,
}

/// The life of one potential collision in one run.
#[derive(Debug, Clone)]
pub struct CollisionRecord {
    pub id: String,
    /// The two incompatible norms (indices).
    pub norms: [usize; 2],
    pub forum: String,
    pub articulated_step: Option<u32>,
    pub activated_step: Option<u32>,
    pub ended_step: Option<u32>,
    pub outcome: Outcome,
    /// For `resolved`: the norm placed on top of the hierarchy.
    pub winner: Option<usize>,
    /// The coalition that articulated it (first time).
    pub articulated_by: String,
    pub peak_intensity: f64,
    /// Intensity at every step 0..=steps (0 when not active).
    pub intensity: Vec<f32>,
    /// Phase at every step: 0 latent, 1 articulated (not taken up), 2 active, 3 ended.
    pub phase: Vec<u8>,
    /// How many times it was activated (it can recur after suppression).
    pub activations: u32,
    /// Lasting shift of other actors' positions (mean reduction of their value distance
    /// since the start, ≥ 0) toward the norm `shift_toward` (None: no shift).
    pub position_shift: f64,
    pub shift_toward: Option<usize>,
}

impl CollisionRecord {
    /// Steps the collision was active (ended or end of run minus activation).
    pub fn active_duration(&self, steps: u32) -> Option<u32> {
        let a = self.activated_step?;
        Some(self.ended_step.unwrap_or(steps).saturating_sub(a))
    }
}

/// Everything one run produced.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub run: u64,
    pub rows: Vec<Row>,
    pub events: Vec<Event>,
    pub norms: Vec<NormOutcome>,
    pub collisions: Vec<CollisionRecord>,
    /// Per coalition: resources (of its pool) at every step 0..=steps.
    pub coalition_resources: Vec<Vec<f64>>,
    pub termination: Termination,
}

pub struct Observer {
    run: u64,
    rows: Vec<Row>,
    /// Per norm: weighted share series.
    share: Vec<Vec<f64>>,
    tipped: Vec<bool>,
    /// The norm was above the tipping share from the start (a dominant norm).
    started_above: Vec<bool>,
    milestone_next: Vec<usize>,
    pub events: Vec<Event>,
    /// Per collision: intensity and phase at every step.
    coll_intensity: Vec<Vec<f32>>,
    coll_phase: Vec<Vec<u8>>,
    resources: Vec<Vec<f64>>,
}

impl Observer {
    /// Starts observing and records step 0 (the initial condition).
    pub fn new(m: &Model, w: &World, run: u64) -> Observer {
        let k = m.norms.len();
        let steps = m.steps as usize;
        let mut o = Observer {
            run,
            rows: Vec::with_capacity((steps + 1) * k),
            share: vec![Vec::with_capacity(steps + 1); k],
            tipped: vec![false; k],
            started_above: vec![false; k],
            milestone_next: vec![0; k],
            events: Vec::new(),
            coll_intensity: vec![Vec::with_capacity(steps + 1); m.incompatibilities.len()],
            coll_phase: vec![Vec::with_capacity(steps + 1); m.incompatibilities.len()],
            resources: vec![Vec::with_capacity(steps + 1); m.coalitions.len()],
        };
        let n = w.n;
        let stats: Vec<StepStats> = (0..k)
            .map(|kk| {
                let mut st = StepStats {
                    n_present: w.n_present as i64,
                    w_present: w.w_total,
                    ..StepStats::default()
                };
                for i in 0..n {
                    if !w.present[i] {
                        continue;
                    }
                    let x = kk * n + i;
                    if w.adopted[x] {
                        st.adopters += 1;
                        st.w_adopted += w.weight[i];
                    }
                    st.w_compliance += w.weight[i] * w.compliance[x] as f64;
                    st.w_internalization += w.weight[i] * w.internalization[x] as f64;
                }
                st
            })
            .collect();
        for (kk, st) in stats.iter().enumerate() {
            let ws = st.w_adopted / st.w_present.max(f64::MIN_POSITIVE);
            o.tipped[kk] = ws >= m.tipping_share;
            o.started_above[kk] = o.tipped[kk];
            // Milestones already passed at the start are not crossings.
            o.milestone_next[kk] = m.observation.milestones.partition_point(|&x| x <= ws);
        }
        o.observe(m, w, 0, &stats);
        o
    }

    /// Records step `t`.
    pub fn observe(&mut self, m: &Model, w: &World, t: u32, stats: &[StepStats]) {
        let ob = &m.observation;
        for (ci, r) in self.resources.iter_mut().enumerate() {
            r.push(w.resources[w.pool[ci]]);
        }
        for (ii, c) in w.coll.iter().enumerate() {
            use crate::model::Phase;
            let active = c.phase == Phase::Active;
            self.coll_intensity[ii].push(if active { c.intensity as f32 } else { 0.0 });
            self.coll_phase[ii].push(match c.phase {
                Phase::Latent if c.articulated_step.is_some() => 1,
                Phase::Latent => 0,
                Phase::Active => 2,
                Phase::Ended => 3,
            });
        }
        for (kk, st) in stats.iter().enumerate() {
            let (np, wp) = (
                st.n_present.max(1) as f64,
                st.w_present.max(f64::MIN_POSITIVE),
            );
            let ws = st.w_adopted / wp;
            self.share[kk].push(ws);
            if t > 0 && !self.tipped[kk] && ws >= m.tipping_share {
                self.tipped[kk] = true;
                self.events.push(Event::norm_event(
                    t,
                    EventKind::TippingPoint,
                    kk,
                    format!(
                        "weighted share {:.3}, counted share {:.3}",
                        ws,
                        st.adopters as f64 / np
                    ),
                ));
            }
            while t > 0
                && self.milestone_next[kk] < ob.milestones.len()
                && ws >= ob.milestones[self.milestone_next[kk]]
            {
                let level = ob.milestones[self.milestone_next[kk]];
                self.events.push(Event::norm_event(
                    t,
                    EventKind::ThresholdCrossed,
                    kk,
                    format!("weighted share reached {level}"),
                ));
                self.milestone_next[kk] += 1;
            }
            // A norm prevailing from the start (a dominant norm) is in its internalization
            // stage while it stays above the tipping share.
            let before = (t > 0).then(|| self.rows[self.rows.len() - stats.len()].stage);
            let stage = if self.started_above[kk] && ws >= m.tipping_share {
                Stage::Internalization
            } else {
                stages::classify(
                    &self.share[kk],
                    self.tipped[kk],
                    ob.stage_window,
                    ob.stage_growth,
                    before,
                )
            };
            if let Some(prev) = before {
                if prev != stage {
                    self.events.push(Event::norm_event(
                        t,
                        EventKind::StageChanged,
                        kk,
                        format!("{} -> {}", prev.name(), stage.name()),
                    ));
                }
            }
            self.rows.push(Row {
                step: t,
                norm: kk,
                adopters: st.adopters,
                counted_share: st.adopters as f64 / np,
                weighted_share: ws,
                compliance: st.w_compliance / wp,
                internalization: st.w_internalization / wp,
                new_domestic: st.new[Cause::Domestic as usize],
                new_persuasion: st.new[Cause::Persuasion as usize],
                new_socialization: st.new[Cause::Socialization as usize],
                new_cluster: st.new[Cause::Cluster as usize],
                backslides: st.backslides,
                stage,
                states: st.n_present,
                signatories: st.signatories,
                parties: st.parties,
            });
        }
    }

    /// Computes the whole-run measures and returns the run's result.
    pub fn finish(mut self, m: &Model, w: &World, termination: Termination) -> RunResult {
        let k = m.norms.len();
        let mut norms = Vec::with_capacity(k);
        for kk in 0..k {
            norms.push(norm_outcome(m, w, kk, &self.rows, &mut self.events));
        }
        for e in self.events.iter_mut() {
            if let Some(i) = e.state {
                e.actor = w.state_id(m, i as usize);
            }
        }
        // Deterministic order whatever the order of states in the file: by step, then
        // kind, norm and actor.
        self.events.sort_by(|a, b| {
            (a.step, a.kind.name(), a.norm, &a.actor).cmp(&(
                b.step,
                b.kind.name(),
                b.norm,
                &b.actor,
            ))
        });
        let collisions = m
            .incompatibilities
            .iter()
            .enumerate()
            .map(|(ii, inc)| {
                let c = &w.coll[ii];
                let shift = position_shift(m, w, ii);
                CollisionRecord {
                    id: inc.id.clone(),
                    norms: inc.norms,
                    forum: c.forum.map_or(String::new(), |f| m.forums[f].id.clone()),
                    articulated_step: c.articulated_step,
                    activated_step: c.activated_step,
                    ended_step: c.ended_step,
                    outcome: c.outcome.unwrap_or(if c.activated_step.is_some() {
                        Outcome::Open
                    } else {
                        Outcome::Latent
                    }),
                    winner: c.winner,
                    articulated_by: c
                        .first_articulated_by
                        .map_or(String::new(), |x| m.coalitions[x].id.clone()),
                    peak_intensity: c.peak,
                    intensity: std::mem::take(&mut self.coll_intensity[ii]),
                    phase: std::mem::take(&mut self.coll_phase[ii]),
                    activations: c.activations,
                    position_shift: shift.0,
                    shift_toward: shift.1,
                }
            })
            .collect();
        RunResult {
            run: self.run,
            rows: self.rows,
            events: self.events,
            norms,
            collisions,
            coalition_resources: self.resources,
            termination,
        }
    }
}

/// Lasting shift of other actors' value positions in collision `ii`: the mean reduction
/// of their distance (states, and coalitions other than the articulating one) to each of
/// the two norms' positions, from the start to now. Returns the larger reduction and the
/// norm it moved toward, or (0, None) if the collision was never activated or no one
/// moved toward either norm.
fn position_shift(m: &Model, w: &World, ii: usize) -> (f64, Option<usize>) {
    let d = w.d;
    let inc = &m.incompatibilities[ii];
    let st = &w.coll[ii];
    if d == 0 || st.activated_step.is_none() {
        return (0.0, None);
    }
    let mut best = (0.0, None);
    for &k in &inc.norms {
        let target = &m.norms[k].values;
        let dist = |v: &[f64]| crate::model::divergence(v, target);
        let mut sum = 0.0;
        let mut cnt = 0.0;
        for i in 0..w.n {
            sum += dist(&w.init_values[i * d..(i + 1) * d]) - dist(&w.values[i * d..(i + 1) * d]);
            cnt += 1.0;
        }
        for ci in 0..m.coalitions.len() {
            if Some(ci) == st.articulated_by {
                continue;
            }
            sum += dist(&w.init_coal_values[ci * d..(ci + 1) * d])
                - dist(&w.coal_values[ci * d..(ci + 1) * d]);
            cnt += 1.0;
        }
        let shift = if cnt > 0.0 { sum / cnt } else { 0.0 };
        if shift > 1e-12 && shift > best.0 {
            best = (shift, Some(k));
        }
    }
    best
}

/// What the run says about norm `kk`, from its rows (the regime change and the fastest
/// adoption are also logged as `events`).
fn norm_outcome(
    m: &Model,
    w: &World,
    kk: usize,
    rows: &[Row],
    events: &mut Vec<Event>,
) -> NormOutcome {
    let rows: Vec<&Row> = rows.iter().filter(|r| r.norm == kk).collect();
    let mark = |t: usize| Mark {
        step: t as u32,
        counted_share: rows[t].counted_share,
        weighted_share: rows[t].weighted_share,
    };
    let ws: Vec<f64> = rows.iter().map(|r| r.weighted_share).collect();
    let cs: Vec<f64> = rows.iter().map(|r| r.counted_share).collect();
    let tipping = tipping::first_crossing(&ws, m.tipping_share).map(mark);
    let tipping_counted = tipping::first_crossing(&cs, m.tipping_share).map(mark);
    let soc: Vec<u64> = rows.iter().map(|r| r.new_socialization).collect();
    let other: Vec<u64> = rows
        .iter()
        .map(|r| r.new_domestic + r.new_persuasion)
        .collect();
    let ob = &m.observation;
    let rc = tipping::regime_change(&soc, &other, ob.regime_window, ob.regime_min);
    let regime_change = rc.map(mark);
    if let Some(t) = rc {
        events.push(Event::norm_event(
            t as u32,
            EventKind::RegimeChange,
            kk,
            format!(
                "socialization-caused adoptions now outnumber domestic and persuasion ones; counted share {:.3}, weighted share {:.3}",
                rows[t].counted_share, rows[t].weighted_share
            ),
        ));
    }
    let counts: Vec<f64> = rows.iter().map(|r| r.adopters as f64).collect();
    let fast = tipping::fastest(&counts);
    if let Some((t, refined)) = fast {
        events.push(Event::norm_event(
            t as u32,
            EventKind::FastestAdoption,
            kk,
            format!(
                "{:.1} adoptions per step (central difference); refined time {:.3}",
                (counts[t + 1] - counts[t - 1]) / 2.0,
                m.time_of(refined)
            ),
        ));
    }
    let mut before = [0u64; 6];
    let mut after = [0u64; 6];
    for r in &rows {
        let tgt = match rc {
            Some(t) if r.step as usize >= t => &mut after,
            _ => &mut before,
        };
        tgt[Cause::Domestic as usize] += r.new_domestic;
        tgt[Cause::Persuasion as usize] += r.new_persuasion;
        tgt[Cause::Socialization as usize] += r.new_socialization;
        tgt[Cause::Cluster as usize] += r.new_cluster;
    }
    let last = rows[rows.len() - 1];
    let (first_adopters, critical) = first_and_critical(m, w, kk, events);
    NormOutcome {
        tipping,
        tipping_counted,
        regime_change,
        fastest: fast.map(|(t, _)| mark(t)),
        fastest_refined: fast.map(|(_, r)| r),
        entry_into_force_step: w.eif_step[kk],
        treaty_opened_step: w.treaty_opened_step[kk],
        final_adopters: last.adopters,
        final_counted_share: last.counted_share,
        final_weighted_share: last.weighted_share,
        final_compliance: last.compliance,
        final_internalization: last.internalization,
        final_stage: last.stage,
        before_regime: before,
        after_regime: after,
        first_adopters,
        critical,
    }
}

/// The first adopters during the run (step, name, cause), up to five, and the critical
/// states (name, step of adoption if adopted at the end). When adoptions are logged, the
/// first adopters are the first `adopted` events, whatever became of those states later
/// (a first adopter that backslid was still the first); otherwise the states holding the
/// norm at the end, by step of adoption.
#[allow(clippy::type_complexity)]
fn first_and_critical(
    m: &Model,
    w: &World,
    kk: usize,
    events: &[Event],
) -> (Vec<(u32, String, Cause)>, Vec<(String, Option<u32>)>) {
    let n = w.n;
    let logged: Vec<(u32, String, Cause)> = events
        .iter()
        .filter(|e| e.kind == EventKind::Adopted && e.norm == Some(kk) && e.step > 0)
        .filter_map(|e| {
            let cause = [
                Cause::Domestic,
                Cause::Persuasion,
                Cause::Socialization,
                Cause::Cluster,
                Cause::Initial,
            ]
            .into_iter()
            .find(|c| c.name() == e.detail)?;
            Some((e.step, w.state_name(m, e.state? as usize), cause))
        })
        .take(5)
        .collect();
    let mut firsts: Vec<(u32, usize)> = (0..n)
        .filter(|&i| w.adopted[kk * n + i] && w.adopted_step[kk * n + i] > 0)
        .map(|i| (w.adopted_step[kk * n + i] as u32, i))
        .collect();
    // Only the first five are reported: select them, then sort those (the pairs
    // are distinct, so this is the order a full sort gives).
    if firsts.len() > 5 {
        firsts.select_nth_unstable(4);
        firsts.truncate(5);
    }
    firsts.sort();
    let first_adopters = if n <= m.observation.log_adoptions_max {
        logged
    } else {
        firsts
            .iter()
            .take(5)
            .map(|&(t, i)| (t, w.state_name(m, i), Cause::from_u8(w.cause[kk * n + i])))
            .collect()
    };
    // (States are in canonical order: listed sorted by id, then generated.)
    let critical = (0..n)
        .filter(|&i| w.critical[kk * n + i])
        .map(|i| {
            let x = kk * n + i;
            (
                w.state_name(m, i),
                if w.adopted[x] {
                    Some(w.adopted_step[x].max(0) as u32)
                } else {
                    None
                },
            )
        })
        .collect();
    (first_adopters, critical)
}
