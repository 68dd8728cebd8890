//! Historical grounding (issue 16): the real state system, the right dates and counts,
//! and per-state comparison with the observed record, across replicates and seeds.

mod common;
use common::*;
use normlife::observe::per_state::{self, PerState};
use normlife::observe::RunResult;
use normlife::scenario::Scenario;

fn state_index(sc: &Scenario, id: &str) -> usize {
    sc.model
        .listed
        .iter()
        .position(|s| s.id == id)
        .unwrap_or_else(|| panic!("state {id}"))
}

/// The per-state record the scenario declares (`[observed] by_state`) against the runs.
fn per_state_fit(sc: &Scenario, runs: &[RunResult]) -> PerState {
    per_state::of_model(&sc.model, runs).expect("the scenario declares a per-state record")
}

fn first_year(sc: &Scenario, r: &RunResult, k: usize) -> Option<f64> {
    r.events
        .iter()
        .find(|e| e.kind == "adopted" && e.norm == Some(k))
        .map(|e| sc.model.time_of(e.step as f64))
}

fn row_at<'a>(sc: &Scenario, r: &'a RunResult, k: usize, year: f64) -> &'a normlife::observe::Row {
    r.rows
        .iter()
        .rfind(|x| x.norm == k && sc.model.time_of(x.step as f64) <= year + 1e-9)
        .expect("row")
}

/// (year, month 1-12) of a step.
fn year_month(sc: &Scenario, step: u32) -> (i32, u32) {
    let y = sc.model.time_of(step as f64) + 1e-6;
    (
        y.floor() as i32,
        ((y - y.floor()) * 12.0).floor() as u32 + 1,
    )
}

const HISTORICAL: [&str; 7] = [
    "landmines",
    "women_suffrage",
    "child_rights",
    "child_trafficking",
    "drug_control",
    "human_trafficking",
    "child_labour",
];

#[test]
fn historical_scenarios_use_the_real_state_system() {
    let table = normlife::scenario::states_table::bundled();
    for name in HISTORICAL {
        let sc = load(&format!("scenarios/{name}.toml"), &[]);
        assert!(
            sc.model.population.is_none(),
            "{name}: generated (anonymous) states"
        );
        for s in &sc.model.listed {
            let row = table.iter().find(|r| r.iso3 == s.id);
            let row = row.unwrap_or_else(|| {
                panic!("{name}: `{}` is not an ISO3 code of the state table", s.id)
            });
            assert_eq!(s.name, row.name, "{name}: {} has not its real name", s.id);
        }
    }
}

#[test]
fn no_generic_state_adopts_in_a_historical_scenario_at_several_seeds() {
    let table = normlife::scenario::states_table::bundled();
    for name in HISTORICAL {
        for seed in ["1", "42", "2024"] {
            let sc = load(
                &format!("scenarios/{name}.toml"),
                &[&format!("scenario.seed={seed}")],
            );
            let (mut adoptions, mut generic) = (0, Vec::new());
            for r in replicates(&sc, 4) {
                for e in r.events.iter().filter(|e| e.kind == "adopted") {
                    adoptions += 1;
                    if !table.iter().any(|t| t.iso3 == e.actor) {
                        generic.push(e.actor.clone());
                    }
                }
            }
            assert!(
                adoptions > 0,
                "{name} seed {seed}: no adoption logged to check"
            );
            assert!(
                generic.is_empty(),
                "{name} seed {seed}: states that are not in the state table adopted: {generic:?}"
            );
        }
    }
}

#[test]
fn landmines_dates_and_counts_across_seeds() {
    for seed in ["1997", "7", "2024"] {
        let sc = load(
            "scenarios/landmines.toml",
            &[&format!("scenario.seed={seed}")],
        );
        let k = norm_index(&sc, "landmine_ban");
        let runs = replicates(&sc, 100);
        let opened = share(runs.iter().map(|r| {
            r.norms[k].treaty_opened_step.map(|s| year_month(&sc, s)) == Some((1997, 12))
        }));
        let eif = share(runs.iter().map(|r| {
            r.norms[k]
                .entry_into_force_step
                .map(|s| year_month(&sc, s))
                .is_some_and(|ym| ((1998, 12)..=(1999, 5)).contains(&ym))
        }));
        let sig = share(
            runs.iter()
                .map(|r| (100..=145).contains(&row_at(&sc, r, k, 1998.0).signatories)),
        );
        let signed_late = share(runs.iter().map(|r| {
            let eif = r.norms[k].entry_into_force_step.unwrap_or(u32::MAX);
            r.events.iter().all(|e| e.kind != "signed" || e.step <= eif)
        }));
        let us_out = share(runs.iter().map(|r| {
            !r.events
                .iter()
                .any(|e| e.kind == "adopted" && e.actor == "usa")
        }));
        let big_five_out = share(runs.iter().map(|r| {
            !r.events.iter().any(|e| {
                e.kind == "adopted"
                    && ["usa", "rus", "chn", "ind", "pak"].contains(&e.actor.as_str())
            })
        }));
        let non_parties: Vec<f64> = runs
            .iter()
            .map(|r| {
                let x = row_at(&sc, r, k, 2012.0);
                (x.states - x.parties as i64) as f64
            })
            .collect();
        let holdouts_in_range = share(non_parties.iter().map(|&h| (30.0..=45.0).contains(&h)));
        let holdouts = median(non_parties);
        eprintln!("landmines seed {seed}: opened December 1997 in {opened:.2}, in force December 1998-May 1999 in {eif:.2}, 100-145 signatories by the end of 1997 in {sig:.2}, no signature after entry into force in {signed_late:.2}, US never adopts in {us_out:.2}, none of US, Russia, China, India, Pakistan adopts in {big_five_out:.2}; non-parties at the end of 2011: median {holdouts}, 30-45 in {holdouts_in_range:.2}");
        assert!(
            holdouts_in_range >= 0.7,
            "30-45 states not party at the end of 2011 (Landmine Monitor 2011: 39) in only {holdouts_in_range} of the replicates (median {holdouts})"
        );
        assert!(
            big_five_out >= 0.9,
            "the United States, Russia, China, India and Pakistan all stay out in only {big_five_out}"
        );
        assert!(opened >= 0.9, "treaty opened in December 1997 in {opened}");
        assert!(
            eif >= 0.7,
            "entry into force December 1998-May 1999 in {eif}"
        );
        assert!(
            sig >= 0.7,
            "100-145 signatories by the end of 1997 in {sig}"
        );
        assert_eq!(signed_late, 1.0, "signature closes at entry into force");
        assert_eq!(us_out, 1.0, "the United States adopts");
    }
}

#[test]
fn suffrage_first_adoption_and_per_state_rank_correlation() {
    let mut rhos = Vec::new();
    for seed in ["1848", "5", "77"] {
        let sc = load(
            "scenarios/women_suffrage.toml",
            &[&format!("scenario.seed={seed}")],
        );
        let k = norm_index(&sc, "suffrage");
        let runs = replicates(&sc, 100);
        let firsts: Vec<f64> = runs
            .iter()
            .map(|r| first_year(&sc, r, k).unwrap_or(f64::INFINITY))
            .collect();
        let after_1890 = share(firsts.iter().map(|&y| y >= 1890.0));
        let nzl = state_index(&sc, "nzl");
        let nzl_first_decile = {
            let fit = per_state_fit(&sc, &runs);
            let mut s: Vec<f64> = fit.states.iter().map(|x| x.2).collect();
            s.sort_by(f64::total_cmp);
            let cut = s[s.len().div_ceil(10) - 1];
            fit.states.iter().any(|x| x.0 == nzl && x.2 <= cut)
        };
        let fit = per_state_fit(&sc, &runs);
        eprintln!("suffrage seed {seed}: first adoption in 1890 or later in {after_1890:.2} (median {}), Spearman {:.3} over {} states, first decile {}/{} (chance {:.2}), New Zealand in the model's first decile: {nzl_first_decile}",
            median(firsts.clone()), fit.spearman, fit.n, fit.first_decile_hits, fit.first_decile_observed, fit.first_decile_chance);
        assert!(after_1890 >= 0.9, "first adoption ≥ 1890 in {after_1890}");
        assert!(
            fit.spearman >= 0.5,
            "seed {seed}: Spearman rank correlation between simulated median and observed adoption years {} < 0.5",
            fit.spearman
        );
        assert!(
            nzl_first_decile,
            "New Zealand is not among the model's first adopters"
        );
        rhos.push(fit.spearman);
    }
    let mean = rhos.iter().sum::<f64>() / rhos.len() as f64;
    eprintln!("suffrage: mean per-state rank correlation over three seeds {mean:.3}");
    assert!(mean >= 0.5, "mean per-state rank correlation {mean}");
}

#[test]
fn crc_per_state_record_reported() {
    let sc = load("scenarios/child_rights.toml", &[]);
    let runs = replicates(&sc, 100);
    let fit = per_state_fit(&sc, &runs);
    eprintln!(
        "CRC: Spearman {:.3} over {} states, first decile {}/{} (chance {:.2})",
        fit.spearman,
        fit.n,
        fit.first_decile_hits,
        fit.first_decile_observed,
        fit.first_decile_chance
    );
    assert!(fit.n >= 180 && fit.spearman.is_finite());
}

/// Writes a scenario and a state file into a temporary directory and checks it.
fn check_state_file(csv: &str, needles: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("states.csv"), csv).unwrap();
    let f = tmp.path().join("s.toml");
    std::fs::write(
        &f,
        "[scenario]\nname = \"t\"\nsteps = 10\nstart_year = 1990\n[population]\nfrom = \"states.csv\"\n[[norms]]\nid = \"n\"\n",
    )
    .unwrap();
    let out = run_bin(&["check", f.to_str().unwrap()]);
    assert_input_error("state file", &out, needles);
}

#[test]
fn bad_state_tables_are_refused_with_file_and_line() {
    check_state_file(
        "iso3,joins_year\nUSA,1816\nXYZ,1990\nusa,1991\nFRA\nDEU,soon\nCAN,2050\n",
        &[
            "states.csv:3",
            "unknown state code `XYZ`",
            "states.csv:4",
            "listed twice",
            "states.csv:5",
            "malformed row",
            "states.csv:6",
            "not a year",
            "states.csv:7",
            "after the end of the run",
        ],
    );
    check_state_file("country,year\nUSA,1990\n", &["states.csv", "iso3"]);
    check_rejects(
        "[scenario]\nname = \"t\"\nsteps = 5\n[population]\nfrom = \"states\"\nn = 3\n[population.by_region.Atlantis]\nthreshold = 0.5\n[[states]]\nid = \"united_states\"\n[[norms]]\nid = \"n\"\n",
        &[
            "population.n", "cannot be used with `population.from`",
            "unknown region `Atlantis`",
            "`united_states` is not a state",
        ],
    );
}

/// A world of the 198 table states, all present, where only domestic movements act
/// (strength 1, hazard 0.05 per year, no growth, thresholds out of reach): `cost` given
/// to every state.
fn cost_world(cost: &str, seed: u64) -> Scenario {
    from_text(
        &format!(
            "[scenario]\nname = \"cost\"\nsteps = 10\nstart_year = 2020\nseed = {seed}\n[population]\nfrom = \"states\"\ndomestic_movement = 1.0\nthreshold = 1.0\ncost = {cost}\n[domestic]\nrate = 0.05\n[[norms]]\nid = \"n\"\n"
        ),
        &[],
    )
}

#[test]
fn a_countervailing_interest_scales_every_adoption_hazard_by_one_minus_cost() {
    // Ten yearly steps at hazard 0.05 × (1 − cost): adopted share 1 − (1 − 0.05 (1 − c))^10.
    for seed in [1u64, 2, 3] {
        for c in [0.0f64, 0.5, 0.8, 1.0] {
            let sc = cost_world(&c.to_string(), seed);
            let runs = replicates(&sc, 20);
            let got = runs
                .iter()
                .map(|r| r.rows.last().unwrap().adopters as f64 / 198.0)
                .sum::<f64>()
                / runs.len() as f64;
            let want = 1.0 - (1.0 - 0.05 * (1.0 - c)).powi(10);
            eprintln!("cost {c}, seed {seed}: adopted share {got:.3}, analytic {want:.3}");
            // Standard error over 20 × 198 states: at most 0.008.
            assert!(
                (got - want).abs() < 0.025,
                "cost {c}, seed {seed}: adopted share {got} against 1 − (1 − 0.05(1 − c))^10 = {want}"
            );
            if c == 1.0 {
                assert_eq!(got, 0.0, "a state with cost 1 adopted");
            }
        }
    }
}

#[test]
fn bad_costs_and_per_state_records_are_refused() {
    check_rejects(
        "[scenario]\nname = \"t\"\nsteps = 5\n[[states]]\nid = \"a\"\ncost = { n = 1.5, m = 0.2 }\n[[states]]\nid = \"b\"\ncost = { n = nan }\n[[norms]]\nid = \"n\"\n",
        &["states.a.cost.n", "[0, 1]", "states.a.cost.m", "norm", "states.b.cost.n"],
    );
    check_rejects(
        "[scenario]\nname = \"t\"\nsteps = 5\n[[states]]\nid = \"b\"\ncosts = { n = 0.5 }\n[[norms]]\nid = \"n\"\n",
        &["states.b.costs", "did you mean `cost`"],
    );
    check_rejects(
        "[scenario]\nname = \"t\"\nsteps = 5\nstart_year = 1990\n[population]\nfrom = \"states\"\ncost = { dist = \"normal\", mean = 0.5, sd = nan }\n[population.by_region.\"Western Asia\"]\ncost = 2.0\n[[norms]]\nid = \"n\"\n",
        &["population.cost", "Western Asia", "[0, 1]"],
    );
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("rec.csv"),
        "iso3,year\nUSA,1920\nXYZ,1900\nusa,1921\nNZL\nFRA,soon\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("series.csv"),
        "year,cumulative\n1990,1\n1991,2\n",
    )
    .unwrap();
    let f = tmp.path().join("s.toml");
    std::fs::write(
        &f,
        "[scenario]\nname = \"t\"\nsteps = 10\nstart_year = 1990\n[population]\nfrom = \"states\"\n[[norms]]\nid = \"n\"\n[observed]\nfile = \"series.csv\"\nnorm = \"n\"\nby_state = \"rec.csv\"\n",
    )
    .unwrap();
    let out = run_bin(&["check", f.to_str().unwrap()]);
    assert_input_error(
        "per-state record",
        &out,
        &[
            "observed.by_state",
            "rec.csv:3",
            "unknown state code `XYZ`",
            "rec.csv:4",
            "listed twice",
            "rec.csv:5",
            "malformed row",
            "rec.csv:6",
            "not a year",
        ],
    );
}

#[test]
fn readme_and_summary_report_the_per_state_figures() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for name in ["women_suffrage", "child_rights"] {
        let sc = load(&format!("scenarios/{name}.toml"), &[]);
        let runs = replicates(&sc, 100);
        let p = per_state_fit(&sc, &runs);
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| `{name}.toml`")))
            .unwrap_or_else(|| panic!("README: no row for {name}.toml"));
        for want in [
            format!("rank correlation {:.2} over {} states", p.spearman, p.n),
            format!(
                "{} of the {} observed first-decile adopters in the model's first decile",
                p.first_decile_hits, p.first_decile_observed
            ),
        ] {
            assert!(
                row.contains(&want),
                "README's {name} row should say `{want}` (100 replicates, scenario seed): {row}"
            );
        }
        // summary.txt says it in one sentence, with two decimals.
        let text = normlife::output::text::summary_text(&sc.model, &runs);
        let want = format!(
            "the rank correlation between simulated median and observed adoption years was {:.2} over {} states",
            p.spearman, p.n
        );
        assert!(
            text.contains(&want),
            "{name}: summary.txt lacks `{want}`:\n{text}"
        );
    }
}
