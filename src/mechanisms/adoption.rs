//! The adoption rule, written once. A non-adopter of a norm faces competing hazards —
//! domestic movement, lobbying (persuasion), peer pressure (socialization) and, for a
//! norm in a cluster, the pull of a neighbouring norm it has adopted — slowed alike by an
//! active collision over the norm (the brake). They add up to one per-step probability,
//! and a single uniform draw decides both whether the state adopts and which cause is
//! recorded (the segment the draw falls in).
//!
//! * `NormStep`: the values of one norm frozen for the step (start-of-step shares, this
//!   step's rates, pressure from treaties and monitoring, the brake), and which hazard
//!   terms are live;
//! * `View`: what one state brings to the rule (its pressure, thresholds, movement,
//!   lobbying, count of adopting peers, adopted cluster neighbour);
//! * `hazard` and `decide`: the rule itself.
//!
//! The engine's full loop and its fast paths all call these; a path differs only in
//! which states it visits (or, when every state's view is the same, in evaluating the
//! rule once).

use super::{clusters, domestic, socialization, treaties};
use crate::model::{Cause, Model, Socialization, ThresholdUnit, World};

/// The values of norm `kk` frozen for step `t`: every decision of the step reads these
/// and the deciding state's own cells, never a value another state writes this step.
#[derive(Debug, Clone)]
pub struct NormStep<'a> {
    pub s: &'a Socialization,
    pub neighbours: &'a [usize],
    /// Blended adopter share per region (start of step).
    pub region_share: &'a [f64],
    pub kk: usize,
    pub t: u32,
    pub dt: f64,
    /// Weights of the system, region and network scopes.
    pub scope: [f64; 3],
    pub count_unit: bool,
    /// Blended system share and the system's adopter count (start of step).
    pub sys: f64,
    pub sys_count: u64,
    /// Pressure on non-adopters from a treaty and from monitoring (shaming).
    pub extra_pressure: f64,
    pub rate_dt: f64,
    pub growth_dt: f64,
    pub cluster_dt: f64,
    /// Multiplier of every adoption hazard (active collisions, a hierarchy against it).
    pub brake: f64,
    /// Some coalition or champion lobbied this step (persuasion hazards may be non-zero).
    pub lobbied: bool,
    /// Some state has a countervailing interest (`cost`) against the norm.
    pub costly: bool,
    // --- adopters (internalization.rs) ---
    pub intern_dt: f64,
    /// Extra internalization growth of parties to a treaty in force.
    pub inst_dt: f64,
    pub erosion: f64,
    pub monitor_gain: f64,
    pub fuzz: f64,
    pub speed_dt: f64,
    pub decay_dt: f64,
    pub back_dt: f64,
    pub back_max: f64,
    /// Compliance gain of adopters at a published monitoring report (× acceptance): the
    /// share of the gap to full compliance closed; 0 between reports.
    pub report_gain: f64,
    /// Backsliding made costlier by reporting under monitoring (× acceptance).
    pub back_guard: f64,
    /// Share of the fuzziness gap closed by enforcement through adjacent norms, for a
    /// state that adopted all neighbouring norms of the cluster (0: none, or no cluster).
    pub adjacent: f64,
}

/// Blended adopter shares of norm `kk` per region, frozen for the step, into `out`.
pub fn region_shares(s: &Socialization, w: &World, kk: usize, out: &mut [f64]) {
    let nr = w.n_regions;
    for (r, o) in out.iter_mut().enumerate().take(nr) {
        let x = kk * nr + r;
        *o = socialization::blend(
            s,
            socialization::share(w.count_reg[x] as f64, w.n_reg[x] as f64),
            socialization::share(w.ew_reg[x], w.ew_reg_total[x]),
        );
    }
}

impl<'a> NormStep<'a> {
    /// Freezes norm `kk` for step `t`; `region_share` from `region_shares`.
    pub fn new(
        m: &'a Model,
        w: &World,
        kk: usize,
        t: u32,
        region_share: &'a [f64],
        lobbied: bool,
    ) -> NormStep<'a> {
        let s = &m.socialization;
        let dt = m.dt;
        let n_present = w.n_present.max(1);
        let prevalence = w.count_sys[kk] as f64 / n_present as f64;
        NormStep {
            s,
            neighbours: &m.neighbours[kk],
            region_share,
            kk,
            t,
            dt,
            scope: s.scope,
            count_unit: s.unit == ThresholdUnit::Count,
            sys: socialization::blend(
                s,
                w.count_sys[kk] as f64 / n_present as f64,
                socialization::share(w.ew_sys[kk], w.ew_total[kk]),
            ),
            sys_count: w.count_sys[kk] as u64,
            extra_pressure: treaties::pressure(m, w, kk) + w.monitor[kk] * m.monitoring.shaming,
            rate_dt: domestic::rate_dt(
                m.domestic_rate,
                dt,
                m.domestic_damping,
                domestic::institutionalization(prevalence, w.eif_step[kk].is_some()),
            ),
            growth_dt: m.domestic_growth * dt,
            cluster_dt: clusters::rate_dt(m, kk),
            brake: w.norm_brake[kk],
            lobbied,
            costly: w.costly[kk],
            intern_dt: (m.habit + m.law * prevalence) * dt,
            inst_dt: treaties::institutional_growth(m, w, kk),
            erosion: w.norm_erosion[kk].min(1.0),
            monitor_gain: w.monitor[kk] * m.monitoring.compliance,
            fuzz: clusters::fuzz(m, w, kk),
            speed_dt: m.compliance_speed * dt,
            decay_dt: m.decay * dt,
            back_dt: m.backslide_rate * dt,
            back_max: m.backslide_max_internalization,
            report_gain: w.report[kk] * m.monitoring.reporting,
            back_guard: w.monitor[kk] * m.monitoring.reporting,
            adjacent: if m.neighbours[kk].is_empty() {
                0.0
            } else {
                m.adjacent_enforcement
            },
        }
    }

    /// Internalization and compliance cannot move this step (all their rates are zero):
    /// adopters need no visit and non-adopters no decay.
    pub fn static_internalization(&self) -> bool {
        self.intern_dt == 0.0
            && self.inst_dt == 0.0
            && self.erosion == 0.0
            && self.speed_dt == 0.0
            && self.decay_dt == 0.0
            && self.report_gain == 0.0
    }

    /// The live terms: which hazards can be non-zero for some state this step.
    pub fn live(&self) -> Live {
        Live {
            domestic: self.rate_dt != 0.0,
            persuasion: self.lobbied,
            cluster: self.cluster_dt > 0.0,
            shares: self.scope[0] != 0.0 || self.scope[1] != 0.0,
            network: self.scope[2] > 0.0,
            extra: self.extra_pressure != 0.0,
            braked: self.brake != 1.0,
            growth: self.growth_dt != 0.0,
            costly: self.costly,
        }
    }
}

/// Which terms of the rule can be non-zero this step (`NormStep::live`). A dead term is
/// exactly zero for every state, so leaving it out changes no bit of any hazard; the fast
/// paths are chosen from these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Live {
    pub domestic: bool,
    pub persuasion: bool,
    pub cluster: bool,
    /// System or regional shares carry weight.
    pub shares: bool,
    pub network: bool,
    /// Pressure from a treaty or monitoring.
    pub extra: bool,
    /// A collision brake (or a hierarchy against the norm) scales the hazards.
    pub braked: bool,
    /// Domestic movements grow.
    pub growth: bool,
    /// Some state's hazards are scaled by its countervailing interest (states differ).
    pub costly: bool,
}

/// What one non-adopter brings to the rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    /// Peer pressure from the scopes (shares), before treaty and monitoring pressure.
    pub pressure: f64,
    /// 1 + legitimation × legitimation need.
    pub mult: f64,
    pub theta: f64,
    pub movement: f32,
    /// Persuasion hazard from this step's lobbying.
    pub lobbying: f32,
    /// Adopting peers in the scope (count thresholds).
    pub count: u64,
    /// Has adopted a neighbouring norm of the cluster.
    pub cluster: bool,
    /// 1 − the state's countervailing interest (`cost`): the factor of all its hazards.
    pub resist: f64,
}

/// Peer pressure on state `i` (cell `x`) from the scopes, frozen aggregates only.
#[inline(always)]
pub fn pressure(ns: &NormStep, w: &World, i: usize, x: usize) -> f64 {
    let [a_sys, a_reg, a_net] = ns.scope;
    // Both weights zero: the sum is exactly +0 (shares are finite and ≥ 0).
    let mut p = if a_sys != 0.0 || a_reg != 0.0 {
        a_sys * ns.sys + a_reg * ns.region_share[w.region[i] as usize]
    } else {
        0.0
    };
    if a_net > 0.0 {
        p += a_net * socialization::network_share(ns.s, w, i, x);
    }
    p
}

/// 1 + legitimation × the legitimation need of state `i`.
#[inline(always)]
pub fn mult(ns: &NormStep, w: &World, i: usize) -> f64 {
    1.0 + ns.s.legitimation * w.legit[i]
}

/// The view of non-adopter `i` (cell `x`) given its `pressure` and `mult`; dead terms are
/// not read (they are zero).
#[inline(always)]
pub fn view(
    ns: &NormStep,
    lobbying: &[f32],
    w: &World,
    i: usize,
    x: usize,
    pressure: f64,
    mult: f64,
) -> View {
    let [a_sys, a_reg, _] = ns.scope;
    View {
        pressure,
        mult,
        theta: w.threshold[i],
        movement: if ns.rate_dt != 0.0 {
            w.movement[x]
        } else {
            0.0
        },
        lobbying: if ns.lobbied { lobbying[x] } else { 0.0 },
        count: if !ns.count_unit {
            0
        } else if a_sys > 0.0 {
            ns.sys_count
        } else if a_reg > 0.0 {
            w.count_reg[ns.kk * w.n_regions + w.region[i] as usize] as u64
        } else {
            w.nb_count[x] as u64
        },
        cluster: ns.cluster_dt > 0.0 && clusters::adopted_neighbour(w, ns.neighbours, i, ns.t),
        resist: if ns.costly { w.resist[x] } else { 1.0 },
    }
}

/// The adoption hazard this step, split by cause.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hazard {
    pub dom: f64,
    pub per: f64,
    pub soc: f64,
    pub total: f64,
}

impl Hazard {
    /// The cause of an adoption drawn at `u` < `total`, `u` uniform in [0, 1): the
    /// hazards partition [0, total) in the order domestic, persuasion, socialization,
    /// cluster. When they sum above 1 every draw adopts, and the draw is scaled by the
    /// sum (`u × total`), so each cause is recorded in proportion to its hazard (not in
    /// the order of the partition) with the same one draw.
    #[inline(always)]
    pub fn cause(&self, u: f64) -> Cause {
        let u = if self.total > 1.0 { u * self.total } else { u };
        if u < self.dom {
            Cause::Domestic
        } else if u < self.dom + self.per {
            Cause::Persuasion
        } else if u < self.dom + self.per + self.soc {
            Cause::Socialization
        } else {
            Cause::Cluster
        }
    }
}

/// The rule: the hazards of a non-adopter with view `v`. `logit_base` gives the logistic
/// response at zero pressure for its threshold (cached per state, or computed).
#[inline(always)]
pub fn hazard(ns: &NormStep, v: &View, logit_base: impl FnOnce() -> f64) -> Hazard {
    let p = v.pressure + ns.extra_pressure;
    let h_dom = domestic::hazard(ns.rate_dt, v.movement);
    let h_per = v.lobbying as f64;
    let h_soc = if ns.count_unit {
        socialization::count_hazard(ns.s, ns.dt, v.count, v.mult, v.theta)
    } else {
        socialization::hazard_with(ns.s, ns.dt, p * v.mult, v.theta, logit_base)
    };
    let h_clu = if v.cluster { ns.cluster_dt } else { 0.0 };
    // A collision brake and the state's countervailing interest scale every hazard alike.
    let (h_dom, h_per, h_soc, h_clu) = if ns.brake != 1.0 || v.resist != 1.0 {
        let b = ns.brake * v.resist;
        (h_dom * b, h_per * b, h_soc * b, h_clu * b)
    } else {
        (h_dom, h_per, h_soc, h_clu)
    };
    Hazard {
        dom: h_dom,
        per: h_per,
        soc: h_soc,
        total: h_dom + h_per + h_soc + h_clu,
    }
}

/// Whether (and why) the state adopts, given its hazards and its keyed draw. A certain
/// adoption whose cause is socialization for every draw (a threshold met, no domestic,
/// persuasion or cluster hazard) takes no draw: draws are keyed by (step, state, norm),
/// so skipping one changes no other.
#[inline(always)]
pub fn decide(h: &Hazard, draw: impl FnOnce() -> f64) -> Option<Cause> {
    if !(h.total > 0.0) {
        return None;
    }
    if h.dom == 0.0 && h.per == 0.0 && h.soc >= 1.0 && h.total == h.soc {
        return Some(Cause::Socialization);
    }
    let u = draw();
    (u < h.total).then(|| h.cause(u))
}
