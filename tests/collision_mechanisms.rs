//! The collision mechanism's functions (seed 000, MODEL.md §3.5) at known values, in a
//! hand-set world: each test states the formula it measures and checks it at values
//! where every factor matters (no factor 0 or 1 unless the test is about that case), so a
//! changed operator or a dropped term fails. Plus distributions of the session draws
//! across 4000 keys. Runs in milliseconds; it is the first line of `cargo mutants` on
//! `collisions.rs` (docs/mutants.md).

mod common;
use common::*;
use normlife::mechanisms::collisions::{self, *};
use normlife::model::{
    Access, CollisionParams, Event, EventKind, Model, Outcome, Phase, Stance, World,
};
use normlife::rng::Keys;

const EPS: f64 = 1e-12;

/// 8 states, two value dimensions; dominant norm `a`, norm `b`; norms `p`, `v`;
/// incompatibilities `x` (a vs b, on dimension `x`) and `y` (p vs v, all dimensions);
/// forums `f` and `g` (sessions every 2 steps, decisions at 4); coalitions `ch` (b,
/// challenging a), `def` (a), `pv` (v then b).
fn model() -> Model {
    let text = r#"[scenario]
name = "mech"
steps = 8
seed = 3
value_dimensions = ["x", "z"]
[population]
n = 8
[[norms]]
id = "a"
dominant = true
initial_share = 0.5
values = [-0.8, 0.2]
[[norms]]
id = "b"
initial_share = 0.25
values = [0.8, -0.4]
[[norms]]
id = "p"
initial_share = 0.5
values = [-0.5, 0.5]
[[norms]]
id = "v"
initial_share = 0.25
values = [0.5, 0.1]
[[forums]]
id = "f"
every = 2
capacity = 1
decisions = [4]
[[forums]]
id = "g"
every = 2
capacity = 1
decisions = [4]
[[incompatibilities]]
id = "x"
norms = ["a", "b"]
dimension = "x"
[[incompatibilities]]
id = "y"
norms = ["p", "v"]
[[coalitions]]
id = "ch"
norms = ["b"]
power = 0.4
values = [0.6, 0.0]
stance = { a = "challenge" }
[[coalitions]]
id = "def"
norms = ["a"]
power = 0.7
values = [-0.7, 0.3]
[[coalitions]]
id = "pv"
norms = ["v", "b"]
power = 0.3
values = [0.2, 0.2]
"#;
    let mut m = from_text(text, &[]).model;
    // Quarterly steps; sessions at even steps, an outcome document at step 4.
    m.dt = 0.25;
    for f in &mut m.forums {
        f.sessions = vec![2, 4, 6, 8];
        f.decisions = vec![4];
    }
    // Generic values: no parameter 0, 1 or equal to another, so every term shows.
    m.collision = CollisionParams {
        articulation: 0.9,
        challenge_bonus: 0.6,
        defence_articulation: 0.45,
        divergence_floor: 0.3,
        strength_floor: 0.2,
        restricted_access: 0.35,
        seated_access: 0.55,
        uptake: 0.8,
        balance_floor: 0.25,
        solo_agenda: 0.15,
        intensity_gain: 0.5,
        intensity_decay: 0.4,
        suppression: 0.3,
        compromise: 0.7,
        resolution: 0.65,
        shield: 0.4,
        obstruction: 0.5,
        slowdown: 0.6,
        erosion: 0.2,
        position_shift: 0.3,
        hierarchy_penalty: 0.5,
        session_resolution: 0.35,
    };
    m
}

/// The world of `m` with hand-set weights, adoptions, internalization and values.
fn world(m: &Model) -> World {
    let mut w = World::new(m, 11);
    let n = w.n;
    w.weight = vec![1.0, 2.0, 1.0, 3.0, 1.0, 1.0, 0.5, 0.5];
    w.adopted = vec![false; w.k * n];
    w.internalization = vec![0.0; w.k * n];
    // a: states 0, 1, 3; b: states 2, 4; p: 0, 5; v: 6.
    for (k, states) in [
        (0, vec![0, 1, 3]),
        (1, vec![2, 4]),
        (2, vec![0, 5]),
        (3, vec![6]),
    ] {
        for s in states {
            w.adopted[k * n + s] = true;
            w.internalization[k * n + s] = 0.5;
        }
    }
    w.internalization[1] = 0.25; // a in state 1
    for i in 0..n {
        w.values[i * 2] = -0.9 + 0.2 * i as f64;
        w.values[i * 2 + 1] = 0.3 - 0.1 * i as f64;
    }
    w
}

fn close(a: f64, b: f64, what: &str) {
    assert!((a - b).abs() < EPS, "{what}: got {a}, expected {b}");
}

fn keys(k: u64) -> Keys {
    Keys {
        adopt: 1,
        backslide: 2,
        target: 3,
        ratify: 4,
        collision: k.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x1234_5678,
    }
}

// ---------------------------------------------------------------------------------------
// Constellation measures.

#[test]
fn access_is_the_forum_rule_lifted_by_seated_member_states() {
    let mut m = model();
    let w = world(&m);
    close(
        access_factor(&m, Access::Full),
        1.0,
        "full access speaks with weight 1",
    );
    close(
        access_factor(&m, Access::Restricted),
        0.35,
        "restricted = restricted_access",
    );
    close(access_factor(&m, Access::None), 0.0, "shut out: weight 0");
    // No member states: the rule alone.
    close(
        coalition_access(&m, &w, 0, 0),
        1.0,
        "full access, no members",
    );
    let mut w2 = world(&m);
    w2.access[3] = Access::Restricted; // forum g (index 1) × 3 coalitions + ch
    close(
        coalition_access(&m, &w2, 1, 0),
        0.35,
        "restricted, no members: the rule",
    );
    // Two of four member states seated in g: 0.35 + 0.65 × 0.55 × 0.5.
    m.coalitions[0].members = vec![0, 1, 2, 3];
    m.forums[1].members = vec![1, 3, 5, 6, 7];
    close(
        coalition_access(&m, &w2, 1, 0),
        0.35 + 0.65 * 0.55 * 0.5,
        "restricted + (1 − restricted) × seated_access × share of members seated",
    );
    // A forum open to all states seats every member.
    w2.access[1] = Access::Restricted; // forum f, coalition def
    m.coalitions[1].members = vec![5];
    close(
        coalition_access(&m, &w2, 0, 1),
        0.35 + 0.65 * 0.55,
        "all members seated when the forum lists none",
    );
    // Shut out stays out, members or not.
    w2.access[3] = Access::None;
    close(
        coalition_access(&m, &w2, 1, 0),
        0.0,
        "a coalition shut out stays out",
    );
}

/// After a merger (seed 004: ICBL and CMC) the pooled campaign speaks with the best access
/// of its members; a coalition outside the pool keeps its own.
#[test]
fn merged_coalitions_speak_with_the_best_access_of_their_pool() {
    let mut m = model();
    m.mergers = vec![(1, 0, 2)];
    let mut w = world(&m);
    w.pool[2] = 0; // pv merged into ch
    w.access[1] = Access::Restricted; // forum f: def
    w.access[2] = Access::Restricted; // forum f: pv
    close(
        coalition_access(&m, &w, 0, 2),
        1.0,
        "pv with ch's full access",
    );
    close(
        coalition_access(&m, &w, 0, 0),
        1.0,
        "ch keeps its own full access",
    );
    close(
        coalition_access(&m, &w, 0, 1),
        0.35,
        "def is outside the pool",
    );
    w.access[0] = Access::Restricted; // ch restricted, def full
    w.access[1] = Access::Full;
    close(
        coalition_access(&m, &w, 0, 2),
        0.35,
        "the pool's best access, not another coalition's",
    );
}

#[test]
fn reach_activity_shares_and_strength_at_known_values() {
    let mut m = model();
    let w = world(&m);
    m.coalitions[0].platform = 0.5;
    close(
        reach(&m.coalitions[0]),
        0.4 * 1.5,
        "reach = power × (1 + platform)",
    );
    m.coalitions[0].start_step = 3;
    assert!(
        !active(&m.coalitions[0], 2),
        "inactive before its start step"
    );
    assert!(active(&m.coalitions[0], 3), "active from its start step");
    // a held by states 0, 1, 3 (weights 1, 2, 3) of total weight 10.
    close(
        member_share(&w, &[], 0),
        0.6,
        "weighted share of all states",
    );
    close(
        member_share(&w, &[1, 2, 4], 0),
        0.5,
        "weighted share among members 1, 2, 4",
    );
    close(
        member_share(&w, &[1, 2, 4], 1),
        0.5,
        "b among members 1, 2, 4",
    );
    let mut w0 = world(&m);
    w0.weight[6] = 0.0;
    w0.weight[7] = 0.0;
    close(
        member_share(&w0, &[6, 7], 0),
        0.0,
        "members of no weight: share 0",
    );
    // strength = (weighted adoption + weighted internalization) / 2 / total weight:
    // a: adoption 6/10; internalization (0.5 + 2 × 0.25 + 3 × 0.5) / 10 = 0.25.
    close(strength(&w, 0), 0.5 * (0.6 + 0.25), "strength of a");
    close(strength(&w, 1), 0.5 * (0.2 + 0.1), "strength of b");
    let mut z = world(&m);
    z.weight = vec![0.0; z.n];
    close(strength(&z, 0), 0.0, "a world of no weight: strength 0");
    close(
        member_share(&z, &[], 0),
        0.0,
        "a world of no weight: share 0",
    );
}

#[test]
fn adopters_position_is_the_mean_value_of_the_adopting_members() {
    let m = model();
    let w = world(&m);
    let mut out = vec![9.0; 5];
    assert!(adopters_position(&w, &[], 0, &mut out), "a has adopters");
    // a: states 0, 1, 3 with values (-0.9, 0.3), (-0.7, 0.2), (-0.3, 0.0).
    assert_eq!(out.len(), 2, "one entry per value dimension");
    close(out[0], (-0.9 - 0.7 - 0.3) / 3.0, "mean of dimension x");
    close(out[1], (0.3 + 0.2 + 0.0) / 3.0, "mean of dimension z");
    assert!(
        adopters_position(&w, &[3, 4, 5], 0, &mut out),
        "state 3 holds a"
    );
    close(out[0], -0.3, "the one adopting member's x");
    close(out[1], 0.0, "the one adopting member's z");
    assert!(
        !adopters_position(&w, &[5, 6, 7], 0, &mut out),
        "no member holds a: no position"
    );
    // b: states 2 and 4 with values (-0.5, 0.1) and (-0.1, -0.1).
    assert!(adopters_position(&w, &[], 1, &mut out), "b has adopters");
    close(out[0], -0.3, "b adopters' mean x");
    close(out[1], 0.0, "b adopters' mean z");
}

#[test]
fn stance_raises_a_challengers_articulation_and_lowers_a_defenders() {
    let mut m = model();
    let c = m.coalitions[1].clone(); // def: no stance
    close(stance_factor(&m, &c, 0, 1), 1.0, "no declared stance: × 1");
    let mut s = c.clone();
    s.stance[0] = Some(Stance::Support);
    close(
        stance_factor(&m, &s, 0, 1),
        0.45,
        "defender of the dominant norm: × defence_articulation",
    );
    m.norms[0].dominant = false;
    close(
        stance_factor(&m, &s, 0, 1),
        1.0,
        "support for a norm that is not dominant: × 1",
    );
    let ch = m.coalitions[0].clone();
    close(
        stance_factor(&m, &ch, 1, 0),
        1.6,
        "challenger of the other norm: × (1 + challenge_bonus)",
    );
    let mut cs = ch.clone();
    cs.stance[0] = Some(Stance::Support);
    close(
        stance_factor(&m, &cs, 0, 1),
        1.0,
        "support of its own, non-dominant: × 1",
    );
}

#[test]
fn divergence_is_measured_against_the_other_side() {
    let mut m = model();
    let mut w = world(&m);
    let inc = m.incompatibilities[0].clone();
    // ch (side b = 1) against def (side a): |0.6 + 0.7| + |0 − 0.3| over 2 × 2.
    close(
        side_divergence(&m, &w, 0, 0, &inc, 1, 0),
        (1.3 + 0.3) / 4.0,
        "divergence from the one coalition on the other side",
    );
    // def (side a = 0) against ch and pv (both on b): the most divergent.
    close(
        side_divergence(&m, &w, 0, 1, &inc, 0, 0),
        (1.3 + 0.3) / 4.0,
        "the most divergent coalition on the other side",
    );
    w.coal_values[4] = -0.7; // pv now shares def's x
    w.coal_values[5] = 0.3;
    w.coal_values[0] = -0.5; // ch close to def
    w.coal_values[1] = 0.3;
    close(
        side_divergence(&m, &w, 0, 1, &inc, 0, 0),
        0.2 / 4.0,
        "the maximum over the other side, not the first",
    );
    // A coalition not yet active does not count: def starts later, so ch faces the
    // adopters of a among all states: (-0.633.., 0.1667).
    m.coalitions[1].start_step = 5;
    let pos: [f64; 2] = [(-0.9 - 0.7 - 0.3) / 3.0, 0.5 / 3.0];
    let want = ((-0.5 - pos[0]).abs() + (0.3 - pos[1]).abs()) / 4.0;
    close(
        side_divergence(&m, &w, 0, 0, &inc, 1, 2),
        want,
        "without an active coalition opposite: the other norm's adopters",
    );
    // Forum g seats states 5-7 only, none of which holds a: divergence 0.5.
    m.forums[1].members = vec![5, 6, 7];
    close(
        side_divergence(&m, &w, 1, 0, &inc, 1, 2),
        0.5,
        "no coalition and no adopter opposite: 0.5",
    );
    // Coalitions on the same side do not count.
    let mut m2 = model();
    m2.coalitions[1].norms = vec![1];
    m2.coalitions[1].stance[0] = Some(Stance::Challenge);
    let w2 = world(&m2);
    let want = ((0.6 - pos[0]).abs() + (0.0 - pos[1]).abs()) / 4.0;
    close(
        side_divergence(&m2, &w2, 0, 0, &inc, 1, 0),
        want.min(1.0),
        "allies on the same side are not the other side",
    );
}

#[test]
fn articulation_chance_is_the_product_of_the_constellation_terms() {
    let mut m = model();
    let w = world(&m);
    let inc = m.incompatibilities[0].clone();
    m.coalitions[0].platform = 0.25;
    let mut w2 = world(&m);
    w2.access[0] = Access::Restricted; // forum f, ch
    let (s, p) = articulation_chance(&m, &w2, 0, 0, &inc, 0).expect("ch is involved");
    assert_eq!(s, 1, "ch takes side b");
    let div = side_divergence(&m, &w2, 0, 0, &inc, 1, 0);
    let want =
        0.9 * (0.4 * 1.25) * 0.35 * 1.0 * 1.6 * (0.3 + 0.7 * div) * (0.2 + 0.8 * strength(&w2, 1));
    close(
        p,
        want,
        "articulation × reach × access × salience × stance × divergence × strength terms",
    );
    // pv takes side b with salience 1/2 (b is its second norm).
    m.coalitions[2].values = vec![0.2, 0.2];
    let (s, p) = articulation_chance(&m, &w, 0, 2, &inc, 0).expect("pv is involved");
    assert_eq!(s, 1, "pv takes side b");
    let div = side_divergence(&m, &w, 0, 2, &inc, 1, 0);
    let want = 0.9 * 0.3 * 1.0 * 0.5 * 1.0 * (0.3 + 0.7 * div) * (0.2 + 0.8 * strength(&w, 1));
    close(p, want, "salience of a second-ranked norm is 1/2");
    // def on side a (dominant, no stance).
    let (s, p) = articulation_chance(&m, &w, 0, 1, &inc, 0).expect("def is involved");
    assert_eq!(s, 0, "def takes side a");
    let div = side_divergence(&m, &w, 0, 1, &inc, 0, 0);
    close(
        p,
        0.9 * 0.7 * (0.3 + 0.7 * div) * (0.2 + 0.8 * strength(&w, 0)),
        "def's chance",
    );
    // Not involved, inactive, shut out: no chance.
    let y = m.incompatibilities[1].clone();
    assert!(
        articulation_chance(&m, &w, 0, 1, &y, 0).is_none(),
        "def is not in p vs v"
    );
    m.coalitions[1].start_step = 3;
    assert!(
        articulation_chance(&m, &w, 0, 1, &inc, 2).is_none(),
        "inactive"
    );
    assert!(
        articulation_chance(&m, &w, 0, 1, &inc, 3).is_some(),
        "active at its start"
    );
    w2.access[3] = Access::None; // forum g, ch
    assert!(
        articulation_chance(&m, &w2, 1, 0, &inc, 0).is_none(),
        "shut out"
    );
}

#[test]
fn sides_sum_coalition_weight_and_member_state_voice() {
    let mut m = model();
    let mut w = world(&m);
    m.forums[0].state_voice = 0.5;
    m.coalitions[1].platform = 1.0;
    w.access[2] = Access::Restricted; // forum f, pv
    let inc = m.incompatibilities[0].clone();
    let [a, b] = sides(&m, &w, 0, &inc, 0);
    // Side a: def (0.7 × 2, full) + 0.5 × share of a (0.6).
    close(
        a.power,
        1.4 + 0.5 * 0.6,
        "side a: reach × access + state_voice × share",
    );
    close(a.push, 1.4, "side a's push: reach × access × salience");
    close(a.access, 1.0, "side a's access");
    assert_eq!((a.coalitions, a.strongest), (1, Some(1)), "def alone on a");
    // Side b: ch (0.4, full, salience 1) + pv (0.3 × 0.35, salience 1/2) + 0.5 × 0.2.
    close(b.power, 0.4 + 0.3 * 0.35 + 0.5 * 0.2, "side b's power");
    close(b.push, 0.4 + 0.3 * 0.35 * 0.5, "side b's push");
    close(b.access, 1.0, "side b's access: its best");
    assert_eq!(
        (b.coalitions, b.strongest),
        (2, Some(0)),
        "ch is b's strongest"
    );
    // pv stronger than ch but shut out: not the strongest; ch restricted: access 0.35.
    m.coalitions[2].power = 0.9;
    w.access[2] = Access::None;
    w.access[0] = Access::Restricted;
    let [_, b] = sides(&m, &w, 0, &inc, 0);
    assert_eq!(
        b.strongest,
        Some(0),
        "a coalition without a voice is not the strongest"
    );
    close(b.access, 0.35, "side b's best access");
    close(
        b.power,
        0.4 * 0.35 + 0.5 * 0.2,
        "a shut-out coalition adds nothing",
    );
    w.access[2] = Access::Full;
    let [_, b] = sides(&m, &w, 0, &inc, 0);
    assert_eq!(
        b.strongest,
        Some(2),
        "the most powerful coalition with a voice"
    );
    m.coalitions[2].power = 0.4;
    let [_, b] = sides(&m, &w, 0, &inc, 0);
    assert_eq!(
        b.strongest,
        Some(0),
        "on a tie of power, the first declared"
    );
    // No coalition on a side: its member states speak with full access.
    m.coalitions[1].start_step = 5;
    let [a, _] = sides(&m, &w, 0, &inc, 0);
    assert_eq!((a.coalitions, a.strongest), (0, None), "def not yet active");
    close(a.access, 1.0, "states alone speak with full access");
    close(a.power, 0.5 * 0.6, "states' voice alone");
    close(a.push, 0.0, "no coalition, no push");
}

#[test]
fn asymmetry_and_contest_analytic_values() {
    assert_eq!(asymmetry(3.0, 1.0), (0.5, 1), "(3-1)/(3+1), weaker side 1");
    assert_eq!(asymmetry(1.0, 3.0), (0.5, 0), "weaker side 0");
    assert_eq!(
        asymmetry(2.0, 2.0),
        (0.0, 0),
        "a tie is balanced; weaker side 0"
    );
    assert_eq!(
        asymmetry(0.0, 0.0),
        (0.0, 0),
        "no power at all: no asymmetry"
    );
    assert_eq!(
        asymmetry(0.0, 2.0),
        (1.0, 0),
        "one side alone: full asymmetry"
    );
    assert_eq!(
        contest(0.5, 2.0),
        0.25,
        "contest is the weaker push over the stronger"
    );
    assert_eq!(contest(2.0, 0.5), 0.25, "contest is symmetric");
    assert_eq!(contest(0.0, 1.0), 0.0, "one side pushing alone: no contest");
    assert_eq!(contest(0.0, 0.0), 0.0, "no push: no contest");
    assert_eq!(contest(0.7, 0.7), 1.0, "equal pushes: full contest");
}

#[test]
fn ending_chances_analytic_values() {
    let p = model().collision;
    // (power, push, access): side 0 weighs 3, side 1 weighs 1 with access 0.35; only side
    // 0 pushes: contest 0.
    let s = [(3.0, 1.0, 1.0), (1.0, 0.0, 0.35)];
    let (c, r, sup, weak) = ending_chances(&p, &s, true);
    assert_eq!(weak, 1, "the weaker side");
    assert_eq!(c, 0.0, "no compromise without two sides pushing");
    close(
        r,
        0.65 * 0.25 * (1.0 - 0.4 * 0.35),
        "resolution × asym² × (1 − shield × access)",
    );
    close(sup, 0.3 * 0.5 * 0.65, "suppression × asym × (1 − access)");
    let (c2, r2, s2, w2) = ending_chances(&p, &s, false);
    assert_eq!(
        (c2, w2),
        (0.0, 1),
        "no compromise without an outcome document"
    );
    close(
        r2,
        0.65 * 0.35 * 0.25 * 0.86,
        "ordinary session: × session_resolution",
    );
    close(s2, sup, "suppression does not need an outcome document");
    // Balanced, equal pushes at a deciding session: compromise, no hierarchy.
    let (c, r, sup, _) = ending_chances(&p, &[(1.0, 0.8, 1.0), (1.0, 0.8, 1.0)], true);
    close(c, 0.7, "balanced and fully contested: compromise");
    assert_eq!(
        (r, sup),
        (0.0, 0.0),
        "balanced: no resolution, no suppression"
    );
    // Power 3 : 1, weaker pushing half as hard, restricted: every term at once.
    let k = [(1.0, 0.5, 0.35), (3.0, 1.0, 0.9)];
    let (c, r, sup, weak) = ending_chances(&p, &k, true);
    assert_eq!(weak, 0, "side 0 is the weaker");
    close(c, 0.7 * 0.25 * 0.5, "compromise × balance² × contest");
    let protract = 1.0 - 0.5 * 0.5;
    close(
        r,
        0.65 * 0.25 * (1.0 - 0.4 * 0.35) * protract,
        "resolution × (1 − obstruction × contest)",
    );
    close(
        sup,
        0.3 * 0.5 * 0.65 * protract,
        "suppression protracted too",
    );
    // Chances are capped so that they sum to at most 1, compromise first.
    let mut q = p.clone();
    q.resolution = 50.0;
    q.suppression = 50.0;
    q.compromise = 3.0;
    let (c, r, s, _) = ending_chances(&q, &[(3.0, 1.0, 0.0), (1.0, 0.9, 0.0)], true);
    close(c, (3.0f64 * 0.25 * 0.9).min(1.0), "compromise capped at 1");
    close(r, 1.0 - c, "resolution takes the rest");
    close(s, 0.0, "nothing left for suppression");
    let (c, r, s, _) = ending_chances(&q, &[(3.0, 1.0, 0.0), (1.0, 0.0, 0.0)], true);
    assert_eq!((c, r, s), (0.0, 1.0, 0.0), "resolution capped at 1");
}

// ---------------------------------------------------------------------------------------
// The step: access changes, decay between sessions, feedback.

fn active_state(w: &mut World, ii: usize, fi: usize, intensity: f64) {
    let c = &mut w.coll[ii];
    c.phase = Phase::Active;
    c.intensity = intensity;
    c.forum = Some(fi);
    c.articulated_by = Some(0);
    c.invoked = 1;
}

#[test]
fn between_sessions_intensity_decays_and_feedback_brakes_and_erodes() {
    let mut m = model();
    m.incompatibilities[1].forums = vec![1];
    let mut w = world(&m);
    active_state(&mut w, 0, 0, 0.5);
    w.coll[1].phase = Phase::Ended;
    w.coll[1].intensity = 0.3;
    w.norm_loser[0] = 0.8;
    let mut ev: Vec<Event> = Vec::new();
    step(&m, &mut w, 3, &keys(0), &mut ev); // no session at step 3
    let decay = (0.4 * m.dt).min(1.0);
    let i = 0.5 * (1.0 - decay);
    close(
        w.coll[0].intensity,
        i,
        "× (1 − intensity_decay × dt) without a session",
    );
    close(
        w.coll[1].intensity,
        0.3,
        "an ended collision keeps its intensity",
    );
    close(
        w.norm_brake[0],
        0.8 * (1.0 - 0.6 * i),
        "brake: loser × (1 − slowdown × intensity)",
    );
    close(w.norm_brake[1], 1.0 - 0.6 * i, "both norms braked");
    close(
        w.norm_brake[2],
        1.0,
        "norms of an ended collision are not braked",
    );
    close(
        w.norm_erosion[0],
        0.2 * i * m.dt,
        "dominant norm eroded: erosion × intensity × dt",
    );
    close(
        w.norm_erosion[1],
        0.0,
        "a norm that is not dominant is not eroded",
    );
    assert!(ev.is_empty(), "no session, no event");
    // A second active collision multiplies the brake; a debated one does not decay.
    active_state(&mut w, 1, 1, 0.4);
    w.coll[0].debated = true;
    let before = w.coll[0].intensity;
    step(&m, &mut w, 5, &keys(0), &mut ev);
    close(
        w.coll[0].intensity,
        before * (1.0 - decay),
        "the debated flag is reset each step",
    );
    close(w.coll[1].intensity, 0.4 * (1.0 - decay), "y decays too");
    // Large decay × dt is capped at full decay.
    m.collision.intensity_decay = 1e6;
    step(&m, &mut w, 7, &keys(0), &mut ev);
    close(w.coll[0].intensity, 0.0, "decay capped at 1");
}

#[test]
fn access_changes_apply_at_their_step_in_their_forum() {
    let mut m = model();
    m.forums[1].access_changes = vec![(3, 2, Access::None), (5, 0, Access::Restricted)];
    m.incompatibilities.clear();
    let mut w = world(&m);
    w.coll.clear();
    let mut ev = Vec::new();
    step(&m, &mut w, 2, &keys(0), &mut ev);
    assert!(
        w.access.iter().all(|a| *a == Access::Full),
        "nothing changes before step 3"
    );
    assert!(ev.is_empty(), "no event before step 3");
    step(&m, &mut w, 3, &keys(0), &mut ev);
    assert_eq!(
        w.access[3 + 2],
        Access::None,
        "forum g (index 1) × 3 coalitions + pv"
    );
    assert_eq!(
        w.access.iter().filter(|a| **a != Access::Full).count(),
        1,
        "only that entry"
    );
    assert_eq!(ev.len(), 1, "one event");
    assert!(
        ev[0].kind == EventKind::AccessChanged && ev[0].actor == "pv" && ev[0].forum == "g",
        "logged: {:?}",
        ev[0]
    );
    assert_eq!(
        (ev[0].step, ev[0].detail.as_str()),
        (3, "none"),
        "step and new access"
    );
}

// ---------------------------------------------------------------------------------------
// Sessions: articulation, agenda, uptake and endings across 4000 keys.

const DRAWS: u64 = 4000;

/// Share of `DRAWS` keys for which `f` holds, and its binomial standard error at `p`.
fn share_over_keys(f: impl Fn(u64) -> bool) -> f64 {
    (0..DRAWS).filter(|&k| f(k)).count() as f64 / DRAWS as f64
}

fn near(got: f64, p: f64, what: &str) {
    near_n(got, p, DRAWS, what);
}

/// `got`, a share over `n` draws, is within 4 binomial standard errors of `p`.
fn near_n(got: f64, p: f64, n: u64, what: &str) {
    let se = (p * (1.0 - p) / n as f64).sqrt().max(1e-3);
    assert!(
        (got - p).abs() < 4.0 * se,
        "{what}: {got:.4} across {n} draws, expected {p:.4} (4 SE = {:.4})",
        4.0 * se
    );
}

/// The model with articulation chances between 0.1 and 0.6.
fn eager() -> Model {
    let mut m = model();
    m.collision.articulation = 3.0;
    m.coalitions[2].power = 0.6;
    m
}

#[test]
fn articulation_draws_have_the_chances_of_the_coalitions() {
    let m = eager();
    let w = world(&m);
    let inc = m.incompatibilities[0].clone();
    let ps: Vec<f64> = (0..3)
        .map(|ci| {
            articulation_chance(&m, &w, 1, ci, &inc, 0)
                .unwrap()
                .1
                .min(1.0)
        })
        .collect();
    assert!(
        ps.iter().all(|p| *p > 0.05 && *p < 0.95),
        "chances inside (0, 1): {ps:?}"
    );
    let none: f64 = ps.iter().map(|p| 1.0 - p).product();
    for fi in [0, 1] {
        let got = share_over_keys(|k| articulate(&m, &w, fi, &inc, 0, &keys(k)).is_some());
        near(
            got,
            1.0 - none,
            &format!("forum {fi}: P(someone articulates) = 1 − Π(1 − p)"),
        );
    }
    // Who speaks: each succeeding coalition equally likely to have the lowest u / p.
    // P(c speaks) = p_c × E[1 / (1 + number of other successes)].
    let speaks = |c: usize| {
        let o: Vec<f64> = (0..3).filter(|&j| j != c).map(|j| ps[j]).collect();
        let (a, b) = (o[0], o[1]);
        ps[c] * ((1.0 - a) * (1.0 - b) + (a * (1.0 - b) + b * (1.0 - a)) / 2.0 + a * b / 3.0)
    };
    for c in 0..3 {
        let got =
            share_over_keys(|k| articulate(&m, &w, 1, &inc, 0, &keys(k)).map(|x| x.0) == Some(c));
        near(got, speaks(c), &format!("P(coalition {c} speaks)"));
    }
    // The side is the speaker's.
    for k in 0..200 {
        if let Some((c, s)) = articulate(&m, &w, 1, &inc, 0, &keys(k)) {
            assert_eq!(
                s,
                m.coalitions[c].side(0, 1).unwrap().0,
                "the speaker's side"
            );
        }
    }
}

#[test]
fn the_speaker_is_the_success_with_the_lowest_draw_relative_to_its_chance() {
    let m = eager();
    let w = world(&m);
    let inc = m.incompatibilities[0].clone();
    for fi in [0usize, 1] {
        let mut both = 0;
        for k in 0..DRAWS {
            let ks = keys(k);
            let mut best: Option<(f64, usize)> = None;
            for ci in 0..3 {
                let p = articulation_chance(&m, &w, fi, ci, &inc, 0).unwrap().1;
                let u = normlife::rng::draw(
                    ks.collision,
                    normlife::rng::id_key("x") ^ normlife::rng::id_key(&m.coalitions[ci].id),
                    1 + fi as u64,
                );
                if u < p && best.is_none_or(|b| u / p < b.0) {
                    if best.is_some() {
                        both += 1;
                    }
                    best = Some((u / p, ci));
                }
            }
            let got = articulate(&m, &w, fi, &inc, 0, &ks).map(|x| x.0);
            assert_eq!(
                got,
                best.map(|b| b.1),
                "forum {fi}, key {k}: the lowest u / p speaks"
            );
        }
        assert!(both > 50, "the check saw contested draws: {both}");
    }
}

/// Runs step `t` for key `k` from a copy of state `w`.
fn session_at(m: &Model, w: &World, t: u32, k: u64) -> (World, Vec<Event>) {
    let mut w = copy(m, w);
    let mut ev = Vec::new();
    step(m, &mut w, t, &keys(k), &mut ev);
    (w, ev)
}

/// The model with only incompatibility `x` (norms a, b) debated in forum f only.
fn one_collision() -> Model {
    let mut m = model();
    m.incompatibilities.truncate(1);
    m.incompatibilities[0].forums = vec![0];
    m.forums[1].sessions.clear();
    m
}

/// A copy of the parts of `w` the collision step reads and writes (`World` is not
/// `Clone`).
fn copy(m: &Model, w: &World) -> World {
    let mut c = World::new(m, 11);
    c.weight = w.weight.clone();
    c.adopted = w.adopted.clone();
    c.internalization = w.internalization.clone();
    c.values = w.values.clone();
    c.coal_values = w.coal_values.clone();
    c.access = w.access.clone();
    c.coll = w.coll.clone();
    c.norm_loser = w.norm_loser.clone();
    c.norm_brake = w.norm_brake.clone();
    c.norm_erosion = w.norm_erosion.clone();
    c
}

fn world_for(m: &Model) -> World {
    let mut w = world(m);
    w.coll.truncate(m.incompatibilities.len());
    w
}

#[test]
fn uptake_follows_the_answering_sides_weight() {
    let m = one_collision();
    let w = world_for(&m);
    let inc = m.incompatibilities[0].clone();
    let sd = sides(&m, &w, 0, &inc, 2);
    let mut n_art = [0u32; 2];
    let mut n_act = [0u32; 2];
    for k in 0..DRAWS {
        let Some((_, s)) = articulate(&m, &w, 0, &inc, 2, &keys(k)) else {
            continue;
        };
        let (w2, ev) = session_at(&m, &w, 2, k);
        n_art[s] += 1;
        let st = &w2.coll[0];
        assert_eq!(st.invoked, s, "the speaker's side is invoked");
        assert_eq!(
            st.articulated_step,
            Some(2),
            "articulation recorded at its step"
        );
        assert!(
            ev.iter().any(|e| matches!(e.kind, EventKind::CollisionArticulated { collision: 0, norms } if norms == [inc.norms[s], inc.norms[1 - s]])),
            "articulation event names invoked vs other norm"
        );
        if st.phase == Phase::Active {
            n_act[s] += 1;
            assert_eq!(st.activated_step, Some(2), "activated at its step");
            assert_eq!(st.activations, 1, "one activation");
            assert!(st.debated, "debated this session: no decay");
            close(st.intensity, 0.1, "fresh collisions start at intensity 0.1");
            let want = sd[1 - s]
                .strongest
                .map_or("member states".to_string(), |c| m.coalitions[c].id.clone());
            assert!(
                ev.iter()
                    .any(|e| e.kind == EventKind::CollisionActivated { collision: 0 }
                        && e.actor == want),
                "the answering side's strongest coalition takes it up ({want})"
            );
            let balance = 1.0 - asymmetry(sd[0].power, sd[1].power).0;
            let detail = format!("x: uptake (balance of power {balance:.2})");
            assert!(
                ev.iter().any(|e| e.detail == detail),
                "the activation reports the balance of power, 1 − asymmetry: {detail}"
            );
        } else {
            assert_eq!(st.phase, Phase::Latent, "no uptake: stays latent");
        }
    }
    for s in 0..2 {
        assert!(n_art[s] > 200, "both sides articulate: {n_art:?}");
        let ratio = (sd[1 - s].power / sd[s].power).min(1.0);
        let p = 0.8 * (0.25 + 0.75 * ratio);
        near_n(
            n_act[s] as f64 / n_art[s] as f64,
            p,
            n_art[s] as u64,
            &format!("uptake when side {s} articulates: uptake × (floor + (1 − floor) × min(answer / speaker, 1))"),
        );
    }
}

#[test]
fn without_an_answering_side_no_uptake() {
    let mut m = one_collision();
    m.forums[0].state_voice = 0.0;
    m.coalitions.truncate(1); // ch alone, on b
    m.coalitions[0].stance[0] = None;
    let w = world_for(&m);
    let mut art = 0;
    for k in 0..400 {
        let (w2, _) = session_at(&m, &w, 2, k);
        if w2.coll[0].articulated_step.is_some() {
            art += 1;
            assert_eq!(
                w2.coll[0].phase,
                Phase::Latent,
                "nobody answers: no activation"
            );
        }
    }
    assert!(art > 20, "ch articulates: {art}");
}

#[test]
fn an_active_collision_is_debated_intensified_and_ended_with_its_chances() {
    let mut m = one_collision();
    m.coalitions[1].platform = 1.0;
    let mut w = world_for(&m);
    w.access[0] = Access::Restricted; // ch and pv restricted in f
    w.access[2] = Access::Restricted;
    active_state(&mut w, 0, 0, 0.3);
    let inc = m.incompatibilities[0].clone();
    for (t, deciding) in [(2u32, false), (4, true)] {
        let sd = sides(&m, &w, 0, &inc, t);
        let view = [0, 1].map(|s| (sd[s].power, sd[s].push, sd[s].access));
        let (pc, pr, ps, weak) = ending_chances(&m.collision, &view, deciding);
        let push = sd[0].push + sd[1].push;
        let i = 0.3 + 0.5 * (1.0 - (-push).exp()) * 0.7;
        let mut n = [0u32; 4];
        for k in 0..DRAWS {
            let (w2, ev) = session_at(&m, &w, t, k);
            let st = &w2.coll[0];
            close(
                st.intensity,
                i,
                "intensity += gain × (1 − e^−push) × (1 − intensity)",
            );
            close(st.peak, i, "the peak follows");
            let o = match st.outcome {
                Some(Outcome::Compromised) => {
                    assert!(
                        ev.iter()
                            .any(|e| e.detail == "x: compromised (left to states)"),
                        "a compromise leaves the question to states"
                    );
                    0
                }
                Some(Outcome::Resolved) => {
                    assert_eq!(
                        st.winner,
                        Some(inc.norms[1 - weak]),
                        "the stronger side wins"
                    );
                    close(
                        w2.norm_loser[inc.norms[weak]],
                        0.5,
                        "loser × (1 − hierarchy_penalty)",
                    );
                    1
                }
                Some(Outcome::Suppressed) => 2,
                _ => {
                    assert_eq!(st.phase, Phase::Active, "no ending: still active");
                    assert!(ev.is_empty(), "no ending, no event");
                    3
                }
            };
            if o < 3 {
                assert_eq!(
                    (st.phase, st.ended_step),
                    (Phase::Ended, Some(t)),
                    "ended now"
                );
                assert!(
                    ev.iter()
                        .any(|e| matches!(e.kind, EventKind::CollisionEnded { collision: 0, .. })),
                    "ending logged"
                );
            }
            if o != 1 {
                close(
                    w2.norm_loser[0] * w2.norm_loser[1],
                    1.0,
                    "no hierarchy, no penalty",
                );
            }
            n[o] += 1;
        }
        let f = |x: u32| x as f64 / DRAWS as f64;
        let what = if deciding { "deciding" } else { "ordinary" };
        near(f(n[0]), pc, &format!("{what} session: compromise share"));
        near(f(n[1]), pr, &format!("{what} session: resolution share"));
        near(f(n[2]), ps, &format!("{what} session: suppression share"));
        assert!(
            pr > 0.02 && ps > 0.02,
            "the test constellation ends both ways: {pr} {ps}"
        );
        if deciding {
            assert!(pc > 0.01, "compromise possible at a deciding session: {pc}");
        }
    }
}

#[test]
fn finite_attention_gives_the_floor_to_the_jointly_pushed_collision() {
    // x (a vs b) pushed by ch and def from both sides; y (p vs v) by pv alone: with
    // capacity 1, y's weight (pushes × solo_agenda) is lower, so y is crowded out.
    let mut m = model();
    m.forums[1].sessions.clear();
    m.forums[0].state_voice = 0.0;
    m.coalitions[2].norms = vec![3]; // pv: v only
    m.collision.articulation = 50.0; // everyone articulates
    let mut w = world(&m);
    let inc = m.incompatibilities.clone();
    let sx = sides(&m, &w, 0, &inc[0], 2);
    let sy = sides(&m, &w, 0, &inc[1], 2);
    let weight = |s: &[collisions::Side; 2]| {
        (s[0].push + s[1].push) * (0.15 + 0.85 * contest(s[0].push, s[1].push))
    };
    assert!(
        weight(&sx) > weight(&sy),
        "x weighs more: {} vs {}",
        weight(&sx),
        weight(&sy)
    );
    let (w2, ev) = session_at(&m, &w, 2, 0);
    let crowded: Vec<&Event> = ev
        .iter()
        .filter(|e| matches!(e.kind, EventKind::CollisionCrowdedOut { .. }))
        .collect();
    assert_eq!(crowded.len(), 1, "capacity 1: one of two is crowded out");
    assert_eq!(
        crowded[0].kind,
        EventKind::CollisionCrowdedOut { collision: 1 },
        "the one-sided y"
    );
    assert_eq!(
        w2.coll[1].phase,
        Phase::Latent,
        "a crowded-out collision is not taken up"
    );
    // Give y a push from p's side stronger than x's: now y has the floor.
    m.coalitions.push(m.coalitions[1].clone());
    let c = m.coalitions.last_mut().unwrap();
    c.id = "pp".into();
    c.norms = vec![2];
    c.power = 3.0;
    w = world(&m);
    let (w2, ev) = session_at(&m, &w, 2, 0);
    assert!(
        ev.iter()
            .any(|e| e.kind == EventKind::CollisionCrowdedOut { collision: 0 }),
        "x crowded out once y is pushed harder from both sides"
    );
    assert_eq!(w2.coll[0].phase, Phase::Latent, "x not taken up");
    // An active collision is debated before a fresh one of lower weight.
    let mut m3 = model();
    m3.forums[1].sessions.clear();
    m3.collision.articulation = 50.0;
    let mut w3 = world(&m3);
    active_state(&mut w3, 1, 0, 0.3);
    let (w4, _) = session_at(&m3, &w3, 2, 1);
    let sy = sides(&m3, &w3, 0, &inc[1], 2);
    let sx = sides(&m3, &w3, 0, &inc[0], 2);
    if weight(&sy) > weight(&sx) {
        assert!(w4.coll[1].debated, "heavier active y debated");
    } else {
        assert!(
            !w4.coll[1].debated || w4.coll[0].phase == Phase::Latent,
            "lighter y waits"
        );
    }
}

#[test]
fn sessions_happen_only_in_their_forums_and_steps() {
    let mut m = one_collision();
    m.collision.articulation = 50.0;
    let w = world_for(&m);
    for k in 0..50 {
        let (w2, ev) = session_at(&m, &w, 3, k);
        assert!(
            ev.is_empty() && w2.coll[0].articulated_step.is_none(),
            "no session at odd steps"
        );
        let (w2, _) = session_at(&m, &w, 2, k);
        assert_eq!(
            w2.coll[0].articulated_step,
            Some(2),
            "articulated at every session"
        );
        assert_eq!(w2.coll[0].forum, Some(0), "in forum f");
    }
    // x may only be raised in forum g: f's sessions do nothing.
    let mut g = m.clone();
    g.incompatibilities[0].forums = vec![1];
    let (w2, _) = session_at(&g, &w, 2, 0);
    assert!(
        w2.coll[0].articulated_step.is_none(),
        "not in a forum it may be raised in"
    );
    // An active collision in forum g is not debated at forum f.
    let mut w3 = copy(&m, &w);
    active_state(&mut w3, 0, 1, 0.3);
    let (w4, ev) = session_at(&m, &w3, 2, 0);
    assert!(
        !w4.coll[0].debated && ev.is_empty(),
        "debated only in its own forum"
    );
    // A suppressed collision can be raised again, a resolved one cannot.
    let mut w5 = copy(&m, &w);
    w5.coll[0].phase = Phase::Ended;
    w5.coll[0].outcome = Some(Outcome::Suppressed);
    w5.coll[0].articulated_step = Some(1);
    let (w6, _) = session_at(&m, &w5, 2, 0);
    assert_eq!(
        w6.coll[0].articulated_step,
        Some(1),
        "first articulation kept"
    );
    assert!(
        w6.coll[0].articulated_by.is_some() && w6.coll[0].forum == Some(0),
        "a suppressed collision is raised again"
    );
    w5.coll[0].outcome = Some(Outcome::Resolved);
    w5.coll[0].forum = None;
    let (w7, _) = session_at(&m, &w5, 2, 0);
    assert_eq!(w7.coll[0].forum, None, "a resolved collision stays closed");
}

// ---------------------------------------------------------------------------------------
// Position shift toward the invoked norm.

#[test]
fn positions_shift_toward_the_invoked_norm_on_its_dimension() {
    let mut m = model();
    let mut w = world(&m);
    active_state(&mut w, 0, 0, 0.5); // x on dimension x, invoked b, by ch
    let before = copy(&m, &w);
    shift_positions(&m, &mut w);
    let rate = (0.3 * 0.5 * m.dt).min(1.0);
    for i in 0..w.n {
        let v0 = before.values[i * 2];
        close(
            w.values[i * 2],
            v0 + rate * (0.8 - v0),
            "state x pulled toward b's 0.8",
        );
        close(
            w.values[i * 2 + 1],
            before.values[i * 2 + 1],
            "other dimension untouched",
        );
    }
    close(
        w.coal_values[0],
        before.coal_values[0],
        "the articulating coalition keeps its view",
    );
    close(
        w.coal_values[4],
        before.coal_values[4],
        "a coalition on the invoked side keeps its view",
    );
    let v = before.coal_values[2];
    close(
        w.coal_values[2],
        v + rate * (0.8 - v),
        "the other side's coalition is pulled",
    );
    // y has no dimension: every dimension moves toward v's (0.5, 0.1).
    let mut w = copy(&m, &before);
    w.coll[0].phase = Phase::Ended;
    active_state(&mut w, 1, 0, 0.5);
    w.coll[1].invoked = 0;
    w.coll[1].articulated_by = Some(2);
    shift_positions(&m, &mut w);
    for (j, t) in [-0.5, 0.5].iter().enumerate() {
        let v0 = before.values[2 + j];
        close(
            w.values[2 + j],
            v0 + rate * (t - v0),
            "all dimensions toward p",
        );
    }
    // Off: no shift.
    m.collision.position_shift = 0.0;
    let mut w = copy(&m, &before);
    shift_positions(&m, &mut w);
    assert_eq!(w.values, before.values, "position_shift 0: nothing moves");
}

/// Agenda weight, the rule of finite attention: (push_a + push_b) × (solo_agenda +
/// (1 − solo_agenda) × contest). Over a grid of constellations, the collision crowded
/// out at a capacity-1 session is always the lighter one, and y gets the floor more
/// often as the push from its other side grows.
#[test]
fn the_agenda_ranks_collisions_by_joint_pushes() {
    let weight = |s: &[collisions::Side; 2]| {
        (s[0].push + s[1].push) * (0.15 + 0.85 * contest(s[0].push, s[1].push))
    };
    let mut y_first = Vec::new();
    for ch in [0.1, 0.2, 0.35, 0.5] {
        let mut wins = 0;
        for q in 0..40 {
            let mut m = model();
            m.forums[1].sessions.clear();
            m.forums[0].state_voice = 0.0;
            m.collision.articulation = 500.0;
            m.coalitions[0].power = ch;
            m.coalitions[2].norms = vec![3]; // pv: v only
            m.coalitions.push(m.coalitions[1].clone());
            let c = m.coalitions.last_mut().unwrap();
            c.id = "pp".into();
            c.norms = vec![2]; // p
            c.power = 0.05 + 0.3 * q as f64;
            let w = world(&m);
            let inc = m.incompatibilities.clone();
            let (wx, wy) = (
                weight(&sides(&m, &w, 0, &inc[0], 2)),
                weight(&sides(&m, &w, 0, &inc[1], 2)),
            );
            if (wx - wy).abs() < 1e-9 {
                continue;
            }
            let lighter = if wx < wy { 0 } else { 1 };
            let (w2, ev) = session_at(&m, &w, 2, q);
            assert!(
                w2.coll[0].articulated_step.is_some() && w2.coll[1].articulated_step.is_some(),
                "both articulated (ch {ch}, pp {q})"
            );
            let out: Vec<usize> = ev
                .iter()
                .filter_map(|e| match e.kind {
                    EventKind::CollisionCrowdedOut { collision } => Some(collision),
                    _ => None,
                })
                .collect();
            assert_eq!(
                out,
                vec![lighter],
                "the lighter collision is crowded out: weights x {wx:.3}, y {wy:.3} (ch {ch}, pp step {q})"
            );
            if lighter == 0 {
                wins += 1;
            }
        }
        y_first.push(wins);
    }
    eprintln!("grid points where y has the floor, by ch's power 0.1, 0.2, 0.35, 0.5: {y_first:?}");
    for i in 1..y_first.len() {
        assert!(
            y_first[i] <= y_first[i - 1],
            "a stronger push on x leaves y the floor less often: {y_first:?}"
        );
    }
    assert!(
        y_first[0] > y_first[3] && y_first[3] > 0 && y_first[0] < 40,
        "the grid crosses over at every power of ch: {y_first:?}"
    );
}
