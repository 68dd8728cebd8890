//! Fast paths of `engine::step`: the same decisions, with less work, whenever the
//! scenario makes the work provably unnecessary. Nothing here knows which model runs;
//! every path is chosen per norm and step from conditions on the model and the world, and
//! every path gives bit-for-bit the world and the tallies the full loop gives (tested in
//! `tests/fast_paths.rs` against `engine::step_in_order`, which always runs the full loop).
//!
//! All fast paths require (`fast_ok` in the engine): states visited in index order, no
//! backsliding, no treaties, no state still to join, and internalization and compliance
//! frozen (habit, law, compliance speed, decay, institutional growth and erosion all zero).
//! Then adopters need no visit at all: their cells cannot change, and the step's tallies
//! follow from the frozen aggregates (adopters = start count + new adoptions; the
//! weighted sums of compliance and internalization are unchanged since they were last
//! summed). Non-adopters are visited in index order, so `w.changes`, the events and every
//! floating-point sum come out in the same order as in the full loop.
//!
//! * `Open`: visit only the non-adopters (a per-norm list in index order, compacted after
//!   every step; a superset is fine, adopters in it are skipped).
//! * `Uniform`: every non-adopter has the same hazard this step (system scope only or
//!   one region, no network, no lobbying, no cluster hazard, equal thresholds, equal
//!   legitimation need or none, equal domestic movements or no domestic rate): the hazard
//!   is computed once and the loop is a keyed draw and a comparison per non-adopter. The
//!   Bass model is one such case.
//! * `Frontier`: the hazard is deterministic (threshold response) and depends only on
//!   network neighbour counts (no system or regional scope, no domestic rate or growth, no
//!   lobbying, no pressure from treaties or monitoring, no collision brake, no cluster
//!   hazard). A non-adopter whose neighbour counts did not change since the last step —
//!   evaluated then under the same deterministic rule — cannot adopt now, so only the
//!   neighbours of the last step's changes (marked in `apply_changes`) are visited. A
//!   threshold cascade (Watts, complex contagion) costs O(edge visits) per step instead
//!   of O(n).

use crate::mechanisms::{domestic, socialization};
use crate::model::{Cause, Event, Model, Response, ThresholdUnit, World};
use crate::observe::StepStats;
use crate::rng::{self, Keys};

/// The states a step visits: the caller's order (full loop) or a fast path's list.
pub enum States<'a, I> {
    Order(I),
    List(std::slice::Iter<'a, u32>),
}

impl<I: Iterator<Item = usize>> Iterator for States<'_, I> {
    type Item = usize;
    #[inline(always)]
    fn next(&mut self) -> Option<usize> {
        match self {
            States::Order(o) => o.next(),
            States::List(l) => l.next().map(|&i| i as usize),
        }
    }
}

/// The adoption hazard of every non-adopter in a `Uniform` step, split by cause.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hazard {
    pub dom: f64,
    pub per: f64,
    pub soc: f64,
    pub total: f64,
}

impl Hazard {
    /// The cause of an adoption drawn at `u` < `total`: the hazards partition [0, total)
    /// in the order domestic, persuasion, socialization, cluster.
    #[inline(always)]
    pub fn cause(&self, u: f64) -> Cause {
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

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FastPath {
    Full,
    Open,
    Uniform(Hazard),
    Frontier,
}

/// Per-run bookkeeping of the fast paths (in the engine's `Workspace`, apart from the world).
#[derive(Debug, Clone, Default)]
pub struct FastState {
    /// Every state has weight 1 (weighted adopter sums equal counts, exactly).
    pub unit_weights: bool,
    uniform_threshold: Option<f64>,
    uniform_legit: Option<f64>,
    /// Per norm: every state's domestic movement is the same (cleared by mobilisation).
    uniform_movement: Vec<Option<f32>>,
    /// Per norm: the non-adopters (a superset, in index order), and whether it is current.
    open: Vec<Vec<u32>>,
    open_valid: Vec<bool>,
    /// Per norm: weighted sums of compliance and internalization as last computed.
    wsums: Vec<Option<(f64, f64)>>,
    /// Per norm: bit set of states whose neighbour counts changed (`words` u64 per norm).
    dirty: Vec<u64>,
    words: usize,
    /// Per norm: `apply_changes` marks `dirty` this step; the last step was evaluated
    /// under the deterministic network rule (so a frontier step may follow).
    marking: Vec<bool>,
    frontier_ok: Vec<bool>,
    buf: Vec<u32>,
}

fn uniform<T: Copy + PartialEq>(xs: &[T]) -> Option<T> {
    let first = *xs.first()?;
    xs.iter().all(|&x| x == first).then_some(first)
}

impl FastState {
    /// Set-up from a freshly built world.
    pub fn new(w: &World) -> FastState {
        let (n, k) = (w.n, w.k);
        let words = if w.net.is_some() { n.div_ceil(64) } else { 0 };
        FastState {
            unit_weights: w.weight.iter().all(|&x| x == 1.0),
            uniform_threshold: uniform(&w.threshold),
            uniform_legit: uniform(&w.legit),
            uniform_movement: (0..k)
                .map(|kk| uniform(&w.movement[kk * n..kk * n + n]))
                .collect(),
            open: vec![Vec::new(); k],
            open_valid: vec![false; k],
            wsums: vec![None; k],
            dirty: vec![0; words * k],
            words,
            marking: vec![false; k],
            frontier_ok: vec![false; k],
            buf: Vec::new(),
        }
    }

    /// A state joined the system: the weighted sums cover other states now.
    pub fn joined(&mut self) {
        self.wsums.iter_mut().for_each(|s| *s = None);
    }

    /// Lobbying strengthened some domestic movements.
    pub fn movement_changed(&mut self) {
        self.uniform_movement.iter_mut().for_each(|u| *u = None);
    }

    /// The full loop ran for norm `kk` (anything may have changed) and summed `wc`, `wi`.
    pub fn after_full(&mut self, kk: usize, wc: f64, wi: f64) {
        self.wsums[kk] = Some((wc, wi));
        self.open_valid[kk] = false;
        self.marking[kk] = false;
        self.frontier_ok[kk] = false;
    }

    /// This step's rule for norm `kk` is the deterministic one on network neighbour counts
    /// alone (as chosen by `FastPath::choose`).
    pub fn deterministic(&self, kk: usize) -> bool {
        self.marking.get(kk) == Some(&true)
    }

    /// The frontier bit set of norm `kk` (one bit per state).
    pub fn dirty_row(&mut self, kk: usize) -> &mut [u64] {
        &mut self.dirty[kk * self.words..(kk + 1) * self.words]
    }

    /// The states to visit for norm `kk` on path `path` (`Open` or `Frontier`), in index
    /// order; `adopted` is the norm's row. Hand the vector back to `done_candidates`.
    pub fn candidates(&mut self, adopted: &[bool], kk: usize, path: FastPath) -> Vec<u32> {
        match path {
            FastPath::Frontier => {
                let mut out = std::mem::take(&mut self.buf);
                out.clear();
                let d = &mut self.dirty[kk * self.words..(kk + 1) * self.words];
                for (wi, word) in d.iter_mut().enumerate() {
                    let mut b = *word;
                    *word = 0;
                    while b != 0 {
                        let j = (wi << 6) as u32 + b.trailing_zeros();
                        b &= b - 1;
                        if !adopted[j as usize] {
                            out.push(j);
                        }
                    }
                }
                out
            }
            _ => {
                if !self.open_valid[kk] {
                    let o = &mut self.open[kk];
                    o.clear();
                    o.extend((0..adopted.len() as u32).filter(|&i| !adopted[i as usize]));
                    self.open_valid[kk] = true;
                }
                std::mem::take(&mut self.open[kk])
            }
        }
    }

    /// Takes back the vector of `candidates` (dropping this step's adopters from the list).
    pub fn done_candidates(
        &mut self,
        mut c: Vec<u32>,
        adopted: &[bool],
        kk: usize,
        path: FastPath,
    ) {
        match path {
            FastPath::Frontier => self.buf = c,
            _ => {
                c.retain(|&i| !adopted[i as usize]);
                self.open[kk] = c;
            }
        }
    }
}

impl FastPath {
    /// The path for norm `kk` this step, given that the engine's `fast_ok` holds and
    /// internalization is frozen; the arguments are the step's per-norm values the full
    /// loop uses. Also arms or disarms frontier marking for the norm.
    #[allow(clippy::too_many_arguments)]
    pub fn choose(
        m: &Model,
        w: &World,
        f: &mut FastState,
        kk: usize,
        sys: f64,
        extra_pressure: f64,
        brake: f64,
        cluster_dt: f64,
        rate_dt: f64,
        growth_dt: f64,
    ) -> FastPath {
        let s = &m.socialization;
        let [a_sys, a_reg, a_net] = s.scope;
        let lobbied = !w.touched.is_empty();
        // Deterministic rule on network neighbour counts only: frontier.
        let det = s.response == Response::Threshold
            && a_sys == 0.0
            && a_reg == 0.0
            && w.net.is_some()
            && rate_dt == 0.0
            && growth_dt == 0.0
            && !lobbied
            && extra_pressure == 0.0
            && brake == 1.0
            && cluster_dt == 0.0;
        if det {
            f.marking[kk] = true;
            if f.frontier_ok[kk] {
                return FastPath::Frontier;
            }
            // Evaluate every non-adopter once; from the next step on, the frontier.
            let words = f.words;
            f.dirty[kk * words..(kk + 1) * words].fill(0);
            f.frontier_ok[kk] = true;
            return FastPath::Open;
        }
        f.marking[kk] = false;
        f.frontier_ok[kk] = false;
        let count_unit = s.unit == ThresholdUnit::Count;
        let theta = f.uniform_threshold;
        let legit = if s.legitimation == 0.0 {
            w.legit.first().copied().filter(|x| x.is_finite())
        } else {
            f.uniform_legit
        };
        let mv = match f.uniform_movement[kk] {
            Some(x) => Some(x),
            None if rate_dt == 0.0 => Some(0.0),
            None => None,
        };
        let uniform_ok = !lobbied
            && cluster_dt == 0.0
            && growth_dt == 0.0
            && a_net == 0.0
            && (a_reg == 0.0 || w.n_regions <= 1)
            && (!count_unit || a_sys > 0.0)
            && w.n_regions >= 1;
        if let (true, Some(theta), Some(legit), Some(mv)) = (uniform_ok, theta, legit, mv) {
            // Exactly the full loop's arithmetic for a non-adopter (engine::step_impl).
            let dt = m.dt;
            let p = a_sys * sys + a_reg * w.region_share[0];
            let mult = 1.0 + s.legitimation * legit;
            let p = p + extra_pressure;
            let h_dom = domestic::hazard(rate_dt, mv);
            let h_per = 0.0f32 as f64;
            let h_soc = if count_unit {
                socialization::count_hazard(s, dt, w.count_sys[kk] as u64, mult, theta)
            } else {
                socialization::hazard(s, dt, p * mult, theta)
            };
            let h_clu = 0.0;
            let (h_dom, h_per, h_soc, h_clu) = if brake != 1.0 {
                (h_dom * brake, h_per * brake, h_soc * brake, h_clu * brake)
            } else {
                (h_dom, h_per, h_soc, h_clu)
            };
            let total = h_dom + h_per + h_soc + h_clu;
            return FastPath::Uniform(Hazard {
                dom: h_dom,
                per: h_per,
                soc: h_soc,
                total,
            });
        }
        FastPath::Open
    }
}

/// Weighted sums of compliance and internalization over present states (norm `kk`), in
/// index order as the full loop sums them; cached while they cannot change.
pub fn sums(w: &World, f: &mut FastState, kk: usize) -> (f64, f64) {
    if let Some(s) = f.wsums[kk] {
        return s;
    }
    let (n, base) = (w.n, kk * w.n);
    let (mut wc, mut wi) = (0.0f64, 0.0f64);
    for i in 0..n {
        if w.present[i] {
            wc += w.weight[i] * w.compliance[base + i] as f64;
            wi += w.weight[i] * w.internalization[base + i] as f64;
        }
    }
    f.wsums[kk] = Some((wc, wi));
    (wc, wi)
}

/// A `Uniform` step of norm `kk`: one keyed draw per non-adopter against hazard `h`.
#[allow(clippy::too_many_arguments)]
pub fn uniform_step(
    w: &mut World,
    f: &mut FastState,
    kk: usize,
    t: u32,
    k: &Keys,
    h: Hazard,
    st: &mut StepStats,
    events: &mut Vec<Event>,
    log_events: bool,
) {
    let n = w.n;
    let base = kk * n;
    let mut list = f.candidates(&w.adopted[base..base + n], kk, FastPath::Open);
    if h.total > 0.0 {
        let salt = kk as u64;
        let mut out = 0usize;
        for idx in 0..list.len() {
            let i = list[idx] as usize;
            let x = base + i;
            if w.adopted[x] {
                continue;
            }
            if w.present[i] && !w.defected[x] {
                let u = rng::draw(k.adopt, w.key[i], salt);
                if u < h.total {
                    super::record_adoption(w, i, kk, t, h.cause(u), st, events, log_events);
                    continue;
                }
            }
            list[out] = i as u32;
            out += 1;
        }
        list.truncate(out);
    }
    f.done_candidates(list, &w.adopted[base..base + n], kk, FastPath::Open);
}

/// A `Frontier` step of norm `kk` over the candidates `cand` (non-adopters whose
/// neighbour counts changed, in index order). The conditions of the path (threshold
/// response on the network scope alone; no domestic, lobbying, cluster, treaty or
/// monitoring hazard; no brake) reduce the full loop's rule for a non-adopter to its
/// socialization term, computed here with the same functions in the same order: the
/// hazard is 0 or 1, and an adoption's cause is socialization whatever the draw (the other
/// hazards are exactly zero), so no draw is needed.
#[allow(clippy::too_many_arguments)]
pub fn frontier_step(
    m: &Model,
    w: &mut World,
    kk: usize,
    t: u32,
    cand: &[u32],
    st: &mut StepStats,
    events: &mut Vec<Event>,
    log_events: bool,
) {
    let s = &m.socialization;
    let a_net = s.scope[2];
    let count_unit = s.unit == ThresholdUnit::Count;
    let base = kk * w.n;
    for &i in cand {
        let i = i as usize;
        let x = base + i;
        if !w.present[i] || w.adopted[x] || w.defected[x] {
            continue;
        }
        let mult = 1.0 + s.legitimation * w.legit[i];
        let h = if count_unit {
            socialization::count_hazard(s, m.dt, w.nb_count[x] as u64, mult, w.threshold[i])
        } else {
            let p = a_net * socialization::network_share(s, w, i, x);
            socialization::hazard(s, m.dt, p * mult, w.threshold[i])
        };
        if h > 0.0 {
            super::record_adoption(w, i, kk, t, Cause::Socialization, st, events, log_events);
        }
    }
}
