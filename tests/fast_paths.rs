//! The engine's fast paths (`engine::step`: non-adopter lists, uniform hazards, threshold
//! frontiers) give bit for bit what the full loop (`engine::step_in_order`, which always
//! visits every state) gives: same decisions, same changes in the same order, same
//! aggregates and the same per-step tallies.

mod common;
use common::{from_text, load, lockstep};
use normlife::scenario::Scenario;

fn same_paths(file: &str, set: &[&str], replicates: u64) {
    same_paths_of(&load(file, set), &format!("{file} {set:?}"), replicates);
}

fn same_paths_of(sc: &Scenario, file: &str, replicates: u64) {
    let m = &sc.model;
    let n = m.n_states();
    for run in 0..replicates {
        let (a, b) = lockstep(
            m,
            run,
            m.steps,
            |_| (0..n).collect(),
            |t, a, b| {
                let ctx = format!("{file} run {run} step {t}");
                let (x, y) = (a.w, b.w);
                assert_eq!(a.changes, b.changes, "{ctx}: changes");
                assert_eq!(x.adopted, y.adopted, "{ctx}");
                assert_eq!(x.adopted_step, y.adopted_step, "{ctx}");
                assert_eq!(x.cause, y.cause, "{ctx}");
                assert_eq!(x.count_sys, y.count_sys, "{ctx}");
                assert_eq!(x.nb_count, y.nb_count, "{ctx}");
                assert_eq!(
                    format!("{:?}", x.ew_sys),
                    format!("{:?}", y.ew_sys),
                    "{ctx}"
                );
                assert_eq!(format!("{:?}", x.nb_ew), format!("{:?}", y.nb_ew), "{ctx}");
                assert_eq!(
                    format!("{:?}", a.stats),
                    format!("{:?}", b.stats),
                    "{ctx}: tallies"
                );
                assert_eq!(a.events, b.events, "{ctx}: events");
            },
        );
        assert_eq!(a.movement, b.movement);
        assert_eq!(a.internalization, b.internalization);
        assert_eq!(a.compliance, b.compliance);
    }
}

#[test]
fn bass_uniform_hazard() {
    same_paths("scenarios/classic/bass.toml", &["population.n=3000"], 3);
    // Non-unit weights (ordered weighted sums) and a logistic response.
    same_paths(
        "scenarios/classic/bass.toml",
        &[
            "population.n=2000",
            "population.weight={ dist = \"uniform\", min = 0.5, max = 2.0 }",
            "socialization.response=\"logistic\"",
        ],
        2,
    );
    // Heterogeneous thresholds: the non-adopter list with the general body.
    same_paths(
        "scenarios/classic/bass.toml",
        &[
            "population.n=2000",
            "population.threshold={ dist = \"uniform\", min = 0.0, max = 0.3 }",
        ],
        2,
    );
}

#[test]
fn threshold_frontier() {
    same_paths(
        "scenarios/classic/watts.toml",
        &["population.n=5000", "scenario.steps=60"],
        6,
    );
    same_paths(
        "scenarios/classic/watts.toml",
        &[
            "population.n=3000",
            "scenario.steps=40",
            "network.mean_degree=3",
        ],
        4,
    );
    // Esteem-weighted neighbour shares, legitimation multipliers and unequal weights on
    // the frontier (the weighted sums and `mult` of the reduced rule).
    same_paths(
        "scenarios/classic/watts.toml",
        &[
            "population.n=3000",
            "scenario.steps=40",
            "socialization.conformity=0.5",
            "socialization.esteem=0.5",
            "socialization.legitimation=0.4",
            "population.legitimation_need={ dist = \"uniform\", min = 0.0, max = 1.0 }",
            "population.weight={ dist = \"lognormal\", mu = 0.0, sigma = 0.6 }",
        ],
        4,
    );
    same_paths("scenarios/classic/complex_contagion.toml", &[], 1);
    same_paths(
        "scenarios/classic/complex_contagion.toml",
        &[
            "socialization.legitimation=0.5",
            "population.legitimation_need={ dist = \"uniform\", min = 0.0, max = 1.0 }",
        ],
        1,
    );
    same_paths("scenarios/classic/granovetter.toml", &[], 1);
    // A network blended with a system-wide share: the frontier (which re-evaluates only
    // states whose neighbour counts changed) must not be taken, since every state's
    // blended share moves with each adoption anywhere. Seed 3 cascades globally (98% of
    // 2,000 states), so states whose neighbours stood still cross their thresholds on the
    // system share alone; likewise with a regional share.
    for scope in ["socialization.system=0.2", "socialization.region=0.2"] {
        same_paths(
            "scenarios/classic/watts.toml",
            &[
                "population.n=2000",
                "scenario.steps=40",
                "scenario.seed=3",
                scope,
            ],
            2,
        );
    }
}

#[test]
fn life_cycle_scenarios_take_the_full_loop_unchanged() {
    same_paths("scenarios/lifecycle.toml", &[], 2);
    for f in [
        "scenarios/human_trafficking.toml",
        "scenarios/drug_control.toml",
        "scenarios/child_labour.toml",
        "scenarios/landmines.toml",
        "scenarios/women_suffrage.toml",
        "scenarios/child_rights.toml",
        "scenarios/child_trafficking.toml",
    ] {
        same_paths(f, &[], 1);
    }
}

/// Bass diffusion of two norms in a cluster with a cluster hazard: the uniform-hazard fast
/// path must see the cluster term (holders of the other norm adopt faster), so it gives
/// what the full loop gives.
#[test]
fn uniform_hazard_with_a_cluster_term() {
    let text = std::fs::read_to_string(common::root().join("scenarios/classic/bass.toml"))
        .unwrap()
        .replace("n = 10000", "n = 2000")
        .replace(
            "[domestic]",
            "[[norms]]\nid = \"twin\"\ninitial_share = 0.3\n[[clusters]]\nid = \"pair\"\nnorms = [\"product\", \"twin\"]\nfuzziness = 0.5\n[clustering]\ninfer = \"none\"\nrate = 0.2\n[domestic]",
        );
    let sc = from_text(&text, &[]);
    same_paths_of(&sc, "bass with a clustered twin", 2);
}
