//! The engine owns the loop: it builds a `World` from a validated `Model` and a run seed,
//! steps it synchronously and hands every step to the `Observer`.
//!
//! Synchronous update: every decision in step t reads the state at the start of step t.
//! Aggregates (system, region and neighbour adopter counts and weights) are frozen for the
//! step; a state's decision reads only them and its own cells, so updating its own cells
//! in place cannot influence another state's decision. Changes to the aggregates are
//! collected and applied together after the loop.

use crate::mechanisms::{collisions, domestic, internalization, persuasion, socialization};
use crate::model::{Cause, Model, ThresholdUnit, World};
use crate::observe::{Event, Observer, RunResult, StepStats};
use crate::rng::{self, StepKeys};

/// Why a run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Termination {
    /// All scheduled steps were run.
    StepsDone,
}

/// Runs one replicate: `run` is the replicate (or sweep run) index; its seed derives
/// from the scenario seed and the index.
pub fn run(m: &Model, run: u64) -> RunResult {
    let seed = rng::run_seed(m.seed, run);
    let mut w = World::new(m, seed);
    let mut obs = Observer::new(m, &w, run);
    let mut keys = StepKeys::new(seed);
    let mut stats = vec![StepStats::default(); m.norms.len()];
    for t in 1..=m.steps {
        step(m, &mut w, &mut keys, t, &mut stats, &mut obs.events);
        obs.observe(m, &w, t, &stats);
    }
    obs.finish(m, &w, Termination::StepsDone)
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
    step_in_order(m, w, keys, t, stats, events, 0..n)
}

/// As `step`, visiting the states in the given order. The result does not depend on the
/// order (synchronous update); tests prove it by visiting in random permutations.
pub fn step_in_order<I: Iterator<Item = usize> + Clone>(
    m: &Model,
    w: &mut World,
    keys: &mut StepKeys,
    t: u32,
    stats: &mut [StepStats],
    events: &mut Vec<Event>,
    order: I,
) {
    let k = keys.next_step();
    w.step = t;
    collisions::step(m, w, t, &k, events);
    persuasion::plan(m, w, &k, t);
    let n = w.n;
    let nr = w.n_regions;
    let dt = m.dt;
    let s = &m.socialization;
    let rate_dt = m.domestic_rate * dt;
    let growth_dt = m.domestic_growth * dt;
    let back_dt = m.backslide_rate * dt;
    let log_events = n <= m.observation.log_adoptions_max;
    let [a_sys, a_reg, a_net] = s.scope;
    let count_unit = s.unit == ThresholdUnit::Count;
    w.changes.clear();
    #[allow(clippy::needless_range_loop)] // kk indexes several per-norm arrays
    for kk in 0..w.k {
        let base = kk * n;
        let st = &mut stats[kk];
        *st = StepStats::default();
        // Frozen start-of-step scope shares.
        let sys = socialization::blend(
            s,
            w.count_sys[kk] as f64 / n as f64,
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
        let prevalence = w.count_sys[kk] as f64 / n as f64;
        let intern_dt = (m.habit + m.law * prevalence) * dt;
        let speed_dt = m.compliance_speed * dt;
        let decay_dt = m.decay * dt;
        let sys_count = w.count_sys[kk] as u64;
        // Collisions: an active one slows adoption of both norms and erodes a dominant
        // norm's internalization; a hierarchy set against a norm keeps slowing it.
        let brake = w.norm_brake[kk];
        let erosion = w.norm_erosion[kk].min(1.0);
        let net = w.net.as_ref();
        let (mut wa, mut wc, mut wi, mut cnt) = (0.0f64, 0.0f64, 0.0f64, 0i64);
        for i in order.clone() {
            let x = base + i;
            let r = w.region[i] as usize;
            // Share-based pressure from the three scopes (frozen aggregates only).
            let mut p = a_sys * sys + a_reg * w.region_share[r];
            if a_net > 0.0 {
                let deg = net.map_or(0, |g| g.degree(i));
                let cs = socialization::share(w.nb_count[x] as f64, deg as f64);
                let ws = socialization::share(w.nb_ew[x], w.nb_ew_total[x]);
                p += a_net * socialization::blend(s, cs, ws);
            }
            let mult = 1.0 + s.legitimation * w.legit[i];
            if w.adopted[x] {
                let mut backslid = false;
                let mut ii = internalization::grow(w.internalization[x], intern_dt);
                if erosion > 0.0 {
                    ii = (ii as f64 * (1.0 - erosion)) as f32;
                }
                w.internalization[x] = ii;
                w.compliance[x] = internalization::follow(w.compliance[x], ii as f64, speed_dt);
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
            } else {
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
                    socialization::hazard(s, dt, p * mult, w.threshold[i])
                };
                let (h_dom, h_per, h_soc) = if brake != 1.0 {
                    (h_dom * brake, h_per * brake, h_soc * brake)
                } else {
                    (h_dom, h_per, h_soc)
                };
                let total = h_dom + h_per + h_soc;
                if total > 0.0 {
                    let u = rng::draw(k.adopt, w.key[i], kk as u64);
                    if u < total {
                        let cause = if u < h_dom {
                            Cause::Domestic
                        } else if u < h_dom + h_per {
                            Cause::Persuasion
                        } else {
                            Cause::Socialization
                        };
                        w.adopted[x] = true;
                        w.adopted_step[x] = t as i32;
                        w.cause[x] = cause as u8;
                        w.changes.push((i as u32, kk as u16, true));
                        st.new[cause as usize] += 1;
                        if log_events {
                            events.push(Event::new(t, "adopted", kk, i, cause.name()));
                        }
                        cnt += 1;
                        wa += w.weight[i];
                    }
                }
                if !w.adopted[x] {
                    w.internalization[x] = internalization::decay(w.internalization[x], decay_dt);
                    w.compliance[x] = internalization::decay(w.compliance[x], decay_dt);
                }
                if growth_dt > 0.0 {
                    w.movement[x] = domestic::grow(w.movement[x], growth_dt);
                }
            }
            wc += w.weight[i] * w.compliance[x] as f64;
            wi += w.weight[i] * w.internalization[x] as f64;
        }
        st.adopters = cnt;
        st.w_adopted = wa;
        st.w_compliance = wc;
        st.w_internalization = wi;
    }
    // Lobbying that did not persuade strengthens the domestic movement (boomerang).
    let mob = m.persuasion_mobilisation;
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
    collisions::shift_positions(m, w);
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
            for &j in g.neighbours_of(i) {
                let y = kk * n + j as usize;
                w.nb_count[y] = (w.nb_count[y] as i64 + sign) as u32;
                w.nb_ew[y] += e;
            }
        }
    }
}
