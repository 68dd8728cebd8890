//! The engine owns the loop: it builds a `World` from a validated `Model` and a run seed,
//! steps it synchronously and hands every step to the `Observer`.
//!
//! Synchronous update: every decision in step t reads the state at the start of step t.
//! Aggregates (system, region and neighbour adopter counts and weights) are frozen for the
//! step; a state's decision reads only them and its own cells, so updating its own cells
//! in place cannot influence another state's decision. Changes to the aggregates are
//! collected and applied together after the loop.

use crate::mechanisms::{
    coalition_life, collisions, domestic, internalization, persuasion, socialization, treaties,
};
use crate::model::{Cause, Model, ThresholdUnit, World};
use crate::observe::{Event, Observer, RunResult, StepStats};
use crate::rng::{self, StepKeys};

mod fast;
use fast::{uniform_step, Hazard};
pub use fast::{FastPath, FastState};

/// Why a run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Termination {
    /// All scheduled steps were run.
    StepsDone,
    /// The world became absorbing: step `step` left it exactly as step `step − 1` had,
    /// and the dynamics from there are deterministic, so every later step would repeat
    /// it. Stepping stopped after `step`; the remaining observation rows were filled
    /// with the same values and zero new adoptions (one row per step, as a full run).
    Absorbed { step: u32 },
}

/// Runs one replicate: `run` is the replicate (or sweep run) index; its seed derives
/// from the scenario seed and the index.
pub fn run(m: &Model, run: u64) -> RunResult {
    let w = World::new(m, rng::run_seed(m.seed, run));
    run_world(m, w, run)
}

/// Runs replicate `run` on its world, `World::new(m, rng::run_seed(m.seed, run))`, built
/// by the caller (so set-up and stepping can be timed apart, as `benches/peers` does).
pub fn run_world(m: &Model, mut w: World, run: u64) -> RunResult {
    let seed = rng::run_seed(m.seed, run);
    let mut obs = Observer::new(m, &w, run);
    let mut keys = StepKeys::new(seed);
    let mut stats = vec![StepStats::default(); m.norms.len()];
    let mut absorption = Absorption::new(m);
    for t in 1..=m.steps {
        step(m, &mut w, &mut keys, t, &mut stats, &mut obs.events);
        obs.observe(m, &w, t, &stats);
        // Early stop: once every later step would repeat this one (see `Absorption`).
        if t < m.steps && absorption.absorbed(m, &w) {
            fill_absorbed(m, &mut w, &mut obs, t, &stats);
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
/// 1. step t changed nothing: no adoption or backsliding (`w.changes` empty), and every
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
    pub fn absorbed(&mut self, m: &Model, w: &World) -> bool {
        if !self.possible
            || !w.changes.is_empty()
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

/// Advances the world by one step (t = 1, 2, …), visiting states in index order.
pub fn step(
    m: &Model,
    w: &mut World,
    keys: &mut StepKeys,
    t: u32,
    stats: &mut [StepStats],
    events: &mut Vec<Event>,
) {
    let n = w.n;
    step_impl(m, w, keys, t, stats, events, 0..n, true)
}

/// As `step`, visiting the states in the given order. The result does not depend on the
/// order (synchronous update); tests prove it by visiting in random permutations.
/// It always visits every state (no fast path), so it is also the reference the fast
/// paths of `step` are tested against.
pub fn step_in_order<I: Iterator<Item = usize> + Clone>(
    m: &Model,
    w: &mut World,
    keys: &mut StepKeys,
    t: u32,
    stats: &mut [StepStats],
    events: &mut Vec<Event>,
    order: I,
) {
    step_impl(m, w, keys, t, stats, events, order, false)
}

#[allow(clippy::too_many_arguments)]
fn step_impl<I: Iterator<Item = usize> + Clone>(
    m: &Model,
    w: &mut World,
    keys: &mut StepKeys,
    t: u32,
    stats: &mut [StepStats],
    events: &mut Vec<Event>,
    order: I,
    natural: bool,
) {
    let k = keys.next_step();
    w.step = t;
    w.changes.clear();
    // States entering the state system now (suffrage: ~60 states by 1930).
    while w.next_join < w.joins.len() && w.joins[w.next_join].0 <= t {
        let i = w.joins[w.next_join].1 as usize;
        w.set_presence(i, true);
        catch_up_movements(m, w, i, t);
        w.next_join += 1;
        w.fast.joined();
    }
    collisions::step(m, w, t, &k, events);
    let log_events = w.n <= m.observation.log_adoptions_max;
    if m.has_treaties() {
        treaties::open(m, w, t, &k, events);
    }
    coalition_life::step(m, w, t, events);
    persuasion::plan(m, w, &k, t);
    if m.has_treaties() {
        treaties::champion_drive(m, w);
    }
    let n = w.n;
    let nr = w.n_regions;
    let dt = m.dt;
    let s = &m.socialization;
    let rate_dt = m.domestic_rate * dt;
    let growth_dt = m.domestic_growth * dt;
    let back_dt = m.backslide_rate * dt;
    let [a_sys, a_reg, a_net] = s.scope;
    let count_unit = s.unit == ThresholdUnit::Count;
    let has_treaty_arrays = !w.ratified.is_empty();
    // Fast paths (see `FastPath`): possible at all this step?
    let fast_ok = natural
        && back_dt == 0.0
        && !has_treaty_arrays
        && w.next_join == w.joins.len()
        && m.habit == 0.0
        && m.law == 0.0
        && m.compliance_speed == 0.0
        && m.decay == 0.0;
    #[allow(clippy::needless_range_loop)] // kk indexes several per-norm arrays
    for kk in 0..w.k {
        let base = kk * n;
        let st = &mut stats[kk];
        *st = StepStats::default();
        // Frozen start-of-step scope shares.
        let n_present = w.n_present.max(1);
        let sys = socialization::blend(
            s,
            w.count_sys[kk] as f64 / n_present as f64,
            socialization::share(w.ew_sys[kk], w.ew_total[kk]),
        );
        for r in 0..nr {
            let x = kk * nr + r;
            w.region_share[r] = socialization::blend(
                s,
                socialization::share(w.count_reg[x] as f64, w.n_reg[x] as f64),
                socialization::share(w.ew_reg[x], w.ew_reg_total[x]),
            );
        }
        let prevalence = w.count_sys[kk] as f64 / n_present as f64;
        // Treaty in force and monitoring: pressure on non-adopters (shaming), faster
        // internalization for parties, compliance raised as far as monitoring is accepted.
        let extra_pressure = treaties::pressure(m, w, kk) + w.monitor[kk] * m.monitoring.shaming;
        let inst_dt = treaties::institutional_growth(m, w, kk);
        let monitor_gain = w.monitor[kk] * m.monitoring.compliance;
        // Fuzzy clusters: compliance stays below internalization until institutions clarify.
        let fuzz = m.fuzziness[kk] * (1.0 - w.clarity[kk]);
        let cluster_dt = m.cluster_rate * m.fuzziness[kk] * dt;
        let neighbours = &m.neighbours[kk];
        let intern_dt = (m.habit + m.law * prevalence) * dt;
        let speed_dt = m.compliance_speed * dt;
        let decay_dt = m.decay * dt;
        let sys_count = w.count_sys[kk] as u64;
        // Collisions: an active one slows adoption of both norms and erodes a dominant
        // norm's internalization; a hierarchy set against a norm keeps slowing it.
        let brake = w.norm_brake[kk];
        let erosion = w.norm_erosion[kk].min(1.0);
        // Internalization and compliance cannot move this step (all rates zero): adopters
        // need no visit, non-adopters no decay, and the weighted sums stay as they were.
        let static_intern = intern_dt == 0.0
            && inst_dt == 0.0
            && erosion == 0.0
            && speed_dt == 0.0
            && decay_dt == 0.0;
        let path = if fast_ok && static_intern {
            FastPath::choose(
                m,
                w,
                kk,
                sys,
                extra_pressure,
                brake,
                cluster_dt,
                rate_dt,
                growth_dt,
            )
        } else {
            FastPath::Full
        };
        let full = path == FastPath::Full;
        let new_before: u64 = st.new.iter().sum();
        let (mut wa, mut wc, mut wi, mut cnt) = (0.0f64, 0.0f64, 0.0f64, 0i64);
        let mut visit = |w: &mut World, i: usize| {
            if !w.present[i] {
                return;
            }
            let x = base + i;
            let r = w.region[i] as usize;
            // Share-based pressure from the three scopes (frozen aggregates only).
            let mut p = a_sys * sys + a_reg * w.region_share[r];
            if a_net > 0.0 {
                p += a_net * socialization::network_share(s, w, i, x);
            }
            let mult = 1.0 + s.legitimation * w.legit[i];
            if w.adopted[x] {
                let mut backslid = false;
                let party = has_treaty_arrays && w.ratified[x];
                let g = if party {
                    intern_dt + inst_dt
                } else {
                    intern_dt
                };
                let mut ii = internalization::grow(w.internalization[x], g);
                if erosion > 0.0 {
                    ii = (ii as f64 * (1.0 - erosion)) as f32;
                }
                w.internalization[x] = ii;
                let target =
                    (ii as f64 * (1.0 - fuzz) + monitor_gain * w.acceptance[i] as f64).min(1.0);
                w.compliance[x] = internalization::follow(w.compliance[x], target, speed_dt);
                if back_dt > 0.0 {
                    let counter = 1.0 - (p * mult).min(1.0);
                    let h = internalization::backslide_hazard(
                        back_dt,
                        ii,
                        m.backslide_max_internalization,
                        counter,
                    );
                    if h > 0.0 && rng::draw(k.backslide, w.key[i], kk as u64) < h {
                        w.adopted[x] = false;
                        w.adopted_step[x] = -1;
                        w.cause[x] = Cause::None as u8;
                        w.changed_step[x] = t;
                        w.changes.push((i as u32, kk as u16, false));
                        st.backslides += 1;
                        if log_events {
                            events.push(Event::new(t, "backslide", kk, i, ""));
                        }
                        backslid = true;
                    }
                }
                if !backslid {
                    cnt += 1;
                    wa += w.weight[i];
                }
            } else if !w.defected[x] {
                let p = p + extra_pressure;
                let h_dom = domestic::hazard(rate_dt, w.movement[x]);
                let h_per = w.pers[x] as f64;
                let h_soc = if count_unit {
                    let c = if a_sys > 0.0 {
                        sys_count
                    } else if a_reg > 0.0 {
                        w.count_reg[kk * nr + r] as u64
                    } else {
                        w.nb_count[x] as u64
                    };
                    socialization::count_hazard(s, dt, c, mult, w.threshold[i])
                } else {
                    // `logit_base` is filled whenever the response is logistic.
                    socialization::hazard_with(s, dt, p * mult, w.threshold[i], || w.logit_base[i])
                };
                // Acting on a neighbouring norm already adopted (start-of-step values).
                let h_clu = if cluster_dt > 0.0
                    && neighbours.iter().any(|&j| {
                        let y = j * n + i;
                        w.adopted[y] != (w.changed_step[y] == t)
                    }) {
                    cluster_dt
                } else {
                    0.0
                };
                let (h_dom, h_per, h_soc, h_clu) = if brake != 1.0 {
                    (h_dom * brake, h_per * brake, h_soc * brake, h_clu * brake)
                } else {
                    (h_dom, h_per, h_soc, h_clu)
                };
                let h = Hazard {
                    dom: h_dom,
                    per: h_per,
                    soc: h_soc,
                    total: h_dom + h_per + h_soc + h_clu,
                };
                if h.total > 0.0 {
                    let u = rng::draw(k.adopt, w.key[i], kk as u64);
                    if u < h.total {
                        record_adoption(w, i, kk, t, h.cause(u), st, events, log_events);
                        cnt += 1;
                        wa += w.weight[i];
                    }
                }
                if !w.adopted[x] && decay_dt > 0.0 {
                    w.internalization[x] = internalization::decay(w.internalization[x], decay_dt);
                    w.compliance[x] = internalization::decay(w.compliance[x], decay_dt);
                }
                if growth_dt > 0.0 {
                    w.movement[x] = domestic::grow(w.movement[x], growth_dt);
                }
            }
            if full {
                wc += w.weight[i] * w.compliance[x] as f64;
                wi += w.weight[i] * w.internalization[x] as f64;
            }
        };
        // One call site of `visit` (so it is inlined): every state in `order`, or the
        // candidates of a fast path.
        let cand = match path {
            FastPath::Full | FastPath::Uniform(_) => Vec::new(),
            _ => w.fast.candidates(&w.adopted[base..base + n], kk, path),
        };
        // The deterministic network rule: the frontier, or the first full evaluation of
        // every non-adopter that arms it.
        if path == FastPath::Frontier || (path == FastPath::Open && w.fast.deterministic(kk)) {
            fast::frontier_step(m, w, kk, t, &cand, st, events, log_events);
        } else if !matches!(path, FastPath::Uniform(_)) {
            let states = if full {
                fast::States::Order(order.clone())
            } else {
                fast::States::List(cand.iter())
            };
            for i in states {
                visit(w, i);
            }
        }
        if full {
            w.fast.after_full(kk, wc, wi);
        } else {
            match path {
                FastPath::Uniform(h) => {
                    uniform_step(w, kk, t, &k, h, st, events, log_events);
                }
                _ => w
                    .fast
                    .done_candidates(cand, &w.adopted[base..base + n], kk, path),
            }
            let new = (st.new.iter().sum::<u64>() - new_before) as i64;
            cnt = w.count_sys[kk] + new;
            wa = if w.fast.unit_weights {
                cnt as f64
            } else {
                (0..n)
                    .filter(|&i| w.present[i] && w.adopted[base + i])
                    .map(|i| w.weight[i])
                    .sum()
            };
            (wc, wi) = fast::sums(w, kk);
        }
        st.adopters = cnt;
        st.n_present = w.n_present as i64;
        st.w_present = w.w_total;
        st.w_adopted = wa;
        st.w_compliance = wc;
        st.w_internalization = wi;
    }
    // Lobbying that did not persuade strengthens the domestic movement (boomerang).
    let mob = m.persuasion_mobilisation;
    if mob > 0.0 && !w.touched.is_empty() {
        w.fast.movement_changed();
    }
    for idx in 0..w.touched.len() {
        let x = w.touched[idx] as usize;
        if mob > 0.0 && !w.adopted[x] {
            let mv = w.movement[x] as f64;
            w.movement[x] = (mv + mob * (1.0 - mv)).min(1.0) as f32;
        }
        w.pers[x] = 0.0;
    }
    w.touched.clear();
    apply_changes(w);
    if m.has_treaties() {
        treaties::sign_and_ratify(m, w, t, &k, events, log_events);
    }
    for (kk, st) in stats.iter_mut().enumerate() {
        st.signatories = w.signatories[kk];
        st.parties = w.parties[kk];
    }
    collisions::shift_positions(m, w);
}

/// A society's movements grow before it becomes a state: state `i`, joining at step `t`,
/// starts with the movements that growth from the start would have given it (as a state
/// present throughout, growing once per step before step `t`).
fn catch_up_movements(m: &Model, w: &mut World, i: usize, t: u32) {
    let g = m.domestic_growth * m.dt;
    if g <= 0.0 || t <= 1 {
        return;
    }
    for kk in 0..m.norms.len() {
        let x = kk * w.n + i;
        for _ in 1..t {
            w.movement[x] = domestic::grow(w.movement[x], g);
        }
    }
    w.fast.movement_changed();
}

/// Records that state `i` adopted norm `kk` in step `t` for `cause`: its cells, the
/// change to apply after the loop, the step's tallies and (if logged) the event.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(crate) fn record_adoption(
    w: &mut World,
    i: usize,
    kk: usize,
    t: u32,
    cause: Cause,
    st: &mut StepStats,
    events: &mut Vec<Event>,
    log_events: bool,
) {
    let x = kk * w.n + i;
    w.adopted[x] = true;
    w.adopted_step[x] = t as i32;
    w.cause[x] = cause as u8;
    w.changed_step[x] = t;
    w.changes.push((i as u32, kk as u16, true));
    st.new[cause as usize] += 1;
    if log_events {
        events.push(Event::new(t, "adopted", kk, i, cause.name()));
    }
}

/// Applies this step's adoption changes to the frozen aggregates, all at once.
fn apply_changes(w: &mut World) {
    let (n, nr) = (w.n, w.n_regions);
    for ci in 0..w.changes.len() {
        let (i, kk, adopted) = w.changes[ci];
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
            let mut dirty = w.fast.deterministic(kk).then(|| w.fast.dirty_row(kk));
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
