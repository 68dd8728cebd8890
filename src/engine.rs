//! The engine owns the loop: it builds a `World` from a validated `Model` and a run seed,
//! steps it synchronously and hands every step to the `Observer`.
//!
//! Synchronous update: every decision in step t reads the state at the start of step t.
//! Aggregates (system, region and neighbour adopter counts and weights) are frozen for the
//! step; a state's decision reads only them and its own cells, so updating its own cells
//! in place cannot influence another state's decision. Changes to the aggregates are
//! collected and applied together after the loop.
//!
//! The engine's own memory (the step keys, this step's lobbying, changes, tallies and
//! events, the fast paths' bookkeeping) is a `Workspace`, apart from the `World`.

use crate::mechanisms::adoption::{self, NormStep};
use crate::mechanisms::persuasion::{self, Lobbying};
use crate::mechanisms::{coalition_life, collisions, domestic, internalization, treaties};
use crate::model::{Cause, Event, EventKind, Model, World};
use crate::observe::{Observer, RunResult, StepStats};
use crate::rng::{self, Keys, StepKeys};

mod fast;
use fast::uniform_step;
pub use fast::{FastPath, FastState};

pub use crate::model::Termination;

/// One adoption change: (state, norm, adopted).
pub type Change = (u32, u16, bool);

/// The engine's per-run memory, kept apart from the world it steps (the world is the
/// model's state; this is how the engine computes it). Build it from the freshly built
/// world and pass it to every `step` of that world.
pub struct Workspace {
    pub keys: StepKeys,
    /// This step's lobbying (persuasion hazards per cell).
    pub lobbying: Lobbying,
    /// This step's adoption changes, applied to the aggregates after the decisions.
    pub changes: Vec<Change>,
    /// Per norm: this step's tallies.
    pub stats: Vec<StepStats>,
    /// Events of the steps since the caller last took them.
    pub events: Vec<Event>,
    /// Blended adopter share per region of the norm being decided.
    pub region_share: Vec<f64>,
    pub fast: FastState,
}

impl Workspace {
    /// The workspace of world `w`, built by `World::new(m, run_seed)`.
    pub fn new(m: &Model, w: &World, run_seed: u64) -> Workspace {
        Workspace {
            keys: StepKeys::new(run_seed),
            lobbying: Lobbying::new(w.n, w.k),
            changes: Vec::with_capacity(w.n.min(1 << 20)),
            stats: vec![StepStats::default(); m.norms.len()],
            events: Vec::new(),
            region_share: vec![0.0; w.n_regions],
            fast: FastState::new(w),
        }
    }
}

/// Runs one replicate: `run` is the replicate (or sweep run) index; its seed derives
/// from the scenario seed and the index.
pub fn run(m: &Model, run: u64) -> RunResult {
    let w = World::new(m, rng::run_seed(m.seed, run));
    run_world(m, w, run)
}

/// Runs replicate `run` on its world, `World::new(m, rng::run_seed(m.seed, run))`, built
/// by the caller (so set-up and stepping can be timed apart, as `benches/peers` does).
pub fn run_world(m: &Model, w: World, run: u64) -> RunResult {
    run_watched(m, w, run, |_, _| {})
}

/// `run_world` with a watcher called with the world after step 0 (the start) and after
/// every step t (the state `Observer::observe` records). A watcher reads and never
/// writes, so results are the same as `run_world`'s; the classroom page uses one to
/// record each state's status over time (`serve::world`). Steps filled after an
/// absorbing step (`Termination::Absorbed`) are not watched: the world stays as it was.
pub fn run_watched(
    m: &Model,
    mut w: World,
    run: u64,
    mut watch: impl FnMut(&World, u32),
) -> RunResult {
    let mut ws = Workspace::new(m, &w, rng::run_seed(m.seed, run));
    let mut obs = Observer::new(m, &w, run);
    watch(&w, 0);
    let mut absorption = Absorption::new(m);
    for t in 1..=m.steps {
        step(m, &mut w, &mut ws, t);
        obs.events.append(&mut ws.events);
        obs.observe(m, &w, t, &ws.stats);
        watch(&w, t);
        // Early stop: once every later step would repeat this one (see `Absorption`).
        if t < m.steps && absorption.absorbed(m, &w, &ws.changes) {
            fill_absorbed(m, &mut w, &mut obs, t, &ws.stats);
            return obs.finish(m, &w, Termination::Absorbed { step: t });
        }
    }
    obs.finish(m, &w, Termination::StepsDone)
}

/// Detects an absorbing world, so that a run whose dynamics have stopped (a threshold
/// cascade that died out or filled the network, a Bass run in which everyone adopted)
/// need not step through thousands of identical steps.
///
/// The world is absorbing after step t when
/// 1. step t changed nothing: no adoption or backsliding (the workspace's `changes` empty), and every
///    state's internalization and compliance equal their values after step t − 1 (a
///    snapshot taken after a step without changes); and
/// 2. the step map is deterministic and the same at every later step, given the state:
///    * every norm either has no non-adopter left, or decides by the deterministic
///      threshold response (hazard 0 or 1, so the draw never matters) with zero domestic
///      hazards (rate 0, or no movement in any non-adopter: logistic growth keeps 0 at 0);
///    * no coalition can lobby again (no targets per step, or too few resources and no
///      income to afford one, or no non-adopter left for any of its norms), so there is
///      no persuasion hazard and no mobilisation, and none is still to form;
///    * no backsliding (rate 0), no forums and no potential collisions (they have their
///      own schedule and state).
///
/// Then step t + 1 reads exactly the state step t read, decides the same, and so on: the
/// remaining steps are copies. Movements and coalition resources may still drift but
/// reach no output and no decision under these conditions.
///
/// NOTE for new mechanisms: anything that changes the world, or draws random numbers,
/// without an adoption change (treaties, collisions, forums, monitoring, …) must be
/// added to these conditions, or `Absorption::new` must return a watcher that never fires
/// when it is active.
pub struct Absorption {
    /// The model allows an absorbing world at all (no backsliding).
    possible: bool,
    /// Internalization and compliance after the last step without changes.
    snapshot: Option<(Vec<f32>, Vec<f32>)>,
}

impl Absorption {
    pub fn new(m: &Model) -> Absorption {
        Absorption {
            // Forums and potential collisions have their own schedule (sessions, access
            // changes, intensities): a world with them is never treated as absorbing.
            // Likewise treaties (signatures, ratification lags), clusters, coalition
            // life (goals, burnout, monitoring, mergers) and states joining later.
            possible: m.backslide_rate == 0.0
                && m.forums.is_empty()
                && m.incompatibilities.is_empty()
                && !m.has_treaties()
                && m.clusters.is_empty()
                && m.mergers.is_empty()
                && m.coalitions
                    .iter()
                    .all(|c| c.goal.is_none() && c.monitoring.is_none()),
            snapshot: None,
        }
    }

    /// Whether the world, just stepped, is absorbing (conditions above).
    pub fn absorbed(&mut self, m: &Model, w: &World, changes: &[(u32, u16, bool)]) -> bool {
        if !self.possible
            || !changes.is_empty()
            || w.next_join < w.joins.len()
            || !deterministic_from_here(m, w)
        {
            self.snapshot = None;
            return false;
        }
        let same = self.snapshot.as_ref().is_some_and(|(i, c)| {
            // Bitwise equality: a value that is still moving, however little, is not
            // settled.
            let eq =
                |a: &[f32], b: &[f32]| a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits());
            eq(i, &w.internalization) && eq(c, &w.compliance)
        });
        if !same {
            match &mut self.snapshot {
                Some((i, c)) => {
                    i.copy_from_slice(&w.internalization);
                    c.copy_from_slice(&w.compliance);
                }
                None => self.snapshot = Some((w.internalization.clone(), w.compliance.clone())),
            }
        }
        same
    }
}

/// Condition 2 of `Absorption`: no random or time-dependent decision is left.
fn deterministic_from_here(m: &Model, w: &World) -> bool {
    use crate::model::Response;
    let n = w.n;
    let open = |kk: usize| (w.count_sys[kk] as usize) < n;
    for kk in 0..w.k {
        if !open(kk) {
            continue;
        }
        if m.socialization.response != Response::Threshold {
            return false;
        }
        if m.domestic_rate > 0.0 {
            let base = kk * n;
            if (0..n).any(|i| !w.adopted[base + i] && w.movement[base + i] > 0.0) {
                return false;
            }
        }
    }
    // A coalition still to form would log its formation (and could lobby).
    m.coalitions.iter().enumerate().all(|(ci, c)| {
        c.start_step <= w.step
            && (c.targets_per_step == 0
                || (c.cost_per_target > 0.0
                    && c.income == 0.0
                    && w.resources[ci] < c.cost_per_target)
                || !c.norms.iter().any(|&kk| open(kk)))
    })
}

/// Fills the observation rows of steps `from + 1 ..= m.steps` of an absorbing world:
/// the same values as step `from` and zero new adoptions, as stepping would give.
fn fill_absorbed(m: &Model, w: &mut World, obs: &mut Observer, from: u32, stats: &[StepStats]) {
    let mut same = stats.to_vec();
    for st in same.iter_mut() {
        // Step `from` changed nothing, so these are zero already; be explicit.
        st.new = [0; 6];
        st.backslides = 0;
    }
    for t in from + 1..=m.steps {
        w.step = t;
        obs.observe(m, w, t, &same);
    }
}

/// Advances the world by one step (t = 1, 2, …), visiting states in index order (with
/// the fast paths where they apply).
pub fn step(m: &Model, w: &mut World, ws: &mut Workspace, t: u32) {
    let n = w.n;
    step_impl(m, w, ws, t, 0..n, true)
}

/// As `step`, visiting the states in the given order. The result does not depend on the
/// order (synchronous update); tests prove it by visiting in random permutations.
/// It always visits every state (no fast path), so it is also the reference the fast
/// paths of `step` are tested against.
pub fn step_in_order<I: Iterator<Item = usize> + Clone>(
    m: &Model,
    w: &mut World,
    ws: &mut Workspace,
    t: u32,
    order: I,
) {
    step_impl(m, w, ws, t, order, false)
}

/// The step, phase by phase.
fn step_impl<I: Iterator<Item = usize> + Clone>(
    m: &Model,
    w: &mut World,
    ws: &mut Workspace,
    t: u32,
    order: I,
    natural: bool,
) {
    let k = ws.keys.next_step();
    w.step = t;
    ws.changes.clear();
    join_states(m, w, ws, t);
    collisions::step(m, w, t, &k, &mut ws.events);
    if m.has_treaties() {
        treaties::open(m, w, t, &k, &mut ws.changes, &mut ws.events);
    }
    coalition_life::step(m, w, t, &mut ws.events);
    coalition_life::reports(m, w, t, &mut ws.events);
    persuasion::plan(m, w, &mut ws.lobbying, &k, t);
    if m.has_treaties() {
        treaties::champion_drive(m, w, &mut ws.lobbying);
    }
    for kk in 0..w.k {
        decide_norm(m, w, ws, &k, t, kk, order.clone(), natural);
    }
    if persuasion::mobilise(m, w, &mut ws.lobbying) {
        ws.fast.movement_changed();
    }
    apply_changes(w, ws);
    if m.has_treaties() {
        let log_events = w.n <= m.observation.log_adoptions_max;
        treaties::sign_and_ratify(m, w, t, &k, &mut ws.events, log_events);
    }
    for (kk, st) in ws.stats.iter_mut().enumerate() {
        st.signatories = w.signatories[kk];
        st.parties = w.parties[kk];
    }
    collisions::shift_positions(m, w);
}

/// States entering the state system now (suffrage: ~60 states by 1930).
fn join_states(m: &Model, w: &mut World, ws: &mut Workspace, t: u32) {
    while w.next_join < w.joins.len() && w.joins[w.next_join].0 <= t {
        let i = w.joins[w.next_join].1 as usize;
        w.set_presence(i, true);
        if catch_up_movements(m, w, i, t) {
            ws.fast.movement_changed();
        }
        w.next_join += 1;
        ws.fast.joined();
    }
}

/// A society's movements grow before it becomes a state: state `i`, joining at step `t`,
/// starts with the movements that growth from the start would have given it (as a state
/// present throughout, growing once per step before step `t`). True if any grew.
fn catch_up_movements(m: &Model, w: &mut World, i: usize, t: u32) -> bool {
    let g = m.domestic_growth * m.dt;
    if g <= 0.0 || t <= 1 {
        return false;
    }
    for kk in 0..m.norms.len() {
        let x = kk * w.n + i;
        for _ in 1..t {
            w.movement[x] = domestic::grow(w.movement[x], g);
        }
    }
    true
}

/// Where a step's decisions are recorded: the changes to apply after the loop, the
/// norm's tallies and (if logged) the events.
pub(crate) struct Recorder<'a> {
    pub changes: &'a mut Vec<Change>,
    pub st: &'a mut StepStats,
    pub events: &'a mut Vec<Event>,
    pub log: bool,
    pub t: u32,
}

impl Recorder<'_> {
    /// State `i` adopted norm `kk` for `cause`: its cells, the change, the tallies, the
    /// event.
    #[inline(always)]
    pub fn adopt(&mut self, w: &mut World, i: usize, kk: usize, cause: Cause) {
        let x = kk * w.n + i;
        w.adopted[x] = true;
        w.adopted_step[x] = self.t as i32;
        w.cause[x] = cause as u8;
        w.changed_step[x] = self.t;
        self.changes.push((i as u32, kk as u16, true));
        self.st.new[cause as usize] += 1;
        if self.log {
            self.events
                .push(Event::new(self.t, EventKind::Adopted, kk, i, cause.name()));
        }
    }

    /// State `i` backslid from norm `kk`.
    #[inline(always)]
    fn backslide(&mut self, w: &mut World, i: usize, kk: usize) {
        let x = kk * w.n + i;
        w.adopted[x] = false;
        w.adopted_step[x] = -1;
        w.cause[x] = Cause::None as u8;
        w.changed_step[x] = self.t;
        self.changes.push((i as u32, kk as u16, false));
        self.st.backslides += 1;
        if self.log {
            self.events
                .push(Event::new(self.t, EventKind::Backslide, kk, i, ""));
        }
    }
}

/// Adopters and weighted sums of one norm, as a visit accumulates them.
#[derive(Default)]
struct Tally {
    count: i64,
    w_adopted: f64,
    w_compliance: f64,
    w_internalization: f64,
}

/// The decisions of norm `kk` this step: freeze the norm's values, choose the path, visit
/// its states (every state in `order`, or a fast path's list), and tally.
#[allow(clippy::too_many_arguments)]
fn decide_norm<I: Iterator<Item = usize> + Clone>(
    m: &Model,
    w: &mut World,
    ws: &mut Workspace,
    k: &Keys,
    t: u32,
    kk: usize,
    order: I,
    natural: bool,
) {
    let n = w.n;
    let base = kk * n;
    adoption::region_shares(&m.socialization, w, kk, &mut ws.region_share);
    let ns = NormStep::new(m, w, kk, t, &ws.region_share, ws.lobbying.any());
    // Fast paths need states visited in index order and nothing that the paths leave out.
    let fast_ok = natural
        && ns.back_dt == 0.0
        && w.ratified.is_empty()
        && w.next_join == w.joins.len()
        && m.habit == 0.0
        && m.law == 0.0
        && m.compliance_speed == 0.0
        && m.decay == 0.0;
    let path = FastPath::choose(&ns, w, &mut ws.fast, fast_ok);
    let full = path == FastPath::Full;
    let st = &mut ws.stats[kk];
    *st = StepStats::default();
    let mut rec = Recorder {
        changes: &mut ws.changes,
        st,
        events: &mut ws.events,
        log: w.n <= m.observation.log_adoptions_max,
        t,
    };
    let lob = &ws.lobbying.pers;
    let mut tally = Tally::default();
    match path {
        FastPath::Full => {
            for i in order {
                visit(&ns, lob, w, k, &mut rec, &mut tally, i, true);
            }
        }
        FastPath::Open | FastPath::Frontier => {
            let cand = ws.fast.candidates(&w.adopted[base..base + n], kk, path);
            for &i in &cand {
                visit(&ns, lob, w, k, &mut rec, &mut tally, i as usize, false);
            }
            ws.fast
                .done_candidates(cand, &w.adopted[base..base + n], kk, path);
        }
        FastPath::Uniform(h) => uniform_step(w, &mut ws.fast, kk, k, h, &mut rec),
    }
    let st = rec.st;
    if full {
        ws.fast
            .after_full(kk, tally.w_compliance, tally.w_internalization);
    } else {
        // Adopters were not visited: the tallies follow from the frozen aggregates.
        tally.count = w.count_sys[kk] + st.new.iter().sum::<u64>() as i64;
        tally.w_adopted = if ws.fast.unit_weights {
            tally.count as f64
        } else {
            (0..n)
                .filter(|&i| w.present[i] && w.adopted[base + i])
                .map(|i| w.weight[i])
                .sum()
        };
        (tally.w_compliance, tally.w_internalization) = fast::sums(w, &mut ws.fast, kk);
    }
    st.adopters = tally.count;
    st.n_present = w.n_present as i64;
    st.w_present = w.w_total;
    st.w_adopted = tally.w_adopted;
    st.w_compliance = tally.w_compliance;
    st.w_internalization = tally.w_internalization;
}

/// One state's step for the norm of `ns`: an adopter internalizes (and may backslide), a
/// non-adopter faces the adoption rule. `full`: sum compliance and internalization.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn visit(
    ns: &NormStep,
    lob: &[f32],
    w: &mut World,
    k: &Keys,
    rec: &mut Recorder,
    tally: &mut Tally,
    i: usize,
    full: bool,
) {
    if !w.present[i] {
        return;
    }
    let kk = ns.kk;
    let x = kk * w.n + i;
    let p = adoption::pressure(ns, w, i, x);
    let mult = adoption::mult(ns, w, i);
    if w.adopted[x] {
        let ii = internalization::adopter_step(ns, w, i, x);
        if internalization::backslides(
            ns,
            ii,
            p * mult,
            || w.acceptance[i],
            || rng::draw(k.backslide, w.key[i], kk as u64),
        ) {
            rec.backslide(w, i, kk);
        } else if full {
            tally.count += 1;
            tally.w_adopted += w.weight[i];
        }
    } else if !w.defected[x] {
        let v = adoption::view(ns, lob, w, i, x, p, mult);
        let h = adoption::hazard(ns, &v, || w.logit_base[i]);
        // (The key is read only when a draw is needed: one memory access less per state.)
        if let Some(cause) = adoption::decide(&h, || rng::draw(k.adopt, w.key[i], kk as u64)) {
            rec.adopt(w, i, kk, cause);
            if full {
                tally.count += 1;
                tally.w_adopted += w.weight[i];
            }
        } else {
            internalization::non_adopter_decay(ns, w, x);
        }
        if ns.growth_dt > 0.0 {
            w.movement[x] = domestic::grow(w.movement[x], ns.growth_dt);
        }
    }
    if full {
        tally.w_compliance += w.weight[i] * w.compliance[x] as f64;
        tally.w_internalization += w.weight[i] * w.internalization[x] as f64;
    }
}

/// Applies this step's adoption changes to the frozen aggregates, all at once.
fn apply_changes(w: &mut World, ws: &mut Workspace) {
    let (n, nr) = (w.n, w.n_regions);
    let fast = &mut ws.fast;
    for &(i, kk, adopted) in &ws.changes {
        let (i, kk) = (i as usize, kk as usize);
        let sign = if adopted { 1i64 } else { -1 };
        let e = w.ew[kk * n + i] * sign as f64;
        w.count_sys[kk] += sign;
        w.ew_sys[kk] += e;
        let r = kk * nr + w.region[i] as usize;
        w.count_reg[r] += sign;
        w.ew_reg[r] += e;
        if let Some(g) = &w.net {
            // One pass over the neighbours: counts, esteem sums (when esteem counts) and
            // the frontier marks (when the next step may take the frontier path).
            let nbs = g.neighbours_of(i);
            let row = kk * n;
            let cnt = &mut w.nb_count[row..row + n];
            let mut ew = (!w.nb_ew.is_empty()).then(|| &mut w.nb_ew[row..row + n]);
            let mut dirty = fast.deterministic(kk).then(|| fast.dirty_row(kk));
            for &j in nbs {
                let c = &mut cnt[j as usize];
                *c = c.wrapping_add(sign as u32);
                if let Some(ew) = ew.as_deref_mut() {
                    ew[j as usize] += e;
                }
                if let Some(d) = dirty.as_deref_mut() {
                    d[j as usize >> 6] |= 1u64 << (j & 63);
                }
            }
        }
    }
}
