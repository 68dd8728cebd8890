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
//! summed). Non-adopters are visited in index order, so the changes, the events and every
//! floating-point sum come out in the same order as in the full loop. Every path applies
//! the one adoption rule (`mechanisms::adoption`) through the engine's `visit`, or — when
//! every non-adopter's view is the same — evaluates it once; `FastPath::choose` is the one
//! place that decides the path, from the rule's live terms (`adoption::Live`).
//!
//! * `Full`: every state, in the caller's order (the reference).
//! * `Open`: visit only the non-adopters (a per-norm list in index order, compacted after
//!   every step; a superset is fine, adopters in it are skipped).
//! * `Uniform`: every non-adopter has the same hazard this step (system scope only or
//!   one region, no network, no lobbying, no cluster hazard, no state's cost, equal
//!   thresholds, equal legitimation need or none, equal domestic movements or no domestic
//!   rate): the hazard
//!   is computed once and the loop is a keyed draw and a comparison per non-adopter. The
//!   Bass model is one such case.
//! * `Frontier`: the hazard is deterministic (threshold response) and depends only on
//!   network neighbour counts (no system or regional scope, no domestic rate or growth, no
//!   lobbying, no pressure from treaties or monitoring, no collision brake, no state's
//!   cost, no cluster hazard). A non-adopter whose neighbour counts did not change since the last step —
//!   evaluated then under the same deterministic rule — cannot adopt now, so only the
//!   neighbours of the last step's changes (marked in `apply_changes`) are visited. A
//!   threshold cascade (Watts, complex contagion) costs O(edge visits) per step instead
//!   of O(n).

use super::Recorder;
use crate::mechanisms::adoption::{self, Hazard, NormStep, View};
use crate::mechanisms::socialization;
use crate::model::{Response, World};
use crate::rng::{self, Keys};

/// The path of one norm in one step. Every path applies the one adoption rule
/// (`mechanisms::adoption`); they differ only in which states they visit.
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
    /// The one place that says which path norm `ns.kk` takes this step. `fast_ok`: the
    /// step allows fast paths at all (states in index order, no backsliding, no treaties,
    /// no state still to join, no habit, law, compliance speed or decay). Also arms or
    /// disarms frontier marking for the norm.
    pub fn choose(ns: &NormStep, w: &World, f: &mut FastState, fast_ok: bool) -> FastPath {
        if !fast_ok || !ns.static_internalization() {
            return FastPath::Full;
        }
        let kk = ns.kk;
        let s = ns.s;
        let live = ns.live();
        let [a_sys, _, a_net] = ns.scope;
        // Deterministic rule on network neighbour counts only: frontier.
        let det = s.response == Response::Threshold
            && !live.shares
            && w.net.is_some()
            && !live.domestic
            && !live.growth
            && !live.persuasion
            && !live.extra
            && !live.braked
            && !live.costly
            && !live.cluster;
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
        let legit = if s.legitimation == 0.0 {
            w.legit.first().copied().filter(|x| x.is_finite())
        } else {
            f.uniform_legit
        };
        let mv = match f.uniform_movement[kk] {
            Some(x) => Some(x),
            None if !live.domestic => Some(0.0),
            None => None,
        };
        // Every non-adopter's view is the same: no lobbying, cluster, growth or network
        // term, one region (or none weighted), the same threshold, legitimation need and
        // movement, and a count from the system scope.
        let uniform_ok = !live.persuasion
            && !live.costly
            && !live.cluster
            && !live.growth
            && a_net == 0.0
            && (ns.scope[1] == 0.0 || w.n_regions <= 1)
            && (!ns.count_unit || a_sys > 0.0)
            && w.n_regions >= 1;
        if let (true, Some(theta), Some(legit), Some(mv)) =
            (uniform_ok, f.uniform_threshold, legit, mv)
        {
            let v = View {
                pressure: a_sys * ns.sys + ns.scope[1] * ns.region_share[0],
                mult: 1.0 + s.legitimation * legit,
                theta,
                movement: mv,
                lobbying: 0.0,
                count: ns.sys_count,
                cluster: false,
                resist: 1.0,
            };
            let h = adoption::hazard(ns, &v, || socialization::logistic_base(s, theta));
            return FastPath::Uniform(h);
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

/// A `Uniform` step of norm `kk`: every non-adopter has hazard `h`; one keyed draw each.
pub(super) fn uniform_step(
    w: &mut World,
    f: &mut FastState,
    kk: usize,
    k: &Keys,
    h: Hazard,
    rec: &mut Recorder,
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
                if let Some(cause) = adoption::decide(&h, || rng::draw(k.adopt, w.key[i], salt)) {
                    rec.adopt(w, i, kk, cause);
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
