//! Mechanisms beyond the collision core, each tested as a trend over its parameter (or a
//! distribution across replicates) at several scenario seeds:
//!
//! * proportional cause attribution when the hazards of several causes sum above 1;
//! * domestic influence lessening once a norm is institutionalized (F&S 1998);
//! * the reporting cycle of monitoring (seed 004: Landmine Monitor's annual reports);
//! * enforcement through adjacent norms of a cluster (seed 001);
//! * constellations changing during a run: coalition mergers (seed 004: ICBL and CMC) and
//!   access changes (seed 000: opening a forum "enabled more contentious debates").

mod common;
use common::*;
use normlife::observe::{CollisionRecord, Outcome, RunResult};
use normlife::scenario::Scenario;
use rayon::prelude::*;

/// Scenario seeds every trend is checked at.
const SEEDS: [u64; 3] = [1, 2, 3];

/// Runs replicates `0..r` of `text` with `set` overrides at scenario seed `seed`.
fn runs(text: &str, seed: u64, set: &[String], r: u64) -> Vec<RunResult> {
    let mut all: Vec<String> = vec![format!("scenario.seed={seed}")];
    all.extend(set.iter().cloned());
    let all: Vec<&str> = all.iter().map(|s| s.as_str()).collect();
    let sc: Scenario = from_text(text, &all);
    (0..r)
        .into_par_iter()
        .map(|i| normlife::engine::run(&sc.model, i))
        .collect()
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = xs.collect();
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

/// Asserts that `ys` along `xs` fall (`sign` = -1) or rise (`sign` = 1): no step moves
/// against the trend by more than `tol`, and the last differs from the first by more than
/// `margin` in the trend's direction.
fn assert_trend(what: &str, xs: &[f64], ys: &[f64], sign: f64, tol: f64, margin: f64) {
    eprintln!("{what}: {xs:?} -> {ys:?}");
    for i in 1..ys.len() {
        assert!(
            sign * (ys[i] - ys[i - 1]) >= -tol,
            "{what} should {} along {xs:?}: {ys:?}",
            if sign > 0.0 { "rise" } else { "fall" }
        );
    }
    let d = sign * (ys[ys.len() - 1] - ys[0]);
    assert!(
        d > margin,
        "{what} should {} by more than {margin} from first to last along {xs:?}: {ys:?}",
        if sign > 0.0 { "rise" } else { "fall" }
    );
}

// ---------------------------------------------------------------------------------------
// Proportional cause attribution.

/// 2,000 states with a domestic movement of strength 1 and a threshold of 0 under the
/// deterministic response: in step 1 every non-adopter faces a domestic hazard `rate` and
/// a socialization hazard 1, summing above 1, so every one adopts.
const ATTRIBUTION: &str = r#"[scenario]
name = "attribution"
steps = 1
[population]
n = 2000
threshold = 0.0
domestic_movement = 1.0
[[norms]]
id = "n"
initial_share = 0.05
[socialization]
response = "threshold"
"#;

/// With hazards summing above 1, every draw adopts and the cause is recorded in proportion
/// to the hazards (domestic share = h_dom / (h_dom + h_soc)), not in the fixed order of
/// the partition (which recorded every such adoption as domestic). Same one draw.
#[test]
fn causes_are_attributed_in_proportion_to_their_hazards() {
    for seed in SEEDS {
        for rate in [1.0, 2.0, 3.0] {
            let r = &runs(ATTRIBUTION, seed, &[format!("domestic.rate={rate}")], 1)[0];
            let row = r.rows.iter().find(|x| x.step == 1).expect("step 1");
            let (d, s) = (row.new_domestic as f64, row.new_socialization as f64);
            let expect = rate / (rate + 1.0);
            let got = d / (d + s);
            let se = (expect * (1.0 - expect) / (d + s)).sqrt();
            eprintln!("seed {seed}, domestic hazard {rate} vs socialization 1: domestic share {got:.3} (expected {expect:.3})");
            assert!(
                d + s > 1800.0,
                "every non-adopter adopts when the hazards sum above 1: {d} + {s}"
            );
            assert!(
                (got - expect).abs() < 4.0 * se,
                "domestic share of adoptions with hazards {rate} (domestic) and 1 (socialization): got {got:.3}, expected {expect:.3} ± {:.3}",
                4.0 * se
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Domestic influence declines with institutionalization.

/// A life cycle: 300 states, domestic movements, a persuading coalition and a logistic
/// cascade around thresholds near 0.3.
const LIFECYCLE: &str = r#"[scenario]
name = "damping"
steps = 80
[population]
n = 300
threshold = { dist = "normal", mean = 0.3, sd = 0.1, min = 0.0, max = 1.0 }
domestic_movement = { dist = "beta", a = 1.0, b = 3.0 }
[[norms]]
id = "n"
initial_share = 0.02
[domestic]
rate = 0.05
[socialization]
response = "logistic"
rate = 0.3
"#;

/// F&S: domestic influences "lessen significantly once a norm has become institutionalized".
/// Over a grid of `domestic.institutional_damping`, domestic-cause adoptions after the
/// tipping point fall, at every seed; with no damping they are not negligible (so the
/// trend measures the damping, not an empty quantity).
#[test]
fn domestic_adoptions_after_tipping_fall_with_institutional_damping() {
    let grid = [0.0, 0.25, 0.5, 0.75, 1.0];
    for seed in SEEDS {
        let ys: Vec<f64> = grid
            .iter()
            .map(|&d| {
                let rs = runs(
                    LIFECYCLE,
                    seed,
                    &[format!("domestic.institutional_damping={d}")],
                    40,
                );
                mean(rs.iter().map(|r| {
                    let tip = r.norms[0].tipping.map_or(u32::MAX, |m| m.step);
                    r.rows
                        .iter()
                        .filter(|x| x.step > tip)
                        .map(|x| x.new_domestic as f64)
                        .sum()
                }))
            })
            .collect();
        assert!(
            ys[0] > 3.0,
            "seed {seed}: without damping, domestic adoptions after tipping should be many: {ys:?}"
        );
        assert_trend(
            &format!("seed {seed}: mean domestic-cause adoptions after the tipping point vs institutional_damping"),
            &grid,
            &ys,
            -1.0,
            0.5,
            0.3 * ys[0],
        );
    }
}

/// A treaty in force counts as full institutionalization: with damping 1 no state adopts
/// for domestic reasons once the treaty is in force.
#[test]
fn no_domestic_adoptions_under_a_treaty_in_force_with_full_damping() {
    let text = format!(
        "{LIFECYCLE}[norms.treaty]\nopens_step = 1\nentry_into_force = 10\nratification_lag = 0.0\n"
    );
    for seed in SEEDS {
        let rs = runs(
            &text,
            seed,
            &["domestic.institutional_damping=1".into()],
            20,
        );
        for r in &rs {
            let eif = r.norms[0].entry_into_force_step.expect("in force");
            let after: u64 = r
                .rows
                .iter()
                .filter(|x| x.step > eif)
                .map(|x| x.new_domestic)
                .sum();
            assert_eq!(
                after, 0,
                "seed {seed}: domestic adoptions after entry into force with damping 1"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Reporting under monitoring.

/// 200 states, 60% adopters with low internalization (compliance lags), backsliding on; a
/// coalition monitors from step 2 (strength 1), no compliance gain from monitoring alone,
/// so the trend isolates reporting.
const MONITORED: &str = r#"[scenario]
name = "reporting"
steps = 20
[population]
n = 200
monitoring_acceptance = { dist = "uniform", min = 0.3, max = 1.0 }
[[norms]]
id = "n"
initial_share = 0.6
[[coalitions]]
id = "monitor"
norms = ["n"]
power = 0.5
targets_per_step = 0
monitoring = { step = 2, strength = 1.0 }
[internalization]
habit = 0.02
law = 0.0
compliance_speed = 0.3
[backsliding]
rate = 0.3
max_internalization = 0.5
[monitoring]
compliance = 0.0
shaming = 0.0
"#;

/// Seed 004: monitoring "raises compliance and reporting" and shames violators. Over a
/// grid of `monitoring.reporting`, adopters' compliance 13 years into monitoring rises and
/// backslides under monitoring fall, at every seed; one `monitoring_report` event per year after the first.
#[test]
fn reporting_under_monitoring_raises_compliance_and_lowers_backsliding() {
    let grid = [0.0, 0.1, 0.3, 0.6, 1.0];
    for seed in SEEDS {
        let mut comp = Vec::new();
        let mut back = Vec::new();
        for &x in &grid {
            let rs = runs(MONITORED, seed, &[format!("monitoring.reporting={x}")], 30);
            let reports = rs[0]
                .events
                .iter()
                .filter(|e| e.kind == "monitoring_report")
                .count();
            assert_eq!(
                reports,
                if x > 0.0 { 18 } else { 0 },
                "seed {seed}, reporting {x}: annual reports from step 3 to 20"
            );
            comp.push(mean(rs.iter().map(|r| {
                let row = r.rows.iter().find(|x| x.step == 15).unwrap();
                row.compliance / row.weighted_share.max(1e-9)
            })));
            back.push(mean(rs.iter().map(|r| {
                r.rows
                    .iter()
                    .filter(|x| x.step > 2)
                    .map(|x| x.backslides as f64)
                    .sum()
            })));
        }
        assert_trend(
            &format!("seed {seed}: adopters' mean compliance at step 15 vs monitoring.reporting"),
            &grid,
            &comp,
            1.0,
            0.0,
            0.2,
        );
        assert_trend(
            &format!("seed {seed}: backslides per run under monitoring (after step 2) vs monitoring.reporting"),
            &grid,
            &back,
            -1.0,
            1.0,
            0.2 * back[0],
        );
    }
}

// ---------------------------------------------------------------------------------------
// Adjacent-norm enforcement in clusters.

/// Two norms in a fuzzy cluster (0.8), each held by half the states at random.
const CLUSTER: &str = r#"[scenario]
name = "adjacent"
steps = 30
[population]
n = 300
[[norms]]
id = "a"
initial_share = 0.5
initial_internalization = 0.2
[[norms]]
id = "b"
initial_share = 0.5
initial_internalization = 0.2
[[clusters]]
id = "c"
norms = ["a", "b"]
fuzziness = 0.8
[clustering]
infer = "none"
rate = 0.0
"#;

/// Seed 001: after formal adoption, enforcement uses "adjacent norms such as forced labor
/// to increase chances of conviction". Over a grid of `clustering.adjacent_enforcement`,
/// the compliance of adopters of `a` rises, at every seed — and only through the adjacent
/// norm: with nobody holding `b`, the grid changes nothing.
#[test]
fn adjacent_norm_enforcement_raises_compliance_in_a_fuzzy_cluster() {
    let grid = [0.0, 0.25, 0.5, 1.0];
    let ratio = |r: &RunResult| {
        let row = r.rows.iter().find(|x| x.step == 30 && x.norm == 0).unwrap();
        row.compliance / row.internalization.max(1e-9)
    };
    for seed in SEEDS {
        let ys: Vec<f64> = grid
            .iter()
            .map(|&x| {
                let rs = runs(
                    CLUSTER,
                    seed,
                    &[format!("clustering.adjacent_enforcement={x}")],
                    10,
                );
                mean(rs.iter().map(ratio))
            })
            .collect();
        assert_trend(
            &format!("seed {seed}: compliance / internalization of norm a at step 30 vs adjacent_enforcement"),
            &grid,
            &ys,
            1.0,
            0.0,
            0.15,
        );
        let alone: Vec<f64> = grid
            .iter()
            .map(|&x| {
                let rs = runs(
                    CLUSTER,
                    seed,
                    &[
                        format!("clustering.adjacent_enforcement={x}"),
                        "norms.b.initial_share=0".into(),
                    ],
                    5,
                );
                mean(rs.iter().map(ratio))
            })
            .collect();
        assert!(
            alone.iter().all(|&y| y == alone[0]),
            "seed {seed}: with no adopter of the adjacent norm, adjacent_enforcement must change nothing: {alone:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Constellations that change during a run: mergers and access changes.

/// A dominant norm `a` (80%) and a challenger norm `b` (10%); the challenger coalition
/// `ch` has only restricted access to forum `f`; a campaign `cm` on a third norm `c` (not
/// in the collision) has full access; a defender `def` of `a` has full access.
fn constellation(extra: &str) -> String {
    format!(
        r#"{}[[norms]]
id = "c"
initial_share = 0.1
[[coalitions]]
id = "ch"
norms = ["b"]
power = 0.15
values = [0.6]
stance = {{ a = "challenge" }}
[[coalitions]]
id = "cm"
norms = ["c"]
power = 0.6
values = [0.6]
[[coalitions]]
id = "def"
norms = ["a"]
power = 0.8
values = [-0.8]
[[forums]]
id = "f"
every = 2
capacity = 1
access = {{ ch = "restricted" }}
[[incompatibilities]]
id = "x"
norms = ["a", "b"]
dimension = "x"
{extra}
"#,
        acc_world("merger", 16)
    )
}

/// Activation share and, among activated collisions, the suppressed share.
fn activation_and_suppression(rs: &[RunResult]) -> (f64, f64) {
    let act: Vec<&CollisionRecord> = rs
        .iter()
        .map(|r| collision(r, "x"))
        .filter(|c| c.activated_step.is_some())
        .collect();
    let sup = act
        .iter()
        .filter(|c| c.outcome == Outcome::Suppressed)
        .count() as f64
        / act.len().max(1) as f64;
    (act.len() as f64 / rs.len() as f64, sup)
}

/// Seed 004: ICBL and CMC merged "governance, finance and staff … while retaining both
/// campaign identities". Merged with a campaign that is admitted to the forum, the
/// restricted challenger speaks with its partner's access: the earlier the merger, the more
/// often the collision is articulated and activated (H6: restricted access limits
/// articulation), and the less often the powerful side suppresses it (suppression falls
/// with the weaker side's access).
#[test]
fn merging_with_an_admitted_campaign_raises_activation_and_lowers_suppression() {
    let grid = [16.0, 12.0, 6.0, 1.0];
    for seed in SEEDS {
        let mut act = Vec::new();
        let mut sup = Vec::new();
        for &s in &grid {
            let extra = if s >= 16.0 {
                String::new()
            } else {
                format!("[[mergers]]\ncoalitions = [\"cm\", \"ch\"]\nstep = {s}\n")
            };
            let rs = runs(&constellation(&extra), seed, &[], 300);
            let (a, u) = activation_and_suppression(&rs);
            act.push(a);
            sup.push(u);
        }
        assert_trend(
            &format!("seed {seed}: activation share vs merger step (16 = no merger)"),
            &grid,
            &act,
            1.0,
            0.06,
            0.1,
        );
        assert!(
            sup[sup.len() - 1] + 0.05 < sup[0],
            "seed {seed}: suppressed share of activated collisions should fall with an early merger: {sup:?}"
        );
    }
}

/// `coalition_formed` is logged once, at the coalition's start step; coalitions present
/// from the first step have no such event (they formed before the scenario starts).
#[test]
fn coalition_formed_is_logged_once_at_its_start_step() {
    for start in [0u32, 1, 5, 12] {
        let sc = common::from_text(
            &constellation(""),
            &[&format!("coalitions.ch.start_step={start}")],
        );
        let r = normlife::engine::run(&sc.model, 0);
        let formed: Vec<(u32, &str)> = r
            .events
            .iter()
            .filter(|e| e.kind == "coalition_formed")
            .map(|e| (e.step, e.actor.as_str()))
            .collect();
        let want = if start == 0 {
            vec![]
        } else {
            vec![(start, "ch")]
        };
        assert_eq!(
            formed, want,
            "coalition_formed events with the challenger starting at step {start} (the others at 0)"
        );
    }
}

/// A merger dated before one of its coalitions forms takes effect when that coalition
/// forms (so a sweep over a coalition's start never merges a coalition that does not yet
/// exist): the `coalition_merged` event falls at max(merger step, both start steps).
#[test]
fn a_merger_waits_for_both_coalitions_to_form() {
    for (merge, start, want) in [(2, 0, 2), (2, 9, 9), (9, 4, 9), (0, 5, 5)] {
        let text = constellation(&format!(
            "[[mergers]]\ncoalitions = [\"cm\", \"ch\"]\nstep = {merge}\n"
        ));
        let sc = common::from_text(&text, &[&format!("coalitions.ch.start_step={start}")]);
        let r = normlife::engine::run(&sc.model, 0);
        let steps: Vec<u32> = r
            .events
            .iter()
            .filter(|e| e.kind == "coalition_merged")
            .map(|e| e.step)
            .collect();
        assert_eq!(
            steps,
            vec![want],
            "merger at step {merge}, challenger formed at step {start}: merged at which step"
        );
    }
}

/// Seed 000: opening a forum "enabled more contentious debates" (H6). Over the step at
/// which the challenger's access opens from `none` to `full` (never, 12, 6, 2), the
/// collision is articulated more often, and the earlier the opening, the earlier the
/// median articulation.
#[test]
fn opening_access_earlier_raises_articulation() {
    let grid = [16.0, 12.0, 6.0, 2.0];
    for seed in SEEDS {
        let mut art = Vec::new();
        let mut first = Vec::new();
        for &s in &grid {
            let forum_change = if s >= 16.0 {
                String::new()
            } else {
                format!(
                    "access_changes = [{{ step = {s}, coalition = \"ch\", access = \"full\" }}]\n"
                )
            };
            // Without a defender's voice: only the challenger can articulate.
            let text = constellation("")
                .replace("power = 0.8", "power = 0.0")
                .replace(
                    "access = { ch = \"restricted\" }\n",
                    &format!("access = {{ ch = \"none\" }}\n{forum_change}"),
                );
            let rs = runs(&text, seed, &[], 200);
            art.push(share(
                rs.iter()
                    .map(|r| collision(r, "x").articulated_step.is_some()),
            ));
            first.push(median(
                rs.iter()
                    .map(|r| {
                        collision(r, "x")
                            .articulated_step
                            .map_or(17.0, |t| t as f64)
                    })
                    .collect(),
            ));
        }
        assert_eq!(
            art[0], 0.0,
            "seed {seed}: a challenger shut out throughout never articulates"
        );
        assert_trend(
            &format!("seed {seed}: articulation share vs the step access opens (16 = never)"),
            &grid,
            &art,
            1.0,
            0.06,
            0.3,
        );
        assert_trend(
            &format!("seed {seed}: median articulation step vs the step access opens"),
            &grid,
            &first,
            -1.0,
            0.0,
            5.0,
        );
    }
}

// ---------------------------------------------------------------------------------------
// Bad input for the new keys.

/// Every new key is validated like the others: range (with what is allowed), finiteness,
/// type, and unknown keys with the nearest valid name; every problem reported at once.
#[test]
fn new_mechanism_keys_bad_input() {
    let base = LIFECYCLE.to_string();
    check_rejects(
        &base.replace(
            "rate = 0.05\n",
            "rate = 0.05\ninstitutional_damping = 1.5\n",
        ),
        &["domestic.institutional_damping", "[0, 1]", "1.5"],
    );
    check_rejects(
        &base.replace(
            "rate = 0.05\n",
            "rate = 0.05\ninstitutional_damping = nan\n",
        ),
        &["domestic.institutional_damping", "[0, 1]"],
    );
    check_rejects(
        &base.replace(
            "rate = 0.05\n",
            "rate = 0.05\ninstitutional_damping = \"high\"\n",
        ),
        &["institutional_damping"],
    );
    check_rejects(
        &base.replace(
            "rate = 0.05\n",
            "rate = 0.05\ninstitutional_dampening = 0.5\n",
        ),
        &[
            "institutional_dampening",
            "did you mean `institutional_damping`",
        ],
    );
    let err = check_rejects(
        &format!("{base}[monitoring]\nreporting = -0.1\nreport_every = 0.0\n[clustering]\ninfer = \"none\"\nadjacent_enforcement = inf\n"),
        &[
            "monitoring.reporting",
            "monitoring.report_every",
            "(0,",
            "clustering.adjacent_enforcement",
        ],
    );
    assert!(err.contains("[0, 1]"), "ranges are stated: {err}");
    check_rejects(
        &format!("{base}[monitoring]\nreport_evry = 2.0\n"),
        &["report_evry", "did you mean `report_every`"],
    );
}

/// The reporting cycle is in years, not steps: with quarterly steps and
/// `report_every = 1`, monitoring from step 2 reports at steps 6, 10, 14 and 18 (one cycle
/// after it starts, then yearly), at every seed.
#[test]
fn reports_come_once_a_year_with_quarterly_steps() {
    for seed in SEEDS {
        let rs = runs(
            MONITORED,
            seed,
            &[
                "scenario.step_years=0.25".into(),
                "monitoring.reporting=0.5".into(),
            ],
            2,
        );
        for r in &rs {
            let steps: Vec<u32> = r
                .events
                .iter()
                .filter(|e| e.kind == "monitoring_report")
                .map(|e| e.step)
                .collect();
            assert_eq!(
                steps,
                vec![6, 10, 14, 18],
                "seed {seed}: report steps with step_years 0.25 and report_every 1 year"
            );
        }
    }
}

/// A treaty on the second norm of a file reads that norm's adopters (not the first's):
/// the 3 listed adopters of `b` sign and ratify (lag 0), it enters into force on the 2nd
/// ratification, and then the champion (an adopter of `b`, which holds no `a`) lobbies
/// the non-adopters of `b` (thresholds 1: no peer pressure), who adopt by persuasion;
/// without the treaty nobody is persuaded.
#[test]
fn a_treaty_on_the_second_norm_counts_that_norms_adopters() {
    let text = |treaty: bool| {
        let mut s = String::from(
            "[scenario]\nname = \"second\"\nsteps = 12\n\
             [[states]]\nid = \"s0\"\n[[states]]\nid = \"s1\"\n[[states]]\nid = \"s2\"\n\
             [[states]]\nid = \"s3\"\nthreshold = 1.0\n[[states]]\nid = \"s4\"\nthreshold = 1.0\n\
             [[states]]\nid = \"s5\"\nthreshold = 1.0\n\
             [[norms]]\nid = \"a\"\n[[norms]]\nid = \"b\"\ninitial_adopters = [\"s0\", \"s1\", \"s2\"]\n",
        );
        if treaty {
            s.push_str(
                "[norms.treaty]\nopens_step = 1\nentry_into_force = 2\nratification_lag = 0.0\n\
                 champion = { state = \"s0\", power = 1.0, targets_per_step = 3 }\n",
            );
        }
        s.push_str("[domestic]\nrate = 0.0\n[persuasion]\nefficacy = 1.0\nmovement_floor = 1.0\n");
        s
    };
    let run = |treaty: bool| normlife::engine::run(&from_text(&text(treaty), &[]).model, 0);
    let persuaded_b = |r: &RunResult| -> u64 {
        r.rows
            .iter()
            .filter(|x| x.norm == 1)
            .map(|x| x.new_persuasion)
            .sum()
    };
    let r = run(true);
    let last = r.rows.iter().rfind(|x| x.norm == 1).unwrap();
    let persuaded = persuaded_b(&r);
    assert!(
        last.parties >= 3,
        "parties to the treaty on norm b at the end: {} (3 adopters from the start)",
        last.parties
    );
    assert!(
        persuaded > 0,
        "the champion's drive after entry into force persuaded no one"
    );
    let none = persuaded_b(&run(false));
    assert_eq!(
        none, 0,
        "without the treaty and its champion nobody is persuaded"
    );
}
