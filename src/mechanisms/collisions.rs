//! Norm collisions (Holzscheiter et al., seed `000`; MODEL.md §3.5). Norms do not collide
//! by themselves: in a forum session a coalition must *articulate* the incompatibility of
//! two norms, and the collision is *activated* only on uptake — another actor answers
//! ("it requires intersubjective exchange"). The advocacy coalition constellation decides
//! both:
//!
//! * **articulation** rises with the coalition's power and access (member states seated in
//!   the forum raise it), with its declared stance (a challenger of the other norm raises a
//!   collision more, a defender of a dominant norm less), when its core values diverge from
//!   the other side's ("when the core and policy beliefs … vary, norm collisions are more
//!   likely"), and with the strength (adoption, internalization) of the norm it invokes;
//! * **finite attention**: a session debates at most `capacity` collisions, ranked by the
//!   pushes of the coalitions involved; one that no coalition pushes from the other side
//!   weighs less ("a lack of joint agenda-setting prevented open discussion");
//! * **uptake** depends on the balance of power between the sides: the other side must
//!   weigh enough to answer (a negligible side does not take up a strong one's claim);
//! * an active collision's **intensity** grows with the pushes of both sides and decays
//!   between sessions; it **ends** (`ending_chances`) compromised, resolved or suppressed
//!   with chances that are smooth functions of the power asymmetry, the weaker side's
//!   access and the contest between coalitions (competing coalitions protract the debate),
//!   or stays open;
//! * **feedback**: an active collision slows adoption of both norms, erodes the
//!   internalization of a dominant norm, and pulls other actors' value positions toward the
//!   invoked norm ("transformative effects"), a shift that persists after it ends.

pub use crate::model::divergence;
use crate::model::{
    Access, Coalition, Event, EventKind, Incompatibility, Model, Outcome, Phase, Stance, World,
};
use crate::rng::{self, Keys};

/// Access of coalition `ci` in forum `fi`: its own (`own_access`), or after a merger the
/// best access among the coalitions sharing its pool — merged governance and staff
/// (ICBL and CMC, seed 004) speak for both campaigns wherever either is admitted.
pub fn coalition_access(m: &Model, w: &World, fi: usize, ci: usize) -> f64 {
    let own = own_access(m, w, fi, ci);
    if m.mergers.is_empty() {
        return own;
    }
    let pool = w.pool[ci];
    (0..m.coalitions.len())
        .filter(|&cj| cj != ci && w.pool[cj] == pool)
        .fold(own, |a, cj| a.max(own_access(m, w, fi, cj)))
}

/// A coalition's own access in forum `fi`: the forum's rule, raised toward full access by
/// the share of its member states seated in the forum (states speak in intergovernmental
/// forums; in drug control a group of states made the harm-reduction "interpretative
/// statement"), × `seated_access`. A coalition the forum shuts out (`none`) stays out.
fn own_access(m: &Model, w: &World, fi: usize, ci: usize) -> f64 {
    let c = &m.coalitions[ci];
    let f = &m.forums[fi];
    let rule = access_factor(m, w.access[fi * m.coalitions.len() + ci]);
    if rule <= 0.0 || c.members.is_empty() {
        return rule;
    }
    let seated = if f.members.is_empty() {
        1.0
    } else {
        let n = c.members.iter().filter(|s| f.members.contains(s)).count();
        n as f64 / c.members.len() as f64
    };
    rule + (1.0 - rule) * m.collision.seated_access * seated
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
pub struct Side {
    /// Coalition power × access, summed, plus the voice of member states.
    pub power: f64,
    /// Pushes (power × access × salience) of its coalitions.
    pub push: f64,
    /// Highest access among its coalitions (1 if only states speak for it).
    pub access: f64,
    /// Active coalitions taking this side.
    pub coalitions: usize,
    /// The most powerful of them with a voice in the forum (access > 0).
    pub strongest: Option<usize>,
}

/// A coalition's weight in a forum: its power amplified by its organizational platform
/// (an IO behind it). Not capped: a side's weight enters the endings only relative to the
/// other side's, and a chance is capped by its draw.
pub fn reach(c: &Coalition) -> f64 {
    c.power * (1.0 + c.platform)
}

pub fn active(c: &Coalition, t: u32) -> bool {
    t >= c.start_step
}

/// Weighted share of norm `k` among a forum's members (all states if none listed).
pub fn member_share(w: &World, members: &[usize], k: usize) -> f64 {
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
pub fn strength(w: &World, k: usize) -> f64 {
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
pub fn adopters_position(w: &World, members: &[usize], k: usize, out: &mut Vec<f64>) -> bool {
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

/// The two sides of an incompatibility in a session of forum `fi`: the coalitions taking
/// each side (power × platform × access) and the voice of the member states holding each
/// norm.
pub fn sides(m: &Model, w: &World, fi: usize, inc: &Incompatibility, t: u32) -> [Side; 2] {
    let f = &m.forums[fi];
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
    sides
}

/// How hard the two sides' coalitions push against each other: the weaker push over the
/// stronger, in [0, 1] (0: one side pushes alone — no joint agenda-setting; 1: two
/// coalitions push equally hard for opposing norms).
pub fn contest(push_a: f64, push_b: f64) -> f64 {
    let hi = push_a.max(push_b);
    if hi > 0.0 {
        push_a.min(push_b) / hi
    } else {
        0.0
    }
}

/// Asymmetry of power between two sides, (strong − weak) / (strong + weak) in [0, 1], and
/// the index of the weaker side (0 on a tie).
pub fn asymmetry(power_a: f64, power_b: f64) -> (f64, usize) {
    let sum = power_a + power_b;
    let weak = if power_a <= power_b { 0 } else { 1 };
    if sum > 0.0 {
        ((power_a - power_b).abs() / sum, weak)
    } else {
        (0.0, weak)
    }
}

/// Articulation factor of a coalition's declared stance: a challenger of the norm it
/// invokes against brings the collision up more (× (1 + `challenge_bonus`)); a coalition
/// defending a dominant norm it supports answers rather than raises it
/// (× `defence_articulation`); any other coalition × 1.
pub fn stance_factor(m: &Model, c: &Coalition, own: usize, other: usize) -> f64 {
    let p = &m.collision;
    if c.stance[other] == Some(Stance::Challenge) {
        1.0 + p.challenge_bonus
    } else if c.stance[own] == Some(Stance::Support) && m.norms[own].dominant {
        p.defence_articulation
    } else {
        1.0
    }
}

/// Divergence of coalition `ci`'s core values from the other side `1 - s` of `inc`: the
/// most divergent active coalition there, or else the member states holding the other
/// norm (the dominant discourse); 0.5 if neither exists.
pub fn side_divergence(
    m: &Model,
    w: &World,
    fi: usize,
    ci: usize,
    inc: &Incompatibility,
    s: usize,
    t: u32,
) -> f64 {
    let d = w.d;
    let cv = &w.coal_values[ci * d..(ci + 1) * d];
    let mut div: Option<f64> = None;
    for (cj, c2) in m.coalitions.iter().enumerate() {
        if cj != ci
            && active(c2, t)
            && c2.side(inc.norms[0], inc.norms[1]).map(|x| x.0) == Some(1 - s)
        {
            let dv = divergence(cv, &w.coal_values[cj * d..(cj + 1) * d]);
            div = Some(div.map_or(dv, |x: f64| x.max(dv)));
        }
    }
    div.unwrap_or_else(|| {
        let mut pos = Vec::new();
        if adopters_position(w, &m.forums[fi].members, inc.norms[1 - s], &mut pos) {
            divergence(cv, &pos)
        } else {
            0.5
        }
    })
}

/// Chance per session that coalition `ci` articulates `inc` in forum `fi`, and its side:
/// power × platform × access × priority × stance × value divergence × strength of the
/// invoked norm (each with its floor).
pub fn articulation_chance(
    m: &Model,
    w: &World,
    fi: usize,
    ci: usize,
    inc: &Incompatibility,
    t: u32,
) -> Option<(usize, f64)> {
    let p = &m.collision;
    let c = &m.coalitions[ci];
    if !active(c, t) {
        return None;
    }
    let (s, sal) = c.side(inc.norms[0], inc.norms[1])?;
    let acc = coalition_access(m, w, fi, ci);
    if acc <= 0.0 {
        return None;
    }
    let (own, other) = (inc.norms[s], inc.norms[1 - s]);
    let div = side_divergence(m, w, fi, ci, inc, s, t);
    let prob = p.articulation
        * reach(c)
        * acc
        * sal
        * stance_factor(m, c, own, other)
        * (p.divergence_floor + (1.0 - p.divergence_floor) * div)
        * (p.strength_floor + (1.0 - p.strength_floor) * strength(w, own));
    Some((s, prob))
}

/// Articulation attempts at one session: every coalition involved draws; of those that
/// succeed, the one with the lowest draw relative to its chance speaks (independent of the
/// order of declaration). Returns (coalition, side).
pub fn articulate(
    m: &Model,
    w: &World,
    fi: usize,
    inc: &Incompatibility,
    t: u32,
    keys: &Keys,
) -> Option<(usize, usize)> {
    let mut best: Option<(f64, usize, usize)> = None;
    for (ci, c) in m.coalitions.iter().enumerate() {
        let Some((s, prob)) = articulation_chance(m, w, fi, ci, inc, t) else {
            continue;
        };
        let u = rng::draw(
            keys.collision,
            rng::id_key(&inc.id) ^ rng::id_key(&c.id),
            1 + fi as u64,
        );
        if u < prob {
            let score = u / prob;
            if best.is_none_or(|b| score < b.0) {
                best = Some((score, ci, s));
            }
        }
    }
    best.map(|(_, ci, s)| (ci, s))
}

/// One session of forum `fi`: articulation, the agenda (finite attention), uptake of
/// freshly articulated collisions and the debate of active ones.
fn session(m: &Model, w: &mut World, fi: usize, t: u32, keys: &Keys, events: &mut Vec<Event>) {
    let f = &m.forums[fi];
    let p = &m.collision;
    // Candidates: (collision index, agenda weight, newly articulated?).
    let mut agenda: Vec<(usize, f64, bool)> = Vec::new();
    let mut sides_of: Vec<[Side; 2]> = Vec::with_capacity(m.incompatibilities.len());
    for (ii, inc) in m.incompatibilities.iter().enumerate() {
        let here = inc.forums.is_empty() || inc.forums.contains(&fi);
        let sides = sides(m, w, fi, inc, t);
        let joint = contest(sides[0].push, sides[1].push);
        let weight =
            (sides[0].push + sides[1].push) * (p.solo_agenda + (1.0 - p.solo_agenda) * joint);
        let st = &w.coll[ii];
        if here && st.phase == Phase::Active && st.forum == Some(fi) {
            agenda.push((ii, weight, false));
        } else if here
            && (st.phase == Phase::Latent
                || (st.phase == Phase::Ended && st.outcome == Some(Outcome::Suppressed)))
        {
            if let Some((ci, s)) = articulate(m, w, fi, inc, t, keys) {
                let st = &mut w.coll[ii];
                st.articulated_by = Some(ci);
                st.invoked = s;
                st.forum = Some(fi);
                if st.articulated_step.is_none() {
                    st.articulated_step = Some(t);
                    st.first_articulated_by = Some(ci);
                }
                let (own, other) = (inc.norms[s], inc.norms[1 - s]);
                events.push(Event {
                    step: t,
                    kind: EventKind::CollisionArticulated {
                        collision: ii,
                        norms: [own, other],
                    },
                    norm: Some(own),
                    state: None,
                    actor: m.coalitions[ci].id.clone(),
                    forum: f.id.clone(),
                    detail: format!("{}: {} vs {}", inc.id, m.norms[own].id, m.norms[other].id),
                });
                agenda.push((ii, weight, true));
            }
        }
        sides_of.push(sides);
    }
    // Finite attention: the heaviest collisions get the floor.
    agenda.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let deciding = f.decisions.binary_search(&t).is_ok();
    for (rank, &(ii, _, fresh)) in agenda.iter().enumerate() {
        if rank >= f.capacity {
            if fresh {
                events.push(Event {
                    step: t,
                    kind: EventKind::CollisionCrowdedOut { collision: ii },
                    norm: None,
                    state: None,
                    actor: String::new(),
                    forum: f.id.clone(),
                    detail: format!("{}: no room on the agenda", m.incompatibilities[ii].id),
                });
            }
        } else if fresh {
            take_up(m, w, fi, ii, &sides_of[ii], t, keys, events);
        } else {
            debate(m, w, fi, ii, &sides_of[ii], deciding, t, keys, events);
        }
    }
}

/// Uptake of a freshly articulated collision: it is activated only if the other side
/// answers — likelier the more that side weighs relative to the articulating one (a
/// negligible side does not answer a strong one).
#[allow(clippy::too_many_arguments)]
fn take_up(
    m: &Model,
    w: &mut World,
    fi: usize,
    ii: usize,
    sides: &[Side; 2],
    t: u32,
    keys: &Keys,
    events: &mut Vec<Event>,
) {
    let p = &m.collision;
    let inc = &m.incompatibilities[ii];
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
    if rng::draw(keys.collision, rng::id_key(&inc.id), 100 + fi as u64) >= prob {
        return;
    }
    let st = &mut w.coll[ii];
    st.phase = Phase::Active;
    st.activated_step.get_or_insert(t);
    st.activations += 1;
    st.ended_step = None;
    st.outcome = None;
    st.debated = true;
    st.intensity = st.intensity.max(0.1);
    let balance = 1.0 - asymmetry(sides[0].power, sides[1].power).0;
    events.push(Event {
        step: t,
        kind: EventKind::CollisionActivated { collision: ii },
        norm: Some(inc.norms[s]),
        state: None,
        actor: answer
            .strongest
            .map_or("member states".into(), |c| m.coalitions[c].id.clone()),
        forum: m.forums[fi].id.clone(),
        detail: format!("{}: uptake (balance of power {:.2})", inc.id, balance),
    });
}

/// The chances that an active collision debated at this session ends compromised,
/// resolved for the stronger side or suppressed (in that order of the draw):
/// * compromise needs an outcome document and two sides to strike it: `compromise` ×
///   balance² × contest (coalitions of balanced power pushing opposing norms leave the
///   question to states, as the Palermo Protocol's "technical compromise");
/// * resolution: `resolution` × asymmetry² × (1 − `shield` × weaker side's access), at an
///   ordinary session × `session_resolution`;
/// * suppression: `suppression` × asymmetry × (1 − weaker side's access);
///
/// resolution and suppression × (1 − `obstruction` × contest): competing coalitions
/// pushing opposing norms protract the debate. Returns (compromise, resolution,
/// suppression, weaker side).
pub fn ending_chances(
    p: &crate::model::CollisionParams,
    sides: &[(f64, f64, f64); 2],
    deciding: bool,
) -> (f64, f64, f64, usize) {
    let (asym, weak) = asymmetry(sides[0].0, sides[1].0);
    let weak_access = sides[weak].2;
    let joint = contest(sides[0].1, sides[1].1);
    let protract = 1.0 - p.obstruction * joint;
    let balance = 1.0 - asym;
    let p_comp = if deciding {
        p.compromise * balance * balance * joint
    } else {
        0.0
    };
    let rate = if deciding { 1.0 } else { p.session_resolution };
    let p_res = p.resolution * rate * asym * asym * (1.0 - p.shield * weak_access) * protract;
    let p_sup = p.suppression * asym * (1.0 - weak_access) * protract;
    let p_comp = p_comp.clamp(0.0, 1.0);
    let p_res = p_res.clamp(0.0, 1.0 - p_comp);
    let p_sup = p_sup.clamp(0.0, 1.0 - p_comp - p_res);
    (p_comp, p_res, p_sup, weak)
}

/// An active collision debated at a session: its intensity grows with both sides'
/// pushes; then it may end (`ending_chances`).
#[allow(clippy::too_many_arguments)]
fn debate(
    m: &Model,
    w: &mut World,
    fi: usize,
    ii: usize,
    sides: &[Side; 2],
    deciding: bool,
    t: u32,
    keys: &Keys,
    events: &mut Vec<Event>,
) {
    let p = &m.collision;
    let inc = &m.incompatibilities[ii];
    let st = &mut w.coll[ii];
    st.debated = true;
    let push = sides[0].push + sides[1].push;
    st.intensity += p.intensity_gain * (1.0 - (-push).exp()) * (1.0 - st.intensity);
    st.peak = st.peak.max(st.intensity);
    let view = [0, 1].map(|s| (sides[s].power, sides[s].push, sides[s].access));
    let (p_comp, p_res, p_sup, weak) = ending_chances(p, &view, deciding);
    let u = rng::draw(keys.collision, rng::id_key(&inc.id), 200 + fi as u64);
    let outcome = if u < p_comp {
        Outcome::Compromised
    } else if u < p_comp + p_res {
        st.winner = Some(inc.norms[1 - weak]);
        Outcome::Resolved
    } else if u < p_comp + p_res + p_sup {
        Outcome::Suppressed
    } else {
        return;
    };
    st.phase = Phase::Ended;
    st.outcome = Some(outcome);
    st.ended_step = Some(t);
    let winner = st.winner;
    let detail = match (outcome, winner) {
        (Outcome::Resolved, Some(k)) => {
            w.norm_loser[inc.norms[weak]] *= 1.0 - p.hierarchy_penalty;
            format!("{}: resolved in favour of {}", inc.id, m.norms[k].id)
        }
        (Outcome::Compromised, _) => format!("{}: compromised (left to states)", inc.id),
        _ => format!("{}: {}", inc.id, outcome.name()),
    };
    events.push(Event {
        step: t,
        kind: EventKind::CollisionEnded {
            collision: ii,
            outcome,
            winner,
        },
        norm: None,
        state: None,
        actor: String::new(),
        forum: m.forums[fi].id.clone(),
        detail,
    });
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
        // The contested dimension, or all of them (a range: no allocation in the step loop).
        let dims = match inc.dimension {
            Some(x) => x..x + 1,
            None => 0..d,
        };
        let target = &m.norms[target_norm].values;
        for i in 0..w.n {
            for dim in dims.clone() {
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
            for dim in dims.clone() {
                let v = &mut w.coal_values[ci * d + dim];
                *v += rate * (target[dim] - *v);
            }
        }
    }
}
