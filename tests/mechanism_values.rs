//! The small functions of the mechanisms other than collisions (domestic, clusters,
//! internalization, the adoption rule's hazard split) at known values: each assertion
//! states the formula it measures, at values where every term matters. Runs in
//! milliseconds; with `tests/mechanisms.rs` it is what `cargo mutants` runs on these files
//! (docs/mutants.md).

mod common;
use common::*;
use normlife::mechanisms::adoption::{decide, hazard, Hazard, NormStep, View};
use normlife::mechanisms::{clusters, domestic, internalization};
use normlife::model::{Cause, World};

/// Results pass through f32 (internalization, movements): compared to 1e-6.
const EPS: f64 = 1e-6;

fn close(a: f64, b: f64, what: &str) {
    assert!((a - b).abs() < EPS, "{what}: got {a}, expected {b}");
}

fn model() -> normlife::model::Model {
    from_text(
        r#"[scenario]
name = "values"
steps = 4
seed = 5
[population]
n = 6
[[norms]]
id = "a"
initial_share = 0.0
[[norms]]
id = "b"
initial_share = 0.0
[[norms]]
id = "c"
initial_share = 0.0
"#,
        &[],
    )
    .model
}

#[test]
fn domestic_hazard_growth_and_damping() {
    close(
        domestic::hazard(0.3, 0.5),
        0.15,
        "hazard = rate × Δt × movement",
    );
    let m = domestic::grow(0.2, 0.5) as f64;
    close(
        m,
        (0.2f32 as f64) * (1.0 + 0.5 * (1.0 - 0.2f32 as f64)),
        "logistic growth m + g m (1 − m)",
    );
    assert!(domestic::grow(0.9, 50.0) <= 1.0, "growth capped at 1");
    close(
        domestic::institutionalization(0.4, false),
        0.4,
        "without a treaty: prevalence",
    );
    close(
        domestic::institutionalization(0.4, true),
        1.0,
        "a treaty in force: fully institutionalized",
    );
    close(
        domestic::institutionalization(1.7, false),
        1.0,
        "prevalence clamped to [0, 1]",
    );
    close(
        domestic::rate_dt(0.8, 0.25, 0.5, 0.6),
        0.8 * 0.25 * 0.7,
        "rate × Δt × (1 − damping × institutionalization)",
    );
    close(
        domestic::rate_dt(0.8, 0.25, 0.0, 0.6),
        0.2,
        "no damping: rate × Δt",
    );
    close(
        domestic::rate_dt(0.8, 0.25, 2.0, 0.9),
        0.0,
        "damping never makes the rate negative",
    );
}

#[test]
fn cluster_rate_fuzz_and_adjacent_norms() {
    let mut m = model();
    m.cluster_rate = 0.6;
    m.fuzziness = vec![0.5, 0.25, 0.0];
    m.dt = 0.25;
    close(
        clusters::rate_dt(&m, 0),
        0.6 * 0.5 * 0.25,
        "cluster_rate × fuzziness × Δt",
    );
    close(clusters::rate_dt(&m, 1), 0.6 * 0.25 * 0.25, "of norm b");
    let mut w = World::new(&m, 1);
    w.clarity = vec![0.4, 0.0, 0.0];
    close(
        clusters::fuzz(&m, &w, 0),
        0.5 * 0.6,
        "fuzziness × (1 − clarity)",
    );
    close(
        clusters::fuzz(&m, &w, 1),
        0.25,
        "no clarity: the full fuzziness",
    );
    // State 2 holds b (norm 1) since step 1, and took up c (norm 2) this step (3).
    let n = w.n;
    w.adopted = vec![false; w.k * n];
    w.changed_step = vec![0; w.k * n];
    w.adopted[n + 2] = true;
    w.changed_step[n + 2] = 1;
    w.adopted[2 * n + 2] = true;
    w.changed_step[2 * n + 2] = 3;
    assert!(
        clusters::adopted_neighbour(&w, &[1], 2, 3),
        "b held at the start of step 3"
    );
    assert!(
        !clusters::adopted_neighbour(&w, &[2], 2, 3),
        "c adopted this step: not yet held"
    );
    assert!(
        clusters::adopted_neighbour(&w, &[2], 2, 4),
        "c held from the next step"
    );
    assert!(
        !clusters::adopted_neighbour(&w, &[1, 2], 3, 3),
        "state 3 holds neither"
    );
    // State 4 dropped b this step: it held b at the start of the step.
    w.changed_step[n + 4] = 3;
    assert!(
        clusters::adopted_neighbour(&w, &[1], 4, 3),
        "dropped this step: held at its start"
    );
    close(
        clusters::adopted_share(&w, &[1, 2], 2, 3),
        0.5,
        "one of two neighbours held",
    );
    close(
        clusters::adopted_share(&w, &[1, 2], 2, 4),
        1.0,
        "both held next step",
    );
    close(
        clusters::adopted_share(&w, &[], 2, 3),
        0.0,
        "no neighbours: share 0",
    );
}

#[test]
fn internalization_growth_compliance_decay_and_backsliding() {
    let g = internalization::grow(0.2, 0.25) as f64;
    close(
        g,
        0.2f32 as f64 + 0.25 * (1.0 - 0.2f32 as f64),
        "i + g (1 − i)",
    );
    close(
        internalization::grow(0.2, 3.0) as f64,
        1.0,
        "growth per step capped at 1",
    );
    let c = internalization::follow(0.2, 0.6, 0.5) as f64;
    close(
        c,
        (0.2f32 as f64 + 0.5 * (0.6 - 0.2f32 as f64)) as f32 as f64,
        "c + speed (target − c)",
    );
    let c = internalization::follow(0.8, 0.2, 0.25) as f64;
    close(
        c,
        (0.8f32 as f64 + 0.25 * (0.2 - 0.8f32 as f64)) as f32 as f64,
        "compliance falls toward a lower target",
    );
    close(
        internalization::decay(0.5, 0.2) as f64,
        0.4,
        "x (1 − decay)",
    );
    close(
        internalization::decay(0.5, 5.0) as f64,
        0.0,
        "decay capped at 1",
    );
    let h = internalization::backslide_hazard(0.4, 0.25, 0.5, 0.6);
    close(
        h,
        0.4 * 0.6 * (1.0 - 0.25f32 as f64 / 0.5),
        "rate × counter × (1 − i / max_i)",
    );
    close(
        internalization::backslide_hazard(0.4, 0.5, 0.5, 0.6),
        0.0,
        "at max_i: no backsliding",
    );
    close(
        internalization::backslide_hazard(0.4, 0.1, 0.0, 0.6),
        0.0,
        "max_i 0: none",
    );
    close(
        internalization::backslide_hazard(0.4, 0.25, 0.5, 3.0),
        0.4 * 0.5,
        "counter-pressure clamped at 1",
    );
    let r = internalization::reported(0.4, 0.25) as f64;
    close(
        r,
        (0.4f32 as f64 + 0.25 * (1.0 - 0.4f32 as f64)) as f32 as f64,
        "a report closes gain × the gap",
    );
    close(
        internalization::reported(0.4, 7.0) as f64,
        1.0,
        "gain clamped at 1",
    );
}

#[test]
fn hazards_partition_the_draw_and_are_braked_alike() {
    let h = Hazard {
        dom: 0.1,
        per: 0.2,
        soc: 0.3,
        total: 0.7,
    };
    assert_eq!(h.cause(0.05), Cause::Domestic, "[0, dom)");
    assert_eq!(h.cause(0.25), Cause::Persuasion, "[dom, dom + per)");
    assert_eq!(h.cause(0.55), Cause::Socialization, "[dom + per, + soc)");
    assert_eq!(h.cause(0.65), Cause::Cluster, "the rest: cluster");
    // Above 1, the draw is scaled by the total: causes in proportion to their hazards.
    let big = Hazard {
        dom: 1.0,
        per: 0.5,
        soc: 0.5,
        total: 2.0,
    };
    assert_eq!(big.cause(0.45), Cause::Domestic, "0.9 of 2: domestic");
    assert_eq!(big.cause(0.6), Cause::Persuasion, "1.2 of 2: persuasion");
    assert_eq!(
        big.cause(0.9),
        Cause::Socialization,
        "1.8 of 2: socialization"
    );
    assert_eq!(
        decide(&h, || 0.69),
        Some(Cause::Cluster),
        "a draw below the total adopts"
    );
    assert_eq!(decide(&h, || 0.71), None, "a draw above the total does not");
    let none = Hazard {
        dom: 0.0,
        per: 0.0,
        soc: 0.0,
        total: 0.0,
    };
    assert_eq!(decide(&none, || 0.0), None, "no hazard, no adoption");
    let sure = Hazard {
        dom: 0.0,
        per: 0.0,
        soc: 1.0,
        total: 1.0,
    };
    assert_eq!(
        decide(&sure, || panic!("no draw")),
        Some(Cause::Socialization),
        "a certain socialization takes no draw"
    );

    // The rule: brake × each hazard, total their sum.
    let m = model();
    let w = World::new(&m, 1);
    let shares = vec![0.0; w.n_regions.max(1)];
    let mut ns = NormStep::new(&m, &w, 0, 1, &shares, true);
    ns.rate_dt = 0.2;
    ns.cluster_dt = 0.3;
    ns.extra_pressure = 0.0;
    ns.count_unit = false;
    ns.brake = 1.0;
    let v = View {
        pressure: 0.0,
        mult: 1.0,
        theta: 0.5,
        movement: 0.5,
        lobbying: 0.25,
        count: 0,
        cluster: true,
        resist: 1.0,
    };
    let free = hazard(&ns, &v, || 0.0);
    ns.brake = 0.4;
    let b = hazard(&ns, &v, || 0.0);
    close(free.dom, 0.1, "domestic: rate × movement");
    close(free.per, 0.25, "persuasion: this step's lobbying");
    close(b.dom, 0.4 * free.dom, "domestic braked");
    close(b.per, 0.4 * free.per, "persuasion braked");
    close(b.soc, 0.4 * free.soc, "socialization braked");
    close(
        free.total - free.dom - free.per - free.soc,
        0.3,
        "cluster: cluster rate",
    );
    close(
        b.total - b.dom - b.per - b.soc,
        0.4 * 0.3,
        "cluster braked alike",
    );
    let off = View {
        cluster: false,
        ..v
    };
    close(
        hazard(&ns, &off, || 0.0).total,
        b.dom + b.per + b.soc,
        "no adopted neighbour: no cluster term",
    );
}

/// Peer pressure: a_sys × system share + a_reg × regional share + a_net × network share;
/// the count a count threshold reads comes from the first scope with weight.
#[test]
fn pressure_and_the_counted_scope() {
    use normlife::mechanisms::adoption::{pressure, view};
    let m = model();
    let mut w = World::new(&m, 1);
    let shares = vec![0.6; w.n_regions.max(1)];
    let mut ns = NormStep::new(&m, &w, 0, 1, &shares, false);
    ns.scope = [0.5, 0.3, 0.2];
    ns.sys = 0.4;
    // No network: degree 0 and no weights, so the network share is 0 and its term adds
    // nothing (p + a_net × 0).
    w.nb_count = vec![0; w.k * w.n];
    w.nb_ew.clear();
    close(
        pressure(&ns, &w, 1, 1),
        0.5 * 0.4 + 0.3 * 0.6,
        "a_sys × sys + a_reg × region",
    );
    ns.scope = [0.0, 0.0, 0.0];
    close(pressure(&ns, &w, 1, 1), 0.0, "no scope weight: no pressure");
    // Counts.
    ns.count_unit = true;
    ns.sys_count = 7;
    let r = w.region[1] as usize;
    w.count_reg[r] = 3; // norm 0
    w.nb_count[1] = 2;
    let lob = vec![0.0f32; w.k * w.n];
    let count = |ns: &NormStep, w: &World| view(ns, &lob, w, 1, 1, 0.0, 1.0).count;
    ns.scope = [0.5, 0.5, 0.0];
    assert_eq!(count(&ns, &w), 7, "system scope weighted: the system count");
    ns.scope = [0.0, 0.5, 0.5];
    assert_eq!(
        count(&ns, &w),
        3,
        "regional scope first: the region's count"
    );
    ns.scope = [0.0, 0.0, 1.0];
    assert_eq!(count(&ns, &w), 2, "network only: adopting neighbours");
    ns.count_unit = false;
    assert_eq!(count(&ns, &w), 0, "share thresholds read no count");
}

/// A rate of the adopters' step and how to make it non-zero.
type Setter = (&'static str, fn(&mut NormStep));

/// Internalization needs no visit only when every one of its rates is zero.
#[test]
fn internalization_is_static_only_with_all_rates_zero() {
    let m = model();
    let w = World::new(&m, 1);
    let shares = vec![0.0; w.n_regions.max(1)];
    let mut ns = NormStep::new(&m, &w, 0, 1, &shares, false);
    let zero = |ns: &mut NormStep| {
        ns.intern_dt = 0.0;
        ns.inst_dt = 0.0;
        ns.erosion = 0.0;
        ns.speed_dt = 0.0;
        ns.decay_dt = 0.0;
    };
    zero(&mut ns);
    assert!(ns.static_internalization(), "all rates zero: static");
    let setters: [Setter; 5] = [
        ("habit and law", |n| n.intern_dt = 0.1),
        ("institutional growth", |n| n.inst_dt = 0.1),
        ("erosion", |n| n.erosion = 0.1),
        ("compliance speed", |n| n.speed_dt = 0.1),
        ("decay", |n| n.decay_dt = 0.1),
    ];
    for (what, set) in setters {
        zero(&mut ns);
        set(&mut ns);
        assert!(!ns.static_internalization(), "{what} non-zero: not static");
    }
}

/// Coalition life at known values: a `share` goal is met when the adopters of *its* norm
/// (not another norm's) hold that share of the weight, and monitoring's funding accrues at
/// `monitoring.funding` per year, i.e. × Δt per step.
/// A coalition acts from its start step on, not before: a goal already met and monitoring
/// due from step 0 are registered at the start step (3), neither earlier nor later.
#[test]
fn a_coalition_acts_from_its_start_step() {
    use normlife::mechanisms::coalition_life;
    let m = from_text(
        r#"[scenario]
name = "late"
steps = 8
[population]
n = 4
[[norms]]
id = "a"
initial_share = 1.0
[[coalitions]]
id = "c"
norms = ["a"]
power = 0.5
start_step = 3
targets_per_step = 0
goal = { norm = "a", kind = "share", share = 0.5 }
monitoring = { step = 0, strength = 1.0 }
"#,
        &[],
    )
    .model;
    let mut w = World::new(&m, 1);
    let mut ev = Vec::new();
    for t in 1..=4 {
        coalition_life::step(&m, &mut w, t, &mut ev);
    }
    let at: Vec<(u32, &str)> = ev.iter().map(|e| (e.step, e.kind.name())).collect();
    assert_eq!(
        at,
        vec![
            (3, "coalition_formed"),
            (3, "goal_met"),
            (3, "monitoring_started")
        ],
        "events of a coalition starting at step 3 whose goal is met and monitoring due from the start"
    );
}

/// Six states, quarterly steps, norms `a` and `b` held by none, and a coalition `c` on `b`
/// that lobbies no one; `extra` completes the coalition (goal, monitoring) and adds tables.
fn coalition_on_b(extra: &str) -> normlife::model::Model {
    from_text(
        &format!(
            "[scenario]\nname = \"coalition\"\nsteps = 12\nstep_years = 0.25\n[population]\nn = 6\n\
             [[norms]]\nid = \"a\"\ninitial_share = 0.0\n[[norms]]\nid = \"b\"\ninitial_share = 0.0\n\
             [[coalitions]]\nid = \"c\"\nnorms = [\"b\"]\npower = 0.5\ntargets_per_step = 0\n{extra}"
        ),
        &[],
    )
    .model
}

/// A monitoring report: due every `report_every` years counted from the step monitoring
/// began (here step 3, quarterly steps: steps 7, 11, …), it counts the present adopters
/// of the coalition's norm and those with compliance below one half (0.5 itself is not
/// short), and sets the norm's report strength for the step.
#[test]
fn a_monitoring_report_counts_present_adopters_and_the_visibly_short() {
    use normlife::mechanisms::coalition_life;
    use normlife::model::EventKind;
    let m = coalition_on_b(
        "monitoring = { step = 3, strength = 0.8 }\n[monitoring]\nreporting = 0.5\nreport_every = 1.0\n",
    );
    let n = 6;
    let mut w = World::new(&m, 1);
    w.monitoring_on[0] = true;
    w.monitoring_from[0] = 3;
    // b: states 0-4 adopted (3 is absent); 0 and 4 short (0.2, 0.3), 1 at exactly 0.5,
    // 2 at 0.9. a: states 4 and 5 adopted with compliance 0 (another norm: not counted).
    for (i, c) in [(0, 0.2), (1, 0.5), (2, 0.9), (3, 0.1), (4, 0.3)] {
        w.adopted[n + i] = true;
        w.compliance[n + i] = c;
    }
    w.present[3] = false;
    for i in [4, 5] {
        w.adopted[i] = true;
        w.compliance[i] = 0.0;
    }
    let mut ev = Vec::new();
    for t in 4..=11 {
        coalition_life::reports(&m, &mut w, t, &mut ev);
        let due = t == 7 || t == 11;
        assert_eq!(
            (w.report[0], w.report[1]),
            (0.0, if due { 0.8 } else { 0.0 }),
            "step {t}: report strength of a and b (reports due at steps 7 and 11)"
        );
    }
    let got: Vec<(u32, Option<usize>, EventKind)> =
        ev.iter().map(|e| (e.step, e.norm, e.kind)).collect();
    let report = EventKind::MonitoringReport {
        adopters: 4,
        short: 2,
    };
    assert_eq!(
        got,
        vec![(7, Some(1), report), (11, Some(1), report)],
        "reports on b at steps 7 and 11: 4 present adopters, 2 below one half"
    );
}

#[test]
fn share_goal_and_monitoring_funding_per_year() {
    use normlife::mechanisms::coalition_life;
    let m = coalition_on_b(
        "goal = { norm = \"b\", kind = \"share\", share = 0.5 }\nmonitoring = { step = 1, strength = 1.0 }\n[monitoring]\nfunding = 0.4\n",
    );
    let mut ev = Vec::new();
    let n = 6;
    // Two of six states hold b (and every state holds a): a third of the weight, not met.
    let mut w = World::new(&m, 1);
    for i in 0..n {
        w.adopted[i] = true;
    }
    w.adopted[n + 4] = true;
    w.adopted[n + 5] = true;
    coalition_life::step(&m, &mut w, 1, &mut ev);
    assert_eq!(
        w.goal_met[0], None,
        "share goal: 2 of 6 adopters of b < 0.5"
    );
    // Three of six: met at this step.
    w.adopted[n + 3] = true;
    coalition_life::step(&m, &mut w, 2, &mut ev);
    assert_eq!(
        w.goal_met[0],
        Some(2),
        "share goal: 3 of 6 adopters of b ≥ 0.5"
    );
    // Monitoring funding: + funding × Δt per step while monitoring runs.
    assert!(w.monitoring_on[0], "monitoring from step 1");
    let pool = w.pool[0];
    let before = w.resources[pool];
    coalition_life::step(&m, &mut w, 3, &mut ev);
    let gained = w.resources[pool] - before;
    close(
        gained,
        0.4 * 0.25,
        "monitoring funding per quarterly step = 0.4 / year × 0.25",
    );
}

/// A ratification lag from one uniform draw is the distribution's quantile; for a Beta
/// lag, the normal approximation with the Beta's mean a/(a+b) and variance
/// ab/((a+b)²(a+b+1)): the median is the mean, one standard deviation above sits at the
/// normal quantile 0.841 (values where every term matters).
#[test]
fn uniform_beta_and_listed_ratification_lag_quantiles() {
    use normlife::mechanisms::treaties::sample_lag;
    use normlife::model::dist::inverse_normal_cdf;
    use normlife::model::Dist;
    let d = Dist::Beta { a: 2.0, b: 6.0 };
    let mean = 2.0 / 8.0;
    let sd = (12.0f64 / (64.0 * 9.0)).sqrt();
    close(
        sample_lag(&d, 0.5),
        mean,
        "Beta(2, 6) lag median = mean 0.25",
    );
    let u = 0.8413447460685429;
    close(
        sample_lag(&d, u),
        mean + sd * inverse_normal_cdf(u),
        "Beta(2, 6) lag at u = Φ(1) = mean + 1 sd (sd² = ab/((a+b)²(a+b+1)))",
    );
    // Uniform lags: the quantile min + (max − min) × u.
    let uni = Dist::Uniform {
        min: 1.0,
        max: 3.0,
        quantiles: false,
    };
    for (u, want) in [(0.0, 1.0), (0.25, 1.5), (0.9, 2.8)] {
        close(
            sample_lag(&uni, u),
            want,
            &format!("uniform lag on [1, 3] at u = {u}"),
        );
    }
    // Listed lags: the draw picks the ⌊u × len⌋-th, so each is equally likely.
    let l = Dist::List(vec![1.0, 2.0, 3.0, 4.0]);
    for (u, want) in [(0.1, 1.0), (0.3, 2.0), (0.6, 3.0), (0.99, 4.0)] {
        close(
            sample_lag(&l, u),
            want,
            &format!("listed lags [1, 2, 3, 4] at u = {u}"),
        );
    }
}

/// Peer pressure's hazard at known values, each response: threshold (1 at or above θ, 0
/// below), linear (rate × Δt × (p − θ)⁺) and logistic (rate × Δt × the logistic shifted to
/// 0 at no pressure and rescaled: (L(p) − L(0)) / (1 − L(0))).
#[test]
fn peer_pressure_hazard_per_response() {
    use normlife::mechanisms::socialization::{count_hazard, hazard};
    let base = model();
    let mut s = base.socialization.clone();
    s.rate = 0.4;
    s.steepness = 10.0;
    s.response = normlife::model::Response::Threshold;
    close(hazard(&s, 0.5, 0.6, 0.5), 1.0, "threshold: p ≥ θ adopts");
    close(hazard(&s, 0.5, 0.4, 0.5), 0.0, "threshold: p < θ does not");
    close(
        count_hazard(&s, 0.5, 3, 1.0, 3.0),
        1.0,
        "count threshold: 3 ≥ 3",
    );
    close(
        count_hazard(&s, 0.5, 2, 1.0, 3.0),
        0.0,
        "count threshold: 2 < 3",
    );
    s.response = normlife::model::Response::Linear;
    close(
        hazard(&s, 0.5, 0.8, 0.5),
        0.4 * 0.5 * 0.3,
        "linear: rate × Δt × (p − θ)",
    );
    close(hazard(&s, 0.5, 0.3, 0.5), 0.0, "linear: nothing below θ");
    s.response = normlife::model::Response::Logistic;
    let l = |x: f64| 1.0 / (1.0 + (-10.0f64 * (x - 0.5)).exp());
    close(
        hazard(&s, 0.5, 0.7, 0.5),
        0.4 * 0.5 * (l(0.7) - l(0.0)) / (1.0 - l(0.0)),
        "logistic: rate × Δt × (L(p) − L(0)) / (1 − L(0))",
    );
    close(
        hazard(&s, 0.5, 0.0, 0.5),
        0.0,
        "logistic: no pressure, no hazard",
    );
}

/// A coalition lobbying for two norms with the random strategy draws its targets for each
/// norm independently: over 300 steps' keys, with one target per norm among 1,000 states,
/// both norms' targets coincide about 300/1,000 times by chance, not at every step.
#[test]
fn random_targets_are_drawn_independently_per_norm() {
    use normlife::mechanisms::persuasion::{plan, Lobbying};
    use normlife::rng::Keys;
    let m = from_text(
        "[scenario]\nname = \"targets\"\nsteps = 4\n[population]\nn = 1000\n\
         [[norms]]\nid = \"a\"\ninitial_share = 0.0\n[[norms]]\nid = \"b\"\ninitial_share = 0.0\n\
         [[coalitions]]\nid = \"c\"\nnorms = [\"a\", \"b\"]\npower = 0.5\nstrategy = \"random\"\n\
         targets_per_step = 1\ncost_per_target = 0.0\n",
        &[],
    )
    .model;
    let n = 1000;
    let mut same = 0;
    for k in 0..300u64 {
        let mut w = World::new(&m, 1);
        let mut lob = Lobbying::new(n, 2);
        let keys = Keys {
            adopt: 1,
            backslide: 2,
            target: k.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xABCD,
            ratify: 4,
            collision: 5,
        };
        plan(&m, &mut w, &mut lob, &keys, 1);
        let of = |norm: usize| {
            lob.touched
                .iter()
                .map(|&x| x as usize)
                .filter(|x| x / n == norm)
                .map(|x| x % n)
                .collect::<Vec<_>>()
        };
        let (a, b) = (of(0), of(1));
        assert_eq!((a.len(), b.len()), (1, 1), "one target per norm");
        same += (a == b) as u32;
    }
    assert!(
        same <= 6,
        "both norms' random targets coincided in {same} of 300 steps (chance: about 0.3)"
    );
}

/// The boomerang (`persuasion.mobilisation`): after the step, each lobbied state that did
/// not adopt has its movement raised by mobilisation × (1 − movement); an adopter's is left
/// alone; the lobbying is cleared; with mobilisation 0 nothing moves.
#[test]
fn lobbying_that_did_not_persuade_mobilises_the_movement() {
    use normlife::mechanisms::persuasion::{mobilise, Lobbying};
    for mob in [0.0, 0.5] {
        let m = from_text(
            &format!(
                "[scenario]\nname = \"boomerang\"\nsteps = 2\n[population]\nn = 4\n\
                 [[norms]]\nid = \"a\"\ninitial_share = 0.0\n[persuasion]\nmobilisation = {mob}\n"
            ),
            &[],
        )
        .model;
        let mut w = World::new(&m, 1);
        for i in 0..4 {
            w.movement[i] = 0.2;
        }
        w.adopted[1] = true;
        let mut lob = Lobbying::new(4, 1);
        lob.add(0, 0.1);
        lob.add(1, 0.1);
        let changed = mobilise(&m, &mut w, &mut lob);
        assert_eq!(
            changed,
            mob > 0.0,
            "mobilisation {mob}: movements may change"
        );
        let want0 = if mob > 0.0 { 0.2 + 0.5 * 0.8 } else { 0.2 };
        close(
            w.movement[0] as f64,
            want0,
            &format!("mobilisation {mob}: lobbied non-adopter's movement"),
        );
        close(
            w.movement[1] as f64,
            0.2,
            "an adopter's movement is left alone",
        );
        close(
            w.movement[2] as f64,
            0.2,
            "an unlobbied state's movement is left alone",
        );
        assert!(
            lob.touched.is_empty() && lob.pers.iter().all(|&p| p == 0.0),
            "the lobbying is cleared"
        );
    }
}
