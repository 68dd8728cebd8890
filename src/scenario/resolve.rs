//! Validation and resolution: checks every value and reference of a deserialized
//! scenario, collecting *all* problems as (key path, message), and turns ids into indices
//! to build the `Model` the engine runs on.

use super::schema::*;
use crate::error::did_you_mean;
use crate::model::{self, Model};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Problems = Vec<(String, String)>;

/// The largest rate, weight or amount a scenario may give: sums over 10⁸ states of such
/// numbers stay finite and exact enough (1e308 weights would overflow to NaN shares).
pub const LARGE: f64 = 1e12;
/// Calendar years a scenario may name (start_year and every `*_year`).
pub const YEARS: (f64, f64) = (-10_000.0, 10_000.0);

/// Why `id` is not a valid id (for states, norms, coalitions, … and generated prefixes).
fn id_rule(id: &str) -> Option<&'static str> {
    if id.is_empty() {
        Some("must not be empty")
    } else if id.contains('.') || id.contains(',') || id.contains(char::is_whitespace) {
        Some("must not contain dots, commas or spaces (ids are used in --set paths and CSV files)")
    } else {
        None
    }
}

struct V {
    p: Problems,
}

impl V {
    fn push(&mut self, key: impl Into<String>, msg: impl Into<String>) {
        self.p.push((key.into(), msg.into()));
    }
    fn unit(&mut self, key: &str, x: f64) {
        if !(0.0..=1.0).contains(&x) {
            self.push(
                key,
                format!("must be a probability or share in [0, 1], got {x}"),
            );
        }
    }
    fn nonneg(&mut self, key: &str, x: f64) {
        if !(0.0..=LARGE).contains(&x) {
            self.push(key, format!("must be a number in [0, {LARGE:e}], got {x}"));
        }
    }
    fn positive(&mut self, key: &str, x: f64) {
        if !(x > 0.0 && x <= LARGE) {
            self.push(key, format!("must be a number in (0, {LARGE:e}], got {x}"));
        }
    }
    fn values(&mut self, key: &str, v: &[f64], d: usize) -> Vec<f64> {
        if v.is_empty() {
            return vec![0.0; d];
        }
        if v.len() != d {
            self.push(
                key,
                format!(
                    "has {} entries but the scenario declares {d} value dimensions (scenario.value_dimensions)",
                    v.len()
                ),
            );
            return vec![0.0; d];
        }
        for &x in v {
            if !(-1.0..=1.0).contains(&x) {
                self.push(key, format!("values must lie in [-1, 1], got {x}"));
                break;
            }
        }
        v.to_vec()
    }
    /// Checks that a distribution without hard bounds practically stays in [lo, hi]: its
    /// values within 6 standard deviations (a lognormal's up to e^(μ+6σ)) lie there.
    fn practical(&mut self, key: &str, d: &model::Dist, lo: f64, hi: f64, n: usize) {
        if !d.problems().is_empty() {
            return; // reported by `dist`
        }
        let (a, b) = match *d {
            model::Dist::Normal {
                mean, sd, min, max, ..
            } => ((mean - 6.0 * sd).max(min), (mean + 6.0 * sd).min(max)),
            model::Dist::LogNormal { mu, sigma, .. } => (0.0, (mu + 6.0 * sigma).exp()),
            _ => d.range_n(n),
        };
        if !(a >= lo && b <= hi) {
            self.push(
                key,
                format!("values must practically lie in [{lo}, {hi}]; this distribution gives values up to [{a}, {b}] (within 6 standard deviations)"),
            );
        }
    }
    /// Checks a distribution drawn for `n` generated states.
    fn dist(&mut self, key: &str, d: &model::Dist, lo: f64, hi: f64, n: usize) {
        let mut probs = d.problems();
        probs.extend(d.problems_n(n));
        let bad = !probs.is_empty();
        for (k, msg) in probs {
            self.push(
                if k.is_empty() {
                    key.to_string()
                } else {
                    format!("{key}.{k}")
                },
                msg,
            );
        }
        if bad {
            return;
        }
        let (a, b) = d.range_n(n);
        if a < lo || b > hi {
            self.push(
                key,
                format!("values must lie in [{lo}, {hi}]; this distribution can give [{a}, {b}] (set min/max)"),
            );
        }
    }
}

/// Looks up ids, reporting unknown ones with the nearest valid id.
fn lookup(
    v: &mut V,
    key: &str,
    what: &str,
    id: &str,
    index: &BTreeMap<String, usize>,
) -> Option<usize> {
    match index.get(id) {
        Some(&i) => Some(i),
        None => {
            let valid: Vec<&String> = index.keys().collect();
            let list: Vec<&str> = valid.iter().take(12).map(|s| s.as_str()).collect();
            v.push(
                key,
                format!(
                    "unknown {what} `{id}`{}; known: {}{}",
                    did_you_mean(id, &valid),
                    list.join(", "),
                    if valid.len() > 12 { ", …" } else { "" }
                ),
            );
            None
        }
    }
}

fn ids<'a>(v: &mut V, table: &str, it: impl Iterator<Item = &'a str>) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for (i, id) in it.enumerate() {
        if let Some(msg) = id_rule(id) {
            let at = if id.is_empty() {
                i.to_string()
            } else {
                id.to_string()
            };
            v.push(format!("{table}.{at}.id"), msg);
        }
        if m.insert(id.to_string(), i).is_some() {
            v.push(
                format!("{table}.{id}.id"),
                format!("duplicate id `{id}`: ids in `{table}` must be unique"),
            );
        }
    }
    m
}

/// Names and sizes resolved so far, shared by the sections of `resolve`.
#[derive(Default)]
struct Ix {
    k: usize,
    d: usize,
    steps: u32,
    norm: BTreeMap<String, usize>,
    region: BTreeMap<String, usize>,
    state: BTreeMap<String, usize>,
    coal: BTreeMap<String, usize>,
    forum: BTreeMap<String, usize>,
    listed: usize,
    n_states: usize,
}

/// Validates and resolves. `path` anchors relative file names (edge lists). Each section
/// checks its part of the file and returns its part of the model; every problem of
/// every section is reported.
pub fn resolve(f: &ScenarioFile, path: &Path) -> Result<Model, Problems> {
    let mut v = V { p: Vec::new() };
    let v = &mut v;
    let meta = &f.scenario;
    check_meta(v, meta);
    if let Some(t) = &f.teaching {
        check_teaching(v, t);
    }
    let mut ix = Ix {
        k: f.norms.len(),
        d: meta.value_dimensions.len(),
        steps: meta.steps.max(1) as u32,
        ..Ix::default()
    };
    // Norms first: states refer to them.
    if f.norms.is_empty() {
        v.push(
            "norms",
            "the scenario declares no norm: add at least one [[norms]] table with an `id`",
        );
    }
    ix.norm = ids(v, "norms", f.norms.iter().map(|n| n.id.as_str()));
    // Listed states in canonical order (sorted by id): the world's arrays, sums and
    // outputs then do not depend on the order in which the file lists them.
    let mut states_sorted: Vec<&StateSpec> = f.states.iter().collect();
    states_sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let regions = regions(v, f, &states_sorted);
    ix.region = regions
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, r)| (r, i))
        .collect();
    ix.state = ids(v, "states", states_sorted.iter().map(|s| s.id.as_str()));
    let listed = listed_states(v, f, &states_sorted, &ix);
    let population = f.population.as_ref().map(|p| population(v, f, p, &ix));
    ix.listed = listed.len();
    ix.n_states = listed.len() + population.as_ref().map_or(0, |p| p.n);
    if f.states.is_empty() && f.population.is_none() {
        v.push("states", "the scenario has no states: list [[states]] one by one or generate them with [population]");
    }
    let mut norms = norms(v, f, population.as_ref(), &ix);
    ix.coal = ids(v, "coalitions", f.coalitions.iter().map(|c| c.id.as_str()));
    let coalitions = coalitions(v, f, &regions, &ix);
    let socialization = socialization(v, f);
    let network = f
        .network
        .as_ref()
        .map(|ns| resolve_network(v, ns, ix.n_states, &ix.state, population.as_ref(), path));
    let observation = internalization_and_observation(v, f);
    let forums = resolve_forums(v, f, &ix.coal, &ix.state, ix.steps);
    ix.forum = forums
        .iter()
        .enumerate()
        .map(|(i, x)| (x.id.clone(), i))
        .collect();
    let incompatibilities = incompatibilities(v, f, &ix);
    treaties(v, f, &forums, &ix, &mut norms);
    let clusters = clusters(v, f, &ix);
    let mergers = mergers(v, f, &ix, &coalitions);
    check_monitoring(v, &f.monitoring);
    let observed = observed(v, f, &ix, path);
    check_collisions(v, &f.collisions);
    if !v.p.is_empty() {
        return Err(std::mem::take(&mut v.p));
    }
    let i = &f.internalization;

    Ok(Model {
        name: meta.name.clone(),
        description: meta.description.clone(),
        steps: ix.steps,
        seed: meta.seed,
        start_year: meta.start_year,
        dt: meta.step_years,
        tipping_share: meta.tipping_share,
        value_dims: meta.value_dimensions.clone(),
        regions,
        listed,
        population,
        norms,
        coalitions,
        domestic_rate: f.domestic.rate,
        domestic_growth: f.domestic.growth,
        domestic_damping: f.domestic.institutional_damping,
        persuasion_efficacy: f.persuasion.efficacy,
        persuasion_floor: f.persuasion.movement_floor,
        persuasion_mobilisation: f.persuasion.mobilisation,
        socialization,
        network,
        habit: i.habit,
        law: i.law,
        compliance_speed: i.compliance_speed,
        decay: i.decay,
        backslide_rate: f.backsliding.rate,
        backslide_max_internalization: f.backsliding.max_internalization,
        observation,
        forums,
        incompatibilities,
        collision: (&f.collisions).into(),
        clusters: clusters.clusters,
        fuzziness: clusters.fuzziness,
        neighbours: clusters.neighbours,
        cluster_rate: clusters.rate,
        clarification: clusters.clarification,
        adjacent_enforcement: clusters.adjacent,
        mergers,
        monitoring: (&f.monitoring).into(),
        observed,
    })
}

/// The `[scenario]` table: name, steps, step length, tipping share.
fn check_meta(v: &mut V, meta: &Meta) {
    if meta.name.trim().is_empty() {
        v.push("scenario.name", "must not be empty");
    }
    if meta.steps <= 0 {
        v.push(
            "scenario.steps",
            format!("must be a whole number ≥ 1, got {}", meta.steps),
        );
    } else if meta.steps > 10_000_000 {
        v.push(
            "scenario.steps",
            format!("at most 10,000,000 steps, got {}", meta.steps),
        );
    }
    v.positive("scenario.step_years", meta.step_years);
    if let Some(y0) = meta.start_year {
        let end = y0 + meta.step_years * meta.steps.max(0) as f64;
        if !(YEARS.0..=YEARS.1).contains(&y0) {
            v.push(
                "scenario.start_year",
                format!("must be a year in [{}, {}], got {y0}", YEARS.0, YEARS.1),
            );
        } else if meta.step_years.is_finite() && !(end <= YEARS.1) {
            v.push(
                "scenario.step_years",
                format!(
                    "the run would end in year {end}, after {}: shorten steps or step_years",
                    YEARS.1
                ),
            );
        }
    }
    let mut dims = BTreeSet::new();
    for d in &meta.value_dimensions {
        if !dims.insert(d) {
            v.push(
                "scenario.value_dimensions",
                format!("value dimension `{d}` is listed twice"),
            );
        }
    }
    if !(meta.tipping_share > 0.0 && meta.tipping_share <= 1.0) {
        v.push(
            "scenario.tipping_share",
            format!("must be in (0, 1], got {}", meta.tipping_share),
        );
    }
}

/// Regions: those of the population, then any named by listed states.
fn regions(v: &mut V, f: &ScenarioFile, states_sorted: &[&StateSpec]) -> Vec<String> {
    let mut regions: Vec<String> = Vec::new();
    if let Some(p) = &f.population {
        for r in &p.regions {
            if regions.contains(r) {
                v.push(
                    "population.regions",
                    format!("region `{r}` is listed twice"),
                );
            } else {
                regions.push(r.clone());
            }
        }
    }
    for s in states_sorted {
        if !regions.contains(&s.region) {
            regions.push(s.region.clone());
        }
    }
    if regions.is_empty() {
        regions.push("world".into());
    }
    if regions.len() > u16::MAX as usize {
        v.push("states", "too many regions (at most 65535)");
    }
    regions
}

/// Listed states, in canonical order.
fn listed_states(
    v: &mut V,
    f: &ScenarioFile,
    states_sorted: &[&StateSpec],
    ix: &Ix,
) -> Vec<model::ListedState> {
    let unit = f.socialization.threshold_unit;
    let (k, d, meta) = (ix.k, ix.d, &f.scenario);
    let (norm_ix, region_ix) = (&ix.norm, &ix.region);
    let mut listed = Vec::with_capacity(f.states.len());
    for s in states_sorted {
        let key = |k: &str| format!("states.{}.{k}", s.id);
        v.positive(&key("weight"), s.weight);
        check_threshold(v, &key("threshold"), s.threshold, unit);
        if unit == ThresholdUnit::Share && f.socialization.network > 0.0 && s.threshold == 0.0 {
            v.push(key("threshold"), network_phi_message(s.threshold));
        }
        v.unit(&key("legitimation_need"), s.legitimation_need);
        let mut movement = vec![0.0; k];
        for (nid, &x) in &s.domestic {
            let kk = format!("states.{}.domestic.{nid}", s.id);
            if let Some(n) = lookup(v, &kk, "norm", nid, norm_ix) {
                v.unit(&kk, x);
                movement[n] = x;
            }
        }
        let mut critical = vec![false; k];
        for nid in &s.critical_for {
            if let Some(n) = lookup(v, &key("critical_for"), "norm", nid, norm_ix) {
                critical[n] = true;
            }
        }
        let joins_step = match (s.joins_step, s.joins_year) {
            (Some(x), _) if x < 0 || x > meta.steps => {
                v.push(
                    key("joins_step"),
                    format!(
                        "must be between 0 and scenario.steps ({}), got {x}",
                        meta.steps
                    ),
                );
                0
            }
            (Some(x), _) => x as u32,
            (None, Some(y)) => year_step(v, &key("joins_year"), f, y)
                .map_or(0, |x| x.clamp(0, meta.steps.max(0)) as u32),
            (None, None) => 0,
        };
        let mut defects = vec![0.0; k];
        for (nid, &p) in &s.defects_from {
            let kk = format!("states.{}.defects_from.{nid}", s.id);
            if let Some(n) = lookup(v, &kk, "norm", nid, norm_ix) {
                v.unit(&kk, p);
                defects[n] = p;
            }
        }
        v.unit(&key("monitoring_acceptance"), s.monitoring_acceptance);
        let mut refuses = vec![false; k];
        for nid in &s.refuses {
            if let Some(n) = lookup(v, &key("refuses"), "norm", nid, norm_ix) {
                refuses[n] = true;
            }
        }
        let mut cost = vec![0.0; k];
        for (nid, &c) in &s.cost {
            let kk = format!("states.{}.cost.{nid}", s.id);
            if let Some(n) = lookup(v, &kk, "norm", nid, norm_ix) {
                v.unit(&kk, c);
                cost[n] = c;
            }
        }
        listed.push(model::ListedState {
            refuses,
            cost,
            joins_step,
            defects,
            monitoring_acceptance: s.monitoring_acceptance,
            id: s.id.clone(),
            name: s.name.clone().unwrap_or_else(|| s.id.clone()),
            region: region_ix[&s.region],
            weight: s.weight,
            threshold: s.threshold,
            legitimation_need: s.legitimation_need,
            movement,
            values: v.values(&key("values"), &s.values, d),
            critical,
        });
    }
    listed
}

/// The generated population.
fn population(v: &mut V, f: &ScenarioFile, p: &PopulationSpec, ix: &Ix) -> model::Population {
    let unit = f.socialization.threshold_unit;
    let region_ix = &ix.region;
    if p.n <= 0 {
        v.push(
            "population.n",
            format!("must be a whole number ≥ 1, got {}", p.n),
        );
    } else if p.n > 100_000_000 {
        v.push(
            "population.n",
            format!("at most 100,000,000 states, got {}", p.n),
        );
    }
    if let Some(msg) = id_rule(&p.id_prefix) {
        v.push("population.id_prefix", msg);
    } else if f
        .states
        .iter()
        .any(|s| model::generated_number(&p.id_prefix, &s.id).is_some())
    {
        v.push(
            "population.id_prefix",
            format!("generated ids `{}1`, `{}2`, … would clash with a listed state's id; choose another prefix", p.id_prefix, p.id_prefix),
        );
    }
    if p.regions.is_empty() {
        v.push("population.regions", "must name at least one region");
    }
    let shares = if p.region_shares.is_empty() {
        vec![1.0; p.regions.len().max(1)]
    } else {
        if p.region_shares.len() != p.regions.len() {
            v.push(
                "population.region_shares",
                format!(
                    "has {} entries for {} regions",
                    p.region_shares.len(),
                    p.regions.len()
                ),
            );
        }
        if p.region_shares.iter().any(|&x| !(0.0..=LARGE).contains(&x))
            || p.region_shares.iter().sum::<f64>() <= 0.0
        {
            v.push(
                "population.region_shares",
                format!(
                    "shares must be numbers in [0, {LARGE:e}], not all 0, got {:?}",
                    p.region_shares
                ),
            );
        }
        p.region_shares.clone()
    };
    let tot: f64 = shares.iter().sum::<f64>().max(f64::MIN_POSITIVE);
    let mut acc = 0.0;
    let region_cum: Vec<f64> = shares
        .iter()
        .map(|x| {
            acc += x / tot;
            acc
        })
        .collect();
    let pn = p.n.max(0) as usize;
    v.dist("population.weight", &p.weight, 0.0, f64::INFINITY, pn);
    v.practical("population.weight", &p.weight, 0.0, LARGE, pn);
    let thr_hi = if unit == ThresholdUnit::Share {
        1.0
    } else {
        4e9
    };
    v.dist("population.threshold", &p.threshold, 0.0, thr_hi, pn);
    if unit == ThresholdUnit::Count && !p.threshold.whole_numbers(pn) {
        v.push("population.threshold", "with threshold_unit = \"count\" generated thresholds must be whole numbers: one number, { dist = \"list\", values = [0, 1, …] } or { dist = \"sequence\", from = 0, step = 1 }");
    }
    if unit == ThresholdUnit::Share
        && f.socialization.network > 0.0
        && p.threshold.problems().is_empty()
    {
        let (lo, _) = p.threshold.range_n(pn);
        if lo <= 0.0 {
            v.push("population.threshold", network_phi_message(lo));
        }
    }
    v.dist(
        "population.legitimation_need",
        &p.legitimation_need,
        0.0,
        1.0,
        pn,
    );
    v.dist(
        "population.domestic_movement",
        &p.domestic_movement,
        0.0,
        1.0,
        pn,
    );
    v.dist("population.values", &p.values, -1.0, 1.0, pn);
    v.dist(
        "population.monitoring_acceptance",
        &p.monitoring_acceptance,
        0.0,
        1.0,
        pn,
    );
    if let Some(j) = &p.joins_year {
        if f.scenario.start_year.is_none() {
            v.push(
                "population.joins_year",
                "calendar years need scenario.start_year",
            );
        }
        let inf = f64::INFINITY;
        v.dist("population.joins_year", j, -inf, inf, pn);
        v.practical("population.joins_year", j, YEARS.0, YEARS.1, pn);
    }
    if p.critical_count < 0 || p.critical_count > p.n.max(0) {
        v.push(
            "population.critical_count",
            format!(
                "must be between 0 and n ({}), got {}",
                p.n, p.critical_count
            ),
        );
    }
    model::Population {
        n: p.n.max(0) as usize,
        id_prefix: p.id_prefix.clone(),
        regions: p
            .regions
            .iter()
            .map(|r| region_ix.get(r).copied().unwrap_or(0))
            .collect(),
        region_cum,
        weight: p.weight.clone(),
        threshold: p.threshold.clone(),
        legitimation_need: p.legitimation_need.clone(),
        domestic_movement: p.domestic_movement.clone(),
        values: p.values.clone(),
        critical_count: p.critical_count.max(0) as usize,
        joins_year: p.joins_year.clone(),
        monitoring_acceptance: p.monitoring_acceptance.clone(),
    }
}

/// Norms (their treaties come later, after the forums).
fn norms(
    v: &mut V,
    f: &ScenarioFile,
    population: Option<&model::Population>,
    ix: &Ix,
) -> Vec<model::Norm> {
    let (k, d, n_states) = (ix.k, ix.d, ix.n_states);
    let (norm_ix, state_ix) = (&ix.norm, &ix.state);
    let _ = norm_ix;
    let mut norms = Vec::with_capacity(k);
    for n in &f.norms {
        let key = |x: &str| format!("norms.{}.{x}", n.id);
        let mut init = Vec::new();
        let mut seen = BTreeSet::new();
        for sid in &n.initial_adopters {
            // A generated state is named by its id (`s17` for the 17th with prefix `s`).
            let generated = population
                .and_then(|p| p.generated_index(sid))
                .map(|j| ix.listed + j);
            let found = match generated {
                Some(i) if !state_ix.contains_key(sid.as_str()) => Some(i),
                _ => lookup(v, &key("initial_adopters"), "state", sid, state_ix),
            };
            if let Some(i) = found {
                if !seen.insert(i) {
                    v.push(
                        key("initial_adopters"),
                        format!("state `{sid}` is listed twice"),
                    );
                }
                init.push(i);
            }
        }
        if n.initial_random < 0 || n.initial_random as usize > n_states {
            v.push(
                key("initial_random"),
                format!(
                    "must be between 0 and the number of states ({n_states}), got {}",
                    n.initial_random
                ),
            );
        }
        v.unit(&key("initial_share"), n.initial_share);
        v.unit(&key("initial_internalization"), n.initial_internalization);
        norms.push(model::Norm {
            id: n.id.clone(),
            name: n.name.clone().unwrap_or_else(|| n.id.clone()),
            problem: n.problem.clone(),
            value: n.value.clone(),
            behaviour: n.behaviour.clone(),
            dominant: n.dominant,
            initial_adopters: init,
            initial_random: n.initial_random.max(0) as usize,
            initial_share: n.initial_share,
            initial_internalization: n.initial_internalization,
            values: v.values(&key("values"), &n.values, d),
            treaty: None,
        });
    }
    norms
}

/// Advocacy coalitions.
fn coalitions(v: &mut V, f: &ScenarioFile, regions: &[String], ix: &Ix) -> Vec<model::Coalition> {
    let (k, d, meta) = (ix.k, ix.d, &f.scenario);
    let (norm_ix, region_ix, state_ix) = (&ix.norm, &ix.region, &ix.state);
    let mut coalitions = Vec::new();
    for c in &f.coalitions {
        let key = |x: &str| format!("coalitions.{}.{x}", c.id);
        if c.norms.is_empty() {
            v.push(key("norms"), "a coalition must promote at least one norm");
        }
        let cn: Vec<usize> = c
            .norms
            .iter()
            .filter_map(|nid| lookup(v, &key("norms"), "norm", nid, norm_ix))
            .collect();
        v.unit(&key("power"), c.power);
        v.nonneg(&key("platform"), c.platform);
        v.nonneg(&key("resources"), c.resources);
        v.nonneg(&key("cost_per_target"), c.cost_per_target);
        v.nonneg(&key("income"), c.income);
        if c.targets_per_step < 0 {
            v.push(
                key("targets_per_step"),
                format!("must be ≥ 0, got {}", c.targets_per_step),
            );
        }
        if c.start_step < 0 || c.start_step > meta.steps {
            v.push(
                key("start_step"),
                format!(
                    "must be between 0 and scenario.steps ({}), got {}",
                    meta.steps, c.start_step
                ),
            );
        }
        let target_region = match (&c.target_region, c.strategy) {
            (Some(r), _) => lookup(v, &key("target_region"), "region", r, region_ix),
            (None, Strategy::RegionFirst) => {
                v.push(
                    key("target_region"),
                    format!(
                        "strategy \"region-first\" needs a target_region; regions: {}",
                        regions.join(", ")
                    ),
                );
                None
            }
            _ => None,
        };
        let members = c
            .members
            .iter()
            .filter_map(|sid| lookup(v, &key("members"), "state", sid, state_ix))
            .collect();
        let mut stance = vec![None; k];
        if let Some(st) = &c.stance {
            if st.is_empty() {
                v.push(key("stance"), "the stance names no norm: write stance = { NORM_ID = \"support\" } or \"challenge\", or leave `stance` out");
            }
            for (nid, &x) in st {
                if let Some(nk) =
                    lookup(v, &format!("{}.{nid}", key("stance")), "norm", nid, norm_ix)
                {
                    if x == Stance::Challenge && cn.contains(&nk) {
                        v.push(format!("{}.{nid}", key("stance")), format!("the coalition promotes `{nid}` (in `norms`) and cannot also challenge it"));
                    }
                    stance[nk] = Some(x.into());
                }
            }
        }
        coalitions.push(model::Coalition {
            id: c.id.clone(),
            name: c.name.clone().unwrap_or_else(|| c.id.clone()),
            norms: cn,
            power: c.power,
            values: v.values(&key("values"), &c.values, d),
            platform: c.platform,
            strategy: c.strategy.into(),
            target_region,
            targets_per_step: c.targets_per_step.max(0) as usize,
            resources: c.resources,
            cost_per_target: c.cost_per_target,
            income: c.income,
            start_step: c.start_step.clamp(0, u32::MAX as i64) as u32,
            members,
            non_state_members: c.non_state_members.clone(),
            stance,
            goal: c.goal.as_ref().and_then(|g| {
                let n = lookup(v, &key("goal.norm"), "norm", &g.norm, norm_ix)?;
                match g.kind.as_str() {
                    "entry_into_force" => Some(model::Goal::EntryIntoForce(n)),
                    "share" => {
                        v.unit(&key("goal.share"), g.share);
                        Some(model::Goal::Share(n, g.share))
                    }
                    other => {
                        v.push(key("goal.kind"), format!("unknown goal kind `{other}`; allowed: entry_into_force, share"));
                        None
                    }
                }
            }),
            monitoring: c.monitoring.as_ref().map(|mo| {
                v.unit(&key("monitoring.strength"), mo.strength);
                let start = match (mo.step, mo.year) {
                    (Some(x), _) => Some(x.clamp(0, meta.steps.max(0)) as u32),
                    (None, Some(y)) => year_step(v, &key("monitoring.year"), f, y).map(|x| x.clamp(0, meta.steps.max(0)) as u32),
                    (None, None) => None,
                };
                if start.is_none() && c.goal.is_none() {
                    v.push(key("monitoring"), "monitoring starts at a `step` or `year`, or when the coalition's `goal` is met: give one");
                }
                (start, mo.strength)
            }),
        });
    }
    coalitions
}

/// Domestic, persuasion and socialization parameters.
fn socialization(v: &mut V, f: &ScenarioFile) -> model::Socialization {
    let unit = f.socialization.threshold_unit;
    v.nonneg("domestic.rate", f.domestic.rate);
    v.nonneg("domestic.growth", f.domestic.growth);
    v.unit(
        "domestic.institutional_damping",
        f.domestic.institutional_damping,
    );
    v.nonneg("persuasion.efficacy", f.persuasion.efficacy);
    v.unit("persuasion.movement_floor", f.persuasion.movement_floor);
    v.unit("persuasion.mobilisation", f.persuasion.mobilisation);
    let s = &f.socialization;
    v.nonneg("socialization.system", s.system);
    v.nonneg("socialization.region", s.region);
    v.nonneg("socialization.network", s.network);
    let total = s.system + s.region + s.network;
    if !(total > 0.0) {
        v.push(
            "socialization",
            "the scope weights system, region and network must not all be 0",
        );
    }
    if s.network > 0.0 && f.network.is_none() {
        v.push(
            "socialization.network",
            "a network scope weight needs a [network] table (kind = \"erdos-renyi\", \"ring\", …)",
        );
    }
    if unit == ThresholdUnit::Count {
        let positive = [s.system, s.region, s.network]
            .iter()
            .filter(|&&x| x > 0.0)
            .count();
        if positive != 1 {
            v.push("socialization.threshold_unit", "count thresholds compare with the adopters of one scope: give exactly one of system, region, network a weight > 0");
        }
    }
    v.nonneg("socialization.steepness", s.steepness);
    v.nonneg("socialization.rate", s.rate);
    v.nonneg("socialization.legitimation", s.legitimation);
    v.nonneg("socialization.conformity", s.conformity);
    v.nonneg("socialization.esteem", s.esteem);
    v.nonneg("socialization.critical_bonus", s.critical_bonus);
    let ce = s.conformity + s.esteem;
    if !(ce > 0.0) {
        v.push("socialization.conformity", "conformity and esteem must not both be 0 (they blend the head-count and weighted shares of adopters)");
    }
    model::Socialization {
        scope: if total > 0.0 {
            [s.system / total, s.region / total, s.network / total]
        } else {
            [1.0, 0.0, 0.0]
        },
        response: s.response.into(),
        unit: unit.into(),
        steepness: s.steepness,
        rate: s.rate,
        legitimation: s.legitimation,
        conformity: if ce > 0.0 { s.conformity / ce } else { 1.0 },
        esteem: if ce > 0.0 { s.esteem / ce } else { 0.0 },
        critical_bonus: s.critical_bonus,
    }
}

/// Internalization and backsliding parameters; the observation settings.
fn internalization_and_observation(v: &mut V, f: &ScenarioFile) -> model::Observation {
    let i = &f.internalization;
    v.nonneg("internalization.habit", i.habit);
    v.nonneg("internalization.law", i.law);
    v.nonneg("internalization.compliance_speed", i.compliance_speed);
    v.nonneg("internalization.decay", i.decay);
    v.nonneg("backsliding.rate", f.backsliding.rate);
    v.unit(
        "backsliding.max_internalization",
        f.backsliding.max_internalization,
    );
    let o = &f.observation;
    if o.regime_window < 1 {
        v.push(
            "observation.regime_window",
            format!("must be ≥ 1 step, got {}", o.regime_window),
        );
    }
    if o.regime_min < 1 {
        v.push(
            "observation.regime_min",
            format!("must be ≥ 1, got {}", o.regime_min),
        );
    }
    if o.stage_window < 1 {
        v.push(
            "observation.stage_window",
            format!("must be ≥ 1 step, got {}", o.stage_window),
        );
    }
    v.unit("observation.stage_growth", o.stage_growth);
    let mut milestones = o.milestones.clone();
    for &x in &milestones {
        if !(x > 0.0 && x <= 1.0) {
            v.push(
                "observation.milestones",
                format!("shares must be in (0, 1], got {x}"),
            );
        }
    }
    milestones.sort_by(f64::total_cmp);
    milestones.dedup();
    if o.log_adoptions_max < 0 {
        v.push("observation.log_adoptions_max", "must be ≥ 0");
    }
    model::Observation {
        regime_window: o.regime_window.max(1) as usize,
        regime_min: o.regime_min.max(1) as u64,
        stage_window: o.stage_window.max(1) as usize,
        stage_growth: o.stage_growth,
        milestones,
        log_adoptions_max: o.log_adoptions_max.max(0) as usize,
    }
}

/// Potential collisions: pairs of incompatible norms.
fn incompatibilities(v: &mut V, f: &ScenarioFile, ix: &Ix) -> Vec<model::Incompatibility> {
    let (meta, norm_ix, forum_ix) = (&f.scenario, &ix.norm, &ix.forum);
    let _ = ids(
        v,
        "incompatibilities",
        f.incompatibilities.iter().map(|x| x.id.as_str()),
    );
    let mut incompatibilities = Vec::new();
    for inc in &f.incompatibilities {
        let key = |x: &str| format!("incompatibilities.{}.{x}", inc.id);
        if inc.norms.len() != 2 {
            v.push(
                key("norms"),
                format!(
                    "an incompatibility names exactly two norms, got {}",
                    inc.norms.len()
                ),
            );
            continue;
        }
        let a = lookup(v, &key("norms"), "norm", &inc.norms[0], norm_ix);
        let b = lookup(v, &key("norms"), "norm", &inc.norms[1], norm_ix);
        if a.is_some() && a == b {
            v.push(key("norms"), "a norm cannot be incompatible with itself");
        }
        let dimension = inc.dimension.as_ref().and_then(|dname| {
            let dims: BTreeMap<String, usize> = meta
                .value_dimensions
                .iter()
                .cloned()
                .enumerate()
                .map(|(i, x)| (x, i))
                .collect();
            lookup(v, &key("dimension"), "value dimension", dname, &dims)
        });
        let fs = inc
            .forums
            .iter()
            .filter_map(|fid| lookup(v, &key("forums"), "forum", fid, forum_ix))
            .collect();
        if let (Some(a), Some(b)) = (a, b) {
            incompatibilities.push(model::Incompatibility {
                id: inc.id.clone(),
                norms: [a, b],
                dimension,
                forums: fs,
            });
        }
    }
    if !f.incompatibilities.is_empty() && f.forums.is_empty() {
        v.push(
            "incompatibilities",
            "collisions are articulated in forums: declare at least one [[forums]] table",
        );
    }
    incompatibilities
}

/// Treaties backing norms (after forums: a treaty may open at its forum's first
/// decision).
fn treaties(
    v: &mut V,
    f: &ScenarioFile,
    forums: &[model::Forum],
    ix: &Ix,
    norms: &mut [model::Norm],
) {
    let (meta, n_states) = (&f.scenario, ix.n_states);
    let (forum_ix, state_ix) = (&ix.forum, &ix.state);
    for (ni, n) in f.norms.iter().enumerate() {
        let Some(t) = &n.treaty else { continue };
        let key = |x: &str| format!("norms.{}.treaty.{x}", n.id);
        let opens = match (t.opens_step, t.opens_year, &t.forum) {
            (Some(x), _, _) => Some(x),
            (None, Some(y), _) => year_step(v, &key("opens_year"), f, y),
            (None, None, Some(fid)) => lookup(v, &key("forum"), "forum", fid, forum_ix).and_then(|fi| {
                let d = forums[fi].decisions.first().copied();
                if d.is_none() {
                    v.push(key("forum"), format!("forum `{fid}` has no deciding session (decisions / decision_years) at which the treaty could open"));
                }
                d.map(|x| x as i64)
            }),
            (None, None, None) => {
                v.push(key("opens_step"), "a treaty needs `opens_step`, `opens_year` or `forum`");
                None
            }
        };
        if let Some(o) = opens {
            if o < 0 || o > meta.steps {
                v.push(key("opens_step"), format!("the treaty opens at step {o}, outside the run (0..={}); it must open before the last step", meta.steps));
            }
        }
        if t.entry_into_force <= 0 {
            v.push(
                key("entry_into_force"),
                format!(
                    "ratifications needed must be a whole number ≥ 1, got {}",
                    t.entry_into_force
                ),
            );
        } else if t.entry_into_force as usize > n_states {
            v.push(
                key("entry_into_force"),
                format!(
                    "{} ratifications needed but the scenario has only {n_states} states",
                    t.entry_into_force
                ),
            );
        }
        v.dist(
            &key("ratification_lag"),
            &t.ratification_lag,
            0.0,
            f64::INFINITY,
            n_states,
        );
        v.practical(
            &key("ratification_lag"),
            &t.ratification_lag,
            0.0,
            LARGE,
            n_states,
        );
        v.nonneg(&key("institutionalization"), t.institutionalization);
        v.nonneg(&key("entry_delay"), t.entry_delay);
        v.nonneg(&key("pressure"), t.pressure);
        v.nonneg(&key("opening_pressure"), t.opening_pressure);
        let champion = t.champion.as_ref().and_then(|c| {
            v.unit(&key("champion.power"), c.power);
            let st = lookup(v, &key("champion.state"), "state", &c.state, state_ix)?;
            Some((st, c.power, c.targets_per_step.max(0) as usize))
        });
        if !["open", "until_entry_into_force"].contains(&t.signature.as_str()) {
            v.push(
                key("signature"),
                format!(
                    "`{}` is not allowed: \"open\" (sign whenever adopting) or \"until_entry_into_force\" (later joiners accede)",
                    t.signature
                ),
            );
        }
        norms[ni].treaty = Some(model::Treaty {
            opens_step: opens.unwrap_or(0).clamp(0, meta.steps.max(0)) as u32,
            entry_into_force: t.entry_into_force.max(1) as u32,
            entry_delay_steps: (t.entry_delay / meta.step_years).round().max(0.0) as u32,
            lag: t.ratification_lag.clone(),
            institutionalization: t.institutionalization,
            pressure: t.pressure,
            opening_pressure: t.opening_pressure,
            champion,
            signature_closes: t.signature == "until_entry_into_force",
        });
    }
}

/// Norm clusters and what follows from them per norm.
struct Clusters {
    clusters: Vec<model::Cluster>,
    fuzziness: Vec<f64>,
    neighbours: Vec<Vec<usize>>,
    rate: f64,
    clarification: f64,
    adjacent: f64,
}

/// Clusters: declared, or inferred from shared problems / values of the triples.
fn clusters(v: &mut V, f: &ScenarioFile, ix: &Ix) -> Clusters {
    let (k, norm_ix) = (ix.k, &ix.norm);
    let mut clusters = Vec::new();
    let _ = ids(v, "clusters", f.clusters.iter().map(|c| c.id.as_str()));
    for c in &f.clusters {
        let key = |x: &str| format!("clusters.{}.{x}", c.id);
        let ns: Vec<usize> = c
            .norms
            .iter()
            .filter_map(|nid| lookup(v, &key("norms"), "norm", nid, norm_ix))
            .collect();
        if c.norms.len() < 2 {
            v.push(
                key("norms"),
                format!("a cluster needs at least two norms, got {}", c.norms.len()),
            );
        }
        let mut named = BTreeSet::new();
        for nid in &c.norms {
            if !named.insert(nid) {
                v.push(key("norms"), format!("norm `{nid}` is named twice"));
            }
        }
        v.unit(&key("fuzziness"), c.fuzziness);
        clusters.push(model::Cluster {
            id: c.id.clone(),
            norms: ns,
            fuzziness: c.fuzziness,
        });
    }
    let (cluster_rate, clarification, adjacent) = match &f.clustering {
        Some(cs) => {
            v.unit("clustering.fuzziness", cs.fuzziness);
            v.unit("clustering.adjacent_enforcement", cs.adjacent_enforcement);
            v.nonneg("clustering.rate", cs.rate);
            v.nonneg("clustering.clarification", cs.clarification);
            let by_problem = matches!(cs.infer.as_str(), "problem" | "both");
            let by_value = matches!(cs.infer.as_str(), "value" | "both");
            if !by_problem && !by_value && cs.infer != "none" {
                v.push(
                    "clustering.infer",
                    format!(
                        "unknown `{}`; allowed: problem, value, both, none",
                        cs.infer
                    ),
                );
            }
            let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for (i, n) in f.norms.iter().enumerate() {
                if by_problem && !n.problem.is_empty() {
                    groups
                        .entry(format!("problem: {}", n.problem))
                        .or_default()
                        .push(i);
                }
                if by_value && !n.value.is_empty() {
                    groups
                        .entry(format!("value: {}", n.value))
                        .or_default()
                        .push(i);
                }
            }
            for (name, ns) in groups {
                if ns.len() >= 2 {
                    clusters.push(model::Cluster {
                        id: name,
                        norms: ns,
                        fuzziness: cs.fuzziness,
                    });
                }
            }
            (cs.rate, cs.clarification, cs.adjacent_enforcement)
        }
        None => (0.2, 0.1, 0.0),
    };
    let mut fuzziness = vec![0.0f64; k];
    let mut neighbours = vec![Vec::new(); k];
    for c in &clusters {
        for &a in &c.norms {
            fuzziness[a] = fuzziness[a].max(c.fuzziness);
            for &b in &c.norms {
                if a != b && !neighbours[a].contains(&b) {
                    neighbours[a].push(b);
                }
            }
        }
    }
    Clusters {
        clusters,
        fuzziness,
        neighbours,
        rate: cluster_rate,
        clarification,
        adjacent,
    }
}

/// Coalition mergers: (step, coalition, coalition merged into it). A merger dated before
/// one of the two coalitions forms takes effect when the later one forms (a sweep may move
/// a coalition's start past the merger's date).
fn mergers(
    v: &mut V,
    f: &ScenarioFile,
    ix: &Ix,
    coalitions: &[model::Coalition],
) -> Vec<(u32, usize, usize)> {
    let (meta, coal_ix) = (&f.scenario, &ix.coal);
    let mut mergers = Vec::new();
    for (mi, mg) in f.mergers.iter().enumerate() {
        let key = format!("mergers.{mi}");
        if mg.coalitions.len() != 2 {
            v.push(&key, "a merger names exactly two coalitions");
            continue;
        }
        let a = lookup(
            v,
            &format!("{key}.coalitions"),
            "coalition",
            &mg.coalitions[0],
            coal_ix,
        );
        let b = lookup(
            v,
            &format!("{key}.coalitions"),
            "coalition",
            &mg.coalitions[1],
            coal_ix,
        );
        let step = match (mg.step, mg.year) {
            (Some(x), _) => Some(x),
            (None, Some(y)) => year_step(v, &format!("{key}.year"), f, y),
            _ => {
                v.push(&key, "a merger needs a `step` or `year`");
                None
            }
        };
        if let (Some(a), Some(b), Some(st)) = (a, b, step) {
            if a == b {
                v.push(&key, "a coalition cannot merge with itself");
            }
            let start = |c: usize| coalitions.get(c).map_or(0, |x| x.start_step);
            let st = (st.clamp(0, meta.steps.max(0)) as u32)
                .max(start(a))
                .max(start(b));
            mergers.push((st, a, b));
        }
    }
    mergers
}

/// Monitoring parameters.
fn check_monitoring(v: &mut V, mo: &MonitoringSpec) {
    v.nonneg("monitoring.compliance", mo.compliance);
    v.nonneg("monitoring.shaming", mo.shaming);
    v.nonneg("monitoring.burnout", mo.burnout);
    v.nonneg("monitoring.funding", mo.funding);
    v.unit("monitoring.reporting", mo.reporting);
    v.positive("monitoring.report_every", mo.report_every);
}

/// The observed series a run is compared with; every problem of the table is reported.
fn observed(v: &mut V, f: &ScenarioFile, ix: &Ix, path: &Path) -> Option<model::Observed> {
    let o = f.observed.as_ref()?;
    let n = lookup(v, "observed.norm", "norm", &o.norm, &ix.norm);
    if o.measure != "parties" && o.measure != "adopters" {
        v.push(
            "observed.measure",
            format!("unknown `{}`; allowed: parties, adopters", o.measure),
        );
    }
    if f.scenario.start_year.is_none() {
        v.push(
            "observed",
            "an observed series is matched by year: the scenario needs start_year",
        );
    }
    if let Some(x) = o.states {
        if !(1.0..=LARGE).contains(&x) {
            v.push(
                "observed.states",
                format!(
                    "the number of states is a denominator: must be in [1, {LARGE:e}], got {x}"
                ),
            );
        }
    }
    let src = o.source.trim();
    if src.is_empty() || src.chars().count() > 300 || src.contains('\n') {
        v.push(
            "observed.source",
            "the source of the observed series is required (the plot's caption names it): one line of 1–300 characters",
        );
    } else if src.contains("../") {
        v.push(
            "observed.source",
            "name the publication or a file inside the repository, not a path outside it",
        );
    }
    let p = path.parent().unwrap_or(Path::new(".")).join(&o.file);
    let points = match read_series(&p, &o.column) {
        Ok(points) => Some(points),
        Err(msgs) => {
            for msg in msgs {
                v.push("observed.file", msg);
            }
            None
        }
    };
    let by_state = match &o.by_state {
        Some(file) => observed_by_state(v, ix, &path.parent().unwrap_or(Path::new(".")).join(file)),
        None => Some(Vec::new()),
    };
    Some(model::Observed {
        norm: n?,
        parties: o.measure == "parties",
        points: points?,
        states: o.states,
        source: o.source.clone(),
        file: o.file.clone(),
        by_state: by_state?,
        by_state_file: o.by_state.clone().unwrap_or_default(),
    })
}

/// The per-state record `p` (`iso3,year`): codes of the bundled state table, each once, a
/// year per row; every problem reported with its line. States of the record that are not
/// in the scenario are left out; years after the end of the run are kept (the comparison
/// censors them).
fn observed_by_state(v: &mut V, ix: &Ix, p: &Path) -> Option<Vec<(usize, f64)>> {
    let text = match std::fs::read_to_string(p) {
        Ok(t) => t,
        Err(e) => {
            v.push(
                "observed.by_state",
                format!("cannot read the per-state record {}: {e}", p.display()),
            );
            return None;
        }
    };
    let known: BTreeSet<String> = super::states_table::bundled()
        .into_iter()
        .map(|r| r.iso3)
        .collect();
    match super::states_table::read_state_years(&text, "year", &known, Some(YEARS.1)) {
        Ok(rows) => Some(
            rows.into_iter()
                .filter_map(|(id, y)| {
                    ix.state
                        .get(&id)
                        .filter(|&&i| i < ix.listed)
                        .map(|&i| (i, y))
                })
                .collect(),
        ),
        Err(probs) => {
            for (line, msg) in probs {
                let at = line.map_or(p.display().to_string(), |l| format!("{}:{l}", p.display()));
                v.push("observed.by_state", format!("{at}: {msg}"));
            }
            None
        }
    }
}

/// Collision parameters.
fn check_collisions(v: &mut V, cp: &CollisionSpec) {
    for (name, x) in [
        ("articulation", cp.articulation),
        ("challenge_bonus", cp.challenge_bonus),
        ("intensity_gain", cp.intensity_gain),
        ("intensity_decay", cp.intensity_decay),
        ("resolution", cp.resolution),
        ("suppression", cp.suppression),
        ("erosion", cp.erosion),
        ("position_shift", cp.position_shift),
    ] {
        v.nonneg(&format!("collisions.{name}"), x);
    }
    for (name, x) in [
        ("divergence_floor", cp.divergence_floor),
        ("strength_floor", cp.strength_floor),
        ("restricted_access", cp.restricted_access),
        ("uptake", cp.uptake),
        ("balance_floor", cp.balance_floor),
        ("solo_agenda", cp.solo_agenda),
        ("defence_articulation", cp.defence_articulation),
        ("seated_access", cp.seated_access),
        ("compromise", cp.compromise),
        ("obstruction", cp.obstruction),
        ("shield", cp.shield),
        ("slowdown", cp.slowdown),
        ("hierarchy_penalty", cp.hierarchy_penalty),
        ("session_resolution", cp.session_resolution),
    ] {
        v.unit(&format!("collisions.{name}"), x);
    }
}

/// Reads `year,<column>` from a CSV (other columns ignored; `#` comments allowed): years
/// finite, in range and increasing, counts finite and ≥ 0. Every bad row is reported.
fn read_series(p: &Path, column: &str) -> Result<Vec<(f64, f64)>, Vec<String>> {
    let fail = |m: String| vec![m];
    let mut rdr = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_path(p)
        .map_err(|e| {
            fail(format!(
                "cannot read the observed series {}: {e}",
                p.display()
            ))
        })?;
    let headers = rdr
        .headers()
        .map_err(|e| fail(format!("{}: {e}", p.display())))?
        .clone();
    let yi = headers
        .iter()
        .position(|h| h == "year")
        .ok_or_else(|| fail(format!("{}: no `year` column", p.display())))?;
    let ci = headers.iter().position(|h| h == column).ok_or_else(|| {
        let cols: Vec<&str> = headers.iter().collect();
        fail(format!(
            "{}: no `{column}` column{}; columns: {}",
            p.display(),
            did_you_mean(column, &cols),
            cols.join(", ")
        ))
    })?;
    let (mut out, mut errs) = (Vec::new(), Vec::new());
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| fail(format!("{}: {e}", p.display())))?;
        let line = rec.position().map_or(i + 2, |x| x.line() as usize);
        let at = format!("{}:{line}", p.display());
        let y = rec[yi]
            .parse::<f64>()
            .ok()
            .filter(|y| (YEARS.0..=YEARS.1).contains(y));
        let c = rec[ci]
            .parse::<f64>()
            .ok()
            .filter(|c| (0.0..=LARGE).contains(c));
        match (y, c) {
            (None, _) => errs.push(format!(
                "{at}: `year` must be a year in [{}, {}], got `{}`",
                YEARS.0, YEARS.1, &rec[yi]
            )),
            (_, None) => errs.push(format!(
                "{at}: `{column}` must be a count ≥ 0, got `{}`",
                &rec[ci]
            )),
            (Some(y), Some(_)) if out.last().is_some_and(|&(y0, _)| y <= y0) => errs.push(format!(
                "{at}: years must increase row by row, got {y} after {}",
                out.last().map_or(0.0, |x: &(f64, f64)| x.0)
            )),
            (Some(y), Some(c)) => out.push((y, c)),
        }
    }
    if out.is_empty() && errs.is_empty() {
        errs.push(format!("{}: no rows", p.display()));
    }
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(errs)
    }
}

/// Message for a share threshold φ ≤ 0 where peer pressure comes from network ties.
fn network_phi_message(lo: f64) -> String {
    format!(
        "with network thresholds (socialization.network > 0) a share threshold φ must be in (0, 1]: \
         φ = 0 would adopt with no adopting neighbour; this gives thresholds down to {lo} (set min > 0)"
    )
}

/// Converts a calendar year to a step (needs `scenario.start_year`).
fn year_step(v: &mut V, key: &str, f: &ScenarioFile, year: f64) -> Option<i64> {
    match f.scenario.start_year {
        None => {
            v.push(
                key,
                "calendar years need scenario.start_year; or give steps instead",
            );
            None
        }
        Some(_) if !(YEARS.0..=YEARS.1).contains(&year) => {
            v.push(
                key,
                format!("must be a year in [{}, {}], got {year}", YEARS.0, YEARS.1),
            );
            None
        }
        Some(y0) => Some(((year - y0) / f.scenario.step_years).round() as i64),
    }
}

fn resolve_forums(
    v: &mut V,
    f: &ScenarioFile,
    coal_ix: &BTreeMap<String, usize>,
    state_ix: &BTreeMap<String, usize>,
    steps: u32,
) -> Vec<model::Forum> {
    let _ = ids(v, "forums", f.forums.iter().map(|x| x.id.as_str()));
    let mut out = Vec::new();
    for fs in &f.forums {
        let key = |x: &str| format!("forums.{}.{x}", fs.id);
        if fs.capacity <= 0 {
            v.push(key("capacity"), format!("agenda capacity must be a whole number ≥ 1 (collisions debated per session), got {}", fs.capacity));
        }
        v.nonneg(&key("state_voice"), fs.state_voice);
        let mut sessions: Vec<i64> = fs.sessions.clone();
        for &y in &fs.session_years {
            if let Some(s) = year_step(v, &key("session_years"), f, y) {
                sessions.push(s);
            }
        }
        match fs.every {
            Some(e) if e <= 0 => v.push(key("every"), format!("must be ≥ 1 step, got {e}")),
            Some(e) => {
                let end = fs.end_step.unwrap_or(steps as i64).min(steps as i64);
                let mut s = fs.start_step.max(1);
                while s <= end {
                    sessions.push(s);
                    s += e;
                }
            }
            None => {}
        }
        if sessions.is_empty() {
            v.push(key("sessions"), "the forum never meets: give `every` (steps between sessions), `sessions` (steps) or `session_years`");
        }
        let mut decisions: Vec<i64> = fs.decisions.clone();
        for &y in &fs.decision_years {
            if let Some(s) = year_step(v, &key("decision_years"), f, y) {
                decisions.push(s);
            }
        }
        for (what, list) in [("sessions", &sessions), ("decisions", &decisions)] {
            for &s in list.iter() {
                if s < 1 || s > steps as i64 {
                    v.push(
                        key(what),
                        format!("session step {s} lies outside the run (1..={steps})"),
                    );
                }
            }
        }
        // A decision is also a session.
        sessions.extend(decisions.iter().copied());
        sessions.sort_unstable();
        sessions.dedup();
        decisions.sort_unstable();
        decisions.dedup();
        let members = fs
            .members
            .iter()
            .filter_map(|sid| lookup(v, &key("members"), "state", sid, state_ix))
            .collect();
        let mut access = vec![fs.default_access; coal_ix.len()];
        for (cid, &a) in &fs.access {
            if let Some(c) = lookup(
                v,
                &format!("{}.{cid}", key("access")),
                "coalition",
                cid,
                coal_ix,
            ) {
                access[c] = a;
            }
        }
        let mut changes = Vec::new();
        for ch in &fs.access_changes {
            if let Some(c) = lookup(
                v,
                &key("access_changes"),
                "coalition",
                &ch.coalition,
                coal_ix,
            ) {
                if ch.step < 0 || ch.step > steps as i64 {
                    v.push(
                        key("access_changes"),
                        format!("step {} lies outside the run (0..={steps})", ch.step),
                    );
                }
                changes.push((ch.step.max(0) as u32, c, ch.access));
            }
        }
        changes.sort_by_key(|x| x.0);
        let clamp = |x: i64| x.clamp(0, steps as i64) as u32;
        out.push(model::Forum {
            id: fs.id.clone(),
            name: fs.name.clone().unwrap_or_else(|| fs.id.clone()),
            sessions: sessions.into_iter().map(clamp).collect(),
            decisions: decisions.into_iter().map(clamp).collect(),
            capacity: fs.capacity.max(1) as usize,
            members,
            access: access.into_iter().map(Into::into).collect(),
            access_changes: changes
                .into_iter()
                .map(|(s, c, a)| (s, c, a.into()))
                .collect(),
            state_voice: fs.state_voice,
        });
    }
    out
}

/// `[teaching] try`: at most 12 items of plain text, each 1–300 characters on one line.
fn check_teaching(v: &mut V, t: &crate::scenario::schema::TeachingSpec) {
    if t.try_.len() > 12 {
        v.push(
            "teaching.try",
            format!("at most 12 items, got {}", t.try_.len()),
        );
    }
    for (i, s) in t.try_.iter().enumerate() {
        let len = s.chars().count();
        if s.trim().is_empty() || len > 300 || s.chars().any(|c| c.is_control()) {
            v.push(
                format!("teaching.try[{i}]"),
                format!(
                    "must be one line of 1 to 300 characters without control characters, got {len} characters"
                ),
            );
        }
    }
}

fn check_threshold(v: &mut V, key: &str, x: f64, unit: ThresholdUnit) {
    match unit {
        ThresholdUnit::Share => {
            if !(0.0..=1.0).contains(&x) {
                v.push(key, format!("a share threshold must be in [0, 1], got {x} (or set socialization.threshold_unit = \"count\")"));
            }
        }
        ThresholdUnit::Count => {
            if !(x >= 0.0 && x.fract() == 0.0 && x < 4e9) {
                v.push(
                    key,
                    format!("a count threshold must be a whole number ≥ 0, got {x}"),
                );
            }
        }
    }
}

fn resolve_network(
    v: &mut V,
    ns: &NetworkSpec,
    n: usize,
    state_ix: &BTreeMap<String, usize>,
    pop: Option<&model::Population>,
    path: &Path,
) -> model::NetworkParams {
    let mut out = model::NetworkParams {
        kind: ns.kind.into(),
        mean_degree: 0.0,
        k: 0,
        rewire: 0.0,
        m: 0,
        edges: Vec::new(),
    };
    let need_int = |v: &mut V, key: &str, x: Option<i64>, lo: i64, hi: i64| -> usize {
        match x {
            None => {
                v.push(
                    key,
                    format!(
                        "this network kind needs `{}`",
                        key.rsplit('.').next().unwrap_or(key)
                    ),
                );
                0
            }
            Some(x) if x < lo || x > hi => {
                v.push(key, format!("must be between {lo} and {hi}, got {x}"));
                0
            }
            Some(x) => x as usize,
        }
    };
    let nn = n as i64;
    match ns.kind {
        NetworkKind::ErdosRenyi => match ns.mean_degree {
            None => v.push(
                "network.mean_degree",
                "erdos-renyi needs `mean_degree` (z = p·n)",
            ),
            Some(z) if !(z > 0.0 && z < n as f64) => v.push(
                "network.mean_degree",
                format!("must be > 0 and < the number of states ({n}), got {z}"),
            ),
            Some(z) => out.mean_degree = z,
        },
        NetworkKind::Ring => out.k = need_int(v, "network.k", ns.k, 1, ((nn - 1) / 2).max(1)),
        NetworkKind::WattsStrogatz => {
            out.k = need_int(v, "network.k", ns.k, 1, ((nn - 1) / 2).max(1));
            match ns.rewire {
                Some(b) if (0.0..=1.0).contains(&b) => out.rewire = b,
                Some(b) => v.push(
                    "network.rewire",
                    format!("must be a probability in [0, 1], got {b}"),
                ),
                None => v.push(
                    "network.rewire",
                    "watts-strogatz needs `rewire` (probability β)",
                ),
            }
        }
        NetworkKind::BarabasiAlbert => out.m = need_int(v, "network.m", ns.m, 1, (nn - 1).max(1)),
        NetworkKind::EdgeList => match &ns.file {
            None => v.push(
                "network.file",
                "edge-list needs `file`: a CSV of state id pairs",
            ),
            Some(file) => {
                let p = path.parent().unwrap_or(Path::new(".")).join(file);
                match read_edges(&p) {
                    Err(msg) => v.push("network.file", msg),
                    Ok(edges) => out.edges = edge_indices(v, &p, &edges, state_ix, pop),
                }
            }
        },
    }
    out
}

/// The edges of an edge list as state indices: listed states by id (in canonical
/// order), generated ones by `Population::generated_index`. Every unknown id is reported
/// once, with its file and line.
fn edge_indices(
    v: &mut V,
    p: &Path,
    edges: &[(usize, String, String)],
    state_ix: &BTreeMap<String, usize>,
    pop: Option<&model::Population>,
) -> Vec<(u32, u32)> {
    let listed = state_ix.len();
    let mut reported = BTreeSet::new();
    let mut index = |line: usize, id: &str| -> u32 {
        let i = state_ix
            .get(id)
            .copied()
            .or_else(|| pop.and_then(|g| g.generated_index(id)).map(|j| listed + j));
        if let Some(i) = i {
            return i as u32;
        }
        if reported.insert(id.to_string()) {
            let valid: Vec<&String> = state_ix.keys().collect();
            let generated = pop.map_or(String::new(), |g| {
                format!("; generated states are `{0}1` … `{0}{1}`", g.id_prefix, g.n)
            });
            v.push(
                "network.file",
                format!(
                    "{}:{line}: unknown state `{id}`{}{generated}",
                    p.display(),
                    did_you_mean(id, &valid)
                ),
            );
        }
        0
    };
    let out: Vec<(u32, u32)> = edges
        .iter()
        .map(|(line, a, b)| (index(*line, a), index(*line, b)))
        .collect();
    let mut seen = BTreeMap::new();
    for ((line, a, b), &(i, j)) in edges.iter().zip(&out) {
        if a == b {
            v.push(
                "network.file",
                format!(
                    "{}:{line}: self-loop `{a},{b}`: a state is not its own neighbour",
                    p.display()
                ),
            );
        } else if let Some(first) = seen.insert((i.min(j), i.max(j)), *line) {
            v.push(
                "network.file",
                format!("{}:{line}: duplicate edge `{a},{b}` (first on line {first}; edges are undirected)", p.display()),
            );
        }
    }
    out
}

/// Reads `source,target` rows (a header row is allowed), with located errors.
fn read_edges(p: &Path) -> Result<Vec<(usize, String, String)>, String> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_path(p)
        .map_err(|e| format!("cannot read the edge list {}: {e}", p.display()))?;
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| format!("{}: {e}", p.display()))?;
        let line = rec.position().map_or(i + 1, |x| x.line() as usize);
        if rec.len() != 2 {
            return Err(format!(
                "{}:{line}: malformed row: expected 2 fields `source,target` (state ids), got {}",
                p.display(),
                rec.len()
            ));
        }
        if i == 0 && (&rec[0] == "source" || &rec[0] == "from") {
            continue;
        }
        if rec[0].is_empty() || rec[1].is_empty() {
            return Err(format!(
                "{}:{line}: malformed row: empty state id",
                p.display()
            ));
        }
        out.push((line, rec[0].to_string(), rec[1].to_string()));
    }
    Ok(out)
}
