//! Advocacy coalition constellations and norm collisions (Holzscheiter et al., seed 000;
//! MODEL.md §3.5). Two groups of tests (the analytic values of the collision functions are
//! in `tests/collision_mechanisms.rs`):
//!
//! * **hypotheses H1–H7** of the seed as comparative statics: each a trend over a grid of
//!   one constellation parameter in a small world (20 states, a dominant norm `a` and a
//!   challenger norm `b`, one forum), across 300 replicates per grid point;
//! * **the three cases** of the seed, each over 200 replicates at run indices 1000–1199
//!   (used by no other test), whose rates are also the README's collision table.

mod common;
use common::*;
use normlife::observe::{CollisionRecord, Outcome, RunResult};
use normlife::scenario::Scenario;
use rayon::prelude::*;

/// Replicates per grid point of a hypothesis test.
const R: u64 = 300;

/// Runs replicates `from..from + r` in parallel.
fn runs_from(sc: &Scenario, from: u64, r: u64) -> Vec<RunResult> {
    (from..from + r)
        .into_par_iter()
        .map(|i| normlife::engine::run(&sc.model, i))
        .collect()
}

fn rate(runs: &[RunResult], id: &str, f: impl Fn(&CollisionRecord) -> bool) -> f64 {
    share(runs.iter().map(|r| f(collision(r, id))))
}

fn activated(runs: &[RunResult], id: &str) -> f64 {
    rate(runs, id, |c| c.activated_step.is_some())
}

/// Share of the activated runs satisfying `f` (0 if none was activated).
fn among_activated(runs: &[RunResult], id: &str, f: impl Fn(&CollisionRecord) -> bool) -> f64 {
    let act: Vec<&CollisionRecord> = runs
        .iter()
        .map(|r| collision(r, id))
        .filter(|c| c.activated_step.is_some())
        .collect();
    if act.is_empty() {
        return 0.0;
    }
    act.iter().filter(|c| f(c)).count() as f64 / act.len() as f64
}

fn median_duration(runs: &[RunResult], id: &str, steps: u32) -> f64 {
    median(
        runs.iter()
            .filter_map(|r| collision(r, id).active_duration(steps))
            .map(|d| d as f64)
            .collect(),
    )
}

/// Asserts that shares `ys` (each over `n` runs) measured along a grid `xs` rise: no step
/// falls by more than two standard errors, and the last exceeds the first by more than
/// three standard errors of the difference.
fn assert_rising(what: &str, xs: &[f64], ys: &[f64], n: u64) {
    let se = |p: f64| (p * (1.0 - p) / n as f64).sqrt();
    eprintln!("{what}: {:?} -> {:?}", xs, ys);
    for i in 1..ys.len() {
        let tol = 2.0 * (se(ys[i]).powi(2) + se(ys[i - 1]).powi(2)).sqrt();
        assert!(
            ys[i] >= ys[i - 1] - tol,
            "{what} should not fall along the grid {xs:?}: {ys:?}"
        );
    }
    let (a, b) = (ys[0], ys[ys.len() - 1]);
    let tol = 3.0 * (se(a).powi(2) + se(b).powi(2)).sqrt().max(0.5 / n as f64);
    assert!(
        b > a + tol,
        "{what} should rise along the grid {xs:?}: {ys:?} (needs > {tol:.3} from first to last)"
    );
}

/// A small world: 20 states, dominant norm `a` (held by 80%), challenger norm `b` (10%),
/// one value dimension, forum `f` meeting every 2 steps (capacity 1, state voice 0.5 by
/// default); `forum` holds extra forum keys, `extra` coalitions, norms and parameters.
fn world(steps: u32, forum: &str, extra: &str) -> Scenario {
    from_text(
        &format!(
            r#"{}[[forums]]
id = "f"
every = 2
capacity = 1
{forum}
[[incompatibilities]]
id = "x"
norms = ["a", "b"]
dimension = "x"
{extra}
"#,
            acc_world("acc", steps)
        ),
        &[],
    )
}

fn coalition(id: &str, norm: &str, power: f64, value: f64, stance: &str) -> String {
    format!(
        "[[coalitions]]\nid = \"{id}\"\nnorms = [\"{norm}\"]\npower = {power}\nvalues = [{value}]\n{stance}\n"
    )
}

// The analytic values of the collision functions (asymmetry, contest, the ending chances)
// are tested in tests/collision_mechanisms.rs; this file tests what comes out of runs.

// ---------------------------------------------------------------------------------------
// Hypotheses H1-H7 (seed 000 §3.2, §4.5-4.7, §5).

/// H1 (§3.2): "when the core and policy beliefs amongst advocacy coalitions vary, norm
/// collisions are more likely".
#[test]
fn h1_activation_rises_with_value_divergence() {
    let grid = [-0.6, -0.2, 0.2, 0.6];
    let ys: Vec<f64> = grid
        .iter()
        .map(|&v| {
            let extra = coalition("ch", "b", 0.4, v, "stance = { a = \"challenge\" }")
                + &coalition("def", "a", 0.4, -0.8, "");
            activated(&runs_from(&world(8, "", &extra), 0, R), "x")
        })
        .collect();
    assert_rising(
        "H1 activation share vs the challenger's value (defender at -0.8)",
        &grid,
        &ys,
        R,
    );
}

/// H2 (§3.2): competing coalitions promoting opposing norms facilitate collisions, and
/// "lead to a protracted debate … and obstruct … the resolution of such conflicts".
#[test]
fn h2_opposing_coalitions_raise_activation_and_protract_debate() {
    let grid = [0.0, 0.4, 0.8];
    let mut act = Vec::new();
    let mut unresolved = Vec::new();
    let mut dur = Vec::new();
    for &pw in &grid {
        let mut extra = coalition("ch", "b", 1.0, 0.6, "stance = { a = \"challenge\" }");
        if pw > 0.0 {
            extra += &coalition("opp", "a", pw, -0.8, "");
        }
        act.push(activated(&runs_from(&world(4, "", &extra), 0, R), "x"));
        // Protraction: the challenger (restricted) against states of twice its voice,
        // with an opposing coalition of up to its own power (restricted too).
        let mut extra = coalition("ch", "b", 0.5, 0.6, "stance = { a = \"challenge\" }");
        if pw > 0.0 {
            extra += &coalition("opp", "a", pw * 0.625, -0.8, "");
        }
        let sc = world(
            30,
            "decisions = [10, 20]\nstate_voice = 1.0\ndefault_access = \"restricted\"",
            &extra,
        );
        let runs = runs_from(&sc, 0, R);
        unresolved.push(among_activated(&runs, "x", |c| {
            c.outcome != Outcome::Resolved
        }));
        dur.push(median_duration(&runs, "x", sc.model.steps));
    }
    assert_rising(
        "H2 activation share vs the opposing coalition's power",
        &grid,
        &act,
        R,
    );
    assert_rising(
        "H2 share of activated collisions not resolved vs opposing power",
        &grid,
        &unresolved,
        R / 2,
    );
    assert!(
        dur[2] > dur[0],
        "H2 median active duration should lengthen with opposition: {dur:?}"
    );
}

/// H2 in the drug-control case: adding a coalition that backs prohibition makes the
/// resolution of the collision rarer, not likelier (the issue measured 0% → 55-62%).
#[test]
fn h2_drug_control_with_a_prohibition_coalition_resolves_less() {
    let base = load("scenarios/drug_control.toml", &[]);
    let mut t: toml::Table = std::fs::read_to_string(root().join("scenarios/drug_control.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let mut c = toml::Table::new();
    c.insert("id".into(), "incb_coalition".into());
    c.insert(
        "norms".into(),
        toml::Value::Array(vec!["prohibition".into()]),
    );
    c.insert("power".into(), 0.5.into());
    c.insert(
        "values".into(),
        toml::Value::Array(vec![(-0.4).into(), 0.9.into()]),
    );
    t["coalitions"]
        .as_array_mut()
        .unwrap()
        .push(toml::Value::Table(c));
    let opp = from_text(&toml::to_string(&t).unwrap(), &[]);
    let (a, b) = (runs_from(&base, 0, 100), runs_from(&opp, 0, 100));
    let id = "prohibition_vs_health";
    let res = |r: &[RunResult]| rate(r, id, |c| c.outcome == Outcome::Resolved);
    let (ra, rb) = (res(&a), res(&b));
    eprintln!("drug control resolved: alone {ra:.2}, against a prohibition coalition {rb:.2}");
    // Two standard errors of the difference over 100 + 100 runs: noise is allowed, the
    // regression the issue measured (0% -> 55-62%) is not.
    let se = ((ra * (1.0 - ra) + rb * (1.0 - rb)) / 100.0).sqrt();
    assert!(
        rb <= ra + 2.0 * se,
        "H2: an opposing coalition should not make resolution likelier: {ra} -> {rb} (2 SE = {:.3})",
        2.0 * se
    );
    assert!(activated(&b, id) >= 0.9, "still activated with opposition");
}

/// H3 (§5): "the existence of several advocacy coalitions is not a sufficient condition …
/// as advocacy coalitions can hold similar positions and share core values".
#[test]
fn h3_coalitions_sharing_core_values_do_not_activate() {
    let mut shared = Vec::new();
    for k in 1..=3 {
        let mut extra = String::new();
        for j in 0..k {
            let norm = if j % 2 == 0 { "b" } else { "a" };
            extra += &coalition(&format!("c{j}"), norm, 0.5, -0.5, "");
        }
        shared.push(activated(&runs_from(&world(8, "", &extra), 0, R), "x"));
    }
    let diverging = activated(
        &runs_from(
            &world(
                8,
                "",
                &(coalition("c0", "b", 0.5, 0.6, "") + &coalition("c1", "a", 0.5, -0.8, "")),
            ),
            0,
            R,
        ),
        "x",
    );
    eprintln!(
        "H3 activation with 1-3 like-minded coalitions {shared:?}, two diverging {diverging:.2}"
    );
    for (k, s) in shared.iter().enumerate() {
        assert!(
            *s <= 0.05,
            "H3: {} coalitions sharing core values activated in {s} (> 0.05)",
            k + 1
        );
    }
    assert!(
        diverging >= 0.3 && diverging > 5.0 * shared[1].max(0.01),
        "H3: two coalitions with diverging values should activate far more: {diverging} vs {}",
        shared[1]
    );
}

/// H4 (§4.6): power asymmetry shapes outcomes, yet a weaker challenger with restricted
/// access articulates the collision and shifts other actors' positions toward its norm.
#[test]
fn h4_weak_restricted_challenger_articulates_and_shifts_positions_toward_its_norm() {
    let grid = [0.25, 0.4, 0.55];
    let mut act = Vec::new();
    for &pw in &grid {
        let extra = coalition("ch", "b", pw, 0.6, "stance = { a = \"challenge\" }")
            + "start_step = 0\n"
            + &coalition("def", "a", 0.9, -0.8, "stance = { a = \"support\" }")
            + "platform = 1.0\n";
        let sc = world(
            16,
            "decisions = [8]\naccess = { ch = \"restricted\" }",
            &extra,
        );
        let runs = runs_from(&sc, 0, R);
        let by_ch = share(
            runs.iter()
                .map(|r| collision(r, "x"))
                .filter(|c| c.articulated_step.is_some())
                .map(|c| c.articulated_by == "ch"),
        );
        let toward_b = among_activated(&runs, "x", |c| {
            c.shift_toward == Some(1) && c.position_shift > 0.0
        });
        eprintln!("H4 power {pw}: articulated first by the challenger in {by_ch:.2}; shift toward b in {toward_b:.2} of activated");
        assert!(by_ch > 0.5, "H4: the weak challenger (power {pw}, restricted) should articulate first in most runs: {by_ch}");
        assert!(toward_b > 0.5, "H4: positions should shift toward the challenger's norm b in most activated runs (power {pw}): {toward_b}");
        act.push(activated(&runs, "x"));
    }
    assert_rising(
        "H4 activation share vs the challenger's power",
        &grid,
        &act,
        R,
    );
}

/// H5 (§4.7, §5): "it mattered whether a coalition supported or opposed the prevailing
/// discourse": challengers articulate more than neutral coalitions, and defenders of the
/// dominant norm less.
#[test]
fn h5_challengers_articulate_more_than_supporters() {
    let art = |stance: &str, norm: &str| {
        let extra = coalition("c", norm, 0.4, if norm == "b" { 0.6 } else { -0.8 }, stance);
        rate(&runs_from(&world(6, "", &extra), 0, R), "x", |c| {
            c.articulated_step.is_some()
        })
    };
    let ys = [
        art("stance = { a = \"support\" }", "a"),
        art("", "a"),
        art("", "b"),
        art("stance = { a = \"challenge\" }", "b"),
    ];
    assert_rising(
        "H5 articulation: defender of a, neutral on a, neutral on b, challenger of a",
        &[0.0, 1.0, 2.0, 3.0],
        &ys,
        R,
    );
    assert!(
        ys[3] > ys[2] + 0.1,
        "H5: declaring `challenge` should raise articulation: {ys:?}"
    );
    let drug = runs_from(
        &load(
            "scenarios/drug_control.toml",
            &["coalitions.harm_reduction_coalition.stance.prohibition=\"support\""],
        ),
        0,
        100,
    );
    let a = activated(&drug, "prohibition_vs_health");
    eprintln!("H5 drug control with the coalition supporting prohibition: activated {a:.2}");
    assert!(a < 0.5, "H5: a harm-reduction coalition that supports prohibition should rarely activate the collision: {a}");
}

/// H6 (§4.6, MODEL §3.5): restricted access limits articulation; opening a forum
/// "enabled more contentious debates".
#[test]
fn h6_access_raises_articulation_and_opening_makes_debate_contentious() {
    let grid = [0.0, 1.0, 2.0];
    let ys: Vec<f64> = ["none", "restricted", "full"]
        .iter()
        .map(|a| {
            let extra = coalition("ch", "b", 0.4, 0.6, "stance = { a = \"challenge\" }");
            let sc = world(6, &format!("access = {{ ch = \"{a}\" }}"), &extra);
            rate(&runs_from(&sc, 0, R), "x", |c| c.articulated_step.is_some())
        })
        .collect();
    assert_rising(
        "H6 articulation share with access none, restricted, full",
        &grid,
        &ys,
        R,
    );
    assert_eq!(
        ys[0], 0.0,
        "invariant: a coalition shut out (`none`) cannot articulate"
    );
    // Opening access at step 6 (a mid-run access change) vs staying restricted.
    let extra = coalition("ch", "b", 0.8, 0.6, "stance = { a = \"challenge\" }")
        + &coalition("def", "a", 0.8, -0.8, "");
    let peak = |forum: &str| {
        let runs = runs_from(&world(20, forum, &extra), 0, R);
        let v: Vec<f64> = runs
            .iter()
            .map(|r| collision(r, "x"))
            .filter(|c| c.activated_step.is_some())
            .map(|c| c.peak_intensity)
            .collect();
        v.iter().sum::<f64>() / v.len().max(1) as f64
    };
    let closed = peak("access = { ch = \"restricted\", def = \"restricted\" }");
    let opened = peak("access = { ch = \"restricted\", def = \"restricted\" }\naccess_changes = [{ step = 6, coalition = \"ch\", access = \"full\" }, { step = 6, coalition = \"def\", access = \"full\" }]");
    eprintln!(
        "H6 mean peak intensity: restricted throughout {closed:.3}, opened at step 6 {opened:.3}"
    );
    assert!(opened > closed + 0.05, "H6: opening access should make the debate more contentious (peak intensity): {closed} -> {opened}");
}

/// H7 (§4.5): "a lack of joint agenda-setting prevented open discussion" — with finite
/// attention (capacity 1), a collision `y` that two coalitions push from one side only
/// stays marginal next to a contested one `x`; a coalition pushing `y`'s other norm brings
/// it to the fore.
#[test]
fn h7_without_joint_agenda_setting_a_collision_stays_marginal() {
    let sc = |q: f64| {
        let mut extra = String::from(
            "[[norms]]\nid = \"p\"\ninitial_share = 0.6\nvalues = [-0.5]\n[[norms]]\nid = \"v\"\ninitial_share = 0.2\nvalues = [0.5]\n\
             [[incompatibilities]]\nid = \"y\"\nnorms = [\"p\", \"v\"]\n\
             [[coalitions]]\nid = \"c1\"\nnorms = [\"v\", \"b\"]\npower = 0.6\nvalues = [0.6]\n\
             [[coalitions]]\nid = \"c2\"\nnorms = [\"v\", \"a\"]\npower = 0.6\nvalues = [-0.8]\n",
        );
        if q > 0.0 {
            extra += &coalition("c3", "p", q, -0.8, "");
        }
        world(16, "", &extra)
    };
    let grid = [0.0, 0.3, 0.6];
    let mut ys = Vec::new();
    for &q in &grid {
        let runs = runs_from(&sc(q), 0, R);
        ys.push(activated(&runs, "y"));
        if q == 0.0 {
            let (x, y) = (activated(&runs, "x"), activated(&runs, "y"));
            eprintln!(
                "H7 without joint agenda-setting: contested x activated {x:.2}, one-sided y {y:.2}"
            );
            assert!(y < 0.5 * x, "H7: the one-sided collision should stay marginal next to the contested one: {y} vs {x}");
        }
    }
    assert_rising(
        "H7 activation of y vs the power of a coalition pushing its other norm",
        &grid,
        &ys,
        R,
    );
}

// ---------------------------------------------------------------------------------------
// Constellations that change during a run: access changes and mergers.

/// Keeping the ILO open to the pro-work coalition after the 1997 conferences (full access
/// from step 32 on instead of restricted again; a counterfactual: the seed reports "the
/// ongoing denial of access") makes the debate more contentious and the collision harder
/// to close for prohibition.
#[test]
fn child_labour_opening_access_in_1998_makes_the_debate_more_contentious() {
    let id = "work_vs_prohibition";
    let text = std::fs::read_to_string(root().join("scenarios/child_labour.toml")).unwrap();
    // The bundled scenario opens the 1997 conferences only (steps 28-31); here access
    // stays open from 1997 on.
    let opened = text.replace(
        "{ step = 32, coalition = \"pro_work\", access = \"restricted\" }",
        "{ step = 32, coalition = \"pro_work\", access = \"full\" }",
    );
    assert_ne!(
        text, opened,
        "the child-labour forum declares the pro-work coalition's access"
    );
    let (base, open) = (
        runs_from(&load("scenarios/child_labour.toml", &[]), 0, 100),
        runs_from(&from_text(&opened, &[]), 0, 100),
    );
    assert!(
        open[0]
            .events
            .iter()
            .any(|e| e.kind == "access_changed" && e.actor == "pro_work" && e.step == 32),
        "the access change is logged at its step"
    );
    let late = |r: &[RunResult]| {
        share(r.iter().map(|r| {
            let c = collision(r, id);
            c.activated_step.is_some() && c.ended_step.is_none_or(|e| e > 32)
        }))
    };
    let prevails = |r: &[RunResult]| {
        rate(r, id, |c| {
            c.outcome == Outcome::Resolved || c.outcome == Outcome::Suppressed
        })
    };
    let peak = |r: &[RunResult]| {
        r.iter()
            .map(|r| collision(r, id).peak_intensity)
            .sum::<f64>()
            / r.len() as f64
    };
    eprintln!(
        "child labour opened in 1998: mean peak intensity {:.3} -> {:.3}, ended for prohibition {:.2} -> {:.2} (still active after 1998: {:.2} -> {:.2})",
        peak(&base), peak(&open), prevails(&base), prevails(&open), late(&base), late(&open)
    );
    assert!(
        peak(&open) > peak(&base),
        "H6: opening access should raise the debate's intensity"
    );
    assert!(
        prevails(&open) + 0.1 < prevails(&base),
        "H6: a heard pro-work coalition should be overruled less often"
    );
}

/// Two coalitions merging (ICBL and CMC, 2009-10): from the merger step on they draw on
/// one pool of resources, which holds what both had.
#[test]
fn merged_coalitions_pool_their_resources() {
    let sc = world(
        12,
        "",
        &(coalition("c1", "b", 0.4, 0.6, "resources = 10.0\nincome = 0.0")
            + &coalition("c2", "b", 0.3, 0.6, "resources = 6.0\nincome = 0.0")
            + "[[mergers]]\ncoalitions = [\"c1\", \"c2\"]\nstep = 6\n"),
    );
    for r in runs_from(&sc, 0, 5) {
        let (a, b) = (&r.coalition_resources[0], &r.coalition_resources[1]);
        assert!(
            r.events
                .iter()
                .any(|e| e.kind == "coalition_merged" && e.step == 6 && e.actor == "c1"),
            "the merger is logged at step 6"
        );
        assert!(
            a[5] != b[5] || a[5] == 0.0,
            "before the merger each coalition has its own pool"
        );
        for t in 6..a.len() {
            assert_eq!(
                a[t], b[t],
                "after the merger both report the shared pool (step {t})"
            );
        }
        assert!(
            a[6] > a[5].max(b[5]) - 1e-9 || a[5] + b[5] == 0.0,
            "the pool holds both coalitions' resources: {} + {} -> {}",
            a[5],
            b[5],
            a[6]
        );
    }
}

/// The figures of the 10-minute lesson in docs/in_class.md (20 replicates, as the page
/// runs them), so the lesson cannot go stale.
#[test]
fn in_class_lesson_figures_are_measured() {
    // Compared with line breaks read as spaces.
    let doc = std::fs::read_to_string(root().join("docs/in_class.md"))
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let id = "prohibition_vs_health";
    let count =
        |r: &[RunResult], o: Outcome| r.iter().filter(|r| collision(r, id).outcome == o).count();
    let mut lines = Vec::new();
    let mut peaks = Vec::new();
    for p in ["0.3", "0.5", "0.9"] {
        let s = format!("coalitions.harm_reduction_coalition.power={p}");
        let runs = runs_from(&load("scenarios/drug_control.toml", &[&s]), 0, 20);
        peaks.push(format!(
            "{:.2}",
            runs.iter()
                .map(|r| collision(r, id).peak_intensity)
                .sum::<f64>()
                / 20.0
        ));
        lines.push(format!(
            "at power {p}, {} of 20 end open and {} resolved for prohibition",
            count(&runs, Outcome::Open),
            count(&runs, Outcome::Resolved)
        ));
    }
    lines.push(format!(
        "mean peak intensity {} → {} → {}",
        peaks[0], peaks[1], peaks[2]
    ));
    let runs = runs_from(
        &load(
            "scenarios/drug_control.toml",
            &["coalitions.harm_reduction_coalition.members=[]"],
        ),
        0,
        20,
    );
    lines.push(format!(
        "{} of 20 replicates end resolved for prohibition and {} suppressed",
        count(&runs, Outcome::Resolved),
        count(&runs, Outcome::Suppressed)
    ));
    let id = "work_vs_prohibition";
    for p in ["0.4", "0.6"] {
        let s = format!("coalitions.pro_work.power={p}");
        let sc = load("scenarios/child_labour.toml", &[&s]);
        let runs = runs_from(&sc, 0, 20);
        let act = runs
            .iter()
            .filter(|r| collision(r, id).activated_step.is_some())
            .count();
        let res = runs
            .iter()
            .filter(|r| collision(r, id).outcome == Outcome::Resolved)
            .count();
        lines.push(format!("at {p}: activated in {act} of 20, median duration {} quarters, resolved for prohibition in {res}", median_duration(&runs, id, sc.model.steps)));
    }
    for l in &lines {
        eprintln!("{l}");
    }
    for l in &lines {
        assert!(
            doc.contains(l.as_str()),
            "docs/in_class.md lacks the measured figure: {l}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Invariants (hold by construction; they guard the plumbing, not a seed claim).

#[test]
fn invariant_no_coalition_no_articulation() {
    let mut t: toml::Table = std::fs::read_to_string(root().join("scenarios/drug_control.toml"))
        .unwrap()
        .parse()
        .unwrap();
    t.remove("coalitions");
    // Parsed with the scenario's own path: its state table is relative to it.
    let sc = normlife::scenario::from_text(
        &root().join("scenarios/drug_control.toml"),
        &toml::to_string(&t).unwrap(),
        &[],
    )
    .unwrap();
    let runs = runs_from(&sc, 0, 20);
    assert!(
        runs.iter().all(|r| collision(r, "prohibition_vs_health")
            .articulated_step
            .is_none()),
        "invariant: only coalitions articulate, so without one nothing is articulated"
    );
}

// ---------------------------------------------------------------------------------------
// The three cases (seed 000 Table 1, §4.4-4.6) at run indices 1000-1199.

const CASE_FROM: u64 = 1000;
const CASE_R: u64 = 200;

fn pct(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

/// Share of runs in which norm `k`'s weighted share ends at ≥ 90% of its start.
fn not_displaced(runs: &[RunResult], k: usize) -> f64 {
    share(runs.iter().map(|r| {
        let rows: Vec<_> = r.rows.iter().filter(|x| x.norm == k).collect();
        rows[rows.len() - 1].weighted_share >= 0.9 * rows[0].weighted_share
    }))
}

/// The seed's account of each case, measured: (claims as (what, rate, floor), README text).
fn drug_control(set: &[&str]) -> (Vec<(&'static str, f64, f64)>, String) {
    let sc = load("scenarios/drug_control.toml", set);
    let runs = runs_from(&sc, CASE_FROM, CASE_R);
    let id = "prohibition_vs_health";
    let act = activated(&runs, id);
    let kept = rate(&runs, id, |c| {
        c.activated_step.is_some() && (c.outcome == Outcome::Open || c.activations > 1)
    });
    let res = rate(&runs, id, |c| c.outcome == Outcome::Resolved);
    let nd = not_displaced(&runs, norm_index(&sc, "prohibition"));
    let text = format!(
        "activated in {}, open or recurring at the end in {} (resolved for prohibition in {}); prohibition not displaced in {}",
        pct(act), pct(kept), pct(res), pct(nd)
    );
    (
        vec![
            ("drug control: collision activated", act, 0.9),
            (
                "drug control: kept on the agenda (open or recurring at the end)",
                kept,
                0.7,
            ),
            ("drug control: prohibition not displaced", nd, 0.95),
        ],
        text,
    )
}

fn human_trafficking(set: &[&str]) -> (Vec<(&'static str, f64, f64)>, String) {
    let sc = load("scenarios/human_trafficking.toml", set);
    let runs = runs_from(&sc, CASE_FROM, CASE_R);
    let act = activated(&runs, "prostitution");
    let unresolved = among_activated(&runs, "prostitution", |c| {
        matches!(c.outcome, Outcome::Compromised | Outcome::Open)
    });
    let comp = among_activated(&runs, "prostitution", |c| c.outcome == Outcome::Compromised);
    let vp = rate(&runs, "prosecution_vs_protection", |c| {
        c.activated_step.is_none()
    });
    let text = format!(
        "prostitution collision activated in {}; of those, compromised or open in {} (compromised {}); victim protection never activated in {}",
        pct(act), pct(unresolved), pct(comp), pct(vp)
    );
    (
        vec![
            ("trafficking: prostitution collision activated", act, 0.7),
            (
                "trafficking: ends in a compromise or unresolved (of activated)",
                unresolved,
                0.8,
            ),
            (
                "trafficking: victim-protection collision stays marginal (never activated)",
                vp,
                0.8,
            ),
        ],
        text,
    )
}

fn child_labour(set: &[&str]) -> (Vec<(&'static str, f64, f64)>, String) {
    let sc = load("scenarios/child_labour.toml", set);
    let runs = runs_from(&sc, CASE_FROM, CASE_R);
    let id = "work_vs_prohibition";
    let (kp, kw) = (
        norm_index(&sc, "child_labour_prohibition"),
        norm_index(&sc, "right_to_work"),
    );
    let act = activated(&runs, id);
    let by_pro_work = share(
        runs.iter()
            .map(|r| collision(r, id))
            .filter(|c| c.articulated_step.is_some())
            .map(|c| c.articulated_by == "pro_work"),
    );
    let prevails = among_activated(&runs, id, |c| {
        (c.outcome == Outcome::Resolved && c.winner == Some(kp)) || c.outcome == Outcome::Suppressed
    });
    let dur = median_duration(&runs, id, sc.model.steps);
    let toward = among_activated(&runs, id, |c| {
        c.shift_toward == Some(kw) && c.position_shift > 0.0
    });
    let nd = not_displaced(&runs, kp);
    // Short-lived: a median active life of at most 3 years (12 quarters).
    let short = if dur <= 12.0 { 1.0 } else { 0.0 };
    let text = format!(
        "activated in {}, articulated first by the pro-work coalition in {}; of the activated, ended for prohibition (resolved or suppressed) in {}, median duration {dur} quarters; positions shift toward the right to work in {}; prohibition not displaced in {}",
        pct(act), pct(by_pro_work), pct(prevails), pct(toward), pct(nd)
    );
    (
        vec![
            ("child labour: collision activated", act, 0.6),
            (
                "child labour: articulated first by the pro-work coalition",
                by_pro_work,
                0.5,
            ),
            (
                "child labour: short-lived (median active duration <= 12 quarters)",
                short,
                1.0,
            ),
            (
                "child labour: dominant prohibition prevails (of activated)",
                prevails,
                0.6,
            ),
            (
                "child labour: positions shift toward the right to work (of activated)",
                toward,
                0.7,
            ),
            ("child labour: prohibition not displaced", nd, 0.95),
        ],
        text,
    )
}

fn check_case(name: &str, claims: &[(&str, f64, f64)], text: &str) {
    eprintln!("{name}: {text}");
    for (what, r, floor) in claims {
        assert!(
            r >= floor,
            "{what}: measured {r:.3} over {CASE_R} runs, seed claim needs ≥ {floor}"
        );
    }
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains(text),
        "README's collision table is stale for {name}; the measured row is:\n{text}"
    );
}

#[test]
fn case_drug_control_activated_and_kept_on_the_agenda() {
    let (c, t) = drug_control(&[]);
    check_case("drug_control.toml", &c, &t);
}

#[test]
fn case_human_trafficking_compromise_and_victim_protection_marginal() {
    let (c, t) = human_trafficking(&[]);
    check_case("human_trafficking.toml", &c, &t);
}

#[test]
fn case_child_labour_articulated_by_pro_work_short_lived_and_shifting_positions() {
    let (c, t) = child_labour(&[]);
    check_case("child_labour.toml", &c, &t);
}

/// H4 in the child-labour case: the power asymmetry shapes the outcome — with a pro-work
/// coalition as powerful as the abolitionists and with full access, the collision lasts
/// longer and is resolved for prohibition less often.
#[test]
fn child_labour_with_equal_power_and_full_access_lasts_longer_and_resolves_less() {
    let id = "work_vs_prohibition";
    let sc = load("scenarios/child_labour.toml", &[]);
    let base = runs_from(&sc, 0, 100);
    let cf = runs_from(
        &load(
            "scenarios/child_labour.toml",
            &[
                "forums.ilo.access.pro_work=\"full\"",
                "coalitions.pro_work.power=0.9",
                "coalitions.pro_work.platform=1.0",
            ],
        ),
        0,
        100,
    );
    let res = |r: &[RunResult]| among_activated(r, id, |c| c.outcome == Outcome::Resolved);
    let (d0, d1) = (
        median_duration(&base, id, sc.model.steps),
        median_duration(&cf, id, sc.model.steps),
    );
    let (r0, r1) = (res(&base), res(&cf));
    eprintln!("child labour, equal power and full access: median duration {d0} -> {d1} quarters, resolved {r0:.2} -> {r1:.2}");
    assert!(
        d1 > d0,
        "H4: a balanced constellation should protract the debate: {d0} -> {d1}"
    );
    assert!(
        r1 + 0.2 < r0,
        "H4: a balanced constellation should be resolved less: {r0} -> {r1}"
    );
}

/// Child labour depends on its challenger (the issue measured 98% activation without it).
#[test]
fn child_labour_activation_needs_the_pro_work_coalition() {
    let act = |p: &str| {
        let s = format!("coalitions.pro_work.power={p}");
        activated(
            &runs_from(&load("scenarios/child_labour.toml", &[&s]), 0, 100),
            "work_vs_prohibition",
        )
    };
    let (without, with) = (act("0.0"), act("0.4"));
    eprintln!("child labour activation: pro-work power 0 {without:.2}, 0.4 {with:.2}");
    assert!(
        without + 0.3 < with,
        "activation should depend on the challenger: {without} vs {with}"
    );
}

/// ±20% on each case's most influential constellation parameters: which seed claims hold
/// (reported in the README). Every claim must hold at every point.
#[test]
fn robustness_of_the_cases_at_plus_minus_20_percent() {
    type Case = fn(&[&str]) -> (Vec<(&'static str, f64, f64)>, String);
    type Row<'a> = (&'a str, Case, &'a [(&'a str, f64)]);
    let cases: [Row; 3] = [
        (
            "drug_control",
            drug_control,
            &[
                ("coalitions.harm_reduction_coalition.power", 0.3),
                ("forums.cnd.state_voice", 1.5),
                ("collisions.shield", 0.95),
                ("collisions.session_resolution", 0.25),
            ],
        ),
        (
            "human_trafficking",
            human_trafficking,
            &[
                ("coalitions.sex_workers_rights.power", 0.6),
                ("coalitions.abolitionist.power", 0.6),
                ("forums.palermo.state_voice", 0.5),
            ],
        ),
        (
            "child_labour",
            child_labour,
            &[
                ("coalitions.pro_work.power", 0.4),
                ("coalitions.abolitionist.power", 0.9),
                ("collisions.restricted_access", 0.35),
                ("collisions.challenge_bonus", 2.0),
                ("collisions.defence_articulation", 0.05),
            ],
        ),
    ];
    let mut broken: Vec<String> = Vec::new();
    for (name, f, params) in cases {
        for (key, base) in params {
            for m in [0.8, 1.2] {
                let v = if *base <= 1.0 {
                    (base * m).min(1.0)
                } else {
                    base * m
                };
                let v = (v * 1000.0).round() / 1000.0;
                let s = format!("{key}={v}");
                let (claims, _) = f(&[&s]);
                let failed: Vec<String> = claims
                    .iter()
                    .filter(|c| c.1 < c.2)
                    .map(|c| format!("{} ({:.2})", c.0, c.1))
                    .collect();
                eprintln!(
                    "ROBUST {name} {key}={v}: {}",
                    if failed.is_empty() {
                        "all claims hold".into()
                    } else {
                        format!("FAILS {}", failed.join("; "))
                    }
                );
                if !failed.is_empty() {
                    broken.push(format!("{name} {key}={v}: {}", failed.join("; ")));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "seed claims that fail at ±20%: {broken:#?}"
    );
}

const ACC: &str = r#"[scenario]
name = "acc"
steps = 20
[population]
n = 20
[[norms]]
id = "a"
dominant = true
[[norms]]
id = "b"
[[coalitions]]
id = "ch"
norms = ["b"]
power = 0.5
stance = { a = "challenge" }
[[forums]]
id = "f"
every = 2
capacity = 1
[[incompatibilities]]
id = "x"
norms = ["a", "b"]
"#;

#[test]
fn acc_bad_input() {
    check_rejects(
        &ACC.replace("norms = [\"a\", \"b\"]", "norms = [\"a\", \"c\"]"),
        &["incompatibilities.x.norms", "unknown norm `c`"],
    );
    check_rejects(
        &ACC.replace("capacity = 1", "capacity = 0"),
        &["forums.f.capacity", "≥ 1"],
    );
    check_rejects(&format!("{ACC}access = {{ chh = \"full\" }}\n").replace("[[incompatibilities]]\nid = \"x\"\nnorms = [\"a\", \"b\"]\naccess", "[[incompatibilities]]\nid = \"x\"\nnorms = [\"a\", \"b\"]\n[[forums]]\nid = \"g\"\nevery = 1\naccess"), &["forums.g.access.chh", "unknown coalition `chh`", "did you mean `ch`"]);
    // New collision parameters: validated as shares, unknown keys with the nearest name,
    // every problem at once.
    check_rejects(
        &format!("{ACC}[collisions]\nobstruction = 1.5\nseated_access = -0.1\ncompromise = nan\n"),
        &[
            "collisions.obstruction",
            "collisions.seated_access",
            "collisions.compromise",
            "[0, 1]",
        ],
    );
    check_rejects(
        &format!("{ACC}[collisions]\ncompromise_balance = 0.6\n"),
        &["compromise_balance", "did you mean `compromise`"],
    );
    check_rejects(
        &ACC.replace("stance = { a = \"challenge\" }", "stance = {}"),
        &["coalitions.ch.stance", "names no norm"],
    );
    check_rejects(
        &ACC.replace(
            "stance = { a = \"challenge\" }",
            "stance = { z = \"challenge\" }",
        ),
        &["coalitions.ch.stance.z", "unknown norm"],
    );
}
#[test]
fn collision_scenarios_reproducible_across_threads() {
    let tmp = tempfile::tempdir().unwrap();
    for sc in ["drug_control", "human_trafficking", "child_labour"] {
        let f = root().join(format!("scenarios/{sc}.toml"));
        let mut outs = Vec::new();
        for threads in ["1", "3"] {
            let d = tmp.path().join(format!("{sc}-{threads}"));
            let o = run_bin(&[
                "run",
                f.to_str().unwrap(),
                "--replicates",
                "6",
                "--threads",
                threads,
                "--out",
                d.to_str().unwrap(),
            ]);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            outs.push(d);
        }
        for file in [
            "timeseries.csv",
            "events.csv",
            "summary.json",
            "collisions.csv",
        ] {
            assert_eq!(
                std::fs::read(outs[0].join(file)).unwrap(),
                std::fs::read(outs[1].join(file)).unwrap(),
                "{sc}/{file}"
            );
        }
        let ev = std::fs::read_to_string(outs[0].join("events.csv")).unwrap();
        assert!(
            ev.contains("collision_articulated"),
            "{sc}: no articulation event"
        );
    }
}
