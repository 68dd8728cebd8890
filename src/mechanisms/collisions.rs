//! Norm collisions (Holzscheiter et al., seed `000`; MODEL.md §3.5). Norms do not collide
//! by themselves: in a forum session a coalition must *articulate* the incompatibility of
//! two norms, and the collision is *activated* only on uptake — another actor answers
//! ("it requires intersubjective exchange"). The advocacy coalition constellation decides
//! both:
//!
//! * **articulation** rises with the coalition's power and access, when it challenges the
//!   dominant discourse, when its core values diverge from the other side's ("when the core
//!   and policy beliefs … vary, norm collisions are more likely"), and with the strength
//!   (adoption, internalization) of the norm it invokes;
//! * **finite attention**: a session debates at most `capacity` collisions, ranked by the
//!   pushes of the coalitions involved; one that no two actors push jointly weighs less
//!   ("a lack of joint agenda-setting prevented open discussion");
//! * **uptake** depends on the balance of power between the sides: the other side must
//!   weigh enough to answer (a negligible side does not take up a strong one's claim);
//! * an active collision's **intensity** grows with the pushes of both sides and decays
//!   between sessions; it **ends** suppressed (the powerful side shuts it down; the weaker
//!   side's access protects it), resolved (a hierarchy is set — likelier the stronger the
//!   asymmetry, above all when an outcome document is adopted, and only if a coalition on
//!   the stronger side demands it) or compromised (a balanced
//!   collision at a deciding session is left to states, as the Palermo Protocol's
//!   "technical compromise"), or stays open;
//! * **feedback**: an active collision slows adoption of both norms, erodes the
//!   internalization of a dominant norm, and pulls other actors' value positions toward the
//!   invoked norm ("transformative effects"), a shift that persists after it ends.

pub use crate::model::divergence;
use crate::model::{Access, Coalition, Event, EventKind, Model, Outcome, Phase, World};
use crate::rng::{self, Keys};

/// Access of coalition `ci` in forum `fi`: the forum's rule, or full access when one of
/// its member states sits in the forum (states speak in intergovernmental forums; in
/// drug control a group of states made the harm-reduction "interpretative statement").
fn coalition_access(m: &Model, w: &World, fi: usize, ci: usize) -> f64 {
    let c = &m.coalitions[ci];
    let f = &m.forums[fi];
    let rule = access_factor(m, w.access[fi * m.coalitions.len() + ci]);
    let seated = !c.members.is_empty()
        && (f.members.is_empty() || c.members.iter().any(|s| f.members.contains(s)));
    if seated && rule > 0.0 {
        1.0
    } else {
        rule
    }
}

/// Speaking weight of an access rule.
pub fn access_factor(m: &Model, a: Access) -> f64 {
    match a {
        Access::Full => 1.0,
        Access::Restricted => m.collision.restricted_access,
        Access::None => 0.0,
    }
}

/// One side of a collision in a session.
#[derive(Debug, Clone, Default)]
struct Side {
    /// Coalition power × access, summed, plus the voice of member states.
    power: f64,
    /// Pushes (power × access × salience) of its coalitions.
    push: f64,
    /// Highest access among its coalitions (1 if only states speak for it).
    access: f64,
    coalitions: usize,
    strongest: Option<usize>,
}

/// A coalition's weight in a forum: its power amplified by its organizational platform
/// (an IO behind it), capped at 1.
fn reach(c: &Coalition) -> f64 {
    (c.power * (1.0 + c.platform)).min(1.0)
}

fn active(c: &Coalition, t: u32) -> bool {
    t >= c.start_step
}

/// Weighted share of norm `k` among a forum's members (all states if none listed).
fn member_share(w: &World, members: &[usize], k: usize) -> f64 {
    let n = w.n;
    let (mut a, mut tot) = (0.0, 0.0);
    let mut add = |i: usize| {
        tot += w.weight[i];
        if w.adopted[k * n + i] {
            a += w.weight[i];
        }
    };
    if members.is_empty() {
        (0..n).for_each(&mut add);
    } else {
        members.iter().copied().for_each(&mut add);
    }
    if tot > 0.0 {
        a / tot
    } else {
        0.0
    }
}

/// Strength of a norm: its weighted adoption share and mean internalization.
fn strength(w: &World, k: usize) -> f64 {
    let n = w.n;
    let (mut a, mut i, mut tot) = (0.0, 0.0, 0.0);
    for s in 0..n {
        let x = k * n + s;
        tot += w.weight[s];
        if w.adopted[x] {
            a += w.weight[s];
        }
        i += w.weight[s] * w.internalization[x] as f64;
    }
    if tot > 0.0 {
        0.5 * (a + i) / tot
    } else {
        0.0
    }
}

/// Mean value position of the member states that adopted norm `k`, if any.
fn adopters_position(w: &World, members: &[usize], k: usize, out: &mut Vec<f64>) -> bool {
    let (n, d) = (w.n, w.d);
    out.clear();
    out.resize(d, 0.0);
    let mut cnt = 0.0;
    let mut add = |i: usize| {
        if w.adopted[k * n + i] {
            cnt += 1.0;
            for (o, v) in out.iter_mut().zip(&w.values[i * d..(i + 1) * d]) {
                *o += v;
            }
        }
    };
    if members.is_empty() {
        (0..n).for_each(&mut add);
    } else {
        members.iter().copied().for_each(&mut add);
    }
    if cnt > 0.0 {
        out.iter_mut().for_each(|x| *x /= cnt);
        true
    } else {
        false
    }
}

/// Runs the collision mechanism for step `t`: access changes, forum
/// sessions; then sets this step's feedback on adoption and internalization. Reads the
/// start-of-step state only.
pub fn step(m: &Model, w: &mut World, t: u32, keys: &Keys, events: &mut Vec<Event>) {
    let nc = m.coalitions.len();
    for (fi, f) in m.forums.iter().enumerate() {
        for &(s, c, a) in &f.access_changes {
            if s == t {
                w.access[fi * nc + c] = a;
                events.push(Event {
                    step: t,
                    kind: EventKind::AccessChanged,
                    norm: None,
                    state: None,
                    actor: m.coalitions[c].id.clone(),
                    forum: f.id.clone(),
                    detail: format!("{a:?}").to_lowercase(),
                });
            }
        }
    }
    for c in w.coll.iter_mut() {
        c.debated = false;
    }
    if !m.incompatibilities.is_empty() {
        for fi in 0..m.forums.len() {
            if m.forums[fi].sessions.binary_search(&t).is_ok() {
                session(m, w, fi, t, keys, events);
            }
        }
    }
    // Between sessions, intensity decays.
    let decay = (m.collision.intensity_decay * m.dt).min(1.0);
    for c in w.coll.iter_mut() {
        if c.phase == Phase::Active && !c.debated {
            c.intensity *= 1.0 - decay;
        }
    }
    // Feedback for this step's adoption and internalization.
    for k in 0..w.k {
        w.norm_brake[k] = w.norm_loser[k];
        w.norm_erosion[k] = 0.0;
    }
    for (ii, inc) in m.incompatibilities.iter().enumerate() {
        let c = &w.coll[ii];
        if c.phase != Phase::Active {
            continue;
        }
        for &k in &inc.norms {
            w.norm_brake[k] *= 1.0 - m.collision.slowdown * c.intensity;
            if m.norms[k].dominant {
                w.norm_erosion[k] += m.collision.erosion * c.intensity * m.dt;
            }
        }
    }
}

/// One session of forum `fi`.
fn session(m: &Model, w: &mut World, fi: usize, t: u32, keys: &Keys, events: &mut Vec<Event>) {
    let f = &m.forums[fi];
    let p = &m.collision;
    let nc = m.coalitions.len();
    let deciding = f.decisions.binary_search(&t).is_ok();
    let mut pos = Vec::new();
    // Candidates: (collision index, agenda weight, newly articulated?).
    let mut agenda: Vec<(usize, f64, bool)> = Vec::new();
    let mut sides_of: Vec<[Side; 2]> = Vec::with_capacity(m.incompatibilities.len());
    for (ii, inc) in m.incompatibilities.iter().enumerate() {
        let here = inc.forums.is_empty() || inc.forums.contains(&fi);
        let mut sides = [Side::default(), Side::default()];
        for (ci, c) in m.coalitions.iter().enumerate() {
            if !active(c, t) {
                continue;
            }
            let acc = coalition_access(m, w, fi, ci);
            if let Some((s, sal)) = c.side(inc.norms[0], inc.norms[1]) {
                let sd = &mut sides[s];
                sd.power += reach(c) * acc;
                sd.push += reach(c) * acc * sal;
                sd.access = sd.access.max(acc);
                sd.coalitions += 1;
                if acc > 0.0 && sd.strongest.is_none_or(|b| m.coalitions[b].power < c.power) {
                    sd.strongest = Some(ci);
                }
            }
        }
        for (s, sd) in sides.iter_mut().enumerate() {
            sd.power += f.state_voice * member_share(w, &f.members, inc.norms[s]);
            if sd.coalitions == 0 {
                sd.access = 1.0;
            }
        }
        let st = &w.coll[ii];
        let joint = sides[0].push > 0.0 && sides[1].push > 0.0;
        let weight = (sides[0].push + sides[1].push) * if joint { 1.0 } else { p.solo_agenda };
        if here && st.phase == Phase::Active && st.forum == Some(fi) {
            agenda.push((ii, weight, false));
        } else if here
            && (st.phase == Phase::Latent
                || (st.phase == Phase::Ended && st.outcome == Some(Outcome::Suppressed)))
        {
            // Articulation attempts, strongest coalitions first (ties: declaration order).
            let mut order: Vec<usize> = (0..nc).collect();
            order.sort_by(|&a, &b| {
                m.coalitions[b]
                    .power
                    .total_cmp(&m.coalitions[a].power)
                    .then(a.cmp(&b))
            });
            for ci in order {
                let c = &m.coalitions[ci];
                if !active(c, t) {
                    continue;
                }
                let acc = coalition_access(m, w, fi, ci);
                let Some((s, sal)) = c.side(inc.norms[0], inc.norms[1]) else {
                    continue;
                };
                if acc <= 0.0 {
                    continue;
                }
                let own = inc.norms[s];
                let other = inc.norms[1 - s];
                let challenges = m.norms[other].dominant && !m.norms[own].dominant;
                // Divergence of core values from the other side: its coalitions, or else the
                // member states holding the other norm (the dominant discourse).
                let cv = &w.coal_values[ci * w.d..(ci + 1) * w.d];
                let mut div: Option<f64> = None;
                for (cj, c2) in m.coalitions.iter().enumerate() {
                    if cj != ci
                        && active(c2, t)
                        && c2.side(inc.norms[0], inc.norms[1]).map(|x| x.0) == Some(1 - s)
                    {
                        let dv = divergence(cv, &w.coal_values[cj * w.d..(cj + 1) * w.d]);
                        div = Some(div.map_or(dv, |x: f64| x.max(dv)));
                    }
                }
                let div = div.unwrap_or_else(|| {
                    if adopters_position(w, &f.members, other, &mut pos) {
                        divergence(cv, &pos)
                    } else {
                        0.5
                    }
                });
                let prob = p.articulation
                    * reach(c)
                    * acc
                    * sal
                    * (1.0 + if challenges { p.challenge_bonus } else { 0.0 })
                    * (p.divergence_floor + (1.0 - p.divergence_floor) * div)
                    * (p.strength_floor + (1.0 - p.strength_floor) * strength(w, own));
                let u = rng::draw(
                    keys.collision,
                    rng::id_key(&inc.id) ^ rng::id_key(&c.id),
                    1 + fi as u64,
                );
                if u < prob {
                    let st = &mut w.coll[ii];
                    st.articulated_by = Some(ci);
                    st.invoked = s;
                    st.forum = Some(fi);
                    if st.articulated_step.is_none() {
                        st.articulated_step = Some(t);
                        st.first_articulated_by = Some(ci);
                    }
                    events.push(Event {
                        step: t,
                        kind: EventKind::CollisionArticulated {
                            collision: ii,
                            norms: [own, other],
                        },
                        norm: Some(own),
                        state: None,
                        actor: c.id.clone(),
                        forum: f.id.clone(),
                        detail: format!("{}: {} vs {}", inc.id, m.norms[own].id, m.norms[other].id),
                    });
                    agenda.push((ii, weight, true));
                    break;
                }
            }
        }
        sides_of.push(sides);
    }
    // Finite attention: the heaviest collisions get the floor.
    agenda.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    for (rank, &(ii, _, fresh)) in agenda.iter().enumerate() {
        let inc = &m.incompatibilities[ii];
        let sides = &sides_of[ii];
        let on_floor = rank < f.capacity;
        if !on_floor {
            if fresh {
                events.push(Event {
                    step: t,
                    kind: EventKind::CollisionCrowdedOut { collision: ii },
                    norm: None,
                    state: None,
                    actor: String::new(),
                    forum: f.id.clone(),
                    detail: format!("{}: no room on the agenda", inc.id),
                });
            }
            continue;
        }
        let (pa, pb) = (sides[0].power, sides[1].power);
        let balance = if pa.max(pb) > 0.0 {
            pa.min(pb) / pa.max(pb)
        } else {
            0.0
        };
        let asym = 1.0 - balance;
        let key = rng::id_key(&inc.id);
        if fresh {
            // Uptake needs an answer: likelier the more the other side weighs relative to
            // the articulating side (a negligible side does not answer a strong one).
            let s = w.coll[ii].invoked;
            let answer = &sides[1 - s];
            let ratio = if sides[s].power > 0.0 {
                (answer.power / sides[s].power).min(1.0)
            } else {
                1.0
            };
            let prob = if answer.power > 0.0 {
                p.uptake * (p.balance_floor + (1.0 - p.balance_floor) * ratio)
            } else {
                0.0
            };
            if rng::draw(keys.collision, key, 100 + fi as u64) < prob {
                let st = &mut w.coll[ii];
                st.phase = Phase::Active;
                st.activated_step.get_or_insert(t);
                st.activations += 1;
                st.ended_step = None;
                st.outcome = None;
                st.debated = true;
                st.intensity = st.intensity.max(0.1);
                events.push(Event {
                    step: t,
                    kind: EventKind::CollisionActivated { collision: ii },
                    norm: Some(inc.norms[s]),
                    state: None,
                    actor: answer
                        .strongest
                        .map_or("member states".into(), |c| m.coalitions[c].id.clone()),
                    forum: f.id.clone(),
                    detail: format!("{}: uptake (balance of power {:.2})", inc.id, balance),
                });
            }
            continue;
        }
        // An active collision is debated: intensity, then how (and whether) it ends.
        let st = &mut w.coll[ii];
        st.debated = true;
        let push = (sides[0].push + sides[1].push).min(1.0);
        st.intensity += p.intensity_gain * push * (1.0 - st.intensity);
        st.peak = st.peak.max(st.intensity);
        let weak = if pa <= pb { 0 } else { 1 };
        let weak_access = sides[weak].access;
        let mut outcome = None;
        if deciding && balance >= p.compromise_balance {
            outcome = Some(Outcome::Compromised);
        } else {
            // Setting a hierarchy needs a coalition on the stronger side that demands it:
            // member states alone let the outcome document stay silent (drug control).
            let rate = if deciding { 1.0 } else { p.session_resolution };
            let demanded = if sides[1 - weak].coalitions > 0 {
                1.0
            } else {
                0.0
            };
            let p_res =
                (demanded * p.resolution * rate * asym * asym * (1.0 - p.shield * weak_access))
                    .clamp(0.0, 1.0);
            let p_sup = (p.suppression * asym * (1.0 - weak_access)).clamp(0.0, 1.0);
            let u = rng::draw(keys.collision, key, 200 + fi as u64);
            if u < p_res {
                outcome = Some(Outcome::Resolved);
                st.winner = Some(inc.norms[1 - weak]);
            } else if u < p_res + p_sup {
                outcome = Some(Outcome::Suppressed);
            }
        }
        if let Some(o) = outcome {
            st.phase = Phase::Ended;
            st.outcome = Some(o);
            st.ended_step = Some(t);
            let detail = match (o, st.winner) {
                (Outcome::Resolved, Some(k)) => {
                    w.norm_loser[inc.norms[if inc.norms[0] == k { 1 } else { 0 }]] *=
                        1.0 - p.hierarchy_penalty;
                    format!("{}: resolved in favour of {}", inc.id, m.norms[k].id)
                }
                (Outcome::Compromised, _) => format!("{}: compromised (left to states)", inc.id),
                _ => format!("{}: {}", inc.id, o.name()),
            };
            events.push(Event {
                step: t,
                kind: EventKind::CollisionEnded {
                    collision: ii,
                    outcome: o,
                    winner: st.winner,
                },
                norm: None,
                state: None,
                actor: String::new(),
                forum: f.id.clone(),
                detail,
            });
        }
    }
}

/// Pulls other actors' value positions toward the invoked norm of every active collision
/// (after the step's decisions; the shift persists after the collision ends).
pub fn shift_positions(m: &Model, w: &mut World) {
    let d = w.d;
    if d == 0 || m.collision.position_shift <= 0.0 {
        return;
    }
    for (ii, inc) in m.incompatibilities.iter().enumerate() {
        let st = &w.coll[ii];
        if st.phase != Phase::Active {
            continue;
        }
        let rate = (m.collision.position_shift * st.intensity * m.dt).min(1.0);
        let target_norm = inc.norms[st.invoked];
        let dims: Vec<usize> = match inc.dimension {
            Some(x) => vec![x],
            None => (0..d).collect(),
        };
        let target = &m.norms[target_norm].values;
        for i in 0..w.n {
            for &dim in &dims {
                let v = &mut w.values[i * d + dim];
                *v += rate * (target[dim] - *v);
            }
        }
        let by = st.articulated_by;
        for (ci, c) in m.coalitions.iter().enumerate() {
            if Some(ci) == by || c.side(inc.norms[0], inc.norms[1]).map(|x| x.0) == Some(st.invoked)
            {
                continue;
            }
            for &dim in &dims {
                let v = &mut w.coal_values[ci * d + dim];
                *v += rate * (target[dim] - *v);
            }
        }
    }
}
